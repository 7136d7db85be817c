"""The tables for spreadsheets: report_figures (one row per counted report, one column per figure)
holds each report's facts, counts as integers in CSV and Parquet, a figure not certain empty;
whole numbers are never written "12.0"; figure_mapping pairs the 2019 template's figures with the
2021 template's; the Excel copy is headed by the labels; the package validates with Frictionless."""

import csv
import json
import re
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import SEEDS
from test_copies import TEXT as LYY_2022
from test_copies import _page

from xxgk.codebook import load
from xxgk.identify import register
from xxgk.package import build, validate_package, wide
from xxgk.package.parts import Entry, Part
from xxgk.site.downloads import make_downloads

SEED = (SEEDS / "seed-000" / "input.txt").read_text(encoding="utf-8")
PENALTY, FEES = "行政处罚\t44\t\t", "行政事业性收费\t0\t\t"


def _year(text: str, year: int) -> str:
    assert "管理局 2024 年" in text
    return text.replace("管理局 2024 年", f"管理局 {year} 年", 1)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """Reports of both templates, of agencies and years the corpus has once or twice: a 2021
    report; the same agency's 2023 report with thousands and a decimal amount, and its 2022 report
    whose count prints a decimal (not a count: withheld) and whose amount prints 2.0; two 2019
    reports; a report whose glued digits the web page beside it settles (its facts amended by the
    assemble); one report as text and as a web page (one superseded); a copy; a failed file."""
    root = tmp_path_factory.mktemp("wide")
    corpus = root / "corpus"
    for rel, text in [("2024/seed-000.txt", SEED),
                      ("2023/thousands.txt", _year((SEEDS / "quirk-thousands-separator" / "input.txt").read_text(encoding="utf-8"), 2023)),
                      ("2022/decimal.txt", _year(SEED.replace(PENALTY, "行政处罚\t44.5\t\t").replace(FEES, "行政事业性收费\t2.0\t\t"), 2022)),
                      ("2019/jjp.txt", (SEEDS / "32-jjp-2019" / "input.txt").read_text(encoding="utf-8")),
                      ("2019/lyy.txt", (SEEDS / "33-lyy-2019" / "input.txt").read_text(encoding="utf-8")),
                      ("2022/pingtan-lyy.txt", LYY_2022), ("2022/pingtan-lyy.html", _page(("9", "2", "34"))),
                      ("2025/gwh.txt", (SEEDS / "26-gwh-2025" / "input.txt").read_text(encoding="utf-8")),
                      ("2025/gwh.html", (SEEDS / "26-gwh-2025-html" / "input.html").read_text(encoding="utf-8")),
                      ("copies/seed-000.txt", SEED), ("bad/empty.txt", "")]:
        (corpus / rel).parent.mkdir(parents=True, exist_ok=True)
        (corpus / rel).write_text(text, encoding="utf-8")
    assert PENALTY in SEED and FEES in SEED
    build(corpus, root / "datapackage", jobs=1)
    return root / "datapackage"


def rows(package: Path, name: str) -> list[dict]:
    with open(package / "data" / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def resource(package: Path, name: str) -> dict:
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    return next(r for r in descriptor["resources"] if r["name"] == name)


def test_each_counted_report_has_one_row_equal_to_its_facts(built):
    reports = rows(built, "reports")
    counted = {r["report_id"]: r for r in reports if register.counted({**r, "year": r["year"] and int(r["year"])})}
    assert len(counted) < len(reports)  # the case under test: a copy, a superseded file and a failed one have no row
    wide_rows = {w["report_id"]: w for w in rows(built, "report_figures")}
    assert len(wide_rows) == len(rows(built, "report_figures")) and set(wide_rows) == set(counted)
    facts: dict[str, dict] = {}
    for f in rows(built, "facts"):
        facts.setdefault(f["report_id"], {})[f"{f['section']}.{f['row']}.{f['column']}"] = f
    names = [f.name for f in wide.figures()]
    assert {"2019", "2021"} <= {r["template"] for r in counted.values()}
    for rid, w in wide_rows.items():
        assert {k: w[k] for k in wide.FIXED} == {k: counted[rid][k] for k in wide.FIXED}
        own = facts.get(rid, {})
        assert set(own) <= set(names)  # every fact has its column
        assert {n: w[n] for n in names} == {n: own[n]["value"] if n in own and own[n]["status"] == "reported" else "" for n in names}, rid
    assert sum(v != "" for w in wide_rows.values() for v in w.values()) > 500


def test_counts_are_integers_in_csv_and_parquet(built):
    fields = {f["name"]: f["type"] for f in resource(built, "report_figures")["schema"]["fields"]}
    decimal = {f.name for f in wide.figures() if f.decimal}
    assert decimal == {"proactive.fees.amount", "proactive.procurement.procurement_amount"}
    assert all(fields[f.name] == ("number" if f.name in decimal else "integer") for f in wide.figures())
    table = pq.read_table(built / "data" / "report_figures.parquet")
    assert all(table.schema.field(n).type == (pa.float64() if n in decimal else pa.int64()) for n in (f.name for f in wide.figures()))
    by_id = {r["report_id"]: r for r in table.to_pylist()}
    for w in rows(built, "report_figures"):
        for f in wide.figures():
            text = w[f.name]
            assert text == "" or re.fullmatch(r"-?[0-9]+", text) or (f.name in decimal and re.fullmatch(r"-?[0-9]+\.[0-9]*[1-9]", text)), text
            value = by_id[w["report_id"]][f.name]
            assert (value is None and text == "") or (type(value) is int and str(value) == text) or float(text) == value
    amounts = {w["year"]: w["proactive.fees.amount"] for w in rows(built, "report_figures") if w["agency_name"] == "灋河回族区城市管理局"}
    assert amounts == {"2024": "0", "2023": "1234.5", "2022": "2"}  # printed 2.0: a whole number, written so
    frame = pd.read_parquet(built / "data" / "report_figures.parquet", dtype_backend="numpy_nullable")
    assert str(frame["requests.new.total"].dtype) == "Int64" and str(frame["proactive.fees.amount"].dtype) == "Float64"


def test_whole_numbers_are_never_written_with_a_fraction(built):
    """A report whose facts the assemble amended (its rows read back from Arrow, every figure a
    double) is written as the parser wrote it: "34", not "34.0"."""
    facts = rows(built, "facts")
    amended = [f for f in facts if f["evidence"] == "copy"]
    assert [f["value"] for f in amended] == ["9", "2", "34"]
    assert len({f["report_id"] for f in facts if f["value"]}) > 5
    assert [f["value"] for f in facts if re.search(r"\.0*$", f["value"])] == []


def test_a_figure_not_certain_is_empty(built):
    """A cell withheld (its finding in checks: digits that cannot be split with certainty, a count
    printed with a fraction) is empty in the wide table, never a guess or 0."""
    counted = {w["report_id"]: w for w in rows(built, "report_figures")}
    findings = {(c["report_id"], c["section"], c["row"]) for c in rows(built, "checks")}
    withheld = [f for f in rows(built, "facts") if f["status"] == "unresolved" and f["report_id"] in counted]
    assert len(withheld) >= 3
    for f in withheld:
        assert counted[f["report_id"]][f"{f['section']}.{f['row']}.{f['column']}"] == ""
        assert (f["report_id"], f["section"], f["row"]) in findings or (f["report_id"], f["section"], "") in findings
    fraction = next(w for w in counted.values() if w["year"] == "2022" and w["agency_name"] == "灋河回族区城市管理局")
    assert fraction["proactive.penalty.decisions"] == "" and fraction["proactive.licensing.decisions"] == "0"
    assert any(c["report_id"] == fraction["report_id"] and c["code"] == "unreadable-figure" and c["row"] == "penalty"
               for c in rows(built, "checks"))


def test_frictionless_validates_the_package(built):
    assert validate_package(built) == []
    assert resource(built, "report_figures")["x_parquet"]["parts"]  # written in year parts, as facts are


def test_the_mapping_covers_the_codebooks_pairs(built):
    mapping = rows(built, "figure_mapping")
    cells = {f.name: f for f in wide.figures()}
    assert {m["code_2019"] for m in mapping} == {n for n, f in cells.items() if f.template != "2021"}
    for m in mapping:
        assert cells[m["code_2019"]].template in ("2019", "both")
        if m["code_2021"]:
            assert cells[m["code_2021"]].template in ("2021", "both")
            assert m["label_2021"] == cells[m["code_2021"]].label_zh
        assert (m["basis"] == "same_cell") == (m["code_2019"] == m["code_2021"])
        assert (m["basis"] == "none") == (m["code_2021"] == "")
    cb = load()
    pairs = set()
    for section, columns in cb.columns.items():
        for c in columns:
            if c.same_as:
                assert cb.column(section, c.same_as).template in ("2021", "both"), c.code
                for row in cb.template_rows(section, "2019"):
                    if c.code in cb.row_columns(section, row, "2019") and c.same_as in cb.row_columns(section, row, "2021"):
                        pairs.add((f"{section}.{row.code}.{c.code}", f"{section}.{row.code}.{c.same_as}"))
    assert pairs == {("proactive.rules.made", "proactive.rules.issued"), ("proactive.normative_documents.made", "proactive.normative_documents.issued")}
    assert {(m["code_2019"], m["code_2021"]) for m in mapping if m["basis"] == "same_as"} == pairs


def test_the_dictionary_lists_the_pairs(built):
    from xxgk.site.aggregate import mapping_section
    from xxgk.site.published import Published

    text = "\n".join(mapping_section(SimpleNamespace(pub=Published.load(built, rows=False))))
    assert "<code>proactive.normative_documents.made</code>" in text and "<code>proactive.rules.issued</code>" in text
    assert text.count("\n| <code>") == 2


def test_the_excel_copy_is_headed_by_the_labels(built, tmp_path):
    descriptor = json.loads((built / "datapackage.json").read_text(encoding="utf-8"))
    assert make_downloads(built, tmp_path / "data", descriptor)
    copy = (tmp_path / "data" / "excel" / "report_figures-excel.csv").read_bytes()
    assert copy.startswith(b"\xef\xbb\xbf")
    head, body = copy[3:].split(b"\n", 1)
    titles = next(csv.reader([head.decode("utf-8")]))
    assert titles[:3] == ["报告编号", "机关编号", "机关名称"] and "本年度办理结果·予以公开·法人或其他组织·商业企业" in titles
    assert len(set(titles)) == len(titles) == len(resource(built, "report_figures")["schema"]["fields"])
    assert body == (built / "data" / "report_figures.csv").read_bytes().split(b"\n", 1)[1]
    with zipfile.ZipFile(tmp_path / "data" / "xxgk-excel.zip") as z:  # the zip for spreadsheets holds the copy
        assert z.read("xxgk-excel/report_figures-excel.csv") == copy


def test_a_parts_wide_rows_are_made_again_when_a_report_changes_and_its_facts_do_not():
    """A part's signature for report_figures follows its reports' fields (a report superseded by
    a file added later, an agency renamed), not only the files' rows."""
    report = {"report_id": "a", "agency_id": "x", "agency_name": "X", "year": 2024, "template": "2021", "status": "ok",
              "superseded_by": ""}
    part = Part("2024", [Entry("key", dict, report)])
    before = {r: part.signature(r) for r in ("facts", "report_figures")}
    report["superseded_by"] = "b"
    assert part.signature("facts") == before["facts"] and part.signature("report_figures") != before["report_figures"]
