"""The publication register: for every agency and every year of the corpus, whether its report is
in the corpus, when it was published, and whether that was on time.

Deadlines (《中华人民共和国政府信息公开条例》2019, 第四十九条): the departments of people's
governments at county level and above publish their report by 31 January of the next year; those
governments' own reports (published by their 政府信息公开工作主管部门) by 31 March. The regulation
sets no deadline for townships and subdistricts, whose reports are published within their county's.
"""

from __future__ import annotations

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


def rows(agencies: list[dict], reports: list[dict]) -> list[dict]:
    years = [r["year"] for r in reports if counted(r)]
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
            due = deadline(k, year) if year >= 2019 else ""
            published = first["publication_date"] if first else ""
            on_time = None if not (due and published) else published <= due
            out.append({
                "agency_id": a["agency_id"], "year": year, "in_corpus": bool(found),
                "report_id": first["report_id"] if first else "", "publication_date": published,
                "publication_date_source": first["publication_date_source"] if first else "",
                "agency_kind": k, "deadline": due, "on_time": on_time, "deadline_basis": BASIS if due else "",
            })
    return out
