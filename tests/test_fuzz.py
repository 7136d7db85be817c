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

from xxgk.fuzz import SUFFIXES, check_input

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
            data[at:at] = draw(st.text(alphabet="0123456789 \t\n|<>&;：，。、一二三四五六七八九十（）()-—", max_size=30)).encode()
        elif kind == "digits":
            data[at:at] = draw(st.from_regex(r"[0-9]{1,12}", fullmatch=True)).encode()
        else:
            del data[at:]
    return bytes(data), path.suffix


@bounded
@given(mutated())
def test_mutated_real_reports(case):
    check_input(*case)


@pytest.mark.parametrize("path", sorted(FOUND.glob("*")) if FOUND.is_dir() else [], ids=lambda p: p.name)
def test_inputs_found_by_fuzzing(path: Path):
    suffix = path.suffixes[0] if path.suffixes else ".txt"
    check_input(path.read_bytes(), suffix)
