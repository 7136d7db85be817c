"""The pages over the whole package, as Markdown for MkDocs. In: the build's state (`Site`: the
package, the agencies and their counted reports, which source pages were published). Out: the
home page (the package's figures and charts), the agency list, region pages, rankings, data
quality (every finding of every report), the data dictionary (from datapackage.json and the codes
table), downloads (the package's files and how to read them) and the agency search page with its
index (search-index.json).

Every figure comes from `published` (one definition each); every label of the report template
from the package's codes table; every word of the site's own from the strings file."""

from __future__ import annotations

import json
from collections import defaultdict

from .charts import bar, render_chart
from .context import Site
from .html import esc, fmt, h, percent, size
from .links import agency_href, file_name, source_href
from .published import counted, problems, superseded_by, total
from .strings import label, message, t, words

MIN_RANKED = 10  # requests handled before an agency's rates are compared
TABLE = '<div class="xxgk-table-wrap" markdown="0"><table class="{cls}">'
PYTHON_EXAMPLE = ["import pandas as pd", "facts = pd.read_parquet(\"facts.parquet\")", "reports = pd.read_csv(\"reports.csv\")",
                  "new = facts.query(\"section == 'requests' and row == 'new' and column == 'total'\")",
                  "print(new.merge(reports, on=\"report_id\")[[\"agency_name\", \"year\", \"value\"]])"]
R_EXAMPLE = ["library(arrow)", "facts <- read_parquet(\"facts.parquet\")",
             "subset(facts, section == \"requests\" & row == \"total\" & column == \"total\")"]
SQL_EXAMPLE = ["SELECT r.agency_name, r.year, f.value", "FROM 'facts.parquet' f JOIN 'reports.csv' r USING (report_id)",
               "WHERE f.section = 'requests' AND f.row = 'new' AND f.column = 'total';"]


def head(*labels: str) -> str:
    """A table's header row (the labels are the site's own or the package's: escaped here)."""
    return "<thead><tr>" + "".join(f"<th>{h(x)}</th>" for x in labels) + "</tr></thead>"


def years_of(reports: list[dict]) -> str:
    """The years of some reports, listed."""
    return t("sep_list").join(map(str, sorted({r["year"] for r in reports if r["year"]})))


def granted_label(site: Site) -> str:
    """The granted and partly granted rows of the requests table, as one figure's label."""
    rows = site.pub.labels("row", "requests")
    return t("sum_of_two", a=label(rows["granted"]), b=label(rows["partial"]))


def write_all(site: Site) -> None:
    agency_list(site)
    regions(site)
    home(site)
    rankings(site)
    quality(site)
    dictionary(site)
    downloads(site)
    search(site)


def agency_list(site: Site) -> None:
    pub = site.pub
    out = [f"# {t('agencies')}", "", t("agencies_intro", count=len(site.agencies)), "",
           f'<div class="xxgk-filter" markdown="0"><input type="search" id="xxgk-filter" placeholder="{h(t("agencies_filter_placeholder"))}" aria-label="{h(t("agencies_filter"))}"></div>',
           "", '<div class="xxgk-table-wrap" markdown="0"><table id="xxgk-agencies" class="xxgk-list">'
           + head(t("agency"), pub.title("reports", "year"), pub.title("agencies", "reports")) + "<tbody>"]
    for aid, a in sorted(site.agencies.items(), key=lambda kv: kv[1]["name"]):
        reports = site.by_agency.get(aid, [])
        out.append(f'<tr><td><a href="{h(agency_href(aid))}">{h(a["name"])}</a></td><td>{h(years_of(reports))}</td><td class="num">{len(reports)}</td></tr>')
    out.append("</tbody></table></div>")
    site.write("agencies/index.md", "\n".join(out) + "\n")


def regions(site: Site) -> None:
    """Province pages: the province's agencies by prefecture and county, with their latest
    figures side by side (peers), and an index of provinces."""
    pub = site.pub
    by_province: dict[tuple[str, str], list[dict]] = defaultdict(list)
    unplaced = []
    for a in site.agencies.values():
        if a.get("province_code"):
            by_province[(a["province_code"], a["province"])].append(a)
        else:
            unplaced.append(a)
    out = [f"# {t('regions')}", "", t("regions_intro"), "",
           f"| {pub.title('agencies', 'province')} | {t('agency_count')} |", "| --- | ---: |"]
    for (code, name), agencies in sorted(by_province.items()):
        out.append(f"| [{esc(name)}]({file_name(code)}.md) | {len(agencies)} |")
    if unplaced:
        out.append(f"| {t('regions_unresolved')} | {len(unplaced)} |")
    site.write("regions/index.md", "\n".join(out) + "\n")
    columns = head(t("agency"), pub.title("agencies", "county"), t("latest_year"), t("handled"), granted_label(site), t("share"), t("problems"))
    for (code, name), agencies in sorted(by_province.items()):
        page = [f"# {esc(name)}", "", t("region_intro", count=len(agencies)), ""]
        groups: dict[str, list[dict]] = defaultdict(list)
        for a in agencies:
            groups[a["prefecture"] or t("province_level")].append(a)
        for prefecture, members in sorted(groups.items()):
            page += [f"## {esc(prefecture)}", "", TABLE.format(cls="xxgk-list xxgk-sortable") + columns + "<tbody>"]
            for a in sorted(members, key=lambda a: (a["county"] or "", a["name"])):
                reports = [r for r in site.by_agency.get(a["agency_id"], []) if r["year"]]
                latest = reports[-1] if reports else None
                f = pub.figures(latest["report_id"]) if latest else None
                handled, granted = (f.handled, f.granted) if f else (None, None)
                wrong = len(problems(pub.checks.get(latest["report_id"], []))) if latest else 0
                page.append(f'<tr><td><a href="{h(agency_href(a["agency_id"]))}">{h(a["name"])}</a></td><td>{h(a["county"])}</td>'
                            f'<td>{h(latest["year"] if latest else "")}</td><td class="num">{fmt(handled)}</td><td class="num">{fmt(granted)}</td>'
                            f'<td class="num">{percent(granted, handled)}</td><td class="num">{wrong}</td></tr>')
            page += ["</tbody></table></div>", ""]
        site.write(f"regions/{file_name(code)}.md", "\n".join(page))


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
        f"# {t('home_title')}", "",
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
            *[f"| {esc(s)} | {n} |" for s, n in sorted(ov.statuses.items())], ""]
    if dropped:
        out += [t("home_not_counted", count=ov.files - ov.reports, dropped=t("sep_clause").join(dropped)), ""]
    more = [(t("all_agencies"), "agencies/index.md"), (t("regions"), "regions/index.md"), (t("rankings"), "rankings.md"),
            (t("quality"), "quality.md"), (t("downloads"), "downloads.md"), (t("dictionary"), "dictionary.md"), (t("about"), "about.md")]
    out += [t("home_more", links=" · ".join(f"[{name}]({href})" for name, href in more)), ""]
    site.write("index.md", "\n".join(out))


def rankings(site: Site) -> None:
    pub = site.pub
    rows = []
    for r in pub.counted:
        if not r["agency_id"] or not r["year"]:
            continue
        f = pub.figures(r["report_id"])
        if f.handled is None or f.handled < MIN_RANKED:
            continue
        rows.append((r, f))
    out = [f"# {t('rankings')}", "", t("rankings_intro", min=MIN_RANKED), ""]
    if not rows:
        out.append(t("rankings_none", min=MIN_RANKED))
    else:
        denied = label(pub.labels("group", "requests")["denied"])
        out += [TABLE.format(cls="xxgk-list xxgk-sortable")
                + head(t("agency"), t("year"), t("handled"), granted_label(site), t("share"), denied, t("share"), t("not_held"), t("share")) + "<tbody>"]
        for r, f in sorted(rows, key=lambda x: (x[0]["agency_name"] or "", x[0]["year"])):
            out.append(f'<tr><td><a href="{h(agency_href(r["agency_id"], ""))}#r-{h(r["report_id"])}">{h(r["agency_name"])}</a></td><td>{h(r["year"])}</td>'
                       f'<td class="num">{fmt(f.handled)}</td><td class="num">{fmt(f.granted)}</td><td class="num">{percent(f.granted, f.handled)}</td>'
                       f'<td class="num">{fmt(f.denied)}</td><td class="num">{percent(f.denied, f.handled)}</td><td class="num">{fmt(f.not_held)}</td>'
                       f'<td class="num">{percent(f.not_held, f.handled)}</td></tr>')
        out.append("</tbody></table></div>")
    site.write("rankings.md", "\n".join(out) + "\n")


def quality(site: Site) -> None:
    pub = site.pub
    codes = pub.labels("finding")
    counts = pub.overview().findings_by_code
    reports = {r["report_id"]: r for r in pub.reports}
    out = [f"# {t('quality')}", "", t("quality_intro"), "",
           f"## {t('quality_codes')}", "", t("quality_codes_intro"), "",
           f"| {t('code')} | {pub.title('checks', 'severity')} | {t('meaning')} | {t('occurrences')} |", "| --- | --- | --- | ---: |"]
    for (code, sev), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        out.append(f"| `{esc(code)}` | {esc(sev)} | {esc(label(codes[code]) if code in codes else '')} | {n} |")
    order = sorted(pub.checks, key=lambda rid: (reports[rid]["agency_name"] or "", reports[rid]["year"] or 0, reports[rid]["source_file"]))
    main = [rid for rid in order if counted(reports[rid])]
    rest = [rid for rid in order if not counted(reports[rid])]
    out += ["", f"## {t('quality_reports')}", "", t("quality_reports_intro"), ""]
    for rid in main:
        out += quality_entry(site, reports[rid])
    if rest:
        out += [f"## {t('quality_not_counted')}", "", t("quality_not_counted_intro"), ""]
        for rid in rest:
            out += quality_entry(site, reports[rid])
    site.write("quality.md", "\n".join(out) + "\n")


def quality_entry(site: Site, r: dict) -> list[str]:
    """One report's findings on the quality page, each linked to its line of the source page."""
    pub = site.pub
    rid = r["report_id"]
    rank = {"error": 0, "warning": 1, "info": 2}
    fs = sorted(pub.checks[rid], key=lambda f: (rank.get(f["severity"], 3), f["finding_id"]))
    name = r["agency_name"] or t("agency_unknown")
    aid = site.agency_of.get(rid)
    title = f'<a href="{h(agency_href(aid, ""))}#r-{h(rid)}">{h(name)}</a>' if aid else h(name)
    source = source_href(rid, "") if rid in site.published_sources else None
    primary = superseded_by(r)
    note = f" <small>{t('quality_superseded', primary=f'<code>{h(primary)}</code>')}</small>" if primary else ""
    out = [f'<h3 id="q-{h(rid)}">{title} · {h(r["year"] or t("year_unknown"))} <small><code>{h(r["source_file"])}</code></small>{note}</h3>',
           TABLE.format(cls="xxgk-list") + head(t("code"), pub.title("checks", "severity"), t("location"), pub.title("checks", "message"),
                                                pub.title("checks", "expected"), pub.title("checks", "found"), pub.title("reports", "source_file")) + "<tbody>"]
    for f in fs:
        where = "·".join(x for x in (f["section"], f["row"], f["column"]) if x)
        if source and f["source_line"]:
            link = f'<a href="{h(source)}#L{h(f["source_line"])}">{t("line_number", line=h(f["source_line"]))}</a>'
        else:
            link = f'<a href="{h(source)}">{h(t("view"))}</a>' if source else ""
        out.append(f'<tr><td><code>{h(f["code"])}</code></td><td>{h(f["severity"])}</td><td>{h(where)}</td><td>{h(message(f))}</td>'
                   f'<td>{h(f["expected"])}</td><td>{h(f["found"])}</td><td>{link}</td></tr>')
    return out + ["</tbody></table></div>", ""]


def dictionary(site: Site) -> None:
    pub = site.pub
    d = pub.descriptor
    out = [f"# {t('dictionary')}", "", t("dictionary_intro"), ""]
    for res in d["resources"]:
        out += [f"## `{esc(res['name'])}` · {esc(res['title'])}", "", esc(res["description"]), "",
                f"| {t('field_name')} | {t('field_title')} | {t('field_type')} | {t('field_description')} | {t('field_values')} |",
                "| --- | --- | --- | --- | --- |"]
        for f in res["schema"]["fields"]:
            enum = f.get("constraints", {}).get("enum")
            values = t("sep_list").join(f"`{esc(v)}`" for v in enum if v) if enum and len(enum) <= 8 else (t("see_codes") if enum else "")
            out.append(f"| `{esc(f['name'])}` | {esc(f['title'])} | {esc(f['type'])} | {esc(f['description'])} | {values} |")
        keys = res["schema"].get("primaryKey")
        if keys:
            out.append("")
            out.append(t("primary_key", keys=esc(t("sep_list").join(keys))))
        out.append("")
    out += [f"## {pub.title('codes')}", "", t("dictionary_codes_intro"), ""]
    columns = [pub.title("codes", "section"), pub.title("codes", "code"), pub.title("codes", "label_zh"), t("label_en"), pub.title("codes", "template")]
    kinds = words("code_kinds")
    for kind in ("section", "row", "column", "group", "finding"):
        out += [f"### {kinds[kind]}", "", "| " + " | ".join(columns) + " |", "| --- | --- | --- | --- | --- |"]
        for c in pub.codes:
            if c["kind"] == kind:
                out.append(f"| {esc(c['section'])} | `{esc(c['code'])}` | {esc(c['label_zh'])} | {esc(c['label_en'])} | {esc(c['template'] or c['severity'])} |")
        out.append("")
    site.write("dictionary.md", "\n".join(out))


def downloads(site: Site) -> None:
    d = site.pub.descriptor
    target = site.out / "data"
    lines = [f"# {t('downloads')}", "", t("downloads_intro"), "",
             f"- {t('with_size', name='[' + t('downloads_zip') + '](data/xxgk-datapackage.zip)', size=size(target / 'xxgk-datapackage.zip'))}",
             f"- {t('with_size', name='[datapackage.json](data/datapackage.json)', size=size(target / 'datapackage.json'))}", "",
             f"| {t('table')} | {t('field_description')} | {t('row_count')} | CSV | {t('excel_csv')} | Parquet |", "| --- | --- | ---: | --- | --- | --- |"]
    for res in d["resources"]:
        name = res["name"]
        lines.append(f"| `{name}` | {t('titled', title=esc(res['title']), description=esc(res['description']))} | {res.get('x_rows', '')} "
                     f"| [{name}.csv](data/data/{name}.csv) ({size(target / 'data' / f'{name}.csv')}) | [{name}.csv](data/excel/{name}.csv) "
                     f"| [{name}.parquet](data/data/{name}.parquet) ({size(target / 'data' / f'{name}.parquet')}) |")
    lines += ["", t("downloads_excel_note"), "",
              f"## {t('downloads_examples')}", "", t("downloads_python"), "", "```python", *PYTHON_EXAMPLE, "```", "",
              t("downloads_r"), "", "```r", *R_EXAMPLE, "```", "",
              t("downloads_duckdb"), "", "```sql", *SQL_EXAMPLE, "```", "",
              f"## {t('downloads_license_heading')}", "", t("downloads_license"), "",
              f"> {t('downloads_citation', version=esc(d.get('version', '')))}", ""]
    site.write("downloads.md", "\n".join(lines))


def search(site: Site) -> None:
    # each agency: its name, the link to its page (from the top of the site), its years
    index = [[a["name"], agency_href(aid, ""), years_of(site.by_agency.get(aid, []))] for aid, a in sorted(site.agencies.items())]
    (site.out / "search-index.json").write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    site.write("search.md", f"# {t('search')}\n\n{t('search_intro')}\n\n"
               f'<div class="xxgk-search" markdown="0"><input type="search" id="xxgk-search" placeholder="{h(t("search_placeholder"))}" aria-label="{h(t("search"))}" autofocus>'
               '<p id="xxgk-search-status" aria-live="polite"></p><ul id="xxgk-results"></ul></div>\n')
