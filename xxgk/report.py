"""One report file in, one parsed and checked report out (pure: bytes in, records out)."""

from __future__ import annotations

from .check import identities as check
from .findings import catalogue
from .identify.region import resolve
from .model import Finding, Report
from .parse.extract import extract
from .parse.read import ReadError, read_bytes


def parse_bytes(data: bytes, suffix: str) -> Report:
    try:
        doc = read_bytes(data, suffix)
    except ReadError as exc:
        report = Report(status="failed", format=suffix.lstrip(".").lower())
        report.add(exc.code, "error", exc.message_zh, exc.message_en)
        return report
    report = extract(doc)
    # what the reader noticed of the file itself (a cut last character) comes first, with the
    # severity the codebook gives its code
    report.findings[:0] = [Finding(code, catalogue()[code].severity, zh, en) for code, zh, en in doc.notes]
    check.check(report)
    if report.agency_name:
        context = " ".join([report.title, report.source_url, doc.meta.get("publisher", ""), *(t.text for t in report.texts)])
        report.region = resolve(report.agency_name, report.year, context)
        _region_findings(report)
    return report


def _region_findings(report: Report) -> None:
    r = report.region
    place = "".join(x for x in (r.province, r.prefecture if r.prefecture != r.province else "", r.county) if x)
    if r.status == "resolved" and r.evidence == "corrected":
        real = r.county
        report.add("region-corrected", "info",
                   f"机关名称中的“{r.corrected_from}”与行政区划名称“{real}”相差一个形近字，所在地区按“{place}”确定（名称照录，不作更改）",
                   f"'{r.corrected_from}' in the agency name differs from the division name '{real}' by one look-alike character; "
                   f"the region is taken as {place} (the printed name is kept)", found=r.corrected_from, expected=real)
    elif r.status == "ambiguous":
        listed = "、".join(r.candidates[:10])
        report.add("region-ambiguous", "warning",
                   f"机关名称“{report.agency_name}”对应多个行政区划（{listed}），报告中也没有能确定的信息，所在地区留空",
                   f"the agency name '{report.agency_name}' fits several divisions ({listed}) and nothing in the report settles it: region left empty",
                   found=report.agency_name, expected=listed)
    elif r.status == "unresolved":
        report.add("region-unresolved", "info", f"机关名称“{report.agency_name}”中没有可识别的行政区划名称，所在地区留空",
                   f"no division name can be read in the agency name '{report.agency_name}': region left empty", found=report.agency_name)
