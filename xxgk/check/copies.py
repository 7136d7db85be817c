"""Checks between files of one report: when an agency's report for a year is held in several files
(the article's page and its PDF attachment, say), the package takes one as the year's report and
keeps the others as evidence; a figure on which they disagree is a finding. In: the figures of the
year's report and of another file, by (section, row, column). Out: one finding per figure printed
in both with different values (a figure one of them does not give is no disagreement).

A copy is also evidence for glued digits (`pick_copy`, for `check.settle`): a row withheld because its digits split
several ways is settled by the other file's cells (its web page beside the crawler's text), when
they were read one figure per cell and are one of the row's splits; the figures then have
evidence `copy`.

Files downloaded from one address with different content are a republication (`republished`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import pairwise

from ..codebook import load
from ..findings import finding
from ..model import Finding, shown

Key = tuple[str, str, str]


def disagreements(primary: dict[Key, float], other: dict[Key, float], primary_file: str) -> Iterator[Finding]:
    cb = load()
    for key in sorted(other.keys() & primary.keys()):
        if other[key] != primary[key]:
            section, row, column = key
            yield finding("copies-disagree", section=section, row=row, column=column, expected=shown(primary[key]),
                          found=shown(other[key]), primary_file=primary_file, row_label=cb.row(section, row).label,
                          column_label=cb.column(section, column).label, value=shown(other[key]), primary_value=shown(primary[key]))



def pick_copy(other: dict[Key, tuple]) -> Callable[[str, str, list[Key], list], tuple | None]:
    """The split the other copy prints: every cell of the row read there one figure per cell
    (evidence `cell`), and those figures one of the row's splits."""
    def pick(section: str, row: str, keys: list[Key], splits: list) -> tuple | None:
        copy = [other.get(k) for k in keys]
        if any(c is None or c[0] is None or c[1] != "cell" for c in copy):
            return None
        figures = tuple(c[0] for c in copy if c is not None)
        chosen = [s for s in splits if s[0] == figures]
        return chosen[0] if len(chosen) == 1 else None
    return pick


def republished(reports: list[dict], origins: dict[str, str]) -> list[tuple[dict, Finding]]:
    """Files downloaded from one address with different content (an agency that changed its report
    and published it again there): each later file says which earlier one it follows."""
    by_origin: dict[str, list[dict]] = {}
    for rep in reports:
        origin = origins.get(rep["report_id"], "")
        if origin.startswith(("http://", "https://")) and rep["sha256"]:
            by_origin.setdefault(origin, []).append(rep)
    out = []
    for origin, reps in sorted(by_origin.items()):
        reps = sorted(reps, key=lambda r: (r["retrieved"] or "", r["source_file"]))
        for earlier, rep in pairwise(reps):
            if rep["sha256"] != earlier["sha256"]:
                out.append((rep, finding("republished-report", earlier_file=earlier["source_file"],
                                         earlier_retrieved=earlier["retrieved"] or "?", origin=origin)))
    return out
