"""The agency search index: written at build time as small static files, so that finding one agency
among 150,000 fetches a manifest and a few chunks, not a list of every agency. In: the agencies
table's rows (name, other printed names, province, prefecture and county with their codes) and
each agency's years. Out: the folder `search/` of the site, read by `docs/javascripts/search.js`:

- `manifest.json`: `n` agencies, `rc` records per record chunk; `c` each indexed character →
  [postings chunk, agencies]; `p` each pinyin syllable → [postings chunk, agencies, the
  characters read so]; `g` the regions, [code, name, parent region, first agency, end], every
  region's agencies being one run of ids (agencies are numbered in region order);
- `p<k>.json`: postings chunks, key → the ids of the agencies holding it, delta-coded;
- `r<k>.json`: record chunks, agencies `k*rc` to `(k+1)*rc - 1`, each [name, link from the top of
  the site (`agency_href`), region (index into `g`, or -1), years, other printed names].

An agency is indexed by every letter or digit (Han characters included) of its region's names,
its name and its other printed names, and by every pinyin syllable of those Han characters (each
character's first two readings: a character with two readings is found by either). The client picks the rarest keys of
a query, intersects their postings, then reads the candidates' records to check the query
against them (characters in order, pinyin syllables in order, region names) and rank them.
Everything is sorted: the same agencies make the same bytes."""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

from pypinyin import Style, pinyin

from ..package.agencies import NAMES_SEPARATOR
from .links import agency_href

FOLDER = "search"
RECORDS_PER_CHUNK = 128  # a record is ~120 bytes: a chunk is ~15 KB, ~5 KB compressed
POSTINGS_PER_CHUNK = 4096  # rare keys share a chunk; a key with more postings has a chunk of its own
READINGS = 2  # pinyin readings per character: the common one and the next
LEVELS = ("province", "prefecture", "county")


def norm(text: str) -> str:
    """Text as the index compares it: NFKC (full-width letters become ASCII), lower case, letters
    and digits only (the client's `norm` does the same)."""
    return "".join(c for c in unicodedata.normalize("NFKC", text or "").lower() if c.isalnum())


# Han characters: from CJK Extension A to Extension G (the basic block lies within)
HAN_FIRST, HAN_LAST = 0x3400, 0x3134F


@cache
def readings(char: str) -> tuple[str, ...]:
    """The pinyin syllables a Han character is indexed under (none for other characters)."""
    if not HAN_FIRST <= ord(char) <= HAN_LAST:
        return ()
    found = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    return tuple(s for s in (found[0] if found else [])[:READINGS] if s.isascii() and s.isalpha())


def region_path(agency: Mapping) -> tuple[tuple[str, str], ...]:
    """The agency's regions from province down, as (code, name); a level without a code ends it
    (an agency placed in a province only has one)."""
    path: list[tuple[str, str]] = []
    for level in LEVELS:
        code, name = agency.get(f"{level}_code") or "", agency.get(level) or ""
        if not code:
            break
        path.append((str(code), str(name)))
    return tuple(path)


def other_names(agency: Mapping) -> list[str]:
    """The agency's printed names other than its name, in the table's order."""
    names = [n.strip() for n in str(agency.get("names") or "").split(NAMES_SEPARATOR)]
    return list(dict.fromkeys(n for n in names if n and n != agency["name"]))


def region_text(path: Iterable[tuple[str, str]]) -> str:
    """The region's names joined, a name repeating its parent's left out (a municipality is its
    own province and prefecture: its name once)."""
    names: list[str] = []
    for _, name in path:
        if name and (not names or names[-1] != name):
            names.append(name)
    return "".join(names)


def ordered(agencies: Iterable[Mapping]) -> list[Mapping]:
    """The agencies in id order: by region (so each region's agencies are one run of ids), those
    without a region last, then by name and agency_id."""
    def key(a: Mapping):
        path = region_path(a)
        return (not path, [code for code, _ in path], a["name"] or "", a["agency_id"])
    return sorted(agencies, key=key)


def regions_table(agencies: list[Mapping]) -> tuple[list[list], list[int]]:
    """The regions (`g` of the manifest) and each agency's most specific region (-1: none).
    A region is its path of codes, so one code under two parents is two regions and each region's
    agencies are contiguous in `ordered` order."""
    table: list[list] = []
    index: dict[tuple[tuple[str, str], ...], int] = {}
    of_agency = []
    for i, a in enumerate(agencies):
        path = region_path(a)
        parent = -1
        for depth in range(1, len(path) + 1):
            sub = path[:depth]
            if sub not in index:
                index[sub] = len(table)
                table.append([sub[-1][0], sub[-1][1], parent, i, i + 1])
            parent = index[sub]
            table[parent][4] = i + 1
        of_agency.append(parent)
    return table, of_agency


def keys_of(texts: Iterable[str]) -> tuple[set[str], set[str]]:
    """The characters and the pinyin syllables an agency is found by, from its texts."""
    chars = {c for text in texts for c in norm(text)}
    return chars, {s for c in chars for s in readings(c)}


def deltas(ids: list[int]) -> list[int]:
    """Sorted ids as their first and the gaps after it (small numbers: short JSON)."""
    return [b - a for a, b in zip([0, *ids], ids, strict=False)]


def pack(postings: Mapping[str, list[int]], first_chunk: int) -> tuple[dict[str, int], list[dict[str, list[int]]]]:
    """Keys in sorted order put into postings chunks of about POSTINGS_PER_CHUNK postings; a key
    with more has a chunk of its own. Returns each key's chunk number and the chunks."""
    chunks: list[dict[str, list[int]]] = []
    where: dict[str, int] = {}
    size = POSTINGS_PER_CHUNK
    for key in sorted(postings):
        ids = postings[key]
        if size + len(ids) > POSTINGS_PER_CHUNK:
            chunks.append({})
            size = 0
        chunks[-1][key] = deltas(ids)
        where[key] = first_chunk + len(chunks) - 1
        size += len(ids)
    return where, chunks


def dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


def index_files(agencies: Iterable[Mapping], years: Mapping[str, str]) -> dict[str, str]:
    """Every file of the index (name in `search/` → text) for the agencies (rows of the agencies
    table) and their years as the site prints them."""
    rows = ordered(agencies)
    regions, region_of = regions_table(rows)
    text_of_region: dict[int, str] = {}
    records, chars, syllables = [], defaultdict(list), defaultdict(list)
    for i, a in enumerate(rows):
        g = region_of[i]
        if g not in text_of_region:
            path, j = [], g
            while j >= 0:
                path.append((regions[j][0], regions[j][1]))
                j = regions[j][2]
            text_of_region[g] = region_text(reversed(path))
        others = other_names(a)
        record = [a["name"], agency_href(a["agency_id"], ""), g, years.get(a["agency_id"], "")]
        records.append([*record, others] if others else record)
        found_chars, found_syllables = keys_of([text_of_region[g], a["name"], *others])
        for c in found_chars:
            chars[c].append(i)
        for s in found_syllables:
            syllables[s].append(i)
    where_chars, char_chunks = pack(chars, 0)
    where_syllables, syllable_chunks = pack(syllables, len(char_chunks))
    read_as: dict[str, list[str]] = defaultdict(list)
    for c in sorted(chars):
        for s in readings(c):
            read_as[s].append(c)
    manifest = {
        "n": len(rows), "rc": RECORDS_PER_CHUNK,
        "c": {c: [where_chars[c], len(chars[c])] for c in sorted(chars)},
        "p": {s: [where_syllables[s], len(syllables[s]), "".join(read_as[s])] for s in sorted(syllables)},
        "g": regions,
    }
    files = {"manifest.json": dump(manifest)}
    for k, chunk in enumerate(char_chunks + syllable_chunks):
        files[f"p{k}.json"] = dump(chunk)
    for k in range(0, len(records), RECORDS_PER_CHUNK):
        files[f"r{k // RECORDS_PER_CHUNK}.json"] = dump(records[k:k + RECORDS_PER_CHUNK])
    return files


def write(folder: Path, agencies: Iterable[Mapping], years: Mapping[str, str]) -> dict[str, int]:
    """Write the index into `folder` (made if missing); returns each file's size in bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name, text in index_files(agencies, years).items():
        data = text.encode("utf-8")
        (folder / name).write_bytes(data)
        sizes[name] = len(data)
    return sizes


def read_records(folder: Path) -> list[list]:
    """Every record of an index written by `write`, in id order (for checks and benchmarks)."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    out: list[list] = []
    for k in range((manifest["n"] + manifest["rc"] - 1) // manifest["rc"]):
        out += json.loads((folder / f"r{k}.json").read_text(encoding="utf-8"))
    return out
