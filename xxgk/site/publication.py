"""The publication page: who published which year's report, when, and whether on time; and, for an
agency whose own column of reports was harvested, whether a report the corpus lacks is listed on its
site (published, not collected) or not found there. In: the build's state (`Site`) and the
package's register (register.parquet: its deadline and on_time, one definition, the package's).
Out: publication.md (the counts per year, then the lists while they fit in half a page; else the
counts per year by province) and, past that, pages per province written whole as the quality pages
are (publication/<code>.html, <code>--2.html …): each year's counts, then its lists.

A report with no printed date is said to have none (never taken as on time or late); a report of a
year or kind of agency the regulation sets no deadline for is said to have none. The agencies whose
column was never harvested are counted, not listed: a national register is every agency times
every year."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from . import lists
from .context import Site
from .html import h
from .links import agency_href, file_name
from .lists import TABLE, UNRESOLVED, agency_order, front, head
from .published import REGISTER_LISTED, read_table
from .strings import t, words
from .sync import remove_stale

FOLDER = "publication"
HELD = ("late", "on_time", "undated", "no_deadline")  # a report in the corpus, by what its date says
STATES = (*HELD, *REGISTER_LISTED)  # the order of the lists
COUNTED = (*STATES, "not_harvested")  # the order of the counts
ROWS_PER_BLOCK = 250  # agencies in one table: a page is split between tables
END = "</tbody></table></div>"
MIN_ROW_BYTES = 100
YEAR_HEADING = re.compile(r'<h2 id="y(\d+)"')


@dataclass(frozen=True, slots=True)
class Entry:
    """One agency's year, as the register says it."""
    aid: str
    year: int
    state: str  # one of STATES
    date: str = ""  # the report's publication date
    deadline: str = ""
    report_id: str = ""
    url: str = ""  # the article the agency's column lists


def states() -> dict[str, str]:
    """Every state in words: a held report's, and the register's own statuses of a year the corpus lacks."""
    return {**words("publication_states"), **words("register_status")}


def held_state(row: dict) -> str:
    """What a report in the corpus says of its publication: no date, no deadline, on time or late."""
    if not row["publication_date"]:
        return "undated"
    if not row["deadline"] or row["on_time"] is None:
        return "no_deadline"
    return "on_time" if row["on_time"] else "late"


def entries(site: Site) -> list[Entry]:
    """Every report in the corpus (the register's row of its agency and year) and every year that a
    harvested column lists, or does not list, for an agency the corpus lacks a report of."""
    rows = read_table(site.pub.package, "register", ["agency_id", "year", "report_id", "publication_date", "deadline", "on_time"],
                      [("status", "==", "in_corpus")])
    out = [Entry(r["agency_id"], r["year"], held_state(r), r["publication_date"] or "", r["deadline"] or "", r["report_id"] or "")
           for r in rows]
    out += [Entry(r["agency_id"], r["year"], r["status"], url=r["listed_url"] or "") for r in site.pub.register if r["status"] in REGISTER_LISTED]
    return out


def stem_of(site: Site, aid: str) -> str:
    """The name of the province's pages an agency is listed on."""
    code = lists.province_key(site, aid)
    return file_name(code) if code else UNRESOLVED


def unchecked(site: Site, path) -> Counter:
    """(province page, year) -> the agencies of no harvested column and no report that year,
    counted in Arrow (every agency times every year of no report)."""
    table = pq.read_table(path, columns=["agency_id", "year"], filters=[("status", "==", "not_harvested")], read_dictionary=["agency_id"])
    if not table.num_rows:
        return Counter()
    ids = table.column("agency_id").combine_chunks()
    stems = pa.array([stem_of(site, aid) for aid in ids.dictionary.to_pylist()], pa.string()).take(ids.indices)
    grouped = pa.table({"stem": stems, "year": table.column("year")}).group_by(["stem", "year"]).aggregate([([], "count_all")])
    return Counter({(s, y): n for s, y, n in zip(*(grouped.column(k).to_pylist() for k in ("stem", "year", "count_all")))})


# --- the HTML -----------------------------------------------------------------------------------

def counts_table(pub, name: str, first: str, rows: list[tuple[str, Counter]]) -> list[str]:
    """A table of counts (`name`: what it counts): one row per year or province (its first cell
    HTML already), a column per state."""
    short = {**words("publication_short"), **words("register_status")}
    # wider than most screens, and perhaps with no link to reach it by: its box is focusable to
    # be scrolled from the keyboard; numbers right-aligned by the table's class (a row is small)
    wrap = f'<div class="xxgk-table-wrap" markdown="0" tabindex="0" role="region" aria-label="{h(name)}">'
    out = [wrap + '<table class="xxgk-list xxgk-counts">' + head(first, t("publication_held"), *(short[s] for s in COUNTED)) + "<tbody>"]
    for heading, c in rows:
        cells = [sum(c[s] for s in HELD), *(c[s] for s in COUNTED)]
        out.append(f'<tr><th scope="row">{heading}</th>' + "".join(f"<td>{n}</td>" for n in cells) + "</tr>")
    return [*out, END]


def columns(site: Site, state: str, with_place: bool) -> list[str]:
    pub = site.pub
    out = [t("agency")] + ([t("agg_place")] if with_place else [])
    if state in ("late", "on_time", "no_deadline"):
        out.append(pub.title("register", "publication_date"))
    if state in ("late", "on_time"):
        out.append(pub.title("register", "deadline"))
    if state == "listed_not_parsed":
        out.append(pub.title("register", "listed_url"))
    return out


def row(site: Site, e: Entry, base: str, skip: tuple[str, ...] | None) -> str:
    """An agency's year: its name linked to its page (to the report, when held), where it is (unless
    the page says it: `skip` None), and what its state shows."""
    a = site.agencies.get(e.aid) or {"name": e.aid}
    anchor = f"#r-{e.report_id}" if e.report_id else ""
    cells = [f'<a href="{h(agency_href(e.aid, base))}{h(anchor)}">{h(a["name"])}</a>']
    if skip is not None:
        cells.append(h(lists.place(a, *skip)))
    if e.state in ("late", "on_time", "no_deadline"):
        cells.append(h(e.date))
    if e.state in ("late", "on_time"):
        cells.append(h(e.deadline))
    if e.state == "listed_not_parsed":
        cells.append(f'<a href="{h(e.url)}" rel="nofollow noopener noreferrer">{h(t("register_listed_link"))}</a>' if e.url.startswith("http") else h(e.url))
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def list_blocks(site: Site, found: list[Entry], base: str, skip: tuple[str, ...] | None) -> list[str]:
    """Each year's lists (newest first): a heading per year, a table per state (split every
    ROWS_PER_BLOCK agencies, so that pages can be cut between them), agencies in name order."""
    names = states()
    by_year: dict[int, dict[str, list[Entry]]] = defaultdict(lambda: defaultdict(list))
    for e in found:
        by_year[e.year][e.state].append(e)
    blocks = []
    for year in sorted(by_year, reverse=True):
        blocks.append(f'<h2 id="y{year}">{h(t("publication_year", year=year))}</h2>')
        for state in STATES:
            es = sorted(by_year[year][state], key=lambda e: agency_order(site, e.aid, e.aid))
            for k in range(0, len(es), ROWS_PER_BLOCK):
                title = t("publication_list", state=names[state], count=len(es)) if not k else t("publication_list_more", state=names[state])
                ident = f' id="y{year}-{state}"' if not k else ""
                blocks.append(f"<h3{ident}>{h(title)}</h3>\n" + TABLE.format(cls="xxgk-list") + head(*columns(site, state, skip is not None))
                              + "<tbody>" + "".join(row(site, e, base, skip) for e in es[k:k + ROWS_PER_BLOCK]) + END)
    return blocks


def tally(found: list[Entry], more: Counter, key: Callable[[Entry], Any]) -> dict[Any, Counter]:
    """The counts by `key(entry)` (a year, a province page) and state; `more` the unchecked ones by the same key."""
    out: dict = defaultdict(Counter)
    for e in found:
        out[key(e)][e.state] += 1
    for k, n in more.items():
        out[k]["not_harvested"] += n
    return out


# --- the pages ----------------------------------------------------------------------------------

def write(site: Site) -> None:
    pub = site.pub
    path = pub.package / "data" / "register.parquet"
    out = [front(t("publication_description")), f"# {t('publication')}", "", t("publication_intro"), ""]
    if not path.exists():
        site.write("publication.md", "\n".join([*out, t("publication_no_register"), ""]))
        remove_stale(site.fragments / FOLDER, set())
        return
    found = entries(site)
    loose = unchecked(site, path)
    by_year = tally(found, _sum_years(loose), lambda e: e.year)
    years = sorted(by_year, reverse=True)
    out += [f"## {t('publication_counts')}", "", *counts_table(pub, t("publication_counts"), t("year"), [(h(y), by_year[y]) for y in years]), ""]
    # a row takes 100 bytes at least: a national corpus's lists are never made whole to be measured
    blocks = list_blocks(site, found, "", ()) if len(found) * MIN_ROW_BYTES <= lists.PAGE_BYTES // 2 else []
    if blocks and lists.nbytes(blocks) <= lists.PAGE_BYTES // 2:
        site.write("publication.md", "\n".join([*out, *blocks, ""]))
        remove_stale(site.fragments / FOLDER, set())
        return
    # too many for one page: the counts per year by province, the lists on the provinces' pages
    groups: dict[str, list[Entry]] = defaultdict(list)
    for e in found:
        groups[stem_of(site, e.aid)].append(e)
    stems = sorted(set(groups) | {s for s, _ in loose}, key=lambda s: (s == UNRESOLVED, s))
    names = {file_name(p.code): p.name for p in lists.regions_of(site)[0]} | {UNRESOLVED: t("regions_unresolved")}
    by_place = tally(found, loose, lambda e: (stem_of(site, e.aid), e.year))
    page_of: dict[tuple[str, int], str] = {}  # (province page, year) -> the page its lists begin on
    written: set[str] = set()
    up = t("agg_up", link=f'<a href="../publication.html">{h(t("publication"))}</a>')
    for s in stems:
        mine = groups.get(s, [])
        counts = tally(mine, Counter({y: n for (x, y), n in loose.items() if x == s}), lambda e: e.year)
        intro = (f"<p>{up}</p>\n<p>{h(t('publication_intro'))}</p>\n<h2 id='counts'>{h(t('publication_counts'))}</h2>\n"
                 + "\n".join(counts_table(pub, t("publication_counts"), t("year"), [(h(y), counts[y]) for y in sorted(counts, reverse=True)])) + "\n")
        title, description = t("publication_region_title", name=names[s]), t("publication_region_description", name=names[s])
        pages = lists.paginate(list_blocks(site, mine, "../", (names[s],) if s != UNRESOLVED else ()),
                               budget=lists.PAGE_BYTES - lists.frame(description, title), first=len(intro.encode("utf-8")))
        for k, chunk in enumerate(pages, 1):
            for block in chunk:
                if m := YEAR_HEADING.match(block):
                    page_of.setdefault((s, int(m.group(1))), f"{lists.page_stem(s, k)}.html#y{m.group(1)}")
        written |= lists.write_whole(site, FOLDER, s, title, description, intro, pages)
    remove_stale(site.fragments / FOLDER, written)
    out += [t("publication_regions_intro"), ""]
    for year in years:
        rows = [(f'<a href="{FOLDER}/{h(page_of.get((s, year), f"{s}.html#counts"))}">{h(names[s])}</a>', by_place[s, year])
                for s in stems if (s, year) in by_place]
        out += [f"## {t('publication_year', year=year)}", "", *counts_table(pub, t("publication_year", year=year), pub.title("agencies", "province"), rows), ""]
    site.write("publication.md", "\n".join(out))


def _sum_years(loose: Counter) -> Counter:
    out: Counter = Counter()
    for (_, year), n in loose.items():
        out[year] += n
    return out
