"""The parser's vocabulary (vocabulary.yaml): the words, signs and byte patterns the readers and the
extractor read reports by that are not the template's labels (the codebook's) nor the wording of
findings (the catalogue's). In: vocabulary.yaml. Out: one `Vocabulary`, loaded once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class Signature:
    magic: bytes
    finding: str  # the variant of not-a-text-file


@dataclass(frozen=True)
class WrongDecoding:
    wrong: str  # the encoding the text was wrongly decoded with
    right: str  # the encoding it was in
    finding: str  # the variant of mojibake


@dataclass(frozen=True)
class Vocabulary:
    signatures: tuple[Signature, ...]
    mojibake_words: tuple[str, ...]
    mojibake_decodings: tuple[WrongDecoding, ...]
    crawler_separator: str
    crawler_colons: str
    crawler_fields: dict[str, str]
    html_meta: dict[str, str]
    page_number: str  # a regular expression
    page_number_text: str  # a regular expression
    illegible: str
    numerals: str
    headings_after_tables: str
    title_prefixes: tuple[str, ...]
    date: dict[str, str]  # year, month, day
    count_words: tuple[str, ...]
    identities_separator: str
    multipliers: str
    percent: str
    currency: str


@cache
def load() -> Vocabulary:
    raw = yaml.safe_load(resources.files("xxgk.parse").joinpath("vocabulary.yaml").read_text(encoding="utf-8"))
    return Vocabulary(
        signatures=tuple(Signature(s["magic"].encode("latin-1"), s["finding"]) for s in raw["signatures"]),
        mojibake_words=tuple(raw["mojibake"]["words"]),
        mojibake_decodings=tuple(WrongDecoding(d["wrong"], d["right"], d["finding"]) for d in raw["mojibake"]["decodings"]),
        crawler_separator=raw["crawler"]["separator"],
        crawler_colons=raw["crawler"]["colons"],
        crawler_fields=dict(raw["crawler"]["fields"]),
        html_meta=dict(raw["html_meta"]),
        page_number=raw["page_number"],
        page_number_text=raw["page_number_text"],
        illegible=raw["illegible"],
        numerals=raw["numerals"],
        headings_after_tables=raw["headings_after_tables"],
        title_prefixes=tuple(raw["title_prefixes"]),
        date=dict(raw["date"]),
        count_words=tuple(raw["count_words"]),
        identities_separator=raw["identities_separator"],
        multipliers=raw["multipliers"],
        percent=raw["percent"],
        currency=raw["currency"],
    )
