"""Resolution: the printed pieces of a row into the values of its cells. A row printed one piece
per cell is read as printed; glued digits (`801000081`) are split every way the digit reader
allows and settled by the codebook's identities (one evaluator, `codebook.Identity`: first those
within the row, then, for rows still pending, those between rows read with certainty), or by the
figures the narrative states; what stays ambiguous is withheld. In: a row's pieces, its columns,
the narrative, the other rows' values. Out: a resolved value (status, evidence, values, printed
texts, lines) or a `Pending` row, and the findings that say how a split was settled or why a row
is withheld."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..codebook import Identity, Row, Value, load
from ..findings import finding
from ..model import Report
from . import digits
from .stream import SEP
from .vocabulary import load as vocabulary

_SENTENCE = re.compile(r"[。;!?\n" + SEP + "]")
_CLAUSE = re.compile(r"(?<![0-9]),|,(?![0-9]{3}(?![0-9]))|[;:、]")  # not the comma of 1,234
# a figure stated in the narrative, whole (not the 234 of 1,234, not the 3 of 3万件), before a count word
_NARRATIVE_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?<![0-9][.,、])((?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)\s*"
                               rf"(?=(?:{'|'.join(map(re.escape, vocabulary().count_words))}))")


def narrative_pairs(narrative: str, row: Row, columns: tuple[str, ...]) -> set[tuple[str, str]]:
    """(column, figure) pairs stated in the narrative: a figure in a clause that names the column,
    in a sentence that names the row (so many documents issued, so many repealed, so many in force)."""
    cb = load()
    words = {c: cb.column(row.section, c).narrative for c in columns}
    pairs: set[tuple[str, str]] = set()
    for sentence in _SENTENCE.split(narrative):
        if not any(k in sentence for k in row.narrative):
            continue
        for clause in _CLAUSE.split(sentence):
            numbers = _NARRATIVE_NUMBER.findall(clause)
            if not numbers:
                continue
            named = [c for c, ws in words.items() if any(w in clause for w in ws)]
            if len(named) == 1:  # a clause naming two columns says nothing certain about either
                pairs.update((named[0], n) for n in numbers)
    return pairs


@dataclass
class Pending:
    """A row whose glued digits split several ways: settled later by the other rows, or withheld."""

    row: str
    columns: tuple[str, ...]
    pool: list
    truncated: bool
    printed: str
    where: dict


def _settled(report: Report, how: str, cand, printed: str, where: dict, variant: str, **why):
    vals, texts, lines = cand
    split = " | ".join(texts)
    report.add(finding("digits-split", variant, printed=printed, split=split, **why, found=printed, expected=split, **where))
    return ("ok", how, vals, texts, lines)


def _rules(identities: list[Identity]) -> dict[str, str]:
    """The identities that settled a split, as the digits-split message lists them."""
    return {"rules_zh": vocabulary().identities_separator.join(i.zh for i in identities),
            "rules_en": "; ".join(i.en for i in identities)}


def withhold(report: Report, p: Pending):
    pool = p.pool
    listed = "; ".join(" | ".join(c[1]) for c in pool[:12]) + (" …" if len(pool) > 12 or p.truncated else "")
    report.add(finding("ambiguous-digits", "truncated" if p.truncated else "default", printed=p.printed, count=len(pool),
                       splits=listed, found=p.printed, expected=listed, **p.where))
    return ("unresolved", "", (), (), (p.where.get("source_line"),))


def _in_row(cells: dict[str, Value]) -> Callable[[str, str], Value]:
    """The cells of one row, as the evaluator reads them (by row and column)."""
    return lambda _row, column: cells.get(column)


def _in_rows(rows: dict[str, dict[str, Value]]) -> Callable[[str, str], Value]:
    """The cells of several rows, as the evaluator reads them."""
    return lambda row, column: rows.get(row, {}).get(column)


def _broken_within(section: str, columns: list[str], values: tuple, row_codes: list[str], template: str) -> str | None:
    """The code of the first identity between columns (a total is the sum of its parts, a stock
    is at least its flows) that a candidate's rows break, or None."""
    rules = load().rules_of(section, "columns")
    width = len(dict.fromkeys(columns))
    for k, r in enumerate(range(0, len(values), width)):
        cells = dict(zip(columns[r:r + width], values[r:r + width]))
        for rule in rules:
            if any(not o.holds for o in rule.evaluate(_in_row(cells), [row_codes[k]], template)):
                return rule.code
    return None


def resolve(pieces, columns, section, row, report: Report, narrative: str, line, row_codes, template: str):
    """Settle the printed pieces into cells. Returns (status, evidence, values, printed texts,
    lines), or a Pending when several splits remain (the caller may settle it with other rows)."""
    n = len(columns)
    where = {"section": section, "row": row_codes[0] if len(row_codes) == 1 else "", "source_line": line}
    if not pieces:
        return ("ok", "", (None,) * n, ("",) * n, (line,) * n)
    cands, truncated = digits.candidates(pieces, n)
    if any(isinstance(v, float) for c in cands for v in c[0]):
        # a decimal is a figure only in a column of amounts (fees); in a column that counts items it is no plain figure
        allowed = [load().column(section, c).decimal for c in columns]
        fitting = [c for c in cands if all(ok or not isinstance(v, float) for v, ok in zip(c[0], allowed))]
        if not fitting:
            wrong = next(t for c in cands for v, t, ok in zip(c[0], c[1], allowed) if isinstance(v, float) and not ok)
            report.add(finding("unreadable-figure", "decimal", printed=wrong, found=wrong, **where))
            return ("unresolved", "", (), (), (line,))
        cands = fitting
    # a crawler's dump runs a page's cells together and loses none: its one split is certain; in
    # other text a figure apart that must be cut means a figure was lost, and only arithmetic tells
    guess = len(cands) == 1 and len(pieces) != n and report.format != "crawl-text" and digits.splits_a_figure(pieces, cands[0][1])
    if len(cands) == 1 and not truncated and not guess:
        vals, texts, lines = cands[0]
        return ("ok", "cell" if len(pieces) == n else "split", vals, texts, lines)
    printed = " ".join(p.text or "∅" for p in pieces)
    if not cands:
        report.add(finding("cell-count-mismatch", printed=printed, cells=n, expected=str(n), found=printed, **where))
        return ("unresolved", "", (), (), (line,))
    broken = [_broken_within(section, columns, c[0], row_codes, template) for c in cands]
    passing = [c for c, b in zip(cands, broken) if b is None]
    if len(passing) == 1 and not truncated:
        return _settled(report, "identity", passing[0], printed, where, "arithmetic",
                        **_rules([i for i in load().rules if i.code in set(broken)]))
    pool = passing or cands
    if row is not None and row.narrative and narrative and not truncated:
        pairs = narrative_pairs(narrative, row, tuple(columns))
        supported = [c for c in pool if all((col, t) in pairs for col, t, v in zip(columns, c[1], c[0]) if v not in (0, None))]
        if len(supported) == 1:
            return _settled(report, "narrative", supported[0], printed, where, "narrative")
    return Pending(row_codes[0], tuple(columns), pool, truncated, printed, where)


def settle_across_rows(values: dict, section: str, template: str, report: Report) -> None:
    """Settle pending rows with the identities between rows (in the requests section: new +
    carried_over = total + carried_forward; total = the sum of the outcomes), using only rows read
    with certainty."""
    cb = load()
    rules = cb.rules_of(section, "rows")
    if not rules:
        return
    columns = {r.code: cb.row_columns(section, r, template) for r in cb.rows[section]}
    every = [c.code for c in cb.columns[section]]
    progress = True
    while progress:
        progress = False
        for code, p in list(values.items()):
            if not isinstance(p, Pending):
                continue
            known = {r: dict(zip(columns[r], v[2])) for r, v in values.items() if isinstance(v, tuple) and v[0] == "ok"}
            survivors, used = [], set()
            for cand in p.pool:
                rows = {**known, code: dict(zip(columns[code], cand[0]))}
                ok = True
                for rule in rules:
                    if code not in rule.total + rule.parts_of(template):
                        continue
                    for outcome in rule.evaluate(_in_rows(rows), every, template):
                        used.add(rule.code)
                        ok = ok and outcome.holds
                if ok:
                    survivors.append(cand)
            if len(survivors) == 1 and used and not p.truncated:
                values[code] = _settled(report, "identity", survivors[0], p.printed, p.where, "other-rows",
                                        **_rules([i for u in sorted(used) for i in rules if i.code == u]))
                progress = True
