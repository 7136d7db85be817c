"""Patterns of the template's printed text, all made from the codebook (labels, headings,
furniture, template markers) and the parser's vocabulary (numerals). In: the codebook. Out:
compiled regular expressions over a `Stream`'s text, each made once."""

from __future__ import annotations

import re
from functools import cache

from ..codebook import Row, label_regex, load
from ..text import normalise
from . import digits
from .stream import SEP
from .vocabulary import load as vocabulary

NUMERAL = vocabulary().numerals
CUT_LABEL = 6  # the fewest characters of a label cut by its figures that still name it


def _prefix_regex(row: Row) -> str:
    """The numbering printed before a row's label, consumed with it: `1.` or `(1)` for an item,
    the row's prefix (its numeral and the enumeration comma, or its numeral in brackets, also as
    the Arabic number in brackets)."""
    # 1. or (1) before an item; 一、 or (一), also printed (1), before a row with a prefix
    if row.item is not None:
        return rf"(?:(?:{row.item}\s*[.、,]|\(\s*{row.item}\s*\))\s*)?"
    if row.prefix:
        p = label_regex(row.prefix).replace("、", "[、.,]")
        m = re.fullmatch(rf"\(([{NUMERAL}])\)", normalise(row.prefix))
        if m:
            p = rf"(?:{p}|\(\s*{NUMERAL.index(m.group(1)) + 1}\s*\))"
        return rf"(?:{p}\s*)?"
    return ""


def _cut_regex(section: str, label: str) -> str:
    """A label's first half (at least CUT_LABEL characters, and enough that no other row's label
    of the section starts with it), then as much of the rest as is printed, in order."""
    chars = [ch for ch in normalise(label) if not ch.isspace()]
    others = ["".join(ch for ch in normalise(other) if not ch.isspace())
              for r in load().rows[section] for other in r.labels if label not in r.labels]
    keep = max(CUT_LABEL, -(-len(chars) // 2))
    while keep < len(chars) and any(o.startswith("".join(chars[:keep])) for o in others):
        keep += 1
    tail = ""
    for ch in reversed(chars[keep:]):
        tail = rf"(?:\s*{re.escape(ch)}{tail})?"
    return label_regex("".join(chars[:keep])) + tail


@cache
def row_pattern(section: str, code: str) -> re.Pattern:
    row = load().row(section, code)
    labels = sorted({label_regex(label) for label in row.labels}, key=len, reverse=True)
    # a long label cut by its row's figures (its tail printed on the next line, after them; a
    # narrow column wraps it round them): its first part, only where figures follow it
    cut = sorted({_cut_regex(section, label) for label in row.labels if len(normalise(label)) > CUT_LABEL + 1}, key=len, reverse=True)
    labels += [rf"(?:{c})(?=[\s{SEP}]+[0-9])" for c in cut]
    # an optional note in brackets after the label ((单位 万元), (区分处理的…)); a figure in brackets
    # (`行政处罚 (5)`) is no note: it is left to the figures, where it is withheld; nor a numeral in
    # brackets (the next row's `(二)`, across empty cells); nor is a bracket
    # that closes after a cell of figures (a label's note cut by its row's figures, as a page break
    # in a printed table leaves it): the figures are the row's
    figures_cell = rf"[^()]*{SEP}\s*[0-9][0-9\s.,]*(?:{SEP}|\))"
    numbering = rf"\(\s*[{NUMERAL}]{{1,3}}\s*\)"  # (二): the next row's numbering, no note
    # an item's numbering printed after its label (a PDF converted to text with the label's lines
    # above and below the numbering: `危及“三安全一稳定”` / `3.  0 0 0`), consumed with it
    after = rf"(?:\s*{row.item}\s*[.、](?![0-9]))?" if row.item is not None else ""
    return re.compile(_prefix_regex(row) + "(?:" + "|".join(labels)
                      + rf")(?:\s*(?!{digits.BRACKETED.pattern})(?!\({figures_cell})(?!{numbering})\([^()]{{0,80}}\))?" + after)


@cache
def heading_pattern(section: str) -> re.Pattern:
    sec = load().section(section)
    alts = sorted({label_regex(h) for h in sec["heading"]}, key=len, reverse=True)
    return re.compile(rf"[{NUMERAL}]{{1,2}}\s*[、.,]\s*(?:{'|'.join(alts)})")


# the heading of a section after the tables, which ends the last table
NEXT_HEADING_AFTER_TABLES = re.compile(rf"(?:^|{SEP}|[\s。;])\s*[{vocabulary().headings_after_tables}]\s*、")


@cache
def known_text_pattern() -> re.Pattern:
    cb = load()
    words: set[str] = set()
    for rows in cb.rows.values():
        for r in rows:
            words.update(r.labels)
    for cols in cb.columns.values():
        for c in cols:
            words.update((c.label, *c.aliases))
    words.update(g["label"] for g in cb.groups)
    words.update(cb.furniture)
    for s in cb.sections:
        words.update(s["heading"])
    alts = sorted({label_regex(w) for w in words}, key=len, reverse=True)
    prefix = rf"(?:\(\s*[{NUMERAL}\d]+\s*\)|[{NUMERAL}]+\s*[、.,]|\d+\s*[.、,])?\s*"
    return re.compile(prefix + "(?:" + "|".join(alts) + ")")


@cache
def numbered_pattern() -> re.Pattern:
    """A label that numbering may precede: a row's or a group's label, a section heading (not a
    column label or furniture)."""
    cb = load()
    words = {label for rows in cb.rows.values() for r in rows for label in r.labels}
    words.update(g["label"] for g in cb.groups)
    for s in cb.sections:
        words.update(s["heading"])
    alts = sorted({label_regex(w) for w in words}, key=len, reverse=True)
    return re.compile(r"\s*(?:" + "|".join(alts) + ")")


@cache
def _marker_labels(section: str) -> re.Pattern | None:
    labels = load().template_markers[section]["labels"]
    return re.compile("|".join(label_regex(m) for m in labels)) if labels else None


def template_of(section: str, text: str, start: int, end: int) -> str | None:
    """The template a table in text[start:end] follows, by the codebook's markers: the marked
    template if it prints a marker, else the other one; None for a table both print alike."""
    markers = load().template_markers.get(section)
    if markers is None:
        return None
    labels = _marker_labels(section)
    marked = (labels is not None and labels.search(text, start, end) is not None) or \
        any(row_pattern(section, code).search(text, start, end) for code in markers["rows"])
    return markers["template"] if marked else ("2021" if markers["template"] == "2019" else "2019")


@cache
def appeals_header() -> re.Pattern:
    cb = load()
    words = [c.label for c in cb.columns["appeals"]] + [a for r in cb.rows["appeals"] for a in r.labels] + cb.appeals_header["words"]
    return re.compile("|".join(sorted({label_regex(w) for w in words}, key=len, reverse=True)))
