"""The Word reader: DOCX through mammoth, DOC (and WPS) through LibreOffice, on real files.

Fixtures in tests/fixtures/formats: `25-jjp-2024.docx` and `26-gwh-2025.doc` are the corpus-dev
reports of the same names converted by LibreOffice 7.4 from their HTML originals (kept beside them
as `.html`); `merged.docx` and `nested.docx` were made by LibreOffice 7.4 from MERGED_HTML and
NESTED_HTML below (`soffice --headless --convert-to docx:"MS Word 2007 XML" x.html`)."""

import io
import os
import shutil
import signal
import time
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

from xxgk.parse import word
from xxgk.parse.formats import reader_for
from xxgk.parse.layout import Piece
from xxgk.parse.read import ReadError
from xxgk.report import parse_bytes

FORMATS = ROOT / "tests" / "fixtures" / "formats"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: DOC files cannot be converted")

MERGED_HTML = """<table border="1">
<tr><td rowspan="2">A</td><td colspan="2">B</td><td>C</td></tr>
<tr><td>D</td><td>E</td><td rowspan="2">F</td></tr>
<tr><td colspan="3">G</td></tr>
</table>"""

NESTED_HTML = """<p>一、总体情况<br>（一）主动公开</p>
<table border="1">
<tr><td>外</td><td>格<table border="1"><tr><td>内1</td><td>内2</td></tr></table></td></tr>
<tr><td>下</td><td>结果<br>维持</td></tr>
</table>
<table border="1"><tr><td><p>框内一段</p><table border="1"><tr><td>甲</td><td>乙</td></tr></table><p>框内二段</p></td></tr></table>"""


def _data(name: str) -> bytes:
    return (FORMATS / name).read_bytes()


def _original(name: str) -> bytes:
    """The HTML page a converted file was made from (its golden case)."""
    return (FORMATS.parent / "golden" / f"{name}-html" / "input.html").read_bytes()


def _facts(report) -> list[tuple]:
    return sorted((f.section, f.row, f.column, repr(f.value), f.status) for f in report.facts)


def _texts(rows: list[list[Piece | None]]) -> list[list[str | None]]:
    return [[None if p is None else p.text for p in row] for row in rows]


def _blocks(name: str) -> list[tuple[bool, list[list[str | None]]]]:
    import mammoth

    html = mammoth.convert_to_html(io.BytesIO(_data(name))).value
    return [(b.table, _texts(b.rows)) for b in word._blocks(html)]


# --- the whole parser: the Word files give the facts of their HTML originals --------------------

@pytest.mark.parametrize(("name", "suffix"), [("25-jjp-2024", ".docx"),
                                              pytest.param("26-gwh-2025", ".doc", marks=needs_soffice)])
def test_word_gives_the_facts_of_its_html_original(name, suffix):
    html = parse_bytes(_original(name), ".html")
    report = parse_bytes(_data(f"{name}{suffix}"), suffix)
    assert report.format == suffix.lstrip(".")
    assert len(report.facts) == len(html.facts) > 100
    assert _facts(report) == _facts(html)
    assert report.status == html.status == "ok"
    assert (report.agency_name, report.year) == (html.agency_name, html.year)
    assert [f.code for f in report.findings] == [f.code for f in html.findings]


def test_a_figure_names_its_table_cell():
    data = _data("25-jjp-2024.docx")
    doc = word.read_docx(data)
    place: dict[str, str] = {}
    for c in doc.cells:
        place.setdefault(c.text, doc.places[c.line].cell)
    assert place["本年制发件数"] == "1/2/2"
    assert place["申请人情况"] == "2/1/4"  # after a 3x3 merged corner
    assert place["商业企业"] == "2/3/5"  # two paragraphs of one cell, joined
    assert place["结果纠正"] == "3/2/2"  # a line break inside a cell
    assert place["一、总体情况"] == ""  # a paragraph
    report = parse_bytes(data, ".docx")
    reported = [f for f in report.facts if f.status == "reported"]
    assert reported
    for fact in reported:
        assert fact.source_cell == doc.places[fact.source_line].cell != ""
        assert doc.text.splitlines()[fact.source_line - 1] == fact.printed
    total = next(f for f in reported if (f.section, f.row, f.column) == ("requests", "new", "total"))
    assert (total.value, total.source_cell, total.source_page, total.source_box) == (8, "2/4/10", None, "")


# --- the grid ---------------------------------------------------------------------------------

def test_merged_cells_read_into_the_full_grid():
    assert _blocks("merged.docx") == [(True, [["A", "B", None, "C"],
                                              [None, "D", "E", "F"],
                                              ["G", None, None, None]])]
    doc = word.read_docx(_data("merged.docx"))
    assert [(c.text, doc.places[c.line].cell) for c in doc.cells] == [
        ("A", "1/1/1"), ("B", "1/1/2"), ("C", "1/1/4"), ("D", "1/2/2"), ("E", "1/2/3"), ("F", "1/2/4"), ("G", "1/3/1")]


def test_line_breaks_nested_tables_and_frames():
    assert _blocks("nested.docx") == [
        (False, [["一、总体情况"]]),  # a <br> between paragraphs' lines: two lines, as the HTML reader reads them
        (False, [["（一）主动公开"]]),
        (True, [["外", "格"]]),  # the outer table up to the row that holds the nested one
        (True, [["内1", "内2"]]),
        (True, [["下", "结果\n维持"]]),  # a <br> inside a cell: one cell
        (False, [["框内一段"]]),  # a one-column table is a frame: read as the body is
        (True, [["甲", "乙"]]),
        (False, [["框内二段"]]),
    ]


def test_spans_beyond_the_table_and_short_rows():
    html = ('<table><tr><td rowspan="9">a</td><td colspan="x">b</td></tr>'
            '<tr><td colspan="3">c</td></tr><tr><td>d</td></tr></table>')
    assert [(b.table, _texts(b.rows)) for b in word._blocks(html)] == [
        (True, [["a", "b", None, None], [None, "c", None, None], [None, "d", None, None]])]


def test_a_table_too_large_is_refused():
    html = "<table>" + '<tr><td colspan="1000">x</td></tr>' * 200 + "</table>"
    with pytest.raises(ReadError) as exc:
        word._blocks(html)
    assert exc.value.code == "unreadable-file" and "table" in exc.value.message_en


def test_note_marks_do_not_run_into_figures():
    html = ('<p>主动公开政府信息37<sup><a href="#footnote-1" id="footnote-ref-1">[1]</a></sup>条</p>'
            '<ol><li id="footnote-1"><p>含转载。 <a href="#footnote-ref-1">↑</a></p></li></ol>')
    assert [_texts(b.rows) for b in word._blocks(html)] == [[["主动公开政府信息37条"]], [["含转载。"]]]


# --- which reader: by content, whatever the name ------------------------------------------------

def test_content_decides_the_reader():
    docx, doc = _data("25-jjp-2024.docx"), _data("26-gwh-2025.doc")
    assert reader_for(docx, ".doc").format == "docx"
    assert reader_for(doc, ".docx").format == "doc"
    assert reader_for(doc, ".wps").format == "doc"
    assert word.is_docx(docx) and not word.is_ole(docx)
    assert word.is_ole(doc) and not word.is_docx(doc)
    assert not word.is_docx(_original("25-jjp-2024")) and not word.is_ole(_original("25-jjp-2024"))


@needs_soffice
def test_a_docx_named_doc_and_a_doc_named_docx_are_read():
    assert parse_bytes(_data("25-jjp-2024.docx"), ".doc").format == "docx"
    report = parse_bytes(_data("26-gwh-2025.doc"), ".docx")
    assert (report.format, report.status) == ("doc", "ok")


def test_other_zips_and_ole_files_are_not_claimed():
    sheet = io.BytesIO()
    with zipfile.ZipFile(sheet, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    assert not word.is_docx(sheet.getvalue())
    assert word.is_docx(_data("25-jjp-2024.docx")[:20000])  # cut short: still Word, to be reported damaged
    assert word.is_ole(_ole(["WordDocument"]))
    assert not word.is_ole(_ole(["Workbook"]))
    assert not word.is_ole(_ole(["PowerPoint Document", "Current User"]))
    assert word.is_ole(_ole(["WordDocument", "Workbook"]))  # a Word file with a sheet embedded


def _ole(streams: list[str]) -> bytes:
    """A compound file's header and one directory sector: the root entry and `streams`."""
    def entry(name: str, kind: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return raw.ljust(64, b"\0") + len(raw).to_bytes(2, "little") + bytes([kind]) + b"\0" * 61

    header = word._OLE + b"\0" * (512 - len(word._OLE))
    sector = entry("Root Entry", 5) + b"".join(entry(s, 2) for s in streams)
    return header + sector.ljust(512, b"\0")


# --- damaged and hostile files -------------------------------------------------------------------

def test_a_zip_bomb_is_refused_fast():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w") as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(200):
                member.write(chunk)
    data = bomb.getvalue()
    assert len(data) < 1_000_000
    assert word.is_docx(data)
    started = time.monotonic()
    with pytest.raises(ReadError) as exc:
        word.read_docx(data)
    assert time.monotonic() - started < 1
    assert exc.value.code == "unreadable-file" and str(word.MAX_UNPACKED) in exc.value.message_en
    report = parse_bytes(data, ".docx")
    assert report.status == "failed" and report.findings[0].code == "unreadable-file"


def test_a_zip_that_lies_about_its_size_is_read_no_further():
    """zipfile yields no more than a member declares: a member that inflates beyond it is damage."""
    text = b"<w:document/>" + b" " * 50_000_000
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", text)
    data = bytearray(packed.getvalue())
    for signature, at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # the uncompressed size, local and central
        start = data.index(signature)
        data[start + at:start + at + 4] = (1000).to_bytes(4, "little")
    with pytest.raises(ReadError) as exc:
        word.read_docx(bytes(data))
    assert "damaged" in exc.value.message_en


@pytest.mark.parametrize("data", [_data("25-jjp-2024.docx")[:20000], b"PK\x03\x04word/" + b"\0" * 100])
def test_a_truncated_docx_is_damaged(data):
    with pytest.raises(ReadError) as exc:
        word.read_docx(data)
    assert exc.value.code == "unreadable-file" and "damaged" in exc.value.message_en
    report = parse_bytes(data, ".docx")
    assert report.status == "failed" and report.findings[0].message_en == exc.value.message_en


def test_a_zip_without_a_document_is_damaged():
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as z:
        z.writestr("word/styles.xml", "<styles/>")
    assert not word.is_docx(packed.getvalue())
    with pytest.raises(ReadError) as exc:
        word.read_docx(packed.getvalue())
    assert "damaged" in exc.value.message_en and "main document" in exc.value.message_en


def test_a_main_part_named_otherwise_is_word():
    source = zipfile.ZipFile(io.BytesIO(_data("25-jjp-2024.docx")))
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename in ("[Content_Types].xml", "_rels/.rels"):
                content = content.replace(b"/word/document.xml", b"/word/main.xml").replace(b"word/document.xml", b"word/main.xml")
            z.writestr(info.filename.replace("word/document.xml", "word/main.xml").replace("word/_rels/document.xml.rels", "word/_rels/main.xml.rels"), content)
    data = packed.getvalue()
    assert word.is_docx(data)
    assert [c.text for c in word.read_docx(data).cells] == [c.text for c in word.read_docx(_data("25-jjp-2024.docx")).cells]


def test_too_many_members_are_refused():
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
        for n in range(word.MAX_MEMBERS):
            z.writestr(f"word/media/{n}.bin", b"")
    with pytest.raises(ReadError) as exc:
        word.read_docx(packed.getvalue())
    assert exc.value.code == "unreadable-file" and str(word.MAX_MEMBERS) in exc.value.message_en


def test_broken_xml_inside_a_good_zip_is_damaged():
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as z:
        for info in zipfile.ZipFile(io.BytesIO(_data("25-jjp-2024.docx"))).infolist():
            z.writestr(info.filename, b"<w:document><w:body" if info.filename == "word/document.xml" else b"")
    with pytest.raises(ReadError) as exc:
        word.read_docx(packed.getvalue())
    assert "damaged" in exc.value.message_en


class _Alarm(Exception):
    pass


def _raise_alarm(signum, frame):
    raise _Alarm


def _alarm(seconds: float) -> None:
    """An alarm after `seconds`, repeated every 0.1 s: one that lands in a finalizer is swallowed."""
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # an alarm that lands in a finalizer
def test_the_callers_time_limit_is_not_taken_for_damage():
    """An alarm while mammoth reads propagates: a slow file is not reported (and cached) as damaged."""
    source = zipfile.ZipFile(io.BytesIO(_data("25-jjp-2024.docx")))
    body = source.read("word/document.xml")
    start, end = body.index(b"<w:body>") + len(b"<w:body>"), body.rindex(b"<w:sectPr")
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            z.writestr(info.filename, body[:start] + body[start:end] * 10 + body[end:]
                       if info.filename == "word/document.xml" else source.read(info.filename))
    word.read_docx(_data("25-jjp-2024.docx"))  # its libraries loaded first: the alarm must come while it reads
    previous = signal.signal(signal.SIGALRM, _raise_alarm)
    _alarm(0.3)
    try:
        with pytest.raises(_Alarm):
            word.read_docx(packed.getvalue())
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- DOC through LibreOffice -------------------------------------------------------------------

def _conversions() -> set[int]:
    """The LibreOffice processes this reader started (their profile lives in its temporary folder)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if b"xxgk-doc-" in (entry / "cmdline").read_bytes():
                    found.add(int(entry.name))
            except OSError:
                continue
    return found


@needs_soffice
def test_a_garbage_ole_file_fails_conversion():
    before = _conversions()
    data = word._OLE + os.urandom(8000)
    assert reader_for(data, ".doc").format == "doc"
    with pytest.raises(ReadError) as exc:
        word.read_doc(data)
    assert exc.value.code == "unreadable-file" and "LibreOffice" in exc.value.message_en
    assert "could not be converted" in exc.value.message_en
    assert _conversions() <= before


@needs_soffice
def test_a_conversion_past_its_time_is_killed(monkeypatch):
    monkeypatch.setattr(word, "CONVERT_SECONDS", 0.2)
    before = _conversions()
    with pytest.raises(ReadError) as exc:
        word.read_doc(_data("26-gwh-2025.doc"))
    assert "no result within 0.2 s" in exc.value.message_en
    assert _conversions() <= before


@needs_soffice
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_alarm_while_converting_leaves_no_process():
    before = _conversions()
    previous = signal.signal(signal.SIGALRM, _raise_alarm)
    _alarm(0.3)
    try:
        with pytest.raises(_Alarm):
            word.read_doc(_data("26-gwh-2025.doc"))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert _conversions() <= before


def test_without_libreoffice_the_converter_is_missing(monkeypatch):
    monkeypatch.setenv("PATH", "")
    with pytest.raises(ReadError) as exc:
        word.read_doc(_data("26-gwh-2025.doc"))
    assert exc.value.code == "converter-missing" and "LibreOffice" in exc.value.message_en
    report = parse_bytes(_data("26-gwh-2025.doc"), ".doc")
    assert report.status == "failed" and report.findings[0].code == "converter-missing"


@needs_soffice
@pytest.mark.parametrize("target", ["docx", "pdf"])
def test_a_tables_empty_cells_in_word_and_pdf_are_its_blank_cells(tmp_path, target):
    """The 2019-template page that leaves zeros empty, made a Word file and a ruled PDF by
    LibreOffice: a table row's empty cells are the row's blank cells there too."""
    import subprocess
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from test_extract import BLANK_CELLS_2019

    page = tmp_path / "report.html"
    page.write_text(BLANK_CELLS_2019, encoding="utf-8")
    to = {"docx": "docx:MS Word 2007 XML", "pdf": "pdf"}[target]
    subprocess.run([SOFFICE, "--headless", "--convert-to", to, "--outdir", str(tmp_path), str(page)],
                   check=True, capture_output=True, timeout=120)
    report = parse_bytes((tmp_path / f"report.{target}").read_bytes(), f".{target}")
    rows: dict = {}
    for f in report.facts:
        rows.setdefault(f.row, []).append(f.value)
    assert rows["licensing"] == [None, 5, None]
    assert rows["normative_documents"] == [3, 3, None]
    assert rows["granted"] == [3, None, None, None, None, None, None]
