"""The readers: one definition of a line for every format (the figures' source lines)."""

import pytest
from conftest import SEEDS, seed

from xxgk.parse import parse_bytes
from xxgk.read import read_html, source_lines, source_text

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
