"""Other files as evidence for glued digits: the crawler's text of a report whose
normative-documents row prints `9234` (three cells, two splits) is settled by the same report's
web page beside it, where the row's figures stand in cells of their own, or by the agency's report
of the year before (documents in force then, plus those issued, less those repealed); without such
a file, or with one that allows no split or several, the row stays withheld."""

import html
import re
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from xxgk.package import build

GOLDEN = Path(__file__).parent / "fixtures" / "golden"
TEXT = (GOLDEN / "13-lyy-2022" / "input.txt").read_text(encoding="utf-8")
ROW = "行政规范性文件9234"


def _page(cells: tuple[str, str, str]) -> str:
    """The report as its web page: the crawler's body in paragraphs, the one row as a table row."""
    title = re.search(r"^标题: (.+)$", TEXT, re.MULTILINE).group(1)
    body = TEXT.split("页面链接与图片详见", 1)[1].split("\n", 1)[1]
    before, after = body.split(ROW, 1)
    row = "".join(f"<td>{c}</td>" for c in ("行政规范性文件", *cells))
    return (f"<html><head><title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
            f"<p>{html.escape(before)}</p><table><tr>{row}</tr></table><p>{html.escape(after)}</p></body></html>")


def _build(tmp_path: Path, page: str | None, before: str | None = None, names=("pingtan-lyy.txt", "pingtan-lyy.html"),
           cache: bool = False) -> dict:
    corpus = tmp_path / "corpus" / "2022"
    corpus.mkdir(parents=True)
    (corpus / names[0]).write_text(TEXT, encoding="utf-8")
    if page is not None:
        (corpus / names[1]).write_text(page, encoding="utf-8")
    if before is not None:
        (tmp_path / "corpus" / "2021").mkdir()
        (tmp_path / "corpus" / "2021" / "pingtan-lyy.txt").write_text(before, encoding="utf-8")
    out = tmp_path / "datapackage"
    build(tmp_path / "corpus", out, jobs=1, cache=tmp_path / "cache" if cache else None)
    reports = pq.read_table(out / "data" / "reports.parquet").to_pylist()
    text_id = next(r["report_id"] for r in reports if r["source_file"] == f"2022/{names[0]}")
    facts = [f for f in pq.read_table(out / "data" / "facts.parquet").to_pylist()
             if f["report_id"] == text_id and f["row"] == "normative_documents"]
    checks = [c for c in pq.read_table(out / "data" / "checks.parquet").to_pylist() if c["report_id"] == text_id]
    return {"facts": facts, "checks": checks, "report": next(r for r in reports if r["report_id"] == text_id)}


@pytest.mark.parametrize("names", [("pingtan-lyy.txt", "pingtan-lyy.html"),  # saved side by side
                                   ("ptzhsyq-lyy-0a1b2c3d.txt", "ptzhsyq-lyy-9f8e7d6c.html")])  # as xxgk add names them
def test_the_web_page_beside_the_text_settles_its_glued_digits(tmp_path, names):
    got = _build(tmp_path, _page(("9", "2", "34")), names=names)
    assert [f["value"] for f in got["facts"]] == [9, 2, 34]
    assert {f["evidence"] for f in got["facts"]} == {"copy"}
    codes = [c["code"] for c in got["checks"]]
    assert "ambiguous-digits" not in codes
    split = next(c for c in got["checks"] if c["code"] == "digits-split" and c["row"] == "normative_documents")
    assert names[1] in split["message_en"] and split["expected"] == "9 | 2 | 34"
    assert [c["finding_id"] for c in got["checks"]] == list(range(1, len(got["checks"]) + 1))
    assert got["report"]["findings"] == len(got["checks"])


@pytest.mark.parametrize("page", [None, _page(("9", "2", "35")), _page(("9", "2", ""))])
def test_without_a_copy_that_prints_the_split_the_row_stays_withheld(tmp_path, page):
    got = _build(tmp_path, page)
    assert [f["value"] for f in got["facts"]] == [None, None, None]
    assert "ambiguous-digits" in [c["code"] for c in got["checks"]]


def _year_before(in_force: int) -> str:
    """The agency's 2021 report: the same text under a 2021 title, its row printed apart."""
    text = TEXT.replace("体育局2022年度", "体育局2021年度").replace(ROW, f"行政规范性文件 5 3 {in_force}")
    assert text.count("体育局2021年度") >= 1 and ROW not in text
    return text


@pytest.mark.parametrize("cache", [False, True])  # with a parse cache, a held report's rows are read again from it
def test_the_year_before_settles_documents_in_force(tmp_path, cache, monkeypatch):
    assemble = sys.modules["xxgk.package.assemble"]  # the package exports the function by the module's name
    held, without_rows = [], assemble._without_rows
    monkeypatch.setattr(assemble, "_without_rows", lambda res: held.append(without_rows(res)) or held[-1])
    rowless = []
    monkeypatch.setattr(assemble, "_materialise", lambda res, m=assemble._materialise: rowless.append(res.facts is None) or m(res))
    got = _build(tmp_path, None, _year_before(27), cache=cache)
    assert held and rowless == [cache] * len(held)  # held without its rows when they can be read again  # 27 + 9 - 2 = 34; 27 + 9 - 23 = 13, not 4
    assert [f["value"] for f in got["facts"]] == [9, 2, 34]
    assert {f["evidence"] for f in got["facts"]} == {"previous"}
    split = next(c for c in got["checks"] if c["code"] == "digits-split" and c["row"] == "normative_documents")
    assert "2021" in split["message_en"] and "2021/pingtan-lyy.txt" in split["message_en"]
    assert "ambiguous-digits" not in [c["code"] for c in got["checks"]]
    assert got["report"]["status"] == "ok"


@pytest.mark.parametrize("cache", [False, True])
def test_a_year_before_that_allows_no_split_settles_nothing(tmp_path, cache):
    got = _build(tmp_path, None, _year_before(28), cache=cache)  # 37 and 14: neither split
    assert [f["value"] for f in got["facts"]] == [None, None, None]
    assert "ambiguous-digits" in [c["code"] for c in got["checks"]]


def test_a_settled_row_is_checked_against_the_templates_arithmetic():
    """The copy's figures are the agency's, even when they break an identity: the row is settled
    and the broken identity becomes a finding, as for any figure read."""
    from xxgk.check import copies, settle

    columns = ["natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
               "legal_service_org", "other_org", "total"]
    facts = [("r", "requests", "partial", c, None, "unresolved", "", "", 5, None, None, None) for c in columns]
    checks = [("r", 1, "ambiguous-digits", "error", "requests", "partial", None, "…", "110000011", "…", "…", 5)]
    printed = (110, 0, 0, 0, 0, 1, 1)  # one of the splits of 110000011; its columns add up to 111, not 1
    other = {("requests", "partial", c): (v, "cell", str(v)) for c, v in zip(columns, printed)}
    facts, checks, n = settle.settle(facts, checks, copies.pick_copy(other), "copy", file="r.html")
    assert n == 7 and [f[4] for f in facts] == list(printed)
    codes = [c[2] for c in checks]
    assert "ambiguous-digits" not in codes and "digits-split" in codes and "requests-total-column" in codes
    assert [c[1] for c in checks] == list(range(1, len(checks) + 1))
