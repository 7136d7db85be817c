"""The codebook: every section, row and column code of the template, its labels and identities."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

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


@dataclass
class Codebook:
    raw: dict
    version: str
    sections: list[dict]
    rows: dict[str, list[Row]]
    columns: dict[str, list[Column]]
    groups: list[dict]
    identities: list[dict]
    furniture: list[str]
    template_2019_markers: list[str]
    blank_markers: list[str]
    title_pattern: re.Pattern
    digest: str = field(default="")

    def __post_init__(self):
        self._rows = {(s, r.code): r for s, rows in self.rows.items() for r in rows}
        self._columns = {(s, c.code): c for s, cols in self.columns.items() for c in cols}

    def row(self, section: str, code: str) -> Row:
        return self._rows[(section, code)]

    def column(self, section: str, code: str) -> Column:
        return self._columns[(section, code)]

    def identity(self, code: str) -> dict:
        return next(i for i in self.identities if i["code"] == code)

    def section(self, code: str) -> dict:
        return next(s for s in self.sections if s["code"] == code)

    def row_columns(self, section: str, row: Row, template: str) -> tuple[str, ...]:
        if section == "requests":
            return tuple(c.code for c in self.columns["requests"])
        if section == "appeals":
            return tuple(c.code for c in self.columns["appeals"])
        return row.columns_2019 if template == "2019" else row.columns


def _tuple(value) -> tuple:
    if value is None:
        return ()
    return tuple(str(v) for v in value)


@cache
def load() -> Codebook:
    text = resources.files("xxgk").joinpath("codebook.yaml").read_text(encoding="utf-8")
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
                   narrative=_tuple(c.get("narrative")))
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
        identities=raw["identities"],
        furniture=[normalise(f) for f in raw["furniture"]],
        template_2019_markers=[normalise(m) for m in raw["template_2019_markers"]],
        blank_markers=[normalise(m) for m in raw["blank_markers"]],
        title_pattern=re.compile(raw["title_pattern"]),
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
    )


def label_regex(label: str) -> str:
    """A pattern for a printed label: normalised, any whitespace allowed between characters."""
    chars = [re.escape(ch) for ch in normalise(label) if not ch.isspace()]
    return r"\s*".join(chars)

