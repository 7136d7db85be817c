"""The identify stage's words (vocabulary.yaml): agency-type patterns and division-name rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class Vocabulary:
    agency_types: tuple[tuple[str, re.Pattern], ...]
    municipality_city: frozenset[str]
    division_suffix: re.Pattern
    city: str


@cache
def vocabulary() -> Vocabulary:
    raw = yaml.safe_load(resources.files("xxgk.identify").joinpath("vocabulary.yaml").read_text(encoding="utf-8"))
    return Vocabulary(
        agency_types=tuple((kind, re.compile(pattern)) for kind, pattern in raw["agency_types"]),
        municipality_city=frozenset(raw["municipality_city"]),
        division_suffix=re.compile(raw["division_suffix"]),
        city=raw["city"],
    )
