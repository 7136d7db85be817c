"""Source pages: a report's text with one anchor per line, so that every figure links to the line
it was read from. In: one `reports` row, its facts and the corpus file it names. Out, in sources/:
the text as the parser numbers its lines (.txt), the original file's bytes (.orig.<kind>), the page
that shows the text with its line numbers (.html) and, for a PDF, an image of each page that holds
a figure (.p<N>.png) with each figure's cell outlined on it; nothing for a file the parser refused
or that changed since the package was built."""

from __future__ import annotations

import hashlib
import io
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..files import write_atomic
from ..parse import formats
from .context import Site
from .html import h, json_in_html
from .keys import digest, pages_version
from .links import agency_href, file_href, file_name, files_url, source_href, sources_apart, warc_link, web_link
from .shell import site_url
from .strings import t

PAGE_DPI = 96  # a table's figures read well at screen resolution; a page is then 794 x 1123 pixels
# 256 greys down to 16 in a 4-bit PNG: 40 % of the 8-bit file, text as legible, same bytes every build
_LEVELS = [(v * 15 + 127) // 255 for v in range(256)]
_PALETTE = [c for i in range(16) for c in (i * 17,) * 3]
# The original of a laid-out format is served under its own suffix (a browser opens a PDF as a PDF);
# a text or HTML report is served as .txt, so that a browser shows it and never runs it.
_OWN_SUFFIXES = {r.format: r.suffixes for r in formats.READERS if r.laid_out}


def original_suffix(report: dict) -> str:
    """The suffix of a report's original file in sources/: `.orig.pdf`, `.orig.docx`, `.orig.doc`
    (`.orig.wps` for a WPS file) for the formats that have a signature of their own, `.orig.txt`
    for text, HTML and Markdown."""
    suffixes = _OWN_SUFFIXES.get(report.get("format") or "")
    if not suffixes:
        return ".orig.txt"
    own = PurePosixPath(report["source_file"]).suffix.lower()
    return ".orig" + (own if own in suffixes else suffixes[0])


@dataclass(frozen=True)
class Place:
    """Where the figure of one source line was printed, as the package records it."""

    line: int
    page: int | None  # 1-based (PDF)
    box: tuple[float, float, float, float] | None  # x0, top, x1, bottom in PDF points from the page's top left
    cell: str  # "table/row/column" (PDF and Word tables)
    printed: str


def places(facts: dict) -> dict[int, Place]:
    """Line -> where its figure was printed, for the lines of a report's figures that have a page
    or a table cell (packages written before these columns have none)."""
    out: dict[int, Place] = {}
    for f in sorted(facts.values(), key=lambda f: f["source_line"] or 0):
        line = f["source_line"]
        if not line or line in out or not (f.get("source_page") or f.get("source_cell")):
            continue
        out[line] = Place(line, f.get("source_page"), _box(f.get("source_box")), f.get("source_cell") or "", f.get("printed") or "")
    return out


def _box(text: str | None) -> tuple[float, float, float, float] | None:
    try:
        x0, top, x1, bottom = (float(v) for v in (text or "").split())
    except ValueError:
        return None
    return (x0, top, x1, bottom) if x0 < x1 and top < bottom else None


def cell_words(cell: str) -> str:
    """A table cell "table/row/column" in words ("" when it is not one)."""
    parts = cell.split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return ""
    return t("source_cell", table=int(parts[0]), row=int(parts[1]), column=int(parts[2]))


@dataclass(frozen=True)
class PageImage:
    """A rendered page: its number, its size in points and in pixels, its image file's bytes."""

    number: int
    width: float
    height: float
    pixels: tuple[int, int]
    png: bytes


def render_pages(data: bytes, numbers: set[int]) -> list[PageImage]:
    """The pages `numbers` of a PDF as small greyscale PNGs (nothing for a page pdfium cannot
    render). The whole media box is rendered, not the crop box: pdfplumber measures the boxes from
    the media box's top left, rotation applied, as pdfium renders it."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    out: list[PageImage] = []
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return out
    try:
        for n in sorted(numbers):
            if not 1 <= n <= len(doc):
                continue
            try:
                page = doc[n - 1]
                try:
                    page.set_cropbox(*page.get_mediabox())
                    width, height = page.get_size()
                    image = page.render(scale=PAGE_DPI / 72, grayscale=True).to_pil().convert("L")
                finally:
                    page.close()
            except pdfium.PdfiumError:
                continue
            out.append(PageImage(n, width, height, image.size, _png(image)))
    finally:
        doc.close()
    return out


def _png(image) -> bytes:
    from PIL import Image

    grey = image.point(_LEVELS)
    indexed = Image.frombytes("P", grey.size, grey.tobytes())
    indexed.putpalette(_PALETTE)
    buf = io.BytesIO()
    indexed.save(buf, "PNG", optimize=True, bits=4)  # no metadata, no time: the same page makes the same bytes
    return buf.getvalue()


def _percent(v: float, whole: float) -> str:
    return f"{100 * v / whole:.2f}%"


def pages_html(name: str, original: str, images: list[PageImage], where: dict[int, Place]) -> str:
    """The page images, each figure's cell a link over it (`#L<line>`, outlined when it is the
    target: by CSS alone without JavaScript, by the script with it), each page linked to its page
    of the PDF."""
    if not images:
        return ""
    by_page: dict[int, list[Place]] = defaultdict(list)
    for p in where.values():
        if p.page and p.box:
            by_page[p.page].append(p)
    out = [f'<aside class="pages" id="pages" aria-label="{h(t("pdf_pages"))}">']
    for img in images:
        boxes = []
        for p in by_page.get(img.number, []):
            x0, top, x1, bottom = p.box or (0.0, 0.0, 0.0, 0.0)
            x0, x1 = (min(max(x, 0.0), img.width) for x in (x0, x1))  # on the page, whatever was measured
            top, bottom = (min(max(y, 0.0), img.height) for y in (top, bottom))
            style = (f"left:{_percent(x0, img.width)};top:{_percent(top, img.height)};"
                     f"width:{_percent(x1 - x0, img.width)};height:{_percent(bottom - top, img.height)}")
            title = t("cell_source", line=p.line, printed=p.printed)
            boxes.append(f'<a class="box" id="L{p.line}" data-line="{p.line}" href="#L{p.line}" style="{style}" title="{h(title)}"></a>')
        out.append(f'<figure class="pg" id="P{img.number}"><figcaption><a href="{h(here(original))}#page={img.number}">'
                   f'{h(t("pdf_page_open", page=img.number))}</a></figcaption><div class="sheet">'
                   f'<img src="{h(here(f"{name}.p{img.number}.png"))}" width="{img.pixels[0]}" height="{img.pixels[1]}" '
                   f'alt="{h(t("pdf_page_image", page=img.number))}" loading="lazy">{"".join(boxes)}</div></figure>')
    out.append("</aside>")
    return "\n".join(out)


def here(name: str) -> str:
    """The link from a source page to a file of its report (`name` in sources/): beside it, with
    the site or with the downloads (`sources_apart`: same host, no CORS). Only a page kept with the
    site while its files are published apart (XXGK_FILES_URL without XXGK_SITE_URL) links them
    there, and fetches its text across origins, which the store must allow (CORS, see README
    "Deploying")."""
    return file_href(f"sources/{name}", "../") if files_url() and not sources_apart() else name


def source_page(site: Site, report: dict, previous_key: str | None = None) -> str:
    """The report's text as the parser numbers its lines, and a page that shows it with one
    anchor per line, so every figure links to the line it was read from; beside them, the
    original file's bytes for download.

    - `sources/<name>.txt`: the text as the parser numbers its lines (`formats.text_of`: the
      decoded text of a text or HTML file laid out by the parser's own line function, the
      reader's rendering of a PDF or Word file, one table cell or paragraph per line): UTF-8
      (with a byte-order mark, so that a browser opening it alone reads it right), one "\\n"
      after every line. Line n of it is source_line n, whatever breaks the file used (CR,
      U+2028, form feed…) and whatever its encoding (UTF-16, GB18030…); the page's script splits
      on "\\n" only.
    - `sources/<name>.orig.<kind>` (`original_suffix`): the file's bytes as they are (SHA-256
      as in the package).
    - for a PDF, `sources/<name>.p<N>.png`: each page that holds a figure, on which the page
      outlines the figure of the line its address names (`#L<n>`); for PDF and Word, the table
      cell of that figure in words beside its line.

    A file the parser refused to read, or that changed since the package was built, gets no
    source page (its figures then link nowhere). The files go where the pages written whole wait
    for the built site (`Site.fragments`), and are kept when made from the same row, file and
    code as last time (`previous_key`). Returns the digest they were made from ("" for none)."""
    if site.corpus is None:
        return ""
    rid = report["report_id"]
    name = file_name(rid)
    original = name + original_suffix(report)
    folder = site.fragments / "sources"
    aid = site.agency_of.get(rid)
    key = digest([pages_version(), site_url(), files_url(), site.warc_url, report, aid, site.pub.descriptor.get("x_parser_digest") or "",
                   (site.agencies.get(aid) or {}).get("name")])
    if key == previous_key and (folder / f"{name}.html").exists() and (folder / original).exists():
        site.published_sources.add(rid)
        return key
    path = site.corpus / report["source_file"]
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    if hashlib.sha256(data).hexdigest() != report["sha256"]:
        return ""  # the corpus changed since the package was built: do not show another text
    reader = formats.reader_for(data, path.suffix)  # as the parser chose it
    text = formats.text_of(data, path.suffix)
    if reader is None or text is None:
        return ""
    write_atomic(folder / f"{name}.txt", b"\xef\xbb\xbf" + text.encode("utf-8"))
    write_atomic(folder / original, data)
    where = places(site.pub.facts(rid)) if reader.laid_out else {}
    pages = ""
    if reader.format == "pdf":
        images = render_pages(data, {p.page for p in where.values() if p.page})
        for img in images:
            write_atomic(folder / f"{name}.p{img.number}.png", img.png)
        pages = pages_html(name, original, images, where)
    lines = {}  # what the script shows beside the line in the address: the figure's page and cell
    for p in where.values():
        entry = {"cell": cell_words(p.cell)} if p.cell else {}
        if p.page and reader.format == "pdf":
            entry.update(page=t("pdf_page", page=p.page), href=f"{here(original)}#page={p.page}")
        if entry:
            lines[str(p.line)] = entry
    write_page(site, report, name, original, reader, pages, lines, folder / f"{name}.html")
    site.published_sources.add(rid)
    return key


def write_page(site: Site, report: dict, name: str, original: str, reader: formats.Reader, pages: str, lines: dict, path: Path) -> None:
    """The source page: the text's lines (shown by the script from the .txt beside it), for a PDF
    its page images beside them. Published apart with its files (`sources_apart`), it links the
    site's pages and its script and styles at the site's address."""
    agency = report["agency_name"] or t("agency_unknown")
    aid = site.agency_of.get(report["report_id"])
    root = site_url() if sources_apart() else "../"  # the top of the site, from the page
    back = f'<a href="{h(agency_href(aid, root))}">{t("back_to", name=h(agency))}</a>' if aid else f'<a href="{h(root)}index.html">{h(t("back_home"))}</a>'
    url = ""
    if report["source_url"]:
        url = " · " + t("source_url", title=h(site.pub.title("reports", "source_url")), url=web_link(report["source_url"]))
    if report.get("warc"):
        url += " · " + t("archived_copy", title=h(site.pub.title("reports", "warc")), record=warc_link(report["warc"], site.warc_url))
    file, sha256 = f'<code>{h(report["source_file"])}</code>', f'<code>{h(report["sha256"])}</code>'
    if reader.laid_out:
        meta = t("source_meta_laid_out", file=file, sha256=sha256, format=h(reader.format.upper()))
        explain = t("source_explain_pdf") if reader.format == "pdf" else t("source_explain_laid_out")
    else:
        meta = t("source_meta", file=file, sha256=sha256, encoding=h(report["encoding"]))
        explain = t("source_explain")
    text, original = here(f"{name}.txt"), here(original)
    plain = f'<a href="{h(text)}">{h(t("open_plain_text"))}</a>'
    links = [back, f'<a href="{h(original)}" download>{h(t("download_original"))}</a>']
    if reader.format == "pdf":
        links.append(f'<a href="{h(original)}">{h(t("open_pdf"))}</a>')
    links += [f'<a href="{h(text)}">{h(t("plain_text"))}</a>', f'<a href="{h(root)}index.html">{h(t("home"))}</a>']
    script = f'\n<script type="application/json" id="places">{json_in_html(lines)}</script>' if lines else ""
    canonical = f'\n<link rel="canonical" href="{h(source_href(report["report_id"], site_url()))}">' if site_url() else ""
    page = f"""<!DOCTYPE html>
<html lang="{h(t("lang"))}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{t("source_page_title", agency=h(agency), year=h(report["year"]), file=h(report["source_file"]))}</title>
<meta name="description" content="{h(t("source_page_description", agency=agency, year=report["year"] or ""))}">{canonical}
<link rel="icon" href="{h(root)}assets/images/favicon.png"><link rel="stylesheet" href="{h(root)}stylesheets/source.css"><script src="{h(root)}javascripts/source.js"></script></head>
<body data-file="{h(text)}" data-error="{h(t("source_load_failed"))}"><header><p>{" · ".join(links)}</p>
<h1>{h(report["title"] or report["source_file"])}</h1>
<p class="meta">{meta}
{url}</p>
<p class="meta">{h(explain)}</p></header>
<div class="cols"><main class="src" id="src"><noscript>{t("source_noscript", link=plain)}</noscript></main>
{pages}</div>{script}</body></html>
"""
    write_atomic(path, page.encode("utf-8"))
