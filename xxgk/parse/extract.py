"""The format-agnostic extractor: finds the template's labels in a stream of cells and reads the
figures that belong to each. Everything it knows of the template comes from the codebook."""

from __future__ import annotations

import bisect
import datetime
import re
from dataclasses import dataclass
from functools import cache

from ..codebook import Codebook, Row, label_regex, load
from ..model import Fact, Match, Report, Text
from ..text import normalise
from . import digits
from .read import Cell, Document

SEP = "\x1f"  # joins cells; counts as whitespace for label patterns
NUMERAL = "一二三四五六七八九十"


@dataclass(frozen=True)
class Span:
    start: int
    end: int


class Stream:
    """The cells of a document as one string, with a way back from a position to its line."""

    def __init__(self, cells: list[Cell]):
        self.cells = cells
        self.starts: list[int] = []
        pos = 0
        for c in cells:
            self.starts.append(pos)
            pos += len(c.text) + 1
        self.text = SEP.join(c.text for c in cells)

    def line_at(self, pos: int) -> int | None:
        if not self.cells:
            return None
        i = max(0, bisect.bisect_right(self.starts, pos) - 1)
        return self.cells[i].line

    def cells_between(self, start: int, end: int) -> list[tuple[str, int | None]]:
        """The cells (or their parts) inside [start, end). A cell cut by a label counts only if
        something of it remains; a whole empty cell is an explicit blank."""
        out: list[tuple[str, int | None]] = []
        if start >= end:
            return out
        i = max(0, bisect.bisect_right(self.starts, start) - 1)
        while i < len(self.cells) and self.starts[i] < end:
            cell = self.cells[i]
            c_start, c_end = self.starts[i], self.starts[i] + len(cell.text)
            lo, hi = max(start, c_start), min(end, c_end)
            whole = lo == c_start and hi == c_end
            if c_end < start:
                i += 1
                continue
            part = cell.text[lo - c_start:hi - c_start] if hi > lo else ""
            if part.strip() or (whole and start <= c_start and c_end < end):
                out.append((part, cell.line))
            i += 1
        return out

    def text_between(self, start: int, end: int) -> str:
        return "\n".join(t.strip() for t, _ in self.cells_between(start, end) if t.strip())


# --- patterns from the codebook ----------------------------------------------------------------

def _prefix_regex(row: Row) -> str:
    """The numbering printed before a row's label, consumed with it: `1.` or `(1)` for an item,
    the row's prefix (`一、`, `(一)`, also as `(1)`)."""
    if row.item is not None:
        return rf"(?:(?:{row.item}\s*[.、,]|\(\s*{row.item}\s*\))\s*)?"
    if row.prefix:
        p = label_regex(row.prefix).replace("、", "[、.,]")
        m = re.fullmatch(rf"\(([{NUMERAL}])\)", normalise(row.prefix))
        if m:
            p = rf"(?:{p}|\(\s*{NUMERAL.index(m.group(1)) + 1}\s*\))"
        return rf"(?:{p}\s*)?"
    return ""


@cache
def row_pattern(section: str, code: str) -> re.Pattern:
    row = load().row(section, code)
    labels = sorted({label_regex(label) for label in row.labels}, key=len, reverse=True)
    # an optional note in brackets after the label ((单位：万元), (区分处理的…)); a figure in brackets
    # (`行政处罚 (5)`) is no note: it is left to the figures, where it is withheld
    return re.compile(_prefix_regex(row) + "(?:" + "|".join(labels) + rf")(?:\s*(?!{digits.BRACKETED.pattern})\([^()]{{0,80}}\))?")


@cache
def heading_pattern(section: str) -> re.Pattern:
    sec = load().section(section)
    alts = sorted({label_regex(h) for h in sec["heading"]}, key=len, reverse=True)
    return re.compile(rf"[{NUMERAL}]{{1,2}}\s*[、.,]\s*(?:{'|'.join(alts)})")


_NEXT_HEADING_AFTER_TABLES = re.compile(rf"(?:^|{SEP}|[\s。;])\s*[五六七八九]\s*、")


@cache
def known_text_pattern() -> re.Pattern:
    cb = load()
    words = set()
    for rows in cb.rows.values():
        for r in rows:
            words.update(r.labels)
    for cols in cb.columns.values():
        for c in cols:
            words.update((c.label, *c.aliases))
    words.update(g["label"] for g in cb.groups)
    words.update(cb.furniture)
    for s in cb.sections:
        words.update(s["heading"])
    alts = sorted({label_regex(w) for w in words}, key=len, reverse=True)
    prefix = rf"(?:\(\s*[{NUMERAL}\d]+\s*\)|[{NUMERAL}]+\s*[、.,]|\d+\s*[.、,])?\s*"
    return re.compile(prefix + "(?:" + "|".join(alts) + ")")


@cache
def numbered_pattern() -> re.Pattern:
    """A label that numbering may precede: a row's or a group's label, a section heading (not a
    column label or furniture)."""
    cb = load()
    words = {label for rows in cb.rows.values() for r in rows for label in r.labels}
    words.update(g["label"] for g in cb.groups)
    for s in cb.sections:
        words.update(s["heading"])
    alts = sorted({label_regex(w) for w in words}, key=len, reverse=True)
    return re.compile(r"\s*(?:" + "|".join(alts) + ")")


@cache
def marker_pattern() -> re.Pattern:
    return re.compile("|".join(label_regex(m) for m in load().template_2019_markers))


# A printed date (2025年1月30日, 2025-01-30, 2025.1.30); whether it is a real day is _calendar_date's
_DATE = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})\s*[年\-./]\s*([0-9]{1,2})\s*[月\-./]\s*([0-9]{1,2})(?![0-9])\s*日?")
_SENTENCE = re.compile(r"[。;!?\n" + SEP + "]")
# a figure stated in the narrative, whole (not the 234 of 1,234, not the 3 of 3万件), before a count word
_NARRATIVE_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?<![0-9][.,、])((?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)\s*"
                               r"(?=[件条个项次份宗起元]|万元)")


# --- the extractor -----------------------------------------------------------------------------

def extract(doc: Document) -> Report:
    cb = load()
    stream = Stream(doc.cells)
    report = Report(format=doc.format, encoding=doc.encoding)
    _metadata(doc, stream, report, cb)
    spans = _sections(stream)
    for code in ("overview", "problems", "other_matters"):
        if code in spans:
            span = spans[code]
            text = stream.text_between(span.start, span.end)
            if text:
                report.texts.append(Text(code, text, stream.line_at(span.start)))
    narrative = " ".join(t.text for t in report.texts if t.section == "overview")

    tables_found = [s for s in ("proactive", "requests", "appeals") if s in spans]
    if not tables_found or (report.year is not None and report.year < 2019):
        if report.year is not None and report.year < 2019:
            report.template = "pre-2019"
            report.status = "unsupported"
            report.add("older-template", "info",
                       f"{report.year}年度报告早于2019年版格式，无统一表格，仅保留正文，未提取数字",
                       f"a {report.year} report predates the 2019 template: free-form, text kept, no figures extracted")
        else:
            report.status = "failed"
            report.add("no-tables-found", "error", "未找到年度报告的统计表格（第二、三、四部分）",
                       "none of the report's tables (sections 二, 三, 四) was found")
        return report

    templates = {}
    if "proactive" in spans:
        templates["proactive"] = _proactive(stream, spans["proactive"], report, narrative)
    if "requests" in spans:
        templates["requests"] = _requests(stream, spans["requests"], report, narrative)
    if "appeals" in spans:
        _appeals(stream, spans["appeals"], report)
    for section in ("proactive", "requests", "appeals"):
        if section not in spans:
            label = cb.section(section)["label"]
            report.add("missing-section", "error", f"未找到第{'二三四'[('proactive', 'requests', 'appeals').index(section)]}部分“{label}”",
                       f"section '{label}' ({section}) was not found", section=section)

    distinct = set(templates.values())
    report.template = distinct.pop() if len(distinct) == 1 else ("mixed" if distinct else "2021")
    if report.template == "2019":
        report.add("older-template", "info", "本报告使用2019年版年报格式（国办公开办函〔2019〕60号）；第二部分按其原有栏目发布",
                   "the report follows the 2019 template; section 二 is published under its own columns")
    elif report.template == "mixed":
        detail = ", ".join(f"{k}={v}" for k, v in sorted(templates.items()))
        report.add("mixed-template", "info", f"本报告混用2019年版与2021年版格式（{detail}）",
                   f"the report mixes the 2019 and 2021 templates ({detail})")
    if any(f.severity == "error" for f in report.findings):
        report.status = "partial"
    return report


def _metadata(doc: Document, stream: Stream, report: Report, cb: Codebook) -> None:
    report.source_url = doc.meta.get("url", "")
    title = doc.meta.get("title", "")
    m = cb.title_pattern.search(title) if title else None
    if m is None:
        head = stream.text[:600]
        m = cb.title_pattern.search(head.replace(SEP, " "))
        if m:
            title = re.sub(r"\s+", " ", m.group(0)).strip()
    if m:
        report.title = re.sub(r"\s+", "", title) if title else ""
        agency = re.sub(r"\s+", "", m.group("agency"))
        agency = re.sub(r"^(关于|印发)", "", agency)
        report.agency_name = agency
        report.year = int(m.group("year"))
    else:
        report.title = title
        report.add("title-not-found", "warning", "未能识别报告标题中的机关名称和年度",
                   "the agency name and year could not be read from the title")
    published = doc.meta.get("published", "")
    d = _DATE.search(published)
    source, line = "page", None
    if d is None:
        tail = max(0, len(stream.text) - 200)
        d = _DATE.search(stream.text, tail)
        source, line = "signature", (stream.line_at(d.start()) if d else None)
    if d:
        report.publication_date = _calendar_date(d, report, source, line)
        report.publication_date_source = source if report.publication_date else ""


def _calendar_date(d: re.Match, report: Report, source: str, line: int | None) -> str:
    """The ISO date a printed date names, or "" with a finding when it names no day of the
    calendar (`2025年2月30日`, `2023-02-29`, `2025-13-01`): never an invalid date string."""
    try:
        return datetime.date(int(d.group(1)), int(d.group(2)), int(d.group(3))).isoformat()
    except ValueError:
        printed = re.sub(r"\s+", "", d.group(0))
        where = "页面发布时间" if source == "page" else "落款"
        report.add("invalid-date", "warning", f"{where}中的日期“{printed}”不是真实的日期，发布日期留空",
                   f"the date '{printed}' ({'page' if source == 'page' else 'signature'}) is no real calendar date; the publication date is left empty",
                   found=printed, source_line=line)
        return ""


def _sections(stream: Stream) -> dict[str, Span]:
    order = [s["code"] for s in load().sections]
    found: list[tuple[str, int, int]] = []
    cursor = 0
    for code in order:
        m = heading_pattern(code).search(stream.text, cursor)
        if m:
            found.append((code, m.start(), m.end()))
            cursor = m.end()
    spans: dict[str, Span] = {}
    for i, (code, _start, end) in enumerate(found):
        stop = found[i + 1][1] if i + 1 < len(found) else len(stream.text)
        if code == "appeals":
            g = _NEXT_HEADING_AFTER_TABLES.search(stream.text, end, stop)
            if g:
                stop = g.start()
        spans[code] = Span(end, stop)
    return spans


_AFTER_LABEL_FIGURES = re.compile(rf"[\s{SEP}]*(?:[\d\-—/]|{SEP}[\s]*{SEP}|$)")
_BRACKETED_AFTER_LABEL = re.compile(rf"[\s{SEP}]*{digits.BRACKETED.pattern}")


def _first_good(stream: Stream, section: str, code: str, start: int, end: int) -> re.Match | None:
    """The first match of a row's label that stands in the table: followed by figures, a blank
    cell, another printed label or the end of the section (a label inside prose is not)."""
    for m in row_pattern(section, code).finditer(stream.text, start, end):
        after = m.end()
        bracketed = _BRACKETED_AFTER_LABEL.match(stream.text, after, end)
        if bracketed:  # `行政处罚 (5)`: judged by what follows the brackets
            after = bracketed.end()
        if _AFTER_LABEL_FIGURES.match(stream.text, after, end) or after >= end:
            return m
        rest = stream.text[after:min(end, after + 120)].lstrip(" " + SEP)
        if known_text_pattern().match(rest):
            return m
    return None


def _locate(stream: Stream, span: Span, section: str, rows: list[Row]) -> dict[str, re.Match]:
    """Find each row's label in template order. A label found only beyond the next row's label is
    taken as missing (a short label such as 其他 must not jump ahead)."""
    found: dict[str, re.Match] = {}
    cursor = span.start
    for i, row in enumerate(rows):
        m = _first_good(stream, section, row.code, cursor, span.end)
        if m is None:
            continue
        if i + 1 < len(rows) and _first_good(stream, section, rows[i + 1].code, cursor, m.start()) is not None:
            continue
        found[row.code] = m
        cursor = m.end()
    return found


def _read_rows(stream: Stream, span: Span, section: str, rows: list[Row], template: str,
               report: Report, narrative: str) -> None:
    cb = load()
    located = _locate(stream, span, section, rows)
    ordered = [(r, located[r.code]) for r in rows if r.code in located]
    starts = [m.start() for _, m in ordered] + [span.end]
    values: dict[str, tuple] = {}
    for k, (row, m) in enumerate(ordered):
        columns = cb.row_columns(section, row, template)
        signed = any(cb.column(section, c).signed for c in columns)
        cells = stream.cells_between(m.end(), starts[k + 1])
        pieces, stop_text, stop_line, form = digits.tokenise(cells, cb.blank_markers, signed_ok=signed)
        line = stream.line_at(m.start())
        report.matches.append(Match(section, row.code, m.group(0).replace(SEP, " "), line,
                                    " ".join(p.text or "∅" for p in pieces)))
        units = {cb.column(section, c).unit for c in columns}
        unreadable = _stop(report, stop_text, stop_line, form, section, row.code, units.pop() if len(units) == 1 else None)
        if unreadable:
            values[row.code] = unreadable
            continue
        values[row.code] = _resolve(pieces, columns, section, row, report, narrative, line, [row.code])
    if section == "requests":
        _settle_across_rows(values, cb.row_columns(section, rows[0], template), template, report)
    for code, v in values.items():
        if isinstance(v, Pending):
            values[code] = _withhold(report, v)
    for row in rows:
        columns = cb.row_columns(section, row, template)
        if row.code not in located:
            report.add("missing-row", "warning", f"未找到“{row.label}”一行", f"row '{row.label}' ({row.code}) was not found",
                       section=section, row=row.code)
        resolved = values.get(row.code)
        for j, col in enumerate(columns):
            report.facts.append(_fact(section, row.code, col, resolved, j))


def _stop(report: Report, stop_text: str | None, stop_line: int | None, form: digits.Form | None,
          section: str, row: str, unit: str | None = None, note: bool = True) -> tuple | None:
    """What the text that ended a row's figures means. A number form that is not plain (`1e9`,
    `3万`, `50%`, `(5)`, `1,234,5`): the row is withheld (returns its unresolved value), since the
    digits read before the form are not the figure. A known label or furniture: nothing, unless a
    unit or percent sign glued to the figure starts it (`3万元` is 3 only in a column counted in
    万元, the row's `unit`; `3元` is not 3 there), or a figure in brackets (`(5)第二十条…`: only a
    row's, group's or section's label is numbered). Any other text: an info finding (if `note`),
    the figures read before it stand."""
    if not stop_text:
        return None
    units = ("unit", "percent", "currency")
    reason = form.reason if form is not None else None
    if reason in units and ((unit and stop_text.startswith(unit)) or (reason == "currency" and not unit)):
        form = reason = None  # the column's own unit, or a column with no unit of its own
    if reason == "bracketed":
        bracket = digits.BRACKETED.match(stop_text)
        if bracket and numbered_pattern().match(stop_text, bracket.end()):
            return None  # `(3)不予公开`: the numbering of the label that follows, not a figure
    elif reason not in units and known_text_pattern().match(stop_text):
        return None
    if form is not None:
        zh, en = digits.REASONS[form.reason]
        report.add("unreadable-figure", "error", f"表格中的“{form.text}”不是可以确定读取的数字：{zh}，本行数字不予发布",
                   f"'{form.text}' in the table is not a figure that can be read with certainty: {en}; the row's figures are not published",
                   section=section, row=row, found=form.text, source_line=stop_line)
        return ("unresolved", "", (), (), (stop_line,))
    if note:
        report.add("unrecognised-label", "info", f"表格中有未识别的文字：“{stop_text[:40]}”",
                   f"text in the table that is no known label: '{stop_text[:40]}'",
                   section=section, row=row, found=stop_text[:40], source_line=stop_line)
    return None


def _fact(section: str, row: str, column: str, resolved, j: int) -> Fact:
    if resolved is None:
        return Fact(section, row, column, None, "absent", "", "", None)
    status, evidence, vals, texts, lines = resolved
    if status != "ok":
        return Fact(section, row, column, None, status, "", "", lines[0] if lines else None)
    v = vals[j]
    if v is None:
        return Fact(section, row, column, None, "blank", "", texts[j], lines[j])
    return Fact(section, row, column, v, "reported", evidence, texts[j], lines[j])


@cache
def _row_rules(section: str) -> tuple[tuple, tuple]:
    cb = load()
    sums = tuple((c.code, c.sum_of) for c in cb.columns[section] if c.sum_of)
    bounds = tuple((i["code"], i["at_least"]) for i in cb.identities if i["section"] == section and i.get("at_least"))
    return sums, bounds


def _identity_ok(section: str, columns: list[str], values: tuple) -> str | None:
    """The arithmetic one printed row must satisfy (a total is the sum of its parts; a stock is at
    least its flows). Returns the code of the first identity the values break, or None."""
    sums, bounds = _row_rules(section)
    width = len(dict.fromkeys(columns))
    for r in range(0, len(values), width):
        row = dict(zip(columns[r:r + width], values[r:r + width]))
        for total, parts in sums:
            if total in row and all(p in row for p in parts):
                if row[total] is not None and all(row[p] is not None for p in parts) and row[total] != sum(row[p] for p in parts):
                    return f"{section}-total-column" if section == "requests" else f"{section}-total"
        for code, rule in bounds:
            names = [rule["column"], *rule["plus"], *rule["minus"]]
            if all(row.get(n) is not None for n in names):
                if row[rule["column"]] + sum(row[n] for n in rule["plus"]) < sum(row[n] for n in rule["minus"]):
                    return code
    return None


_CLAUSE = re.compile(r"(?<![0-9]),|,(?![0-9]{3}(?![0-9]))|[;:、]")  # not the comma of 1,234


def _narrative_pairs(narrative: str, row: Row, columns: tuple[str, ...]) -> set[tuple[str, str]]:
    """(column, figure) pairs stated in the narrative: a figure in a clause that names the column,
    in a sentence that names the row (制发行政规范性文件9件，…废止文件7件，现行有效…253件)."""
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


def _settled(report: Report, how: str, cand, printed: str, where: dict, zh_why: str, en_why: str):
    vals, texts, lines = cand
    report.add("digits-split", "info",
               f"连写的数字“{printed}”{zh_why}唯一拆分为 {' | '.join(texts)}",
               f"glued digits '{printed}' split as {' | '.join(texts)}: {en_why}",
               found=printed, expected=" | ".join(texts), **where)
    return ("ok", how, vals, texts, lines)


def _withhold(report: Report, p: Pending):
    pool = p.pool
    listed = "; ".join(" | ".join(c[1]) for c in pool[:12]) + (" …" if len(pool) > 12 or p.truncated else "")
    more = "+" if p.truncated else ""
    report.add("ambiguous-digits", "error",
               f"连写的数字“{p.printed}”有{len(pool)}{more}种拆分方式，无法确定，本行数字不予发布：{listed}",
               f"glued digits '{p.printed}' split {len(pool)}{more} ways; none can be chosen, so the row's figures are not published: {listed}",
               found=p.printed, expected=listed, **p.where)
    return ("unresolved", "", (), (), (p.where.get("source_line"),))


def _resolve(pieces, columns, section, row, report: Report, narrative: str, line, row_codes):
    """Settle the printed pieces into cells. Returns (status, evidence, values, printed texts,
    lines), or a Pending when several splits remain (the caller may settle it with other rows)."""
    n = len(columns)
    where = dict(section=section, row=row_codes[0] if len(row_codes) == 1 else "", source_line=line)
    if not pieces:
        return ("ok", "", (None,) * n, ("",) * n, (line,) * n)
    cands, truncated = digits.candidates(pieces, n)
    printed = " ".join(p.text or "∅" for p in pieces)
    if any(isinstance(v, float) for c in cands for v in c[0]):
        # a decimal is a figure only in a column of amounts (fees); in a column that counts items it is no plain figure
        allowed = [load().column(section, c).decimal for c in columns]
        fitting = [c for c in cands if all(ok or not isinstance(v, float) for v, ok in zip(c[0], allowed))]
        if not fitting:
            wrong = next(t for c in cands for v, t, ok in zip(c[0], c[1], allowed) if isinstance(v, float) and not ok)
            report.add("unreadable-figure", "error", f"表格中的“{wrong}”带小数，而这一栏是件数，不是可以确定读取的数字，本行数字不予发布",
                       f"'{wrong}' in the table has a decimal part in a column that counts items: not a figure that can be read "
                       "with certainty; the row's figures are not published", found=wrong, **where)
            return ("unresolved", "", (), (), (line,))
        cands = fitting
    if len(cands) == 1 and not truncated:
        vals, texts, lines = cands[0]
        return ("ok", "cell" if len(pieces) == n else "split", vals, texts, lines)
    if not cands:
        report.add("cell-count-mismatch", "error",
                   f"“{printed}”无法读作{n}个数字，本行数字不予发布",
                   f"'{printed}' cannot be read as {n} figures; the row's figures are not published",
                   expected=str(n), found=printed, **where)
        return ("unresolved", "", (), (), (line,))
    broken = [_identity_ok(section, columns, c[0]) for c in cands]
    passing = [c for c, b in zip(cands, broken) if b is None]
    if len(passing) == 1 and not truncated:
        rules = [i for i in load().identities if i["code"] in set(broken)]
        return _settled(report, "identity", passing[0], printed, where,
                        f"按表格勾稽关系（{'；'.join(i['zh'] for i in rules)}）",
                        f"the only split that satisfies the template's arithmetic ({'; '.join(i['en'] for i in rules)})")
    pool = passing or cands
    if row is not None and row.narrative and narrative and not truncated:
        pairs = _narrative_pairs(narrative, row, tuple(columns))
        supported = [c for c in pool if all((col, t) in pairs for col, t, v in zip(columns, c[1], c[0]) if v not in (0, None))]
        if len(supported) == 1:
            return _settled(report, "narrative", supported[0], printed, where, "依据报告正文中写明的同一数字",
                            "the report's narrative states the same figures for the same columns")
    return Pending(row_codes[0], tuple(columns), pool, truncated, printed, where)


def _settle_across_rows(values: dict, columns: tuple[str, ...], template: str, report: Report) -> None:
    """Settle pending requests rows with the identities between rows (new + carried_over = total +
    carried_forward; total = sum of outcomes), using only rows already read with certainty."""
    ident = {i["code"]: i for i in load().identities}
    balance = ident["requests-balance"]
    totals = ident["requests-total-row"]
    checks = [("requests-balance", list(balance["left"]), list(balance["right"])),
              ("requests-total-row", totals["sum_of_2019" if template == "2019" else "sum_of_2021"], ["total"])]
    progress = True
    while progress:
        progress = False
        for code, p in list(values.items()):
            if not isinstance(p, Pending):
                continue
            known = {r: v[2] for r, v in values.items() if isinstance(v, tuple) and v[0] == "ok"}
            survivors, used = [], set()
            for cand in p.pool:
                rows = {**known, code: cand[0]}
                ok = True
                for name, left, right in checks:
                    if code not in left + right or any(r not in rows for r in left + right):
                        continue
                    for j in range(len(columns)):
                        lv = [rows[r][j] for r in left]
                        rv = [rows[r][j] for r in right]
                        if None in lv or None in rv:
                            continue
                        used.add(name)
                        if sum(lv) != sum(rv):
                            ok = False
                if ok:
                    survivors.append(cand)
            if len(survivors) == 1 and used and not p.truncated:
                rules = [ident[u] for u in sorted(used)]
                values[code] = _settled(report, "identity", survivors[0], p.printed, p.where,
                                        f"按其他各行的勾稽关系（{'；'.join(i['zh'] for i in rules)}）",
                                        f"the only split consistent with the other rows ({'; '.join(i['en'] for i in rules)})")
                progress = True


# --- sections ----------------------------------------------------------------------------------

def _proactive(stream: Stream, span: Span, report: Report, narrative: str) -> str:
    cb = load()
    template = "2019" if marker_pattern().search(stream.text, span.start, span.end) else "2021"
    rows = [r for r in cb.rows["proactive"] if r.template in ("both", template)]
    _read_rows(stream, span, "proactive", rows, template, report, narrative)
    return template


def _requests(stream: Stream, span: Span, report: Report, narrative: str) -> str:
    cb = load()
    has_2021 = any(row_pattern("requests", code).search(stream.text, span.start, span.end)
                   for code in ("other_overdue_correction", "other_overdue_fee"))
    template = "2021" if has_2021 else "2019"
    if template == "2021":
        rows = [r for r in cb.rows["requests"] if r.template != "2019"]
    else:
        rows = [r for r in cb.rows["requests"] if r.group != "other" or r.code == "other"]
    _read_rows(stream, span, "requests", rows, template, report, narrative)
    return template


@cache
def _appeals_header() -> re.Pattern:
    cb = load()
    words = [c.label for c in cb.columns["appeals"]] + [a for r in cb.rows["appeals"] for a in r.labels] + ["结果", "审结"]
    return re.compile("|".join(sorted({label_regex(w) for w in words}, key=len, reverse=True)))


_FIGURE_START = re.compile(rf"[\s{SEP}]*[\d\-—/]")


def _appeals(stream: Stream, span: Span, report: Report) -> None:
    cb = load()
    rows = cb.rows["appeals"]
    columns = [c.code for c in cb.columns["appeals"]]
    start = None
    for m in _appeals_header().finditer(stream.text, span.start, span.end):
        if _FIGURE_START.match(stream.text, m.end(), span.end):
            start = m.end()
            break
    if start is None:
        report.add("missing-row", "error", "未找到第四部分的行政复议、行政诉讼数字",
                   "the figures of section 四 (reviews and lawsuits) were not found", section="appeals")
        resolved = None
    else:
        cells = stream.cells_between(start, span.end)
        pieces, stop_text, stop_line, form = digits.tokenise(cells, cb.blank_markers)
        line = stream.line_at(start)
        report.matches.append(Match("appeals", "review+litigation", "行政复议 / 行政诉讼", line,
                                    " ".join(p.text or "∅" for p in pieces)))
        # the text after the figures (the next heading, the narrative) needs no note; a number form does
        resolved = _stop(report, stop_text, stop_line, form, "appeals", "", note=False)
        if resolved is None:
            resolved = _resolve(pieces, columns * len(rows), "appeals", None, report, "", line, [r.code for r in rows])
        if isinstance(resolved, Pending):
            resolved = _withhold(report, resolved)
    width = len(columns)
    for i, row in enumerate(rows):
        for j, col in enumerate(columns):
            report.facts.append(_fact("appeals", row.code, col, resolved, i * width + j))
