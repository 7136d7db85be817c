"""The packager: a folder of report files in, a validated Frictionless data package out.

Files are parsed in parallel, in a fixed (sorted) order, and streamed to CSV and Parquet, so the
memory used does not grow with the corpus and the same corpus always gives the same bytes. The
package is written to a temporary folder beside the target and moved into place only once it has
been validated: a failed or interrupted run leaves the previous package as it was.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import signal
import stat
import threading
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from . import __version__
from . import crossyear, provenance, publish, register
from .agency import identity, overrides
from .cache import ParseCache, parser_version
from .codebook import load
from .model import Finding, Report
from .parse import parse_bytes
from .schema import RESOURCE_INFO, codes_rows, schemas

ORDER = ["reports", "agencies", "facts", "checks", "texts", "register", "codes"]
FRAGMENTS = ("facts", "checks", "texts")  # resources made of each report's own rows
REGION_KEYS = ("province", "province_code", "prefecture", "prefecture_code", "county", "county_code", "region_status", "region_evidence")


def region_columns(region) -> dict:
    if region is None:
        return dict.fromkeys(REGION_KEYS, "")
    return {k: getattr(region, k.removeprefix("region_") if k.startswith("region_") else k) for k in REGION_KEYS}
ROW_GROUP = 100_000
PA_TYPES = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "date": pa.string(), "datetime": pa.string(),
            "boolean": pa.bool_()}


@dataclass
class Summary:
    reports: int = 0
    facts: int = 0
    figures: int = 0
    findings: int = 0
    statuses: Counter = field(default_factory=Counter)
    codes: Counter = field(default_factory=Counter)
    cached: int = 0  # reports taken from the parse cache (the rest were parsed)
    warnings: list = field(default_factory=list)  # about the build itself (a cache that cannot be written)
    keys: list = field(default_factory=list)  # each file's content key
    row_digests: dict = field(default_factory=dict)  # resource: the digest of each of its rows (small tables)

    def lines(self) -> list[str]:
        out = [f"reports: {self.reports} ({', '.join(f'{k} {v}' for k, v in sorted(self.statuses.items()))})",
               f"parsed: {self.reports - self.cached} (from the cache: {self.cached})",
               f"facts: {self.facts} ({self.figures} figures reported)",
               f"findings: {self.findings}"]
        out += [f"  {code}: {n}" for code, n in sorted(self.codes.items(), key=lambda kv: (-kv[1], kv[0]))]
        out += [f"warning: {w}" for w in self.warnings]
        return out


def corpus_files(corpus: Path) -> list[Path]:
    """Every file below the corpus root, in a stable order; hidden files are not reports. A link
    to a folder is listed (to be reported), not followed."""
    files = []
    top = os.path.abspath(corpus)

    def unreadable(exc: OSError) -> None:  # a folder that cannot be listed is reported, not skipped
        if exc.filename is None or os.path.abspath(exc.filename) == top:
            raise exc
        files.append(Path(exc.filename))

    for root, dirs, names in os.walk(corpus, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files += [Path(root) / d for d in dirs if os.path.islink(os.path.join(root, d))]
        for name in names:
            if not name.startswith("."):
                files.append(Path(root) / name)
    return sorted(files, key=lambda p: p.relative_to(corpus).as_posix())


@lru_cache(maxsize=None)
def arrow_schemas() -> dict[str, pa.Schema]:
    return {name: pa.schema([(f["name"], PA_TYPES[f["type"]]) for f in sch["fields"]]) for name, sch in schemas().items()}


class Block:
    """Rows of one resource, encoded where they were made: CSV text and an Arrow record batch (as
    its IPC message, without the schema, which the resource gives).
    Encoding in the workers keeps the process that writes the package from being the bottleneck,
    and a cached block goes into the package without being decoded into Python objects."""

    __slots__ = ("csv", "ipc", "rows")

    def __init__(self, resource: str, rows: list[tuple]):
        self.csv = self.csv_text(rows).encode("utf-8")
        self.rows = len(rows)
        schema = arrow_schemas()[resource]
        columns = zip(*rows) if rows else [[] for _ in schema.types]
        arrays = [pa.array([None if v == "" else v for v in col] if "" in col else col, type=t)
                  for col, t in zip(columns, schema.types)]
        self.ipc = pa.RecordBatch.from_arrays(arrays, schema=schema).serialize().to_pybytes()

    @staticmethod
    def csv_text(rows) -> str:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)  # None is written as an empty field
        return buf.getvalue()

    def batch(self, schema: pa.Schema) -> pa.RecordBatch:
        return pa.ipc.read_record_batch(pa.py_buffer(self.ipc), schema)


MAX_FILE_BYTES = 20 * 1024 * 1024  # reports are a few hundred KB; the cap bounds what one file can cost
PARSE_SECONDS = 60  # per file; only a pathological file comes near it


def parse_file(args: tuple) -> dict:
    """Worker: read one file, parse it (or take it from the cache) and encode its rows. A file that
    cannot be used becomes a failed report with a finding that says why."""
    path, rel, folder, version, root = args
    refused = refusal(path, root)
    if refused:
        return _unread(rel, *refused)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return _unread(rel, "unreadable-file", f"文件无法打开（{exc.strerror}）", f"the file cannot be opened ({exc.strerror})")
    store = ParseCache(folder, version) if folder else None
    digest = hashlib.sha256(data).hexdigest()
    key = f"{digest}{Path(path).suffix.lower()}"
    if store is not None:
        hit = store.get(key)
        if hit is not None:
            hit["report"]["source_file"] = rel
            hit["cached"] = True
            return hit
    report, lasting = parse_within_limits(data, Path(path).suffix)
    result = _result(report, digest, len(data), rel)
    result["key"] = key
    if store is not None and lasting:
        store.put(key, result)
    result["cached"] = False
    result["cache_problem"] = store.problem if store is not None else None
    return result


def refusal(path: str, root: str) -> tuple | None:
    """Why a corpus entry is not read at all, if it is not."""
    real, inside = os.path.realpath(path), os.path.realpath(root)
    if os.path.commonpath([real, inside]) != inside:
        return ("outside-corpus", "文件是指向语料库以外的链接，未读取", "the file is a link that leaves the corpus; not read")
    try:
        st = os.stat(path)
    except OSError as exc:
        return ("unreadable-file", f"文件无法打开（{exc.strerror}）", f"the file cannot be opened ({exc.strerror})")
    if stat.S_ISDIR(st.st_mode) and not os.path.islink(path):
        try:
            os.listdir(path)
        except OSError as exc:
            return ("unreadable-file", f"文件夹无法读取（{exc.strerror}），其中的报告文件未能收录",
                    f"the folder cannot be read ({exc.strerror}); the report files in it are not in the package")
    if not stat.S_ISREG(st.st_mode):
        return ("unreadable-file", "不是普通文件（例如指向文件夹的链接），未读取", "not a regular file (a link to a folder, say); not read")
    if st.st_size > MAX_FILE_BYTES:
        return ("file-too-large", f"文件大小 {st.st_size} 字节，超过单个报告的上限 {MAX_FILE_BYTES} 字节，未读取",
                f"the file has {st.st_size} bytes, over the limit of {MAX_FILE_BYTES} for one report; not read", st.st_size)
    return None


def _failed(suffix: str, code: str, zh: str, en: str) -> Report:
    report = Report(status="failed", format=suffix.lstrip(".").lower())
    report.add(code, "error", zh, en)
    return report


def _unread(rel: str, code: str, zh: str, en: str, size: int | None = None) -> dict:
    report = _failed(Path(rel).suffix, code, zh, en)
    # no content to name it by: the id comes from the path
    result = _result(report, "", size, rel, rid=hashlib.sha256(f"path:{rel}".encode()).hexdigest()[:16])
    result["key"] = None
    result["cached"] = False
    return result


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
        signal.setitimer(signal.ITIMER_REAL, PARSE_SECONDS)
    try:
        return parse_bytes(data, suffix), True
    except _OutOfTime:
        return _failed(suffix, "parse-timeout", f"解析超过 {PARSE_SECONDS} 秒，已停止",
                       f"parsing took over {PARSE_SECONDS} s and was stopped"), False
    except Exception as exc:  # RecursionError and MemoryError included
        detail = f"{type(exc).__name__}: {str(exc)[:200]}"
        return _failed(suffix, "parse-crashed", f"解析程序出错（{detail}），本报告未发布数字",
                       f"the parser failed ({detail}); no figures published"), False
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def _result(report: Report, digest: str, size: int | None, rel: str, rid: str = "") -> dict:
    rid = rid or digest[:16]
    facts = [(rid, f.section, f.row, f.column, f.value, f.status, f.evidence, f.printed, f.source_line) for f in report.facts]
    checks = [(rid, i, g.code, g.severity, g.section, g.row, g.column, g.expected, g.found, g.message_zh, g.message_en, g.source_line)
              for i, g in enumerate(report.findings, start=1)]
    return {
        "report": {
            "report_id": rid, "agency_name": report.agency_name, "year": report.year, "title": report.title,
            "template": report.template, "status": report.status, "format": report.format, "encoding": report.encoding,
            "source_file": rel, "source_url": report.source_url, "sha256": digest, "bytes": size,
            "publication_date": report.publication_date, "publication_date_source": report.publication_date_source,
            "facts": len(facts), "findings": len(checks),
            **region_columns(report.region),
            **identity(report.agency_name, report.region),
        },
        "figures": sum(f.status == "reported" for f in report.facts),
        "errors": sum(g.severity == "error" for g in report.findings),
        "codes": Counter(g.code for g in report.findings),
        "facts": Block("facts", facts),
        "checks": Block("checks", checks),
        "texts": Block("texts", [(rid, t.section, t.text, t.source_line) for t in report.texts]),
        "crossyear": crossyear.summarise(report),
    }


class TableWriter:
    """Streams one resource to CSV and Parquet with fixed writer settings: row groups of exactly
    ROW_GROUP rows whatever the blocks were, so the bytes depend only on the rows. The CSV is
    hashed as it is written."""

    def __init__(self, folder: Path, name: str, schema: dict, delta: Path | None = None):
        self.name = name
        self.fields = [f["name"] for f in schema["fields"]]
        self.arrow = arrow_schemas()[name]
        self.csv_path = folder / f"{name}.csv"
        self.parquet_path = folder / f"{name}.parquet"
        self._csv_file = open(self.csv_path, "wb")
        self.csv_hash = hashlib.sha256()
        header = Block.csv_text([self.fields]).encode("utf-8")
        self._write_csv(header)
        self._parquet = pq.ParquetWriter(self.parquet_path, self.arrow, compression="zstd", compression_level=3,
                                         write_statistics=True, use_dictionary=True)
        self._batches: list[pa.RecordBatch] = []
        self._buffered = 0
        self.rows = 0
        # rows not yet validated, when only those are to be validated
        self._delta = open(delta / f"{name}.csv", "wb") if delta else None
        self._delta_batches: list[pa.RecordBatch] = []
        self.row_digests: list[bytes] = []  # of the CSV line of each row given to write_rows(validated=…)
        if self._delta:
            self._delta.write(header)
            self._delta_parquet = delta / f"{name}.parquet"

    def _write_csv(self, data: bytes) -> None:
        self._csv_file.write(data)
        self.csv_hash.update(data)

    def write(self, row) -> None:
        self.write_block(Block(self.name, [tuple(row)]))

    def write_rows(self, rows, validated: set | None = None) -> None:
        """Add rows; with `validated` (digests of rows that passed validation in an earlier build),
        only the other rows go to the rows to validate."""
        rows = [tuple(r) for r in rows]
        block = Block(self.name, rows)
        if validated is None or self._delta is None:
            self.write_block(block)
            return
        fresh = []
        for row in rows:
            line = Block.csv_text([row]).encode("utf-8")
            digest = hashlib.blake2b(line, digest_size=16).digest()
            self.row_digests.append(digest)
            if digest not in validated:
                fresh.append(line)
        self.write_block(block, validated=True)
        self._delta.write(b"".join(fresh))

    def write_block(self, block: Block, validated: bool = False) -> None:
        """Add a block of rows; `validated` rows passed validation in an earlier build, byte for byte."""
        if not block.rows:
            return
        self._write_csv(block.csv)
        self._batches.append(block.batch(self.arrow))
        if self._delta and not validated:
            self._delta.write(block.csv)
            self._delta_batches.append(self._batches[-1])
        self._buffered += block.rows
        self.rows += block.rows
        if self._buffered >= ROW_GROUP:
            self._flush(final=False)

    def _flush(self, final: bool) -> None:
        if not self._buffered:
            return
        table = pa.Table.from_batches(self._batches, schema=self.arrow)
        whole = table.num_rows if final else table.num_rows - table.num_rows % ROW_GROUP
        if whole:
            self._parquet.write_table(table.slice(0, whole), row_group_size=ROW_GROUP)
        self._batches = table.slice(whole).to_batches()
        self._buffered = table.num_rows - whole

    def close(self) -> None:
        self._flush(final=True)
        self._parquet.close()
        self._csv_file.close()
        if self._delta:
            self._delta.close()
            pq.write_table(pa.Table.from_batches(self._delta_batches, schema=self.arrow), self._delta_parquet)


def build(corpus: Path, out: Path, jobs: int | None = None, validate: bool = True, cache: Path | None = None) -> Summary:
    """Parse every file below `corpus` and publish the package at `out` (atomically)."""
    corpus = Path(corpus)
    out = Path(out)
    if not corpus.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus}")
    tmp = publish.temp_beside(out, "data package")
    store = ParseCache(cache, parser_version()) if cache else None
    delta = tmp / ".unvalidated" if validate and store else None
    try:
        summary = _write(corpus, tmp, jobs, store, delta)
        if validate:
            problems = validate_package(tmp, delta)
            if problems:
                raise PackageInvalid(problems)
            if delta:
                shutil.rmtree(delta)
        publish.replace(tmp, out)
        if delta:
            store.mark_validated(summary.keys)  # what is published now is all valid
            for name, digests in summary.row_digests.items():
                store.mark_validated_rows(name, digests)
        if store is not None and store.problem and store.problem not in summary.warnings:
            summary.warnings.append(store.problem)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return summary


class PackageInvalid(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("the data package does not validate:\n" + "\n".join(problems[:50]))
        self.problems = problems


def _write(corpus: Path, folder: Path, jobs: int | None, store: ParseCache | None = None, delta: Path | None = None) -> Summary:
    """Write the package's files into `folder`. With `delta`, the rows of the report-level resources
    that no earlier build validated are also written there, as CSV, to be validated alone."""
    sch = schemas()
    data = folder / "data"
    data.mkdir()
    if delta:
        delta.mkdir()
    writers = {name: TableWriter(data, name, sch[name], delta) for name in FRAGMENTS}
    validated = store.validated() if delta else set()
    files = corpus_files(corpus)
    summary = Summary()
    reports: list[dict] = []
    seen: dict[str, str] = {}
    later: list[tuple[dict, Finding]] = []  # findings about a report that depend on the build, not on its file
    summaries: dict[str, dict] = {}  # report_id: what the cross-year checks compare
    jobs = jobs or os.cpu_count() or 1
    results = parse_all(corpus, files, jobs, store)
    added, problems = provenance.read(corpus)
    about: dict[str, list[provenance.Problem]] = {}
    for problem in problems:
        about.setdefault(problem.source_file, []).append(problem)
    this_year = build_year()
    for res in results:
        summary.cached += res["cached"]
        if res.get("cache_problem") and res["cache_problem"] not in summary.warnings:
            summary.warnings.append(res["cache_problem"])
        if res["key"]:
            summary.keys.append(res["key"])
        rep = res["report"]
        rep["errors"] = res.get("errors", 0)
        rep["superseded_by"] = ""
        rep["source_file"], renamed = _shown(rep["source_file"])
        if renamed:
            later.append((rep, renamed))
        record = added.pop(rep["source_file"], {})
        rep["retrieved"] = record.get("retrieved", "")
        for problem in about.pop(rep["source_file"], []):
            later.append((rep, Finding("invalid-provenance", "warning", problem.zh, problem.en)))
        if not rep["source_url"] and record.get("origin", "").startswith(("http://", "https://")):
            rep["source_url"] = record["origin"]
        if rep["year"] is not None and not FIRST_YEAR <= rep["year"] <= this_year:
            later.append((rep, Finding(
                "implausible-year", "warning",
                f"标题中的年度 {rep['year']} 不可能是报告年度（应在 {FIRST_YEAR} 年《政府信息公开条例》施行以后、构建年份 {this_year} 年以前），年度留空；本报告不计入发布登记和跨年度核对",
                f"the year {rep['year']} in the title cannot be the report's year (it must be from {FIRST_YEAR}, when the regulation took effect, "
                f"to {this_year}, the build's year): the year is left empty and the report is kept out of the register and the cross-year checks",
                expected=f"{FIRST_YEAR}–{this_year}", found=str(rep["year"]))))
            rep["year"] = None
        rid = rep["report_id"]
        if rid in seen:
            first = seen[rid]
            n = sum(1 for r in reports if r["report_id"].startswith(rid))
            rep["report_id"] = rid = f"{rid}-{n + 1}"
            rep["status"] = "duplicate"
            rep["facts"], rep["findings"] = 0, 1
            writers["checks"].write((rid, 1, "duplicate-file", "warning", "", "", "", first, rep["source_file"],
                                     f"与 {first} 内容完全相同，只发布一次", f"same content as {first}; published once", None))
            summary.codes["duplicate-file"] += 1
        else:
            seen[rid] = rep["source_file"]
            summaries[rid] = res["crossyear"]
            for name in FRAGMENTS:
                writers[name].write_block(res[name], validated=res["key"] in validated)
            summary.figures += res["figures"]
            rep["figures"] = res["figures"]
            summary.codes.update(res["codes"])
        reports.append(rep)
        summary.reports += 1
        summary.facts += rep["facts"]
        summary.findings += rep["findings"]
        summary.statuses[rep["status"]] += 1
    for source, items in sorted(about.items()):
        for problem in items:  # about the provenance file itself, or a file that is not in the corpus
            summary.warnings.append(f"{provenance.PROVENANCE}: {problem.en}" + (f" ({source})" if source else ""))
    for source in sorted(added):
        summary.warnings.append(f"{provenance.PROVENANCE}: {source} is recorded but not in the corpus")

    agencies = _agencies(reports)
    later += choose_primaries(reports)
    counted = Counter(r["agency_id"] for r in reports if r["agency_id"] and r["status"] != "duplicate" and not r["superseded_by"])
    for a in agencies:
        a["reports"] = counted[a["agency_id"]]
    by_agency: dict[str, list[crossyear.Entry]] = {}
    for rep in reports:
        if register.counted(rep):
            by_agency.setdefault(rep["agency_id"], []).append(crossyear.Entry(rep["report_id"], rep["year"], summaries[rep["report_id"]]))
    by_id = {r["report_id"]: r for r in reports}
    for aid in sorted(by_agency):
        later += [(by_id[rid], g) for rid, g in crossyear.check_years(by_agency[aid])]
    rows = []
    for rep, g in later:
        rep["findings"] += 1
        rows.append((rep["report_id"], rep["findings"], g.code, g.severity, g.section, g.row, g.column, g.expected,
                     g.found, g.message_zh, g.message_en, g.source_line))
        summary.codes[g.code] += 1
        summary.findings += 1
    writers["checks"].write_rows(rows)
    for w in writers.values():
        w.close()

    tables = {"reports": ([rep.get(f) for f in _names(sch["reports"])] for rep in reports),
              "agencies": ([a[f] for f in _names(sch["agencies"])] for a in agencies),
              "register": ([row[f] for f in _names(sch["register"])] for row in register.rows(agencies, reports)),
              "codes": ([row.get(f, "") for f in _names(sch["codes"])] for row in codes_rows())}
    for name, rows in tables.items():
        w = writers[name] = TableWriter(data, name, sch[name], delta)
        w.write_rows(rows, store.validated_rows(name) if delta else None)
        w.close()
        summary.row_digests[name] = w.row_digests
    _descriptor(folder, writers, sch)
    return summary


FIRST_YEAR = 2008  # the regulation (政府信息公开条例, 2007) took effect on 1 May 2008: no report covers an earlier year


def build_year() -> int:
    """The build's own year: no report can cover a later one. SOURCE_DATE_EPOCH (the reproducible-
    builds convention) fixes it for a build that must give the same bytes in another year."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch.isdigit() else datetime.now(timezone.utc)
    return moment.year


def _shown(rel: str) -> tuple[str, Finding | None]:
    shown, how = provenance.shown_name(rel)
    if how is None:
        return rel, None
    how_zh, how_en = how
    return shown, Finding("file-name-encoding", "info", f"文件名不是 UTF-8 编码，{how_zh}：{shown}",
                          f"the file name is not UTF-8; it is {how_en}: {shown}", found=os.fsencode(rel).hex())


def choose_primaries(reports: list[dict]) -> list[tuple[dict, Finding]]:
    """One report per agency and year. When several files give the same agency and year (the same
    report as text and HTML, or two different reports), the primary is the most complete parse: the
    most figures reported, then the fewest errors, then the first by path. The others keep their
    figures as evidence, name the primary in `superseded_by`, and get a finding."""
    groups: dict[tuple, list[dict]] = {}
    for r in reports:
        if r["agency_id"] and r["year"] and r["status"] != "duplicate":
            groups.setdefault((r["agency_id"], r["year"]), []).append(r)
    out = []
    for (_, year), rs in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        if len(rs) < 2:
            continue
        rs.sort(key=lambda r: (-r.get("figures", 0), r.get("errors", 0), r["source_file"]))
        primary = rs[0]
        for r in rs[1:]:
            r["superseded_by"] = primary["report_id"]
            out.append((r, Finding(
                "superseded-report", "warning",
                f"同一机关 {year} 年度还有另一份报告文件 {primary['source_file']}（{primary['report_id']}，发布 {primary.get('figures', 0)} 个数字、"
                f"{primary.get('errors', 0)} 个错误），按“数字最多、错误最少”的规则采用那一份；本文件（{r.get('figures', 0)} 个数字、{r.get('errors', 0)} 个错误）"
                f"不计入该年度，其数字作为证据保留",
                f"this agency has another file for {year}, {primary['source_file']} ({primary['report_id']}: {primary.get('figures', 0)} figures, "
                f"{primary.get('errors', 0)} errors), taken as the year's report by the rule 'most figures, then fewest errors'; this file "
                f"({r.get('figures', 0)} figures, {r.get('errors', 0)} errors) is not counted for the year and its figures are kept as evidence",
                expected=primary["report_id"], found=r["report_id"])))
    return out


def _names(schema: dict) -> list[str]:
    return [f["name"] for f in schema["fields"]]


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
        known = store.known(where, st) if store and st and stat.S_ISREG(st.st_mode) and not os.path.islink(where) else None
        plan.append(((where, rel, folder, version, root), where, st, known))
    todo = [task for task, _, _, key in plan if key is None]
    with _workers(jobs if len(todo) >= 8 else 1) as pool:
        parsed = pool.imap(parse_file, todo, chunksize=16) if pool else map(parse_file, todo)
        for task, where, st, key in plan:
            res = store.get(key) if key else None
            if res is not None:
                res["report"]["source_file"] = task[1]
                res["cached"] = True
            else:
                res = parse_file(task) if key else next(parsed)  # a known file whose entry was lost
            if store is not None and res["key"] and st is not None and not os.path.islink(where):
                store.remember(where, st, res["key"])
            yield res
    if store is not None:
        store.forget(root, {where for _, where, _, _ in plan})
        store.save_index()


@contextmanager
def _workers(jobs: int):
    if jobs <= 1:
        yield None
        return
    with get_context("fork").Pool(jobs) as pool:
        yield pool


def _agencies(reports: list[dict]) -> list[dict]:
    """One agency per identity key (however its name was printed); sets each report's agency_id."""
    joined = overrides()
    key_of_name = {}
    for r in sorted(reports, key=lambda r: r["source_file"]):
        if r["agency_name"]:
            key_of_name.setdefault(r["agency_name"], r["agency_key"])
    by_key: dict[str, list[dict]] = {}
    for r in reports:
        if r["agency_name"] and r["status"] != "duplicate":
            key = key_of_name.get(joined.get(r["agency_name"], ""), r["agency_key"])
            by_key.setdefault(key, []).append(r)
    latest = {key: max(rs, key=lambda r: (r["year"] or 0, r["source_file"])) for key, rs in by_key.items()}
    slugs: dict[str, list[str]] = {}
    for key, r in latest.items():
        slugs.setdefault(r["agency_slug"], []).append(key)
    out = []
    for slug, keys in slugs.items():
        for key in keys:
            aid = slug if len(keys) == 1 else f"{slug}-{hashlib.sha1(key.encode()).hexdigest()[:6]}"
            rs = by_key[key]
            for r in rs:
                r["agency_id"] = aid
            years = [r["year"] for r in rs if r["year"] is not None]
            # the region of the latest report that settles it
            settled = [r for r in rs if r["region_status"] == "resolved"]
            place = max(settled or rs, key=lambda r: (r["year"] or 0, r["source_file"]))
            names = sorted({r["agency_name"] for r in rs}, key=lambda n: (n != latest[key]["agency_name"], n))
            out.append({"agency_id": aid, "name": latest[key]["agency_name"], "names": "；".join(names),
                        "agency_type": latest[key]["agency_type"], "level": latest[key]["agency_level"],
                        "reports": len(rs), "first_year": min(years) if years else None, "last_year": max(years) if years else None,
                        **{k: place[k] for k in REGION_KEYS}})
    for r in reports:
        r.setdefault("agency_id", "")
    return sorted(out, key=lambda a: a["agency_id"])


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _descriptor(folder: Path, writers: dict[str, TableWriter], sch: dict) -> None:
    cb = load()
    resources = []
    for name in ORDER:
        w = writers[name]
        title, description = RESOURCE_INFO[name]
        resources.append({
            "name": name,
            "title": title,
            "description": description,
            "path": f"data/{name}.csv",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": w.csv_path.stat().st_size,
            "hash": f"sha256:{w.csv_hash.hexdigest()}",
            "dialect": {"header": True, "delimiter": ","},
            "schema": sch[name],
            "x_rows": w.rows,
            "x_parquet": {"path": f"data/{name}.parquet", "bytes": w.parquet_path.stat().st_size,
                          "hash": f"sha256:{_sha256(w.parquet_path)}"},
        })
    descriptor = {
        "name": "xxgk-annual-reports",
        "title": "政府信息公开工作年度报告数据 (xxgk)",
        "description": ("中国各级行政机关政府信息公开工作年度报告中的统计表格（主动公开、依申请公开、行政复议和行政诉讼）、"
                        "正文及其核对结果。每个数字都注明来源文件和行号。Figures, narrative text and arithmetic checks "
                        "of China's government information-disclosure annual reports, each figure traced to its source line."),
        "version": __version__,
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                      "title": "Creative Commons Attribution 4.0"}],
        "sources": [{"title": "各级行政机关在其政府网站公开发布的政府信息公开工作年度报告",
                     "description": "Annual reports published by each agency on its government website; reports.source_url gives the page when recorded."}],
        "keywords": ["政府信息公开", "年度报告", "open government", "China", "FOI"],
        "x_codebook_version": cb.version,
        "x_codebook_digest": cb.digest,
        "x_parser_version": __version__,
        "x_parser_digest": parser_version(),  # of the parser's source files and codebook: the same digest, the same rows
        "resources": resources,
    }
    text = json.dumps(descriptor, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    (folder / "datapackage.json").write_text(text, encoding="utf-8")


def validate_package(folder: Path, delta: Path | None = None) -> list[str]:
    """Frictionless validation of the CSV resources, then proof that each Parquet file holds the
    same table as its CSV. Returns the problems found (empty when valid).

    With `delta` (a folder of CSV and Parquet files written by the build), Frictionless validates
    only the rows there: the others are byte for byte rows that passed in an earlier build. The
    Parquet comparison covers the new rows of the report-level resources and the other tables
    whole. Keys, which span rows, are then checked on the whole tables."""
    from frictionless import Package, system

    problems: list[str] = []
    folder = Path(folder)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    checked = descriptor
    if delta is not None:
        checked = json.loads(json.dumps(descriptor))
        for res in checked["resources"]:
            res["schema"].pop("foreignKeys", None)  # checked on the whole tables below, at once
            if (delta / f"{res['name']}.csv").exists():
                res["path"] = os.path.relpath(delta / f"{res['name']}.csv", folder)
                del res["bytes"], res["hash"]
            if res["name"] in FRAGMENTS:
                res["x_parquet"] = {"path": os.path.relpath(delta / f"{res['name']}.parquet", folder)}
        problems += _keys_across_reports(folder, descriptor)
    with system.use_context(trusted=True):
        report = Package(checked, basepath=str(folder)).validate()
    if not report.valid:
        for task in report.tasks:
            for err in task.errors[:20]:
                problems.append(f"{task.name}: {err.type}: {err.message}")
        for err in report.errors[:20]:
            problems.append(f"package: {err.type}: {err.message}")
    for full, res in zip(descriptor["resources"], checked["resources"]):
        problems += _compare_parquet(folder, res if res["name"] in FRAGMENTS else full)
    return problems


def _keys_across_reports(folder: Path, descriptor: dict) -> list[str]:
    """Primary keys unique over the whole tables, and every foreign key (single-field; an empty
    value refers to nothing) present in the table it refers to."""
    problems = []
    tables = {r["name"]: r for r in descriptor["resources"]}

    def column(name: str, field: str) -> pa.ChunkedArray:
        return pq.read_table(folder / tables[name]["x_parquet"]["path"], columns=[field]).column(0)

    for name in tables:
        key = tables[name]["schema"].get("primaryKey")
        if key and not _unique(folder / tables[name]["x_parquet"]["path"], key, name in FRAGMENTS):
            problems.append(f"{name}: primary key {key} is not unique")
    for name, res in tables.items():
        for fk in res["schema"].get("foreignKeys", []):
            (field,), ref = fk["fields"], fk["reference"]
            values = column(name, field).drop_null()
            known = column(ref["resource"] or name, ref["fields"][0])  # "" refers to the table itself
            # counted, not pc.all: `all` of no values is null, and an empty table refers to nothing
            missing = len(values) - pc.sum(pc.is_in(values, value_set=known).cast(pa.int64()), min_count=0).as_py()
            if missing:
                problems.append(f"{name}: {field} not found in {ref['resource']} ({missing} rows)")
    return problems


def _unique(path: Path, key: list[str], by_report: bool) -> bool:
    """Whether no two rows share the key. For a report-level table (key starting with report_id)
    whose rows come report by report, it is enough that no report's rows are split: within one
    report's rows Frictionless checked the key (in this build, or in the one that validated them)."""
    if by_report and key[0] == "report_id":
        ids = pq.read_table(path, columns=["report_id"]).column(0).combine_chunks().dictionary_encode()
        codes = ids.indices.to_numpy(zero_copy_only=False)
        runs = int(np.count_nonzero(codes[1:] != codes[:-1])) + 1 if len(codes) else 0
        if runs == len(ids.dictionary):
            return True
    table = pq.read_table(path, columns=key)
    return table.group_by(key).aggregate([]).num_rows == table.num_rows


def _compare_parquet(folder: Path, res: dict) -> list[str]:
    parquet = pq.read_table(folder / res["x_parquet"]["path"])
    types = {f.name: f.type for f in parquet.schema}
    path = folder / res["path"]
    table = pacsv.read_csv(
        path,
        # one block for the whole file: with newlines in values, a value (a long narrative) must
        # not straddle two blocks
        read_options=pacsv.ReadOptions(block_size=min(max(path.stat().st_size + 1, 1 << 20), (1 << 31) - 1)),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=True, null_values=[""],
                                             quoted_strings_can_be_null=True),
    )
    if table.num_rows != parquet.num_rows:
        return [f"{res['name']}: CSV has {table.num_rows} rows, Parquet {parquet.num_rows}"]
    if not table.equals(parquet.cast(table.schema)):
        return [f"{res['name']}: the Parquet file does not hold the same table as the CSV"]
    return []

