"""The site's wording, as data. In: `strings.<LANG>.yaml` beside this module: keys in English
snake_case, each a Python format template with named parameters ({name}) or a list or mapping of
words. Out: `t(key, **params)`, a template filled in; `words(key)`, a list or mapping as it is;
`word(key, value)`, a coded value in words; `label(code)` and `message(finding)`, the label of a codes-table entry (a section, row, column or
group of the report template, a finding code) and a finding's message in the site's language.

The strings file restates nothing the package publishes: the template's labels and the findings'
meanings are the package's `codes` table (the codebook and the findings catalogue as published),
schema titles its datapackage.json (`Published.title`). Parameters are filled in as given: a
caller escapes what comes from a report before passing it. An English site is one more file,
strings.en.yaml, and LANG = "en"."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

LANG = "zh"


@cache
def table(lang: str = LANG) -> dict:
    """Every string of one language, by key."""
    return yaml.safe_load(resources.files("xxgk.site").joinpath(f"strings.{lang}.yaml").read_text(encoding="utf-8"))


def t(key: str, **params) -> str:
    """The template `key`, filled with `params`."""
    return table()[key].format_map(params)


def words(key: str):
    """A list or mapping of words, as it is in the strings file."""
    return table()[key]


def word(key: str, value: str | None) -> str:
    """A coded value (a report's status, a finding's severity) in the site's language, the code
    beside it (the downloads hold the code); a value the strings file does not know, as it is."""
    known = table()[key].get(value)
    return t("coded", word=known, code=value) if known else value or ""


def label(code: dict) -> str:
    """A codes-table entry's label in the site's language."""
    return code[f"label_{LANG}"]


def message(finding: dict) -> str:
    """A finding's message in the site's language (checks.message is the Chinese one)."""
    return finding["message" if LANG == "zh" else f"message_{LANG}"]
