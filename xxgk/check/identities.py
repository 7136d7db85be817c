"""Checks: the template's own arithmetic, as coded findings. A check never changes a figure.

Every identity is declared in the codebook; this module only evaluates them. A figure that is
blank, absent or withheld is not checked (its own finding already says why).
"""

from __future__ import annotations

from ..codebook import load
from ..model import Report


def _fmt(v) -> str:
    if v is None:
        return ""
    return f"{v:g}" if isinstance(v, float) else str(v)


def check(report: Report) -> None:
    cb = load()
    values = {(f.section, f.row, f.column): f.value for f in report.facts}
    lines = {(f.section, f.row, f.column): f.source_line for f in report.facts}
    rows_present = {(f.section, f.row) for f in report.facts}
    columns = {s: [c.code for c in cb.columns[s]] for s in ("requests", "appeals")}
    labels = {(s, r.code): r.label for s, rows in cb.rows.items() for r in rows}
    col_labels = {(s, c.code): c.label for s, cols in cb.columns.items() for c in cols}

    def get(section, row, column):
        return values.get((section, row, column))

    def known(section, rows, column):
        return all(get(section, r, column) is not None for r in rows)

    for ident in cb.identities:
        code, section = ident["code"], ident["section"]
        if code == "requests-balance":
            left, right = ident["left"], ident["right"]
            for col in columns["requests"]:
                if not (known(section, left, col) and known(section, right, col)):
                    continue
                lv = sum(get(section, r, col) for r in left)
                rv = sum(get(section, r, col) for r in right)
                if lv != rv:
                    report.add(code, "warning",
                               f"“{col_labels[(section, col)]}”列：本年新收＋上年结转＝{_fmt(lv)}，而总计＋结转下年度＝{_fmt(rv)}，不相等",
                               f"column {col}: new + carried_over = {_fmt(lv)} but total + carried_forward = {_fmt(rv)}",
                               section=section, row="total", column=col, expected=_fmt(lv), found=_fmt(rv),
                               source_line=lines.get((section, "total", col)))
        elif code == "requests-total-row":
            parts = ident["sum_of_2019"] if (section, "other") in rows_present else ident["sum_of_2021"]
            for col in columns["requests"]:
                total = get(section, "total", col)
                if total is None or not known(section, parts, col):
                    continue
                expected = sum(get(section, r, col) for r in parts)
                if expected != total:
                    report.add(code, "warning",
                               f"“{col_labels[(section, col)]}”列：各办理结果之和为{_fmt(expected)}，而（七）总计为{_fmt(total)}",
                               f"column {col}: the outcome rows add up to {_fmt(expected)} but the total row says {_fmt(total)}",
                               section=section, row="total", column=col, expected=_fmt(expected), found=_fmt(total),
                               source_line=lines.get((section, "total", col)))
        elif code in ("requests-total-column", "appeals-total"):
            total_col = ident["column"]
            parts = cb.column(section, total_col).sum_of
            for row in [r.code for r in cb.rows[section]]:
                if (section, row) not in rows_present:
                    continue
                total = get(section, row, total_col)
                if total is None or not all(get(section, row, p) is not None for p in parts):
                    continue
                expected = sum(get(section, row, p) for p in parts)
                if expected != total:
                    report.add(code, "warning",
                               f"“{labels[(section, row)]}”行：各列之和为{_fmt(expected)}，而总计为{_fmt(total)}",
                               f"row {row}: the columns add up to {_fmt(expected)} but its total says {_fmt(total)}",
                               section=section, row=row, column=total_col, expected=_fmt(expected), found=_fmt(total),
                               source_line=lines.get((section, row, total_col)))
        elif ident.get("at_least"):
            rule = ident["at_least"]
            for row in ident["rows"]:
                names = [rule["column"], *rule["plus"], *rule["minus"]]
                vals = {n: get(section, row, n) for n in names}
                if any(v is None for v in vals.values()):
                    continue
                have = vals[rule["column"]] + sum(vals[n] for n in rule["plus"])
                need = sum(vals[n] for n in rule["minus"])
                if have < need:
                    report.add(code, "warning",
                               f"“{labels[(section, row)]}”行：现行有效件数加本年废止件数为{_fmt(have)}，少于本年制发件数{_fmt(need)}",
                               f"row {row}: {rule['column']} + {'+'.join(rule['plus'])} = {_fmt(have)} is less than {'+'.join(rule['minus'])} = {_fmt(need)}",
                               section=section, row=row, column=rule["column"], expected=f">= {_fmt(need)}", found=_fmt(have),
                               source_line=lines.get((section, row, rule["column"])))
