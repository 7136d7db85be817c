"""Reading the figures printed after a label, including figures glued together (`801000081`).

The printed text after a label is cut into pieces: runs of digits (which may hold several cells
run together), decimals, blank markers and explicit empty cells. A *split* assigns every piece to
one or more cells so that there are exactly as many cells as the row has. A written number has no
leading zero, so `02` is always two cells. When several splits are possible, the caller settles
between them with the template's arithmetic or other evidence, or publishes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

MAX_CANDIDATES = 5000
MAX_FIGURE_DIGITS = 12  # no count or amount in these tables has more; a longer run is no figure


@dataclass(frozen=True)
class Piece:
    kind: str  # digits | decimal | signed | blank
    text: str
    line: int | None


Value = int | float | None


def _valid(run: str) -> bool:
    return (run == "0" or not run.startswith("0")) and len(run) <= MAX_FIGURE_DIGITS


def _plausible(p: "Piece") -> bool:
    return p.kind == "blank" or len(p.text.split(".")[0].lstrip("+-")) <= MAX_FIGURE_DIGITS


@lru_cache(maxsize=8192)
def _splits_of_run(run: str, parts: int) -> tuple[tuple[str, ...], ...]:
    """All ways to cut a digit run into `parts` written numbers."""
    if parts == 1:
        return ((run,),) if _valid(run) else ()
    if len(run) > parts * MAX_FIGURE_DIGITS:
        return ()
    out = []
    for cut in range(1, min(len(run) - parts + 2, MAX_FIGURE_DIGITS + 1)):
        head = run[:cut]
        if not _valid(head):
            break  # a longer head starting with 0 is no better
        out.extend((head, *rest) for rest in _splits_of_run(run[cut:], parts - 1))
    return tuple(out)


def _value(piece_kind: str, text: str) -> Value:
    if piece_kind == "blank":
        return None
    if piece_kind == "decimal":
        return float(text)
    return int(text)


def candidates(pieces: list[Piece], n: int) -> tuple[list[tuple[tuple[Value, ...], tuple[str, ...], tuple[int | None, ...]]], bool]:
    """Every split of `pieces` into exactly `n` cells.

    Returns (candidates, truncated); each candidate is (values, printed texts, source lines).
    """
    fixed = [p.kind != "digits" for p in pieces]
    if not all(_plausible(p) for i, p in enumerate(pieces) if fixed[i]):
        return [], False
    # Fast paths (most rows): one piece per cell, or one digit per cell.
    if len(pieces) == n or sum(1 if fixed[i] else len(p.text) for i, p in enumerate(pieces)) == n:
        vals, texts, lines = [], [], []
        for i, p in enumerate(pieces):
            parts = [p.text] if (fixed[i] or len(pieces) == n) else list(p.text)
            if not fixed[i] and not all(_valid(x) for x in parts):
                return [], False
            vals += [_value(p.kind, x) for x in parts]
            texts += parts
            lines += [p.line] * len(parts)
        return [(tuple(vals), tuple(texts), tuple(lines))], False
    out: list = []
    truncated = False

    def rec(i: int, remaining: int, values: list, texts: list, lines: list):
        nonlocal truncated
        if len(out) >= MAX_CANDIDATES:
            truncated = True
            return
        if i == len(pieces):
            if remaining == 0:
                out.append((tuple(values), tuple(texts), tuple(lines)))
            return
        pieces_left = len(pieces) - i - 1
        p = pieces[i]
        if fixed[i]:
            if remaining < 1:
                return
            rec(i + 1, remaining - 1, values + [_value(p.kind, p.text)], texts + [p.text], lines + [p.line])
            return
        max_parts = min(len(p.text), remaining - pieces_left)
        for parts in range(1, max_parts + 1):
            # the pieces after this one need at most their digit count and at least one cell each
            for split in _splits_of_run(p.text, parts):
                if len(out) >= MAX_CANDIDATES:
                    truncated = True
                    return
                rec(i + 1, remaining - parts, values + [int(s) for s in split], texts + list(split), lines + [p.line] * parts)

    # quick bound: at least one cell per piece, at most one per digit
    most = sum(len(p.text) if not fixed[i] else 1 for i, p in enumerate(pieces))
    if len(pieces) <= n <= most:
        rec(0, n, [], [], [])
    return out, truncated


@lru_cache(maxsize=8)
def _token_pattern(blank_markers: tuple[str, ...]) -> re.Pattern:
    markers = "|".join(re.escape(m) for m in sorted(blank_markers, key=len, reverse=True))
    return re.compile(rf"(?P<decimal>\d+\.\d+)|(?P<signed>[-+]\d+)|(?P<digits>\d+)|(?P<blank>{markers})|(?P<space>\s+)", re.S)


def tokenise(cells: list[tuple[str, int | None]], blank_markers: list[str], signed_ok: bool = False) -> tuple[list[Piece], str | None, int | None]:
    """Cut the text after a label into pieces, stopping at the first text that is not a figure.

    `cells` are (text, line) pairs in order: an empty cell is an explicit blank. Leading and
    trailing blanks belong to the layout (row spans, padding), not to the row.
    Returns (pieces, stop_text, stop_line): the text that ended the figures, if any.
    """
    pieces: list[Piece] = []
    token = _token_pattern(tuple(blank_markers))
    for text, line in cells:
        if not text or text.isspace():
            pieces.append(Piece("blank", "", line))
            continue
        pos = 0
        while pos < len(text):
            m = token.match(text, pos)
            if m is None:
                return _trim(pieces), text[pos:].strip(), line
            kind = m.lastgroup
            if kind == "signed" and not signed_ok:
                pieces.append(Piece("blank", m.group()[0], line))
                pieces.append(Piece("digits", m.group()[1:], line))
            elif kind != "space":
                pieces.append(Piece(kind, m.group(), line))
            pos = m.end()
    return _trim(pieces), None, None


def _trim(pieces: list[Piece]) -> list[Piece]:
    start, end = 0, len(pieces)
    while start < end and pieces[start].kind == "blank" and pieces[start].text == "":
        start += 1
    while end > start and pieces[end - 1].kind == "blank" and pieces[end - 1].text == "":
        end -= 1
    return pieces[start:end]
