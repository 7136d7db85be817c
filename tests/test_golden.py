"""Each golden case: a real report beside the facts and findings expected from it."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("golden", ROOT / "scripts" / "golden.py")
golden = importlib.util.module_from_spec(spec)
spec.loader.exec_module(golden)


@pytest.mark.parametrize("case", golden.cases(), ids=lambda p: p.name)
def test_golden(case):
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    assert golden.snapshot(golden.input_of(case)) == expected


def test_there_is_a_case_per_layout():
    suffixes = {golden.input_of(c).suffix for c in golden.cases()}
    assert {".txt", ".html", ".md"} <= suffixes
    assert len(golden.cases()) >= 40


def test_no_figure_is_published_from_an_ambiguous_row():
    for case in golden.cases():
        expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
        for finding in expected["findings"]:
            code, _sev, *where = finding.split()
            if code in ("ambiguous-digits", "cell-count-mismatch") and where and where[0].count(".") == 1:
                assert set(expected["facts"][where[0]].split()) == {"?"}, (case.name, finding)
