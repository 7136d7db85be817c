"""Source pages: a report's text with one anchor per line, so that every figure links to the line
it was read from. In: one `reports` row and the corpus file it names. Out, in sources/: the text as
the parser numbers its lines (.txt), the original file's bytes (.orig.txt) and the page that shows
the text with its line numbers (.html); nothing for a file the parser refused or that changed
since the package was built."""

from __future__ import annotations

import hashlib

from ..parse import read
from .context import Site
from .html import h
from .links import agency_href, file_name
from .strings import t


def source_page(site: Site, report: dict) -> None:
    """The report's text as the parser numbers its lines, and a page that shows it with one
    anchor per line, so every figure links to the line it was read from; beside them, the
    original file's bytes for download.

    - `sources/<name>.txt`: the text decoded as the parser decodes it (`read.decode`) and laid
      out by the parser's own line function (`read.source_text`): UTF-8 (with a byte-order
      mark, so that a browser opening it alone reads it right), one "\\n" after every line.
      Line n of it is source_line n, whatever breaks the file used (CR, U+2028, form feed…) and
      whatever its encoding (UTF-16, GB18030…); the page's script splits on "\\n" only.
    - `sources/<name>.orig.txt`: the file's bytes as they are (SHA-256 as in the package),
      named .txt so that a served HTML report is shown as text, never run.

    A file the parser refused to decode, or that changed since the package was built, gets
    no source page (its figures then link nowhere)."""
    if site.corpus is None:
        return
    path = site.corpus / report["source_file"]
    try:
        data = path.read_bytes()
    except OSError:
        return
    if hashlib.sha256(data).hexdigest() != report["sha256"]:
        return  # the corpus changed since the package was built: do not show another text
    reader = read.reader_for(data, path.suffix)  # as the parser chose it
    if reader is None:
        return
    try:
        text, _ = read.decode(data, html=reader.format == "html")
    except read.ReadError:
        return
    rid = report["report_id"]
    name = file_name(rid)
    (site.out / "sources").mkdir(exist_ok=True)
    (site.out / "sources" / f"{name}.txt").write_bytes(b"\xef\xbb\xbf" + read.source_text(text).encode("utf-8"))
    (site.out / "sources" / f"{name}.orig.txt").write_bytes(data)
    agency = report["agency_name"] or t("agency_unknown")
    aid = site.agency_of.get(rid)
    back = f'<a href="{h(agency_href(aid))}">{t("back_to", name=h(agency))}</a>' if aid else f'<a href="../index.html">{h(t("back_home"))}</a>'
    url = ""
    if report["source_url"]:
        link = f'<span class="url">{h(report["source_url"])}</span>'
        url = " · " + t("source_url", title=h(site.pub.title("reports", "source_url")), url=link)
    meta = t("source_meta", file=f'<code>{h(report["source_file"])}</code>', sha256=f'<code>{h(report["sha256"])}</code>',
             encoding=h(report["encoding"]))
    plain = f'<a href="{h(name)}.txt">{h(t("open_plain_text"))}</a>'
    # A small page: the script shows the text's lines (one anchor each) from the .txt beside it.
    page = f"""<!DOCTYPE html>
<html lang="{h(t("lang"))}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{t("source_page_title", agency=h(agency), year=h(report["year"]), file=h(report["source_file"]))}</title>
<link rel="stylesheet" href="../stylesheets/source.css"><script src="../javascripts/source.js"></script></head>
<body data-file="{h(name)}.txt"><header><p>{back} · <a href="{h(name)}.orig.txt" download>{h(t("download_original"))}</a> · <a href="{h(name)}.txt">{h(t("plain_text"))}</a> · <a href="../index.html">{h(t("home"))}</a></p>
<h1>{h(report["title"] or report["source_file"])}</h1>
<p class="meta">{meta}
{url}</p>
<p class="meta">{h(t("source_explain"))}</p></header>
<main class="src" id="src"><noscript>{t("source_noscript", link=plain)}</noscript></main></body></html>
"""
    (site.out / "sources" / f"{name}.html").write_text(page, encoding="utf-8")
    site.published_sources.add(rid)
