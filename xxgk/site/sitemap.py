"""Sitemaps of the built site (sitemaps.org protocol). In: the rendered site folder (aggregate
pages, agency pages, source pages, whatever HTML is in it) and the site's address. Out:
`sitemap-1.xml`, `sitemap-2.xml`, … (at most 50,000 URLs each, the protocol's limit) and
`sitemap.xml`, the index of them, in place of MkDocs' own sitemap, which lists only the pages
MkDocs rendered and stamps each with the build's date.

Every HTML page is listed except 404.html and the theme's files under assets/, in sorted order;
no dates, so the same site gives the same bytes. A page that exists in each of the site's languages
names its other versions (`xhtml:link` hreflang alternates, as search engines read them from a
sitemap): the pages' heads do not repeat them (the theme's script would fetch each alternate's
sitemap on every page load). The address is `XXGK_SITE_URL`, else mkdocs.yml's
`site_url`; without one there is no sitemap (a sitemap needs absolute URLs)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape

import yaml

from ..files import write_atomic
from . import strings

PER_FILE = 50_000  # the protocol's limit of URLs in one sitemap file
INDEX = "sitemap.xml"
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
EXCLUDED_NAMES = {"404.html"}
EXCLUDED_DIRS = {"assets"}
QUOTES = {'"': "&quot;", "'": "&apos;"}  # XML escapes beyond & < >


def site_url(config: Path | None = Path("mkdocs.yml")) -> str:
    """The site's address: `XXGK_SITE_URL` if set, else mkdocs.yml's `site_url` (its `!ENV` tag
    resolved as MkDocs does); "" when neither gives one."""
    url = os.environ.get("XXGK_SITE_URL", "").strip()
    if url or config is None or not Path(config).is_file():
        return url
    value = yaml.load(Path(config).read_text(encoding="utf-8"), Loader=_loader()) or {}
    return str(value.get("site_url") or "").strip() if isinstance(value, dict) else ""


def _loader() -> type:
    """A safe loader that knows MkDocs' `!ENV` tag and leaves any other custom tag as None (the
    sitemap needs one key of the file, not the plugins' Python objects)."""
    from yaml_env_tag import construct_env_tag  # type: ignore[import-untyped]  # MkDocs' own reader of `!ENV`

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!ENV", construct_env_tag)
    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    return Loader


def pages(site_dir: Path) -> list[str]:
    """The site's HTML pages, as paths from its top (POSIX separators), sorted."""
    site_dir = Path(site_dir)
    found = []
    for path in site_dir.rglob("*"):
        if path.suffix not in (".html", ".htm") or path.name in EXCLUDED_NAMES or not path.is_file():
            continue
        rel = path.relative_to(site_dir)
        if rel.parts[0] in EXCLUDED_DIRS or any(part.startswith(".") for part in rel.parts):
            continue  # the theme's files, and temporary or hidden files
        found.append(rel.as_posix())
    return sorted(found)


def page_url(base_url: str, rel: str) -> str:
    """The absolute URL of a page: the base, then the path percent-encoded as UTF-8 (RFC 3986)."""
    return base_url + quote(rel, safe="/")


def alternates(rels: list[str]) -> dict[str, list[tuple[str, str]]]:
    """page -> (language, page) of each of its versions, for the pages that exist in every
    language of the site (a language's pages are under `strings.root(lang)`)."""
    have = set(rels)
    out = {}
    for rel in rels:
        lang = next((x for x in strings.LANGS[1:] if rel.startswith(strings.root(x))), strings.LANGS[0])
        plain = rel[len(strings.root(lang)):]
        versions = [(x, strings.root(x) + plain) for x in strings.LANGS]
        if all(v in have for _, v in versions):
            out[rel] = versions
    return out


def _entry(base_url: str, rel: str, versions: list[tuple[str, str]]) -> str:
    links = "".join(f'<xhtml:link rel="alternate" hreflang="{lang}" href="{escape(page_url(base_url, v), QUOTES)}"/>' for lang, v in versions)
    return f"<url><loc>{escape(page_url(base_url, rel), QUOTES)}</loc>{links}</url>"


def _document(root: str, entries: list[str]) -> bytes:
    """An index of sitemaps (entries: their URLs) or a sitemap (entries: its `<url>` elements)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    if root == "sitemapindex":
        lines += [f'<{root} xmlns="{NAMESPACE}">', *(f"<sitemap><loc>{escape(loc, QUOTES)}</loc></sitemap>" for loc in entries)]
    else:
        lines += [f'<{root} xmlns="{NAMESPACE}" xmlns:xhtml="{XHTML}">', *entries]
    lines.append(f"</{root}>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def is_sitemap(rel: str) -> bool:
    """Whether a file of the site (its path from the top) is one `write_sitemaps` writes."""
    return rel in (INDEX, f"{INDEX}.gz") or (rel.startswith("sitemap-") and ".xml" in rel and "/" not in rel)


def write_sitemaps(site_dir: Path, base_url: str, per_file: int = PER_FILE) -> int:
    """Write the sitemap files and their index into `site_dir` (replacing MkDocs' sitemap.xml and
    sitemap.xml.gz and any sitemap-N.xml of an earlier run); the number of URLs listed. Without a
    base URL no sitemap is written, and 0 is returned."""
    site_dir = Path(site_dir)
    if not 0 < per_file <= PER_FILE:
        raise ValueError(f"per_file must be 1 to {PER_FILE}, not {per_file}")
    # MkDocs writes one per language's site (dated: never kept)
    for old in [site_dir / INDEX, site_dir / f"{INDEX}.gz", *site_dir.glob("sitemap-*.xml*"), *site_dir.glob(f"*/{INDEX}*")]:
        old.unlink(missing_ok=True)
    base_url = (base_url or "").strip()
    if not base_url:
        print("xxgk: no site address (XXGK_SITE_URL or site_url in mkdocs.yml): no sitemap written", file=sys.stderr)
        return 0
    if not base_url.endswith("/"):
        base_url += "/"
    rels = pages(site_dir)
    versions = alternates(rels)
    urls = [_entry(base_url, rel, versions.get(rel, [])) for rel in rels]
    chunks = [urls[i:i + per_file] for i in range(0, len(urls), per_file)] or [[]]
    names = [f"sitemap-{n}.xml" for n in range(1, len(chunks) + 1)]
    for name, chunk in zip(names, chunks, strict=True):
        write_atomic(site_dir / name, _document("urlset", chunk))
    write_atomic(site_dir / INDEX, _document("sitemapindex", [page_url(base_url, name) for name in names]))
    return len(urls)
