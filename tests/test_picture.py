"""The picture of a chart made at build time (picture.py): the same numbers as the chart's spec,
bars in proportion, whole-number ticks, missing years as gaps, text escaped, well-formed SVG."""

import re
import xml.etree.ElementTree as ET

import pytest

from xxgk.site import strings
from xxgk.site.charts import bar, trend
from xxgk.site.picture import LABEL_MAX, WIDTH, picture, text_width, ticks

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def chinese():
    strings.use("zh")


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def labels(root: ET.Element) -> list[str]:
    return [t.text for t in root.find(f"{SVG}g[@text-anchor='end']").iter(f"{SVG}text")]


def test_bars_are_in_proportion_and_carry_their_values():
    chart = bar("k", "t", "d", [("予以公开", 40), ("部分公开", 10), ("不予公开", 0), ("无法提供", 20)])
    root = parse(picture(chart))
    rects = list(root.iter(f"{SVG}rect"))
    assert len(rects) == 3  # a zero is its value, with no bar
    widths = [float(r.get("width")) for r in rects]
    assert widths[0] == pytest.approx(4 * widths[1], abs=2) and widths[2] == pytest.approx(2 * widths[1], abs=1)
    assert max(float(r.get("x")) + float(r.get("width")) for r in rects) <= WIDTH
    assert labels(root) == ["予以公开", "部分公开", "不予公开", "无法提供"]
    values = root.findall(f"{SVG}text")
    assert [v.text for v in values] == ["40", "10", "0", "20"]
    assert [float(v.get("y")) for v in values] == [float(t.get("y")) for t in root.iter(f"{SVG}text") if t.text in ("予以公开", "部分公开", "不予公开", "无法提供")]
    assert root.get("aria-hidden") == "true" and root.get("viewBox") == f"0 0 {WIDTH} {4 * 22}"


def test_a_long_label_is_cut_and_text_is_escaped():
    long = "This agency: new requests received in the year <b>&"
    root = parse(picture(bar("k", "t", "d", [(long, 3), ("<script>", 1)])))
    names = labels(root)
    assert names[0].endswith("…") and long.startswith(names[0][:-1]) and text_width(names[0]) <= LABEL_MAX
    assert names[1] == "<script>"  # as text: the parser read it back from its escaped form


@pytest.mark.parametrize("top, expected", [(0, [0, 1]), (1, [0, 1]), (3, [0, 1, 2, 3]), (7, [0, 2, 4, 6, 8]),
                                           (12, [0, 5, 10, 15]), (218, [0, 50, 100, 150, 200, 250]), (1000, [0, 200, 400, 600, 800, 1000])])
def test_ticks_are_few_whole_numbers_from_zero(top, expected):
    assert ticks(top) == expected


def test_a_trend_breaks_its_line_at_a_missing_year():
    chart = trend("k", "t", "d", [("2019", "新收", 10), ("2020", "新收", 12), ("2022", "新收", 3), ("2023", "新收", 5),
                                  ("2019", "复议", 1), ("2020", "复议", None), ("2022", "复议", 2), ("2023", "复议", 0)])
    svg = picture(chart)
    root = parse(svg)
    years = [t.text for t in root.findall(f"{SVG}text") if re.fullmatch(r"\d{4}", t.text or "")]
    assert years == ["2019", "2020", "2021", "2022", "2023"]  # 2021 had no report: on the axis, no point
    paths = [p.get("d") for p in root.findall(f"{SVG}path")]
    assert len(paths) == 2
    assert paths[0].count("M") == 2 and paths[0].count("L") == 2  # 2019–2020, then 2022–2023
    assert paths[1].count("M") == 1 and paths[1].count("L") == 1  # 2022–2023 (2019 alone: a point)
    assert len(root.findall(f"{SVG}circle")) == 4 + 3
    ticks_shown = [t.text for t in root.findall(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert ticks_shown == ["0", "5", "10", "15"]


def test_every_chart_on_a_page_carries_its_picture():
    from xxgk.site.charts import render_chart, render_small_chart

    chart = bar("k", "t", "d", [("予以公开", 4)])
    for html in (render_chart(chart, "p"), render_small_chart(chart)):
        inner = re.search(r'<div class="xxgk-vega"[^>]*>(.*?)</div>', html, re.DOTALL).group(1)
        assert inner == picture(chart)
