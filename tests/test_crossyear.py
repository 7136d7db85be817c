"""Checks across one agency's years, on real reports and next-year variants of them."""

import csv
import shutil

from conftest import SEEDS, seed

from xxgk.package import build


def findings(package):
    with open(package / "data" / "checks.csv", encoding="utf-8", newline="") as f:
        checks = list(csv.DictReader(f))
    with open(package / "data" / "reports.csv", encoding="utf-8", newline="") as f:
        reports = {r["report_id"]: r for r in csv.DictReader(f)}
    return [(reports[c["report_id"]]["source_file"], c["code"], c["row"], c["column"], c["expected"], c["found"]) for c in checks]


def next_year(text: str, year_from="2024", year_to="2025") -> str:
    head, rest = text.split("\n", 3)[:3], text.split("\n", 3)[3]
    return "\n".join(line.replace(year_from, year_to) for line in head) + "\n" + rest


def test_carry_over_in_force_and_repeats(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    # 韶关市武江区人民政府办公室 2024 carries 1 request forward; its 2025 variant carries over none
    wj = seed("004").read_text(encoding="utf-8")
    shutil.copy(seed("004"), corpus / "wj-2024.txt")
    cut = wj.index("二、上年结转政府信息公开申请数量")
    (corpus / "wj-2025.txt").write_text(next_year(wj[:cut]) + wj[cut:], encoding="utf-8")
    # 兴安区 2024 has 2 normative documents in force; the 2025 variant says 3 with none issued
    xa = seed("001").read_text(encoding="utf-8")
    shutil.copy(seed("001"), corpus / "xa-2024.txt")
    xa25 = next_year(xa, "2024年", "2025年")
    start = xa25.index("行政规范性文件 |")
    xa25 = xa25[:start] + xa25[start:].replace("0 |\n0 |\n2 |", "0 |\n0 |\n3 |", 1)
    (corpus / "xa-2025.txt").write_text(xa25, encoding="utf-8")
    out = tmp_path / "pkg"
    build(corpus, out, jobs=1)
    got = findings(out)
    assert ("wj-2025.txt", "carry-over-mismatch", "carried_over", "natural_person", "1", "0") in got
    assert ("wj-2025.txt", "carry-over-mismatch", "carried_over", "total", "1", "0") in got
    assert ("xa-2025.txt", "in-force-mismatch", "normative_documents", "in_force", "2", "3") in got
    # the 2025 兴安区 tables repeat 2024's figures except one: not a copy; 武江区's do repeat them
    codes = {(f, c) for f, c, *_ in got}
    assert ("wj-2025.txt", "repeated-figures") in codes and ("xa-2025.txt", "repeated-figures") not in codes
    assert not any(f.endswith("2024.txt") and c in ("carry-over-mismatch", "in-force-mismatch") for f, c, *_ in got)


def test_a_missing_year_between_two_reports(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEEDS / "07-hzs-2021" / "input.txt", corpus / "hzs-2021.txt")
    shutil.copy(SEEDS / "27-hzs-2025-html" / "input.html", corpus / "hzs-2025.html")
    out = tmp_path / "pkg"
    build(corpus, out, jobs=1)
    got = findings(out)
    assert ("hzs-2025.html", "missing-year", "", "", "2022、2023、2024", "") in got
