"""Checks: the template's own arithmetic, as coded findings. A check never changes a figure.

Every identity is declared in the codebook and evaluated by its one evaluator
(`codebook.Identity.evaluate`), the one the glued-digit solver settles splits with; this module
only turns the instances that do not hold into findings. A figure that is blank, absent or withheld
is not checked (its own finding already says why). In: a parsed `Report`. Out: the same report,
with one finding per broken instance of an identity (where it points, the two sums, its message).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..codebook import Codebook, Outcome, load
from ..findings import catalogue, finding, parameters
from ..model import Finding, Report, shown


def templates(report: Report, cb: Codebook) -> dict[str, str]:
    """The template each table was read in: 2019 where the report has a row only it prints."""
    only_2019 = {(s, r.code) for s, rows in cb.rows.items() for r in rows if r.template == "2019"}
    return {f.section: "2019" for f in report.facts if (f.section, f.row) in only_2019}


def broken(outcome: Outcome, cb: Codebook, source_line: int | None = None):
    """The finding of an instance that does not hold: it points at the first cell of the total
    side; its messages take what they name of the two sums, the row, the column and the terms."""
    ident, section = outcome.identity, outcome.identity.section
    offered = {ident.names[0]: shown(outcome.total), ident.names[1]: shown(outcome.parts),
               "row_code": outcome.row, "row_label": cb.row(section, outcome.row).label,
               "column_code": outcome.column, "column_label": cb.column(section, outcome.column).label, **dict(ident.terms)}
    templates = catalogue()[ident.code].messages["default"]
    named = parameters(templates["zh"]) | parameters(templates["en"])
    expected = shown(outcome.parts) if ident.relation == "=" else f"{ident.relation} {shown(outcome.parts)}"
    return finding(ident.code, section=section, row=outcome.row, column=outcome.column, expected=expected,
                   found=shown(outcome.total), source_line=source_line, **{k: v for k, v in offered.items() if k in named})


def check(report: Report) -> None:
    cb = load()
    _confirm_ocr(report, cb, templates(report, cb))
    for g in breaks(report):
        report.add(g)


def breaks(report: Report) -> Iterator[Finding]:
    """A finding for every instance of an identity that the report's figures break."""
    cb = load()
    template = templates(report, cb)
    values = {(f.section, f.row, f.column): f.value for f in report.facts}
    lines = {(f.section, f.row, f.column): f.source_line for f in report.facts}
    for ident in cb.rules:
        section = ident.section

        def get(row: str, column: str, section=section):
            return values.get((section, row, column))

        for outcome in ident.evaluate(get, cb.across(ident), template.get(section, "2021")):
            if not outcome.holds:
                yield broken(outcome, cb, lines.get((section, outcome.row, outcome.column)))


def _confirm_ocr(report: Report, cb: Codebook, template: dict[str, str]) -> None:
    """A figure read by OCR is published only when the template's arithmetic confirms it: it is a
    term of at least one instance of an identity that holds, and of none that does not. The others
    are withheld (one finding per row), before the checks, so that a misreading is never reported
    as the agency's arithmetic."""
    read = {(f.section, f.row, f.column) for f in report.facts if f.evidence == "ocr" and f.value is not None}
    if not read:
        return
    values = {(f.section, f.row, f.column): f.value for f in report.facts}
    held: set[tuple[str, str, str]] = set()
    broke: set[tuple[str, str, str]] = set()
    for ident in cb.rules:
        section = ident.section

        def get(row: str, column: str, section=section):
            return values.get((section, row, column))

        for outcome in ident.evaluate(get, cb.across(ident), template.get(section, "2021")):
            (held if outcome.holds else broke).update((section, r, c) for r, c in outcome.cells)
    withheld: dict[tuple[str, str], None] = {}
    for f in report.facts:
        key = (f.section, f.row, f.column)
        if key in read and (key in broke or key not in held):
            f.value, f.status, f.evidence = None, "unresolved", ""
            withheld.setdefault((f.section, f.row))
    for section, row in withheld:
        report.add(finding("ocr-unconfirmed", section=section, row=row, row_code=row, row_label=cb.row(section, row).label))
