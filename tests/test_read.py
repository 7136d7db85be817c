"""The readers: one definition of a line for every format (the figures' source lines), and a file
cut short in the middle of a character read up to the cut, with a finding that says where."""

import re

import pytest
from conftest import SEEDS, seed

from xxgk.findings import catalogue
from xxgk.findings import catalogue as findings_catalogue
from xxgk.parse.formats import read_bytes
from xxgk.parse.read import (
    ReadError,
    decode,
    read_html,
    source_lines,
    source_text,
)
from xxgk.report import parse_bytes

# every line break of str.splitlines, by name
BREAKS = {"lf": "\n", "cr": "\r", "crlf": "\r\n", "u2028": "\u2028", "u2029": "\u2029", "nel": "\x85", "vt": "\x0b",
          "ff": "\x0c", "fs": "\x1c", "gs": "\x1d", "rs": "\x1e"}
CRAWL_HEADER = ["标题: 兴安区2024年政府信息公开工作年度报告", "发布时间: 2025-01-20 10:00", "发布机构: 兴安区人民政府",
                "原文链接: https://example.gov.cn/xxgk/2024nb.htm", "==================== 正文 ===================="]


# --- one definition of a line ------------------------------------------------------------------

def test_source_lines_break_where_splitlines_does():
    every = "x".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert source_lines(every) == every.splitlines()
    breaks = {chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000 and len(source_lines(f"a{chr(c)}b")) == 2}
    assert breaks == set("".join(BREAKS.values()))


@pytest.mark.parametrize("brk", BREAKS.values(), ids=BREAKS.keys())
def test_source_text_ends_every_line_with_one_newline(brk):
    text = f"第一行{brk}第二行{brk}{brk}第四行"
    assert source_lines(text) == ["第一行", "第二行", "", "第四行"]
    assert source_text(text) == "第一行\n第二行\n\n第四行\n"
    assert source_text(text + brk) == source_text(text)
    assert source_lines(source_text(text)) == source_lines(text)


def test_crlf_is_one_break_in_a_mix():
    text = "a\r\nb\rc\nd\r\n\re\u2028f\x85g\r\r\nh"
    assert source_lines(text) == ["a", "b", "c", "d", "", "e", "f", "g", "", "h"]
    assert source_text(text).split("\n")[:-1] == source_lines(text)


def _with_breaks(lines: list[str], brk) -> str:
    """The lines joined by one break kind, or (a list) by each kind in turn."""
    if isinstance(brk, str):
        text = brk.join(lines) + brk
    else:
        text = "".join(line + brk[i % len(brk)] for i, line in enumerate(lines))
    assert len(source_lines(text)) == len(lines)
    return text


def _facts(report):
    return [(f.section, f.row, f.column, f.value, f.status, f.printed, f.source_line) for f in report.facts]


def _figures_on_their_lines(report, text: str) -> None:
    """Every figure's source line is a line of source_lines(text) that prints it."""
    lines = source_lines(text)
    reported = [f for f in report.facts if f.status == "reported"]
    assert reported
    for f in reported:
        assert f.source_line and f.printed in lines[f.source_line - 1], f


def _html_lines() -> list[str]:
    """seed-002 as Word HTML, every cell on a line of its own (so each figure has its own line)."""
    html = (SEEDS / "seed-002-word-html" / "input.html").read_text(encoding="utf-8")
    return html.replace("</td><td", "</td>\n<td").splitlines()


LAYOUTS = {  # name: (the report's lines, suffix)
    "text": (lambda: seed("001").read_text(encoding="utf-8").splitlines(), ".txt"),
    "crawl-text": (lambda: CRAWL_HEADER + seed("001").read_text(encoding="utf-8").splitlines(), ".txt"),
    "markdown": (lambda: (SEEDS / "seed-002-markdown" / "input.md").read_text(encoding="utf-8").splitlines(), ".md"),
    "html": (_html_lines, ".html"),
}
KINDS = {**BREAKS, "all-mixed": list(BREAKS.values())}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("kind", KINDS)
def test_each_line_break_kind_keeps_figures_on_their_lines(layout, kind):
    make, suffix = LAYOUTS[layout]
    lines = make()
    baseline = parse_bytes(_with_breaks(lines, "\n").encode("utf-8"), suffix)
    text = _with_breaks(lines, KINDS[kind])
    report = parse_bytes(text.encode("utf-8"), suffix)
    assert report.status == baseline.status == "ok" and report.findings == baseline.findings
    assert _facts(report) == _facts(baseline)  # the same figures on the same line numbers
    _figures_on_their_lines(report, text)
    assert len({f.source_line for f in report.facts if f.status == "reported"}) > 10
    if layout == "crawl-text":  # the header is read through the same lines
        assert report.title == CRAWL_HEADER[0][4:] and report.publication_date == "2025-01-20"
        assert report.source_url == "https://example.gov.cn/xxgk/2024nb.htm"


def test_a_line_separator_inside_html_text_is_a_line():
    lines = _html_lines()
    baseline = parse_bytes("\n".join(lines).encode("utf-8"), ".html")
    at = next(i for i, line in enumerate(lines) if "（五）监督保障情况。" in line)
    lines[at] = lines[at].replace("（五）监督保障情况。", "（五）监督保障情况。\u2028", 1)
    text = "\n".join(lines)
    report = parse_bytes(text.encode("utf-8"), ".html")
    assert len(source_lines(text)) == len(lines) + 1
    shifted = [(*f[:-1], f[-1] + 1 if f[-1] > at + 1 else f[-1]) for f in _facts(baseline)]
    assert _facts(report) == shifted
    _figures_on_their_lines(report, text)


def test_html_past_libxml2s_last_line_number_has_no_line_rather_than_a_wrong_one():
    html = "<html><body>" + "<p>正文</p>\n" * 70000 + "<table><tr><td>42</td></tr></table>\r<p>落款</p></body></html>"
    cells = read_html(html).cells
    assert [c.line for c in cells[:3]] == [1, 2, 3] and cells[65533].line == 65534
    assert {c.line for c in cells if c.text in ("42", "落款")} == {0}
    short = read_html("\n" * 65534 + "<p>末行</p>")
    assert [c.line for c in short.cells] == [65535]


# --- a file cut in the middle of a character ---------------------------------------------------

def _gwh():
    text = (SEEDS / "26-gwh-2025" / "input.txt").read_text(encoding="utf-8")
    html = (SEEDS / "26-gwh-2025-html" / "input.html").read_text(encoding="utf-8")
    gbk_html = re.sub(r"""charset=["']?utf-8["']?""", 'charset="gbk"', html, count=1, flags=re.IGNORECASE)
    assert gbk_html != html
    return {"utf-8": (text, "utf-8", ".txt"), "gb18030": (text, "gb18030", ".txt"), "utf-16": (text, "utf-16", ".txt"),
            "utf-8-sig": (text, "utf-8-sig", ".txt"), "gbk-html": (gbk_html, "gb18030", ".html")}


def _cut_points(text: str, encoding: str) -> list[tuple[int, int]]:
    """(byte offset, byte length) of multi-byte characters: the middle of the file, inside each of
    the three tables, and the last one."""
    bom = len("".encode(encoding))
    offsets, pos = [], bom
    for ch in text:
        n = len(ch.encode(encoding)) - bom
        offsets.append((pos, n))
        pos += n
    wanted = [len(text) // 2]
    for mark in ("行政规范性文件", "（四）无法提供", "（七）总计", "行政复议"):
        wanted.append(text.index(mark, text.index("二、主动公开政府信息情况")) + 2)
    points = []
    for i in wanted:
        while offsets[i][1] < 2:
            i += 1
        points.append(offsets[i])
    return points + [next(o for o in reversed(offsets) if o[1] > 1)]  # and the last multi-byte character


def _same_but_the_cut(cut, whole) -> None:
    assert cut.status == whole.status and cut.encoding == whole.encoding
    assert (cut.agency_name, cut.year, cut.title, cut.template) == (whole.agency_name, whole.year, whole.title, whole.template)
    assert _facts(cut) == _facts(whole)
    assert [t.text for t in cut.texts] == [t.text for t in whole.texts]
    assert cut.findings[1:] == whole.findings


@pytest.mark.parametrize("name", ["utf-8", "gb18030", "utf-16", "utf-8-sig", "gbk-html"])
def test_a_cut_inside_a_character_reads_what_a_cut_before_it_reads(name):
    text, encoding, suffix = _gwh()[name]
    data = text.encode(encoding)
    severity = catalogue()["truncated-file"].severity
    kept = []
    for at, length in _cut_points(text, encoding):
        whole = parse_bytes(data[:at], suffix)
        assert not any(g.code == "truncated-file" for g in whole.findings)
        kept.append(len(whole.facts))
        for k in range(1, length):
            cut = parse_bytes(data[:at + k], suffix)
            first = cut.findings[0]
            assert first.code == "truncated-file" and first.severity == severity == "warning"
            assert f"byte offset {at}," in first.message_en and f"{k} byte(s)" in first.message_en
            assert f"第 {at} 字节" in first.message_zh
            _same_but_the_cut(cut, whole)
            assert decode(data[:at + k], html=suffix == ".html") == decode(data[:at], html=suffix == ".html")
    assert max(kept) == 200 and 0 < min(k for k in kept if k) < 200  # cuts inside the tables keep the rows before them


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16", "utf-16-le", "utf-16-be"])
def test_a_cut_four_byte_character(encoding):
    text = (SEEDS / "26-gwh-2025" / "input.txt").read_text(encoding="utf-8")
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    whole = parse_bytes(data, ".txt")
    last = "\U00020000".encode(encoding)[-4:]  # a CJK Extension B character (no BOM)
    for k in range(1, 4):
        notes = []
        assert decode(data + last[:k], notes=notes)[0] == decode(data)[0]
        assert [n[0] for n in notes] == ["truncated-file"] and f"byte offset {len(data)}," in notes[0][2]
        _same_but_the_cut(parse_bytes(data + last[:k], ".txt"), whole)


def _refused(data: bytes, html: bool = False) -> bool:
    try:
        decode(data, html=html, notes=[])
    except ReadError:
        return True
    return False


def test_only_an_incomplete_last_character_is_a_cut():
    text = (SEEDS / "26-gwh-2025" / "input.txt").read_text(encoding="utf-8")
    u8, gb, u16 = text.encode("utf-8"), text.encode("gb18030"), text.encode("utf-16")
    mid = len(u8) // 2
    assert _refused(u8[:mid] + b"\xff" + u8[mid:] + "中".encode()[:2])  # invalid bytes in the middle
    assert _refused(u8 + "中".encode()[:2] + b"\n")  # an incomplete character, then more
    assert _refused(u8 + "中".encode()[:2] * 2)  # two incomplete characters
    assert _refused(u8 + b"\x80")  # a continuation byte is no character's start
    assert _refused(gb + b"\x81\x30\x20")  # not the start of a four-byte GB18030 character
    assert _refused(gb + b"\x81\x20")
    assert _refused(u16 + "\U00020000".encode("utf-16-le")[2:])  # a low surrogate alone
    assert _refused(b"\xef\xbb\xbf" + "中".encode()[:2])  # nothing before the cut
    assert u8.rstrip().endswith("。".encode())
    for bad in (u8[:mid] + b"\xff" + u8[mid:-1], u8.rstrip()[:-1] + b"\n"):
        report = parse_bytes(bad, ".txt")
        assert report.status == "failed" and not report.facts
        assert "truncated-file" not in [g.code for g in report.findings]


def test_a_cut_in_a_long_big5_file_and_the_detectors_sample():
    text = "政府資訊公開工作年度報告。本機關收到申請，依法答覆。\n" * 3000
    data = text.encode("big5")
    if not data[:65536].decode("big5", errors="replace").endswith("\ufffd"):
        data = b" " + data  # 64 KB must end inside a character
    with pytest.raises(UnicodeDecodeError):
        data[:65536].decode("big5")
    assert decode(data) == (data.decode("big5"), "big5")  # the detector is not asked about a cut character
    notes = []
    assert decode(data + "報".encode("big5")[:1], notes=notes) == (data.decode("big5"), "big5")
    assert [n[0] for n in notes] == ["truncated-file"]


def test_notes_become_findings_first_with_the_codebooks_severity():
    data = seed("001").read_bytes()
    doc = read_bytes(data + "年".encode()[:2], ".txt")
    assert [n[0] for n in doc.notes] == ["truncated-file"] and all(n[1] and n[2] for n in doc.notes)
    assert read_bytes(data, ".txt").notes == []
    report = parse_bytes(data + "年".encode()[:2], ".txt")
    assert report.status == "ok" and len(report.facts) == 200
    assert [(g.code, g.severity) for g in report.findings] == [("truncated-file", "warning")]
    assert report.findings[0].message_zh == doc.notes[0][1] and report.findings[0].message_en == doc.notes[0][2]
    catalogue = {code: {"severity": e.severity} for code, e in findings_catalogue().items()}
    assert catalogue["truncated-file"]["severity"] == "warning"


def test_readers_are_chosen_by_signature_then_suffix_then_content():
    from xxgk.parse.formats import READERS, reader_for

    page = (SEEDS / "26-gwh-2025-html" / "input.html").read_bytes()
    assert {r.format for r in READERS} >= {"text", "html", "markdown"}
    assert reader_for(page, ".html").format == "html" and reader_for(b"x", ".TXT").format == "text"
    # a report page saved under the server's own extension, or none, is read as the HTML it is
    base = parse_bytes(page, ".html")
    for suffix in (".shtml", ".jsp", ""):
        assert reader_for(page, suffix).format == "html"
        again = parse_bytes(page, suffix)
        assert [(f.row, f.column, f.value, f.source_line) for f in again.facts] == [(f.row, f.column, f.value, f.source_line) for f in base.facts]
    # a signature decides before the name: a PDF named .html is a PDF, and a broken one says so
    assert reader_for(b"%PDF-1.7\n", ".html").format == "pdf"
    broken = parse_bytes(b"%PDF-1.7\n", ".html")
    assert broken.status == "failed" and [(g.code, g.message_en.split(" (")[0]) for g in broken.findings] == [
        ("unreadable-file", "the PDF is damaged and cannot be read")]
    # named as a format with a signature, without the signature
    assert reader_for(b"just text", ".pdf") is None
    assert [g.message_en for g in parse_bytes(b"just text", ".pdf").findings] == ["the file is named as pdf but its content is not pdf"]
    # content no reader claims stays unsupported
    assert [g.code for g in parse_bytes(b"\x00\x01", ".bin").findings] == ["unsupported-format"]
