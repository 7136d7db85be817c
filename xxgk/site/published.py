"""Reading the published data package: the site is generated from this and nothing else.

In: a package folder. Out: `Published`, its descriptor and its tables as Python values of their
schema's types, read from the Parquet files (years, counts and line numbers as integers, ids and
names as strings, an empty cell as None; a report's facts read when asked for: facts.py).

The second half defines every figure the site shows that is not printed in a report as it is
(sums, counts): each is defined once here, from the published tables, and the home page, region
pages, rankings, agency pages and charts all take it from here.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..memory import give_back_memory
from . import strings
from .facts import Facts
from .strings import label


def read_table(package: Path, name: str, columns: list[str] | None = None, filters: list | None = None) -> list[dict]:
    """A resource's rows with their types, from its Parquet file (`columns` and the rows
    `filters` keeps only). A text repeated down a column (a province, a status) is one object
    shared by its rows: a national package has hundreds of thousands of rows."""
    table = pq.read_table(package / "data" / f"{name}.parquet", columns=columns, filters=filters)
    values = {}
    for kind, column in zip(table.schema, table.columns):
        values[kind.name] = column.to_pylist()
        if pa.types.is_string(kind.type) and pc.count_distinct(column).as_py() * 2 < len(column):
            memo: dict = {}
            values[kind.name] = [memo.setdefault(v, v) for v in values[kind.name]]
    return [dict(zip(values, row)) for row in zip(*values.values())]


REGISTER_SHOWN = ["agency_id", "year", "status", "listed_url"]  # the register's columns the pages show
# what an agency's own column of reports says of a year the corpus lacks: an agency page shows its
# missing years once one of them is known from its column (harvested), and says nothing otherwise
REGISTER_LISTED = ("listed_not_parsed", "not_listed")


def read_register(package: Path) -> list[dict]:
    """The register's rows of years the corpus lacks, of the agencies whose column of reports was
    harvested (REGISTER_LISTED): the only ones an agency page shows; a national register is every
    agency times every year."""
    shown = pq.read_table(package / "data" / "register.parquet", columns=["agency_id"],
                          filters=[("status", "in", list(REGISTER_LISTED))]).column(0)
    agencies = pc.unique(shown).to_pylist()
    if not agencies:
        return []
    return read_table(package, "register", REGISTER_SHOWN, [("status", "!=", "in_corpus"), ("agency_id", "in", agencies)])


@dataclass
class Published:
    package: Path
    descriptor: dict
    reports: list[dict]
    agencies: list[dict]
    codes: list[dict]
    checks: dict[str, list[dict]] = field(default_factory=dict)
    register: list[dict] = field(default_factory=list)  # the register's rows of years the corpus does not hold
    _facts: Facts | None = None  # where each report's facts lie, read when asked for
    _figures: dict[str, ReportFigures] = field(default_factory=dict)
    kept_figures: dict[str, str] = field(default_factory=dict)  # a previous build's (JSON), made by the same code (`keys.FIGURES`)
    _overview: Overview | None = None
    _released: bool = False

    @classmethod
    def load(cls, package: Path, rows: bool = True) -> Published:
        """The package read; `rows=False`: its descriptor and codes only, and no report's facts
        located (a page worker's, given its reports' rows and places with each task)."""
        # Arrow's own allocator (mimalloc) keeps what reading freed; the system's gives it back
        pa.set_memory_pool(pa.system_memory_pool())
        package = Path(package)
        descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
        pub = cls(package, descriptor, read_table(package, "reports") if rows else [], read_table(package, "agencies") if rows else [],
                  read_table(package, "codes"))
        if rows and (package / "data" / "register.parquet").exists():  # what agency pages say of the years the corpus lacks
            pub.register = read_register(package)
        for c in read_table(package, "checks") if rows else []:
            pub.checks.setdefault(c["report_id"], []).append(c)
        pub._facts = Facts(package, locate=rows)
        return pub

    def facts_index(self) -> Facts:
        """Where each report's facts lie (and the row groups last read)."""
        if self._released or self._facts is None:
            raise RuntimeError("the facts were released (Published.release_facts)")
        return self._facts

    def release_facts(self) -> None:
        """Every counted report's figures computed, then the facts let go: what follows (the
        aggregate pages) needs only the figures."""
        for r in self.counted:
            self.figures(r["report_id"])
        self._facts, self._released = None, True
        give_back_memory()

    def facts(self, report_id: str) -> dict[tuple[str, str, str], dict]:
        """One report's facts keyed by (section, row, column)."""
        rows = self.facts_index().rows(report_id)
        for r in rows:  # Parquet stores every figure as a double; show counts as integers
            v = r["value"]
            if v is not None and v == int(v):
                r["value"] = int(v)
        return {(r["section"], r["row"], r["column"]): r for r in rows}

    def labels(self, kind: str, section: str = "") -> dict[str, dict]:
        """The codes-table entries of one kind (and section), by code, in the table's order."""
        return {c["code"]: c for c in self.codes if c["kind"] == kind and (not section or c["section"] == section)}

    def title(self, resource: str, name: str = "") -> str:
        """The title of a resource, or of one of its fields, as datapackage.json gives it, in the
        site's language (`x_title_en` in English; a package without it: the Chinese title)."""
        res = next(r for r in self.descriptor["resources"] if r["name"] == resource)
        item = next(f for f in res["schema"]["fields"] if f["name"] == name) if name else res
        return item.get("x_title_en", item["title"]) if strings.LANG == "en" else item["title"]

    @cached_property
    def counted(self) -> list[dict]:
        """The reports the site counts: every file but duplicates and secondary files."""
        return [r for r in self.reports if counted(r)]

    @cached_property
    def secondary(self) -> dict[str, list[dict]]:
        """Secondary files (another file of an agency and year) by the report_id of their primary."""
        out: dict[str, list[dict]] = defaultdict(list)
        for r in self.reports:
            if superseded_by(r):
                out[superseded_by(r)].append(r)
        return out

    def reports_by_agency(self) -> dict[str, list[dict]]:
        """Each agency's counted reports, oldest first."""
        out: dict[str, list[dict]] = defaultdict(list)
        for r in self.counted:
            if r["agency_id"]:
                out[r["agency_id"]].append(r)
        for rs in out.values():
            rs.sort(key=lambda r: (r["year"] or 0, r["source_file"]))
        return out

    @cached_property
    def outcome_groups(self) -> list[tuple[str, list[str]]]:
        """The outcome bars, from the codebook: (label, rows) for each entry (1)…(6) of the
        requests table's outcome block (group `outcome`), in the template's order."""
        groups = self.labels("group", "requests")
        rows = sorted((c for c in self.labels("row", "requests").values() if c["parent"]), key=lambda c: c["position"] or 0)
        out: dict[str, tuple[str, list[str]]] = {}
        for c in rows:
            key = c["code"] if c["parent"] == "outcome" else c["parent"]
            name = label(groups[key]) if key in groups else label(c)
            out.setdefault(name, (name, []))[1].append(c["code"])
        return list(out.values())

    def figures(self, report_id: str, facts: dict | None = None) -> ReportFigures:
        """One report's derived figures (computed once per report; or, made by the same code, kept
        from the previous build)."""
        if report_id not in self._figures:
            kept = self.kept_figures.get(report_id)
            self._figures[report_id] = (ReportFigures.from_plain(json.loads(kept)) if kept is not None
                                        else report_figures(self, self.facts(report_id) if facts is None else facts))
        return self._figures[report_id]

    def overview(self) -> Overview:
        """The figures over the whole package (computed once)."""
        if self._overview is None:
            self._overview = overview(self)
        return self._overview


# --- which files count --------------------------------------------------------------------------

def superseded_by(report: dict) -> str:
    """The report_id of the primary report of this file's agency and year, or "" for a primary
    report (and for packages written before the column existed)."""
    return (report.get("superseded_by") or "").strip()


def counted(report: dict) -> bool:
    """Only primary reports count anywhere on the site: not a second file of the same agency and
    year (`superseded_by`), not a byte-identical copy (status `duplicate`)."""
    return not superseded_by(report) and report["status"] != "duplicate"


# --- figures derived from one report's facts ----------------------------------------------------

def value(facts: dict, section: str, row: str, column: str):
    """A figure as the report printed it, or None (blank, absent or withheld)."""
    f = facts.get((section, row, column))
    return f["value"] if f and f["status"] == "reported" else None


def total(values) -> float | None:
    """The sum of the figures that are there; None when none is."""
    vals = [v for v in values if v is not None]
    return sum(vals) if vals else None


_PAIRS: dict[tuple, tuple[str, float]] = {}  # (label, value) pairs: one object for each, shared


def pairs(items: Iterable[Sequence]) -> tuple[tuple[str, float], ...]:
    """Labelled figures as tuples of shared pairs: most reports print the same small counts under
    the same labels, and a national site keeps the figures of hundreds of thousands of reports
    (1 and 1.0 are equal, so a pair is found by its value's type too)."""
    return tuple(_PAIRS.setdefault((label, v, type(v)), (sys.intern(label), v)) for label, v in items)


@dataclass(frozen=True, slots=True)
class ReportFigures:
    handled: float | None  # requests row `total` (the printed (7) total), column `total`, as printed
    outcomes: tuple[tuple[str, float], ...]  # each outcome entry (1)…(6), column `total`: the sum of its printed rows
    outcome_sum: float | None  # the sum of `outcomes`: what the outcome bars add up to
    applicants: tuple[tuple[str, float], ...]  # row `new` by applicant column (column `total` left out)
    new: float | None  # row `new`, column `total`
    granted: float | None  # rows `granted` + `partial`
    denied: float | None  # the eight rows of group `denied`
    not_held: float | None  # row `unable_not_held`
    review: float | None  # appeals row `review`, column `total`
    litigation: float | None  # appeals rows `litigation_direct` + `litigation_after_review`, column `total`
    appeals: tuple[tuple[str, float], ...]  # every review and lawsuit outcome

    def plain(self) -> dict:
        """The figures as JSON values (kept between builds: `keys.FIGURES`); shallow, as its
        values are numbers and tuples of pairs (`asdict` copies them deeply: a minute at 100,000)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_plain(cls, values: dict) -> ReportFigures:
        by_name: dict[str, Any] = {k: pairs(v) if k in ("outcomes", "applicants", "appeals") else v for k, v in values.items()}
        return cls(**by_name)

    def __reduce__(self):  # figures coming back from a page worker share their pairs again
        return (ReportFigures.from_plain, (self.plain(),))

    @property
    def agrees(self) -> bool:
        """Whether the printed total equals the sum of the outcome rows (both there, or both not)."""
        return self.handled == self.outcome_sum


def report_figures(pub: Published, facts: dict) -> ReportFigures:
    outcomes = [(name, v) for name, rows in pub.outcome_groups
                if (v := total(value(facts, "requests", r, "total") for r in rows)) is not None]
    columns = pub.labels("column", "requests")
    arows, acols = pub.labels("row", "appeals"), pub.labels("column", "appeals")
    denied = [c for c, row in pub.labels("row", "requests").items() if row["parent"] == "denied"]
    return ReportFigures(
        handled=value(facts, "requests", "total", "total"),
        outcomes=pairs(outcomes),
        outcome_sum=total(v for _, v in outcomes),
        applicants=pairs((label(columns[c]), v) for c in columns if c != "total"
                         if (v := value(facts, "requests", "new", c)) is not None),
        new=value(facts, "requests", "new", "total"),
        granted=total([value(facts, "requests", "granted", "total"), value(facts, "requests", "partial", "total")]),
        denied=total(value(facts, "requests", r, "total") for r in denied),
        not_held=value(facts, "requests", "unable_not_held", "total"),
        review=value(facts, "appeals", "review", "total"),
        litigation=total([value(facts, "appeals", "litigation_direct", "total"), value(facts, "appeals", "litigation_after_review", "total")]),
        appeals=pairs((f"{label(arows[r])}·{label(acols[c])}", v) for r in arows for c in acols if c != "total"
                      if (v := value(facts, "appeals", r, c)) is not None),
    )


def problems(findings: list[dict]) -> list[dict]:
    """The findings that say something is wrong (errors and warnings), as against notes (info)."""
    return [f for f in findings if f["severity"] in ("error", "warning")]


# --- figures over the whole package (home and quality pages) ------------------------------------

@dataclass
class Overview:
    files: int  # every file of the corpus (reports rows)
    reports: int  # counted reports
    not_counted: Counter  # files not counted: "duplicate" and "superseded"
    agencies: int
    years: Counter  # counted reports per year (an integer)
    statuses: Counter  # counted reports per parse status
    handled: float | None  # the sum of the counted reports' printed totals (requests row and column `total`)
    handled_reports: int  # counted reports that print that figure
    outcomes: dict[str, float]  # per outcome entry, the sum over counted reports (the outcome bars)
    outcome_sum: float | None  # the sum of the outcome bars
    disagreeing: int  # counted reports whose printed total differs from the sum of their outcome rows
    applicants: dict[str, float]  # per applicant type, the sum of new requests over counted reports
    findings: int  # checks' findings on counted reports
    findings_by_code: Counter  # (code, severity) -> findings on counted reports


def overview(pub: Published) -> Overview:
    reports = pub.counted
    outcomes: dict[str, float] = {name: 0 for name, _ in pub.outcome_groups}
    applicants: dict[str, float] = {}
    handled, handled_reports, disagreeing = [], 0, 0
    for r in reports:
        f = pub.figures(r["report_id"])
        if f.handled is not None:
            handled.append(f.handled)
            handled_reports += 1
        if not f.agrees:
            disagreeing += 1
        for name, v in f.outcomes:
            outcomes[name] += v
        for name, v in f.applicants:
            applicants[name] = applicants.get(name, 0) + v
    seen = {name for r in reports for name, _ in pub.figures(r["report_id"]).outcomes}
    outcomes = {name: v for name, v in outcomes.items() if name in seen}
    findings = Counter((c["code"], c["severity"]) for r in reports for c in pub.checks.get(r["report_id"], []))
    return Overview(
        files=len(pub.reports),
        reports=len(reports),
        not_counted=Counter("superseded" if superseded_by(r) else "duplicate" for r in pub.reports if not counted(r)),
        agencies=len(pub.agencies),
        years=Counter(r["year"] for r in reports if r["year"]),
        statuses=Counter(r["status"] for r in reports),
        handled=total(handled),
        handled_reports=handled_reports,
        outcomes=outcomes,
        outcome_sum=total(outcomes.values()),
        disagreeing=disagreeing,
        applicants=applicants,
        findings=sum(findings.values()),
        findings_by_code=findings,
    )
