"""Charts as data: Vega-Lite specs built once with Altair, then filled with each page's figures.

Every chart carries a Chinese title and description and the table of its numbers, so the figures
are readable without the picture (screen readers, copying, no JavaScript).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache

import altair as alt

FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"


@dataclass
class Chart:
    key: str  # unique within its page
    title: str
    description: str
    spec: dict
    columns: tuple[str, ...]  # headers of the table under the chart
    rows: list[tuple]  # the chart's numbers


def _config(chart: alt.Chart) -> alt.Chart:
    return chart.configure(font=FONT).configure_axis(labelFont=FONT, titleFont=FONT).configure_title(font=FONT, anchor="start")


def _strip_config(spec: dict) -> dict:
    """The site's script gives every chart the same config (SITE_CONFIG): pages do not repeat it."""
    spec.pop("config", None)
    return spec


@cache
def site_config() -> dict:
    """The config shared by every chart (fonts that render Chinese on phones and desktops)."""
    return _config(alt.Chart(alt.Data(values=[])).mark_bar()).to_dict()["config"]


@cache
def _bar_template() -> dict:
    data = alt.Data(values=[{"label": "", "value": 0}])
    chart = alt.Chart(data).mark_bar(color="#3f6fb5").encode(
        x=alt.X("value:Q", title="件数", axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=220)),
        tooltip=[alt.Tooltip("label:N", title="项目"), alt.Tooltip("value:Q", title="件数")],
    ).properties(width="container", height=alt.Step(20))
    return _strip_config(chart.to_dict())


@cache
def _line_template() -> dict:
    data = alt.Data(values=[{"year": "2024", "series": "", "value": 0}])
    chart = alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("year:O", title="年度"),
        y=alt.Y("value:Q", title="件数", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("year:O", title="年度"), alt.Tooltip("series:N", title="项目"), alt.Tooltip("value:Q", title="件数")],
    ).properties(width="container", height=220)
    return _strip_config(chart.to_dict())


def _fill(template: dict, title: str, description: str, values: list[dict]) -> dict:
    spec = dict(template)  # the template is shared: copy only what a chart changes
    spec["encoding"] = copy.deepcopy(template["encoding"])
    spec["data"] = {"values": values}
    # the page prints the title and description above the chart (they must read without scripts)
    spec["usermeta"] = {"title": title, "description": description}
    spec["description"] = f"{title}：{description}"
    return spec


def bar(key: str, title: str, description: str, items: list[tuple[str, float]], unit: str = "件数") -> Chart:
    values = [{"label": label, "value": value} for label, value in items]
    spec = _fill(_bar_template(), title, description, values)
    spec["encoding"]["x"]["title"] = unit
    return Chart(key, title, description, spec, ("项目", unit), [(label, value) for label, value in items])


def trend(key: str, title: str, description: str, points: list[tuple[str, str, float]]) -> Chart:
    """points: (year, series, value)."""
    values = [{"year": y, "series": s, "value": v} for y, s, v in points]
    spec = _fill(_line_template(), title, description, values)
    return Chart(key, title, description, spec, ("年度", "项目", "件数"), list(points))
