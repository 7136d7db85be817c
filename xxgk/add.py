"""Adding reports to the corpus: copy a file or download a page, put it under a deterministic path,
record where it came from, refuse duplicates, and show what the parser finds in it.

Provenance goes to `corpus/.provenance.tsv` (hidden files are not reports): one line per added
file with its path, original URL or file name, retrieval time, SHA-256 and format.
"""

from __future__ import annotations

import hashlib
import os
import urllib.request
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .corpus import provenance as prov
from .corpus.walk import MAX_FILE_BYTES, corpus_files
from .identify.agency import identity
from .model import Report
from .package.cache import ParseCache, parser_version
from .package.worker import parse_all
from .parse.formats import FORMATS, reader_for
from .report import parse_bytes

MAX_BYTES = MAX_FILE_BYTES  # the same cap as a corpus file's
TIMEOUT = 30
CONTENT_TYPES = {"text/html": ".html", "application/xhtml+xml": ".html", "text/plain": ".txt", "text/markdown": ".md"}


class AddError(Exception):
    """The file is not added; the message says why."""


@dataclass
class Added:
    path: Path
    report: Report


def fetch(url: str, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT) -> tuple[bytes, str]:
    """Download a report page: bounded in time and size, and only pages of a text kind."""
    if not url.startswith(("http://", "https://")):
        raise AddError(f"not a web address: {url}")
    request = urllib.request.Request(url, headers={"User-Agent": "xxgk (open data; adds one report)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            kind = response.headers.get_content_type()
            if kind not in CONTENT_TYPES:
                raise AddError(f"{url} is {kind}, not a report page (text or HTML)")
            data = response.read(max_bytes + 1)
    except OSError as exc:
        raise AddError(f"cannot download {url}: {exc}") from exc
    if len(data) > max_bytes:
        raise AddError(f"{url} is larger than {max_bytes} bytes")
    suffix = PurePosixPath(url.split("?")[0]).suffix.lower()
    return data, suffix if suffix in FORMATS else CONTENT_TYPES[kind]


def add(source: str, corpus: Path, max_bytes: int = MAX_BYTES, cache: Path | None = None) -> Added:
    """Add one report; `cache` is the parse cache, through which the corpus already there is read."""
    corpus = Path(corpus)
    if source.startswith(("http://", "https://")):
        data, suffix = fetch(source, max_bytes)
    else:
        path = Path(source)
        if not path.is_file():
            raise AddError(f"no such file: {source}")
        if path.stat().st_size > max_bytes:
            raise AddError(f"{source} is larger than {max_bytes} bytes")
        data, suffix = path.read_bytes(), path.suffix.lower()
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
    for rep in _existing(corpus, cache):
        if rep["sha256"] == digest:
            raise AddError(f"already in the corpus: {rep['source_file']} has the same content")
        if rep["year"] == report.year and rep["agency_key"] == who["agency_key"]:
            raise AddError(f"already in the corpus: {rep['source_file']} is the {report.year} report of {rep['agency_name']}")
    slug = who["agency_slug"]
    target = corpus / str(report.year) / f"{slug}-{digest[:8]}{suffix}"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    prov.append(corpus, {"source_file": target.relative_to(corpus).as_posix(), "origin": prov.shown_name(source)[0],
                         "retrieved": prov.utc_now(), "sha256": digest, "format": report.format})
    return Added(target, report)


def _existing(corpus: Path, cache: Path | None):
    """The reports row of every file already in the corpus (parsed once, then from the cache)."""
    if not corpus.is_dir():
        return
    store = ParseCache(cache, parser_version()) if cache else None
    for res in parse_all(corpus, corpus_files(corpus), os.cpu_count() or 1, store):
        yield res.report


def provenance(corpus: Path) -> dict[str, dict]:
    """Each added file's record (see xxgk.provenance)."""
    return prov.read(corpus)[0]
