"""Hostile PDF and Word files: damaged, mutated, enormous. Each becomes a report with a finding,
in bounded time, and whatever figures a damaged file still gives are printed in the cell they are
said to come from."""

import io
import random
import time
from pathlib import Path

import pytest

from xxgk.findings import catalogue
from xxgk.package.worker import PARSE_SECONDS, parse_within_limits
from xxgk.parse import pdf
from xxgk.parse.formats import read_bytes
from xxgk.parse.read import ReadError

FORMATS = Path(__file__).parent / "fixtures" / "formats"


def mutations(data: bytes, count: int, seed: int):
    """`count` damaged copies: cut short, bytes overwritten, a run of bytes deleted or repeated."""
    rng = random.Random(seed)
    for k in range(count):
        b = bytearray(data)
        kind = k % 4
        if kind == 0:
            b = b[: rng.randrange(16, len(b))]
        elif kind == 1:
            for _ in range(rng.randrange(1, 40)):
                b[rng.randrange(len(b))] = rng.randrange(256)
        elif kind == 2:
            i = rng.randrange(len(b))
            del b[i: i + rng.randrange(1, 4096)]
        else:
            i = rng.randrange(len(b))
            b[i:i] = b[i: i + rng.randrange(1, 4096)]
        yield bytes(b)


def _figures_are_in_their_cells(data: bytes, suffix: str, report) -> None:
    try:
        doc = read_bytes(data, suffix)
    except ReadError:
        assert not [f for f in report.facts if f.status == "reported"]
        return
    cells = {c.line: c.text for c in doc.cells}
    for f in report.facts:
        if f.status == "reported":
            shown = f"{f.value:g}" if isinstance(f.value, float) else str(f.value)
            assert shown in cells.get(f.source_line, "").replace(",", ""), (f, cells.get(f.source_line))


@pytest.mark.parametrize("name,count", [("hzq-2024.pdf", 24), ("25-jjp-2024-word.pdf", 12), ("25-jjp-2024.docx", 8)])
def test_damaged_files_give_a_report_in_bounded_time(name, count):
    data = (FORMATS / name).read_bytes()
    suffix = Path(name).suffix
    codes = set(catalogue())
    for k, bad in enumerate(mutations(data, count, seed=20261201)):
        start = time.monotonic()
        report, _ = parse_within_limits(bad, suffix)
        assert time.monotonic() - start < PARSE_SECONDS / 4, (name, k)
        assert {g.code for g in report.findings} <= codes
        if report.status != "failed":
            _figures_are_in_their_cells(bad, suffix, report)


def test_a_pdf_of_thousands_of_pages_is_refused_at_once():
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument.new()
    for _ in range(2000):
        doc.new_page(595, 842)
    out = io.BytesIO()
    doc.save(out)
    start = time.monotonic()
    report, _ = parse_within_limits(out.getvalue(), ".pdf")
    assert time.monotonic() - start < 5
    assert report.status == "failed" and "pages" in report.findings[0].message_en and str(pdf.MAX_PAGES) in report.findings[0].message_en


def test_a_pdf_of_blank_pages_is_no_report_and_no_ocr_of_blank_paper():
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument.new()
    for _ in range(3):
        doc.new_page(595, 842)
    out = io.BytesIO()
    doc.save(out)
    report, _ = parse_within_limits(out.getvalue(), ".pdf")
    assert report.status == "failed" and [g.code for g in report.findings][-1] == "no-tables-found"


def test_not_a_pdf_at_all():
    for data in (b"%PDF-1.7\n" + bytes(range(256)) * 50, b"%PDF-", b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF"):
        report, _ = parse_within_limits(data, ".pdf")
        assert report.status == "failed" and report.findings[0].code == "unreadable-file"


def test_only_pages_with_something_drawn_are_sent_to_ocr():
    import pypdfium2 as pdfium
    import pypdfium2.raw as c

    from xxgk.parse.pdf import _unusable
    from xxgk.parse.pdfobjects import drawn

    def without_text(page) -> str:
        return _unusable([], drawn(page, page.get_cropbox()))

    new = pdfium.PdfDocument.new()
    assert without_text(new.new_page(595, 842)) == ""  # blank paper
    assert without_text(pdfium.PdfDocument(FORMATS / "hzq-2024.pdf")[2]) == ""  # the rules of a table, nothing to read in them
    assert without_text(pdfium.PdfDocument(FORMATS / "hzq-2024-scanned.pdf")[2]) == "no text layer"  # an image
    outlined = new.new_page(595, 842)  # text drawn as outlines: a path per glyph
    for k in range(300):
        path = c.FPDFPageObj_CreateNewPath(50 + k % 30 * 15, 50 + k // 30 * 15)
        c.FPDFPath_LineTo(path, 60 + k % 30 * 15, 60 + k // 30 * 15)
        c.FPDFPage_InsertObject(outlined.raw, path)
    assert without_text(outlined) == "no text layer"


def test_an_invisible_text_layer_over_a_scan_is_not_trusted():
    """A scanned page carrying another program's OCR as invisible text: its misreadings would be
    published as printed figures; the page is read by our own OCR instead."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as c

    scan = pdfium.PdfDocument(FORMATS / "hzq-2024-scanned.pdf")
    doc = pdfium.PdfDocument.new()
    doc.import_pages(scan, [2])  # page 3: the requests table, 95 new requests
    page = doc[0]
    font = c.FPDFText_LoadStandardFont(doc.raw, b"Helvetica")
    buffers = []
    for k, words in enumerate(["96 0 0 0 0 0 96"] * 40):  # what a poor OCR made of the page
        obj = c.FPDFPageObj_CreateTextObj(doc.raw, font, 10.0)
        buffers.append(ctypes.create_string_buffer((words + "\0").encode("utf-16-le")))
        assert c.FPDFText_SetText(obj, ctypes.cast(buffers[-1], ctypes.POINTER(c.FPDF_WCHAR)))
        c.FPDFTextObj_SetTextRenderMode(obj, c.FPDF_TEXTRENDERMODE_INVISIBLE)
        c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 320, 300 - k * 6)
        c.FPDFPage_InsertObject(page.raw, obj)
    assert c.FPDFPage_GenerateContent(page.raw)
    out = io.BytesIO()
    doc.save(out)
    read = read_bytes(out.getvalue(), ".pdf")
    assert [n[0] for n in read.notes] == ["ocr-read"] and "invisible text layer" in read.notes[0][2]
    assert all(p.ocr for p in read.places.values())
    assert "96 0 0 0 0 0 96" not in read.text and "95" in [c.text for c in read.cells]
