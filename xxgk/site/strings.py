"""The site's wording, as data. In: `strings.<LANG>.yaml` beside this module: keys in English
snake_case, each a Python format template with named parameters ({name}) or a list or mapping of
words. Out: `t(key, **params)`, a template filled in; `words(key)`, a list or mapping as it is;
`word(key, value)`, a coded value in words; `label(code)` and `message(finding)`, the label of a codes-table entry (a section, row, column or
group of the report template, a finding code) and a finding's message in the site's language.

The strings file restates nothing the package publishes: the template's labels and the findings'
meanings are the package's `codes` table (the codebook and the findings catalogue as published),
schema titles its datapackage.json (`Published.title`). Parameters are filled in as given: a
caller escapes what comes from a report before passing it. An English site is one more file,
strings.en.yaml; `use("en")` makes every page written after it English (the English site, under
/en/, is built by the same code in that language: README, "The English site")."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import yaml

LANG = "zh"
LANGS = ("zh", "en")  # the site's languages, the first the default (at the top of the site)


def use(lang: str) -> None:
    """Write in `lang` from now on (in this process; a page worker is told by its parent)."""
    global LANG
    if lang not in LANGS:
        raise ValueError(f"no site wording for language {lang!r} (have: {', '.join(LANGS)})")
    LANG = lang


def root(lang: str | None = None) -> str:
    """Where the site of a language is, from the top of the whole site: "" for the default
    language, "en/" for English."""
    lang = lang or LANG
    return "" if lang == LANGS[0] else f"{lang}/"


def table(lang: str | None = None) -> dict:
    """Every string of one language (by default the one in use), by key."""
    return _table(lang or LANG)


@cache
def _table(lang: str) -> dict:
    return yaml.safe_load(resources.files("xxgk.site").joinpath(f"strings.{lang}.yaml").read_text(encoding="utf-8"))


def t(key: str, **params) -> str:
    """The template `key`, filled with `params`. A template in forms by number (a mapping of
    `one` and `other`, as English needs: "1 agency", "2 agencies") is chosen by `count`."""
    template = table()[key]
    if isinstance(template, dict):
        template = template["one" if params.get("count") == 1 else "other"]
    return template.format_map(params)


def words(key: str):
    """A list or mapping of words, as it is in the strings file."""
    return table()[key]


def word(key: str, value: str | None) -> str:
    """A coded value (a report's status, a finding's severity) in the site's language, the code
    beside it (the downloads hold the code); a value the strings file does not know, as it is."""
    known = table()[key].get(value)
    return t("coded", word=known, code=value) if known else value or ""


def name(chinese: str | None) -> str:
    """A Chinese name (an agency's, a region's) as the page in use shows it: itself on a Chinese
    page; on another language's page, its pinyin beside it (`romanized`), as readers of English
    cannot read the characters and must still find the name the report printed."""
    if not chinese or LANG == "zh":
        return chinese or ""
    roman = romanized(chinese)
    return f"{chinese} ({roman})" if roman else chinese


def place(chinese: str | None) -> str:
    """A region's name as the page in use shows it: itself on a Chinese page; on another
    language's, its pinyin as one word and its kind in words (`region_kinds` of the strings file,
    the longest suffix that matches: Fujian Province), the characters beside it."""
    if not chinese or LANG == "zh":
        return chinese or ""
    return f"{chinese} ({_place(chinese, LANG)})"


def places(chinese: list[str], sep: str = "") -> str:
    """Where something is, from the largest region to the smallest (Chinese names, run together
    or joined by `sep`): so on a Chinese page; on another language's, from the smallest to the
    largest in its words, the Chinese names after them."""
    chinese = [c for c in chinese if c]
    if LANG == "zh" or not chinese:
        return sep.join(chinese)
    return f"{', '.join(_place(c, LANG) for c in reversed(chinese))} ({sep.join(chinese)})"


@cache
def _place(chinese: str, lang: str) -> str:
    kinds = words("region_kinds")  # lang is the one in use: the cache keeps each language apart
    suffix = max((k for k in kinds if chinese.endswith(k) and len(k) < len(chinese)), key=len, default="")
    stem = romanized(chinese[:len(chinese) - len(suffix)]).replace(" ", "").capitalize()
    return f"{stem} {kinds[suffix]}" if suffix else stem


@cache
def romanized(chinese: str) -> str:
    """The pinyin of the Han characters of a name, each syllable capitalised, without tones
    ("Bei Guan Qu Xin Fang Ju" for the Beiguan district letters office); Latin letters and digits kept, punctuation left out."""
    from pypinyin import Style, lazy_pinyin

    out: list[str] = []
    for part in lazy_pinyin(chinese, style=Style.NORMAL, errors="default"):
        out += [w.capitalize() for w in re.findall(r"[A-Za-z0-9]+", part)]  # punctuation left out
    return " ".join(out)


_CHINESE_THEN = re.compile(r"^.*[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]\s*", re.DOTALL)


def described(bilingual: str) -> str:
    """A description the package gives in Chinese then English (schema.yaml) in the site's
    language: whole on a Chinese page, its English part (after its last Chinese character or
    punctuation) on an English one."""
    if LANG == "zh":
        return bilingual
    return _CHINESE_THEN.sub("", bilingual).strip() or bilingual


def label(code: dict) -> str:
    """A codes-table entry's label in the site's language."""
    return code[f"label_{LANG}"]


def message(finding: dict) -> str:
    """A finding's message in the site's language (checks.message is the Chinese one)."""
    return finding["message" if LANG == "zh" else f"message_{LANG}"]
