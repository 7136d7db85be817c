"""Checks between files of one report: when an agency's report for a year is held in several files
(the article's page and its PDF attachment, say), the package takes one as the year's report and
keeps the others as evidence; a figure on which they disagree is a finding. In: the figures of the
year's report and of another file, by (section, row, column). Out: one finding per figure printed
in both with different values (a figure one of them does not give is no disagreement).

A copy is also evidence for glued digits (`settle`): a row withheld because its digits split
several ways is settled by the other file's cells (its web page beside the crawler's text), when
they were read one figure per cell and are one of the row's splits; the figures then have
evidence `copy`."""

from __future__ import annotations

from collections.abc import Iterator

from ..codebook import load
from ..findings import finding
from ..model import Finding, shown
from ..parse import digits

Key = tuple[str, str, str]


def disagreements(primary: dict[Key, float], other: dict[Key, float], primary_file: str) -> Iterator[Finding]:
    cb = load()
    for key in sorted(other.keys() & primary.keys()):
        if other[key] != primary[key]:
            section, row, column = key
            yield finding("copies-disagree", section=section, row=row, column=column, expected=shown(primary[key]),
                          found=shown(other[key]), primary_file=primary_file, row_label=cb.row(section, row).label,
                          column_label=cb.column(section, column).label, value=shown(other[key]), primary_value=shown(primary[key]))


def settle(facts: list[tuple], checks: list[tuple], other: dict[Key, tuple], other_file: str) -> tuple[list[tuple], list[tuple], int]:
    """A file's facts and checks rows (as the package writes them), with each row withheld for
    ambiguous digits settled from `other`'s (value, evidence, printed) by key, where the other
    file printed every cell of the row on its own (evidence `cell`) and its figures are one of the
    row's splits. Returns the new rows and the number of figures settled."""
    cb = load()
    ambiguous = {(c[4], c[5]): c for c in checks if c[2] == "ambiguous-digits"}
    settled: dict[Key, tuple[float, str]] = {}
    done: list[tuple] = []
    for (section, row), check in ambiguous.items():
        keys = [(f[1], f[2], f[3]) for f in facts if (f[1], f[2]) == (section, row)]
        copy = [other.get(k) for k in keys]
        if not keys or any(c is None or c[0] is None or c[1] != "cell" for c in copy):
            continue
        printed = str(check[8])
        cells: list[tuple[str, int | None]] = [("" if piece == "∅" else piece, None) for piece in printed.split(" ")]
        pieces = digits.tokenise(cells, cb.blank_markers)[0]
        figures = tuple(c[0] for c in copy if c is not None)
        splits = [texts for values, texts, _ in digits.candidates(pieces, len(keys))[0] if values == figures]
        if len(splits) != 1:
            continue
        settled.update({k: (v, t) for k, v, t in zip(keys, figures, splits[0], strict=True)})
        g = finding("digits-split", "copy", printed=printed, split=" | ".join(splits[0]), file=other_file,
                    found=printed, expected=" | ".join(splits[0]), section=section, row=row, source_line=check[11])
        done.append((check[0], 0, g.code, g.severity, g.section, g.row, g.column, g.expected, g.found,
                     g.message_zh, g.message_en, g.source_line))
    if not settled:
        return facts, checks, 0
    facts = [(*f[:4], *settled[(f[1], f[2], f[3])][:1], "reported", "copy", settled[(f[1], f[2], f[3])][1], *f[8:])
             if (f[1], f[2], f[3]) in settled else f for f in facts]
    gone = {(section, row) for section, row, _ in settled}
    kept = [c for c in checks if not (c[2] == "ambiguous-digits" and (c[4], c[5]) in gone)] + done
    return facts, [(c[0], i, *c[2:]) for i, c in enumerate(kept, start=1)], len(settled)
