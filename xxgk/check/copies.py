"""Checks between files of one report: when an agency's report for a year is held in several files
(the article's page and its PDF attachment, say), the package takes one as the year's report and
keeps the others as evidence; a figure on which they disagree is a finding. In: the figures of the
year's report and of another file, by (section, row, column). Out: one finding per figure printed
in both with different values (a figure one of them does not give is no disagreement)."""

from __future__ import annotations

from collections.abc import Iterator

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
