"""The identities of the codebook are evaluated by one evaluator, for the checks and for the
glued-digit solver alike: an identity added to codebook.yaml is checked and settles splits."""

import dataclasses
from importlib import resources

import pytest
import yaml
from conftest import SEEDS, glued_requests

from xxgk import codebook
from xxgk.check.identities import check
from xxgk.findings import catalogue
from xxgk.model import Fact, Report
from xxgk.report import parse_bytes

# a bound the template does not assert: what is in force at year end is at least what was repealed
BOUND = {"code": "test-in-force-bound", "section": "proactive", "en": "in force is at least repealed",
         "zh": "现行有效件数不少于本年废止件数", "rows": ["rules", "normative_documents"],
         "at_least": {"column": "in_force", "plus": [], "minus": ["repealed"]},
         "message": {"total": "in_force", "parts": "repealed"}}
# the balance of section 三 under another code
BALANCE = {"code": "test-balance", "section": "requests", "en": "the balance again", "zh": "收支平衡（测试）",
           "left": ["new", "carried_over"], "right": ["total", "carried_forward"]}


def _codebook(monkeypatch, add=(), drop=()):
    """The loaded codebook with the identities of a copy of codebook.yaml that has `add` and not
    `drop`; each added code goes into the findings catalogue with a message."""
    raw = yaml.safe_load(resources.files("xxgk").joinpath("codebook.yaml").read_text(encoding="utf-8"))
    raw["identities"] = [i for i in raw["identities"] if i["code"] not in drop] + list(add)
    copy = codebook.parse(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False))
    cb = codebook.load()
    monkeypatch.setattr(cb, "identities", copy.identities)
    monkeypatch.setattr(cb, "rules", copy.rules)
    template = catalogue()["proactive-in-force"]
    for ident in add:
        total, parts = ident.get("message", {}).get("total", "total"), ident.get("message", {}).get("parts", "parts")
        messages = {"default": {"zh": f"“{{row_label}}”行：{{column_code}}为{{{total}}}，少于{{{parts}}}",
                                "en": f"row {{row_code}}: {{column_code}} is {{{total}}}, not {{{parts}}}"}}
        monkeypatch.setitem(catalogue(), ident["code"], dataclasses.replace(template, code=ident["code"], messages=messages))
    return cb


def _report(values: dict) -> Report:
    report = Report()
    for (section, row, column), v in values.items():
        report.facts.append(Fact(section, row, column, v, "reported", "cell", str(v), 7))
    return report


def test_every_identity_of_the_codebook_has_a_form_the_evaluator_reads():
    cb = codebook.load()
    assert [i.code for i in cb.rules] == [i["code"] for i in cb.identities]
    with pytest.raises(ValueError):
        codebook.parse(yaml.safe_dump({**cb.raw, "identities": [{"code": "x", "section": "requests", "zh": "", "en": ""}]}))


def test_an_identity_added_to_the_codebook_is_checked(monkeypatch):
    rows = {("proactive", "rules", c): v for c, v in zip(("issued", "repealed", "in_force"), (1, 9, 3))}
    before = _report(rows)
    check(before)
    assert [g.code for g in before.findings] == []  # 3 + 9 >= 1
    cb = _codebook(monkeypatch, add=[BOUND])
    assert [i.code for i in cb.rules][-1] == "test-in-force-bound"
    after = _report(rows)
    check(after)
    (g,) = after.findings
    assert (g.code, g.severity, g.section, g.row, g.column, g.expected, g.found, g.source_line) == \
        ("test-in-force-bound", "warning", "proactive", "rules", "in_force", ">= 9", "3", 7)
    assert g.message_zh == "“规章”行：in_force为3，少于9" and g.message_en == "row rules: in_force is 3, not 9"


def test_an_identity_added_to_the_codebook_settles_glued_digits(monkeypatch):
    data = (SEEDS / "13-lyy-2022" / "input.txt").read_bytes()

    def normative(report):
        return [f.value for f in report.facts if f.row == "normative_documents"]

    # 9234 reads 9|2|34 or 9|23|4: the template's own bound allows both
    assert normative(parse_bytes(data, ".txt")) == [None, None, None]
    _codebook(monkeypatch, add=[BOUND])
    report = parse_bytes(data, ".txt")
    assert normative(report) == [9, 2, 34]
    assert {f.evidence for f in report.facts if f.row == "normative_documents"} == {"identity"}
    split = next(g for g in report.findings if g.code == "digits-split" and g.row == "normative_documents")
    assert "现行有效件数不少于本年废止件数" in split.message_zh and "in force is at least repealed" in split.message_en
    assert "ambiguous-digits" not in {g.code for g in report.findings if g.row == "normative_documents"}


def _glued_requests() -> bytes:
    return glued_requests().encode("utf-8")


def test_an_identity_between_rows_added_to_the_codebook_settles_other_rows(monkeypatch):
    def new(report):
        return [f for f in report.facts if f.row == "new"]

    _codebook(monkeypatch, drop=["requests-balance"])
    without = parse_bytes(_glued_requests(), ".txt")
    assert {f.status for f in new(without)} == {"unresolved"}
    _codebook(monkeypatch, add=[BALANCE], drop=["requests-balance"])
    report = parse_bytes(_glued_requests(), ".txt")
    assert [f.value for f in new(report)][:2] == [11, 0] and {f.evidence for f in new(report)} == {"identity"}
    split = next(g for g in report.findings if g.code == "digits-split" and g.row == "new")
    assert "收支平衡（测试）" in split.message_zh and "the balance again" in split.message_en


def test_a_figure_is_written_one_way_everywhere():
    from xxgk.model import shown

    assert [shown(v) for v in (None, 0, 3, 7545.0, 1234567.0, 7730.28, -2.5)] == ["", "0", "3", "7545", "1234567", "7730.28", "-2.5"]
