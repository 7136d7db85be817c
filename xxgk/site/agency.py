"""Agency pages and their cache. In: one agency_id and the build's state (`Site`: the package, the
agency's counted reports and its other files, which source pages were published). Out: the
agency's CSV and JSON of figures (agencies/<name>.csv, .json) and its page, whole (`shell.page`),
for `render.render_agencies` (its latest year against its peers: `headline`; the agency's facts, a
trend over its years, per report its tables, checks and charts; how to cite it: `citation`), unless the fragment made from the same rows
by the same code is there already (`pages_version`, the digest kept in KEYS beside the
fragments)."""

from __future__ import annotations

import csv
import io

from ..files import write_atomic
from . import shell, strings
from .aggregate import quality_href
from .charts import render_small_chart, trend
from .citation import cite_section, issue_link, repo_url, write_agency_json
from .context import Site
from .headline import headline, latest_report, outcomes_figure, peers_of
from .html import fmt, h
from .keys import digest, pages_version
from .links import file_href, file_name, files_url, region_href, source_href, web_link
from .published import REGISTER_LISTED, problems, superseded_by
from .sources import original_suffix
from .strings import label, message, t, word, words
from .tables import Tables, section_heading


def agency_page(site: Site, aid: str, previous_key: str | None = None) -> str:
    """Write the agency's page and CSV (for `xxgk render`), unless those made from the same rows
    are there already. Returns the digest of what they are made from."""
    pub = site.pub
    agency = site.agencies[aid]
    reports = site.by_agency.get(aid, [])  # counted reports only
    others = site.secondary_by_agency.get(aid, [])  # another file of one of its years: a note, not counted
    fragment = site.fragments / "agencies" / f"{file_name(aid)}.html"
    # a report's figures follow from its file (report_id, sha256) and the parser that read it; a
    # package that does not name its parser: from its facts
    parser = pub.descriptor.get("x_parser_digest")
    facts_by_report = {} if parser else {r["report_id"]: pub.facts(r["report_id"]) for r in reports}
    figures = parser or [sorted(f.items()) for f in facts_by_report.values()]
    # what the agency's own column says of the years the corpus lacks (nothing unless its column was harvested)
    register = register_section([row for row in site.register_by_agency.get(aid, []) if row["status"] != "in_corpus"])
    peers = peers_of(site).get(aid)  # what its latest year is compared with (made once, in the parent)
    key = digest([pages_version(), shell.site_url(), files_url(), repo_url(), pub.descriptor.get("version"), figures, agency, reports, others,
                   [pub.checks.get(r["report_id"], []) for r in reports + others],
                   [r["report_id"] in site.published_sources for r in reports + others], register,
                   [quality_href(site, o["report_id"]) for o in others], peers])  # where their findings are listed; its peers' medians
    site.pages += 1
    if (key == previous_key and all(r["report_id"] in pub.kept_figures for r in reports)  # no facts to read for them
            and fragment.exists() and (site.shares or (fragment.with_suffix(".csv").exists() and fragment.with_suffix(".json").exists()))):
        site.reused += 1
        return key
    facts_by_report = facts_by_report or {r["report_id"]: pub.facts(r["report_id"]) for r in reports}
    for rid, facts in facts_by_report.items():
        pub.figures(rid, facts)
    if not site.shares:  # another language's page links the default language's CSV and JSON (`links.file_href`)
        write_agency_csv(site, aid, reports, facts_by_report)
        write_agency_json(site, aid, agency, reports, facts_by_report)
    years = sorted({r["year"] for r in reports if r["year"]})
    out = [*headline(site, aid, peers), '<div class="xxgk-meta">']
    kind = words("agency_types").get(agency.get("agency_type") or "", "")
    level = words("agency_levels").get(agency.get("level") or "", "")
    if kind or level:
        out.append(f"<p>{h(' · '.join(x for x in (level, kind) if x))}</p>")
    if agency.get("names") and agency["names"] != agency["name"]:  # the reports printed other names too
        out.append(f"<p>{t('agency_names', names=h(agency['names']))}</p>")
    if agency.get("region_status") == "resolved":
        place = strings.places([agency["province"], agency["prefecture"] if agency["prefecture"] != agency["province"] else "", agency["county"]], " ")
        codes = agency["county_code"] or agency["prefecture_code"] or agency["province_code"]
        how = words("region_evidence").get(agency["region_evidence"] or "", "")
        link = f'<a href="{h(region_href(agency["province_code"]))}">{h(place)}</a>'
        out.append(f"<p>{t('agency_region', place=link, code=h(codes), how=h(how))}</p>")
    elif agency.get("region_status") == "ambiguous":
        out.append(f"<p>{h(t('agency_region_ambiguous'))}</p>")
    out.append(f"<p>{t('agency_summary', years_title=h(pub.title('reports', 'year')), years=h(t('sep_list').join(map(str, years)) or '—'), reports=len(reports), id_title=h(pub.title('agencies', 'agency_id')), id=f'<code>{h(aid)}</code>')}</p>")
    out.append(f'<p><a href="{h(file_href(f"agencies/{file_name(aid)}.csv"))}" download>{h(t("agency_csv"))}</a> · '
               f'<a href="{h(file_href(f"agencies/{file_name(aid)}.json"))}">{h(t("agency_json"))}</a></p>{issue_link(aid, agency)}')
    out.append("</div>")
    out += register
    with_requests = [r for r in reports if r["year"] and any(k[0] == "requests" for k in facts_by_report[r["report_id"]])]
    if len({r["year"] for r in with_requests}) >= 2:
        review = label(pub.labels("row", "appeals")["review"])
        points = []
        for r in with_requests:
            f = pub.figures(r["report_id"])
            for series, v in ((t("series_new"), f.new), (t("handled"), f.handled), (review, f.review), (t("litigation"), f.litigation)):
                if v is not None:
                    points.append((str(r["year"]), series, v))
        chart = trend("trend", t("chart_trend_title"), t("chart_trend_description", agency=strings.name(agency["name"])), points)
        trend_section = [f'<h2 id="trend">{h(t("agency_trend"))}</h2>', render_small_chart(chart)]
    else:
        trend_section = []
    placed: set[str] = set()
    opening = (latest_report(site, aid) or {}).get("report_id")  # its outcomes are charted in the headline
    for k, r in enumerate(sorted(reports, key=lambda r: (r["year"] or 0, r["source_file"]), reverse=True)):
        notes = [o for o in others if superseded_by(o) == r["report_id"]]
        placed.update(o["report_id"] for o in notes)
        out += report_section(site, aid, r, facts_by_report[r["report_id"]], notes, chart=r["report_id"] != opening)
        if k == 0:  # after the latest year's figures, before the earlier years: a page opens on figures, not on a chart
            out += trend_section
    unplaced = [o for o in others if o["report_id"] not in placed]
    if unplaced:  # a primary that is not among this agency's reports: still say the file exists
        out += [f'<h2 id="other-files">{h(t("agency_other_files"))}</h2>', *secondary_notes(site, unplaced)]
    place = place_of(agency)
    span = t("year_span", first=years[0], last=years[-1]) if len(years) > 2 else t("sep_list").join(map(str, years))
    where = t("agency_where_sep").join(x for x in (place, span) if x)
    shown = strings.name(agency["name"])  # with its pinyin on an English page
    title = t("agency_title_years", name=shown, where=where) if where else shown
    out += cite_section(site, aid, agency, years, reports + others)
    description = t("agency_description", name=shown, where=t("agency_where", where=where) if where else "")
    write_atomic(fragment, shell.page(f"agencies/{file_name(aid)}.html", title, shown, description, "\n".join(out) + "\n").encode("utf-8"))
    return key


def place_of(agency: dict) -> str:
    """Where an agency is, in a few characters (province, prefecture, county; each once)."""
    if agency.get("region_status") != "resolved":
        return ""
    parts: list[str] = []
    for part in (agency.get("province"), agency.get("prefecture"), agency.get("county")):
        if part and part not in parts:
            parts.append(part)
    return strings.places(parts)


def register_section(missing: list[dict]) -> list[str]:
    """The years whose report the corpus does not hold, as the agency's own column tells them
    (published but not yet held, not listed there), once its column has been harvested."""
    if not any(row["status"] in REGISTER_LISTED for row in missing):
        return []
    out = [f'<h2 id="register">{h(t("agency_register"))}</h2>', f"<p>{h(t('agency_register_explain'))}</p>", "<ul>"]
    for row in sorted(missing, key=lambda r: r["year"], reverse=True):
        status = h(words("register_status")[row["status"]])
        if (row.get("listed_url") or "").startswith(("http://", "https://")):
            status += f' · <a href="{h(row["listed_url"])}" rel="nofollow noopener noreferrer">{h(t("register_listed_link"))}</a>'
        out.append(f"<li>{t('register_year', year=h(row['year']), status=status)}</li>")
    return [*out, "</ul>"]


def secondary_notes(site: Site, others: list[dict]) -> list[str]:
    """A small note for each other file of a year: named, linked to its source page and its
    findings, and said not to be used."""
    out = []
    for o in sorted(others, key=lambda o: o["source_file"]):
        orid = o["report_id"]
        parts = [t("secondary_file", file=f"<code>{h(o['source_file'])}</code>")]
        codes = sorted({f["code"] for f in site.pub.checks.get(orid, []) if not f["section"]})
        if orid in site.pub.checks:
            listed = t("sep_list").join(f"<code>{h(c)}</code>" for c in codes) or h(t("all_findings"))
            parts.append(t("secondary_checks", link=f'<a href="{h(quality_href(site, orid))}">{h(t("see_checks"))}</a>', codes=listed))
        if orid in site.published_sources:
            parts.append(f'<a href="{h(source_href(orid))}">{h(t("source_with_lines"))}</a>')
        out.append(f'<p class="xxgk-secondary" id="r-{h(orid)}"><small>{" · ".join(parts)}</small></p>')
    return out


def report_section(site: Site, aid: str, r: dict, facts: dict, others: list[dict] | None = None, chart: bool = True) -> list[str]:
    """One report on its agency's page: its facts and links, its checks, its tables and (unless
    the page's headline shows it: `chart`) the chart of its outcomes."""
    pub = site.pub
    rid = r["report_id"]
    findings = pub.checks.get(rid, [])
    source = source_href(rid) if rid in site.published_sources else None
    year = r["year"] or t("year_unknown")
    out = [f'<h2 id="r-{h(rid)}">{h(t("report_heading", year=year))}</h2>']
    out += secondary_notes(site, others or [])
    links = []
    if source:
        links.append(f'<a href="{h(source)}">{h(t("source_with_lines"))}</a>')
        links.append(f'<a href="{h(source_href(rid, ext=original_suffix(r)))}" download>{h(t("original_file"))}</a>')
    if r["source_url"]:
        links.append(t("source_url", title=h(pub.title("reports", "source_url")), url=web_link(r["source_url"])))
    out.append('<div class="xxgk-meta">')
    out.append(f"<p>{h(r['title'])}</p>")
    meta = [t("field", title=h(pub.title("reports", "template")), value=h(r["template"] or "—"))]
    if r["status"] != "ok":  # a report read whole says nothing more
        meta.append(t("field", title=h(pub.title("reports", "status")), value=h(word("report_status", r["status"]))))
    if r["publication_date"]:
        meta.append(t("field", title=h(pub.title("reports", "publication_date")), value=h(r["publication_date"])))
    out.append("<p>" + " · ".join(meta) + "</p>")
    if links:
        out.append("<p>" + " · ".join(links) + "</p>")
    out.append("</div>")
    serious = problems(findings)
    if findings:
        heading = t("titled_count", title=h(pub.title("checks")), count=len(findings))
        out.append(f'<div class="admonition {"warning" if serious else "info"}"><p class="admonition-title">{heading}</p><ul>')
        for f in findings:
            where = "·".join(x for x in (f["section"], f["row"], f["column"]) if x)
            line = f' <a href="{h(source)}#L{h(f["source_line"])}">{t("line_number", line=h(f["source_line"]))}</a>' if source and f["source_line"] else ""
            # in words first, the finding's code (and where it is) a detail
            out.append(f'<li>{h(message(f))} <code>{h(f["code"])}</code>{f" <small>({h(where)})</small>" if where else ""}{line}</li>')
        out.append("</ul></div>")
    report = bool(repo_url())  # errors can be reported: the tables name their figures' codes, the report its id and year
    tables = Tables(pub, r, facts, findings, source, codes=report)
    # the source page the tables' figures link to, named once for them all (xxgk.js)
    attrs = (f' data-src="{h(source)}"' if source else "") + (f' data-r="{h(rid)}" data-y="{h(r["year"] or "")}"' if report else "")
    out.append(f'<div class="xxgk-report-tables"{attrs}>')
    if tables.has("proactive"):
        out += [f"<h3>{section_heading(pub, 'proactive')}</h3>", tables.proactive()]
    if tables.has("requests"):
        out += [f"<h3>{section_heading(pub, 'requests')}</h3>", tables.requests()]
        # one chart a report: how its requests were answered (who asked, and the appeals, are
        # in the tables above and below; a page's bytes are budgeted)
        if chart:
            out += [outcomes_figure(pub.figures(rid, facts), rid, year)]
    if tables.has("appeals"):
        out += [f"<h3>{section_heading(pub, 'appeals')}</h3>", tables.appeals()]
    return [*out, "</div>"]


def write_agency_csv(site: Site, aid: str, reports: list[dict], facts_by_report: dict) -> None:
    """The agency's figures as one CSV (UTF-8 with a byte-order mark, so that Excel opens it)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["year", "report_id", "section", "row", "column", "value", "status", "evidence", "printed", "source_file", "source_line"])
    for r in reports:
        for (section, row, column), f in facts_by_report[r["report_id"]].items():
            w.writerow([r["year"], r["report_id"], section, row, column, fmt(f["value"]), f["status"], f["evidence"] or "",
                        f["printed"] or "", r["source_file"], f["source_line"] or ""])
    write_atomic(site.fragments / "agencies" / f"{file_name(aid)}.csv", b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
