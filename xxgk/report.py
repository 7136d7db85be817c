"""One report file in, one parsed and checked report out (pure: bytes in, records out)."""

from __future__ import annotations

from .check import identities as check
from .findings import catalogue, finding
from .identify.region import Region, resolve
from .model import Finding, Report
from .parse.extract import extract
from .parse.formats import read_bytes, reader_for
from .parse.read import ReadError


def parse_bytes(data: bytes, suffix: str) -> Report:
    try:
        doc = read_bytes(data, suffix)
    except ReadError as exc:
        reader = reader_for(data, suffix)  # reports.format: what the content is, whatever the name
        return Report.failed("." + reader.format if reader else suffix,
                             Finding(exc.code, "error", exc.message_zh, exc.message_en))  # made by message() in the reader
    report = extract(doc)
    # what the reader noticed of the file itself (a cut last character) comes first, with the
    # severity the catalogue gives its code
    report.findings[:0] = [Finding(code, catalogue()[code].severity, zh, en) for code, zh, en in doc.notes]
    check.check(report)
    if report.agency_name:
        context = " ".join([report.title, report.source_url, doc.meta.get("publisher", ""), *(t.text for t in report.texts)])
        region = resolve(report.agency_name, report.year, context)
        report.region = region
        _region_findings(report, region)
    return report


def _region_findings(report: Report, r: Region) -> None:
    place = "".join(x for x in (r.province, r.prefecture if r.prefecture != r.province else "", r.county) if x)
    if r.status == "resolved" and r.evidence == "corrected":
        report.add(finding("region-corrected", printed=r.corrected_from, division=r.county, region=place,
                           found=r.corrected_from, expected=r.county))
    elif r.status == "ambiguous":
        listed = "、".join(r.candidates[:10])
        report.add(finding("region-ambiguous", agency_name=report.agency_name, divisions=listed,
                           found=report.agency_name, expected=listed))
    elif r.status == "unresolved":
        report.add(finding("region-unresolved", agency_name=report.agency_name, found=report.agency_name))
