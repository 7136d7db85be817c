"""The publication register: for every agency and every year of the corpus, whether its report is
in the corpus, when it was published, and whether that was on time; and, for a report not in the
corpus, what the agency's own report column says of it (what the harvest saw, `listed`): listed
there (published, not yet parsed), not listed there (not found on the agency's site), or no column
of the agency harvested.

Deadlines (《中华人民共和国政府信息公开条例》2019, 第四十九条): the departments of people's
governments at county level and above publish their report by 31 January of the next year; those
governments' own reports (published by their 政府信息公开工作主管部门) by 31 March. The regulation
sets no deadline for townships and subdistricts, whose reports are published within their county's.
"""

from __future__ import annotations

from collections.abc import Iterable

# the provision as it is cited, published in register.deadline_basis
BASIS = "《中华人民共和国政府信息公开条例》（2019）第四十九条"  # noqa: RUF001


def kind(agency: dict) -> str:
    """government | department | township | unknown — what the deadline depends on."""
    t = agency.get("agency_type", "")
    if t in ("subdistrict", "township"):
        return "township"
    if not agency.get("level"):
        return "unknown"
    return "government" if t == "government" else "department"


def deadline(kind_: str, year: int) -> str:
    if kind_ == "department":
        return f"{year + 1}-01-31"
    if kind_ == "government":
        return f"{year + 1}-03-31"
    return ""


def counted(report: dict) -> bool:
    """Whether a report is its agency's report of its year: it has both, is no copy of another file
    and is not superseded by a more complete file of the same year."""
    return bool(report["agency_id"] and report["year"] and report["status"] != "duplicate" and not report.get("superseded_by"))


STATUSES = ["in_corpus", "listed_not_parsed", "not_listed", "not_harvested"]


def status(in_corpus: bool, listed: bool, harvested: bool) -> str:
    """in_corpus: the year's report is in the corpus; listed_not_parsed: not in the corpus, but the
    agency's harvested column lists a report of that year; not_listed: the column was harvested and
    lists none of that year; not_harvested: no column of the agency was harvested."""
    if in_corpus:
        return "in_corpus"
    if listed:
        return "listed_not_parsed"
    return "not_listed" if harvested else "not_harvested"


def rows(agencies: list[dict], reports: list[dict], listings: Iterable[tuple[str, int | None, str]] = (),
         harvested: Iterable[str] = ()) -> list[dict]:
    """One row per agency and year: the years of the counted reports and of the listings, from the
    first to the last. `listings` are (agency_id, year, article address) of the report articles the
    agencies' harvested columns list (a year of None, or an agency not among `agencies`, says only
    that the column was harvested); `harvested` the agency_ids whose column was walked."""
    known = {a["agency_id"] for a in agencies}
    listed: dict[str, dict[int, set[str]]] = {}
    walked = {aid for aid in harvested if aid in known}
    for aid, year, article in listings:
        if aid not in known:
            continue
        walked.add(aid)
        if year is not None:
            listed.setdefault(aid, {}).setdefault(year, set()).add(article)
    years = [r["year"] for r in reports if counted(r)] + [y for by_year in listed.values() for y in by_year]
    if not years:
        return []
    span = range(min(years), max(years) + 1)
    by_agency: dict[str, dict[int, list[dict]]] = {}
    for r in reports:
        if counted(r):
            by_agency.setdefault(r["agency_id"], {}).setdefault(r["year"], []).append(r)
    out = []
    for a in agencies:
        k = kind(a)
        for year in span:
            found = sorted(by_agency.get(a["agency_id"], {}).get(year, []), key=lambda r: r["source_file"])
            first = found[0] if found else None
            articles = sorted(listed.get(a["agency_id"], {}).get(year, set()))
            due = deadline(k, year) if year >= 2019 else ""
            published = first["publication_date"] if first else ""
            on_time = None if not (due and published) else published <= due
            out.append({
                "agency_id": a["agency_id"], "year": year, "in_corpus": bool(found),
                "status": status(bool(found), bool(articles), a["agency_id"] in walked),
                "listed_url": next((u for u in articles if u), ""),
                "report_id": first["report_id"] if first else "", "publication_date": published,
                "publication_date_source": first["publication_date_source"] if first else "",
                "agency_kind": k, "deadline": due, "on_time": on_time, "deadline_basis": BASIS if due else "",
            })
    return out
