"""The register tells a report in the corpus from one the agency's own column lists (published,
not yet parsed), one its harvested column does not list (not found on its site) and one of an
agency whose column was never harvested; an agency only its column knows of gets its rows too."""

import csv
import hashlib
import json
import shutil
from pathlib import Path

from conftest import ROOT, xxgk

from xxgk.identify import listed, register
from xxgk.package.schema import schemas

GOV = "平潭综合实验区管委会"


def agency(aid: str) -> dict:
    return {"agency_id": aid, "agency_type": "department", "level": "county"}


def report(aid: str, year: int, source: str = "", **kw) -> dict:
    return {"agency_id": aid, "year": year, "status": "ok", "superseded_by": "", "source_file": source or f"{aid}-{year}.txt",
            "report_id": f"{aid}-{year}", "publication_date": f"{year + 1}-01-20", "publication_date_source": "page", **kw}


def by_key(rows: list[dict]) -> dict[tuple[str, int], dict]:
    return {(r["agency_id"], r["year"]): r for r in rows}


# the register function ------------------------------------------------------------------------

def test_the_four_statuses():
    agencies = [agency("a"), agency("b"), agency("c")]
    reports = [report("a", 2022), report("b", 2022), report("c", 2023)]
    listings = [("a", 2023, "https://a.gov.cn/2023.html"), ("a", 2022, "https://a.gov.cn/2022.html")]
    out = by_key(register.rows(agencies, reports, listings, harvested=["b"]))
    assert {y for _, y in out} == {2022, 2023}
    assert out["a", 2022]["status"] == "in_corpus" and out["a", 2022]["in_corpus"] is True
    assert out["a", 2022]["listed_url"] == "https://a.gov.cn/2022.html"  # the column's article, even for a report held
    assert out["a", 2023]["status"] == "listed_not_parsed" and out["a", 2023]["in_corpus"] is False
    assert out["a", 2023]["listed_url"] == "https://a.gov.cn/2023.html" and out["a", 2023]["report_id"] == ""
    assert out["b", 2023]["status"] == "not_listed" and out["b", 2023]["listed_url"] == ""  # walked, lists nothing of 2023
    assert out["c", 2022]["status"] == "not_harvested"
    assert out["c", 2023]["status"] == "in_corpus"
    assert {r["status"] for r in out.values()} == set(register.STATUSES)


def test_an_agency_known_only_from_its_column_gets_its_rows():
    agencies = [agency("held"), agency("listed-only")]
    listings = [("listed-only", 2020, "https://x.gov.cn/2020.html"), ("listed-only", 2025, "https://x.gov.cn/2025.html")]
    out = by_key(register.rows(agencies, [report("held", 2023)], listings))
    # the span is the corpus years extended by the listed years, for every agency
    assert sorted({y for _, y in out}) == list(range(2020, 2026))
    assert [out["listed-only", y]["status"] for y in range(2020, 2026)] == \
        ["listed_not_parsed", "not_listed", "not_listed", "not_listed", "not_listed", "listed_not_parsed"]
    assert out["held", 2020]["status"] == "not_harvested"
    assert all(out["listed-only", y]["report_id"] == "" and out["listed-only", y]["on_time"] is None for y in range(2020, 2026))


def test_listings_alone_make_a_register():
    out = register.rows([agency("a")], [], [("a", 2024, "https://a.gov.cn/1.html")])
    assert [(r["year"], r["status"]) for r in out] == [(2024, "listed_not_parsed")]
    assert register.rows([agency("a")], [], [("a", None, "https://a.gov.cn/1.html")], ["a"]) == []


def test_a_listing_with_no_year_says_only_that_the_column_was_harvested():
    agencies = [agency("a"), agency("b")]
    reports = [report("a", 2022), report("b", 2024)]
    out = by_key(register.rows(agencies, reports, [("a", None, "https://a.gov.cn/no-year.html")]))
    assert {y for _, y in out} == {2022, 2023, 2024}  # no year of its own in the span
    assert out["a", 2023]["status"] == "not_listed" and out["a", 2023]["listed_url"] == ""
    assert out["a", 2024]["status"] == "not_listed"
    assert out["b", 2023]["status"] == "not_harvested"


def test_duplicate_listings_give_the_first_address_in_sorted_order():
    listings = [("a", 2023, "https://a.gov.cn/b.html"), ("a", 2023, "https://a.gov.cn/a.html"),
                ("a", 2023, "https://a.gov.cn/b.html"), ("a", 2023, "")]
    out = register.rows([agency("a")], [report("a", 2022)], listings)
    again = register.rows([agency("a")], [report("a", 2022)], list(reversed(listings)))
    assert out == again
    row = by_key(out)["a", 2023]
    assert (row["status"], row["listed_url"]) == ("listed_not_parsed", "https://a.gov.cn/a.html")
    assert len(out) == 2


def test_listings_and_columns_of_agencies_not_in_the_register_are_ignored():
    out = register.rows([agency("a")], [report("a", 2022)], [("", 2019, "https://x/1"), ("ghost", 2018, "https://x/2")], ["", "ghost"])
    assert [(r["year"], r["status"]) for r in out] == [(2022, "in_corpus")]


def test_the_statuses_are_the_schemas_enum_and_described():
    fields = {f["name"]: f for f in schemas()["register"]["fields"]}
    assert fields["status"]["constraints"] == {"enum": register.STATUSES, "required": True}
    assert fields["listed_url"]["type"] == "string"
    for status in register.STATUSES:
        assert status in fields["status"]["description"]
    assert [f for f in fields][:5] == ["agency_id", "year", "in_corpus", "status", "listed_url"]


# the readers -----------------------------------------------------------------------------------

def test_no_files_nothing_harvested(tmp_path):
    assert listed.read_listed(tmp_path) == ([], [])
    assert listed.read_harvested(tmp_path) == ([], [])


def test_the_readers_are_lenient(tmp_path):
    (tmp_path / listed.LISTED).write_text(
        "\ufeff" + "\t".join(listed.LISTED_FIELDS) + "\n"
        f"s\t {GOV} \t福建省\t2024\t2024年报\thttps://x/1.html\thttps://x/\t2026-01-01T00:00:00Z\n"
        f"s\t{GOV}\t福建省\t\t年报\thttps://x/2.html\thttps://x/\t2026-01-01T00:00:00Z\n"
        f"s\t{GOV}\t福建省\t二〇二四\t年报\thttps://x/3.html\n"  # short line, a year that is no year
        "\t\t\t\t\t\t\t\n", encoding="utf-8")
    items, problems = listed.read_listed(tmp_path)
    assert problems == []
    assert [(i.agency, i.year, i.article) for i in items] == [(GOV, 2024, "https://x/1.html"), (GOV, None, "https://x/2.html"),
                                                             (GOV, None, "https://x/3.html")]
    (tmp_path / listed.HARVESTED).write_text("site\turl\nx\thttps://x/\n", encoding="utf-8")
    columns, problems = listed.read_harvested(tmp_path)
    assert columns == [] and len(problems) == 1 and listed.HARVESTED in problems[0] and "agency" in problems[0]


def test_a_listed_name_is_identified_as_a_reports_name():
    from xxgk.identify.agency import identity
    from xxgk.identify.region import resolve

    items = [listed.Listing("s", GOV, "福建省", 2023, "t", "https://x/1"), listed.Listing("s", GOV, "福建省", 2021, "t", "https://x/2")]
    named = listed.identified(items, [listed.Column("c", "平潭综合实验区公安局", "福建省", "https://y/", "2026-01-01T00:00:00Z")])
    assert [(n.agency_name, n.listed, n.year) for n in named] == [("平潭综合实验区公安局", False, None), (GOV, True, 2023)]
    gov = named[1]
    assert gov.agency_key == identity(GOV, resolve(GOV, 2023))["agency_key"] and gov.region.status == "resolved"


# end to end: the real CLI, the real Frictionless --------------------------------------------------

CORPUS = ROOT / "corpus"
LYY = "平潭综合实验区旅游与文化体育局"
GYZ = "平潭综合实验区国有资产管理局"  # the 2021 report's name
TZCJ = "平潭综合实验区投资促进局"  # its later name, which agency_overrides.yaml joins to GYZ
JJF = "平潭综合实验区经济发展局"
CZJ = "平潭综合实验区财政金融局"


def listed_lines() -> list[list[str]]:
    seen = "2026-02-01T08:00:00Z"
    return [
        ["pingtan-lyy", LYY, "福建省", "2023", f"{LYY}2023年政府信息公开工作年度报告", "https://pt.gov.cn/lyy/2023-b.html", "https://pt.gov.cn/lyy/", seen],
        ["pingtan-lyy", LYY, "福建省", "2023", f"{LYY}2023年政府信息公开工作年度报告", "https://pt.gov.cn/lyy/2023-a.html", "https://pt.gov.cn/lyy/", seen],
        ["pingtan-lyy", LYY, "福建省", "2022", f"{LYY}2022年政府信息公开工作年度报告", "https://pt.gov.cn/lyy/2022.html", "https://pt.gov.cn/lyy/", seen],
        ["pingtan-lyy", LYY, "福建省", "", "政府信息公开工作年度报告", "https://pt.gov.cn/lyy/undated.html", "https://pt.gov.cn/lyy/", seen],
        ["pingtan-lyy", LYY, "福建省", "1999", f"{LYY}1999年工作报告", "https://pt.gov.cn/lyy/1999.html", "https://pt.gov.cn/lyy/", seen],
        ["pingtan-gyz", TZCJ, "福建省", "2023", f"{TZCJ}2023年政府信息公开工作年度报告", "https://pt.gov.cn/gyz/2023.html", "https://pt.gov.cn/gyz/", seen],
        ["pingtan", GOV, "福建省", "2025", f"{GOV}2025年政府信息公开工作年度报告", "https://pt.gov.cn/2025.html", "https://pt.gov.cn/", seen],
        ["pingtan", GOV, "福建省", "2019", f"{GOV}2019年政府信息公开工作年度报告", "https://pt.gov.cn/2019.html", "https://pt.gov.cn/", seen],
        ["nameless", "", "", "2018", "2018年年报", "https://nameless.gov.cn/2018.html", "https://nameless.gov.cn/", seen],
    ]


def harvested_lines() -> list[list[str]]:
    since = "2026-01-15T08:00:00Z"
    return [["pingtan-jjf", JJF, "福建省", "https://pt.gov.cn/jjf/", since],
            ["pingtan-gaj", "平潭综合实验区公安局", "福建省", "https://pt.gov.cn/gaj/", since]]  # walked; no report, none listed


def write_tsv(path: Path, header: list[str], lines: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(header)
        w.writerows(lines)


def harvested_corpus(root: Path, reverse: bool = False) -> Path:
    corpus = root / "corpus"
    for rel in ("2022/pingtan-lyy.txt", "2024/pingtan-lyy.txt", "2021/pingtan-gyz.txt", "2024/pingtan-jjf.txt", "2023/pingtan-czj.txt"):
        (corpus / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / rel, corpus / rel)
    order = (lambda xs: list(reversed(xs))) if reverse else list
    write_tsv(corpus / listed.LISTED, listed.LISTED_FIELDS, order(listed_lines()))
    write_tsv(corpus / listed.HARVESTED, listed.HARVESTED_FIELDS, order(harvested_lines()))
    return corpus


def table(package: Path, name: str) -> list[dict]:
    with open(package / "data" / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_package_from_a_harvested_corpus(tmp_path):
    corpus = harvested_corpus(tmp_path / "one")
    out = tmp_path / "pkg"
    result = xxgk("package", "--corpus", corpus, "--out", out, "--no-cache", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert f"{listed.LISTED}: lines naming no agency" in result.stdout  # the nameless line, said once
    check = xxgk("validate", out)
    assert check.returncode == 0, check.stdout + check.stderr

    agencies = {a["name"]: a for a in table(out, "agencies")}
    assert set(agencies) == {LYY, GYZ, JJF, CZJ, GOV}  # the column that lists nothing makes no agency
    gov = agencies[GOV]
    assert (gov["reports"], gov["first_year"], gov["last_year"], gov["names"]) == ("0", "", "", GOV)
    assert (gov["province"], gov["county_code"], gov["region_status"]) == ("福建省", "350128", "resolved")
    assert agencies[GYZ]["reports"] == "1" and agencies[GYZ]["names"] == GYZ  # a column's name is no printing of a report

    name_of = {a["agency_id"]: name for name, a in agencies.items()}
    register_rows = table(out, "register")
    assert list(register_rows[0])[:5] == ["agency_id", "year", "in_corpus", "status", "listed_url"]
    got = {(name_of[r["agency_id"]], int(r["year"])): r for r in register_rows}
    assert {y for _, y in got} == set(range(2019, 2026))  # corpus 2021-2024, listings 2019 and 2025 (not 1999, not undated)
    assert len(register_rows) == len(agencies) * 7

    def status(name: str, year: int) -> tuple[str, str, str]:
        r = got[name, year]
        return r["status"], r["in_corpus"], r["listed_url"]

    assert status(LYY, 2022) == ("in_corpus", "True", "https://pt.gov.cn/lyy/2022.html")
    assert status(LYY, 2023) == ("listed_not_parsed", "False", "https://pt.gov.cn/lyy/2023-a.html")  # two articles: the first
    assert status(LYY, 2024) == ("in_corpus", "True", "")
    assert status(LYY, 2021) == ("not_listed", "False", "")
    assert status(GYZ, 2023) == ("listed_not_parsed", "False", "https://pt.gov.cn/gyz/2023.html")  # joined by the override
    assert status(GYZ, 2021)[0] == "in_corpus" and status(GYZ, 2022)[0] == "not_listed"
    assert status(JJF, 2024)[0] == "in_corpus" and status(JJF, 2023) == ("not_listed", "False", "")  # in .harvested.tsv only
    assert status(CZJ, 2023)[0] == "in_corpus" and status(CZJ, 2024) == ("not_harvested", "False", "")
    assert [status(GOV, y)[0] for y in range(2019, 2026)] == \
        ["listed_not_parsed"] + ["not_listed"] * 5 + ["listed_not_parsed"]
    assert got[GOV, 2025]["report_id"] == "" and got[GOV, 2025]["agency_kind"] != ""

    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    fields = next(r for r in descriptor["resources"] if r["name"] == "register")["schema"]["fields"]
    status_field = next(f for f in fields if f["name"] == "status")
    assert status_field["constraints"]["enum"] == register.STATUSES and "listed_not_parsed" in status_field["description"]

    # same corpus and the same lines in another order, elsewhere: the same bytes
    again = tmp_path / "pkg2"
    assert xxgk("package", "--corpus", harvested_corpus(tmp_path / "two", reverse=True), "--out", again, "--no-cache").returncode == 0
    assert digests(again) == digests(out)


def test_without_harvest_files_every_missing_year_is_not_harvested(tmp_path):
    corpus = harvested_corpus(tmp_path)
    (corpus / listed.LISTED).unlink()
    (corpus / listed.HARVESTED).unlink()
    out = tmp_path / "pkg"
    result = xxgk("package", "--corpus", corpus, "--out", out, "--no-cache", "--no-validate")
    assert result.returncode == 0, result.stderr
    rows = table(out, "register")
    assert {r["status"] for r in rows} == {"in_corpus", "not_harvested"}
    assert all((r["status"] == "in_corpus") == (r["in_corpus"] == "True") and r["listed_url"] == "" for r in rows)
    assert {r["year"] for r in rows} == {"2021", "2022", "2023", "2024"}


def test_an_agency_page_says_which_years_its_column_lists_that_the_corpus_lacks(tmp_path):
    from xxgk.package import build
    from xxgk.site.links import file_name
    from xxgk.site.pages import write_pages

    corpus = harvested_corpus(tmp_path)
    build(corpus, tmp_path / "datapackage", jobs=1)
    site = write_pages(tmp_path / "datapackage", tmp_path / "docs", corpus, Path(__file__).parent.parent / "docs")
    by_name = {a["name"]: a["agency_id"] for a in site.pub.agencies}

    def page(name: str) -> str:
        return (site.fragments / "agencies" / f"{file_name(by_name[name])}.html").read_text(encoding="utf-8")

    lyy = page(LYY)
    assert '<h2 id="register">' in lyy
    assert ('<li>2023 年：机关网站已发布，本站尚未收录 · <a href="https://pt.gov.cn/lyy/2023-a.html" rel="nofollow noopener noreferrer">'
            in lyy)
    assert "<li>2021 年：机关网站的年报栏目中没有找到</li>" in lyy and "<li>2022 年" not in lyy  # 2022 is in the corpus
    assert '<h2 id="register">' not in page(CZJ)  # its column was never harvested: nothing to tell
