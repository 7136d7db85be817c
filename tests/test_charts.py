"""Charts people read, checked on the pictures Vega draws (vl-convert, the Vega the site bundles):
whole-number axes without repeated labels, a trend's missing years as gaps, and no chart where
there is nothing to draw."""

import re

import pytest
import vl_convert as vlc

from xxgk.site.agency import outcomes_figure
from xxgk.site.charts import bar, expand, site_config, trend
from xxgk.site.published import ReportFigures
from xxgk.site.strings import t


def drawn(chart) -> str:
    spec = dict(chart.spec, config=site_config(), width=300)
    return vlc.vegalite_to_svg(spec)


def labels(svg: str) -> list[str]:
    return [x for x in re.findall(r"<text[^>]*>([^<]*)</text>", svg) if x]


@pytest.mark.parametrize("largest", [1, 2, 3, 7, 137])
def test_a_count_axis_reads_whole_numbers_once_each(largest):
    shown = labels(drawn(bar("x", "title", "description", [("a", largest), ("b", 0)])))
    ticks = [x for x in shown if x.isdigit()]
    assert ticks[0] == "0" and len(ticks) == len(set(ticks)) >= 2, shown  # 0 1 1 was the old axis for 1
    assert int(ticks[-1]) <= largest * 1.2 + 1


def test_a_trend_shows_every_year_and_a_missing_one_as_a_gap():
    chart = trend("x", "title", "description", [("2021", "new", 3), ("2024", "new", 5), ("2021", "handled", 2), ("2024", "handled", 4)])
    assert [r[0] for r in chart.rows] == ["2021", "2021", "2022", "2022", "2023", "2023", "2024", "2024"]
    assert [r[2] for r in chart.rows if r[0] in ("2022", "2023")] == [None] * 4
    shown = labels(drawn(chart))
    assert [x for x in shown if x.startswith("20")] == ["2021", "2022", "2023", "2024"]
    vega = vlc.vegalite_to_vega(chart.spec)
    line = next(m for m in vega["marks"][0]["marks"] if m["type"] == "line")
    assert "isValid" in line["encode"]["update"]["defined"]["signal"]  # a null breaks the line: no join, no zero
    assert expand({"kind": "line", "values": [list(r) for r in chart.rows]}, "title", "description") == chart.spec


def test_all_zero_outcomes_are_said_in_words_not_drawn():
    plain = {"handled": 0, "outcomes": [["予以公开", 0], ["不予公开", 0]], "outcome_sum": 0, "applicants": [], "new": 0,
             "granted": 0, "denied": 0, "not_held": 0, "review": None, "litigation": None, "appeals": []}
    zero = outcomes_figure(ReportFigures.from_plain(plain), "r1", "2024")
    assert "xxgk-chart" not in zero and t("chart_report_outcomes_zero", year="2024") in zero
    some = outcomes_figure(ReportFigures.from_plain(dict(plain, outcomes=[["予以公开", 1], ["不予公开", 0]])), "r1", "2024")
    assert 'class="xxgk-chart"' in some
    assert outcomes_figure(ReportFigures.from_plain(dict(plain, outcomes=[])), "r1", "2024") == ""
