"""One report's tables as the official template prints them. In: the package (`Published`: the
codes table gives every row, column and group label and the template's order), one report's facts
keyed by (section, row, column), its findings and the link to its source page. Out: HTML tables
for sections 2 (proactive), 3 (requests, with the template's nested headers and its three levels of
numbering) and 4 (appeals), and their headings.

Every figure is tied to the source line it was read from: a row names its line (data-l) unless it
is on the line after the previous row's (most are), a cell read from another line names its own,
and the page's script makes each label and figure a link (to the source page the report's tables name once, `data-src`; without scripts, the report's source page is linked above its tables); a blank, missing or withheld cell says so, and a cell that a finding concerns
is marked with the finding's message. Cells stay small: a page holds hundreds."""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import cache
from itertools import pairwise

from . import strings
from .html import fmt, h
from .published import Published
from .strings import label, message, t, words

# The requests table's top-level entries, numbered 1 to 4 (the outcome block is a group)
TOP = ("new", "carried_over", "outcome", "carried_forward")


@cache
def cell_words(lang: str) -> dict:
    """The fixed words of the table cells, made once per language (a page has thousands of cells)."""
    return {"absent_cell": f'<td class="num absent" title="{h(t("cell_not_in_report"))}">{h(t("mark_absent"))}',
            "flag": f'<span class="xxgk-flag" aria-label="{h(t("cell_flagged"))}">⚠</span>',
            "evidence": {k: t("cell_evidence", how=v) for k, v in words("evidence").items()},
            "blank": (t("mark_blank"), t("cell_blank")), "absent": (t("mark_absent"), t("cell_absent")),
            "unresolved": (t("mark_unresolved"), t("cell_unresolved"))}


def spans(order: list[str], codes: list[str] | None) -> str:
    """Codes by their places in the codes table's order, runs as ranges: "0-24,26" (a table's
    rows are most of its section's, in order; the codes are in the shared javascripts/package.js)."""
    places = [order.index(c) for c in codes or []]
    runs: list[list[int]] = []
    for p in places:
        if runs and p == runs[-1][1] + 1:
            runs[-1][1] = p
        else:
            runs.append([p, p])
    return ",".join(f"{a}-{b}" if b > a else str(a) for a, b in runs)


def numeral(n: int) -> str:
    """The n-th (from 1) numeral of the template's numbering."""
    return words("numerals")[n - 1]


def section_heading(pub: Published, section: str) -> str:
    """A table section's heading, numbered as in the template (2 proactive, …)."""
    entry = pub.labels("section")[section]
    return t("numbered", n=numeral(entry["position"]), label=h(label(entry)))


class Tables:
    """Lays out one report's figures the way the official template prints them."""

    def __init__(self, pub: Published, report: dict, facts: dict, findings: list[dict], source_href: str | None, codes: bool = False):
        """`codes`: each table names its figures' codes (data-k), from which the page's script
        makes a figure's error report (only when errors can be reported: XXGK_REPO_URL)."""
        self.pub = pub
        self.codes = codes
        self.report = report
        self.facts = facts
        self.source_href = source_href
        self.rows = {s: pub.labels("row", s) for s in ("proactive", "requests", "appeals")}
        self.columns = {s: pub.labels("column", s) for s in ("proactive", "requests", "appeals")}
        self.groups = pub.labels("group", "requests")
        self.words = cell_words(strings.LANG)
        self.last_line: int | None = None  # the line of the previous row of the tbody being written (tr)
        self.last_step, self.last_chars = 0, ""  # and its data-d and data-c/data-g, which a row says only where it differs
        self.own_chars: dict[tuple, str] = {}  # the row being written: its figures' own data-c (chars)
        self.flags: dict[tuple, list[dict]] = defaultdict(list)
        for f in findings:  # a cell's own findings; under column "", every finding of its row
            if f["section"] and f["row"]:
                if f["column"]:
                    self.flags[(f["section"], f["row"], f["column"])].append(f)
                self.flags[(f["section"], f["row"], "")].append(f)

    def place(self, keys: list[tuple[str, str, str]]) -> tuple[int | None, int, list[int | None]]:
        """Where a row's figures were read: (its line, step, each figure's expected line). A row
        printed on one line: the commonest line (the first of a tie), step 0. A row printed one
        figure a line (a table converted to text cell by cell): its first figure's line, step 1.
        A figure elsewhere says so itself (data-l)."""
        got: list[int | None] = [f["source_line"] if (f := self.facts.get(k)) else None for k in keys]
        first = got[0] if got else None
        if len(got) > 1 and first and all(x == first + j for j, x in enumerate(got)):
            return first, 1, got
        lines = Counter(x for x in got if x)
        line = min(lines, key=lambda n: (-lines[n], n)) if lines else None
        return line, 0, [line] * len(keys)

    def label(self, text: str, evidence: str = "") -> str:
        """A row's label (escaped already); how the row's figures were read, when all alike and not
        plain, is its title."""
        how = words("evidence").get(evidence, "") if evidence else ""
        return f'<span title="{h(how)}">{text}</span>' if how else text

    def chars(self, keys: list[tuple[str, str, str]], step: int) -> str:
        """Where a row's figures lie in their lines (facts.source_char_start/end), for the script
        to link each to its characters: the row names its first figure's start (data-c) and the
        commonest gap between one figure's end and the next one's start (data-g, if not 0); each
        reported figure is taken to start there (at the row's start again where the row is printed
        one figure a line) and to end after the number's length, and says its own start (data-c,
        with "-end" where the end differs) where it does not, data-c="" where it is not known.
        Returns the row's attributes; the figures' own are left in `own_chars` for `cell`."""
        self.own_chars = {}
        if not self.source_href:
            return ""
        got = [(k, f) for k in keys if (f := self.facts.get(k)) and f["status"] == "reported"]
        known = [(f["source_char_start"], f["source_char_end"]) for _, f in got if f.get("source_char_start") is not None]
        if not known:
            return ""
        gaps = Counter(b[0] - a[1] for a, b in pairwise(known))
        gap = 0 if step or not gaps else min(gaps, key=lambda g: (-gaps[g], g))
        first = known[0][0]
        end = None
        for k, f in got:
            start = f.get("source_char_start")
            if start is None:
                self.own_chars[k] = ' data-c=""'
                continue
            size = len(fmt(f["value"]))
            if start != (first if end is None or step else end + gap):
                self.own_chars[k] = f' data-c="{start}"' if f["source_char_end"] == start + size else f' data-c="{start}-{f["source_char_end"]}"'
            elif f["source_char_end"] != start + size:
                self.own_chars[k] = f' data-c="{start}-{f["source_char_end"]}"'
            end = f["source_char_end"]
        return f' data-c="{first}"' + (f' data-g="{gap}"' if gap else "")

    def tr(self, line: int | None, step: int = 0, chars: str = "") -> str:
        """A row's opening tag: its source line (data-l) and step (data-d: the k-th figure is on
        line + k·step), from which the page's script links the row's label and figures. A row on
        the line after the previous row's (in its tbody) does not name it; a row without a line
        after one with a line says so (data-l=""). Its step and characters (data-c and data-g, as
        `chars` gives them) are the previous row's unless it says otherwise (data-d="0" for none,
        data-c="" for none). The end tag is left out (HTML ends a row at the next one): a page
        holds hundreds of rows."""
        if not self.source_href:
            return "<tr>"
        implied = self.last_line + 1 if self.last_line else None
        self.last_line = line
        own = "" if line == implied else f' data-l="{line or ""}"'
        step = step if line else 0  # a step counts from the row's line
        if step != self.last_step:
            own += f' data-d="{step}"'
        if chars != self.last_chars:
            own += chars or ' data-c=""'
        self.last_step, self.last_chars = step, chars
        return f"<tr{own}>"

    def cells(self, section: str, row: str, columns) -> tuple[str, str, str]:
        """A row's opening tag, its cells, and how all its figures were read if alike ("" if plain)."""
        line, step, expected = self.place([(section, row, c) for c in columns])
        row_chars = self.chars([(section, row, c) for c in columns], step)
        kinds = {f["evidence"] or "" for c in columns if (f := self.facts.get((section, row, c))) and f["status"] == "reported"}
        evidence = kinds.pop() if len(kinds) == 1 else ""
        return self.tr(line, step, row_chars), "".join(self.cell(section, row, c, x, evidence) for c, x in zip(columns, expected)), evidence

    def cell(self, section: str, row: str, column: str, row_line: int | None = None, row_evidence: str = "") -> str:
        """A figure's cell. Kept small (a page has hundreds): the common cell is its number; its
        source line is its row's unless it says another (data-l); what the report printed and how
        it was read are in its title only where they differ from the number and from its row's."""
        fact = self.facts.get((section, row, column))
        flagged = self.flags.get((section, row, column)) or self.flags.get((section, row, ""))
        w = self.words
        if fact is None:
            return w["absent_cell"]
        status, line = fact["status"], fact["source_line"]
        own = f' data-l="{line}"' if line and line != row_line and self.source_href else ""
        own += self.own_chars.get((section, row, column), "")
        if status == "reported" and not flagged:  # the common case, kept cheap: ids and numbers need no escaping
            value = fmt(fact["value"])
            evidence = "" if (fact["evidence"] or "") == row_evidence else w["evidence"].get(fact["evidence"] or "", "")
            if (fact["printed"] or value) == value and not evidence:
                # a report table's cells are figures (xxgk.css: no class needed); HTML ends a cell
                # at the next one, so none has a closing tag: a page holds hundreds
                return f"<td{own}>{value}"
            return f'<td{own} title="{t("cell_source", line=line, printed=h(fact["printed"]))}{evidence}">{value}'
        cls = ["num"] + (["flag"] if flagged else [])
        mark = w["flag"] if flagged else ""
        if status == "reported":
            text = fmt(fact["value"])
            title = t("cell_source", line=line, printed=fact["printed"]) + w["evidence"].get(fact["evidence"] or "", "")
        else:
            kind = status if status in ("blank", "absent") else "unresolved"
            text, title = w[kind]
            cls.append(kind)
        if flagged:
            title = t("cell_checked", title=title, messages=t("sep_clause").join(message(f) for f in flagged))
        return f'<td class="{" ".join(cls)}"{own} title="{h(title)}">{h(text)}{mark}'

    def table(self, head: str, body: str, section: str = "", rows: list[str] | None = None, columns: list[str] | None = None) -> str:
        """A report table (the report's source page is named once, around its tables: `data-src`);
        `body` was written after `tbody()`. No cell, row, head or body has an end tag: HTML ends
        each at the next or at the table's end, and a page holds hundreds. With `codes`, its
        section, rows and columns (data-k: their places in the codes table, `spans`; the k-th cell of
        a row is that row's k-th column; a table of one row holding several rows' cells, the
        appeals', runs through them in turn)."""
        k = f' data-k="{section} {spans(list(self.rows[section]), rows)} {spans(list(self.columns[section]), columns)}"' if self.codes else ""
        return f'<div class="xxgk-table-wrap"><table class="xxgk-report"{k}><thead>{head}<tbody>{body}</table></div>'

    def tbody(self) -> None:
        """Starts a table body: its first row names its line."""
        self.last_line, self.last_step, self.last_chars = None, 0, ""

    def has(self, section: str) -> bool:
        return any(k[0] == section for k in self.facts)

    def proactive(self) -> str:
        rows = [r for r in self.rows["proactive"].values() if any(k[:2] == ("proactive", r["code"]) for k in self.facts)]
        tables: list[tuple[str, list[str], list[str], list[str]]] = []  # (head, rows, their codes, columns) of each block of rows with the same columns
        block: list[str] | None = None
        for r in rows:
            cols = [k[2] for k in self.facts if k[:2] == ("proactive", r["code"])]
            if cols != block:
                block = cols
                head = "".join(f"<th>{h(label(self.columns['proactive'][c]))}" for c in cols)
                tables.append((f'<tr><th>{h(t("table_proactive_content"))}{head}', [], [], cols))
                self.tbody()
            tr, cells, how = self.cells("proactive", r["code"], cols)
            tables[-1][1].append(f"{tr}<th>{self.label(h(label(r)), how)}{cells}")
            tables[-1][2].append(r["code"])
        return "\n".join(self.table(head, "".join(body), "proactive", codes, cols) for head, body, codes, cols in tables)

    def requests(self) -> str:
        cols = list(self.columns["requests"])
        present = [r for r in self.rows["requests"].values() if ("requests", r["code"], cols[0]) in self.facts]
        labels = self.columns["requests"]
        legal = [c for c in cols if labels[c]["parent"] == "legal_person"]
        head = (
            f'<tr><th colspan="3" rowspan="3" class="xxgk-note">{h(t("table_requests_note"))}'
            f'<th colspan="{len(cols)}">{h(t("table_requests_applicants"))}'
            f'<tr><th rowspan="2">{h(label(labels[cols[0]]))}<th colspan="{len(legal)}">{h(t("table_requests_legal_person"))}'
            f'<th rowspan="2">{h(label(labels["total"]))}'
            "<tr>" + "".join(f"<th>{h(label(labels[c]))}" for c in legal))

        def top_level(r: dict) -> bool:  # an outcome entry of its own, not a row of a group
            return not r["parent"] or r["parent"] == "outcome"

        outcome = [r for r in present if r["parent"] or r["code"] in ("total",)]
        # numbering of the outcome block: (1) (2) … per top-level entry, 1. 2. … inside a group
        entries: list[str] = []
        for r in outcome:
            key = r["code"] if top_level(r) else r["parent"]
            if key not in entries:
                entries.append(key)
        group_size = Counter(r["parent"] for r in outcome if not top_level(r))
        seen_group: Counter = Counter()
        body = []
        first_outcome = True
        self.tbody()
        for r in present:
            tr, cells, how = self.cells("requests", r["code"], cols)
            if r["code"] in TOP:
                text = self.label(t("numbered", n=numeral(TOP.index(r["code"]) + 1), label=h(label(r))), how)
                body.append(f'{tr}<th colspan="3">{text}{cells}')
                continue
            lead = ""
            if first_outcome:
                heading = t("numbered", n=numeral(TOP.index("outcome") + 1), label=h(label(self.groups["outcome"])))
                lead = f'<th rowspan="{len(outcome)}" scope="rowgroup">{heading}'
                first_outcome = False
            parent = r["parent"]
            if top_level(r):
                entry = self.label(t("numbered_entry", n=numeral(entries.index(r["code"]) + 1), label=h(label(r))), how)
                body.append(f'{tr}{lead}<th colspan="2">{entry}{cells}')
            else:
                seen_group[parent] += 1
                group_cell = ""
                if seen_group[parent] == 1:
                    entry = t("numbered_entry", n=numeral(entries.index(parent) + 1), label=h(label(self.groups[parent])))
                    group_cell = f'<th rowspan="{group_size[parent]}" scope="rowgroup">{entry}'
                body.append(f'{tr}{lead}{group_cell}<th>{self.label(f"{seen_group[parent]}. {h(label(r))}", how)}{cells}')
        return self.table(head, "".join(body), "requests", [r["code"] for r in present], cols)

    def appeals(self) -> str:
        rows = list(self.rows["appeals"])
        cols = list(self.columns["appeals"])
        lab = self.columns["appeals"]
        rl = self.rows["appeals"]
        head = (f'<tr><th colspan="{len(cols)}">{h(label(rl[rows[0]]))}<th colspan="{len(cols) * 2}">{h(t("litigation"))}'
                "<tr>" + "".join(f'<th rowspan="2">{h(label(lab[c]))}' for c in cols)
                + "".join(f'<th colspan="{len(cols)}">{h(label(rl[r]))}' for r in rows[1:])
                + "<tr>" + "".join(f"<th>{h(label(lab[c]))}" for _ in rows[1:] for c in cols))
        self.tbody()
        keys = [("appeals", r, c) for r in rows for c in cols]
        line, step, expected = self.place(keys)
        row_chars = self.chars(keys, step)
        cells = "".join(self.cell(*k, x) for k, x in zip(keys, expected))
        return self.table(head, f"{self.tr(line, step, row_chars)}{cells}", "appeals", rows, cols)
