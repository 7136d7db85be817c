"""The five seed reports, read by hand: every figure of sections 二–四 must come out exactly."""

import pytest
from conftest import seed

from xxgk.report import parse_bytes

# Every non-zero figure printed in each seed (all others are printed as 0).
NON_ZERO = {
    "000": {("proactive", "penalty", "decisions"): 44},
    "001": {("proactive", "normative_documents", "in_force"): 2, ("proactive", "licensing", "decisions"): 282,
            ("proactive", "penalty", "decisions"): 15},
    "002": {("proactive", "penalty", "decisions"): 2,
            **{("requests", row, col): 1 for row in ("new", "granted", "total") for col in ("natural_person", "total")}},
    "003": {},
    "004": {**{("requests", "new", col): 4 for col in ("natural_person", "total")},
            **{("requests", "unable_not_held", col): 3 for col in ("natural_person", "total")},
            **{("requests", "total", col): 3 for col in ("natural_person", "total")},
            **{("requests", "carried_forward", col): 1 for col in ("natural_person", "total")}},
}
AGENCY = {"000": "灋河回族区城市管理局", "001": "兴安区", "002": "洛龙区定鼎门街道办事处", "003": "北关区信访局",
          "004": "韶关市武江区人民政府办公室"}


@pytest.mark.parametrize("n", sorted(NON_ZERO))
def test_seed_figures_exact(n):
    report = parse_bytes(seed(n).read_bytes(), ".txt")
    assert report.status == "ok" and report.template == "2021"
    assert report.agency_name == AGENCY[n] and report.year == 2024
    assert len(report.facts) == 10 + 25 * 7 + 15
    got = {(f.section, f.row, f.column): f.value for f in report.facts}
    assert all(f.status == "reported" for f in report.facts)
    expected = {key: NON_ZERO[n].get(key, 0) for key in got}
    assert got == expected
    # the one note: 灋 in the printed name is a look-alike of 瀍 (瀍河回族区); the name is kept as printed
    assert [g.code for g in report.findings] == (["region-corrected"] if n == "000" else [])


def test_every_fact_points_at_a_line_holding_its_figure():
    for n in NON_ZERO:
        path = seed(n)
        lines = path.read_text(encoding="utf-8").splitlines()
        report = parse_bytes(path.read_bytes(), ".txt")
        for f in report.facts:
            assert f.source_line is not None
            assert f.printed in lines[f.source_line - 1], (n, f)
