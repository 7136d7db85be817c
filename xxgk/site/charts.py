"""Charts as data. In: a chart's key, title, description and figures (label and value pairs, or
year, series and value points). Out: a `Chart` (its Vega-Lite spec, built once per kind with
Altair and then filled with the page's figures, and its numbers as rows), and `render_chart`, the
chart's figure on a page: title and description, the spec (drawn by the site's script, in place
of the picture made at build time, `picture`) and the table of its numbers.

Every chart carries its title and description and the table of its numbers, so the figures are
readable without the picture (screen readers, copying, no JavaScript). Axis and table headings
are the site's strings (`chart_*`)."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import altair as alt

from . import strings
from .html import fmt, h, json_in_html
from .picture import picture
from .strings import t

FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"


@dataclass
class Chart:
    key: str  # unique within its page
    title: str
    description: str
    spec: dict
    columns: tuple[str, ...]  # headers of the table under the chart
    rows: list[tuple]  # the chart's numbers
    kind: str = "bar"  # the template it fills (KINDS)


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


def _count_axis(title: str) -> alt.Axis:
    """An axis of counts: whole numbers only. Vega puts ticks at halves when the largest value is
    small (an axis of `0 0.5 1` read `0 1 1` as whole numbers); those ticks, their labels and grid
    lines are not drawn, whatever the data (the template is shared by every chart)."""
    fraction = "datum.value % 1 != 0"
    hidden = {"condition": {"test": fraction, "value": 0}, "value": 1}
    return alt.Axis(title=title, tickMinStep=1, format="d", labelExpr=f"{fraction} ? '' : datum.label",
                    tickOpacity=hidden, gridOpacity=hidden)  # type: ignore[arg-type]


@cache
def _bar_template(lang: str) -> dict:  # lang: made once per language (its titles are words)
    data = alt.Data(values=[{"label": "", "value": 0}])
    chart = alt.Chart(data).mark_bar(color="#3f6fb5").encode(
        x=alt.X("value:Q", title=t("chart_count"), axis=_count_axis(t("chart_count"))),
        y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=220)),
        tooltip=[alt.Tooltip("label:N", title=t("item")), alt.Tooltip("value:Q", title=t("chart_count"))],
    ).properties(width="container", height=alt.Step(20))
    return _strip_config(chart.to_dict())


@cache
def _line_template(lang: str) -> dict:
    data = alt.Data(values=[{"year": "2024", "series": "", "value": 0}])
    chart = alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("year:O", title=t("year")),
        y=alt.Y("value:Q", title=t("chart_count"), axis=_count_axis(t("chart_count"))),
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("year:O", title=t("year")), alt.Tooltip("series:N", title=t("item")),
                 alt.Tooltip("value:Q", title=t("chart_count"))],
    ).properties(width="container", height=220)
    spec = _strip_config(chart.to_dict())
    # a year missing between two others is a gap in the line (its points are null), not a join
    # and not a zero (Vega-Lite 5.19's mode, newer than Altair's schema)
    spec["mark"]["invalid"] = "break-paths-show-domains"
    return spec


def _fill(template: dict, title: str, description: str, values: list[dict]) -> dict:
    spec = dict(template)  # the template is shared: copy only what a chart changes
    spec["encoding"] = copy.deepcopy(template["encoding"])
    spec["data"] = {"values": values}
    # the page prints the title and description above the chart (they must read without scripts)
    spec["usermeta"] = {"title": title, "description": description}
    spec["description"] = t("titled", title=title, description=description)
    return spec


def bar(key: str, title: str, description: str, items: Sequence[tuple[str, float]], unit: str | None = None) -> Chart:
    """A bar per item (label, value); `unit` names the values (by default the count of requests)."""
    unit = unit or t("chart_count")
    values = [{"label": label, "value": value} for label, value in items]
    spec = _fill(_bar_template(strings.LANG), title, description, values)
    spec["encoding"]["x"]["title"] = unit
    return Chart(key, title, description, spec, (t("item"), unit), [(label, value) for label, value in items], "bar")


def trend(key: str, title: str, description: str, points: Sequence[tuple[str, str, float | None]]) -> Chart:
    """A line per series over the years; points: (year, series, value). Every year from the first
    to the last is on the axis: a year with no report is there, each series' value null (a gap)."""
    years = sorted({int(y) for y, _, _ in points})
    missing = [str(y) for y in range(years[0], years[-1] + 1) if y not in years] if years else []
    series = list(dict.fromkeys(s for _, s, _ in points))
    gaps: list[tuple[str, str, float | None]] = [(y, s, None) for y in missing for s in series]
    points = sorted([*points, *gaps], key=lambda p: (p[0], series.index(p[1])))
    values = [{"year": y, "series": s, "value": v} for y, s, v in points]
    spec = _fill(_line_template(strings.LANG), title, description, values)
    return Chart(key, title, description, spec, (t("year"), t("item"), t("chart_count")), list(points), "line")


# The fields of each kind's data values, in the order a compact chart lists them
KINDS = {"bar": ("label", "value"), "line": ("year", "series", "value")}


def templates() -> dict:
    """What a page's script needs to make a chart's whole spec from its compact form (`compact`):
    each kind's template, its fields, and how a title and description read as one."""
    return {"templates": {"bar": _bar_template(strings.LANG), "line": _line_template(strings.LANG)}, "fields": KINDS, "titled": t("titled", title="{title}", description="{description}"),
            # the headers of the table of a chart's numbers (a bar chart's second is its unit)
            "columns": {"bar": [t("item")], "line": [t("year"), t("item"), t("chart_count")]}, "error": t("chart_error"),
            "data": t("chart_data")}  # the summary of a compact chart's table of numbers


def compact(chart: Chart) -> dict:
    """A chart as a page carries it: its kind, its values as rows, the bar axis' unit; the title
    and description are the figure's caption. `expand` (and the page's script, alike) makes the
    whole spec again: a page of many charts does not repeat their templates."""
    fields = KINDS[chart.kind]
    out: dict = {"kind": chart.kind, "values": [[v[f] for f in fields] for v in chart.spec["data"]["values"]]}
    if chart.kind == "bar":
        out["unit"] = chart.spec["encoding"]["x"]["title"]
    return out


def expand(small: dict, title: str, description: str) -> dict:
    """The whole Vega-Lite spec of a compact chart (the reference for xxgk.js's `expandChart`)."""
    values = [dict(zip(KINDS[small["kind"]], row)) for row in small["values"]]
    if small["kind"] == "bar":
        spec = _fill(_bar_template(strings.LANG), title, description, values)
        spec["encoding"]["x"]["title"] = small["unit"]
        return spec
    return _fill(_line_template(strings.LANG), title, description, values)


def render_small_chart(chart: Chart) -> str:
    """A chart on a page of our own (an agency's): its caption, its picture and its compact form;
    the page's script draws it when asked, names it (role, aria-labelledby: the caption) and adds
    the table of its numbers, which matter only once it is drawn (a page's bytes are budgeted).
    The same numbers are in the report's tables beside it, which read without scripts."""
    return (f'<figure class="xxgk-chart" id="chart-{h(chart.key)}">'
            f'<figcaption><strong>{h(chart.title)}</strong><br><span>{h(chart.description)}</span></figcaption>'
            f'<div class="xxgk-vega">{picture(chart)}</div>'
            f'<script type="application/json" class="xxgk-small">{json_in_html(compact(chart))}</script></figure>\n')


def render_chart(chart: Chart, page_key: str) -> str:
    """A chart on a page: title and description, the Vega-Lite spec (drawn by the site's script),
    and its numbers as a table."""
    cid = f"chart-{page_key}-{chart.key}"
    head = "".join(f"<th>{h(c)}</th>" for c in chart.columns)

    def td(v) -> str:  # None: a year with no figure (a gap in a trend)
        return f'<td class="num">{h(fmt(v))}</td>' if isinstance(v, (int, float)) else '<td class="num">—</td>' if v is None else f"<td>{h(v)}</td>"

    body = "".join("<tr>" + "".join(td(v) for v in row) + "</tr>" for row in chart.rows)
    return (f'<figure class="xxgk-chart" id="{h(cid)}">\n'
            f'<figcaption><strong>{h(chart.title)}</strong><br><span>{h(chart.description)}</span></figcaption>\n'
            f'<div class="xxgk-vega" role="img" aria-label="{h(t("titled", title=chart.title, description=chart.description))}">'
            f'{picture(chart)}</div>\n'
            f'<script type="application/json" class="xxgk-spec">{json_in_html(chart.spec)}</script>\n'
            f'<details class="xxgk-chart-data"><summary>{h(t("chart_data"))}</summary><div class="xxgk-table-wrap"><table>'
            f'<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div></details>\n'
            f"</figure>\n")
