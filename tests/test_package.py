"""The data package: Frictionless-valid, Parquet equal to CSV, failures recorded, deterministic."""

import csv
import hashlib
import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import SEEDS

from xxgk.package import PackageInvalid, build, validate_package


def rows(package: Path, name: str) -> list[dict]:
    with open(package / "data" / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_package_validates(package):
    assert validate_package(package) == []


def test_every_file_is_a_report_row(package, mixed_corpus):
    reports = {r["source_file"]: r for r in rows(package, "reports")}
    files = {p.relative_to(mixed_corpus).as_posix() for p in mixed_corpus.rglob("*") if p.is_file()}
    assert set(reports) == files
    assert reports["bad/empty.txt"]["status"] == "failed"
    assert reports["bad/binary.txt"]["status"] == "failed"
    assert reports["bad/scan.pdf"]["status"] == "failed"
    assert reports["bad/not-a-report.html"]["status"] == "failed"
    assert reports["bad/copy-of-003.txt"]["status"] == "duplicate" or reports["2024/seed-003.txt"]["status"] == "duplicate"
    assert reports["2024/gwh 2025 «html».html"]["status"] == "ok"
    checks = rows(package, "checks")
    by_report = {}
    for c in checks:
        by_report.setdefault(c["report_id"], set()).add(c["code"])
    assert by_report[reports["bad/empty.txt"]["report_id"]] == {"empty-file"}
    assert by_report[reports["bad/binary.txt"]["report_id"]] == {"not-a-text-file"}
    assert by_report[reports["bad/scan.pdf"]["report_id"]] == {"unreadable-file"}  # a damaged PDF
    assert "requests-balance" in by_report[reports["gaj-2021.txt"]["report_id"]]
    for c in checks:
        assert c["message"] and c["message_en"]


def test_facts_carry_provenance(package):
    facts = rows(package, "facts")
    reports = {r["report_id"]: r for r in rows(package, "reports")}
    assert len(facts) >= 7 * 200
    seed0 = next(r for r in reports.values() if r["source_file"] == "2024/seed-000.txt")
    penalty = next(f for f in facts if f["report_id"] == seed0["report_id"] and f["row"] == "penalty")
    assert penalty["value"] == "44" and penalty["source_line"] == "40"


def test_parquet_holds_the_same_table_as_csv(package):
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    for res in descriptor["resources"]:
        table = pq.read_table(package / res["x_parquet"]["path"])
        assert table.num_rows == res["x_rows"] == len(rows(package, res["name"]))
    facts = pq.read_table(package / "data" / "facts.parquet").to_pylist()
    csv_facts = rows(package, "facts")
    for a, b in zip(facts[:500], csv_facts[:500]):
        assert (a["value"] is None and b["value"] == "") or float(b["value"]) == a["value"]
        assert a["row"] == b["row"] and a["source_line"] == (int(b["source_line"]) if b["source_line"] else None)


def test_a_tampered_package_fails_validation(package, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(package, copy)
    path = copy / "data" / "facts.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",requests,new,", ",requests,newish,", 1), encoding="utf-8")
    problems = validate_package(copy)
    assert any("facts" in p for p in problems)


def test_schema_comes_from_the_codebook(package):
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    facts = next(r for r in descriptor["resources"] if r["name"] == "facts")
    fields = {f["name"]: f for f in facts["schema"]["fields"]}
    assert "carried_forward" in fields["row"]["constraints"]["enum"]
    assert "commercial_enterprise" in fields["column"]["constraints"]["enum"]
    assert all(f["title"] and f["description"] for f in fields.values())
    assert facts["schema"]["primaryKey"] == ["report_id", "section", "row", "column"]
    assert descriptor["licenses"] and descriptor["sources"]


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_corpus_same_bytes(mixed_corpus, package, tmp_path):
    moved = tmp_path / "elsewhere" / "another-name"
    shutil.copytree(mixed_corpus, moved)
    out = tmp_path / "second"
    build(moved, out, jobs=1)
    assert digests(out) == digests(package)


def test_a_failed_build_leaves_the_published_package(mixed_corpus, tmp_path, monkeypatch):
    out = tmp_path / "pkg"
    build(mixed_corpus, out, jobs=1)
    before = digests(out)
    import xxgk.package as pkg

    monkeypatch.setattr(pkg, "check_package", lambda folder, written=None: ["simulated problem"])
    with pytest.raises(PackageInvalid):
        build(mixed_corpus, out, jobs=1)
    assert digests(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["pkg"]


def test_agencies_carry_their_region(package):
    agencies = {a["name"]: a for a in rows(package, "agencies")}
    a = agencies["灋河回族区城市管理局"]
    assert (a["province"], a["prefecture"], a["county"], a["county_code"]) == ("河南省", "洛阳市", "瀍河回族区", "410304")
    assert a["region_evidence"] == "corrected"
    assert agencies["韶关市武江区人民政府办公室"]["county_code"] == "440203"
    reports = rows(package, "reports")
    assert all(r["region_status"] == "resolved" for r in reports if r["agency_name"] and r["status"] != "duplicate")


def test_publication_register(package):
    register = rows(package, "register")
    agencies = {a["agency_id"]: a["name"] for a in rows(package, "agencies")}
    years = {int(r["year"]) for r in register}
    assert years == set(range(2021, 2026))  # the corpus spans the 2021 and 2025 reports
    assert len(register) == len(agencies) * len(years)
    wj = next(r for r in register if agencies[r["agency_id"]] == "韶关市武江区人民政府办公室" and r["year"] == "2024")
    # the office's own report: a department of the district government, due 31 January (条例 第四十九条)
    assert (wj["in_corpus"], wj["agency_kind"], wj["deadline"], wj["publication_date"], wj["on_time"]) == \
        ("True", "department", "2025-01-31", "2025-01-24", "True")
    xa = next(r for r in register if agencies[r["agency_id"]] == "兴安区" and r["year"] == "2024")
    assert (xa["agency_kind"], xa["deadline"]) == ("government", "2025-03-31")  # the district's own report
    gwh = next(r for r in register if agencies[r["agency_id"]] == "平潭综合实验区管委会办公室" and r["year"] == "2025")
    assert (gwh["agency_kind"], gwh["deadline"], gwh["publication_date"], gwh["on_time"]) == ("department", "2026-01-31", "2026-01-30", "True")
    street = next(r for r in register if agencies[r["agency_id"]] == "洛龙区定鼎门街道办事处" and r["year"] == "2024")
    assert street["agency_kind"] == "township" and street["deadline"] == "" and street["on_time"] == ""
    assert any(r["in_corpus"] == "False" and r["report_id"] == "" for r in register)


def test_one_agency_however_its_name_is_printed(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEEDS / "seed-004" / "input.txt", corpus / "wj-2024.txt")
    # the same office printed without its city, in the next year
    text = (SEEDS / "seed-004" / "input.txt").read_text(encoding="utf-8")
    text = text.replace("韶关市武江区人民政府办公室2024年", "武江区人民政府办公室2025年", 1)
    (corpus / "wj-2025.txt").write_text(text, encoding="utf-8")
    build(corpus, tmp_path / "pkg", jobs=1)
    agencies = rows(tmp_path / "pkg", "agencies")
    assert len(agencies) == 1
    a = agencies[0]
    assert a["agency_id"] == "shao-guan-shi-wu-jiang-qu-ren-min-zheng-fu-ban-gong-shi"
    assert a["name"] == "武江区人民政府办公室" and a["names"] == "武江区人民政府办公室；韶关市武江区人民政府办公室"
    assert (a["agency_type"], a["level"], a["first_year"], a["last_year"]) == ("government_office", "county", "2024", "2025")
    assert {r["agency_id"] for r in rows(tmp_path / "pkg", "reports")} == {a["agency_id"]}


def test_a_renamed_agency_is_joined_by_the_override_file(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEEDS / "06-gyz-2021" / "input.txt", corpus / "gyz-2021.txt")  # 国有资产管理局
    shutil.copy(SEEDS / "21-gyz-2024" / "input.txt", corpus / "gyz-2024.txt")  # 投资促进局, same channel
    build(corpus, tmp_path / "pkg", jobs=1)
    agencies = rows(tmp_path / "pkg", "agencies")
    assert [a["name"] for a in agencies] == ["平潭综合实验区投资促进局"]
    assert agencies[0]["names"] == "平潭综合实验区投资促进局；平潭综合实验区国有资产管理局"


def test_same_corpus_in_another_file_order_same_bytes(mixed_corpus, package, tmp_path):
    files = sorted((p for p in mixed_corpus.rglob("*") if p.is_file()), reverse=True)
    shuffled = tmp_path / "shuffled"
    for p in files:  # created in the opposite order, under a different root
        target = shuffled / p.relative_to(mixed_corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(p, target)
    out = tmp_path / "out"
    build(shuffled, out, jobs=2)
    assert digests(out) == digests(package)


def test_a_years_rows_come_agency_by_agency(package):
    """Within each year's part, the files' facts and texts follow the reports' agency (then file)
    order, whatever the order of the files in the corpus: an agency's page reads a few row groups."""
    reports = {r["report_id"]: r for r in rows(package, "reports")}
    several = 0
    for resource in ("facts", "texts"):
        for part in sorted((package / "data" / f"{resource}.parquet").glob("*.parquet")):
            ids = pq.read_table(part, columns=["report_id"]).column("report_id").to_pylist()
            runs = [rid for i, rid in enumerate(ids) if i == 0 or ids[i - 1] != rid]
            assert len(runs) == len(set(runs))  # each report's rows together
            order = [(reports[rid]["agency_id"], reports[rid]["source_file"]) for rid in runs]
            assert order == sorted(order), (resource, part.name)
            several += len({a for a, _ in order}) > 1
    assert several  # the case under test: parts holding several agencies
