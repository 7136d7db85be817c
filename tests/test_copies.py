"""Another copy of a report as evidence for glued digits: the crawler's text of a report whose
normative-documents row prints `9234` (three cells, three splits) is settled by the same report's
web page beside it, where the row's figures stand in cells of their own; without that page, or
with a page whose figures are no split of the digits, the row stays withheld."""

import html
import re
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


def _build(tmp_path: Path, page: str | None) -> dict:
    corpus = tmp_path / "corpus" / "2022"
    corpus.mkdir(parents=True)
    (corpus / "pingtan-lyy.txt").write_text(TEXT, encoding="utf-8")
    if page is not None:
        (corpus / "pingtan-lyy.html").write_text(page, encoding="utf-8")
    out = tmp_path / "datapackage"
    build(tmp_path / "corpus", out, jobs=1)
    reports = pq.read_table(out / "data" / "reports.parquet").to_pylist()
    text_id = next(r["report_id"] for r in reports if r["source_file"].endswith(".txt"))
    facts = [f for f in pq.read_table(out / "data" / "facts.parquet").to_pylist()
             if f["report_id"] == text_id and f["row"] == "normative_documents"]
    checks = [c for c in pq.read_table(out / "data" / "checks.parquet").to_pylist() if c["report_id"] == text_id]
    return {"facts": facts, "checks": checks, "report": next(r for r in reports if r["report_id"] == text_id)}


def test_the_web_page_beside_the_text_settles_its_glued_digits(tmp_path):
    got = _build(tmp_path, _page(("9", "2", "34")))
    assert [f["value"] for f in got["facts"]] == [9, 2, 34]
    assert {f["evidence"] for f in got["facts"]} == {"copy"}
    codes = [c["code"] for c in got["checks"]]
    assert "ambiguous-digits" not in codes
    split = next(c for c in got["checks"] if c["code"] == "digits-split" and c["row"] == "normative_documents")
    assert "pingtan-lyy.html" in split["message_en"] and split["expected"] == "9 | 2 | 34"
    assert [c["finding_id"] for c in got["checks"]] == list(range(1, len(got["checks"]) + 1))
    assert got["report"]["findings"] == len(got["checks"])


@pytest.mark.parametrize("page", [None, _page(("9", "2", "35")), _page(("9", "2", ""))])
def test_without_a_copy_that_prints_the_split_the_row_stays_withheld(tmp_path, page):
    got = _build(tmp_path, page)
    assert [f["value"] for f in got["facts"]] == [None, None, None]
    assert "ambiguous-digits" in [c["code"] for c in got["checks"]]
