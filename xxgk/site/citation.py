"""What an agency page says of itself: how to cite it, where its figures are as data, and how to
report an error in one of them. In: the build's `Site`, the agency and its reports (and their
facts). Out: the page's "cite" section (`cite_section`), the agency's JSON of figures beside its
CSV (`write_agency_json`: agencies/<name>.json), the attributes by which the page's script turns
each figure into a pre-filled GitHub issue (`issue_link`, only with XXGK_REPO_URL), and the
small file every page's citation takes the package's date from (`package_script`).

A page's bytes change only with what it shows: the package's version is the descriptor's (it
changes with the code, which remakes every page anyway); the package's date (its latest report
added) changes with any agency's data, so it is not in the pages but in one shared file the
script reads (javascripts/package.js)."""

from __future__ import annotations

import json
import os
from urllib.parse import urlencode

from ..files import write_atomic
from . import shell, strings
from .context import Site
from .html import h, json_in_html
from .links import file_name, source_href
from .published import Published
from .strings import t

PACKAGE_SCRIPT = "package.js"  # under javascripts/: the package's version and date, for the citations
JSON_FIELDS = ["section", "row", "column", "value", "status", "evidence", "printed", "source_line"]


def repo_url() -> str:
    """The project's repository (XXGK_REPO_URL, e.g. https://github.com/owner/name), where errors
    are reported as issues; "" when the build is not given one (then no page offers it)."""
    return os.environ.get("XXGK_REPO_URL", "").strip().rstrip("/")


def day(value) -> str:
    """A date or time of the package as a day (YYYY-MM-DD); "" for none."""
    return str(value)[:10] if value else ""


def package_date(pub: Published) -> str:
    """The package's date: the day its latest report was added (the descriptor gives none)."""
    return max((day(r.get("retrieved")) for r in pub.reports), default="")


def package_script(pub: Published) -> str:
    """javascripts/package.js, shared by every agency page: the citations' words for the package's
    date, and the wording of a figure's error report (`issue_link`) and the report tables' codes in
    order (`tables.spans`)."""
    date = package_date(pub)
    text = t("cite_package_date", date=date) if date else t("cite_no_package_date")
    issue = {"title": t("issue_figure_title", agency="{agency}", year="{year}", figure="{figure}"),
             "body": t("issue_figure_body", agency="{agency}", id="{id}", report="{report}", figure="{figure}", value="{value}",
                       source="{source}", page="{page}"), "toggle": t("issue_toggle"), "hint": t("issue_toggle_hint")}
    codes = {s: {"rows": list(pub.labels("row", s)), "columns": list(pub.labels("column", s))} for s in ("proactive", "requests", "appeals")}
    return f"window.XXGK_PACKAGE = {json_in_html({'version': pub.descriptor.get('version', ''), 'date': date, 'text': text, 'issue': issue, 'codes': codes})};\n"


def cite_section(site: Site, aid: str, agency: dict, years: list, files: list[dict]) -> list[str]:
    """How to cite the page (its agency, years, address and the package's version; the date is
    filled in from the shared file), and when its data were last added."""
    rel = f"{strings.root()}agencies/{file_name(aid)}.html"  # from the top of the whole site
    url = shell.site_url()
    span = t("year_span", first=years[0], last=years[-1]) if len(years) > 2 else t("sep_list").join(map(str, years)) or "—"
    # the package's date is filled in by the page's script from the shared file (PACKAGE_SCRIPT)
    cite = t("cite_text", agency=h(strings.name(agency["name"])), years=h(span), version=h(site.pub.descriptor.get("version", "")),
             date='<span class="xxgk-package-date"></span>')
    out = ['<section class="xxgk-cite" aria-labelledby="cite">', f'<h2 id="cite">{h(t("cite_heading"))}</h2>',
           f'<p>{cite}{" " + t("cite_at", url=h(url + rel)) if url else ""}</p>']
    updated = max((day(r.get("retrieved")) for r in files), default="")
    if updated:
        out.append(f"<p>{h(t('cite_updated', date=updated))}</p>")
    return [*out, "</section>"]


def issue_link(aid: str, agency: dict) -> str:
    """A link to a pre-filled issue about the page's data, which the page's script gives a button
    that does the same for each figure; nothing without a repository (XXGK_REPO_URL)."""
    repo = repo_url()
    if not repo:
        return ""
    url, rel = shell.site_url(), f"{strings.root()}agencies/{file_name(aid)}.html"
    # the agency by its id, the page by its address: a Chinese name percent-encoded is three times its bytes
    query = urlencode({"title": t("issue_page_title", agency=aid), "body": url + rel if url else rel})
    # the page's script words a figure's issue from the shared file (PACKAGE_SCRIPT); its codes are on its table (`Tables(codes=True)`)
    return f'<p class="xxgk-issue" data-repo="{h(repo)}" data-id="{h(aid)}"><a href="{h(repo)}/issues/new?{h(query)}" rel="nofollow">{h(t("issue_page"))}</a></p>'


def write_agency_json(site: Site, aid: str, agency: dict, reports: list[dict], facts_by_report: dict) -> None:
    """The agency's figures as JSON (agencies/<name>.json, beside its CSV, with the same figures):
    the agency, its counted reports, each figure by its codes (section, row, column) and the codes'
    labels in Chinese and English, once."""
    pub = site.pub
    url = shell.site_url()
    used: dict[str, dict[str, set]] = {}
    out_reports = []
    for r in reports:
        facts = facts_by_report[r["report_id"]]
        for section, row, column in facts:
            used.setdefault(section, {"row": set(), "column": set()})
            used[section]["row"].add(row)
            used[section]["column"].add(column)
        page = None
        if r["report_id"] in site.published_sources:
            page = source_href(r["report_id"], "")
            page = page if "://" in page or not url else url + page
        out_reports.append({k: r.get(k) for k in ("report_id", "year", "title", "template", "status", "publication_date", "source_file",
                                                   "source_url", "retrieved")}
                           | {"source_page": page, "figures": [[*key, f["value"], f["status"], f["evidence"], f["printed"], f["source_line"]]
                                                                for key, f in facts.items()]})
    labels = {}
    for section, kinds in sorted(used.items()):
        entry = pub.labels("section").get(section)
        labels[section] = {"label_zh": entry["label_zh"] if entry else "", "label_en": entry["label_en"] if entry else ""}
        for kind, codes in kinds.items():
            known = pub.labels(kind, section)
            labels[section][kind + "s"] = {c: {"label_zh": known[c]["label_zh"], "label_en": known[c]["label_en"]} for c in sorted(codes) if c in known}
    doc = {"agency": agency, "package": {"name": pub.descriptor.get("name", ""), "version": pub.descriptor.get("version", "")},
           "page": url + f"agencies/{file_name(aid)}.html" if url else f"agencies/{file_name(aid)}.html",
           "fields": JSON_FIELDS, "reports": out_reports, "labels": labels}
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))
    write_atomic(site.fragments / "agencies" / f"{file_name(aid)}.json", (text + "\n").encode("utf-8"))
