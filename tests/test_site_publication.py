"""The publication page says, per year, which agencies' reports the corpus holds and whether each
was published by the register's deadline (late, on time, no date, no deadline), and for agencies
whose column of reports was harvested, which years are listed there but not collected and which
are not found there; at national scale the lists go to pages per province. Agencies are listed in
the pinyin order of their names, and the agency list offers its regions' pages."""

import csv
import re
from collections import Counter
from html import unescape
from pathlib import Path

import pytest
from conftest import ROOT, build_site
from test_register_listed import CZJ, GOV, GYZ, JJF, LYY, harvested_corpus

from xxgk.site.links import file_name
from xxgk.site.lists import agency_order, by_name

COUNTED = ["late", "on_time", "undated", "no_deadline", "listed_not_parsed", "not_listed", "not_harvested"]


def rewrite(path: Path, *pairs: tuple[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The harvested corpus of test_register_listed, its dates made to say each thing: 经济发展局's
    2024 report published after its deadline, 国有资产管理局's 2021 report with no date at all,
    财政金融局's 2023 report on the deadline day (on time); built by the real MkDocs."""
    work = tmp_path_factory.mktemp("publication")
    corpus = harvested_corpus(work)
    rewrite(corpus / "2024" / "pingtan-jjf.txt", ("发布时间: 2025-01-27", "发布时间: 2025-02-10"))
    rewrite(corpus / "2021" / "pingtan-gyz.txt", ("发布时间: 2022-01-13 17:48", "发布时间: "), ("2022年1月7日", ""))
    site = build_site(corpus, work)
    return work, site


def register(work: Path) -> list[dict]:
    with open(work / "datapackage" / "data" / "register.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html)).strip()


def counts(html: str) -> dict[str, dict[str, int]]:
    """The first table of counts: its rows by their heading, each column by its heading."""
    table = re.search(r'<table class="xxgk-list xxgk-counts">(.*?)</table>', html, re.DOTALL).group(1)
    heads = [text(x) for x in re.findall(r"<th>(.*?)</th>", table.split("</thead>")[0])]
    out = {}
    for tr in re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", table, re.DOTALL):
        name, cells = tr.split("</th>", 1)
        out[text(name)] = dict(zip(heads[1:], (int(text(c)) for c in re.findall(r"<td>(.*?)</td>", cells))))
    return out


def listed(html: str, year: int, state: str) -> list[tuple[str, str, list[str]]]:
    """The agencies a list names: (name, link, the other cells); none when there is no list."""
    m = re.search(rf'<h3 id="y{year}-{state}">.*?<tbody>(.*?)</tbody>', html, re.DOTALL)
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", m.group(1) if m else ""):
        cells = re.findall(r"<td>(.*?)</td>", tr)
        rows.append((text(cells[0]), re.search(r'href="([^"]+)"', cells[0]).group(1), [text(c) for c in cells[1:]]))
    return rows


def test_the_counts_per_year_are_the_registers(built):
    from xxgk.site.strings import words

    work, site = built
    html = (site / "publication.html").read_text(encoding="utf-8")
    got = counts(html)
    rows = register(work)
    heading = {**words("publication_short"), **words("register_status")}
    assert sorted(got, reverse=True) == list(got) == [str(y) for y in sorted({int(r["year"]) for r in rows}, reverse=True)]
    for year, row in got.items():
        mine = [r for r in rows if r["year"] == year]
        for status in ("listed_not_parsed", "not_listed", "not_harvested"):  # as the register says, in its words
            assert row[heading[status]] == sum(r["status"] == status for r in mine), (year, status)
        held = [r for r in mine if r["status"] == "in_corpus"]
        assert row["已收录"] == len(held)
        assert row[heading["late"]] == sum(r["on_time"] == "False" for r in held)
        assert row[heading["undated"]] == sum(not r["publication_date"] for r in held)
    assert got["2024"][heading["late"]] == 1 and got["2021"][heading["undated"]] == 1 and got["2023"][heading["on_time"]] == 1
    assert sum(r[heading["not_harvested"]] for r in got.values()) > 0  # 财政金融局's column was never looked at


def test_the_lists_say_who_was_late_who_gave_no_date_and_what_the_agencies_sites_say(built):
    work, site = built
    html = (site / "publication.html").read_text(encoding="utf-8")
    assert listed(html, 2024, "late") == [(JJF, listed(html, 2024, "late")[0][1], ["福建省 福州市 平潭县", "2025-02-10", "2025-01-31"])]
    assert "#r-" in listed(html, 2024, "late")[0][1]  # to the report on its agency's page
    assert [name for name, _, _ in listed(html, 2024, "on_time")] == [LYY]
    assert [(name, cells[1:]) for name, _, cells in listed(html, 2023, "on_time")] == [(CZJ, ["2024-01-31", "2024-01-31"])]  # on the day
    assert [(name, cells) for name, _, cells in listed(html, 2021, "undated")] == [(GYZ, ["福建省 福州市 平潭县"])]  # said, not guessed
    assert listed(html, 2021, "late") == listed(html, 2021, "on_time") == []
    # not collected: listed on the agency's site (linked there), or not found there; never-looked-at agencies are not listed
    assert [(name, cells[-1]) for name, _, cells in listed(html, 2023, "listed_not_parsed")] == [(GYZ, "机关网站上的报告"), (LYY, "机关网站上的报告")]
    assert 'href="https://pt.gov.cn/lyy/2023-a.html"' in html
    assert [name for name, _, _ in listed(html, 2023, "not_listed")] == [GOV, JJF]
    assert all(CZJ not in [n for n, _, _ in listed(html, y, "not_listed")] for y in range(2019, 2026))
    every = [link for y in range(2019, 2026) for state in COUNTED for _, link, _ in listed(html, y, state)]
    assert every and all((site / link.split("#")[0]).is_file() for link in every)
    # in the site's navigation, after the data-quality page
    nav = re.findall(r'href="([a-z./]+\.html)"', (site / "agencies" / f"{file_name(register(work)[0]['agency_id'])}.html").read_text(encoding="utf-8"))
    assert nav.index("../publication.html") == nav.index("../quality.html") + 1


def test_past_half_a_page_the_lists_go_to_pages_per_province(built, tmp_path, monkeypatch):
    from xxgk.site import lists
    from xxgk.site.pages import write_pages

    work, site = built
    small = (site / "publication.html").read_text(encoding="utf-8")
    monkeypatch.setattr(lists, "PAGE_BYTES", 6000)
    docs = tmp_path / "docs"
    built_site = write_pages(work / "datapackage", docs, work / "corpus", ROOT / "docs")
    md = (docs / "publication.md").read_text(encoding="utf-8")
    pages = sorted((built_site.fragments / "publication").glob("*.html"))
    assert {"350000.html", "350000--2.html"} <= {p.name for p in pages}
    assert all(p.stat().st_size < 6000 + 8000 for p in pages)  # a page's lists, its frame, the intro's counts
    assert 'id="y2024-late"' not in md
    # each year's row of the province links the page its lists begin on
    for year in range(2019, 2026):
        href = re.search(rf'<a href="publication/(350000[^"#]*\.html)#y{year}">福建省</a>', md).group(1)
        assert f'<h2 id="y{year}">' in (built_site.fragments / "publication" / href).read_text(encoding="utf-8")
    split = "".join(p.read_text(encoding="utf-8") for p in pages)
    for year in range(2019, 2026):
        for state in COUNTED:
            assert [(n, c[1:]) for n, _, c in listed(split, year, state)] == [(n, c[1:]) for n, _, c in listed(small, year, state)]
            assert all(link.startswith("../agencies/") for _, link, _ in listed(split, year, state))
    assert counts(split) == counts(small)  # the province's counts per year: the whole corpus is one province


# --- the order of agencies and the region filter ----------------------------------------------------

def test_agencies_sort_by_pinyin_not_code_point_then_name_then_id():
    names = ["成都市公安局", "北京市公安局", "安徽省公安厅"]  # 北 U+5317 < 安 U+5B89 < 成 U+6210
    assert sorted(names) != sorted(names, key=lambda n: by_name(None, n))
    assert sorted(names, key=lambda n: by_name(None, n)) == ["安徽省公安厅", "北京市公安局", "成都市公安局"]
    # the id orders only agencies of one name, whatever the ids say of their regions
    assert sorted([("z-an", "安徽省公安厅"), ("a-bei", "北京市公安局"), ("b", "安徽省公安厅")], key=lambda x: by_name(*x)) == \
        [("b", "安徽省公安厅"), ("z-an", "安徽省公安厅"), ("a-bei", "北京市公安局")]
    assert by_name("x", "重庆") == by_name("x", "重庆")


def test_the_agency_list_is_in_pinyin_order_and_offers_its_regions(built):
    from pypinyin import Style, lazy_pinyin

    _, site = built
    html = (site / "agencies" / "index.html").read_text(encoding="utf-8")
    table = html.split('id="xxgk-agencies"', 1)[1].split("</table>", 1)[0]
    names = [text(n) for n in re.findall(r'<tr data-r="[^"]*"><td><a [^>]*>(.*?)</a>', table)]
    assert len(names) == 5 and names == sorted(names, key=lambda n: lazy_pinyin(n, style=Style.NORMAL)) and names != sorted(names)
    assert names == [n for n in (CZJ, GOV, GYZ, JJF, LYY)]  # cai, guan, guo, jing, lv
    region = (site / "regions" / "350100.html").read_text(encoding="utf-8")
    assert [text(n) for n in re.findall(r'<tr><td><a href="\.\./agencies/[^"]*">(.*?)</a>', region)] == names
    # the region filter: every option a page of the site, every row naming the regions an option filters it by
    box = re.search(r'<div class="xxgk-region-filter"[^>]*hidden[^>]*data-href="([^"]+)"[^>]*>(.*?)</div>', html, re.DOTALL)
    options = [v for v in re.findall(r'<option value="([^"]*)"', box.group(2)) if v]
    assert options == ["350000", "350100"]
    for value in options:
        assert (site / "agencies" / box.group(1).replace("{page}", value)).resolve().is_file()
    rows = re.findall(r'<tr data-r="([^"]*)">', table)
    assert Counter(v for r in rows for v in r.split()) == {"350000": 5, "350100": 5, "350128": 5}
    assert '<input type="search" id="xxgk-filter"' in html  # the text filter stays beside it


def test_the_order_of_an_agencys_files_is_its_own_names():
    from types import SimpleNamespace

    site = SimpleNamespace(agencies={"b-id": {"name": "安徽省公安厅"}})
    # a file printed under an older name sorts with its agency
    assert agency_order(site, "b-id", "北京市公安局") == by_name("b-id", "安徽省公安厅")
    assert agency_order(site, None, "北京市公安局") == by_name(None, "北京市公安局")
