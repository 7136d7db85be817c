"""Rows whose labels and figures a conversion printed apart (a PDF turned into text or Markdown:
a label centred on its row comes out after the row's figures, cut by them, or in a block of its
own, or all labels before all figures): the table's runs of figures paired with its rows by order. In: the section's stream and
span, its rows, what the row-by-row reading found. Out: the rows it could not read, settled from
the runs, with evidence `pairing`, or nothing.

A pairing is published only when everything confirms it: the section holds exactly one run of the
row's width per row of its template, in order; every row read by its label has the figures of its
run; every row whose label was found has its run between the labels of the rows before and after
it (unless every run follows every label: a block of labels, then a block of figures); and every
identity of the section holds on the paired table."""

from __future__ import annotations

import re

from ..codebook import Row, load
from ..findings import finding
from ..model import Report
from .stream import SEP, Span, Stream

# plain whole numbers standing alone (not `1.` or `(1)` numbering, not part of a longer number form)
_NUMBER = re.compile(rf"(?<![0-9.,、()\w])([0-9]+)(?=[\s{SEP}]|$)")
# the findings of a row that could not be read, which a confirmed pairing answers
_ANSWERED = {"missing-row", "cell-count-mismatch", "ambiguous-digits", "unrecognised-label"}


def _runs(stream: Stream, span: Span) -> list[list[re.Match]]:
    """Maximal runs of standalone numbers separated only by white space and cell breaks."""
    runs: list[list[re.Match]] = []
    text = stream.text
    for m in _NUMBER.finditer(text, span.start, span.end):
        gap = text[runs[-1][-1].end():m.start()] if runs else "x"
        if not gap or gap.isspace():  # only white space and cell breaks between (SEP is white space to isspace)
            runs[-1].append(m)
        else:
            runs.append([m])
    return runs


def _chunks(stream: Stream, span: Span, width: int) -> tuple[list[list[re.Match]], bool]:
    """The section's runs cut into rows of `width` figures, and whether every run could be (a run
    shorter than a row is a number in a label or a note, 第二十条 or 2024年, and is skipped)."""
    split: list[list[re.Match]] = []
    whole = True
    for run in _runs(stream, span):
        if len(run) % width:
            whole = whole and len(run) < width
            continue
        split += [run[i:i + width] for i in range(0, len(run), width)]
    return split, whole


def _apart(stream: Stream, located: dict[str, re.Match], values: dict[str, tuple], inside: set[str],
           start: int, end: int) -> set[str]:
    """Rows read by their labels whose reading is in doubt. A row of figures standing on a line of
    its own that no row read with certainty lies just before a label (between it and the label
    before): the label may be that row's, printed after its figures, and the figures read after it
    on another line the next row's. A row whose figures share its label's line is not in doubt,
    and the figures it reads are no orphans; the figures a row in doubt reads are."""
    order = sorted(located.items(), key=lambda kv: kv[1].start())
    bounds = {code: (m.end(), order[k + 1][1].start() if k + 1 < len(order) else end) for k, (code, m) in enumerate(order)}
    # rows of figures on a line of their own, of any length (a row that lost a figure is no less a
    # row that no label reads)
    alone = [line for run in _runs(stream, Span(start, end)) for line in _by_line(stream, run) if len(line) > 1]
    doubt: set[str] = set()

    def orphan(chunk: list[re.Match]) -> bool:
        figures = tuple(int(m.group(1)) for m in chunk)
        return not any(lo <= chunk[0].start() < hi and code not in doubt and _read(values.get(code))
                       and tuple(values[code][2]) == figures for code, (lo, hi) in bounds.items())

    before, printed_after = start, False
    for code, m in order:
        got = values.get(code)
        apart = code not in inside and _off_label(stream, m, got)
        gap = [c for c in alone if before <= c[0].start() < m.start()]
        if gap and orphan(gap[-1]) and (apart or not _read(got)):
            printed_after = True  # figures no row reads, just before a label whose row reads none on its line
        if apart and any(orphan(c) for c in gap):
            doubt.add(code)
        before = m.start()
    if printed_after:  # the table prints labels after their figures: any label may be
        doubt |= {code for code, m in located.items() if code not in inside and _off_label(stream, m, values.get(code))}
    return doubt


def _off_label(stream: Stream, label: re.Match, got: tuple | None) -> bool:
    """Whether a row was read with figures on another line than its label's."""
    if got is None or not _read(got):
        return False
    lines = range(stream.line_at(label.start()) or 0, (stream.line_at(label.end()) or 0) + 1)
    return not all(line in lines for line in got[4])


def _by_line(stream: Stream, run: list[re.Match]) -> list[list[re.Match]]:
    lines: dict[int | None, list[re.Match]] = {}
    for m in run:
        lines.setdefault(stream.line_at(m.start()), []).append(m)
    return list(lines.values())


def pair(stream: Stream, span: Span, section: str, rows: list[Row], template: str, located: dict[str, re.Match],
         values: dict[str, tuple], report: Report, inside: set[str]) -> set[str]:
    """Settle the rows not read (absent, or read as unresolved), and the rows whose reading is in
    doubt, from the runs; returns their codes. Rows in doubt that no pairing settles are withheld."""
    cb = load()
    widths = {len(cb.row_columns(section, r, template)) for r in rows}
    # only a table whose every row is a term of an identity between rows can confirm an order
    # (in section 三 every row is; in section 二 a row such as 行政许可 is in none)
    terms = {code for i in cb.rules_of(section, "rows") for code in (*i.total, *i.parts_of(template))}
    if len(widths) != 1 or not {r.code for r in rows} <= terms:
        return set()
    # only a row read from another line than its label's can be in doubt
    off = any(code not in inside and _off_label(stream, m, values.get(code)) for code, m in located.items())
    doubt = _apart(stream, located, values, inside, span.start, span.end) if off else set()
    unread = [r.code for r in rows if not _read(values.get(r.code)) or r.code in doubt]
    if not unread:
        return set()
    split, whole = _chunks(stream, span, widths.pop())
    table = _confirmed(stream, span, section, rows, template, located, values, split, doubt) if whole else None
    if table is None:
        for code in sorted(doubt, key=[r.code for r in rows].index):
            report.add(finding("figures-apart", section=section, row=code, label=cb.row(section, code).label,
                               source_line=values[code][4][0]))
            values[code] = ("unresolved", "", (), (), values[code][4][:1])
        return set()
    paired = set(unread)
    for r, run in zip(rows, split, strict=True):
        if r.code in paired:
            lines = tuple(stream.line_at(m.start()) for m in run)
            # the sixth item: where each figure lies in the stream (rows.spans)
            values[r.code] = ("ok", "pairing", table[r.code], tuple(m.group(1) for m in run), lines,
                              tuple((m.start(1), m.end(1)) for m in run))
    report.findings[:] = [g for g in report.findings if not (g.section == section and g.row in paired and g.code in _ANSWERED)]
    report.add(finding("rows-paired", section=section, rows=", ".join(r for r in [x.code for x in rows] if r in paired), count=len(paired)))
    return paired


def _confirmed(stream: Stream, span: Span, section: str, rows: list[Row], template: str, located: dict[str, re.Match],
               values: dict[str, tuple], split: list[list[re.Match]], doubt: set[str]) -> dict[str, tuple] | None:
    """The rows' figures paired by order, if everything confirms the pairing, else None."""
    cb = load()
    if len(split) != len(rows):
        return None
    table = {r.code: tuple(int(m.group(1)) for m in run) for r, run in zip(rows, split, strict=True)}
    # rows read by their labels (and not in doubt) agree with their runs, and labels lie next to their runs
    starts = [located[r.code].start() if r.code in located else None for r in rows]
    # the labels in one block and the figures in another (a converter that reads a table column
    # by column): the order alone pairs them
    block = bool(located) and split[0][0].start() > max(m.start() for m in located.values())
    for k, (r, run) in enumerate(zip(rows, split, strict=True)):
        got = values.get(r.code)
        if r.code not in doubt and got is not None and _read(got) and tuple(got[2]) != table[r.code]:
            return None
        before = next((s for s in reversed(starts[:k]) if s is not None), span.start)
        after = next((s for s in starts[k + 1:] if s is not None), span.end)
        if not block and not before <= run[0].start() < after:
            return None  # a run beyond the label of another row: the order is not the rows'
    columns = [c.code for c in cb.columns[section]]

    def get(row: str, column: str):
        vals = table.get(row)
        return vals[columns.index(column)] if vals is not None and column in columns else None

    for ident in cb.rules_of(section):
        if not all(o.holds for o in ident.evaluate(get, cb.across(ident), template)):
            return None
    return table


def _read(value) -> bool:
    return isinstance(value, tuple) and value[0] == "ok" and all(v is not None for v in value[2]) and bool(value[2])
