"""Names of and links to the pages made from the data. In: an agency_id, region code or report_id
as the package has it (any string). Out: the file name of its page (`file_name`), never one of
the names the site uses itself (RESERVED_NAMES), and the links to agency, region and source pages
from a page at the top of the site (base "") or in a subfolder (base "../"). Every link to such a
page is made here."""

from __future__ import annotations

import hashlib
import os
import re

from .html import h
from .shell import site_url

# The name the agency pages' template page once had: kept out of reach of any agency's page name.
TEMPLATE_PAGE = "_agency"

# Pages named after the data (agencies/<agency>, regions/<code>, sources/<report>) share their
# folders with pages the site names itself. These names are the site's own, in those folders and
# at the top: no page made from the data ever takes one of them.
RESERVED_NAMES = frozenset({"index", TEMPLATE_PAGE, "search", "search-index", "404", "sitemap", "rankings", "quality", "publication",
                            "downloads", "dictionary", "about", "agencies", "regions", "sources", "data", "excel", "assets", "javascripts",
                            "stylesheets"})
_PLAIN_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NOT_PLAIN = re.compile(r"[^a-z0-9]+")


def file_name(key: str) -> str:
    """The file name (no extension) of the page made for one agency_id, region code or report_id.

    A key of lower-case ASCII letters and digits joined by single hyphens (what the package
    makes), at most 120 characters and not a RESERVED_NAMES name, is its own file name, so links
    stay as they were. Any other key is named `_<its letters and digits>-<12 hex digits of its
    SHA-256>`: the leading `_` keeps these apart from every name of the first kind and the digest
    from one another, and no name of the site has that form, so no page made from the data can
    overwrite a page of the site or another data page, whatever the key. Every link to such a page
    goes through this function."""
    key = "" if key is None else str(key)
    if len(key) <= 120 and _PLAIN_NAME.fullmatch(key) and key not in RESERVED_NAMES:
        return key
    readable = _NOT_PLAIN.sub("-", key.lower()).strip("-")[:60]
    return f"_{readable}-{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()[:12]}"


def agency_href(aid: str, base: str = "../") -> str:
    """The link to an agency's page, from a page in a subfolder (base "../") or at the top ("")."""
    return f"{base}agencies/{file_name(aid)}.html"


def files_url() -> str:
    """Where the site's downloads are published when they are kept apart from its pages (the
    XXGK_FILES_URL setting: object storage, for a site past GitHub Pages' 1 GB), ending in "/";
    "" when they are published with the pages."""
    url = os.environ.get("XXGK_FILES_URL", "").strip()
    return url if not url or url.endswith("/") else url + "/"


def file_href(rel: str, base: str = "../") -> str:
    """The link to a download of the site (`rel` from the top of the site: data/…, an agency's
    CSV, a report's text or original file): beside the pages, or where XXGK_FILES_URL says."""
    return (files_url() or base) + rel


def sources_apart() -> bool:
    """Whether the source pages are published apart with the downloads, beside the text and the
    original file they show (per-report detail: most of a large site's pages): when the downloads
    are (XXGK_FILES_URL) and the site has an address (XXGK_SITE_URL) to link back to; without
    one they stay with the site, as their links to it must be relative."""
    return bool(files_url() and site_url())


def source_href(rid: str, base: str = "../", ext: str = ".html") -> str:
    """The link to a report's source page (".html"), its text as shown (".txt") or the original
    file (".orig.txt", or ".orig.pdf", ".orig.docx", ".orig.doc" for those formats); all but the
    page are downloads (`file_href`), and the page too when it is published with them
    (`sources_apart`)."""
    rel = f"sources/{file_name(rid)}{ext}"
    return base + rel if ext == ".html" and not sources_apart() else file_href(rel, base)


def region_href(code: str, base: str = "../") -> str:
    """The link to a province's page."""
    return f"{base}regions/{file_name(code)}.html"


def web_link(url: str) -> str:
    """An address a report gives (its original page) as a link out of the site; anything but an
    http(s) address stays text."""
    if not re.match(r"https?://", url):
        return f'<span class="url">{h(url)}</span>'
    return f'<a class="url" href="{h(url)}" rel="nofollow noopener noreferrer">{h(url)}</a>'


def warc_link(warc: str, base: str) -> str:
    """The WARC record that archives a harvested file (`<file>#<record id>`): a link to the WARC
    file where the archive is published (`base`, the XXGK_WARC_URL setting), else its name."""
    file, _, record = warc.partition("#")
    name = f'<code>{h(file)}</code>'
    if base:
        name = f'<a href="{h(base.rstrip("/") + "/" + file)}">{name}</a>'
    return f'{name} <code class="warc-record">{h(record)}</code>' if record else name
