"""The format-agnostic extractor: finds the template's labels in a stream of cells and reads the
figures that belong to each. Everything it knows of the template comes from the codebook, and of
printed text from the parser's vocabulary. In: a reader's `Document`. Out: a `model.Report` with
its metadata, texts, facts, label matches and findings (not yet checked).

The work is shared by: `stream` (the cells as one string), `patterns` (the codebook's labels as
regular expressions), `sections` (metadata and section spans), `rows` (the tables' rows and
figures) and `resolve` (glued digits, settled by the codebook's identities or the narrative); `offsets` finds
each figure's characters in its source line."""

from __future__ import annotations

from ..codebook import SECTIONS_WITH_TABLES, TEXT_SECTIONS, load
from ..findings import finding
from ..model import Report, Text
from . import offsets, rows
from .patterns import known_text_pattern  # noqa: F401  (the fuzzer reads it here)
from .read import Document
from .sections import metadata, sections
from .stream import Stream


def extract(doc: Document) -> Report:
    cb = load()
    stream = Stream(doc.cells)
    report = Report(format=doc.format, encoding=doc.encoding)
    metadata(doc, stream, report, cb)
    spans = sections(stream)
    for code in TEXT_SECTIONS:
        if code in spans:
            span = spans[code]
            text = stream.text_between(span.start, span.end)
            if text:
                report.texts.append(Text(code, text, stream.line_at(span.start)))
    narrative = " ".join(t.text for t in report.texts if t.section == "overview")

    tables_found = [s for s in SECTIONS_WITH_TABLES if s in spans]
    if not tables_found or (report.year is not None and report.year < 2019):
        if report.year is not None and report.year < 2019:
            report.template = "pre-2019"
            report.status = "unsupported"
            report.add(finding("older-template", "pre-2019", year=report.year))
        else:
            report.status = "failed"
            report.add(finding("no-tables-found"))
        return report

    templates = {}
    for section in SECTIONS_WITH_TABLES:
        if section not in spans:
            continue
        if section == "appeals":
            rows.appeals(stream, spans[section], report)
        else:
            templates[section] = rows.table(stream, spans[section], section, report, narrative)
    for section in SECTIONS_WITH_TABLES:
        if section not in spans:
            report.add(finding("missing-section", section, label=cb.section(section)["label"], section=section))

    _place(report, doc)
    offsets.locate(report, stream, doc)
    distinct = set(templates.values())
    report.template = distinct.pop() if len(distinct) == 1 else ("mixed" if distinct else "2021")
    if report.template == "2019":
        report.add(finding("older-template"))
    elif report.template == "mixed":
        report.add(finding("mixed-template", templates=", ".join(f"{k}={v}" for k, v in sorted(templates.items()))))
    if any(f.severity == "error" for f in report.findings):
        report.status = "partial"
    return report


def _place(report: Report, doc: Document) -> None:
    """Where a laid-out document printed each figure (its page, box and table cell); a figure OCR
    read is marked as such, whatever else settled it."""
    if not doc.places:
        return
    for f in report.facts:
        place = doc.places.get(f.source_line) if f.source_line is not None else None
        if place is None:
            continue
        f.source_page = place.page
        f.source_box = " ".join(f"{v:g}" for v in place.box) if place.box else ""
        f.source_cell = place.cell
        if place.ocr and f.value is not None:
            f.evidence = "ocr"
