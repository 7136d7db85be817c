"""The per-file map: one corpus file in (read, or refused before reading), its rows out as encoded
blocks (a report row, facts, checks, texts) with what the cross-year checks need. Runs in worker
processes, under a time limit, through the parse cache; a file that cannot be used becomes a
failed report with a finding that says why."""

from __future__ import annotations

import hashlib
import os
import signal
import stat
import sys
import threading
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path

from ..check import crossyear
from ..corpus.walk import refusal
from ..findings import finding, message
from ..identify.agency import identity
from ..model import Finding, Report
from ..parse import pdf
from ..report import parse_bytes
from .cache import ParseCache, stat_key
from .tables import Block

REGION_KEYS = ("province", "province_code", "prefecture", "prefecture_code", "county", "county_code", "region_status", "region_evidence")


def region_columns(region) -> dict:
    if region is None:
        return dict.fromkeys(REGION_KEYS, "")
    return {k: getattr(region, k.removeprefix("region_") if k.startswith("region_") else k) for k in REGION_KEYS}


PARSE_SECONDS = 60  # per file; only a pathological file comes near it
OCR_SECONDS = 10  # more per PDF page, for a scan whose pages are read by OCR (about 4 s a page)


def time_limit(data: bytes) -> float:
    """The seconds a file may take: PARSE_SECONDS, and for a PDF OCR_SECONDS more for each page
    OCR may have to read."""
    if not pdf.is_pdf(data):
        return PARSE_SECONDS
    return PARSE_SECONDS + OCR_SECONDS * pdf.pages_to_read(data)


def parse_file(args: tuple) -> FileResult:
    """Worker: read one file, parse it (or take it from the cache) and encode its rows. A file that
    cannot be used becomes a failed report with a finding that says why."""
    path, rel, folder, version, root = args
    refused = refusal(path, root)
    if refused:
        return _unread(rel, *refused)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return _unread(rel, "unreadable-file", *message("unreadable-file", os_error=exc.strerror))
    store = ParseCache(folder, version) if folder else None
    digest = hashlib.sha256(data).hexdigest()
    key = f"{digest}{Path(path).suffix.lower()}"
    if store is not None:
        hit = store.get(key)
        if isinstance(hit, FileResult):
            hit.report["source_file"] = rel
            hit.cached = hit.stored = True
            return hit
    report, lasting = parse_within_limits(data, Path(path).suffix)
    result = _result(report, digest, len(data), rel, key=key)
    if store is not None and lasting:
        store.put(key, result)
        result.stored = store.problem is None
    result.cache_problem = store.problem if store is not None else None
    return result


def _unread(rel: str, code: str, zh: str, en: str, size: int | None = None) -> FileResult:
    """A file refused before reading (the refusal's code and messages) as a failed report."""
    report = Report.failed(Path(rel).suffix, Finding(code, "error", zh, en))
    # no content to name it by: the id comes from the path
    return _result(report, "", size, rel, rid=hashlib.sha256(f"path:{rel}".encode()).hexdigest()[:16])


class _OutOfTime(Exception):
    pass


def parse_within_limits(data: bytes, suffix: str) -> tuple[Report, bool]:
    """parse_bytes under the per-file time limit; a parser failure becomes the report's finding
    (and the build goes on). Returns the report and whether it may be cached."""
    def out_of_time(signum, frame):
        raise _OutOfTime

    timed = threading.current_thread() is threading.main_thread()
    if timed:
        previous = signal.signal(signal.SIGALRM, out_of_time)
        limit = time_limit(data)
        signal.setitimer(signal.ITIMER_REAL, limit, 1.0)  # repeated: an alarm raised inside a finalizer is swallowed
    try:
        return parse_bytes(data, suffix), True
    except _OutOfTime:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
        return Report.failed(suffix, finding("parse-timeout", seconds=f"{limit:g}")), False
    except Exception as exc:  # RecursionError and MemoryError included
        detail = f"{type(exc).__name__}: {str(exc)[:200]}"
        return Report.failed(suffix, finding("parse-crashed", exception=detail)), False
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


@dataclass
class FileResult:
    """What the per-file map hands to the assemble for one corpus file (and what the parse cache
    keeps): its reports row, its rows of the report-level tables as encoded blocks, and counts."""

    report: dict  # the reports row, by field name (see report_row); assemble adds the corpus-wide fields
    facts: Block  # the rows: None in a summary (see `loaded`)
    checks: Block
    texts: Block
    crossyear: dict  # what the cross-year checks compare (check.crossyear.summarise)
    figures: int  # facts reported
    errors: int  # findings of severity error
    codes: Counter = field(default_factory=Counter)  # findings by code
    key: str | None = None  # the content key (None: the file was not read)
    cached: bool = False  # taken from the parse cache
    cache_problem: str | None = None  # why the cache could not be written, if it could not
    amended: bool = False  # settled by another file's evidence after the parse
    settles: bool = False  # a withheld row the agency's report of the year before may settle (crossyear.settles)
    stored: bool = False  # in the parse cache (a hit, or put there by this parse)
    home: tuple | None = None  # where its rows are kept, to be read again (a summary has none): (cache folder, parser version, task)

    def summary(self) -> FileResult:
        """This result without its rows (for the cache's summaries index)."""
        return FileResult(report=dict(self.report), facts=None, checks=None, texts=None, crossyear=self.crossyear,  # type: ignore[arg-type]
                          figures=self.figures, errors=self.errors, codes=self.codes, key=self.key, stored=True, settles=self.settles)

    def loaded(self) -> FileResult:
        """This result with its rows: a summary reads them from its cache entry (or, if the entry
        is gone, from the file parsed again), without keeping them."""
        if self.facts is not None or self.home is None:
            return self
        full = stored(self.home, str(self.key))
        return replace(self, facts=full.facts, checks=full.checks, texts=full.texts, home=None)

    def shared(self, memo: dict) -> FileResult:
        """This summary with its repeated values (field names, regions, statuses, findings' codes,
        the cross-year figures) one object for all the summaries that hold them, from `memo`: a
        national build holds 300,000 summaries, each unpickled on its own."""
        self.report = {sys.intern(k): memo.setdefault(v, v) if k in REPEATED else v for k, v in self.report.items()}
        self.crossyear = {sys.intern(k): _shared_value(v, memo) for k, v in self.crossyear.items()}
        self.codes = Counter({sys.intern(k): n for k, n in self.codes.items()})
        return self


# the report row's fields of few values (shared by `FileResult.shared`)
REPEATED = frozenset(("year", "template", "status", "format", "encoding", "publication_date", "publication_date_source",
                      "facts", "findings", "agency_type", "agency_level", *REGION_KEYS))


def _shared_value(value, memo: dict):
    """A cross-year summary's value with its lists as shared tuples (read only)."""
    if isinstance(value, dict):
        return {sys.intern(k): _shared_value(v, memo) for k, v in value.items()}
    if not isinstance(value, list):
        return value
    value = tuple(value)
    got = memo.setdefault(value, value)
    # (0, 1) == (0.0, True): shared only where every item is of the same type
    return got if all(type(a) is type(b) for a, b in zip(got, value)) else value


def stored(home: tuple, key: str) -> FileResult:
    """The result kept for `key` in the parse cache at `home` (cache folder, parser version,
    task), with its rows; or, if its entry is gone, the file parsed again."""
    folder, version, task = home
    hit = ParseCache(folder, version).get(key)
    return hit if isinstance(hit, FileResult) else parse_file(task)


def report_row(report: Report, rid: str, digest: str, size: int | None, rel: str) -> dict:
    """The reports row of one parsed file (the fields its parse settles)."""
    return {
        "report_id": rid, "agency_name": report.agency_name, "year": report.year, "title": report.title,
        "template": report.template, "status": report.status, "format": report.format, "encoding": report.encoding,
        "source_file": rel, "source_url": report.source_url, "sha256": digest, "bytes": size,
        "publication_date": report.publication_date, "publication_date_source": report.publication_date_source,
        "facts": len(report.facts), "findings": len(report.findings),
        **region_columns(report.region),
        **identity(report.agency_name, report.region),
    }


def _result(report: Report, digest: str, size: int | None, rel: str, rid: str = "", key: str | None = None) -> FileResult:
    rid = rid or digest[:16]
    facts = [(rid, f.section, f.row, f.column, f.value, f.status, f.evidence, f.printed, f.source_line,
              f.source_page, f.source_box, f.source_cell, f.source_char_start, f.source_char_end) for f in report.facts]
    checks = [(rid, i, g.code, g.severity, g.section, g.row, g.column, g.expected, g.found, g.message_zh, g.message_en, g.source_line)
              for i, g in enumerate(report.findings, start=1)]
    return FileResult(
        report=report_row(report, rid, digest, size, rel),
        facts=Block("facts", facts), checks=Block("checks", checks),
        texts=Block("texts", [(rid, t.section, t.text, t.source_line) for t in report.texts]),
        crossyear=crossyear.summarise(report),
        figures=sum(f.status == "reported" for f in report.facts),
        errors=sum(g.severity == "error" for g in report.findings),
        codes=Counter(g.code for g in report.findings),
        key=key,
        settles=crossyear.settles(checks),
    )


def parse_all(corpus: Path, files: list[Path], jobs: int, store: ParseCache | None):
    """Each file's result, in file order. A file unchanged since it was last hashed (same size,
    times and inode) comes straight from the cache, without being read; the others are parsed in
    worker processes (or found in the cache by their content)."""
    plan = []
    root = os.path.abspath(corpus)
    folder, version = (str(store.folder.parent), store.folder.name) if store else ("", "")
    for p in files:
        rel = p.relative_to(corpus).as_posix()
        where = os.path.join(root, rel)
        try:
            st = os.stat(where)
        except OSError:  # a broken link: parse_file says so
            st = None
        # what the cache knows a file by (its size, times and inode): a regular file's, not a link's
        stamp = stat_key(st) if st and stat.S_ISREG(st.st_mode) and not os.path.islink(where) else None
        plan.append(((where, rel, folder, version, root), stamp, store.known(where, stamp) if store and stamp else None))
    todo = [task for task, _, key in plan if key is None]
    summaries = store.summaries() if store is not None else {}
    writer = store.summary_writer() if store is not None else None
    memo: dict = {}  # the values the summaries share (FileResult.shared)
    done = False
    try:
        with _workers(jobs if len(todo) >= 8 else 1) as pool:
            parsed = pool.imap(parse_file, todo, chunksize=16) if pool else map(parse_file, todo)
            for task, stamp, key in plan:
                where = task[0]
                raw = summaries.get(key) if key else None
                known = ParseCache.summary(raw)
                if isinstance(known, FileResult):  # unchanged since the last build: its rows are read only if needed
                    # unpickled for this file alone: its own report row
                    res = replace(known, cached=True, home=(folder, version, task)).shared(memo)
                    res.report["source_file"] = task[1]
                else:
                    hit = store.get(key) if key and store is not None else None
                    if isinstance(hit, FileResult):
                        res = hit
                        res.report["source_file"] = task[1]
                        res.cached = res.stored = True
                    else:
                        res = parse_file(task) if key else next(parsed)  # a known file whose entry was lost
                if res.stored and res.key and res.home is None:  # its rows can be read again from its entry
                    res.home = (folder, version, task)
                if store is not None and res.key and stamp is not None:
                    store.remember(where, stamp, res.key)
                if res.stored and res.key and writer is not None:
                    writer.add(res.key, raw if raw and isinstance(known, FileResult) else ParseCache.pickled(res.summary()))
                yield res
            done = True
    finally:
        if writer is not None and not done:
            writer.abort()  # the build stopped: the last index stays
    if store is not None and writer is not None:
        store.forget(root, {task[0] for task, _, _ in plan})
        store.save_index()
        writer.close()


@contextmanager
def _workers(jobs: int):
    if jobs <= 1:
        yield None
        return
    with get_context("fork").Pool(jobs) as pool:
        yield pool
