"""What fuzzing checks of one input: the parser returns a report whatever the bytes, and every
figure it publishes is printed in the input as a whole number: `1` published from `1,234`, `1e9`,
`0x10`, `3万`, `50%` or `(1)` breaks the promise, since those digits are part of a longer number
form. Shared by the property tests and the atheris target."""

from __future__ import annotations

import html
import re

from .codebook import label_regex, load
from .model import shown
from .parse.digits import number_form
from .parse.extract import known_text_pattern
from .parse.formats import read_bytes
from .parse.read import ReadError, decode
from .parse.rows import in_unit
from .report import parse_bytes
from .text import normalise

SUFFIXES = (".txt", ".html", ".md")
# digits with what may continue them into one printed number: groups, a decimal part, a list
_CHAIN = re.compile(r"[0-9]+(?:[.,、][0-9]+)*")
# a plain figure: digits (a glued run may hold several cells), or well-formed thousands groups,
# with an optional decimal part
_FIGURE = re.compile(r"(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
_MARKUP = re.compile(r"\*\*|__|(?<!\\)`")  # what the Markdown reader removes inside a line
_CLOSE = re.compile(r"\s*[%‰‱万亿千百]?\s*\)")
# what ends a figure as a separate cell: a cell boundary, a blank marker or a sign (1-2 is 1 | - | 2)
_SEPARATE = tuple(sorted({m for m in load().blank_markers if not m[0].isalnum()} | {"+", "|", "\t", "\n", "\r"}))
_UNITS = tuple(sorted({c.unit for cols in load().columns.values() for c in cols if c.unit}))


# Number forms the fuzz targets start from, printed after table labels: thousands separators
# (half-width, full-width, malformed), exponents, hex, units, percent signs, brackets, decimals.
NUMBER_FORMS = ("1,234", "1，234", "12,345,678", "1,234.5", "12.5", "1e9", "0x10", "1.5e3", "3万", "3 万", "2亿", "3万元",
                "5000元", "50%", "50％", "(5)", "（5）", "5(3)", "1,234,5", "1,2345", "0,000", "1、234", "1.2.3", "44abc", "٣")
# what may be glued after a printed figure to continue it
NUMBER_SUFFIXES = (",234", "，234", ",234,567", "e9", "x10", "万", "亿", "%", "元", "abc", "(5)", "、234", ".5", ".5.6")


def label_figures(data: bytes) -> list[tuple[int, int]]:
    """Where a figure is printed right after a table label in a UTF-8 report: (start, end) of
    each digit run that follows a row label (glued, or after spaces, a tab, a pipe or tags)."""
    cb = load()
    labels = sorted({label_regex(label) for section in ("proactive", "requests", "appeals") for row in cb.rows[section]
                     for label in row.labels}, key=len, reverse=True)
    between = r"(?:[ \t|]|<[^<>]{0,400}>|&nbsp;)*"  # spaces, a tab, a pipe, the tags of the next HTML cell
    pattern = re.compile(rf"(?:{'|'.join(labels)}){between}([0-9]+)".encode())
    return [m.span(1) for m in pattern.finditer(data)]


def with_number_forms(data: bytes, edits: list[tuple[int, str, bool]]) -> bytes:
    """A report with some figures after labels printed in other forms: each edit is (which figure
    after a label, the form, whether it replaces the figure or is glued after it)."""
    spans = label_figures(data)
    if not spans:
        return data
    chosen: dict[int, tuple[str, bool]] = {}
    for which, form, replace in edits:
        chosen[which % len(spans)] = (form, replace)
    out = bytearray(data)
    for i in sorted(chosen, reverse=True):
        start, end = spans[i]
        form, replace = chosen[i]
        out[start if replace else end:end] = form.encode()
    return bytes(out)


class Violation(AssertionError):
    """The parser broke one of its promises on this input."""


def _continued(text: str, end: int, unit: str | None = None) -> bool:
    """Whether the text after a printed number (ending at `end`) continues it into a form that is
    not plain, as the extractor judges it (digits.number_form, then the exceptions it allows: a
    known label, a unit, the multiplier of `unit` alone (1.5万 in a column of 万元), 元 in a
    column with no unit)."""
    after = text[end:end + 60]
    spaces = len(after) - len(after.lstrip(" "))
    if not after or after.startswith(_SEPARATE):
        return False
    reason = number_form(after, glued=True, spaced=False) if not spaces else \
        number_form(after[spaces:], glued=False, spaced=True) if after[spaces:] else None
    if reason is None or reason == "currency":
        return False
    rest = after[spaces:]
    if reason in ("unit", "percent"):
        return not (rest.startswith(_UNITS) or (unit is not None and in_unit(rest, unit)))
    return not known_text_pattern().match(rest)


def printed_figures(text: str, unit: str | None = None) -> tuple[set[str], list[str]]:
    """The figures printed whole in normalised text: (values of figures that are one cell
    whatever the layout: thousands and decimals; digit runs, which may be glued cells). A number
    continued by a letter, another script's digit, a unit, a percent sign, brackets or a malformed
    separator gives none."""
    whole: set[str] = set()
    runs: list[str] = []
    for m in _CHAIN.finditer(text):
        start, end = m.start(), m.end()
        before = text[start - 1] if start else ""
        if (before.isascii() and before.isalpha()) or (before.isdigit() and not before.isascii()):
            continue  # x10, e9, A1: the end of a longer form
        if before == "(" and _CLOSE.match(text, end):
            continue  # (5)
        if _continued(text, end, unit):
            continue  # 1e9 0x10 3万 3 万 50% 5(3)
        chain = m.group()
        if not _FIGURE.fullmatch(chain):
            continue  # 1,234,5 1、234 1.2.3 0,000
        if "," in chain or "." in chain:
            number = chain.replace(",", "")
            whole.add(shown(float(number) if "." in number else int(number)))
        else:
            runs.append(chain)
    return whole, runs


def check_input(data: bytes, suffix: str) -> None:
    report = parse_bytes(data, suffix)  # any exception here is a finding of the fuzzer
    if report.status == "failed" and report.facts:
        raise Violation("a failed report publishes figures")
    reported = [f for f in report.facts if f.status == "reported"]
    if not reported:
        return
    try:
        text, _ = decode(data, html=suffix == ".html")
    except ReadError as exc:
        raise Violation(f"figures published from a file the reader refuses ({exc.code})") from exc
    if suffix == ".html":
        text = html.unescape(text)
    elif suffix == ".md":
        text = _MARKUP.sub("", text)
    # printed in the file at all (a reader cannot invent a figure) ...
    text = normalise(text)
    whole, runs = printed_figures(text)
    for unit in sorted({u for f in reported if (u := load().column(f.section, f.column).unit)}):
        with_unit, unit_runs = printed_figures(text, unit)  # 1.5万 in a column of 万元
        whole, runs = whole | with_unit, runs + unit_runs
    glued = "\x00".join(runs)
    # ... and whole on the line it is said to come from, in the cells the reader made of it
    cells: dict[int, list[str]] = {}
    for cell in read_bytes(data, suffix).cells:
        cells.setdefault(cell.line, []).append(cell.text)
    lines: dict[tuple[int, str], tuple[set[str], str]] = {}
    for f in reported:
        if f.value is None:
            raise Violation(f"{f.section}/{f.row}/{f.column}: reported without a value")
        column = load().column(f.section, f.column)
        if f.value < 0 and not column.signed:
            raise Violation(f"{f.section}/{f.row}/{f.column} = {f.value!r}: negative in a column that is not signed")
        if isinstance(f.value, float) and not column.decimal:
            raise Violation(f"{f.section}/{f.row}/{f.column} = {f.value!r}: a decimal in a column that counts items")
        figure = shown(abs(f.value))  # the sign of a signed column is printed before the figure
        # a glued run may hold several cells, so a figure may be a part of it; a thousands figure
        # or a decimal is one cell
        if figure not in whole and figure not in glued:
            raise Violation(f"{f.section}/{f.row}/{f.column} = {figure} is not printed as a whole number in the input")
        if f.source_line is not None:
            key = (f.source_line, column.unit or "")
            if key not in lines:
                on_line, line_runs = printed_figures("\t".join(cells.get(f.source_line, [])), column.unit or None)
                lines[key] = on_line, "\x00".join(line_runs)
            on_line, line_glued = lines[key]
            if figure not in on_line and figure not in line_glued:
                raise Violation(f"{f.section}/{f.row}/{f.column} = {figure} is not printed as a whole number on its "
                                f"line {f.source_line}")
