"""Checks across the years of one agency: what a report carries over must be what the year before
carried forward; documents in force follow from last year's; a table is not copied from the year
before; no year is missing between two published years. Pure: summaries in, findings out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from itertools import pairwise

from ..findings import finding
from ..model import Finding, Report, shown
from .settle import Key, Pick, Split

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
    for prev_year, year in pairwise(years):
        if year - prev_year > 1:
            gap = "、".join(str(y) for y in range(prev_year + 1, year))
            for e in by_year[year]:
                out.append((e.report_id, finding("missing-year", previous_year=prev_year, year=year, missing_years=gap,
                                                 expected=gap)))
            continue
        if len(by_year[prev_year]) != 1 or len(by_year[year]) != 1:
            continue  # two reports for one year: which one to compare is not certain
        prev, cur = by_year[prev_year][0], by_year[year][0]
        for col, before, now in zip(REQUEST_COLUMNS, prev.summary["carried_forward"], cur.summary["carried_over"]):
            if before is not None and now is not None and before != now:
                out.append((cur.report_id, finding(
                    "carry-over-mismatch", column_code=col, carried_over=shown(now), previous_year=prev_year, carried_forward=shown(before),
                    section="requests", row="carried_over", column=col, expected=shown(before), found=shown(now))))
        for row in STOCKS:
            _, _, before = prev.summary["stocks"][row]
            issued, repealed, now = cur.summary["stocks"][row]
            if None in (before, issued, repealed, now):
                continue
            expected = before + issued - repealed
            if expected != now:
                out.append((cur.report_id, finding(
                    "in-force-mismatch", row_code=row, previous_year=prev_year, in_force_before=shown(before), issued=shown(issued),
                    repealed=shown(repealed), in_force_expected=shown(expected), in_force=shown(now),
                    section="proactive", row=row, column="in_force", expected=shown(expected), found=shown(now))))
        if cur.summary["digest"] and cur.summary["digest"] == prev.summary["digest"]:
            out.append((cur.report_id, finding("repeated-figures", previous_year=prev_year)))
    return out


def settles(checks: list[tuple]) -> bool:
    """Whether a report's findings include a withheld row that the year before can settle."""
    return any(c[2] == "ambiguous-digits" and ((c[4], c[5]) == ("requests", "carried_over") or (c[4] == "proactive" and c[5] in STOCKS))
               for c in checks)


def pick_previous(before: dict) -> Pick:
    """The split the agency's report of the year before (its summary) allows, if one only: this
    year's carried_over is what that year carried forward, in every column; documents in force
    are those in force then, plus those issued, less those repealed."""
    def pick(section: str, row: str, keys: list[Key], splits: list[Split]) -> Split | None:
        columns = [k[2] for k in keys]
        if (section, row) == ("requests", "carried_over"):
            carried = dict(zip(REQUEST_COLUMNS, before["carried_forward"], strict=True))
            if any(carried.get(c) is None for c in columns):
                return None
            chosen = [s for s in splits if list(s[0]) == [carried[c] for c in columns]]
        elif section == "proactive" and row in STOCKS and columns == ["issued", "repealed", "in_force"]:
            in_force = before["stocks"][row][2]
            if in_force is None:
                return None
            chosen = [s for s in splits if None not in s[0] and in_force + s[0][0] - s[0][1] == s[0][2]]
        else:
            return None
        return chosen[0] if len(chosen) == 1 else None
    return pick
