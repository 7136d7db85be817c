"""Agency identity: one agency across years however its name is printed, a stable readable ASCII
id, its level and its type."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import yaml
from pypinyin import Style, lazy_pinyin

_NON_SLUG = re.compile(r"[^a-z0-9]+")
TYPES = ["government", "government_office", "department", "subdistrict", "township", "zone", "unknown"]
_TYPE_RULES = [  # (type, pattern on the name after its division names), first match wins
    ("government", re.compile(r"^(人民政府)?$")),
    ("government_office", re.compile(r"^(人民)?政府办公(室|厅)$")),
    ("subdistrict", re.compile(r"街道(办事处|党工委)?")),
    ("township", re.compile(r"(乡|镇|苏木)(人民政府)?$")),
    ("zone", re.compile(r"(开发区|高新区|新区|片区|实验区|园区|管委会|管理委员会)")),
    ("department", re.compile(r"(局|委员会|委|办公室|办|厅|中心|院|署|所|站|队|处|馆|会)$")),
]


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
        kind = next((t for t, rule in _TYPE_RULES if rule.search(body)), "unknown")
        level = "township" if kind in ("subdistrict", "township") else region.level
        return {"agency_key": f"{region.code}|{body}", "agency_slug": agency_slug(place + body), "agency_type": kind, "agency_level": level}
    kind = next((t for t, rule in _TYPE_RULES[2:] if rule.search(name)), "unknown")
    return {"agency_key": f"|{name}", "agency_slug": agency_slug(name), "agency_type": kind,
            "agency_level": "township" if kind in ("subdistrict", "township") else ""}
