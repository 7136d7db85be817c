"""A report's metadata and the spans of its sections. In: a `Document` (its printed metadata) and
its `Stream`. Out: the report's title, agency, year, source and publication date (with a finding
for a title that names no agency and year, or a date that is no calendar day), and the span of each
section whose heading is printed, in template order."""

from __future__ import annotations

import datetime
import re

from ..codebook import SECTIONS_WITH_TABLES, Codebook, load
from ..findings import finding
from ..model import Report
from .patterns import NEXT_HEADING_AFTER_TABLES, heading_pattern
from .read import Document
from .stream import SEP, Span, Stream
from .vocabulary import load as vocabulary

_WORDS = vocabulary().date
# A printed date (2025年1月30日, 2025-01-30, 2025.1.30); whether it is a real day is _calendar_date's
_DATE = re.compile(rf"(?<![0-9])((?:19|20)[0-9]{{2}})\s*[{_WORDS['year']}\-./]\s*([0-9]{{1,2}})\s*[{_WORDS['month']}\-./]"
                   rf"\s*([0-9]{{1,2}})(?![0-9])\s*{_WORDS['day']}?")
_TITLE_PREFIX = re.compile(rf"^({'|'.join(map(re.escape, vocabulary().title_prefixes))})")


def metadata(doc: Document, stream: Stream, report: Report, cb: Codebook) -> None:
    report.source_url = doc.meta.get("url", "")
    title = doc.meta.get("title", "")
    m = cb.title_pattern.search(title) if title else None
    if m is None:
        head = stream.text[:600]
        m = cb.title_pattern.search(head.replace(SEP, " "))
        if m:
            title = re.sub(r"\s+", " ", m.group(0)).strip()
    if m:
        report.title = re.sub(r"\s+", "", title) if title else ""
        agency = re.sub(r"\s+", "", m.group("agency"))
        agency = _TITLE_PREFIX.sub("", agency)
        report.agency_name = agency
        report.year = int(m.group("year"))
    else:
        report.title = title
        report.add(finding("title-not-found"))
    published = doc.meta.get("published", "")
    d = _DATE.search(published)
    source, line = "page", None
    if d is None:
        tail = max(0, len(stream.text) - 200)
        d = _DATE.search(stream.text, tail)
        source, line = "signature", (stream.line_at(d.start()) if d else None)
    if d:
        report.publication_date = _calendar_date(d, report, source, line)
        report.publication_date_source = source if report.publication_date else ""


def _calendar_date(d: re.Match, report: Report, source: str, line: int | None) -> str:
    """The ISO date a printed date names, or "" with a finding (its variant: the `source`, page or
    signature) when it names no day of the calendar (the 30th of February, a 13th month): never
    an invalid date string."""
    try:
        return datetime.date(int(d.group(1)), int(d.group(2)), int(d.group(3))).isoformat()
    except ValueError:
        printed = re.sub(r"\s+", "", d.group(0))
        report.add(finding("invalid-date", source, date=printed, found=printed, source_line=line))
        return ""


def sections(stream: Stream) -> dict[str, Span]:
    order = [s["code"] for s in load().sections]
    found: list[tuple[str, int, int]] = []
    cursor = 0
    for code in order:
        m = heading_pattern(code).search(stream.text, cursor)
        if m:
            found.append((code, m.start(), m.end()))
            cursor = m.end()
    spans: dict[str, Span] = {}
    for i, (code, _start, end) in enumerate(found):
        stop = found[i + 1][1] if i + 1 < len(found) else len(stream.text)
        if code == SECTIONS_WITH_TABLES[-1]:
            g = NEXT_HEADING_AFTER_TABLES.search(stream.text, end, stop)
            if g:
                stop = g.start()
        spans[code] = Span(end, stop)
    return spans
