"""The findings catalogue (findings.yaml): every finding is made here, from its code, a message
variant and named parameters, so codes, severities and wording live in one place as data.

    finding("missing-row", label="本年新收…", row_code="new", section="requests", row="new")
    finding("invalid-date", "signature", date="2025年2月30日", found="2025年2月30日", source_line=40)

`where` fields (section, row, column, expected, found, source_line) go to the Finding; every other
keyword fills the message templates of the variant (`default` unless one is named). A parameter
that neither template of the variant names is an error, like one that a template names and the
caller does not pass: both are caught by the tests, never published as a half-filled message."""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from .model import Finding

WHERE = ("section", "row", "column", "expected", "found", "source_line")
SEVERITIES = ("error", "warning", "info")


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


def parameters(template: str) -> set[str]:
    """The names a template fills ({name})."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@cache
def _templates(code: str, variant: str) -> tuple[str, str, frozenset]:
    try:
        entry = catalogue()[code]
    except KeyError:
        raise UnknownFinding(f"no finding '{code}' in findings.yaml") from None
    templates = entry.messages.get(variant)
    if templates is None:
        raise UnknownFinding(f"finding '{code}' has no message '{variant}' in findings.yaml")
    zh, en = templates["zh"], templates["en"]
    return zh, en, frozenset(parameters(zh) | parameters(en))


def message(code: str, variant: str = "default", /, **params) -> tuple[str, str]:
    """The Chinese and English messages of `code` (its `variant`), filled with `params`."""
    zh, en, names = _templates(code, variant)
    unknown = set(params) - names
    if unknown:
        raise TypeError(f"finding '{code}' ({variant}) has no parameter {', '.join(sorted(unknown))}")
    return zh.format(**params), en.format(**params)


def finding(code: str, variant: str = "default", /, *, severity: str | None = None, **params) -> Finding:
    """A Finding of `code`: its catalogue severity (unless `severity` is given, for the few codes
    whose weight depends on the case), its messages filled with `params`, and its where-fields."""
    where = {k: params.pop(k) for k in WHERE if k in params}
    zh, en = message(code, variant, **params)
    return Finding(code=code, severity=severity or catalogue()[code].severity, message_zh=zh, message_en=en, **where)
