"""The tables made for spreadsheets. `report_figures`: one row per counted report (its agency's
report of its year), one column per figure of the two templates, named `section.row.column` and
titled with the codebook's labels; each report's row is made from its own facts as its part is
written (parts.py), so the whole facts table is never held. `figure_mapping`: each figure of the
2019 template beside the 2021 template's figure of the same meaning (the same cell, or the one the
codebook's `same_as` names), or none. In: the codebook, a report row and its facts' CSV bytes.
Out: Table Schema fields and rows."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache

from ..codebook import SECTIONS_WITH_TABLES, load
from ..identify import register

TEMPLATES = ("2021", "2019")
REGION = ["province", "province_code", "prefecture", "prefecture_code", "county", "county_code"]
# the columns before the figures: which report, whose, where, when, in which template, how complete
FIXED = ["report_id", "agency_id", "agency_name", *REGION, "year", "template", "status"]


@dataclass(frozen=True)
class Figure:
    section: str
    row: str
    column: str
    template: str  # "both", "2021" or "2019": the templates that print the cell
    decimal: bool  # an amount (万元), not a count
    label_zh: str
    label_en: str
    same_as: str | None  # the 2021 template's column of the same meaning, for a 2019 cell

    @property
    def name(self) -> str:
        return f"{self.section}.{self.row}.{self.column}"


@cache
def figures() -> tuple[Figure, ...]:
    """Every cell of either template, in codebook order: section, row, then the row's columns (the
    2021 template's, then those only the 2019 template prints). A title names the cell as the
    template does: the row's group heading, the row, the column's heading and the column."""
    cb = load()
    groups = {g["code"]: g for g in cb.groups}
    out = []
    for section in SECTIONS_WITH_TABLES:
        heads = {g["code"]: g for g in cb.column_groups.get(section, ())}
        printed = {t: {r.code: cb.row_columns(section, r, t) for r in cb.template_rows(section, t)} for t in TEMPLATES}
        for row in cb.rows[section]:
            for code in dict.fromkeys(c for t in TEMPLATES for c in printed[t].get(row.code, ())):
                column = cb.column(section, code)
                both = [t for t in TEMPLATES if code in printed[t].get(row.code, ())]
                zh = [groups[row.group]["label"]] if row.group else []
                zh += [row.label] + ([heads[column.parent]["label"]] if column.parent else []) + [column.label]
                out.append(Figure(section, row.code, code, "both" if len(both) == 2 else both[0], column.decimal, "·".join(zh),
                                  f"{row.en} · {column.en}", column.same_as))
    return tuple(out)


@cache
def _at() -> dict[tuple[str, str, str], int]:
    return {(f.section, f.row, f.column): i for i, f in enumerate(figures())}


def meta(report: dict) -> tuple | None:
    """A report's fields of its wide row; None for a report not counted (a copy, a superseded
    file, one of no known agency or year): it has no row."""
    return tuple(report.get(name) for name in FIXED) if register.counted(report) else None


def wide_row(report: dict, facts_csv: bytes) -> tuple | None:
    """A counted report's wide row from its facts (their CSV bytes, no header): each reported
    figure in its column, a count as an integer; a cell not reported (blank, absent, or withheld
    as not certain: its finding is in checks) is empty, and so is a count whose figure is not
    whole (never rounded: the parser withholds such a figure, with a finding)."""
    head = meta(report)
    if head is None:
        return None
    at, cells = _at(), figures()
    values: list = [None] * len(cells)
    for fact in csv.reader(io.StringIO(facts_csv.decode("utf-8"), newline="")):
        key = (fact[1], fact[2], fact[3])
        if key not in at:
            raise ValueError(f"report {fact[0]}: the fact {'.'.join(key)} is no cell of either template")
        if fact[5] != "reported" or not fact[4]:
            continue
        i = at[key]
        values[i] = _value(fact[4], cells[i].decimal)
    return (*head, *values)


def _value(text: str, decimal: bool) -> int | float | None:
    try:
        return int(text)
    except ValueError:
        number = float(text)
    if number.is_integer():
        return int(number)
    return number if decimal else None


def mapping_rows() -> list[tuple]:
    """`figure_mapping`: every cell of the 2019 template, the 2021 template's cell of the same
    meaning (itself when the 2021 template prints it too, else the one its column's `same_as`
    names in the same row, else none) and on what ground."""
    by_key = {(f.section, f.row, f.column): f for f in figures()}
    out = []
    for f in figures():
        if f.template == "2021":
            continue
        other = by_key.get((f.section, f.row, f.same_as or ""))
        if f.template == "both":
            other, basis = f, "same_cell"
        elif other is not None and other.template != "2019":
            basis = "same_as"
        else:
            other, basis = None, "none"
        out.append((f.name, f.label_zh, f.label_en, other.name if other else "", other.label_zh if other else "",
                    other.label_en if other else "", basis))
    return out
