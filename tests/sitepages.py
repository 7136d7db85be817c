"""Reading the site's agency pages as the page's script reads them (shared by the site tests)."""

import json
import re
from html import unescape


def figure_lines(text: str) -> list[tuple[str, int, str, str]]:
    """(source page, line, value, printed) of every figure in a page's report tables, as the
    page's script links them: a cell's own line (data-l) or its place in its row (the row's
    data-l, or the line after the previous row's, plus k·data-d for the k-th cell); what the
    report printed is the cell's title where it differs."""
    return [(src, line, value, printed) for src, line, _, value, printed in figure_links(text)]


def figure_links(text: str) -> list[tuple[str, int, tuple[int, int] | None, str, str]]:
    """(source page, line, the figure's characters in it, value, printed) of every figure, as
    figure_lines; the characters (start, end) as the script makes them of the row's data-c and
    data-g and the cell's own data-c (tables.py: Tables.chars), None where it has none."""
    out = []
    named = [(m.start(), m.group(1)) for m in re.finditer(r'<div class="xxgk-report-tables" data-src="([^"]+)"[^>]*>', text)]
    tables = []
    for k, (start, src) in enumerate(named):  # the tables of a report: up to the next report's
        end = named[k + 1][0] if k + 1 < len(named) else len(text)
        tables += [(src, table) for table in re.findall(r'<table class="xxgk-report"[^>]*>(.*?)</table>', text[start:end], re.DOTALL)]
    for src, table in tables:
        row_line, step, first, gap = None, 0, None, 0
        # no end tags: a row ends at the next; a row without data-l is on the line after the
        # previous row's; without data-d, or data-c (and data-g), its are the previous row's
        for tr in table.split("<tbody>", 1)[1].split("<tr")[1:]:
            tr_attrs, row = tr.split(">", 1)
            own = re.search(r'data-l="(\d*)"', tr_attrs)
            if d := re.search(r'data-d="(\d+)"', tr_attrs):
                step = int(d.group(1))
            if c := re.search(r'data-c="(\d*)"', tr_attrs):
                first = int(c.group(1)) if c.group(1) else None
                gap = int(g.group(1)) if (g := re.search(r'data-g="(\d+)"', tr_attrs)) else 0
            if own:  # data-l="": no line
                row_line = int(own.group(1)) if own.group(1) else None
            elif row_line:
                row_line += 1
            last = None
            cells = re.findall(r'<td(?: class="([^"]*)")?(?: data-l="(\d+)")?( data-c="(\d*)(?:-(\d+))?")?(?: title="([^"]*)")?>([^<]*)', row)
            for k, (cls, line, has_own, own_start, own_end, title, value) in enumerate(cells):
                if "absent" in cls or "unresolved" in cls or "blank" in cls:
                    continue
                chars = None
                if first is not None:
                    if has_own and not own_start:
                        start = None
                    elif own_start:
                        start = int(own_start)
                    else:
                        start = first if last is None or step else last + gap
                    if start is not None:
                        last = int(own_end) if own_end else start + len(value)
                        chars = (start, last)
                printed = re.search(r"印出“([^”]*)”", title)
                expected = row_line + k * step if row_line and step else row_line
                out.append((src, int(line) if line else expected, chars, value, unescape(printed.group(1)) if printed else value))
    return out


def page_charts(text: str) -> list[dict]:
    """The whole Vega-Lite spec of each chart an agency page carries in compact form."""
    from xxgk.site.charts import expand

    out = []
    for title, description, small in re.findall(r'<figcaption[^>]*><strong>(.*?)</strong><br><span>(.*?)</span></figcaption>.*?'
                                                r'<script type="application/json" class="xxgk-small">(.*?)</script>', text, re.DOTALL):
        out.append(expand(json.loads(small), unescape(title), unescape(description)))
    return out
