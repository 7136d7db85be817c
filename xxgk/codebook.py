"""The codebook (codebook.yaml): every section, row and column code of the template, its labels,
and the identities its figures must satisfy, with their one evaluator (`Identity.evaluate`), used
by the checks and by the glued-digit solver alike. In: codebook.yaml. Out: one `Codebook`."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import cast

import yaml

from .text import normalise

SECTIONS_WITH_TABLES = ("proactive", "requests", "appeals")
TEXT_SECTIONS = ("overview", "problems", "other_matters")


@dataclass(frozen=True)
class Row:
    section: str
    code: str
    label: str
    en: str
    aliases: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    columns_2019: tuple[str, ...] = ()
    template: str = "both"  # "2021", "2019" or "both"
    group: str | None = None
    item: int | None = None
    prefix: str | None = None
    narrative: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


@dataclass(frozen=True)
class Column:
    section: str
    code: str
    label: str
    en: str
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    decimal: bool = False
    signed: bool = False
    unit: str | None = None
    template: str = "both"
    sum_of: tuple[str, ...] = ()
    narrative: tuple[str, ...] = ()
    same_as: str | None = None  # the other template's column of the same meaning, in the same row


Value = int | float | None


@dataclass(frozen=True)
class Outcome:
    """One instance of an identity, evaluated: where it points (the first cell of its `total` side,
    in the instance's row and column), the two sums, and whether the identity holds there."""

    identity: Identity
    row: str
    column: str
    total: int | float
    parts: int | float
    holds: bool
    cells: tuple[tuple[str, str], ...] = ()  # (row, column) of every cell on either side


@dataclass(frozen=True)
class Identity:
    """An identity the template asserts, in the one form that the checks and the solver evaluate:
    the sum of the `total` cells equals (`relation` "=") or is at least (">=") the sum of the
    `parts` cells. `axis` "rows": the codes are rows, and it holds in every column of the section;
    "columns": they are columns, and it holds in every row (or in each of `only`). A finding of a
    broken identity points at the first cell of `total`; its messages name the two sums `names`
    and may name `terms`, row_code, row_label, column_code and column_label."""

    code: str
    section: str
    zh: str
    en: str
    axis: str  # rows | columns
    total: tuple[str, ...]
    parts: dict[str, tuple[str, ...]]  # by template ("2019", "2021")
    relation: str = "="  # = | >=
    only: tuple[str, ...] = ()
    names: tuple[str, str] = ("total", "parts")
    terms: tuple[tuple[str, str], ...] = ()  # further message parameters

    def parts_of(self, template: str) -> tuple[str, ...]:
        return self.parts["2019" if template == "2019" else "2021"]

    def evaluate(self, get: Callable[[str, str], Value], across: Iterable[str], template: str = "2021") -> Iterator[Outcome]:
        """Every instance of the identity whose cells are all known: `get(row, column)` gives a
        cell's value (None when it is unknown: blank, absent, withheld or not read); `across` are
        the columns (axis "rows") or rows (axis "columns") to evaluate it in, in order."""
        parts = self.parts_of(template)
        sides = (*self.total, *parts)
        for other in across:
            if self.only and other not in self.only:
                continue
            if self.axis == "rows":
                total, part = [get(c, other) for c in self.total], [get(c, other) for c in parts]
            else:
                total, part = [get(other, c) for c in self.total], [get(other, c) for c in parts]
            if None in total or None in part:
                continue
            have = sum(cast("list[int | float]", total))  # no None in either
            need = sum(cast("list[int | float]", part))
            holds = have >= need if self.relation == ">=" else have == need
            if self.axis == "rows":
                yield Outcome(self, self.total[0], other, have, need, holds, tuple([(c, other) for c in sides]))
            else:
                yield Outcome(self, other, self.total[0], have, need, holds, tuple([(other, c) for c in sides]))


def _identity(raw: dict, columns: dict[str, list[Column]]) -> Identity:
    """An identity of codebook.yaml in its one form. The forms (see codebook.yaml):
    left/right (rows: the sum of `right` equals the sum of `left`, in every column); row and
    sum_of[_2019|_2021] (rows: `row` equals the sum, per template); column [and sum_of] (columns:
    the column equals the sum of its parts, in every row); rows and at_least (columns: column +
    plus is at least minus, in each of `rows`)."""
    common = {"code": raw["code"], "section": raw["section"], "zh": raw["zh"], "en": raw["en"]}
    names = raw.get("message", {})
    names = (names.get("total", "total"), names.get("parts", "parts"))
    if "left" in raw:
        both = _tuple(raw["left"])
        return Identity(**common, axis="rows", total=_tuple(raw["right"]), parts={"2019": both, "2021": both}, names=names)
    if "row" in raw:
        default = _tuple(raw.get("sum_of"))
        parts = {t: _tuple(raw.get(f"sum_of_{t}")) or default for t in ("2019", "2021")}
        return Identity(**common, axis="rows", total=(str(raw["row"]),), parts=parts, names=names)
    if "at_least" in raw:
        rule = raw["at_least"]
        minus = _tuple(rule["minus"])
        terms = (("stock_column", str(rule["column"])), ("plus_columns", "+".join(_tuple(rule["plus"]))),
                 ("minus_columns", "+".join(minus)))
        return Identity(**common, axis="columns", total=(str(rule["column"]), *_tuple(rule["plus"])),
                        parts={"2019": minus, "2021": minus}, relation=">=", only=_tuple(raw.get("rows")), names=names,
                        terms=terms)
    if "column" in raw:
        total = str(raw["column"])
        both = _tuple(raw.get("sum_of")) or next(c.sum_of for c in columns[raw["section"]] if c.code == total)
        return Identity(**common, axis="columns", total=(total,), parts={"2019": both, "2021": both},
                        only=_tuple(raw.get("rows")), names=names)
    raise ValueError(f"identity {raw['code']}: no form the evaluator knows (left/right, row, column, at_least)")


@dataclass
class Codebook:
    raw: dict
    version: str
    sections: list[dict]
    rows: dict[str, list[Row]]
    columns: dict[str, list[Column]]
    groups: list[dict]
    column_groups: dict[str, list[dict]]  # section: the headings above columns (a column's parent)
    identities: list[dict]  # as written in codebook.yaml
    rules: tuple[Identity, ...]  # the same identities, in the form the evaluator reads
    furniture: list[str]
    template_markers: dict[str, dict]  # section: {template, labels (normalised), rows}
    not_in_2019: dict[str, tuple[str, ...]]
    appeals_header: dict
    blank_markers: list[str]
    title_pattern: re.Pattern
    digest: str = field(default="")

    def __post_init__(self) -> None:
        self._rows = {(s, r.code): r for s, rows in self.rows.items() for r in rows}
        self._columns = {(s, c.code): c for s, cols in self.columns.items() for c in cols}
        self._codes = {s: tuple(c.code for c in cols) for s, cols in self.columns.items()}
        self._traits: dict[tuple[str, tuple[str, ...]], tuple[bool, str | None]] = {}

    def row(self, section: str, code: str) -> Row:
        return self._rows[(section, code)]

    def column(self, section: str, code: str) -> Column:
        return self._columns[(section, code)]

    def identity(self, code: str) -> dict:
        return next(i for i in self.identities if i["code"] == code)

    def across(self, identity: Identity) -> list[str]:
        """Where an identity is evaluated: its rows (or columns) if it names them, else every column
        (an identity between rows) or every row (between columns) of its section, in codebook order."""
        if identity.only:
            return list(identity.only)
        if identity.axis == "rows":
            return [c.code for c in self.columns[identity.section]]
        return [r.code for r in self.rows[identity.section]]

    def rules_of(self, section: str, axis: str | None = None) -> list[Identity]:
        """The identities of a section (of one axis), in codebook order."""
        return [i for i in self.rules if i.section == section and (axis is None or i.axis == axis)]

    def section(self, code: str) -> dict:
        return next(s for s in self.sections if s["code"] == code)

    def template_rows(self, section: str, template: str) -> list[Row]:
        """The rows a section prints in a template ("2019" or "2021"), in template order."""
        left_out = set(self.not_in_2019.get(section, ())) if template == "2019" else set()
        return [r for r in self.rows[section] if r.template in ("both", template) and r.code not in left_out]

    def row_columns(self, section: str, row: Row, template: str) -> tuple[str, ...]:
        if section == "requests" or section == "appeals":
            return self._codes[section]
        return row.columns_2019 if template == "2019" else row.columns

    def traits(self, section: str, columns: tuple[str, ...]) -> tuple[bool, str | None]:
        """Whether any of a row's `columns` takes a signed figure, and the one unit they count in
        (None for several, or none)."""
        key = (section, columns)
        if key not in self._traits:
            units = {self.column(section, c).unit for c in columns}
            self._traits[key] = (any(self.column(section, c).signed for c in columns), units.pop() if len(units) == 1 else None)
        return self._traits[key]


def _tuple(value) -> tuple:
    if value is None:
        return ()
    return tuple(str(v) for v in value)


@cache
def load() -> Codebook:
    return parse(resources.files("xxgk").joinpath("codebook.yaml").read_text(encoding="utf-8"))


def parse(text: str) -> Codebook:
    """A codebook from the text of a codebook.yaml."""
    raw = yaml.safe_load(text)
    rows = {
        section: [
            Row(section=section, code=r["code"], label=r["label"], en=r["en"], aliases=_tuple(r.get("aliases")),
                columns=_tuple(r.get("columns")), columns_2019=_tuple(r.get("columns_2019")),
                template=str(r.get("template", "both")), group=r.get("group"), item=r.get("item"),
                prefix=r.get("prefix"), narrative=_tuple(r.get("narrative")))
            for r in items
        ]
        for section, items in raw["rows"].items()
    }
    columns = {
        section: [
            Column(section=section, code=c["code"], label=c["label"], en=c["en"], aliases=_tuple(c.get("aliases")),
                   parent=c.get("parent"), decimal=bool(c.get("decimal")), signed=bool(c.get("signed")),
                   unit=c.get("unit"), template=str(c.get("template", "both")), sum_of=_tuple(c.get("sum_of")),
                   narrative=_tuple(c.get("narrative")), same_as=c.get("same_as"))
            for c in items
        ]
        for section, items in raw["columns"].items()
    }
    return Codebook(
        raw=raw,
        version=str(raw["version"]),
        sections=raw["sections"],
        rows=rows,
        columns=columns,
        groups=raw["groups"],
        column_groups=raw.get("column_groups") or {},
        identities=raw["identities"],
        rules=tuple(_identity(i, columns) for i in raw["identities"]),
        furniture=[normalise(f) for f in raw["furniture"]],
        template_markers={s: {"template": str(m["template"]), "labels": [normalise(x) for x in m.get("labels", ())],
                              "rows": _tuple(m.get("rows"))} for s, m in raw["template_markers"].items()},
        not_in_2019={s: _tuple(codes) for s, codes in raw["not_in_2019"].items()},
        appeals_header={"words": [normalise(w) for w in raw["appeals_header"]["words"]], "printed": raw["appeals_header"]["printed"]},
        blank_markers=[normalise(m) for m in raw["blank_markers"]],
        title_pattern=re.compile(raw["title_pattern"]),
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
    )


def label_regex(label: str) -> str:
    """A pattern for a printed label: normalised, any whitespace allowed between characters."""
    chars = [re.escape(ch) for ch in normalise(label) if not ch.isspace()]
    return r"\s*".join(chars)

