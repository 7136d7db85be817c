"""The findings catalogue (findings.yaml): every finding is made here, from its code, a message
variant and named parameters, so codes, severities and wording live in one place as data.

    finding("missing-row", label="本年新收…", code="new", section="requests", row="new")

`where` fields (section, row, column, expected, found, source_line) go to the Finding; every other
keyword fills the message templates of the variant (`default` unless one is named)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from .model import Finding

WHERE = ("section", "row", "column", "expected", "found", "source_line")


@dataclass(frozen=True)
class Entry:
    code: str
    severity: str
    zh: str  # what the code means
    en: str
    messages: dict  # variant: {"zh": template, "en": template}


@cache
def catalogue() -> dict[str, Entry]:
    """Every finding code, in the catalogue's order."""
    raw = yaml.safe_load(resources.files("xxgk").joinpath("findings.yaml").read_text(encoding="utf-8"))
    return {f["code"]: Entry(f["code"], f["severity"], f["zh"], f["en"], f.get("messages") or {}) for f in raw["findings"]}


class UnknownFinding(KeyError):
    """A code or variant that is not in the catalogue: a bug, caught by the tests."""


def message(code: str, variant: str = "default", **params) -> tuple[str, str]:
    """The Chinese and English messages of `code` (its `variant`), filled with `params`."""
    try:
        entry = catalogue()[code]
    except KeyError:
        raise UnknownFinding(f"no finding '{code}' in findings.yaml") from None
    templates = entry.messages.get(variant)
    if templates is None:
        if variant != "default" or entry.messages:
            raise UnknownFinding(f"finding '{code}' has no message '{variant}' in findings.yaml")
        return entry.zh, entry.en  # a code with no messages of its own says what it means
    return templates["zh"].format(**params), templates["en"].format(**params)


def finding(code: str, variant: str = "default", *, severity: str | None = None, **params) -> Finding:
    """A Finding of `code`: its catalogue severity (unless `severity` is given, for the few codes
    whose weight depends on the case), its messages filled with `params`, and its where-fields."""
    where = {k: params.pop(k) for k in WHERE if k in params}
    zh, en = message(code, variant, **params)
    return Finding(code=code, severity=severity or catalogue()[code].severity, message_zh=zh, message_en=en, **where)
