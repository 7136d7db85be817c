"""The pages over the whole package, as Markdown for MkDocs. In: the build's state (`Site`: the
package, the agencies and their counted reports, which source pages were published). Out: the
home page (the package's figures and charts), the agency list and region pages (`lists`),
rankings (the top of each measure; every compared report on pages per province), data quality
(the findings by code; every finding of every report, on pages per province once they pass half
a page: `quality_href` links a report's), who published each year's report and when
(`publication`), the data dictionary (from datapackage.json and the codes
table), downloads (the package's files and how to read them) and the agency search page with its
index (`search/`, see `search`).

Every figure comes from `published` (one definition each); every label of the report template
from the package's codes table; every word of the site's own from the strings file."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from . import lists, publication
from . import search as search_index
from .charts import bar, render_chart
from .context import Site
from .downloads import EXCEL_ROWS, EXCEL_ZIP_NAME, ZIP_NAME, excel_name, fits_excel
from .html import MIN_RANKED, code_span, esc, fmt, h, percent, size
from .links import agency_href, file_href, file_name, source_href
from .lists import TABLE, UNRESOLVED, agency_order, front, granted_label, head
from .published import ReportFigures, counted, read_table, superseded_by, total
from .strings import described, label, message, t, word, words
from .sync import remove_stale

MIN_PEERS = 10  # agencies with a figure before it is compared with theirs (headline.py; the agency itself among them)
TOP_RANKED = 20  # reports shown for each measure on rankings.md
END = "</tbody></table></div>"
# The findings that a printed total differs from the sum the template (or last year's report) requires
ARITHMETIC = frozenset({"requests-balance", "requests-total-row", "requests-total-column", "appeals-total", "proactive-in-force",
                        "carry-over-mismatch", "in-force-mismatch"})
SEVERITY = {"error": 0, "warning": 1, "info": 2}
PYTHON_EXAMPLE = ["import pandas as pd", "facts = pd.read_parquet(\"facts.parquet\")", "reports = pd.read_csv(\"reports.csv\")",
                  "new = facts.query(\"section == 'requests' and row == 'new' and column == 'total'\")",
                  "print(new.merge(reports, on=\"report_id\")[[\"agency_name\", \"year\", \"value\"]])"]
R_EXAMPLE = ["library(arrow)", "facts <- read_parquet(\"facts.parquet\")",
             "subset(facts, section == \"requests\" & row == \"total\" & column == \"total\")"]
SQL_EXAMPLE = ["SELECT r.agency_name, r.year, f.value", "FROM 'facts.parquet' f JOIN 'reports.csv' r USING (report_id)",
               "WHERE f.section = 'requests' AND f.row = 'new' AND f.column = 'total';"]


def years_of(reports: list[dict]) -> str:
    """The years of some reports, listed."""
    return t("sep_list").join(map(str, sorted({r["year"] for r in reports if r["year"]})))


def write_all(site: Site, downloads_made: Callable[[], object] = lambda: None) -> None:
    """Every aggregate page; `downloads_made` is waited for before the downloads page (which
    gives their sizes), last, so that making them goes on meanwhile."""
    lists.agency_list(site)
    lists.regions(site)
    home(site)
    rankings(site)
    quality(site)
    publication.write(site)
    dictionary(site)
    search(site)
    downloads_made()
    downloads(site)


def home(site: Site) -> None:
    pub = site.pub
    ov = pub.overview()

    def row(key: str, name: str, value, note: str = "") -> str:
        note = f'<br><small>{note}</small>' if note else ""
        cls = ' class="num"' if isinstance(value, (int, float)) or key in ("handled", "outcome-sum") else ""
        return f'<tr data-figure="{key}"><th scope="row">{h(name)}{note}</th><td{cls}>{h(value)}</td></tr>'

    dropped = []
    if ov.not_counted["duplicate"]:
        dropped.append(t("home_dropped_duplicate", count=ov.not_counted["duplicate"]))
    if ov.not_counted["superseded"]:
        dropped.append(t("home_dropped_superseded", count=ov.not_counted["superseded"]))
    rows = [row("reports", t("reports"), ov.reports,
                t("home_reports_note", files=ov.files, dropped=t("sep_list").join(dropped)) if dropped else ""),
            row("agencies", t("agencies"), ov.agencies),
            row("years", t("year"), t("sep_list").join(map(str, sorted(ov.years))) or "—"),
            row("handled", t("handled"), fmt(ov.handled) or "—", t("home_handled_note", count=ov.handled_reports)),
            row("outcome-sum", t("outcome_sum"), fmt(ov.outcome_sum) or "—", t("home_outcome_sum_note")),
            row("findings", t("home_findings"), ov.findings, t("home_findings_note"))]
    explain = t("home_sums_disagree", count=ov.disagreeing) if ov.disagreeing else t("home_sums_agree")
    years = [(str(y), n) for y, n in sorted(ov.years.items())]
    form = (f'<form class="xxgk-search-form" action="search.html" method="get" markdown="0"><input type="search" name="q" '
            f'placeholder="{h(t("home_search_placeholder"))}" aria-label="{h(t("search"))}"><button type="submit">{h(t("search_button"))}</button></form>')
    out = [
        front(t("agg_home_description", reports=ov.reports, agencies=ov.agencies)) + f"# {t('home_title')}", "",
        t("home_intro"), "",
        form, "",
        f"## {t('home_overview')}", "",
        TABLE.format(cls="xxgk-list xxgk-overview") + head(t("item"), t("quantity")) + "<tbody>",
        *rows, "</tbody></table></div>", "", explain, "",
        f"## {t('home_years')}", "",
        render_chart(bar("years", t("chart_years"), t("chart_years_description"), years, unit=t("reports_count")), "home"),
    ]
    if ov.outcomes:
        out.append(render_chart(bar("outcomes", t("chart_outcomes"), t("chart_outcomes_description", sum=fmt(ov.outcome_sum)),
                                    list(ov.outcomes.items())), "home"))
    if ov.applicants:
        new = label(pub.labels("row", "requests")["new"])
        out.append(render_chart(bar("applicants", t("chart_applicants"),
                                    t("chart_applicants_description", new=new, sum=fmt(total(ov.applicants.values()))),
                                    list(ov.applicants.items())), "home"))
    out += [f"## {pub.title('reports', 'status')}", "", f"| {t('status')} | {t('reports_count')} |", "| --- | ---: |",
            *[f"| {esc(word('report_status', s))} | {n} |" for s, n in sorted(ov.statuses.items())], ""]
    if dropped:
        out += [t("home_not_counted", count=ov.files - ov.reports, dropped=t("sep_clause").join(dropped)), ""]
    more = [(t("all_agencies"), "agencies/index.md"), (t("regions"), "regions/index.md"), (t("rankings"), "rankings.md"),
            (t("quality"), "quality.md"),
            (t("publication"), "publication.md"), (t("downloads"), "downloads.md"), (t("dictionary"), "dictionary.md"), (t("about"), "about.md")]
    out += [t("home_more", links=" · ".join(f"[{name}]({href})" for name, href in more)), ""]
    site.write("index.md", "\n".join(out))


def ranked(site: Site) -> list[tuple[dict, ReportFigures]]:
    """The counted reports whose rates are compared (MIN_RANKED requests handled or more)."""
    rows = []
    for r in site.pub.counted:
        if not r["agency_id"] or not r["year"]:
            continue
        f = site.pub.figures(r["report_id"])
        if f.handled is not None and f.handled >= MIN_RANKED:
            rows.append((r, f))
    return rows


def ranking_open(site: Site) -> str:
    denied = label(site.pub.labels("group", "requests")["denied"])
    return (TABLE.format(cls="xxgk-list xxgk-sortable")
            + head(t("agency"), t("year"), t("handled"), granted_label(site), t("share"), denied, t("share"), t("not_held"), t("share")) + "<tbody>")


def ranking_rows(rows: list[tuple[dict, ReportFigures]], base: str) -> list[str]:
    """Reports side by side: each rate with its numerator and its denominator (handled)."""
    return [f'<tr><td><a href="{h(agency_href(r["agency_id"], base))}#r-{h(r["report_id"])}">{h(r["agency_name"])}</a></td><td>{h(r["year"])}</td>'
            f'<td class="num">{fmt(f.handled)}</td><td class="num">{fmt(f.granted)}</td><td class="num">{percent(f.granted, f.handled)}</td>'
            f'<td class="num">{fmt(f.denied)}</td><td class="num">{percent(f.denied, f.handled)}</td><td class="num">{fmt(f.not_held)}</td>'
            f'<td class="num">{percent(f.not_held, f.handled)}</td></tr>' for r, f in rows]


def rankings(site: Site) -> None:
    """rankings.md: the TOP_RANKED reports that handled the most requests, and pages per province
    (rankings/<code>.md …) with every report of it that is compared, by name."""
    pub = site.pub
    rows = ranked(site)
    out = [front(t("agg_rankings_description", min=MIN_RANKED)), f"# {t('rankings')}", "", t("rankings_intro", min=MIN_RANKED, top=TOP_RANKED), "",
           # how an agency page compares it with its peers (each page links here, not repeating it)
           f"## {t('peers_method')} {{#peers}}", "", esc(t("peers_rates_note", min=MIN_PEERS, min_ranked=MIN_RANKED)), ""]
    if not rows:
        site.write("rankings.md", "\n".join([*out, t("rankings_none", min=MIN_RANKED), ""]))
        return

    def tie(x: tuple[dict, ReportFigures]) -> tuple:  # then by volume, then by name: the same order on every build
        return -(x[1].handled or 0), *agency_order(site, x[0]["agency_id"], x[0]["agency_name"]), x[0]["year"], x[0]["report_id"]

    # the most requests handled (a volume, not a judgement); no list of the highest or lowest
    # shares: agencies' requests differ too much in number and kind for a league table of rates
    out += [f"## {t('agg_rankings_most', measure=t('handled'), count=min(TOP_RANKED, len(rows)))}", "",
            ranking_open(site), *ranking_rows(sorted(rows, key=tie)[:TOP_RANKED], ""), END, ""]
    groups: dict[str, list] = defaultdict(list)
    for x in rows:
        groups[lists.province_key(site, x[0]["agency_id"]) or ""].append(x)
    names = {code: site.agencies[xs[0][0]["agency_id"]]["province"] or code for code, xs in groups.items()} | {"": t("regions_unresolved")}
    stems = {code: file_name(code) if code else UNRESOLVED for code in groups}
    order = sorted(groups, key=lambda c: (not c, c))
    out += [f"## {t('agg_by_region')}", "", TABLE.format(cls="xxgk-list") + head(pub.title("agencies", "province"), t("agg_ranked_count")) + "<tbody>",
            *(f'<tr><td><a href="rankings/{h(stems[c])}.html">{h(names[c])}</a></td><td class="num">{len(groups[c])}</td></tr>' for c in order),
            END, ""]
    site.write("rankings.md", "\n".join(out))
    back = t("agg_up", link=f'<a href="../rankings.html">{h(t("rankings"))}</a>')
    for code in order:
        xs = sorted(groups[code], key=lambda x: (*agency_order(site, x[0]["agency_id"], x[0]["agency_name"]), x[0]["year"], x[0]["report_id"]))
        lists.split_pages(site, "rankings", stems[code], t("agg_rankings_region_title", name=names[code]),
                          t("agg_rankings_region_description", name=names[code], count=len(xs)),
                          [back, "", t("agg_rankings_region_intro", min=MIN_RANKED, count=len(xs)), ""], ranking_rows(xs, "../"),
                          (ranking_open(site),), (END,))


# --- data quality -------------------------------------------------------------------------------

@dataclass
class QualityLayout:
    """Where each report's findings are shown: all on quality.md while they fit in half a page,
    else on pages per province (quality/<code>.html, quality/<code>--2.html …), written whole as
    they are laid out (`lists.write_whole`): a national site's findings fill hundreds of megabytes,
    never held whole, nor rendered by MkDocs."""
    page_of: dict[str, str] = field(default_factory=dict)  # report_id -> its page, from the top of the site, without .html
    names: dict[str, str] = field(default_factory=dict)  # page name -> the province's name
    reports: dict[str, list[str]] = field(default_factory=dict)  # page name -> its reports (none: all on quality.md)


_layouts: WeakKeyDictionary[Site, QualityLayout] = WeakKeyDictionary()


def quality_order(site: Site) -> list[str]:
    """The reports with findings: counted ones by agency name, year and file, then the others."""
    reports = {r["report_id"]: r for r in site.pub.reports}
    order = sorted(site.pub.checks, key=lambda rid: (*agency_order(site, site.agency_of.get(rid), reports[rid]["agency_name"]), reports[rid]["year"] or 0,
                                                      reports[rid]["source_file"], rid))
    return [rid for rid in order if counted(reports[rid])] + [rid for rid in order if not counted(reports[rid])]


def quality_intro_html() -> str:
    """The intro of a province's quality pages (written whole, as HTML)."""
    up = t("agg_up", link=f'<a href="../quality.html">{h(t("quality"))}</a>')
    return f"<p>{up}</p>\n<p>{h(t('quality_reports_intro'))}</p>\n{quality_filter()}\n"


def quality_titles(name: str, count: int) -> tuple[str, str]:
    """A province's quality pages' title and description."""
    return t("agg_quality_region_title", name=name), t("agg_quality_region_description", name=name, count=count)


def not_counted_heading() -> str:
    return f"<h2>{h(t('quality_not_counted'))}</h2>\n<p>{h(t('quality_not_counted_intro'))}</p>\n"


def quality_layout(site: Site) -> QualityLayout:
    """The pages of the findings, the provinces' written here (made once per build; the entries'
    links to source pages need the source pages written first)."""
    if site in _layouts:
        return _layouts[site]
    layout = _layouts[site] = QualityLayout()
    reports = {r["report_id"]: r for r in site.pub.reports}
    order = quality_order(site)
    entry = lambda rid: "\n".join(quality_entry(site, reports[rid], "../"))
    size = 0
    for rid in order:  # all on quality.md while they fit: only then is every entry made here
        size += len(entry(rid).encode("utf-8"))
        if size > lists.PAGE_BYTES // 2:
            break
    else:
        layout.page_of = {rid: "quality" for rid in order}
        remove_stale(site.fragments / "quality", set())
        return layout
    written: set[str] = set()
    for rid in order:
        code = lists.province_key(site, site.agency_of.get(rid))
        stem = file_name(code) if code else UNRESOLVED
        layout.reports.setdefault(stem, []).append(rid)
        if stem not in layout.names:
            layout.names[stem] = (site.agencies[site.agency_of[rid]]["province"] or code) if code else t("regions_unresolved")
    for stem, rids in layout.reports.items():
        blocks, keys, heading = [], [], False
        for rid in rids:
            if not heading and not counted(reports[rid]):
                blocks.append(not_counted_heading())
                keys.append("")
                heading = True
            blocks.append(entry(rid))
            keys.append(rid)
        title, description = quality_titles(layout.names[stem], len(rids))
        pages = lists.paginate(blocks, budget=lists.PAGE_BYTES - lists.frame(description, title), first=len(quality_intro_html().encode("utf-8")))
        at = 0
        for k, chunk in enumerate(pages, 1):
            for key in keys[at:at + len(chunk)]:
                if key:
                    layout.page_of[key] = f"quality/{lists.page_stem(stem, k)}"
            at += len(chunk)
        written |= lists.write_whole(site, "quality", stem, title, description, quality_intro_html(), pages)
    remove_stale(site.fragments / "quality", written)
    return layout


def quality_href(site: Site, report_id: str, base: str = "../") -> str:
    """The link to a report's findings on the quality pages (from a page in a subfolder, base
    "../", or at the top, ""); a report without findings links to the summary."""
    page = quality_layout(site).page_of.get(report_id)
    return f"{base}{page}.html#q-{report_id}" if page else f"{base}quality.html"


def quality(site: Site) -> None:
    """quality.md: the findings by code (the template's arithmetic first) and by province, then
    every report's findings, there or on the provinces' pages."""
    pub = site.pub
    codes = pub.labels("finding")
    counts = pub.overview().findings_by_code
    layout = quality_layout(site)
    out = [front(t("agg_quality_description", count=len(pub.checks))), f"# {t('quality')}", "", t("quality_intro"), "",
           f"## {t('quality_codes')}", "", t("quality_codes_intro"), "",
           f"| {t('code')} | {pub.title('checks', 'severity')} | {t('meaning')} | {t('occurrences')} |", "| --- | --- | --- | ---: |"]
    for (finding, sev), n in sorted(counts.items(), key=lambda kv: (kv[0][0] not in ARITHMETIC, SEVERITY.get(kv[0][1], 3), -kv[1], kv[0])):
        out.append(f"| {code_span(finding)} | {esc(word('severity', sev))} | {esc(label(codes[finding]) if finding in codes else '')} | {n} |")
    reports = {r["report_id"]: r for r in pub.reports}
    if not layout.reports:
        out += ["", f"## {t('quality_reports')}", "", t("quality_reports_intro"), "", quality_filter(), ""]
        heading = False
        for rid in quality_order(site):
            if not heading and not counted(reports[rid]):
                out += [not_counted_heading()]
                heading = True
            out += quality_entry(site, reports[rid], "")
        site.write("quality.md", "\n".join(out) + "\n")
        return
    out += ["", f"## {t('agg_by_region')}", "", t("agg_quality_regions_intro"), "",
            TABLE.format(cls="xxgk-list") + head(pub.title("agencies", "province"), t("agg_quality_reports"), t("agg_errors"), t("agg_warnings")) + "<tbody>"]
    for stem in sorted(layout.reports, key=lambda s: (s == UNRESOLVED, s)):
        main = [rid for rid in layout.reports[stem] if counted(reports[rid])]
        found = [f["severity"] for rid in main for f in pub.checks[rid]]
        out.append(f'<tr><td><a href="quality/{h(stem)}.html">{h(layout.names[stem])}</a></td><td class="num">{len(main)}</td>'
                   f'<td class="num">{found.count("error")}</td><td class="num">{found.count("warning")}</td></tr>')
    out += [END, ""]
    site.write("quality.md", "\n".join(out))  # the provinces' pages were written with the layout


def quality_entry(site: Site, r: dict, base: str) -> list[str]:
    """One report's findings, each linked to its line of the source page (from a page at the top
    of the site, base "", or in a subfolder, "../")."""
    pub = site.pub
    rid = r["report_id"]
    fs = sorted(pub.checks[rid], key=lambda f: (SEVERITY.get(f["severity"], 3), f["finding_id"]))
    name = r["agency_name"] or t("agency_unknown")
    aid = site.agency_of.get(rid)
    title = f'<a href="{h(agency_href(aid, base))}#r-{h(rid)}">{h(name)}</a>' if aid else h(name)
    source = source_href(rid, base) if rid in site.published_sources else None
    primary = superseded_by(r)
    note = f" <small>{t('quality_superseded', primary=f'<code>{h(primary)}</code>')}</small>" if primary else ""
    out = [f'<section class="xxgk-q"><h3 id="q-{h(rid)}">{title} · {h(r["year"] or t("year_unknown"))} <small><code>{h(r["source_file"])}</code></small>{note}</h3>',
           TABLE.format(cls="xxgk-list") + head(t("code"), pub.title("checks", "severity"), t("location"), pub.title("checks", "message"),
                                                pub.title("checks", "expected"), pub.title("checks", "found"), pub.title("reports", "source_file")) + "<tbody>"]
    for f in fs:
        where = "·".join(x for x in (f["section"], f["row"], f["column"]) if x)
        if source and f["source_line"]:
            link = f'<a href="{h(source)}#L{h(f["source_line"])}">{t("line_number", line=h(f["source_line"]))}</a>'
        else:
            link = f'<a href="{h(source)}">{h(t("view"))}</a>' if source else ""
        out.append(f'<tr data-s="{h(f["severity"])}"><td><code>{h(f["code"])}</code></td><td>{h(word("severity", f["severity"]))}</td><td>{h(where)}</td>'
                   f'<td>{h(message(f))}</td><td>{h(f["expected"])}</td><td>{h(f["found"])}</td><td>{link}</td></tr>')
    return out + [END + "</section>", ""]


def quality_filter() -> str:
    """The form that narrows a page of findings to a kind (the template's arithmetic, a severity, a
    code): its words and the arithmetic codes here, the codes listed from the page by xxgk.js."""
    severities = json.dumps([[sev, word("severity", sev)] for sev in sorted(SEVERITY, key=SEVERITY.__getitem__)], ensure_ascii=False)
    return (f'<div class="xxgk-quality-filter" markdown="0" data-label="{h(t("quality_filter"))}" data-all="{h(t("quality_filter_all"))}" '
            f'data-arithmetic="{h(t("quality_filter_arithmetic"))}" data-arithmetic-codes="{" ".join(sorted(ARITHMETIC))}" '
            f'data-severities="{h(severities)}" data-shown="{h(t("quality_filter_shown", shown="{shown}", count="{count}"))}"></div>')


def dictionary(site: Site) -> None:
    pub = site.pub
    d = pub.descriptor
    out = [front(t("agg_dictionary_description")) + f"# {t('dictionary')}", "", t("dictionary_intro"), ""]
    for res in d["resources"]:
        out += [f"## {code_span(res['name'])} · {esc(pub.title(res['name']))}", "", esc(described(res["description"])), "",
                f"| {t('field_name')} | {t('field_title')} | {t('field_type')} | {t('field_description')} | {t('field_values')} |",
                "| --- | --- | --- | --- | --- |"]
        for f in res["schema"]["fields"]:
            enum = f.get("constraints", {}).get("enum")
            values = t("sep_list").join(code_span(v) for v in enum if v) if enum and len(enum) <= 8 else (t("see_codes") if enum else "")
            out.append(f"| {code_span(f['name'])} | {esc(pub.title(res['name'], f['name']))} | {esc(f['type'])} | {esc(described(f['description']))} | {values} |")
        keys = res["schema"].get("primaryKey")
        if keys:
            out.append("")
            out.append(t("primary_key", keys=esc(t("sep_list").join(keys))))
        out.append("")
    out += mapping_section(site)
    out += [f"## {pub.title('codes')}", "", t("dictionary_codes_intro"), ""]
    columns = [pub.title("codes", "section"), pub.title("codes", "code"), pub.title("codes", "label_zh"), t("label_en"), pub.title("codes", "template")]
    kinds = words("code_kinds")
    for kind in ("section", "row", "column", "group", "finding"):
        out += [f"### {kinds[kind]}", "", "| " + " | ".join(columns) + " |", "| --- | --- | --- | --- | --- |"]
        for c in pub.codes:
            if c["kind"] == kind:
                out.append(f"| {esc(c['section'])} | {code_span(c['code'])} | {esc(c['label_zh'])} | {esc(c['label_en'])} | {esc(c['template'] or word('severity', c['severity']))} |")
        out.append("")
    site.write("dictionary.md", "\n".join(out))


def mapping_section(site: Site) -> list[str]:
    """The figures of the 2019 template that the 2021 template prints under another code (the
    codebook's `same_as`), from `figure_mapping`; the same cells share a column already."""
    fields = ["code_2019", "label_2019", "code_2021", "label_2021"]
    out = [f"## {t('dictionary_mapping')}", "", t("dictionary_mapping_intro"), "",
           "| " + " | ".join(site.pub.title("figure_mapping", f) for f in fields) + " |", "| --- | --- | --- | --- |"]
    for m in read_table(site.pub.package, "figure_mapping", fields, [("basis", "=", "same_as")]):
        # <code>, not backticks: a code span would show the backslashes esc puts before "_"
        out.append(f"| <code>{h(m['code_2019'])}</code> | {esc(m['label_2019'])} | <code>{h(m['code_2021'])}</code> | {esc(m['label_2021'])} |")
    return [*out, ""]


def downloads(site: Site) -> None:
    d = site.pub.descriptor
    target = site.downloads

    def href(rel: str) -> str:  # from the top of the site, or where the downloads are published
        return file_href(f"data/{rel}", "")

    lines = [front(t("agg_downloads_description", version=d.get("version", ""))) + f"# {t('downloads')}", "", t("downloads_intro"), "",
             f"- {t('with_size', name='[' + t('downloads_zip_excel') + '](' + href(EXCEL_ZIP_NAME) + ')', size=size(target / EXCEL_ZIP_NAME))}",
             f"- {t('with_size', name='[' + t('downloads_zip') + '](' + href(ZIP_NAME) + ')', size=size(target / ZIP_NAME))}",
             f"- {t('with_size', name='[datapackage.json](' + href('datapackage.json') + ')', size=size(target / 'datapackage.json'))}", "",
             f"| {t('table')} | {t('field_description')} | {t('row_count')} | CSV | {t('excel_csv')} | Parquet |", "| --- | --- | ---: | --- | --- | --- |"]
    def excel(res: dict) -> str:  # a table longer than a sheet has no Excel copy, and says so
        name = res["name"]
        return f"[{excel_name(name)}]({href(f'excel/{excel_name(name)}')})" if fits_excel(res) else t("excel_too_many_rows", rows=f"{EXCEL_ROWS + 1:,}")

    for res in d["resources"]:
        name = res["name"]
        lines.append(f"| `{name}` | {t('titled', title=esc(site.pub.title(name)), description=esc(described(res['description'])))} | {res.get('x_rows', '')} "
                     f"| [{name}.csv]({href(f'data/{name}.csv')}) ({size(target / 'data' / f'{name}.csv')}) | {excel(res)} "
                     f"| [{name}.parquet]({href(f'data/{name}.parquet')}) ({size(target / 'data' / f'{name}.parquet')}) |")
    lines += ["", t("downloads_excel_note"), "",
              f"## {t('downloads_examples')}", "", t("downloads_python"), "", "```python", *PYTHON_EXAMPLE, "```", "",
              t("downloads_r"), "", "```r", *R_EXAMPLE, "```", "",
              t("downloads_duckdb"), "", "```sql", *SQL_EXAMPLE, "```", "",
              f"## {t('downloads_license_heading')}", "", t("downloads_license"), "",
              f"> {t('downloads_citation', version=esc(d.get('version', '')))}", ""]
    site.write("downloads.md", "\n".join(lines))


def search(site: Site) -> None:
    """The search page and its index (`search/`, written by `search.write`); the page's messages
    are the strings file's, handed to `search.js` as data attributes."""
    years = {aid: years_of(site.by_agency.get(aid, [])) for aid in site.agencies}
    search_index.write(site.out / search_index.FOLDER, site.agencies.values(), years)
    count, shown = "{count}", "{shown}"  # filled in by search.js
    messages = {"loading": t("search_loading"), "count": t("search_count", count=count), "found": t("search_found", count=count),
                "found-some": t("search_found_some", count=count, shown=shown), "found-many": t("search_found_many", count=count, shown=shown),
                "none": t("search_none"), "type-more": t("search_type_more"), "error": t("search_error"), "detail": t("search_detail", text="{text}")}
    data = "".join(f' data-{key}="{h(text)}"' for key, text in messages.items())
    site.write("search.md", f"# {t('search')}\n\n{t('search_intro')}\n\n{t('search_hint')}\n\n"
               f'<div class="xxgk-search" id="xxgk-search-page" markdown="0" data-index="{search_index.FOLDER}/" data-sep="{h(t("sep_clause"))}"{data}>'
               f'<input type="search" id="xxgk-search" placeholder="{h(t("search_placeholder"))}" aria-label="{h(t("search"))}" autofocus>'
               '<p id="xxgk-search-status" aria-live="polite"></p><ul id="xxgk-results"></ul></div>\n\n'
               '<script src="javascripts/search.js" defer></script>\n')
