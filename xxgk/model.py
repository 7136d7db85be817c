"""The records that flow between stages: facts, findings, texts and the parsed report."""

from __future__ import annotations

from dataclasses import dataclass, field


def shown(value: float | None) -> str:
    """A figure as text, the one way every stage writes one: whole numbers without a decimal
    point (a float 7545.0 as 7545, 1234567.0 never as 1.23457e+06), others with the decimals that
    give the value back (7730.28); nothing for no value."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@dataclass
class Fact:
    section: str
    row: str
    column: str
    value: int | float | None
    status: str  # reported | blank | absent | unresolved
    evidence: str  # cell | split | identity | narrative | ocr | pairing | "" (no value)
    printed: str  # the printed text the value was read from
    source_line: int | None
    # where a laid-out document (PDF, Word) printed it: page, box "x0 top x1 bottom" (PDF points), "table/row/column"
    source_page: int | None = None
    source_box: str = ""
    source_cell: str = ""
    # the figure's characters in its source line, [start, end) counted in characters from the
    # line's first (0-based): None where not known (see parse.offsets)
    source_char_start: int | None = None
    source_char_end: int | None = None


@dataclass
class Finding:
    code: str
    severity: str  # error | warning | info
    message_zh: str
    message_en: str
    section: str = ""
    row: str = ""
    column: str = ""
    expected: str = ""
    found: str = ""
    source_line: int | None = None


@dataclass
class Text:
    section: str
    text: str
    source_line: int | None


@dataclass
class Match:
    """Which printed label matched which code (for `xxgk parse --explain`)."""

    section: str
    row: str
    printed: str
    source_line: int | None
    values: str


@dataclass
class Report:
    title: str = ""
    agency_name: str = ""
    year: int | None = None
    publication_date: str = ""
    publication_date_source: str = ""
    source_url: str = ""
    template: str = ""
    status: str = "ok"  # ok | partial | unsupported | failed
    format: str = ""
    encoding: str = ""
    facts: list[Fact] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    region: object = None  # region.Region, once resolved

    def add(self, finding: Finding) -> Finding:
        """Append a finding (made by xxgk.findings.finding())."""
        self.findings.append(finding)
        return finding

    @classmethod
    def failed(cls, suffix: str, why: Finding) -> Report:
        """A file that gives no report: its format (from its suffix) and the finding that says why."""
        report = cls(status="failed", format=suffix.lstrip(".").lower())
        report.add(why)
        return report
