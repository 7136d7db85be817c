"""Agency identity: a stable, readable, URL-safe ASCII id from the printed name."""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def agency_slug(name: str) -> str:
    """`平潭综合实验区公安局` → `ping-tan-zong-he-shi-yan-qu-gong-an-ju` (deterministic)."""
    words = lazy_pinyin(name, style=Style.NORMAL, errors="default")
    slug = _NON_SLUG.sub("-", "-".join(words).lower()).strip("-")
    return slug[:80].rstrip("-") or "agency"
