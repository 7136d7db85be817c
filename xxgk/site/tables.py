"""One report's tables as the official template prints them. In: the package (`Published`: the
codes table gives every row, column and group label and the template's order), one report's facts
keyed by (section, row, column), its findings and the link to its source page. Out: HTML tables
for sections 2 (proactive), 3 (requests, with the template's nested headers and its three levels of
numbering) and 4 (appeals), and their headings.

Every cell links to the source line its figure was read from; a blank, missing or withheld cell
says so, and a cell that a finding concerns is marked with the finding's message."""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import cache

from .html import fmt, h
from .published import Published
from .strings import label, message, t, words

# The requests table's top-level entries, numbered 1 to 4 (the outcome block is a group)
TOP = ("new", "carried_over", "outcome", "carried_forward")


@cache
def cell_words() -> dict:
    """The fixed words of the table cells, made once (a page has thousands of cells)."""
    return {"absent_cell": f'<td class="num absent" title="{h(t("cell_not_in_report"))}">{h(t("mark_absent"))}</td>',
            "flag": f'<span class="xxgk-flag" aria-label="{h(t("cell_flagged"))}">⚠</span>',
            "evidence": {k: t("cell_evidence", how=v) for k, v in words("evidence").items()},
            "blank": (t("mark_blank"), t("cell_blank")), "absent": (t("mark_absent"), t("cell_absent")),
            "unresolved": (t("mark_unresolved"), t("cell_unresolved"))}


def numeral(n: int) -> str:
    """The n-th (from 1) numeral of the template's numbering."""
    return words("numerals")[n - 1]


def section_heading(pub: Published, section: str) -> str:
    """A table section's heading, numbered as in the template (2 proactive, …)."""
    entry = pub.labels("section")[section]
    return t("numbered", n=numeral(entry["position"]), label=h(label(entry)))


class Tables:
    """Lays out one report's figures the way the official template prints them."""

    def __init__(self, pub: Published, report: dict, facts: dict, findings: list[dict], source_href: str | None):
        self.pub = pub
        self.report = report
        self.facts = facts
        self.source_href = source_href
        self.rows = {s: pub.labels("row", s) for s in ("proactive", "requests", "appeals")}
        self.columns = {s: pub.labels("column", s) for s in ("proactive", "requests", "appeals")}
        self.groups = pub.labels("group", "requests")
        self.words = cell_words()
        self.flags: dict[tuple, list[dict]] = defaultdict(list)
        for f in findings:  # a cell's own findings; under column "", every finding of its row
            if f["section"] and f["row"]:
                if f["column"]:
                    self.flags[(f["section"], f["row"], f["column"])].append(f)
                self.flags[(f["section"], f["row"], "")].append(f)

    def cell(self, section: str, row: str, column: str) -> str:
        fact = self.facts.get((section, row, column))
        flagged = self.flags.get((section, row, column)) or self.flags.get((section, row, ""))
        w = self.words
        if fact is None:
            return w["absent_cell"]
        status, line = fact["status"], fact["source_line"]
        if status == "reported" and not flagged:  # the common case, kept cheap: ids and numbers need no escaping
            title = t("cell_source", line=line, printed=h(fact["printed"])) + w["evidence"].get(fact["evidence"] or "", "")
            value = fmt(fact["value"])
            if self.source_href and line:
                return f'<td class="num"><a href="{self.source_href}#L{line}" title="{title}">{value}</a></td>'
            return f'<td class="num"><span title="{title}">{value}</span></td>'
        cls = ["num"] + (["flag"] if flagged else [])
        mark = w["flag"] if flagged else ""
        link = f"{self.source_href}#L{line}" if self.source_href and line else None
        if status == "reported":
            text = fmt(fact["value"])
            title = t("cell_source", line=line, printed=fact["printed"]) + w["evidence"].get(fact["evidence"] or "", "")
        else:
            kind = status if status in ("blank", "absent") else "unresolved"
            text, title = w[kind]
            cls.append(kind)
        if flagged:
            title = t("cell_checked", title=title, messages=t("sep_clause").join(message(f) for f in flagged))
        inner = f'<a href="{h(link)}" title="{h(title)}">{h(text)}</a>' if link else f'<span title="{h(title)}">{h(text)}</span>'
        return f'<td class="{" ".join(cls)}">{inner}{mark}</td>'

    def has(self, section: str) -> bool:
        return any(k[0] == section for k in self.facts)

    def proactive(self) -> str:
        rows = [r for r in self.rows["proactive"].values() if any(k[:2] == ("proactive", r["code"]) for k in self.facts)]
        out, block = [], None
        for r in rows:
            cols = [k[2] for k in self.facts if k[:2] == ("proactive", r["code"])]
            if cols != block:
                if block is not None:
                    out.append("</tbody></table></div>")
                block = cols
                head = "".join(f"<th>{h(label(self.columns['proactive'][c]))}</th>" for c in cols)
                out.append(f'<div class="xxgk-table-wrap"><table class="xxgk-report"><thead><tr><th>{h(t("table_proactive_content"))}</th>{head}</tr></thead><tbody>')
            cells = "".join(self.cell("proactive", r["code"], c) for c in cols)
            out.append(f'<tr><th scope="row">{h(label(r))}</th>{cells}</tr>')
        if block is not None:
            out.append("</tbody></table></div>")
        return "\n".join(out)

    def requests(self) -> str:
        cols = list(self.columns["requests"])
        present = [r for r in self.rows["requests"].values() if ("requests", r["code"], cols[0]) in self.facts]
        labels = self.columns["requests"]
        legal = [c for c in cols if labels[c]["parent"] == "legal_person"]
        head = (
            f'<tr><th colspan="3" rowspan="3" class="xxgk-note">{h(t("table_requests_note"))}</th>'
            f'<th colspan="{len(cols)}">{h(t("table_requests_applicants"))}</th></tr>'
            f'<tr><th rowspan="2">{h(label(labels[cols[0]]))}</th><th colspan="{len(legal)}">{h(t("table_requests_legal_person"))}</th>'
            f'<th rowspan="2">{h(label(labels["total"]))}</th></tr>'
            "<tr>" + "".join(f"<th>{h(label(labels[c]))}</th>" for c in legal) + "</tr>")

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
        for r in present:
            cells = "".join(self.cell("requests", r["code"], c) for c in cols)
            if r["code"] in TOP:
                body.append(f'<tr><th colspan="3" scope="row">{t("numbered", n=numeral(TOP.index(r["code"]) + 1), label=h(label(r)))}</th>{cells}</tr>')
                continue
            lead = ""
            if first_outcome:
                heading = t("numbered", n=numeral(TOP.index("outcome") + 1), label=h(label(self.groups["outcome"])))
                lead = f'<th rowspan="{len(outcome)}" scope="rowgroup">{heading}</th>'
                first_outcome = False
            parent = r["parent"]
            if top_level(r):
                entry = t("numbered_entry", n=numeral(entries.index(r["code"]) + 1), label=h(label(r)))
                body.append(f'<tr>{lead}<th colspan="2" scope="row">{entry}</th>{cells}</tr>')
            else:
                seen_group[parent] += 1
                group_cell = ""
                if seen_group[parent] == 1:
                    entry = t("numbered_entry", n=numeral(entries.index(parent) + 1), label=h(label(self.groups[parent])))
                    group_cell = f'<th rowspan="{group_size[parent]}" scope="rowgroup">{entry}</th>'
                body.append(f'<tr>{lead}{group_cell}<th scope="row">{seen_group[parent]}. {h(label(r))}</th>{cells}</tr>')
        return f'<div class="xxgk-table-wrap"><table class="xxgk-report"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table></div>'

    def appeals(self) -> str:
        rows = list(self.rows["appeals"])
        cols = list(self.columns["appeals"])
        lab = self.columns["appeals"]
        rl = self.rows["appeals"]
        head = (f'<tr><th colspan="{len(cols)}">{h(label(rl[rows[0]]))}</th><th colspan="{len(cols) * 2}">{h(t("litigation"))}</th></tr>'
                "<tr>" + "".join(f'<th rowspan="2">{h(label(lab[c]))}</th>' for c in cols)
                + "".join(f'<th colspan="{len(cols)}">{h(label(rl[r]))}</th>' for r in rows[1:]) + "</tr>"
                "<tr>" + "".join(f"<th>{h(label(lab[c]))}</th>" for _ in rows[1:] for c in cols) + "</tr>")
        cells = "".join(self.cell("appeals", r, c) for r in rows for c in cols)
        return f'<div class="xxgk-table-wrap"><table class="xxgk-report"><thead>{head}</thead><tbody><tr>{cells}</tr></tbody></table></div>'
