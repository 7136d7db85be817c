"""Pages that list agencies, each of a bounded size however many agencies the package has. In: the
build's state (`Site`). Out: the agency index (the provinces and their prefectures; every agency
as well while they fit on one page), the region pages (regions/index; a page per province: its
prefectures and its province-level agencies; a page per prefecture, or per county directly under
its province: its agencies side by side with their latest figures; the agencies whose region is
not resolved), and what the other split pages (rankings, quality) share: splitting a list into
pages of at most PAGE_BYTES (`paginate`), their names (`page_stem`: X, X--2, X--3 …), the links
between them (`pager`), a page's front matter (`front`) and the province an agency is listed under.

Agencies are listed in the pinyin order of their names, then by name and id (`by_name`): the
same on every machine, and in the order of the syllables (an, bei, cheng), not of code points."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from weakref import WeakKeyDictionary

from pypinyin import Style, lazy_pinyin

from .context import Site
from .html import MIN_RANKED, esc, fmt, h, percent
from .links import agency_href, file_name, region_href
from .published import problems
from .shell import page
from .strings import label, t
from .sync import write_changed

# A page's Markdown, at most: the theme adds about 20 KB, so no list page's HTML passes 200 KB.
PAGE_BYTES = 150_000
# The agency index lists every agency itself while there are no more than this (a page's worth).
SMALL_LIST = 200
# The pages of the agencies with no resolved region: no file_name() has this form (no hyphen).
UNRESOLVED = "_unresolved"
TABLE = '<div class="xxgk-table-wrap" markdown="0"><table class="{cls}">'
LIST_TABLE = '<div class="xxgk-table-wrap" markdown="0"><table id="xxgk-agencies" class="xxgk-list xxgk-sortable">'
PAGER_WINDOW = 3  # page links shown either side of the current page (besides the first and last)


def head(*labels: str) -> str:
    """A table's header row (the labels are the site's own or the package's: escaped here)."""
    return "<thead><tr>" + "".join(f"<th>{h(x)}</th>" for x in labels) + "</tr></thead>"


def granted_label(site: Site) -> str:
    """The granted and partly granted rows of the requests table, as one figure's label."""
    rows = site.pub.labels("row", "requests")
    return t("sum_of_two", a=label(rows["granted"]), b=label(rows["partial"]))


@lru_cache(maxsize=1 << 17)  # pinyin is slow; a name is sorted many times (lists, rankings, findings)
def pinyin_of(name: str) -> tuple[str, ...]:
    """A name's syllables without tones, lower case (a run of other characters as it is): the
    order of the dictionary, syllable by syllable."""
    return tuple(s.lower() for s in lazy_pinyin(name, style=Style.NORMAL, errors="default"))


def by_name(aid: str | None, name: str | None) -> tuple[tuple[str, ...], str, str]:
    """The order of agencies (and of a file of no known agency, by its printed name): the pinyin
    of the name, then the name itself (two characters of one reading), then the id (two agencies
    of one name, in two regions)."""
    return pinyin_of(name or ""), name or "", aid or ""


def agency_order(site: Site, aid: str | None, printed: str | None) -> tuple[tuple[str, ...], str, str]:
    """`by_name` of an agency's own name (its reports under other printed names come together),
    or of the printed name for a file of no known agency."""
    a = site.agencies.get(aid or "")
    return by_name(aid, a["name"] if a else printed)


def front(description: str) -> str:
    """A page's front matter: its description (the page's <meta name="description">; the theme
    prints it unescaped, so it is escaped here, and quoted as JSON, which YAML reads as it is)."""
    return f"---\ndescription: {json.dumps(h(description), ensure_ascii=False)}\n---\n\n"


def page_stem(stem: str, k: int) -> str:
    """The name of page k (from 1) of the pages whose first is `stem`. No file_name() holds "--",
    so page k of one list is never another list's page."""
    return stem if k == 1 else f"{stem}--{k}"


def regions_page(stem: str, base: str = "../") -> str:
    """The link to a page of regions/ by its name (a region's own is `region_href`)."""
    return f"{base}regions/{stem}.html"


def paginate(blocks: list[str], budget: int = PAGE_BYTES, first: int = 0) -> list[list[str]]:
    """Consecutive blocks (table rows, report entries) in pages of at most `budget` bytes (`first`
    of them already taken on the first page by what comes before); a block larger than a page is
    a page of its own. At least one page, perhaps empty."""
    pages: list[list[str]] = [[]]
    used = first
    for block in blocks:
        n = len(block.encode("utf-8")) + 1
        if pages[-1] and used + n > budget:
            pages.append([])
            used = 0
        pages[-1].append(block)
        used += n
    return pages


def pager(stem: str, k: int, count: int) -> str:
    """Links to the other pages of a list (in the same folder), or nothing for a list of one page."""
    if count <= 1:
        return ""
    shown = sorted({1, count, *range(max(1, k - PAGER_WINDOW), min(count, k + PAGER_WINDOW) + 1)})
    parts, last = [], 0
    for i in shown:
        if i > last + 1:
            parts.append("…")
        parts.append(f"<strong>{i}</strong>" if i == k else f'<a href="{h(page_stem(stem, i))}.html">{i}</a>')
        last = i
    return f'<nav class="xxgk-pages" markdown="0" aria-label="{h(t("agg_pager_label"))}">{h(t("agg_pages", page=k, pages=count))} {" ".join(parts)}</nav>'


def paged_title(title: str, k: int, count: int) -> str:
    return title if count <= 1 else t("agg_page_title", title=title, page=k, pages=count)


# --- where agencies are listed ------------------------------------------------------------------

@dataclass
class Area:
    """The agencies of a prefecture, or of a county directly under its province (the districts
    of a municipality, a county its province governs directly): one list of pages, regions/<code>.md, regions/<code>--2.md …"""
    code: str
    name: str
    province: Province
    agencies: list[dict] = field(default_factory=list)


@dataclass
class Province:
    code: str
    name: str
    own: list[dict] = field(default_factory=list)  # province-level agencies, listed on the province's own pages
    areas: dict[str, Area] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.own) + sum(len(a.agencies) for a in self.areas.values())


_regions: WeakKeyDictionary[Site, tuple[list[Province], list[dict]]] = WeakKeyDictionary()


def regions_of(site: Site) -> tuple[list[Province], list[dict]]:
    """The provinces (by code) with their areas (by code) and agencies (by name), and the
    agencies whose region is not resolved (by name); made once per build."""
    if site not in _regions:
        _regions[site] = _group(site)
    return _regions[site]


def _group(site: Site) -> tuple[list[Province], list[dict]]:
    provinces: dict[str, Province] = {}
    codes = {a["province_code"] for a in site.agencies.values() if a.get("province_code")}
    unplaced = []
    for a in sorted(site.agencies.values(), key=lambda a: by_name(a["agency_id"], a["name"])):
        code = a.get("province_code")
        if not code:
            unplaced.append(a)
            continue
        p = provinces.setdefault(code, Province(code, a["province"] or code))
        # an area's pages are regions/<its code>, beside the provinces' pages: never one of theirs
        below = [(c, n) for c, n in ((a.get("prefecture_code"), a.get("prefecture")), (a.get("county_code"), a.get("county")))
                 if c and c not in codes]
        if below:
            c, n = below[0]
            p.areas.setdefault(c, Area(c, n or c, p)).agencies.append(a)
        else:
            p.own.append(a)
    for p in provinces.values():
        p.areas = {c: p.areas[c] for c in sorted(p.areas)}
    return [provinces[c] for c in sorted(provinces)], unplaced


def province_key(site: Site, aid: str | None) -> str | None:
    """The province code an agency is listed under (None: no agency, or no resolved region)."""
    a = site.agencies.get(aid or "")
    return (a or {}).get("province_code") or None


# --- the rows -----------------------------------------------------------------------------------

def columns(site: Site) -> str:
    pub = site.pub
    return head(t("agency"), t("agg_place"), t("latest_year"), t("handled"), granted_label(site), t("share_ranked", min=MIN_RANKED), t("problems"),
                pub.title("agencies", "reports"))


def region_stems(a: dict) -> str:
    """The pages of an agency's regions (province, prefecture, county; `UNRESOLVED` for none), as
    the region filter of the agency list names them."""
    codes = [c for c in (a.get("province_code"), a.get("prefecture_code"), a.get("county_code")) if c]
    return " ".join(file_name(c) for c in codes) if codes else UNRESOLVED


def agency_row(site: Site, a: dict, place: str, regions: bool = False) -> str:
    """An agency with its latest counted report's figures (peers side by side) and its number of
    reports, linked to its page (from a page in a subfolder); `regions`: the row says its regions'
    pages (`region_stems`), for the region filter."""
    pub = site.pub
    reports = site.by_agency.get(a["agency_id"], [])
    dated = [r for r in reports if r["year"]]
    latest = dated[-1] if dated else None
    f = pub.figures(latest["report_id"]) if latest else None
    handled, granted = (f.handled, f.granted) if f else (None, None)
    wrong = len(problems(pub.checks.get(latest["report_id"], []))) if latest else 0
    tr = f'<tr data-r="{h(region_stems(a))}">' if regions else "<tr>"
    return (f'{tr}<td><a href="{h(agency_href(a["agency_id"]))}">{h(a["name"])}</a></td><td>{h(place)}</td>'
            f'<td>{h(latest["year"] if latest else "")}</td><td class="num">{fmt(handled)}</td><td class="num">{fmt(granted)}</td>'
            f'<td class="num">{percent(granted, handled)}</td><td class="num">{wrong}</td><td class="num">{len(reports)}</td></tr>')


def place(a: dict, *skip: str) -> str:
    """Where an agency is, below the names a page already says (`skip`)."""
    parts: list[str] = []
    for name in (a.get("province"), a.get("prefecture"), a.get("county")):
        if name and name not in parts and name not in skip:
            parts.append(name)
    return " ".join(parts)


def filter_box() -> str:
    """The filter of a list page (xxgk.js filters the rows of #xxgk-agencies), and where to look
    for an agency elsewhere (from a page in a subfolder)."""
    search = f'<a href="../search.html">{h(t("search"))}</a>'
    return (f'<div class="xxgk-filter" markdown="0"><input type="search" id="xxgk-filter" placeholder="{h(t("agencies_filter_placeholder"))}" '
            f'aria-label="{h(t("agencies_filter"))}"><p><small>{t("agg_filter_note", search=search)}</small></p></div>')


def region_filter(provinces: list[Province], unplaced: list[dict]) -> str:
    """The agency list's choice of a region: with the page's script, a link to its page (its
    agencies, however many) and, when the page lists every agency, its rows only; hidden without
    the script, the table of regions being the same links. An option's value is its page's name."""
    options = [f'<option value="">{h(t("agencies_region_all"))}</option>']
    for p in provinces:
        areas = "".join(f'<option value="{h(file_name(a.code))}">{h(a.name)}</option>' for a in p.areas.values())
        own = f'<option value="{h(file_name(p.code))}">{h(t("agencies_region_whole", name=p.name))}</option>'
        options.append(f'<optgroup label="{h(p.name)}">{own}{areas}</optgroup>')
    if unplaced:
        options.append(f'<option value="{UNRESOLVED}">{h(t("regions_unresolved"))}</option>')
    return (f'<div class="xxgk-region-filter" markdown="0" hidden data-href="{h(regions_page("{page}"))}" data-go="{h(t("agencies_region_go", name="{name}"))}">'
            f'<label for="xxgk-region">{h(t("agencies_region_filter"))}</label> <select id="xxgk-region">{"".join(options)}</select> '
            '<a id="xxgk-region-link" hidden></a></div>')


def nbytes(lines: list[str] | tuple[str, ...]) -> int:
    return sum(len(x.encode("utf-8")) + 1 for x in lines)


def frame(description: str, title: str, before: tuple[str, ...] = (), after: tuple[str, ...] = ()) -> int:
    """The bytes of a page around its blocks, at most: front matter, heading, the pager twice."""
    longest = paged_title(description + title, 99999, 99999)
    return nbytes([front(longest), longest, *before, *after]) + 2 * len(pager("_" * 130, 50000, 99999).encode("utf-8")) + 64


def split_pages(site: Site, folder: str, stem: str, title: str, description: str, intro: list[str], blocks: list[str],
                before: tuple[str, ...] = (), after: tuple[str, ...] = ()) -> None:
    """A list as pages <folder>/<stem>.md, <folder>/<stem>--2.md …: the intro on the first, the
    blocks (table rows, report entries) split so that no page passes PAGE_BYTES."""
    pages = paginate(blocks, budget=PAGE_BYTES - frame(description, title, before, after), first=nbytes(intro))
    write_paged(site, folder, stem, title, description, intro, pages, before, after)


def write_paged(site: Site, folder: str, stem: str, title: str, description: str, intro: list[str], pages: list[list[str]],
                before: tuple[str, ...] = (), after: tuple[str, ...] = ()) -> None:
    """Pages made by `paginate`, each's blocks between `before` and `after`, linked to each other."""
    for k, chunk in enumerate(pages, 1):
        nav = pager(stem, k, len(pages))
        out = [front(paged_title(description, k, len(pages))), f"# {esc(paged_title(title, k, len(pages)))}", ""]
        out += intro if k == 1 else []
        if chunk:
            out += [nav, "", *before, *chunk, *after, "", nav, ""]
        site.write(f"{folder}/{page_stem(stem, k)}.md", "\n".join(out) + "\n")


def write_whole(site: Site, folder: str, stem: str, title: str, description: str, intro: str, pages: list[list[str]]) -> set[str]:
    """Pages made by `paginate` (their blocks HTML, `intro` too) written whole through the site's
    own template into `<fragments>/<folder>/`, outside MkDocs, as the agency pages are: a list
    that grows with the corpus (the findings) costs MkDocs nothing. A page whose bytes are those
    already there is not written again. Returns the names of the files."""
    names = set()
    for k, chunk in enumerate(pages, 1):
        nav = pager(stem, k, len(pages))
        name = f"{page_stem(stem, k)}.html"
        body = (intro if k == 1 else "") + (f"{nav}\n{chr(10).join(chunk)}\n{nav}\n" if chunk else "")
        text = page(f"{folder}/{name}", paged_title(title, k, len(pages)), paged_title(title, k, len(pages)),
                    paged_title(description, k, len(pages)), body, kind="xxgk-list-page")
        write_changed(site.fragments / folder / name, text.encode("utf-8"))
        site.pages += 1
        names.add(name)
    return names


def list_pages(site: Site, stem: str, title: str, description: str, intro: list[str], rows: list[str]) -> None:
    """Agencies' rows as pages regions/<stem>.md …, each with the filter over its rows."""
    split_pages(site, "regions", stem, title, description, intro, rows,
                (filter_box(), "", LIST_TABLE + columns(site) + "<tbody>"), ("</tbody></table></div>",))


# --- the pages ----------------------------------------------------------------------------------

def agency_list(site: Site) -> None:
    """agencies/index.md: the provinces, each with links to its areas' lists; every agency too
    while they are few (SMALL_LIST)."""
    provinces, unplaced = regions_of(site)
    n = len(site.agencies)
    search = '<a href="../search.html">' + h(t("search")) + "</a>"
    out = [front(t("agg_agencies_description", count=n)), f"# {t('agencies')}", "", t("agg_agencies_intro", count=n, search=search), "",
           region_filter(provinces, unplaced), "",
           TABLE.format(cls="xxgk-list") + head(site.pub.title("agencies", "province"), t("agency_count"), t("agg_areas")) + "<tbody>"]
    for p in provinces:
        own = f'<a href="{h(region_href(p.code))}">{h(t("agg_province_own"))}</a>'
        links = [t("titled_count", title=own, count=len(p.own))] if p.own else []
        links += [t("titled_count", title=f'<a href="{h(region_href(a.code))}">{h(a.name)}</a>', count=len(a.agencies)) for a in p.areas.values()]
        out.append(f'<tr><td><a href="{h(region_href(p.code))}">{h(p.name)}</a></td><td class="num">{p.count}</td><td>{t("sep_list").join(links)}</td></tr>')
    if unplaced:
        out.append(f'<tr><td><a href="{h(regions_page(UNRESOLVED))}">{h(t("regions_unresolved"))}</a></td><td class="num">{len(unplaced)}</td><td></td></tr>')
    out += ["</tbody></table></div>", ""]
    if n <= SMALL_LIST:
        every = sorted(site.agencies.values(), key=lambda a: by_name(a["agency_id"], a["name"]))
        out += [f"## {t('all_agencies')}", "", filter_box(), "", LIST_TABLE + columns(site) + "<tbody>",
                *(agency_row(site, a, place(a), regions=True) for a in every), "</tbody></table></div>", ""]
    site.write("agencies/index.md", "\n".join(out))


def regions(site: Site) -> None:
    """regions/index.md (the provinces), a list of pages per province (its areas, then its
    province-level agencies), per area and for the agencies of no resolved region."""
    pub = site.pub
    provinces, unplaced = regions_of(site)
    out = [front(t("agg_regions_description", count=len(site.agencies))), f"# {t('regions')}", "", t("regions_intro"), "",
           f"| {pub.title('agencies', 'province')} | {t('agency_count')} | {t('agg_area_count')} |", "| --- | ---: | ---: |"]
    for p in provinces:
        out.append(f"| [{esc(p.name)}]({file_name(p.code)}.md) | {p.count} | {len(p.areas)} |")
    if unplaced:
        out.append(f"| [{esc(t('regions_unresolved'))}]({UNRESOLVED}.md) | {len(unplaced)} | |")
    site.write("regions/index.md", "\n".join(out) + "\n")
    for p in provinces:
        intro = []
        if p.areas:
            intro += [t("agg_province_intro", count=p.count, areas=len(p.areas)), "", TABLE.format(cls="xxgk-list") + head(pub.title("agencies", "prefecture"), t("agency_count")) + "<tbody>"]
            intro += [f'<tr><td><a href="{h(file_name(a.code))}.html">{h(a.name)}</a></td><td class="num">{len(a.agencies)}</td></tr>'
                      for a in p.areas.values()]
            intro += ["</tbody></table></div>", ""]
        if p.own:
            intro += [f"## {esc(t('agg_province_own'))}", "", t("region_intro", count=len(p.own)), ""]
        list_pages(site, file_name(p.code), p.name, t("agg_region_description", place=p.name, count=p.count), intro,
                   [agency_row(site, a, place(a, p.name)) for a in p.own])
        for a in p.areas.values():
            up = f'<a href="{h(file_name(p.code))}.html">{h(p.name)}</a>'
            list_pages(site, file_name(a.code), a.name, t("agg_region_description", place=p.name + a.name, count=len(a.agencies)),
                       [t("agg_up", link=up), "", t("region_intro", count=len(a.agencies)), ""],
                       [agency_row(site, x, place(x, p.name, a.name)) for x in a.agencies])
    if unplaced:
        list_pages(site, UNRESOLVED, t("regions_unresolved"), t("agg_unresolved_description", count=len(unplaced)),
                   [t("agg_unresolved_intro", count=len(unplaced)), ""], [agency_row(site, a, "") for a in unplaced])
