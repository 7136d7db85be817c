"""Evidence from other files for glued digits that split several ways: a row the parse withheld
with ambiguous-digits is settled when another file picks exactly one of its splits (the same
report's copy that prints the row cell by cell; the agency's report of the year before). In and
out: one file's facts and checks rows as the package writes them, so that a result can be amended
before it is written."""

from __future__ import annotations

from collections.abc import Callable

from ..codebook import load
from ..findings import finding
from ..model import Fact, Report
from ..parse import digits
from . import identities

Key = tuple[str, str, str]
Split = tuple[tuple, tuple]  # (values, printed texts)
# (section, row, the row's keys, its splits) -> the one split the evidence allows, or None
Pick = Callable[[str, str, list[Key], list[Split]], Split | None]


def splits(printed: str, cells: int) -> list[Split]:
    """Every split of a withheld row's printed digits (as its ambiguous-digits finding records
    them: pieces joined by spaces, ∅ for an empty cell) into its cells."""
    pieces = digits.tokenise([("" if p == "∅" else p, None) for p in printed.split(" ")], load().blank_markers)[0]
    return [(values, texts) for values, texts, _ in digits.candidates(pieces, cells)[0]]


def settle(facts: list[tuple], checks: list[tuple], pick: Pick, evidence: str, **about) -> tuple[list[tuple], list[tuple], int]:
    """The rows with each ambiguous row that `pick` settles filled in (status reported, the given
    evidence), its ambiguous-digits finding replaced by digits-split (variant `evidence`, with
    `about` in its message), the findings renumbered; and the number of figures settled."""
    settled: dict[Key, tuple] = {}
    done: list[tuple] = []
    for check in [c for c in checks if c[2] == "ambiguous-digits"]:
        section, row, printed = check[4], check[5], str(check[8])
        keys = [(f[1], f[2], f[3]) for f in facts if (f[1], f[2]) == (section, row)]
        chosen = pick(section, row, keys, splits(printed, len(keys))) if keys else None
        if chosen is None:
            continue
        settled.update({k: (v, t) for k, v, t in zip(keys, *chosen, strict=True)})
        split = " | ".join(chosen[1])
        g = finding("digits-split", evidence, printed=printed, split=split, **about, found=printed, expected=split,
                    section=section, row=row, source_line=check[11])
        done.append((check[0], 0, g.code, g.severity, g.section, g.row, g.column, g.expected, g.found,
                     g.message_zh, g.message_en, g.source_line))
    if not settled:
        return facts, checks, 0
    facts = [(*f[:4], settled[k][0], "reported", evidence, settled[k][1], *f[8:]) if (k := (f[1], f[2], f[3])) in settled else f
             for f in facts]
    gone = {(section, row) for section, row, _ in settled}
    # the template's arithmetic checked again on the settled figures (a check never changes them)
    rules = {i.code for i in load().rules}
    kept = [c for c in checks if not (c[2] == "ambiguous-digits" and (c[4], c[5]) in gone) and c[2] not in rules] + done
    rid = checks[0][0]
    kept += [(rid, 0, g.code, g.severity, g.section, g.row, g.column, g.expected, g.found, g.message_zh, g.message_en, g.source_line)
             for g in identities.breaks(Report(facts=[Fact(*f[1:9]) for f in facts]))]
    return facts, [(c[0], i, *c[2:]) for i, c in enumerate(kept, start=1)], len(settled)
