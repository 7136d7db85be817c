"""What the harvest saw in the agencies' own report columns (政府信息公开年报), for the register.

`xxgk harvest` leaves two hidden files in the corpus folder, beside the provenance:

- `.listed.tsv` (LISTED): one line per report article a column lists, parsed or not, fetched or
  not: `site, agency, region, year, title, article, list, seen` (`year` empty when the title names
  none);
- `.harvested.tsv` (HARVESTED): one line per column walked successfully at least once:
  `site, agency, region, url, since`.

Either may be absent: then nothing was harvested. Both are read leniently (a short line, a
missing column, a year that is no year give empty values, never a failed build); a file that
cannot be read at all is a problem said in the build's warnings. `agency` is the agency's name as
its reports print it (the sites file's `agency`); `identified` gives it an identity the way a
report's printed name gets one (region.resolve, then agency.identity).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..text import normalise
from .agency import identity
from .region import Region, resolve

LISTED = ".listed.tsv"  # in the corpus folder, hidden like the provenance: what each column listed
LISTED_FIELDS = ["site", "agency", "region", "year", "title", "article", "list", "seen"]
HARVESTED = ".harvested.tsv"  # in the corpus folder: the columns walked successfully, since when
HARVESTED_FIELDS = ["site", "agency", "region", "url", "since"]

_YEAR = re.compile(r"(?:19|20)[0-9]{2}")


@dataclass(frozen=True)
class Listing:
    """A report article an agency's column lists."""

    site: str
    agency: str  # as its reports print it ("" when the site's entry names none)
    region: str
    year: int | None  # None when the title names no year
    title: str
    article: str  # the article's address


@dataclass(frozen=True)
class Column:
    """An agency's report column that a harvest walked successfully."""

    site: str
    agency: str
    region: str
    url: str
    since: str


def printed(name: str) -> str:
    """A name as a report's title gives it: normalised text, no white space."""
    return re.sub(r"\s+", "", normalise(name))


def _table(corpus: Path, name: str, required: list[str]) -> tuple[list[dict[str, str]], list[str]]:
    """The file's lines as records (every header field a string, stripped) and the problems met."""
    path = Path(corpus) / name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return [], []
    except OSError as exc:
        return [], [f"{name}: cannot be read ({exc.strerror or exc}); the register ignores it"]
    problems = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        problems.append(f"{name}: not UTF-8; undecodable bytes replaced")
    lines = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t"))
    if not lines:
        return [], problems
    header = [h.strip() for h in lines[0]]
    missing = [f for f in required if f not in header]
    if missing:
        return [], problems + [f"{name}: no column {', '.join(missing)} in its header line; the register ignores it"]
    records = []
    for line in lines[1:]:
        if any(cell.strip() for cell in line):
            records.append({h: (line[i].strip() if i < len(line) else "") for i, h in enumerate(header)})
    return records, problems


def read_listed(corpus: Path) -> tuple[list[Listing], list[str]]:
    """Every line of `.listed.tsv` (in file order) and the problems met reading it."""
    records, problems = _table(corpus, LISTED, ["agency", "year", "article"])
    out = []
    for r in records:
        year = r.get("year", "")
        out.append(Listing(r.get("site", ""), printed(r.get("agency", "")), r.get("region", ""),
                           int(year) if _YEAR.fullmatch(year) else None, r.get("title", ""), r.get("article", "")))
    return out, problems


def read_harvested(corpus: Path) -> tuple[list[Column], list[str]]:
    """Every line of `.harvested.tsv` (in file order) and the problems met reading it."""
    records, problems = _table(corpus, HARVESTED, ["agency"])
    return [Column(r.get("site", ""), printed(r.get("agency", "")), r.get("region", ""), r.get("url", ""), r.get("since", ""))
            for r in records], problems


@dataclass
class Named:
    """An agency name the harvested columns print, identified as a report's printed name is."""

    agency_name: str
    year: int | None  # the latest year its columns list (None: none)
    listed: bool  # whether a column lists any report of it
    region: Region
    agency_key: str
    agency_slug: str
    agency_type: str
    agency_level: str
    agency_id: str = ""  # the agency it is matched to, once the agencies are known (package.assemble)


def identified(listings: Iterable[Listing], columns: Iterable[Column]) -> list[Named]:
    """Each agency name the listings and columns print (sorted by name), with its identity: the
    region read from the name in its latest listed year, a name that fits several divisions settled
    by what the listings and columns say of where they are (the site's region, the titles, the
    addresses), as a report's text settles it; then agency.identity. A line that names no agency
    is not identified."""
    years: dict[str, set[int]] = {}
    listed: set[str] = set()
    context: dict[str, set[str]] = {}
    for item in listings:
        if item.agency:
            listed.add(item.agency)
            if item.year is not None:
                years.setdefault(item.agency, set()).add(item.year)
            context.setdefault(item.agency, set()).update(x for x in (item.region, item.title, item.article) if x)
    for column in columns:
        if column.agency:
            context.setdefault(column.agency, set()).update(x for x in (column.region, column.url) if x)
    out = []
    for name in sorted(context):
        year = max(years[name]) if name in years else None
        region = resolve(name, year, " ".join(sorted(context[name])))
        out.append(Named(name, year, name in listed, region, **identity(name, region)))
    return out
