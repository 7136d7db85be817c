"""The publication register: for every agency and every year of the corpus, whether its report is
in the corpus, when it was published, and whether that was on time.

Deadlines (《中华人民共和国政府信息公开条例》2019, 第四十九条): the departments of people's
governments at county level and above publish their report by 31 January of the next year; those
governments' own reports (published by their 政府信息公开工作主管部门) by 31 March. The regulation
sets no deadline for townships and subdistricts, whose reports are published within their county's.
"""

from __future__ import annotations

import re

BASIS = "《中华人民共和国政府信息公开条例》（2019）第四十九条"
_GOVERNMENT = re.compile(r"(人民政府|人民政府办公室|人民政府办公厅|政府办公室|政府办公厅)$")
_TOWNSHIP = re.compile(r"(乡|镇|街道|街道办事处|苏木)(人民政府|办事处)?(办公室)?$|街道办事处")


def kind(name: str, region_level: str) -> str:
    """government | department | township | unknown — what the deadline depends on."""
    if _TOWNSHIP.search(name):
        return "township"
    if _GOVERNMENT.search(name) and region_level:
        return "government"
    if region_level:
        return "department"
    return "unknown"


def deadline(kind_: str, year: int) -> str:
    if kind_ == "department":
        return f"{year + 1}-01-31"
    if kind_ == "government":
        return f"{year + 1}-03-31"
    return ""


def rows(agencies: list[dict], reports: list[dict]) -> list[dict]:
    years = [r["year"] for r in reports if r["year"] and r["status"] != "duplicate"]
    if not years:
        return []
    span = range(min(years), max(years) + 1)
    by_agency: dict[str, dict[int, list[dict]]] = {}
    for r in reports:
        if r["agency_id"] and r["year"] and r["status"] != "duplicate":
            by_agency.setdefault(r["agency_id"], {}).setdefault(r["year"], []).append(r)
    out = []
    for a in agencies:
        k = kind(a["name"], a.get("county") and "county" or a.get("prefecture") and "prefecture" or a.get("province") and "province" or "")
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
