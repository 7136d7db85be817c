"""The tables: each row's label located in its section, in template order, and the figures printed
after it read into facts. In: the `Stream`, a table section's `Span`, the narrative (evidence for
glued digits). Out: the section's template, its facts (one per row and column: reported, blank,
absent or unresolved), the label matches (`--explain`), and findings for what could not be read
(a missing row, a number form that is not plain, text that is no known label)."""

from __future__ import annotations

import re

from ..codebook import Row, load
from ..findings import finding
from ..model import Fact, Match, Report
from ..text import normalise
from . import digits, pairing
from .patterns import appeals_header, known_text_pattern, numbered_pattern, row_pattern, template_of
from .resolve import Pending, resolve, settle_across_rows, withhold
from .stream import SEP, Span, Stream

_AFTER_LABEL_FIGURES = re.compile(rf"[\s{SEP}]*(?:[\d\-—/]|{SEP}[\s]*{SEP}|$)")
_BRACKETED_AFTER_LABEL = re.compile(rf"[\s{SEP}]*{digits.BRACKETED.pattern}")
_FIGURE_START = re.compile(rf"[\s{SEP}]*[\d\-—/]")


def _first_good(stream: Stream, section: str, code: str, start: int, end: int) -> re.Match | None:
    """The first match of a row's label that stands in the table: followed by figures, a blank
    cell, another printed label or the end of the section (a label inside prose is not)."""
    for m in row_pattern(section, code).finditer(stream.text, start, end):
        after = m.end()
        bracketed = _BRACKETED_AFTER_LABEL.match(stream.text, after, end)
        if bracketed:  # a figure in brackets after the label: judged by what follows the brackets
            after = bracketed.end()
        if _AFTER_LABEL_FIGURES.match(stream.text, after, end) or after >= end:
            return m
        rest = stream.text[after:min(end, after + 120)].lstrip(" " + SEP)
        if known_text_pattern().match(rest):
            return m
    return None


def _locate(stream: Stream, span: Span, section: str, rows: list[Row]) -> dict[str, re.Match]:
    """Find each row's label in template order. A label found only beyond the next row's label is
    taken as missing (a short label, such as other_other's, must not jump ahead)."""
    found: dict[str, re.Match] = {}
    cursor = span.start
    for i, row in enumerate(rows):
        m = _first_good(stream, section, row.code, cursor, span.end)
        if m is None:
            continue
        if i + 1 < len(rows) and _first_good(stream, section, rows[i + 1].code, cursor, m.start()) is not None:
            continue
        found[row.code] = m
        cursor = m.end()
    return found


def table(stream: Stream, span: Span, section: str, report: Report, narrative: str) -> str:
    """Read a table of rows (proactive, requests) in the template it follows; returns it."""
    template = template_of(section, stream.text, span.start, span.end) or "2021"
    _read_rows(stream, span, section, load().template_rows(section, template), template, report, narrative)
    return template


def _read_rows(stream: Stream, span: Span, section: str, rows: list[Row], template: str,
               report: Report, narrative: str) -> None:
    cb = load()
    located = _locate(stream, span, section, rows)
    ordered = [(r, located[r.code]) for r in rows if r.code in located]
    starts = [m.start() for _, m in ordered] + [span.end]
    values: dict[str, tuple] = {}
    read: dict[str, list[digits.Piece]] = {}  # each row's pieces, where its figures' characters lie
    inside: set[str] = set()
    for k, (row, m) in enumerate(ordered):
        columns = cb.row_columns(section, row, template)
        signed, unit = cb.traits(section, columns)
        cells = stream.cells_between(m.end(), starts[k + 1])
        pieces, stop_text, stop_line, form = digits.tokenise(cells, cb.blank_markers, signed_ok=signed)
        # figures that do not fit the row: its own table row, empty cells included, may
        fits = len(pieces) == len(columns) or not stream.has_rows or bool(digits.candidates(pieces, len(columns))[0])
        own = stream.in_row(m.end(), starts[k + 1]) if form is None and not fits else None
        if own is not None:
            pieces = digits.in_cells(digits.tokenise(own, cb.blank_markers, signed_ok=signed, keep_ends=True)[0],
                                     len(columns)) or pieces
        line = stream.line_at(m.start())
        read[row.code] = pieces
        report.matches.append(Match(section, row.code, m.group(0).replace(SEP, " "), line,
                                    " ".join(p.text or "∅" for p in pieces)))
        unreadable = _stop(report, stop_text, stop_line, form, section, row.code, unit)
        if unreadable:
            values[row.code] = unreadable
            continue
        if not pieces and stop_text and not known_text_pattern().match(stop_text) and not _label_rest(row, m.group(0), stop_text):
            # no figure before text that is no label: the row's figures are elsewhere, not blank
            report.add(finding("cell-count-mismatch", printed="", cells=len(columns), expected=str(len(columns)), found="",
                               section=section, row=row.code, source_line=line))
            values[row.code] = ("unresolved", "", (), (), (line,))
            continue
        values[row.code] = got = resolve(pieces, columns, section, row, report, narrative, line, [row.code], template)
        off = isinstance(got, tuple) and any(x != line for x in got[4])
        if off and stop_text and _label_rest(row, m.group(0), stop_text):
            inside.add(row.code)  # its figures printed inside its own label: theirs, whatever the layout
    settle_across_rows(values, section, template, report)
    for code, v in values.items():
        if isinstance(v, Pending):
            values[code] = withhold(report, v)
    paired = pairing.pair(stream, span, section, rows, template, located, values, report, inside)
    for row in rows:
        columns = cb.row_columns(section, row, template)
        if row.code not in located and row.code not in paired:
            report.add(finding("missing-row", label=row.label, row_code=row.code, section=section, row=row.code))
        report.facts += _facts(section, row.code, columns, values.get(row.code), read.get(row.code, []))


def _label_rest(row: Row, printed: str, after: str) -> bool:
    """Whether the text after a row's figures is the rest of the row's label, printed on: the
    label was cut by its figures (`2.其他法律行政法` / figures / `规禁止公开`)."""
    head = "".join(ch for ch in normalise(printed) if not ch.isspace() and ch != SEP)
    rest = "".join(ch for ch in normalise(after) if not ch.isspace() and ch != SEP)
    for label in row.labels:
        full = "".join(ch for ch in normalise(label) if not ch.isspace())
        cut = full.find(head[-4:]) + 4 if len(head) >= 4 and head[-4:] in full else -1
        tail = full[cut:] if cut > 0 else ""
        if len(tail) >= 2 and rest.startswith(tail[:max(2, min(len(tail), 4))]):
            return True
    return False


def _stop(report: Report, stop_text: str | None, stop_line: int | None, form: digits.Form | None,
          section: str, row: str, unit: str | None = None, note: bool = True) -> tuple | None:
    """What the text that ended a row's figures means. A number form that is not plain (`1e9`,
    a multiplier, a percent sign, a figure in brackets, `1,234,5`): the row is withheld (returns
    its unresolved value), since the digits read before the form are not the figure. A known label
    or furniture: nothing, unless a unit or percent sign glued to the figure starts it (a figure
    followed by the column's own `unit` is that figure; followed by another unit it is not), or a
    figure in brackets (only a row's, group's or section's label is numbered). Any other text: an
    info finding (if `note`), the figures read before it stand."""
    if not stop_text:
        return None
    units = ("unit", "percent", "currency")
    reason = form.reason if form is not None else None
    if reason in units and ((unit and in_unit(stop_text, unit)) or (reason == "currency" and not unit)):
        form = reason = None  # the column's own unit, or a column with no unit of its own
    if reason == "bracketed":
        bracket = digits.BRACKETED.match(stop_text)
        if bracket and numbered_pattern().match(stop_text, bracket.end()):
            return None  # the numbering of the label that follows, not a figure
    elif reason not in units and known_text_pattern().match(stop_text):
        return None
    if form is not None:
        report.add(finding("unreadable-figure", form.reason, printed=form.text,
                           section=section, row=row, found=form.text, source_line=stop_line))
        return ("unresolved", "", (), (), (stop_line,))
    if note:
        report.add(finding("unrecognised-label", text=stop_text[:40],
                           section=section, row=row, found=stop_text[:40], source_line=stop_line))
    return None


def in_unit(text: str, unit: str) -> bool:
    """`text` after a figure names the column's own unit: the unit (万元), or its multiplier alone
    (1.5万 in a column of 万元 is 1.5 万元), ending there."""
    return re.match(rf"{re.escape(unit[0])}(?:{re.escape(unit[1:])})?(?!\w)", text) is not None


def spans(resolved, pieces: list[digits.Piece]) -> tuple:
    """Where each printed text of a resolved row lies in the stream, (start, end), None where not
    known. The texts are the pieces in order, a glued run cut into its parts, so each part lies at
    its own digits; a pairing names its own (the sixth item of its resolved row)."""
    if resolved is None or resolved[0] != "ok":
        return ()
    texts = resolved[3]
    if len(resolved) > 5:
        return resolved[5]
    out: list[tuple[int, int] | None] = []
    k = off = 0
    for t in texts:
        if k >= len(pieces) or pieces[k].text[off:off + len(t)] != t:
            return (None,) * len(texts)  # not the pieces' texts: nothing is said rather than a wrong place
        p = pieces[k]
        out.append((p.pos + off, p.pos + off + len(t)) if p.pos is not None and t else None)
        off += len(t)
        if off >= len(p.text):
            k, off = k + 1, 0
    return tuple(out) if k == len(pieces) else (None,) * len(texts)


def _fact(section: str, row: str, column: str, resolved, j: int, where: tuple = ()) -> Fact:
    if resolved is None:
        return Fact(section, row, column, None, "absent", "", "", None)
    status, evidence, vals, texts, lines = resolved[:5]
    if status != "ok":
        return Fact(section, row, column, None, status, "", "", lines[0] if lines else None)
    v = vals[j]
    # the stream positions of its characters: parse.offsets makes them offsets in its line
    start, end = where[j] if j < len(where) and where[j] else (None, None)
    if v is None:
        return Fact(section, row, column, None, "blank", "", texts[j], lines[j], source_char_start=start, source_char_end=end)
    return Fact(section, row, column, v, "reported", evidence, texts[j], lines[j], source_char_start=start, source_char_end=end)


def _facts(section: str, row: str, columns: tuple[str, ...], resolved, pieces: list[digits.Piece]) -> list[Fact]:
    """A row's facts, one per column (as _fact)."""
    where = spans(resolved, pieces)
    return [_fact(section, row, column, resolved, j if resolved is not None and resolved[0] == "ok" else 0, where)
            for j, column in enumerate(columns)]


def appeals(stream: Stream, span: Span, report: Report) -> None:
    """Read the appeals section: its three rows under one header, their figures in one run."""
    cb = load()
    rows = cb.rows["appeals"]
    columns = [c.code for c in cb.columns["appeals"]]
    start = None
    headers = list(appeals_header().finditer(stream.text, span.start, span.end))
    for m in headers:
        if _FIGURE_START.match(stream.text, m.end(), span.end):
            start = m.end()
            break
    every = len(columns) * len(rows)
    own = stream.next_row(headers[-1].end(), span.end) if start is None and headers else None
    pieces = digits.tokenise(own, cb.blank_markers, keep_ends=True)[0] if own else []
    if own and len(pieces) == every and all(p.kind == "blank" for p in pieces):
        # every figure left empty, in the table row under the header (a page that prints 0 as nothing)
        line = own[0][1]
        report.matches.append(Match("appeals", "review+litigation", cb.appeals_header["printed"], line, " ".join("∅" for _ in pieces)))
        resolved = ("ok", "", (None,) * every, ("",) * every, (line,) * every)
    elif start is None:
        report.add(finding("missing-row", "appeals", severity="error", section="appeals"))
        resolved = None
    else:
        cells = stream.cells_between(start, span.end)
        pieces, stop_text, stop_line, form = digits.tokenise(cells, cb.blank_markers)
        line = stream.line_at(start)
        report.matches.append(Match("appeals", "review+litigation", cb.appeals_header["printed"], line,
                                    " ".join(p.text or "∅" for p in pieces)))
        # the text after the figures (the next heading, the narrative) needs no note; a number form does
        resolved = _stop(report, stop_text, stop_line, form, "appeals", "", note=False)
        if resolved is None:
            resolved = resolve(pieces, columns * len(rows), "appeals", None, report, "", line, [r.code for r in rows], "2021")
        if isinstance(resolved, Pending):
            resolved = withhold(report, resolved)
    width = len(columns)
    where = spans(resolved, pieces)
    for i, row in enumerate(rows):
        for j, col in enumerate(columns):
            report.facts.append(_fact("appeals", row.code, col, resolved, i * width + j, where))
