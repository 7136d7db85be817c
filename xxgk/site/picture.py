"""A chart as a picture made at build time. In: a `Chart` (its kind and its rows, the numbers the
Vega-Lite spec draws). Out: a small SVG of the same bars or lines, shown where the chart is until
the page's script draws it with Vega, and in its place when scripts are off or Vega cannot load.

The picture is plain SVG in the page's own text colour (dark mode included): bars with their
values at their ends, or a line per series over every year from the first to the last (a year
with no figure a gap), integer ticks only. Text widths are estimated (a CJK character is an em, a
Latin one ~0.6 em): labels wider than LABEL_MAX are cut with an ellipsis, the full labels being
in the chart's caption and its table of numbers. It is decoration for a screen reader
(`aria-hidden`): the chart's caption and table carry its figures."""

from __future__ import annotations

import math
from typing import Protocol

from .html import fmt, h


class Chart(Protocol):  # charts.Chart, as far as a picture needs it
    kind: str  # "bar" or "line"
    rows: list[tuple]  # (label, value) or (year, series, value)

WIDTH = 400  # the picture's own width (scaled to the column on a narrow screen, at most 1.25 times as wide)
FONT = 13
ROW = 22  # a bar's row
LABEL_MAX = 200
PLOT = 170  # a trend's plot height
BAR = "#3f6fb5"  # the Vega-Lite chart's bar colour (charts._bar_template)
SERIES = ("#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac")  # Vega's tableau10


def text_width(text: str) -> float:
    return sum(FONT if ord(c) > 0x2E7F else FONT * 0.6 for c in text)


def clip(text: str, room: float) -> str:
    """`text`, cut with an ellipsis to fit `room` (estimated)."""
    if text_width(text) <= room:
        return text
    while text and text_width(text + "…") > room:
        text = text[:-1]
    return text + "…"


def _svg(height: float, body: list[str]) -> str:
    return (f'<svg class="xxgk-picture" viewBox="0 0 {WIDTH} {round(height)}" aria-hidden="true" focusable="false" '
            f'font-size="{FONT}" fill="currentColor">{"".join(body)}</svg>')


def _number(v) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) else None


def bars(chart: Chart) -> str:
    rows = [(str(label), _number(value)) for label, value in chart.rows]
    labels = [clip(label, LABEL_MAX) for label, _ in rows]
    left = max((text_width(x) for x in labels), default=0) + 6
    values = [fmt(v) if v is not None else "—" for _, v in rows]
    room = WIDTH - left - 6 - max((text_width(x) for x in values), default=0) - 4
    top = max((v for _, v in rows if v is not None), default=0) or 1
    left = round(left)
    widths = [round(room * max(v or 0, 0) / top) for _, v in rows]
    # what rows share is said once, on their group (a page of many charts is budgeted)
    names = "".join(f'<text x="{left - 6}" y="{i * ROW + 15}">{h(x)}</text>' for i, x in enumerate(labels))
    rects = "".join(f'<rect x="{left}" y="{i * ROW + 4}" width="{w}" height="{ROW - 8}"/>' for i, w in enumerate(widths) if w)
    out = [f'<g text-anchor="end">{names}</g>', f'<g fill="{BAR}">{rects}</g>',
           *(f'<text x="{left + w + 4}" y="{i * ROW + 15}">{h(x)}</text>' for i, (w, x) in enumerate(zip(widths, values, strict=True)))]
    return _svg(len(rows) * ROW, out)


def ticks(top: float) -> list[float]:
    """Whole-number ticks from 0 to at least `top`, at most six."""
    step = 1.0
    while top / step > 5:
        for f in (2, 2.5, 2):  # 1, 2, 5, 10, 20, 50, …
            step *= f
            if top / step <= 5:
                break
    return [i * step for i in range(math.ceil(top / step) + 1)] if top > 0 else [0.0, 1.0]


def lines(chart: Chart) -> str:
    points = [(str(y), str(s), _number(v)) for y, s, v in chart.rows]
    years = list(dict.fromkeys(y for y, _, _ in points))
    series = list(dict.fromkeys(s for _, s, _ in points))
    marks = ticks(max((v for _, _, v in points if v is not None), default=0))
    left = max(text_width(fmt(m)) for m in marks) + 8
    step = (WIDTH - left - 4) / max(len(years), 1)
    x = {y: left + step * (i + 0.5) for i, y in enumerate(years)}

    def yv(v: float) -> float:
        return round(6 + PLOT * (1 - v / marks[-1]), 1)

    out = ['<g stroke="currentColor" stroke-opacity=".25">']
    out += [f'<line x1="{left:g}" x2="{WIDTH - 4}" y1="{yv(m)}" y2="{yv(m)}"/>' for m in marks]
    out.append("</g>")
    out += [f'<text x="{left - 4:g}" y="{yv(m) + 4}" text-anchor="end">{h(fmt(m))}</text>' for m in marks]
    out += [f'<text x="{x[y]:.1f}" y="{PLOT + 26}" text-anchor="middle">{h(y)}</text>' for y in years]
    for k, s in enumerate(series):
        colour = SERIES[k % len(SERIES)]
        value = {y: v for y, name, v in points if name == s}
        strokes: list[list[str]] = [[]]
        for y in years:
            v = value.get(y)
            if v is None:
                strokes.append([])  # a gap: the next point starts a new stroke
            else:
                strokes[-1].append(f"{x[y]:.1f} {yv(v)}")
        path = "".join("M" + "L".join(s) for s in strokes if len(s) > 1)  # a lone point is its dot
        if path:
            out.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        out += [f'<circle cx="{x[y]:.1f}" cy="{yv(v)}" r="3" fill="{colour}"/>' for y in years if (v := value.get(y)) is not None]
    # the legend, wrapped to the picture's width
    row, at = PLOT + 48, left
    for k, s in enumerate(series):
        name = clip(s, WIDTH - 24)
        wide = text_width(name) + 24
        if at + wide > WIDTH and at > left:
            row, at = row + 20, left
        out.append(f'<rect x="{at:.1f}" y="{row - 10}" width="10" height="10" fill="{SERIES[k % len(SERIES)]}"/>'
                   f'<text x="{at + 14:.1f}" y="{row}">{h(name)}</text>')
        at += wide
    return _svg(row + 6, out)


def picture(chart: Chart) -> str:
    """The chart's picture, as SVG markup to put in a page."""
    return bars(chart) if chart.kind == "bar" else lines(chart)
