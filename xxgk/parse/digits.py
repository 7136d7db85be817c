"""Reading the figures printed after a label, including figures glued together (`801000081`).

The printed text after a label is cut into pieces: runs of digits (which may hold several cells
run together), figures with thousands separators, decimals, blank markers and explicit empty cells.
A *split* assigns every piece to one or more cells so that there are exactly as many cells as the
row has. A written number has no leading zero, so `02` is always two cells. When several splits
are possible, the caller settles between them with the template's arithmetic or other evidence, or
publishes nothing.

Number forms. A figure is *plain* when it is ASCII digits, optionally with well-formed thousands
groups (`1,234`, `12,345,678`: a first group of 1-3 digits not starting with 0, then groups of
exactly three) and a decimal part (`12.5`, `1,234.5`). A thousands figure is one cell: it is never
split, so a row whose cells were joined by commas (`1,234` for two cells) cannot be read as its
cells and is withheld by the count of cells, not guessed. The ideographic comma `、` lists figures
and never groups digits. What continues a figure makes it not plain (`number_form`): a letter, a
digit of another script, a percent sign or a multiplier (the vocabulary's `percent` and
`multipliers`) glued to it, or after it in the same cell with only spaces between; the currency
word likewise, where the column does not count in it; a punctuation mark glued to it and followed
by a digit (`1,234,5`, `1、234`, `1.2.3`, `5(3)`); and a figure printed in brackets (`(5)`). The
caller withholds such a row rather than keep the digits read before the form (`1e9` is not 1).
Text that merely ends the figures (a label, a heading, a count word) does not.

In: the cells printed after a label, the codebook's blank markers. Out: pieces, the text that
stopped them and its number `Form` (why it is not plain: a variant of the unreadable-figure
finding), and every split of the pieces into a row's cells.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from .vocabulary import load as vocabulary

MAX_CANDIDATES = 5000
MAX_FIGURE_DIGITS = 12  # no count or amount in these tables has more; a longer run is no figure


class Piece(NamedTuple):  # a named tuple: made for every figure read, and cheaper than a dataclass
    kind: str  # digits | grouped | decimal | signed | blank
    text: str  # as printed (thousands separators kept)
    line: int | None
    pos: int | None = None  # where its first character is in the extractor's stream (None: not known)


Value = int | float | None


class Form(NamedTuple):
    """A printed number form that is not a plain figure, and why (one of REASONS)."""

    text: str
    reason: str


def _valid(run: str) -> bool:
    return (run == "0" or not run.startswith("0")) and len(run) <= MAX_FIGURE_DIGITS


def _plausible(p: Piece) -> bool:
    return p.kind == "blank" or len(p.text) <= MAX_FIGURE_DIGITS or \
        len(p.text.split(".")[0].lstrip("+-").replace(",", "")) <= MAX_FIGURE_DIGITS


@lru_cache(maxsize=8192)
def _splits_of_run(run: str, parts: int) -> tuple[tuple[str, ...], ...]:
    """All ways to cut a digit run into `parts` written numbers."""
    if parts == 1:
        return ((run,),) if _valid(run) else ()
    if len(run) > parts * MAX_FIGURE_DIGITS:
        return ()
    out: list[tuple[str, ...]] = []
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
        return float(text.replace(",", ""))
    return int(text.replace(",", ""))


def candidates(pieces: list[Piece], n: int) -> tuple[list[tuple[tuple[Value, ...], tuple[str, ...], tuple[int | None, ...]]], bool]:
    """Every split of `pieces` into exactly `n` cells.

    Returns (candidates, truncated); each candidate is (values, printed texts, source lines).
    """
    count = len(pieces)
    # pieces printed each on a line of its own (a converter's text that puts every cell on a line)
    # are figures apart: each is one cell, never digits of several cells run together
    apart = count > 1 and len({p.line for p in pieces}) == count
    if apart and not all(_valid(p.text) for p in pieces if p.kind == "digits"):
        return [], False
    fixed = [apart or p.kind != "digits" for p in pieces]
    if not all(_plausible(p) for p, f in zip(pieces, fixed) if f):
        return [], False
    # Fast paths (most rows): one piece per cell, or one digit per cell.
    if count == n:
        vals: list[Value] = []
        for p, f in zip(pieces, fixed):
            kind = p.kind
            if kind == "digits":
                if not f and not _valid(p.text):
                    return [], False
                vals.append(int(p.text))
            else:
                vals.append(_value(kind, p.text))
        return [(tuple(vals), tuple([p.text for p in pieces]), tuple([p.line for p in pieces]))], False
    # at most one cell per digit of a run, one per other piece
    most = [1 if f else len(p.text) for p, f in zip(pieces, fixed)]
    if sum(most) == n:  # single digits are always valid figures
        vals, texts, lines = [], [], []
        for p, f in zip(pieces, fixed):
            parts = [p.text] if f else list(p.text)
            vals += [_value(p.kind, x) for x in parts]
            texts += parts
            lines += [p.line] * len(parts)
        return [(tuple(vals), tuple(texts), tuple(lines))], False
    out: list = []
    truncated = False
    # the most cells the pieces after each one can give: a cut that leaves more cells to fill than
    # that leads to no candidate (skipping it changes neither the candidates nor their order)
    most_after = [sum(most[i + 1:]) for i in range(count)]

    def rec(i: int, remaining: int, values: list, texts: list, lines: list):
        nonlocal truncated
        if len(out) >= MAX_CANDIDATES:
            truncated = True
            return
        if i == count:
            if remaining == 0:
                out.append((tuple(values), tuple(texts), tuple(lines)))
            return
        pieces_left = count - i - 1
        p = pieces[i]
        if fixed[i]:
            if remaining < 1:
                return
            rec(i + 1, remaining - 1, values + [_value(p.kind, p.text)], texts + [p.text], lines + [p.line])
            return
        max_parts = min(len(p.text), remaining - pieces_left)
        # the pieces after this one need at most their digit count and at least one cell each
        for parts in range(max(1, remaining - most_after[i]), max_parts + 1):
            for split in _splits_of_run(p.text, parts):
                if len(out) >= MAX_CANDIDATES:
                    truncated = True
                    return
                rec(i + 1, remaining - parts, values + [int(s) for s in split], texts + list(split), lines + [p.line] * parts)

    # quick bound: at least one cell per piece, at most one per digit
    if count <= n <= sum(most):
        rec(0, n, [], [], [])
    return out, truncated


def splits_a_figure(pieces: list[Piece], texts: tuple[str, ...]) -> bool:
    """Whether a split cuts a piece that is a figure by itself (`95`, `10`, not `00` or `01`) while
    other pieces stand apart from it: figures printed apart whose count falls short (a figure
    lost in a conversion) are no glued run, and cutting one of them is a guess the arithmetic must
    confirm."""
    if len(pieces) < 2:
        return False
    k = 0
    for p in pieces:
        if p.kind != "digits":
            k += 1
            continue
        joined = ""
        start = k
        while k < len(texts) and len(joined) < len(p.text):
            joined += texts[k]
            k += 1
        if k - start > 1 and _valid(p.text):
            return True
    return False


# A figure with thousands separators: well-formed groups only, and not followed by another digit
# or by a separator and a digit (`1,2345` and `1,234,5` are no thousands figures).
_GROUPS = r"[1-9][0-9]{0,2}(?:,[0-9]{3})+"
_GROUPED = _GROUPS + r"(?![0-9]|[,.][0-9])"
_FIGURE_KINDS = ("digits", "grouped", "decimal", "signed")
MULTIPLIERS = vocabulary().multipliers
PERCENT = vocabulary().percent
CURRENCY = vocabulary().currency
# A figure in brackets (`(5)`, `(1,234)`, `(50%)`): a negative amount in accounts, a note, never a plain cell
BRACKETED = re.compile(rf"\(\s*[-+]?[0-9][0-9,.]*\s*[{re.escape(PERCENT + MULTIPLIERS)}]?\s*\)")


@lru_cache(maxsize=8)
def _token_pattern(blank_markers: tuple[str, ...]) -> re.Pattern:
    markers = "|".join(re.escape(m) for m in sorted(blank_markers, key=len, reverse=True))
    return re.compile(rf"(?P<decimal>(?:{_GROUPS}|[0-9]+)\.[0-9]+)|(?P<grouped>{_GROUPED})"
                      rf"|(?P<signed>[-+](?:{_GROUPED}|[0-9]+))|(?P<digits>[0-9]+)|(?P<blank>{markers})|(?P<space>\s+)", re.DOTALL)


# an item's numbering before its label's text: one or two digits, a full stop or 、, then a letter
_NUMBERING = re.compile(r"[0-9]{1,2}[.、](?=[^\W\d_])")

# Why a form is not plain: each is a variant of the unreadable-figure finding, which withholds the row.
REASONS = ("bracketed", "script", "letters", "unit", "percent", "currency", "separator", "illegible")
ILLEGIBLE = vocabulary().illegible


def number_form(after: str, glued: bool, spaced: bool) -> str | None:
    """Why `after`, the text that stopped the figures, makes the figure before it not plain (one
    of REASONS), or None.

    `glued`: nothing stands between the last figure and `after`; `spaced`: only spaces do (same
    cell). Text that starts a label, a heading or a sentence, or a count word, ends the figures; a
    unit that changes the value, a letter, a digit, or a separator followed by a digit continues
    them."""
    c = after[0]
    if c == ILLEGIBLE:
        return "illegible"  # a character OCR could not read: whatever the digits around it, no figure
    if BRACKETED.match(after):
        return "bracketed"  # `(5)`: a negative amount in accounts, or a note
    if c.isdigit() and not c.isascii():
        return "script"
    if glued or spaced:
        if c in MULTIPLIERS:
            return "unit"  # 3万, 3 万
        if c in PERCENT:
            return "percent"  # 50%
        if c in CURRENCY:
            return "currency"  # 5000元: the caller compares it with the column's unit
    if glued:
        if c.isascii() and c.isalpha():
            return "letters"  # 1e9 0x10 44abc
        if not c.isalnum() and not c.isspace() and after[1:2].isascii() and after[1:2].isdigit():
            return "separator"  # 1,234,5 1、234 1.2.3 1'234 5(3)
    return None


def _form_text(text: str, start: int, pos: int) -> str:
    """The printed number form: the figure it continues (from `start`) to the end of its word."""
    m = BRACKETED.match(text, pos)
    end = m.end() if m else pos + len(text[pos:].split(None, 1)[0])
    return text[start:end][:40]


def tokenise(cells: list[tuple], blank_markers: list[str],
             signed_ok: bool = False, keep_ends: bool = False) -> tuple[list[Piece], str | None, int | None, Form | None]:
    """Cut the text after a label into pieces, stopping at the first text that is not a figure.

    `cells` are (text, line) pairs, or (text, line, position in the stream), in order: an empty
    cell is an explicit blank. Leading and
    trailing blanks belong to the layout (row spans, padding), not to the row (kept with `keep_ends`:
    see `in_cells`).
    Returns (pieces, stop_text, stop_line, form): the text that ended the figures, if any, and,
    when that text continues a figure into a form that is not plain (`number_form`), the printed
    form (`1e9`, `50%`, `(5)`) and why, so that the caller withholds the row instead of keeping the
    digits read before it.
    """
    pieces: list[Piece] = []
    token = _token_pattern(tuple(blank_markers))
    for cell in cells:
        text, line = cell[0], cell[1]
        at = cell[2] if len(cell) > 2 else None
        tokens, end = _cell_tokens(text, token, signed_ok)
        pieces += [Piece(kind, t, line, None if at is None else at + start) for kind, t, start in tokens]
        if end is not None:
            return pieces if keep_ends else trim(pieces), end[0], line, end[1]
    return pieces if keep_ends else trim(pieces), None, None, None


@lru_cache(maxsize=16384)
def _cell_tokens(text: str, token: re.Pattern, signed_ok: bool) -> tuple[tuple[tuple[str, str, int], ...], tuple[str, Form | None] | None]:
    """The pieces (kind, text, where it starts in the cell) of one cell, and, if text in it ends the figures, that text and its
    number form (see tokenise). Cells repeat (0, 1, a label), so each is read once."""
    if not text or text.isspace():
        return (("blank", "", 0),), None
    tokens: list[tuple[str, str, int]] = []
    pos = 0
    figure: tuple[int, int] | None = None  # (start, end) of the last figure in this cell
    while pos < len(text):
        m = token.match(text, pos)
        if m is None:
            glued = figure is not None and figure[1] == pos
            spaced = figure is not None and not glued and text[figure[1]:pos].isspace()
            stop = text[pos:].strip()
            reason = number_form(text[pos:], glued, spaced)
            start = figure[0] if figure is not None and (glued or spaced) else pos
            return tuple(tokens), (stop, Form(_form_text(text, start, pos), reason) if reason else None)
        kind = m.lastgroup or ""  # every alternative of the pattern is a named group
        if kind == "digits" and _NUMBERING.match(text, m.start()) and (figure is None or figure[1] < m.start()):
            # `3.要求…`: the numbering of a label the row's figures run into, not a figure
            return tuple(tokens), (text[m.start():].strip(), None)
        if kind == "signed" and not signed_ok:
            tokens.append(("blank", m.group()[0], m.start()))
            tokens.append(("grouped" if "," in m.group() else "digits", m.group()[1:], m.start() + 1))
        elif kind != "space":
            tokens.append((kind, m.group(), m.start()))
        if kind in _FIGURE_KINDS:
            figure = (m.start(), m.end())
        elif kind != "space":
            figure = None
        pos = m.end()
    return tuple(tokens), None


def in_cells(pieces: list[Piece], cells: int) -> list[Piece] | None:
    """The pieces with the blank cells at their ends kept, when the trimmed pieces cannot be the
    row's cells but the untrimmed ones are exactly one per cell (an HTML or tab-separated row whose
    first or last cells are empty: `行政许可 | &nbsp; | 5 | &nbsp;`, a total column left blank)."""
    trimmed = trim(pieces)
    if len(pieces) != cells or len(trimmed) == cells or candidates(trimmed, cells)[0]:
        return None
    if not all(p.kind != "digits" or _valid(p.text) for p in pieces):
        return None
    return pieces


def trim(pieces: list[Piece]) -> list[Piece]:
    start, end = 0, len(pieces)
    while start < end and pieces[start].kind == "blank" and pieces[start].text == "":
        start += 1
    while end > start and pieces[end - 1].kind == "blank" and pieces[end - 1].text == "":
        end -= 1
    return pieces[start:end]
