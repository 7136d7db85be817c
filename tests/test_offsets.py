"""Each figure's characters in its source line (facts.source_char_start/end): they hold exactly
the printed figure in the text the source page shows, and nothing is said where that cannot be
shown."""

import importlib.util
from pathlib import Path

import pytest
from conftest import seed

from xxgk.parse.formats import text_of
from xxgk.parse.offsets import align, visible
from xxgk.report import parse_bytes
from xxgk.text import normalise

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("golden", ROOT / "scripts" / "golden.py")
golden = importlib.util.module_from_spec(spec)
spec.loader.exec_module(golden)


def _shown_lines(path: Path) -> list[str]:
    """The lines of the text the source page shows (its .txt: split on "\\n")."""
    return text_of(path.read_bytes(), path.suffix).split("\n")


@pytest.mark.parametrize("case", golden.cases(), ids=lambda p: p.name)
def test_offsets_hold_exactly_the_printed_figure(case):
    path = golden.input_of(case)
    report = parse_bytes(path.read_bytes(), path.suffix)
    lines = _shown_lines(path)
    for f in report.facts:
        if f.source_char_start is None:
            assert f.source_char_end is None, f
            continue
        assert f.printed and f.source_line and 0 <= f.source_char_start < f.source_char_end, f
        got = lines[f.source_line - 1][f.source_char_start:f.source_char_end]
        # the file's own characters: the printed digits, or their full-width form
        assert got == f.printed or normalise(got) == f.printed, (f, got)
        if got.isascii():
            assert got == f.printed


def test_every_figure_of_every_format_is_placed():
    """Reported figures have offsets in every reader's text: crawler dumps, tab and pipe tables,
    Markdown, HTML, PDF and Word (the readers' own rendering)."""
    formats: dict[str, list[int]] = {}
    for case in golden.cases():
        path = golden.input_of(case)
        report = parse_bytes(path.read_bytes(), path.suffix)
        reported = [f for f in report.facts if f.status == "reported"]
        counts = formats.setdefault(report.format, [0, 0])
        counts[0] += len(reported)
        counts[1] += sum(f.source_char_start is not None for f in reported)
    assert {"crawl-text", "text", "markdown", "html", "pdf", "docx", "doc"} <= set(formats)
    for fmt, (n, placed) in formats.items():
        assert placed == n, (fmt, n, placed)


def test_glued_digits_are_placed_at_their_own_digits():
    """A figure cut from a glued run (`801000081`) lies at its own digits of the run."""
    glued = []
    for case in golden.cases():
        path = golden.input_of(case)
        if path.suffix == ".txt":
            lines = _shown_lines(path)
            glued += [(f, lines[f.source_line - 1]) for f in parse_bytes(path.read_bytes(), path.suffix).facts
                      if f.evidence in ("split", "identity", "narrative")]
    assert len(glued) > 20
    for f, line in glued:
        assert f.source_char_start is not None and line[f.source_char_start:f.source_char_end] == f.printed, f
    # some touch another figure's digits: the run was cut, not read apart
    assert any(line[f.source_char_end:f.source_char_end + 1].isdigit() or line[f.source_char_start - 1:f.source_char_start].isdigit()
               for f, line in glued)


def test_full_width_digits_and_markdown_markup_are_aligned():
    source = "| **行政处罚** | ４４ | `7` |"
    read = normalise(source).replace("**", "").replace("`", "")
    m = align(source, read)
    assert source[m[read.index("44")]:m[read.index("44") + 1] + 1] == "４４"
    assert source[m[read.index("7")]] == "7"
    text = seed("000").read_text(encoding="utf-8").replace("行政处罚\t44", "行政处罚\t４４")
    report = parse_bytes(text.encode("utf-8"), ".txt")
    f = next(f for f in report.facts if (f.section, f.row, f.column) == ("proactive", "penalty", "decisions"))
    assert text.splitlines()[f.source_line - 1][f.source_char_start:f.source_char_end] == "４４"


def test_html_visible_text_leaves_out_tags_scripts_and_entities():
    line = '<td width="50">行政&nbsp;许可</td><script>var a = 5;</script><td>1&#50;</td>'
    shown, starts, ends = visible(line)
    assert shown == "行政 许可12"
    k = shown.index("2")
    assert line[starts[k]:ends[k]] == "&#50;"


def test_html_cell_not_found_on_its_line_is_not_placed():
    """A cell whose text starts on a later line than its element (the line the reader names):
    its figures keep their line and get no offsets; digits of the line that no cell holds
    likewise keep the whole line unplaced."""
    path = golden.input_of(next(c for c in golden.cases() if c.name == "quirk-html-blank-cells-2019"))
    html = path.read_text(encoding="utf-8")
    report = parse_bytes(html.encode("utf-8"), ".html")
    placed = [f for f in report.facts if f.source_char_start is not None]
    assert placed
    f = placed[0]
    line = html.splitlines()[f.source_line - 1]
    moved = html.replace(line, line.replace(f">{f.printed}<", f">\n{f.printed}<", 1), 1)
    again = parse_bytes(moved.encode("utf-8"), ".html")
    g = next(x for x in again.facts if (x.section, x.row, x.column) == (f.section, f.row, f.column))
    assert g.value == f.value and g.source_char_start is None
