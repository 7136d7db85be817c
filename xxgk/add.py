"""Adding reports to the corpus: copy a file or download a page, put it under a deterministic path,
record where it came from, refuse duplicates, and show what the parser finds in it.

Provenance goes to `corpus/.provenance.tsv` (hidden files are not reports): one line per added
file with its path, original URL or file name, retrieval time, SHA-256 and format.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .corpus import provenance as prov
from .corpus.store import Entry, Store, add_all_to_store
from .corpus.walk import MAX_FILE_BYTES, corpus_files
from .identify.agency import identity
from .model import Report
from .package.cache import ParseCache, parser_version
from .package.worker import parse_all
from .parse.formats import FORMATS, is_archive, reader_for
from .report import parse_bytes

MAX_BYTES = MAX_FILE_BYTES  # the same cap as a corpus file's
TIMEOUT = 30
CONTENT_TYPES = {"text/html": ".html", "application/xhtml+xml": ".html", "text/plain": ".txt", "text/markdown": ".md",
                 "application/pdf": ".pdf", "application/msword": ".doc",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
                 "application/zip": ".zip", "application/x-zip-compressed": ".zip",
                 "application/vnd.ms-works": ".wps", "application/kswps": ".wps", "application/wps-office.wps": ".wps",
                 # servers often send attachments as bytes of no stated kind: their content decides
                 "application/octet-stream": "", "application/x-download": "", "application/force-download": ""}
ATTACHMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".wps")
MAX_ATTACHMENTS = 5  # an article links its report, perhaps in two formats; more are other documents
# a link, or a file shown in the page (an embedded PDF, a PDF.js viewer's `?file=`)
_HREF = re.compile(rb"""<(?:a\b[^>]*?\bhref|(?:iframe|embed)\b[^>]*?\bsrc|object\b[^>]*?\bdata)\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_REPORT_WORDS = re.compile(r"年报|年度报告|信息公开")
_FILE_PARAM = re.compile(r"(?:^|&)(?:file|filename|fileName|filepath|filePath|path|url|name|showname)=([^&]+)")


class AddError(Exception):
    """The file is not added; the message says why."""


@dataclass
class Added:
    path: Path
    report: Report
    attachments: list[Added] = field(default_factory=list)  # report files the page links, added beside it
    refused: list[str] = field(default_factory=list)  # attachments not added, and why


def fetch(url: str, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT) -> tuple[bytes, str]:
    """Download a report page: bounded in time and size, and only pages of a text kind."""
    if not url.startswith(("http://", "https://")):
        raise AddError(f"not a web address: {url}")
    request = urllib.request.Request(url, headers={"User-Agent": "xxgk (open data; adds one report)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            kind = response.headers.get_content_type()
            if kind not in CONTENT_TYPES:
                raise AddError(f"{url} is {kind}, not a report (a page, text, PDF or Word file)")
            data = response.read(max_bytes + 1)
    except OSError as exc:
        raise AddError(f"cannot download {url}: {exc}") from exc
    if len(data) > max_bytes:
        raise AddError(f"{url} is larger than {max_bytes} bytes")
    suffix = PurePosixPath(url.split("?")[0]).suffix.lower()
    return data, suffix if suffix in FORMATS else CONTENT_TYPES[kind]


def attachments(page: bytes, url: str) -> list[str]:
    """The report files an article page links (PDF, Word, WPS), as absolute URLs: those whose link
    text or file name names a report (年报, 年度报告, 信息公开) first, then the others, each in page
    order (a site's header may link forms and guides before the article's own attachment)."""
    out: list[str] = []
    named_report: list[str] = []
    for m in _HREF.finditer(page):
        # the link's bytes as the page has them (a Chinese file name in the page's encoding), escaped for the request
        href = urllib.parse.quote(m.group(1).replace(b"&amp;", b"&").strip(), safe="/:?&=%;@+,~!$'()*[]")
        link = urllib.parse.urljoin(url, href).split("#")[0]
        parts = urllib.parse.urlsplit(link)
        suffix = PurePosixPath(urllib.parse.unquote(parts.path)).suffix.lower()
        text = page[m.end():m.end() + 600].split(b"</a", 1)[0] if m.group(0)[:2].lower() == b"<a" else b""
        # the page's encoding is not known here: both readings, for the words and the suffix they name
        shown = text.decode("utf-8", "ignore") + " " + text.decode("gb18030", "ignore")
        if suffix not in ATTACHMENT_SUFFIXES:  # a download script naming the file in its query (`downfile.jsp?filename=a.pdf`)
            named = [urllib.parse.unquote(v) for v in _FILE_PARAM.findall(parts.query)]
            viewer = next((v for v in named if "viewer" in parts.path.lower() and "/" in v), "")
            if viewer:  # PDF.js: the viewer page shows the file its `file` parameter names
                link = urllib.parse.urljoin(link, urllib.parse.quote(viewer, safe="/:?&=%;@+,~!$'()*[]"))
            # …or only the link's text names the file (`<a href="/download?id=12">2024年报.pdf</a>`)
            said = re.sub(r"<[^>]*>|\s", "", shown).lower()
            if not any(PurePosixPath(v.split("?")[0]).suffix.lower() in ATTACHMENT_SUFFIXES for v in named) \
                    and not said.endswith(ATTACHMENT_SUFFIXES):
                continue
        if link.startswith(("http://", "https://")) and link not in out:
            out.append(link)
            if _REPORT_WORDS.search(shown + urllib.parse.unquote(link)):
                named_report.append(link)
    return (named_report + [x for x in out if x not in named_report])[:MAX_ATTACHMENTS]


def add(source: str, corpus: Path, max_bytes: int = MAX_BYTES, cache: Path | None = None) -> Added:
    """Add one report; `cache` is the parse cache, through which the corpus already there is read.
    A page downloaded from the web that links the report as a PDF or Word file gets that file
    added too, as a second file of the same report (each is kept; the package takes the more
    complete as the year's report and the other as evidence)."""
    corpus = Path(corpus)
    links: list[str] = []
    if source.startswith(("http://", "https://")):
        data, suffix = fetch(source, max_bytes)
        page = reader_for(data, suffix)
        if page is not None and page.format == "html":
            links = attachments(data, source)
    else:
        path = Path(source)
        if not path.is_file():
            raise AddError(f"no such file: {source}")
        if path.stat().st_size > max_bytes:
            raise AddError(f"{source} is larger than {max_bytes} bytes")
        data, suffix = path.read_bytes(), path.suffix.lower()
    existing = list(_existing(corpus, cache))
    if is_archive(data):
        return _add_archive(source, data, corpus, existing, max_bytes)
    try:
        added: Added | None = _add_one(source, data, suffix, corpus, existing)
    except AddError:
        if not links:
            raise
        added = None  # an article whose report is only in its attachment: the attachment is the report
    held = [] if added is None else [added]
    refused: list[str] = []
    for link in links:
        try:
            body, kind = fetch(link, max_bytes)
            held.append(_add_one(link, body, kind, corpus, existing, page=source, same=[a.report for a in held]))
        except AddError as exc:
            refused.append(str(exc))
    if added is None:
        if not held:
            raise AddError(f"{source} is not a report the parser can read, nor any file it links ({'; '.join(refused)})")
        added = held.pop(0)
        return Added(added.path, added.report, held, refused)
    return Added(added.path, added.report, held[1:], refused)


MAX_MEMBERS = 200  # files in one archive of reports


def _add_archive(source: str, data: bytes, corpus: Path, existing: list[dict], max_bytes: int) -> Added:
    """A zip of reports: each member a report file of its own, its name in provenance
    (`archive.zip!member.pdf`). Members that are no report are said, not fatal."""
    held: list[Added] = []
    refused: list[str] = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise AddError(f"{source}: a damaged zip archive ({exc})") from None
    if len(members) > MAX_MEMBERS:
        raise AddError(f"{source}: {len(members)} files in the archive, over the limit of {MAX_MEMBERS}")
    with archive:
        for member in members:
            name = _member_name(member)
            where = f"{prov.shown_name(source)[0]}!{name}"
            if member.file_size > max_bytes:
                refused.append(f"{where} is larger than {max_bytes} bytes")
                continue
            try:
                with archive.open(member) as f:
                    body = f.read(max_bytes + 1)
                held.append(_add_one(where, body[:max_bytes], PurePosixPath(name).suffix.lower(), corpus, existing))
            except AddError as exc:
                refused.append(str(exc))
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
                refused.append(f"{where}: cannot be unpacked ({exc})")
    if not held:
        raise AddError(f"{source}: no report in the archive ({'; '.join(refused) or 'empty'})")
    return Added(held[0].path, held[0].report, held[1:], refused)


def _member_name(member: zipfile.ZipInfo) -> str:
    """A member's name as its maker wrote it: archives made on Chinese Windows store GBK names
    without the UTF-8 flag, which zipfile reads as CP437."""
    if member.flag_bits & 0x800:
        return member.filename
    try:
        return member.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return member.filename


def add_fetched(source: str, data: bytes, suffix: str, corpus: Path, existing: list[dict], page: str = "",
                list_url: str = "", retrieved: str = "", same: list[Report] | None = None, dry_run: bool = False,
                earlier: frozenset[str] = frozenset(), warc: str = "") -> Added:
    """Add one downloaded file (the harvest's way in): as `xxgk add` adds it, with the list page it
    was found through and the WARC record that archives the response (`file#record-id`); with
    `dry_run`, only what would be added. `earlier` are the files of the
    corpus downloaded from the same address: changed content there is a republication, added as a
    new version beside them (the package keeps one as the year's report), never instead of them."""
    return _add_one(source, data, suffix, corpus, existing, page, same, list_url, retrieved, dry_run, earlier, warc)


def existing_reports(corpus: Path, cache: Path | None) -> list[dict]:
    """The reports row of every file already in the corpus."""
    return list(_existing(Path(corpus), cache))


def _add_one(source: str, data: bytes, suffix: str, corpus: Path, existing: list[dict], page: str = "",
             same: list[Report] | None = None, list_url: str = "", retrieved: str = "", dry_run: bool = False,
             earlier: frozenset[str] = frozenset(), warc: str = "") -> Added:
    """Parse and store one file; `same` are the reports of the files added with it (one report in
    several files: the same agency and year is no duplicate of them)."""
    reader = reader_for(data, suffix)
    if reader is None:
        raise AddError(f"{source}: unsupported format {suffix or '(none)'}")
    suffix = suffix if suffix in reader.suffixes else reader.suffixes[0]  # a page saved as .shtml is kept as .html
    digest = hashlib.sha256(data).hexdigest()
    report = parse_bytes(data, suffix)
    if report.status == "failed" or not report.year:
        codes = ", ".join(g.code for g in report.findings) or "no title"
        raise AddError(f"{source} is not a report the parser can read ({codes})")
    who = identity(report.agency_name, report.region)
    sibling = any(r.year == report.year and identity(r.agency_name, r.region)["agency_key"] == who["agency_key"] for r in same or [])
    for rep in existing:
        if rep["sha256"] == digest:
            raise AddError(f"already in the corpus: {rep['source_file']} has the same content")
        if rep["year"] == report.year and rep["agency_key"] == who["agency_key"] and not sibling and rep["source_file"] not in earlier:
            raise AddError(f"already in the corpus: {rep['source_file']} is the {report.year} report of {rep['agency_name']}")
    slug = who["agency_slug"]
    target = corpus / str(report.year) / f"{slug}-{digest[:8]}{suffix}"
    rel = target.relative_to(corpus).as_posix()
    if not dry_run:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        prov.append(corpus, {"source_file": rel, "origin": prov.shown_name(source)[0], "retrieved": retrieved or prov.utc_now(),
                             "sha256": digest, "format": report.format, "page": page, "list": list_url, "warc": warc})
    existing.append({"sha256": digest, "year": report.year, "agency_key": who["agency_key"], "agency_name": report.agency_name,
                     "source_file": rel})
    return Added(target, report)


def _existing(corpus: Path, cache: Path | None):
    """The reports row of every file already in the corpus (parsed once, then from the cache)."""
    if not corpus.is_dir():
        return
    store = ParseCache(cache, parser_version()) if cache else None
    for res in parse_all(corpus, corpus_files(corpus), os.cpu_count() or 1, store):
        yield res.report


def keep_in_store(added: Added, corpus: Path, store: Store, manifest: str) -> list[Entry]:
    """Put what `add` added (the report and the attachments beside it) into a store corpus as well:
    the bytes into `store`, their provenance lines into `manifest` (the folder is its working copy,
    through which the next `add` finds duplicates)."""
    corpus = Path(corpus)
    records = prov.read(corpus)[0]
    files = []
    for each in (added, *added.attachments):
        rel = each.path.relative_to(corpus).as_posix()
        files.append((each.path.read_bytes(), records.get(rel, {"source_file": rel})))
    return add_all_to_store(store, manifest, files)


def provenance(corpus: Path) -> dict[str, dict]:
    """Each added file's record (see xxgk.provenance)."""
    return prov.read(corpus)[0]
