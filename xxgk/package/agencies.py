"""The agencies of a build: one per identity (however its name was printed), matched with the
names the harvested report columns print, and the register's rows (what each agency published,
and what its own column lists). In: the reports rows and what the harvest saw. Out: rows."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ..identify import listed, register
from ..identify.agency import overrides
from .worker import REGION_KEYS, region_columns

NAMES_SEPARATOR = "；"  # noqa: RUF001 (agencies.names: the printed names, as a Chinese list is written)


def harvested(corpus: Path, first_year: int, this_year: int, warnings: list[str]) -> tuple[list[listed.Listing], list[listed.Column]]:
    """What the harvest saw in the agencies' columns (corpus/.listed.tsv, .harvested.tsv): a listed
    year outside the plausible range counts as no year, as a report's; the problems met reading the
    files, and the lines that name no agency, are the build's warnings."""
    listings, problems = listed.read_listed(corpus)
    columns, more = listed.read_harvested(corpus)
    warnings += problems + more
    listings = [item if item.year is None or first_year <= item.year <= this_year else replace(item, year=None) for item in listings]
    for name, items in ((listed.LISTED, listings), (listed.HARVESTED, columns)):
        nameless = sum(not item.agency for item in items)
        if nameless:
            warnings.append(f"{name}: lines naming no agency (their site has none in the sites file), not in the register: {nameless}")
    return listings, columns


def register_rows(agencies: list[dict], reports: list[dict], listings: list[listed.Listing], columns: list[listed.Column],
              named: list[listed.Named]) -> list[dict]:
    """The register's rows, each listing and column under the agency its name was matched to."""
    aid = {n.agency_name: n.agency_id for n in named}
    return register.rows(agencies, reports, [(aid.get(item.agency, ""), item.year, item.article) for item in listings],
                         [aid.get(c.agency, "") for c in columns])


def agencies(reports: list[dict], named: Sequence[listed.Named] = ()) -> list[dict]:
    """One agency per identity key (however its name was printed); sets each report's agency_id.
    The agency names the harvested columns print (`named`) are matched to these agencies as a
    report's is (see _matched); a name the columns list reports of, matched to no agency, is an
    agency of its own with no report in the corpus (its register rows say what its column lists).
    Sets each name's agency_id ("" for a column that lists nothing, of an agency with no report)."""
    joined = overrides()
    key_of_name: dict[str, str] = {}
    for r in sorted(reports, key=lambda r: r["source_file"]):
        if r["agency_name"]:
            key_of_name.setdefault(r["agency_name"], r["agency_key"])
    by_key: dict[str, list[dict]] = {}
    for r in reports:
        if r["agency_name"] and r["status"] != "duplicate":
            key = key_of_name.get(joined.get(r["agency_name"], ""), r["agency_key"])
            by_key.setdefault(key, []).append(r)
    latest = {key: max(rs, key=lambda r: (r["year"] or 0, r["source_file"])) for key, rs in by_key.items()}
    keys_of_named = _matched(named, key_of_name, joined, set(by_key))
    only_listed: dict[str, list[listed.Named]] = {}
    for n in named:
        if n.listed and keys_of_named[n.agency_name] not in by_key:
            only_listed.setdefault(keys_of_named[n.agency_name], []).append(n)
    newest = {key: max(ns, key=lambda n: (n.year or 0, n.agency_name)) for key, ns in only_listed.items()}
    slugs: dict[str, list[str]] = {}
    for key, r in latest.items():
        slugs.setdefault(r["agency_slug"], []).append(key)
    for key, n in newest.items():
        slugs.setdefault(n.agency_slug, []).append(key)
    out = []
    aid_of_key: dict[str, str] = {}
    for slug, keys in slugs.items():
        for key in keys:
            aid = aid_of_key[key] = slug if len(keys) == 1 else f"{slug}-{hashlib.sha1(key.encode()).hexdigest()[:6]}"
            if key in only_listed:
                out.append(_listed_agency(aid, newest[key], only_listed[key]))
                continue
            rs = by_key[key]
            for r in rs:
                r["agency_id"] = aid
            years = [r["year"] for r in rs if r["year"] is not None]
            # the region of the latest report that settles it
            settled = [r for r in rs if r["region_status"] == "resolved"]
            place = max(settled or rs, key=lambda r: (r["year"] or 0, r["source_file"]))
            names = sorted({r["agency_name"] for r in rs}, key=lambda n: (n != latest[key]["agency_name"], n))
            out.append({"agency_id": aid, "name": latest[key]["agency_name"], "names": NAMES_SEPARATOR.join(names),
                        "agency_type": latest[key]["agency_type"], "level": latest[key]["agency_level"],
                        "reports": len(rs), "first_year": min(years) if years else None, "last_year": max(years) if years else None,
                        **{k: place[k] for k in REGION_KEYS}})
    for r in reports:
        r.setdefault("agency_id", "")
    for n in named:
        n.agency_id = aid_of_key.get(keys_of_named[n.agency_name], "")
    return sorted(out, key=lambda a: a["agency_id"])


def _matched(named: Sequence[listed.Named], key_of_name: dict[str, str], joined: dict[str, str], known: set[str]) -> dict[str, str]:
    """The identity key of each name the harvested columns print: the key of the name
    agency_overrides.yaml joins it to (as for a report); else its own key when reports have it;
    else the key of the reports that print the same name (their text may have settled a region its
    name alone does not); else its own (a new agency)."""
    keys = dict(key_of_name)
    for n in named:
        keys.setdefault(n.agency_name, n.agency_key)
    out = {}
    for n in named:
        override = keys.get(joined.get(n.agency_name, ""))
        if override:
            out[n.agency_name] = override
        elif n.agency_key in known:
            out[n.agency_name] = n.agency_key
        else:
            out[n.agency_name] = keys[n.agency_name]
    return out


def _listed_agency(aid: str, newest: listed.Named, names: list[listed.Named]) -> dict:
    """An agency only the harvested columns know of: no report in the corpus, its name, type,
    level and region from its name as the columns print it (the latest listed)."""
    settled = [n for n in names if n.region.status == "resolved"]
    place = max(settled or names, key=lambda n: (n.year or 0, n.agency_name))
    printings = sorted({n.agency_name for n in names}, key=lambda name: (name != newest.agency_name, name))
    return {"agency_id": aid, "name": newest.agency_name, "names": NAMES_SEPARATOR.join(printings),
            "agency_type": newest.agency_type, "level": newest.agency_level, "reports": 0, "first_year": None, "last_year": None,
            **region_columns(place.region)}
