"""Property-based fuzzing of the readers and the extractor: arbitrary bytes and mutated real
reports never raise, and every figure published is printed in the input. Bounded here; `make
fuzz` runs the coverage-guided target (scripts/fuzz.py) for longer. Inputs that once broke a
promise are replayed from tests/fixtures/fuzz/."""

import os
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xxgk.fuzz import (
    NUMBER_FORMS,
    NUMBER_SUFFIXES,
    SUFFIXES,
    Violation,
    check_input,
    label_figures,
    with_number_forms,
)
from xxgk.model import Fact, Report

REAL = sorted(p for p in SEEDS.glob("*/input.*") if p.suffix in SUFFIXES)
FOUND = ROOT / "tests" / "fixtures" / "fuzz"
# bounded and repeatable in `make test`; XXGK_FUZZ_EXAMPLES=N explores N fresh examples instead
EXAMPLES = int(os.environ.get("XXGK_FUZZ_EXAMPLES", "0"))
bounded = settings(max_examples=EXAMPLES or 200, deadline=None, derandomize=not EXAMPLES, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@bounded
@given(st.binary(max_size=4096), st.sampled_from(SUFFIXES))
def test_arbitrary_bytes(data, suffix):
    check_input(data, suffix)


@st.composite
def mutated(draw):
    """A real report with a few edits of the kinds files suffer: cut, doubled, overwritten,
    characters or digits inserted, lines dropped."""
    path = draw(st.sampled_from(REAL))
    data = bytearray(path.read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        span = draw(st.integers(1, 400))
        kind = draw(st.sampled_from(["cut", "double", "overwrite", "insert", "digits", "truncate"]))
        if kind == "cut":
            del data[at:at + span]
        elif kind == "double":
            data[at:at] = data[at:at + span]
        elif kind == "overwrite":
            data[at:at + 8] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "insert":
            data[at:at] = draw(st.text(alphabet="0123456789 \t\n|<>&;：，。、一二三四五六七八九十（）()-—,.%％ex万亿元", max_size=30)).encode()
        elif kind == "digits":
            data[at:at] = draw(st.from_regex(r"[0-9]{1,12}", fullmatch=True)).encode()
        else:
            del data[at:]
    return bytes(data), path.suffix


@bounded
@given(mutated())
def test_mutated_real_reports(case):
    check_input(*case)


# small real reports in three layouts, the figures after their labels to be printed in other forms
FORM_BASES = [p for p in REAL if p.parent.name in ("seed-000", "26-gwh-2025", "seed-002-markdown", "25-jjp-2024-html")]


@st.composite
def number_forms(draw):
    """A real report with some figures after its labels printed as other number forms (`1,234`,
    `1，234`, `1e9`, `0x10`, `3万`, `50%`, `(5)` …), replacing the figure or glued after it."""
    path = draw(st.sampled_from(FORM_BASES))
    edits = draw(st.lists(st.one_of(
        st.tuples(st.integers(0, 200), st.sampled_from(NUMBER_FORMS), st.just(True)),
        st.tuples(st.integers(0, 200), st.sampled_from(NUMBER_SUFFIXES), st.just(False))), min_size=1, max_size=6))
    return with_number_forms(path.read_bytes(), edits), path.suffix


@bounded
@given(number_forms())
def test_number_forms_after_labels(case):
    check_input(*case)


def test_number_forms_reach_every_layout():
    for path in FORM_BASES:
        assert label_figures(path.read_bytes()), path


@pytest.mark.parametrize("form", NUMBER_FORMS)
@pytest.mark.parametrize("path", FORM_BASES, ids=lambda p: p.parent.name)
def test_each_number_form_after_every_label(path, form):
    data = path.read_bytes()
    check_input(with_number_forms(data, [(i, form, True) for i in range(len(label_figures(data)))]), path.suffix)


def published(monkeypatch, value):
    """Have the parser publish one figure, whatever the input, to see what the invariant says of it."""
    report = Report(status="ok", format="text")
    row, column = ("fees", "amount") if isinstance(value, float) else ("penalty", "decisions")  # a decimal is an amount
    report.facts.append(Fact("proactive", row, column, value, "reported", "cell", str(value), 1))
    monkeypatch.setattr("xxgk.fuzz.parse_bytes", lambda data, suffix: report)


@pytest.mark.parametrize("printed", ["1,234", "1，234", "1e9", "0x1", "1.5e3", "1万", "1 万", "1%", "(1)", "1,234,5", "1、234",
                                     "1abc", "1.5", "A1"])
def test_a_figure_published_from_part_of_a_longer_number_is_a_violation(monkeypatch, printed):
    published(monkeypatch, 1)
    with pytest.raises(Violation):
        check_input(f"行政处罚 {printed}\n".encode(), ".txt")


@pytest.mark.parametrize("printed, value", [("1", 1), ("1,234", 1234), ("1，234", 1234), ("12.5", 12.5), ("1,234.5", 1234.5),
                                            ("1000001", 1), ("1000001", 100), ("3万元", 3), ("0(1)属于国家秘密", 0),
                                            ("5元", 5), ("1-2", 2), ("1\t万", 1), ("1/2", 1)])
def test_a_figure_printed_whole_is_no_violation(monkeypatch, printed, value):
    # a glued run may hold several cells; a cell, a blank marker or a known label ends a figure
    published(monkeypatch, value)
    check_input(f"行政处罚 {printed}\n".encode(), ".txt")


def test_html_entities_and_markdown_markup_are_read_as_the_readers_read_them(monkeypatch):
    published(monkeypatch, 1234)
    check_input("<table><tr><td>行政处罚</td><td>1&#44;234</td></tr></table>".encode(), ".html")
    check_input("| 行政处罚 | **1,234** |\n".encode(), ".md")


@pytest.mark.parametrize("path", sorted(FOUND.glob("*")) if FOUND.is_dir() else [], ids=lambda p: p.name)
def test_inputs_found_by_fuzzing(path: Path):
    suffix = path.suffixes[0] if path.suffixes else ".txt"
    check_input(path.read_bytes(), suffix)


def test_the_invariant_knows_signed_and_decimal_columns():
    # the 2019 template's 本年增/减 may be negative; a decimal is a figure only in a column of amounts
    from xxgk.report import parse_bytes

    text = (SEEDS / "02-jjf-2020" / "input.txt").read_text(encoding="utf-8")
    assert "行政许可 0 0 0" in text
    signed = text.replace("行政许可 0 0 0", "行政许可 5 -3 12").encode("utf-8")
    facts = {f.column: f.value for f in parse_bytes(signed, ".txt").facts if f.row == "licensing"}
    assert facts == {"prior_items": 5, "change": -3, "decisions": 12}
    check_input(signed, ".txt")
    decimal = text.replace("行政许可 0 0 0", "行政许可 5 1.5 12").encode("utf-8")
    assert {f.status for f in parse_bytes(decimal, ".txt").facts if f.row == "licensing"} == {"unresolved"}
    check_input(decimal, ".txt")


def test_a_fee_printed_with_its_columns_multiplier_is_no_violation(monkeypatch):
    published(monkeypatch, 1.5)  # a decimal is published as the fee
    check_input("行政事业性收费 1.5万\n".encode(), ".txt")
