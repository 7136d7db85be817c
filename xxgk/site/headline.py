"""What an agency page opens on: how the agency did in its latest counted year, in one sentence,
and against its peers (agencies of the same level and type: of its province when at least
MIN_PEERS of them have the figure, else of the whole package). In: the build's `Site` (in the
parent, `peer_table`: every agency's peer medians, computed once before the agency pages) and,
per page, the agency's latest report's figures (`Published.figures`) and its row of that table.
Out: the section's HTML.

A rate is `html.share` of the requests handled, compared only where the rankings compare it
(MIN_RANKED handled or more); a count is the report's as `published` defines it. No comparison,
and no rank, is made from fewer than MIN_PEERS agencies: the page says there are too few."""

from __future__ import annotations

from collections import defaultdict
from statistics import median
from weakref import WeakKeyDictionary

import pyarrow.compute as pc
import pyarrow.parquet as pq

from .aggregate import MIN_PEERS
from .charts import bar, render_small_chart
from .context import Site
from .html import MIN_RANKED, as_percent, fmt, h, share
from .lists import granted_label
from .published import Published, ReportFigures, problems, report_figures
from .strings import label, t, words

COUNTS = ("new", "review", "litigation")  # compared as counts
RATES = ("granted", "denied", "not_held")  # compared as shares of the requests handled


def measures(f: ReportFigures) -> dict[str, float | None]:
    """A report's compared figures: counts as printed, rates of MIN_RANKED handled or more."""
    rated = f.handled is not None and f.handled >= MIN_RANKED
    return {"new": f.new, "review": f.review, "litigation": f.litigation,
            **{m: share(getattr(f, m), f.handled) if rated else None for m in RATES}}


def latest_report(site: Site, aid: str) -> dict | None:
    """The agency's latest counted report of a known year (the agency lists' too)."""
    dated = [r for r in site.by_agency.get(aid, []) if r["year"]]
    return dated[-1] if dated else None


def peer_figures(pub: Published, rids: list[str]) -> dict[str, ReportFigures]:
    """The figures of these reports: kept or computed already, else from their requests' and
    appeals' `total` column, read for all of them at once (the compared figures use nothing else;
    the applicants' and appeals' pairs of these are incomplete and never kept)."""
    out = {rid: pub.figures(rid) for rid in rids if rid in pub._figures or rid in pub.kept_figures}
    wanted = [rid for rid in rids if rid not in out]
    path = pub.package / "data" / "facts.parquet"
    if not wanted or not path.exists():
        return out | {rid: report_figures(pub, {}) for rid in wanted}
    table = pq.read_table(path, columns=["report_id", "section", "row", "column", "value", "status"],
                          filters=[("column", "=", "total"), ("section", "in", ["requests", "appeals"])])
    table = table.filter(pc.is_in(table.column("report_id"), value_set=pc.cast(wanted, table.schema.field("report_id").type)))
    facts: dict[str, dict] = defaultdict(dict)
    for row in table.to_pylist():
        facts[row["report_id"]][(row["section"], row["row"], row["column"])] = row
    return out | {rid: report_figures(pub, facts.get(rid, {})) for rid in wanted}


_peers: WeakKeyDictionary[Site, dict[str, dict]] = WeakKeyDictionary()


def peers_of(site: Site) -> dict[str, dict]:
    """Every agency's peers (`peer_table`), made once per build; a page worker's, its chunk's
    (given with its rows: `workers.Rows`)."""
    if site not in _peers:
        _peers[site] = peer_table(site)
    return _peers[site]


def peer_table(site: Site) -> dict[str, dict]:
    """Every agency's peers in the year of its latest counted report: per measure the group used
    (province or national), its size and median, or the size of the largest group when under
    MIN_PEERS. Computed once, in the parent; a page worker is given its agencies' rows."""
    latest = {aid: r for aid in site.agencies if (r := latest_report(site, aid))}
    years = {r["year"] for r in latest.values()}
    reports = [r for r in site.pub.counted if r["year"] in years and r["agency_id"] in site.agencies]
    figures = peer_figures(site.pub, [r["report_id"] for r in reports])
    values: dict[tuple, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in reports:
        a = site.agencies[r["agency_id"]]
        if not (a.get("level") and a.get("agency_type")):
            continue
        groups = [(r["year"], a["level"], a["agency_type"], "")] + ([(r["year"], a["level"], a["agency_type"], p)] if (p := province(a)) else [])
        for m, v in measures(figures[r["report_id"]]).items():
            if v is not None:
                for g in groups:
                    values[g][m].append(v)
    stats = {g: {m: (len(vs), median(vs)) for m, vs in ms.items()} for g, ms in values.items()}
    out: dict[str, dict] = {}
    for aid, r in latest.items():
        a = site.agencies[aid]
        entry: dict = {"year": r["year"], "report_id": r["report_id"]}
        if a.get("level") and a.get("agency_type"):
            entry |= {"level": a["level"], "type": a["agency_type"], "province": a["province"] if province(a) else ""}
            here, nation = (stats.get((r["year"], a["level"], a["agency_type"], p), {}) for p in (province(a), ""))
            for m in (*COUNTS, *RATES):
                if here.get(m, (0,))[0] >= MIN_PEERS:
                    entry[m] = {"scope": "province", "n": here[m][0], "median": here[m][1]}
                elif nation.get(m, (0,))[0] >= MIN_PEERS:
                    entry[m] = {"scope": "national", "n": nation[m][0], "median": nation[m][1]}
                else:
                    entry[m] = {"n": max(here.get(m, (0,))[0], nation.get(m, (0,))[0])}
        out[aid] = entry
    return out


def province(a: dict) -> str:
    """The province code an agency is compared within ("" when its region is not settled)."""
    return (a.get("province_code") or "") if a.get("region_status") == "resolved" else ""


def sentence(site: Site, f: ReportFigures, year) -> str:
    """The latest year in one sentence (escaped): requests, how they were answered, appeals;
    what the report does not give, said so."""
    if f.new == 0 and not f.handled:
        clauses = [t("headline_no_requests")]
    else:
        clauses = [t("headline_new", new=fmt(f.new)) if f.new is not None else t("headline_new_missing")]
        if f.handled is not None:
            clauses.append(t("headline_handled", handled=fmt(f.handled)))
            if f.granted is not None:
                clauses.append(t("headline_granted", label=h(granted_label(site)), granted=fmt(f.granted),
                                 share=as_percent(share(f.granted, f.handled)) or "—"))
    if f.review is None and f.litigation is None:
        clauses.append(t("headline_appeals_missing"))
    else:
        clauses.append(t("headline_appeals", review=fmt(f.review) or "—", litigation=fmt(f.litigation) or "—"))
    return t("headline_lead", year=h(year), clauses=t("sep_clause").join(clauses))


def outcomes_description(f: ReportFigures) -> str:
    """What a report's outcome bars add up to, and how that compares with its printed total."""
    text = t("outcomes_description", sum=fmt(f.outcome_sum))
    if f.agrees:
        return text + t("outcomes_agree")
    if f.handled is None:
        return text + t("outcomes_no_total")
    return text + t("outcomes_disagree", handled=fmt(f.handled))


def outcomes_figure(fig: ReportFigures, rid: str, year) -> str:
    """How a report's requests were answered: a chart, or when every outcome is 0, a sentence
    that says so (an empty frame says nothing); nothing when the report gives no outcome."""
    if not fig.outcomes:
        return ""
    if not any(v for _, v in fig.outcomes):
        return f'<p class="xxgk-empty">{h(t("chart_report_outcomes_zero", year=year))}</p>\n'
    return render_small_chart(bar(f"outcomes-{rid}", t("chart_report_outcomes", year=year), outcomes_description(fig), fig.outcomes))


def measure_names(site: Site) -> dict[str, str]:
    pub = site.pub
    groups = pub.labels("group", "requests")
    return {"new": t("series_new"), "review": label(pub.labels("row", "appeals")["review"]), "litigation": t("litigation"),
            "granted": t("headline_rate", label=granted_label(site)), "denied": t("headline_rate", label=label(groups["denied"])),
            "not_held": t("headline_rate", label=t("not_held"))}


def group_words(peers: dict, m: str) -> str:
    """Who an agency is compared with for one measure, in words (escaped)."""
    p = peers[m]
    if "scope" not in p:
        return h(t("peers_too_few", n=p["n"]))
    kind = t("peers_kind", level=words("agency_levels").get(peers["level"], peers["level"]),
             type=words("agency_types").get(peers["type"], peers["type"]))
    where = peers["province"] if p["scope"] == "province" else t("peers_national")
    return h(t("peers_group", where=where, kind=kind, n=p["n"]))


def headline(site: Site, aid: str, peers: dict | None) -> list[str]:
    """The page's opening section: the latest year's sentence, the small chart of how its
    requests were answered (the report's own section then has none), the comparison with peers."""
    r = latest_report(site, aid)
    if r is None:
        return [f'<p class="xxgk-headline">{h(t("headline_none"))}</p>']
    f = site.pub.figures(r["report_id"])
    out = [f'<section class="xxgk-headline" aria-labelledby="headline"><h2 id="headline">{h(t("headline_heading", year=r["year"]))}</h2>',
           f"<p>{sentence(site, f, r['year'])}</p>"]
    serious = problems(site.pub.checks.get(r["report_id"], []))
    if serious:
        link = f'<a href="#r-{h(r["report_id"])}">{h(t("headline_findings_link"))}</a>'
        out.append(f'<p>{t("headline_findings", count=len(serious), link=link)}</p>')
    out.append(outcomes_figure(f, r["report_id"], r["year"]))
    if not peers or "level" not in peers:
        return [*out, f"<p>{h(t('peers_unknown'))}</p></section>"]
    own, names = measures(f), measure_names(site)
    rows, groups = [], []
    for m in (*COUNTS, *RATES):
        p = peers[m]
        show = as_percent if m in RATES else fmt
        mine, mid = own[m], p.get("median")
        if mine is None:  # not in the report, or a rate of too few requests (the sentence and the note say which)
            continue
        if mid is None:
            compared = "—"
        else:
            compared = h(t("peers_above") if mine > mid else t("peers_below") if mine < mid else t("peers_equal"))
        groups.append(group_words(peers, m))
        # the figures' cells right-aligned by the table's class (the page's bytes are budgeted)
        rows.append(f'<tr><th>{h(names[m])}</th><td>{show(mine) or "—"}</td><td>{show(mid) or "—"}</td><td>{compared}</td>')
    if not rows:  # the report gives none of the compared figures (the sentence says what it lacks)
        return [*out, "</section>"]
    # one peer group for every measure (the usual case) is named once, in the caption
    one = len(set(groups)) == 1
    caption = t("peers_caption_group", year=h(r["year"]), group=groups[0]) if one else h(t("peers_caption", year=r["year"]))
    rows = [row + ("</tr>" if one else f"<td>{g}</td></tr>") for row, g in zip(rows, groups, strict=True)]
    columns = (t("item"), t("peers_own"), t("peers_median"), t("peers_compared"), *(() if one else (t("peers_who"),)))
    head = "".join(f"<th>{h(x)}</th>" for x in columns)
    out += [(f'<div class="xxgk-table-wrap"><table class="xxgk-list xxgk-peers"><caption>{caption}</caption>'
             f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"),
            f'<p><small><a href="../rankings.html#peers">{h(t("peers_method_link"))}</a></small></p>']
    return [*out, "</section>"]
