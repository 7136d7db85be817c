"""Checks across the years of one agency: what a report carries over must be what the year before
carried forward; documents in force follow from last year's; a table is not copied from the year
before; no year is missing between two published years. Pure: summaries in, findings out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ..model import Finding, Report

REQUEST_COLUMNS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
                   "legal_service_org", "other_org", "total")
STOCKS = ("rules", "normative_documents")


def summarise(report: Report) -> dict:
    """The few figures of a report that the next year's report must agree with."""
    values = {(f.section, f.row, f.column): f.value for f in report.facts}
    figures = [f"{f.section}.{f.row}.{f.column}={f.value}" for f in report.facts if f.status == "reported"]
    return {
        "carried_over": [values.get(("requests", "carried_over", c)) for c in REQUEST_COLUMNS],
        "carried_forward": [values.get(("requests", "carried_forward", c)) for c in REQUEST_COLUMNS],
        "stocks": {r: [values.get(("proactive", r, c)) for c in ("issued", "repealed", "in_force")] for r in STOCKS},
        # a digest of the tables, when they hold something other than zeros
        "digest": hashlib.sha256("\n".join(figures).encode()).hexdigest()[:16]
        if len(figures) > 50 and any(f.value not in (0, None) for f in report.facts) else "",
    }


@dataclass
class Entry:
    report_id: str
    year: int
    summary: dict


def check_years(entries: list[Entry]) -> list[tuple[str, Finding]]:
    """Findings for one agency's reports, each paired with the report it belongs to."""
    out: list[tuple[str, Finding]] = []
    by_year: dict[int, list[Entry]] = {}
    for e in entries:
        by_year.setdefault(e.year, []).append(e)
    years = sorted(by_year)
    for prev_year, year in zip(years, years[1:]):
        if year - prev_year > 1:
            gap = "、".join(str(y) for y in range(prev_year + 1, year))
            for e in by_year[year]:
                out.append((e.report_id, Finding(
                    "missing-year", "info", f"语料库中有{prev_year}年和{year}年的报告，缺少{gap}年的报告",
                    f"the corpus has this agency's {prev_year} and {year} reports but none for {gap}", expected=gap)))
            continue
        if len(by_year[prev_year]) != 1 or len(by_year[year]) != 1:
            continue  # two reports for one year: which one to compare is not certain
        prev, cur = by_year[prev_year][0], by_year[year][0]
        for col, before, now in zip(REQUEST_COLUMNS, prev.summary["carried_forward"], cur.summary["carried_over"]):
            if before is not None and now is not None and before != now:
                out.append((cur.report_id, Finding(
                    "carry-over-mismatch", "warning",
                    f"“{col}”列：本年报告的上年结转为{_n(now)}，而{prev_year}年报告的结转下年度为{_n(before)}",
                    f"column {col}: carried_over is {_n(now)} but the {prev_year} report carried forward {_n(before)}",
                    section="requests", row="carried_over", column=col, expected=_n(before), found=_n(now))))
        for row in STOCKS:
            _, _, before = prev.summary["stocks"][row]
            issued, repealed, now = cur.summary["stocks"][row]
            if None in (before, issued, repealed, now):
                continue
            expected = before + issued - repealed
            if expected != now:
                out.append((cur.report_id, Finding(
                    "in-force-mismatch", "warning",
                    f"“{row}”行：{prev_year}年现行有效{_n(before)}件＋本年制发{_n(issued)}件－本年废止{_n(repealed)}件＝{_n(expected)}件，而本年报告现行有效{_n(now)}件",
                    f"row {row}: {prev_year} in force {_n(before)} + issued {_n(issued)} − repealed {_n(repealed)} = {_n(expected)}, but this report says {_n(now)}",
                    section="proactive", row=row, column="in_force", expected=_n(expected), found=_n(now))))
        if cur.summary["digest"] and cur.summary["digest"] == prev.summary["digest"]:
            out.append((cur.report_id, Finding(
                "repeated-figures", "warning", f"本报告的表格数字与{prev_year}年报告完全相同",
                f"every figure of this report's tables is the same as in the {prev_year} report")))
    return out


def _n(v) -> str:
    return "" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))
