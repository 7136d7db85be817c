"""The corpus-wide assemble: every file's result (from the workers, in file order) into the tables
of the package: reports, agencies (one per identity, however its name was printed), one report
per agency and year, findings that depend on the whole corpus (provenance, years, cross-year
checks), the register (with what the harvest saw in the agencies' own report columns) and the
codebook table. In: a corpus folder. Out: the package's files in a folder, and a summary."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from ..check import copies, crossyear, settle
from ..corpus import provenance
from ..corpus.walk import corpus_files
from ..findings import catalogue, finding
from ..identify import listed, register
from ..model import Fact, Finding, Report
from . import agencies as agencies_
from . import parts, wide
from .descriptor import write_descriptor
from .schema import codes_rows, schemas
from .tables import FRAGMENTS, PARTED, Block, TableWriter, arrow_schemas, read_csv
from .worker import FileResult, stored


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

    def lines(self) -> list[str]:
        out = [f"reports: {self.reports} ({', '.join(f'{k} {v}' for k, v in sorted(self.statuses.items()))})",
               f"parsed: {self.reports - self.cached} (from the cache: {self.cached})",
               f"facts: {self.facts} ({self.figures} figures reported)",
               f"findings: {self.findings}"]
        out += [f"  {code}: {n}" for code, n in sorted(self.codes.items(), key=lambda kv: (-kv[1], kv[0]))]
        out += [f"warning: {w}" for w in self.warnings]
        return out


def assemble(corpus: Path, folder: Path, results: Callable[[list[Path]], Iterable[FileResult]],
             part_cache: parts.PartCache) -> tuple[Summary, dict[str, parts.Written]]:
    """Write the package's files into `folder`. `results` gives the result of each of the corpus's
    files, in order: parsed here (`parse_all`) or read from a sharded build's fragments. The
    report-level resources are written in parts (parts.py), taken from `part_cache` when unchanged."""
    sch = schemas()
    data = folder / "data"
    data.mkdir()
    spool = parts.Spool(folder / ".spool")
    by_part: dict[str, parts.Part] = {}
    entries: dict[str, parts.Entry] = {}  # report_id: its rows

    def part(year: int | None) -> parts.Part:
        name = parts.part_of(year)
        return by_part.setdefault(name, parts.Part(name))

    def place(res: FileResult) -> None:
        entry = entries[res.report["report_id"]] = _entry(res, spool, len(entries))
        entry.report = res.report
        part(res.report["year"]).entries.append(entry)

    files = corpus_files(corpus)
    summary = Summary()
    reports: list[dict] = []
    seen: dict[str, str] = {}
    copies_of: Counter = Counter()  # report_id: the files of that content
    later: list[tuple[dict, Finding]] = []  # findings about a report that depend on the build, not on its file
    summaries: dict[str, dict] = {}  # report_id: what the cross-year checks compare
    # results the year before may settle (see _settle_by_previous): their rows are written after
    # every other report's, once every report is known
    held: list[FileResult] = []
    settled = _settled_by_copies(results(files))
    added, problems = provenance.read(corpus)
    origins: dict[str, str] = {}  # report_id → the address its file was downloaded from
    about: dict[str, list[provenance.Problem]] = {}
    for problem in problems:
        about.setdefault(problem.source_file, []).append(problem)
    this_year = build_year()
    for res in settled:
        summary.cached += res.cached
        if res.cache_problem and res.cache_problem not in summary.warnings:
            summary.warnings.append(res.cache_problem)
        rep = res.report
        rep["errors"] = res.errors
        rep["superseded_by"] = ""
        rep["source_file"], renamed = _shown(rep["source_file"])
        if renamed:
            later.append((rep, renamed))
        record = added.pop(rep["source_file"], {})
        origins[rep["report_id"]] = record.get("origin", "")
        rep["retrieved"] = record.get("retrieved", "")
        rep["warc"] = record.get("warc", "")
        for problem in about.pop(rep["source_file"], []):
            later.append((rep, Finding("invalid-provenance", catalogue()["invalid-provenance"].severity, problem.zh, problem.en)))
        if not rep["source_url"] and record.get("origin", "").startswith(("http://", "https://")):
            rep["source_url"] = record["origin"]
        if rep["year"] is not None and not FIRST_YEAR <= rep["year"] <= this_year:
            later.append((rep, finding("implausible-year", year=rep["year"], first_year=FIRST_YEAR, build_year=this_year,
                                       expected=f"{FIRST_YEAR}-{this_year}", found=str(rep["year"]))))
            rep["year"] = None
        rid = rep["report_id"]
        if rid in seen:
            first = seen[rid]
            copies_of[rid] += 1  # the files of this content so far
            rep["report_id"] = rid = f"{rid}-{copies_of[rid]}"
            rep["status"] = "duplicate"
            rep["facts"], rep["findings"] = 0, 1
            g = finding("duplicate-file", first_file=first, expected=first, found=rep["source_file"])
            part(rep["year"]).add_row("checks", (rid, 1, g.code, g.severity, g.section, g.row, g.column, g.expected, g.found,
                                             g.message_zh, g.message_en, g.source_line))
            summary.codes["duplicate-file"] += 1
        else:
            seen[rid] = rep["source_file"]
            copies_of[rid] = 1
            summaries[rid] = res.crossyear
            if res.codes.get("ambiguous-digits") and res.settles:
                held.append(_without_rows(res))  # the year before may settle it: written once every report is known
            else:
                place(res)
            summary.figures += res.figures
            rep["figures"] = res.figures
            for code, n in res.codes.items():  # not Counter.update: its check of the argument's type is slow
                summary.codes[code] += n
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

    listings, columns = agencies_.harvested(corpus, FIRST_YEAR, this_year, summary.warnings)
    named = listed.identified(listings, columns)
    agencies = agencies_.agencies(reports, named)
    later += choose_primaries(reports)
    later += copies.republished(reports, origins)
    counted_by_year: dict[tuple[str, int], list[dict]] = defaultdict(list)  # each agency's reports of each year
    for r in reports:
        if register.counted(r):
            counted_by_year[(r["agency_id"], r["year"])].append(r)
    for res in held:
        _settle_by_previous(res, counted_by_year, summaries, summary)
        place(res)
    later += _compare_copies(reports, entries, part_cache)
    counted = Counter(r["agency_id"] for r in reports if r["agency_id"] and r["status"] != "duplicate" and not r["superseded_by"])
    for a in agencies:
        a["reports"] = counted[a["agency_id"]]
    by_agency: dict[str, list[crossyear.Entry]] = {}
    for rep in reports:
        if register.counted(rep):
            by_agency.setdefault(rep["agency_id"], []).append(crossyear.Entry(rep["report_id"], rep["year"], summaries[rep["report_id"]]))

    def add(rep: dict, g: Finding) -> None:
        rep["findings"] += 1
        part(rep["year"]).add_row("checks", (rep["report_id"], rep["findings"], g.code, g.severity, g.section, g.row, g.column,
                                         g.expected, g.found, g.message_zh, g.message_en, g.source_line))
        summary.codes[g.code] += 1
        summary.findings += 1

    for rep, g in later:
        add(rep, g)
    by_id = {r["report_id"]: r for r in reports}
    for aid in sorted(by_agency):  # the cross-year findings, a national build's most, added as they are found
        for rid, g in crossyear.check_years(by_agency.pop(aid)):
            add(by_id[rid], g)
    for p in by_part.values():
        p.by_agency()
    headers = {name: Block.csv_text([_names(sch[name])]).encode("utf-8") for name in PARTED}
    written = parts.write(by_part, data, part_cache, headers)
    spool.close()
    shutil.rmtree(folder / ".spool")
    writers = {}

    tables: dict[str, Iterable[list | tuple]] = {"reports": ([rep.get(f) for f in _names(sch["reports"])] for rep in reports),
              "agencies": ([a[f] for f in _names(sch["agencies"])] for a in agencies),
              "register": ([row[f] for f in _names(sch["register"])]
                           for row in agencies_.register_rows(agencies, reports, listings, columns, named)),
              "codes": ([row.get(f, "") for f in _names(sch["codes"])] for row in codes_rows()),
              "figure_mapping": wide.mapping_rows()}
    for name, table_rows in tables.items():
        w = writers[name] = TableWriter(data, name, sch[name])
        w.write_rows(table_rows)
        w.close()
    write_descriptor(folder, writers, written, sch)
    return summary, written


FIRST_YEAR = 2008  # the regulation (政府信息公开条例, 2007) took effect on 1 May 2008: no report covers an earlier year


def build_year() -> int:
    """The build's own year: no report can cover a later one. SOURCE_DATE_EPOCH (the reproducible-
    builds convention) fixes it for a build that must give the same bytes in another year."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else datetime.now(UTC)
    return moment.year


def _shown(rel: str) -> tuple[str, Finding | None]:
    shown, how = provenance.shown_name(rel)
    if how is None:
        return rel, None
    return shown, finding("file-name-encoding", how, name=shown, found=os.fsencode(rel).hex())


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
            out.append((r, finding(
                "superseded-report", year=year, primary_file=primary["source_file"], primary_id=primary["report_id"],
                primary_figures=primary.get("figures", 0), primary_errors=primary.get("errors", 0),
                figures=r.get("figures", 0), errors=r.get("errors", 0), expected=primary["report_id"], found=r["report_id"])))
    return out


def _compare_copies(reports: list[dict], entries: dict[str, parts.Entry], part_cache: parts.PartCache) -> list[tuple[dict, Finding]]:
    """Each file kept as evidence of a year's report, compared figure by figure with the file taken
    as that report (their facts read back from the rows just placed; the comparisons of files the
    last build compared are remembered)."""
    others = [r for r in reports if r["superseded_by"] and r["report_id"] in entries and r["superseded_by"] in entries]
    if not others:
        return []
    by_id = {r["report_id"]: r for r in reports}
    schema = arrow_schemas()["facts"]
    memo, kept = part_cache.memo("copies"), {}
    values: dict[str, dict] = {}

    def facts(rid: str) -> dict:
        if rid not in values:
            table = read_csv(entries[rid].load()["facts"], schema, header=False)
            cells = zip(*(table.column(n).to_pylist() for n in ("section", "row", "column", "value")), strict=True)
            values[rid] = {(section, row, column): value for section, row, column, value in cells if value is not None}
        return values[rid]

    out = []
    for r in others:
        primary = by_id[r["superseded_by"]]
        key = (entries[primary["report_id"]].token, entries[r["report_id"]].token, primary["source_file"])
        if key not in memo:
            memo[key] = list(copies.disagreements(facts(primary["report_id"]), facts(r["report_id"]), primary["source_file"]))
        kept[key] = memo[key]
        out += [(r, g) for g in kept[key]]
    part_cache.keep_memo("copies", kept)
    return out


def _entry(res: FileResult, spool: parts.Spool, handle: int) -> parts.Entry:
    """A result's rows: named by the file's content key (rows a pure function of it), or by a digest
    of the rows themselves when the assemble amended them or the file was not read. Rows at hand
    are spooled; a summary's are read from the parse cache when its part is written."""
    if res.facts is None:
        assert res.home is not None, "a summary's rows are read again from where they are kept"
        home, key = res.home, str(res.key)  # not the result itself: a national build holds 300,000 entries
        return parts.Entry(str(key), lambda: _csv(stored(home, key)))
    blocks = {name: getattr(res, name) for name in FRAGMENTS}
    spool.put(handle, blocks)
    token = res.key if res.key and not res.amended else \
        "rows:" + hashlib.sha256(b"\0".join(b.csv for b in blocks.values())).hexdigest()
    return parts.Entry(token, lambda: {name: spool.get(handle, name) for name in FRAGMENTS})


def _settled_by_copies(results: Iterable[FileResult]) -> Iterator[FileResult]:
    """The results, in order, with glued digits settled by another copy of the same report beside
    the file (`_stem`; another format: the article's web page beside the crawler's text;
    `copies.pick_copy`). Files come in path order, so copies are neighbours: only one group is
    held at a time."""
    group: list[FileResult] = []
    for res in results:
        if group and _stem(group[0]) != _stem(res):
            yield from _settle_group(group)
            group = []
        group.append(res)
    yield from _settle_group(group)


_ADDED = re.compile(r"-[0-9a-f]{8}$")  # the content digest `xxgk add` puts after the agency's name


def _stem(res: FileResult) -> tuple[str, str]:
    """Files of one report lie beside each other: the same folder and name (`page.html`,
    `page.txt`), or the same agency's name as `xxgk add` writes it (`<agency>-<digest>.<ext>`)."""
    folder, _, name = res.report["source_file"].rpartition("/")
    dot = name.rfind(".")
    stem = name[:dot] if 0 < dot < len(name) - 1 else name  # as PurePosixPath.stem
    return folder or ".", _ADDED.sub("", stem)


def _settle_group(group: list[FileResult]) -> list[FileResult]:
    for res in group:
        if not res.codes.get("ambiguous-digits"):
            continue
        for other in group:
            same = (other.report["agency_name"], other.report["year"]) == (res.report["agency_name"], res.report["year"])
            if other is res or not same or not res.report["year"]:
                continue
            cells = {(f[1], f[2], f[3]): (f[4], f[6], f[7]) for f in _rows(other.loaded().facts, "facts")}
            _materialise(res)
            facts, checks, n = settle.settle(_rows(res.facts, "facts"), _rows(res.checks, "checks"), copies.pick_copy(cells),
                                             "copy", file=other.report["source_file"])
            if n:
                _amend(res, facts, checks, n)
    return group


def _settle_by_previous(res: FileResult, counted_by_year: dict[tuple[str, int], list[dict]], summaries: dict[str, dict],
                        summary: Summary) -> None:
    """Glued digits settled by the agency's report of the year before (`crossyear.pick_previous`;
    `counted_by_year`: the counted reports by agency and year); the build's counts follow the
    amended result."""
    rep = res.report
    before = counted_by_year.get((rep["agency_id"], rep["year"] - 1), []) if rep["agency_id"] and rep["year"] else []
    if len(before) != 1:
        return
    codes, status = res.codes, rep["status"]
    _materialise(res)
    facts, checks, n = settle.settle(_rows(res.facts, "facts"), _rows(res.checks, "checks"),
                                     crossyear.pick_previous(summaries[before[0]["report_id"]]), "previous",
                                     file=before[0]["source_file"], previous_year=before[0]["year"])
    if not n:
        return
    findings = rep["findings"]
    _amend(res, facts, checks, n)
    rep["figures"] = res.figures
    summaries[rep["report_id"]] = res.crossyear
    summary.figures += n
    summary.findings += rep["findings"] - findings
    summary.codes.subtract(codes)
    summary.codes.update(res.codes)
    summary.codes += Counter()  # drop the codes no longer found
    summary.statuses[status] -= 1
    summary.statuses[rep["status"]] += 1
    summary.statuses += Counter()


def _csv(res: FileResult) -> dict[str, bytes]:
    return {name: getattr(res, name).csv for name in FRAGMENTS}


def _without_rows(res: FileResult) -> FileResult:
    """A result held until every report is known, without the rows its cache entry keeps (read
    again if it is settled): a national corpus holds thousands."""
    return res if res.home is None or res.facts is None else replace(res, facts=None, checks=None, texts=None)  # type: ignore[arg-type]


def _materialise(res: FileResult) -> None:
    """A summary given its rows, to be amended (few results are)."""
    if res.facts is None:
        full = res.loaded()
        res.facts, res.checks, res.texts, res.home = full.facts, full.checks, full.texts, None


def _rows(block: Block, resource: str) -> list[tuple]:
    return [tuple(r.values()) for r in block.batch(arrow_schemas()[resource]).to_pylist()]


def _amend(res: FileResult, facts: list[tuple], checks: list[tuple], settled: int) -> None:
    """A result whose figures another copy settled: its blocks, counts, status and cross-year summary."""
    res.facts, res.checks, res.amended = Block("facts", facts), Block("checks", checks), True
    res.figures += settled
    res.codes = Counter(c[2] for c in checks)
    res.settles = crossyear.settles(checks)
    res.errors = sum(c[3] == "error" for c in checks)
    res.report["findings"] = len(checks)
    if res.report["status"] == "partial" and not res.errors:
        res.report["status"] = "ok"
    res.crossyear = crossyear.summarise(Report(facts=[Fact(*f[1:9]) for f in facts]))


def _names(schema: dict) -> list[str]:
    return [f["name"] for f in schema["fields"]]
