"""Text that is safe where it goes, and numbers as the site prints them. In: any value of the
package (strings from reports, typed figures, shares, file sizes). Out: text for Markdown (`esc`),
raw HTML (`h`) and JSON inside a <script> element (`json_in_html`); the one number formatter of
the site (`fmt`: figures, counts, sums), shares (`share`, `percent`) and file sizes (`size`).

Every string that comes from a report (agency names, titles, narrative, printed text) goes
through `esc` or `h` before it reaches a page."""

from __future__ import annotations

import html
import json
from pathlib import Path

from ..model import shown

_MD_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]()#+!|~>"})


def esc(text) -> str:
    """Safe inside Markdown text and table cells: HTML-escaped, Markdown syntax neutralised."""
    s = "" if text is None else str(text)
    s = html.escape(s.replace("\r", " ").replace("\n", " "), quote=True)
    return s.translate(_MD_SPECIAL)


def code_span(text) -> str:
    """A code in Markdown text or a table cell: an HTML code element (a Markdown code span would
    show the backslashes `esc` puts before _ and *)."""
    return f"<code>{h(text)}</code>".replace("|", "&#124;")


def h(text) -> str:
    """Safe inside raw HTML (element text or a quoted attribute)."""
    return html.escape("" if text is None else str(text), quote=True)


def json_in_html(data) -> str:
    """JSON that cannot close its <script> element or open another."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def fmt(v) -> str:
    """A figure, count or sum: whole numbers without a decimal point, others as printed (%g);
    nothing for no value."""
    return shown(v)


def share(part, whole) -> float | None:
    """A rate (of the requests handled): the one definition the rankings, region lists and agency
    pages share; only with a denominator."""
    return None if part is None or not whole else part / whole


def as_percent(rate: float | None) -> str:
    """A rate rounded to whole percent; nothing for no rate."""
    return "" if rate is None else f"{rate:.0%}"


MIN_RANKED = 10  # requests handled before a share of them is shown beside others' or compared


def percent(part, whole) -> str:
    """A share (`share`) in a table that sets agencies side by side, rounded to whole percent:
    only of MIN_RANKED requests handled or more (a share of one request says nothing)."""
    return as_percent(share(part, whole)) if whole is not None and whole >= MIN_RANKED else ""


def size(path: Path) -> str:
    """A file's size in B, KB, MB or GB."""
    n = float(path.stat().st_size)
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return ""
