"""Agency identity: one agency across years however its name is printed, a stable readable ASCII
id, its level and its type."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib import resources

import yaml
from pypinyin import Style, lazy_pinyin

from .vocabulary import vocabulary

_NON_SLUG = re.compile(r"[^a-z0-9]+")
TYPES = ["government", "government_office", "department", "subdistrict", "township", "zone", "unknown"]


@lru_cache(maxsize=65536)  # pinyin is slow, and an agency's reports share a name
def agency_slug(name: str) -> str:
    """`平潭综合实验区公安局` → `ping-tan-zong-he-shi-yan-qu-gong-an-ju` (deterministic)."""
    words = lazy_pinyin(name, style=Style.NORMAL, errors="default")
    slug = _NON_SLUG.sub("-", "-".join(words).lower()).strip("-")
    return slug[:80].rstrip("-") or "agency"


@cache
def overrides() -> dict[str, str]:
    """Printed name → the printed name of the same agency under which it is published."""
    text = resources.files("xxgk.identify").joinpath("agency_overrides.yaml").read_text(encoding="utf-8")
    out = {}
    for rule in yaml.safe_load(text) or []:
        for name in rule["names"]:
            out[name] = rule["names"][0]
    return out


def identity(name: str, region) -> dict:
    """The agency a printed name stands for: `key` is the same for every printing of one agency
    (the division's code and what follows the division names), `slug` a readable id for it."""
    if region is not None and region.status == "resolved":
        body = region.body
        place = region.county and (region.prefecture if region.prefecture != region.province else "") + region.county \
            or region.prefecture or region.province
        kind = next((t for t, rule in vocabulary().agency_types if rule.search(body)), "unknown")
        level = "township" if kind in ("subdistrict", "township") else region.level
        return {"agency_key": f"{region.code}|{body}", "agency_slug": agency_slug(place + body), "agency_type": kind, "agency_level": level}
    # with no division name read, a bare 人民政府 or 政府办公室 says nothing of its level: not a government
    kind = next((t for t, rule in vocabulary().agency_types if t not in ("government", "government_office") and rule.search(name)), "unknown")
    return {"agency_key": f"|{name}", "agency_slug": agency_slug(name), "agency_type": kind,
            "agency_level": "township" if kind in ("subdistrict", "township") else ""}
