"""Row labels and figures printed apart (a PDF converted to text): the runs of figures paired with
the rows by order only when every check confirms the pairing; otherwise the rows stay withheld."""

from pathlib import Path

import pytest

from xxgk.report import parse_bytes

GOLDEN = Path(__file__).parent / "fixtures" / "golden"
TEXT = (GOLDEN / "quirk-pdf-text-labels-apart-hzq-2024" / "input.txt").read_text(encoding="utf-8")
PDF = Path(__file__).parent / "fixtures" / "formats" / "hzq-2024.pdf"
STATE_SECRET = "计其他情形）\n0 0 0 0 0 0 0\n1.属于国家秘密"  # its figures before its label


def _figures(text: str):
    report = parse_bytes(text.encode("utf-8"), ".txt")
    return report, {(f.section, f.row, f.column): f.value for f in report.facts}


def test_the_pairing_gives_the_pdfs_figures():
    report, got = _figures(TEXT)
    truth = {(f.section, f.row, f.column): f.value for f in parse_bytes(PDF.read_bytes(), ".pdf").facts}
    assert got == truth
    assert "rows-paired" in [g.code for g in report.findings]
    paired = {f.row for f in report.facts if f.evidence == "pairing"}
    assert {"partial", "denied_state_secret", "denied_three_safety", "unable_not_held", "unable_need_creation"} <= paired
    assert "new" not in paired  # a row read by its label keeps its own evidence


@pytest.mark.parametrize("change", [
    (STATE_SECRET, STATE_SECRET.replace("0 0 0 0 0 0 0", "0 0 0 0 0 0 2")),  # the total column no longer holds
    (STATE_SECRET, "计其他情形）\n1.属于国家秘密"),  # one run fewer than the rows
    (STATE_SECRET, STATE_SECRET.replace("0 0 0 0 0 0 0", "0 0 0 0 0 0 0 0")),  # a run of another width
])
def test_no_pairing_unless_everything_confirms_it(change):
    old, new = change
    assert old in TEXT
    report, got = _figures(TEXT.replace(old, new, 1))
    assert "rows-paired" not in [g.code for g in report.findings]
    assert not [f for f in report.facts if f.evidence == "pairing"]
    assert got[("requests", "denied_state_secret", "natural_person")] is None
    withheld = {(f.section, f.row) for f in report.facts if f.status in ("unresolved", "absent")}
    said = {(g.section, g.row) for g in report.findings}
    assert withheld <= said


def _labels_then_figures(text: str) -> str:
    """The requests table as a converter that reads it column by column prints it: every label,
    then every row's figures."""
    import re

    start, end = text.index("三、收到和处理政府信息公开申请情况"), text.index("四、政府信息公开行政复议")
    run = re.compile(r"(?:^|\s)((?:\d+ ){6}\d+)(?=\s|$)")
    figures = [m.group(1) for m in run.finditer(text, start, end)]
    labels = run.sub("", text[start:end])
    return text[:start] + labels + "\n" + "\n".join(figures) + "\n" + text[end:]


def test_a_block_of_labels_then_a_block_of_figures_is_paired_by_order():
    truth = {(f.section, f.row, f.column): f.value for f in parse_bytes(PDF.read_bytes(), ".pdf").facts}
    report, got = _figures(_labels_then_figures(TEXT))
    assert "rows-paired" in [g.code for g in report.findings]
    assert got == truth


MARKDOWN = (GOLDEN / "quirk-md-converter-hzq-2024" / "input.md").read_text(encoding="utf-8")
UNCLEAR = "|                |     |     | 0   | 0   | 0   | 0   | 0   | 0   | 0   |\n3.补正后申请内容仍不明确"


def test_markdown_rows_read_by_a_label_on_another_line_yield_to_the_pairing():
    """A converter's Markdown prints 3.补正后申请内容仍不明确 after its own figures and before the next
    row's: read by its label it would be 1; the pairing by order, which every identity confirms,
    gives the PDF's 0."""
    assert UNCLEAR in MARKDOWN
    truth = {(f.section, f.row, f.column): f.value for f in parse_bytes(PDF.read_bytes(), ".pdf").facts}
    report = parse_bytes(MARKDOWN.encode("utf-8"), ".md")
    assert {(f.section, f.row, f.column): f.value for f in report.facts} == truth
    assert next(f for f in report.facts if f.row == "unable_unclear" and f.column == "total").evidence == "pairing"


def test_rows_in_doubt_are_withheld_when_no_pairing_holds():
    """The same Markdown with one figure of the unclear row lost: no pairing can be confirmed, so
    every row whose figures stand on another line than its label is withheld (figures-apart), and
    no figure differs from the PDF's."""
    truth = {(f.section, f.row, f.column): f.value for f in parse_bytes(PDF.read_bytes(), ".pdf").facts}
    broken = MARKDOWN.replace(UNCLEAR, UNCLEAR.replace("| 0   | 0   |\n", "|\n", 1), 1)
    report = parse_bytes(broken.encode("utf-8"), ".md")
    got = {(f.section, f.row, f.column): f.value for f in report.facts}
    assert all(got[k] in (None, v) for k, v in truth.items())
    assert got[("requests", "unable_unclear", "total")] is None
    assert "unable_unclear" in {g.row for g in report.findings if g.code == "figures-apart"}
    assert got[("requests", "unprocessed_complaint", "total")] is None
    assert got[("requests", "denied_law_forbidden", "total")] == 0  # its figures share its label's line
    withheld = {(f.section, f.row) for f in report.facts if f.status in ("unresolved", "absent")}
    assert withheld <= {(g.section, g.row) for g in report.findings}


CONVERTED = [("quirk-md-converter-hzq-2024", "input.md", PDF),
             ("quirk-pdf-text-labels-apart-hzq-2024", "input.txt", PDF),
             ("quirk-pdf-text-layout-27-hzs-2025", "input.txt", GOLDEN / "27-hzs-2025-html" / "input.html"),
             ("quirk-pdf-text-symbol-font-25-jjp-2024", "input.txt", GOLDEN / "25-jjp-2024-html" / "input.html")]


@pytest.mark.parametrize("case, name, original", CONVERTED)
def test_a_damaged_converted_table_publishes_no_wrong_figure(case, name, original):
    """The converted requests table damaged as conversions damage it (a figure lost, a line lost,
    two lines swapped, a line repeated), 100 ways each: every figure published is the original's."""
    import random
    import re

    text = (GOLDEN / case / name).read_text(encoding="utf-8")
    truth = {(f.section, f.row, f.column): f.value for f in parse_bytes(original.read_bytes(), original.suffix).facts}
    start = text.index("三、收到和处理")
    end = text.index("四、", start + 10)
    lines = text[start:end].split("\n")
    rng = random.Random(20261201)
    for _ in range(100):
        damaged = list(lines)
        i = rng.randrange(len(damaged) - 1)
        kind = rng.choice(["figure", "line", "swap", "repeat"])
        numbers = list(re.finditer(r"(?<![\d.])\d+(?![\d.])", damaged[i]))
        if kind == "figure" and numbers:
            m = rng.choice(numbers)
            damaged[i] = damaged[i][:m.start()] + damaged[i][m.end():]
        elif kind == "line":
            del damaged[i]
        elif kind == "swap":
            damaged[i], damaged[i + 1] = damaged[i + 1], damaged[i]
        else:
            damaged.insert(i, damaged[i])
        report = parse_bytes((text[:start] + "\n".join(damaged) + text[end:]).encode("utf-8"), Path(name).suffix)
        wrong = [(f.row, f.column, f.value) for f in report.facts
                 if f.section == "requests" and f.value is not None and f.value != truth[(f.section, f.row, f.column)]]
        assert not wrong, (kind, lines[i])
