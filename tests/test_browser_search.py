"""Agency search on the built site (the `site` fixture), in a real browser: a name's characters in
order, a region, pinyin and a misprinted name (by its region's correct name) each lead to the
agency's page; the page reads the small index files only; the messages are the strings file's;
injected names stay text."""

import csv
from urllib.parse import quote

from conftest import HOSTILE_NAME
from test_browser import browser, page, server  # noqa: F401 (the browser fixtures)

from xxgk.site.links import agency_href
from xxgk.site.strings import t

GONGAN = "fu-zhou-shi-ping-tan-xian-gong-an-ju"
SHENPI = "fu-zhou-shi-ping-tan-xian-xing-zheng-shen-pi-ju"
CHANHE = "luo-yang-shi-chan-he-hui-zu-qu-cheng-shi-guan-li-ju"


def agencies(site) -> dict[str, dict]:
    with open(site / "data" / "data" / "agencies.csv", encoding="utf-8") as f:
        return {row["agency_id"]: row for row in csv.DictReader(f)}


def results(page, server, query: str, expect: str | None = None) -> list[tuple[str, str]]:  # noqa: F811
    """The results shown for `query` typed into the search page, (name, href) in order, once a
    result naming `expect` shows (or, with none expected, the message that none was found)."""
    page.goto(f"{server}/search.html")
    page.fill("#xxgk-search", query)
    if expect:
        page.locator("#xxgk-results a", has_text=expect).first.wait_for(timeout=5000)
    else:
        page.locator("#xxgk-search-status", has_text=t("search_none")).wait_for(timeout=5000)
    links = page.locator("#xxgk-results a")
    return [(links.nth(i).inner_text(), links.nth(i).get_attribute("href")) for i in range(links.count())]


def test_the_site_holds_the_agencies_searched_for(site):
    a = agencies(site)
    assert a[GONGAN]["name"] == "平潭综合实验区公安局" and a[GONGAN]["county"] == "平潭县" and a[GONGAN]["province"] == "福建省"
    assert a[SHENPI]["county"] == "平潭县"
    assert a[CHANHE]["name"].startswith("灋河") and a[CHANHE]["county"] == "瀍河回族区"
    assert [aid for aid, row in a.items() if row["province"] == "福建省"] == [GONGAN, SHENPI]


def test_characters_in_order_find_an_agency(page, server):  # noqa: F811
    found = results(page, server, "平潭公安", "平潭综合实验区公安局")
    assert found == [("平潭综合实验区公安局", agency_href(GONGAN, ""))]
    page.locator("#xxgk-results a").first.click()
    page.wait_for_load_state()
    assert page.url == f"{server}/{agency_href(GONGAN, '')}"
    assert page.locator("h1").first.inner_text().rstrip("¶").strip() == "平潭综合实验区公安局"
    assert page.errors == []


def test_a_region_finds_its_agencies(page, server):  # noqa: F811
    found = results(page, server, "福建", "平潭综合实验区")
    assert sorted(found) == sorted([("平潭综合实验区公安局", agency_href(GONGAN, "")), ("平潭综合实验区行政审批局", agency_href(SHENPI, ""))])
    assert page.locator("#xxgk-search-status").inner_text() == t("search_found", count=2)
    detail = page.locator("#xxgk-results li", has_text="平潭综合实验区公安局").locator("small").inner_text()
    assert "福建省福州市平潭县" in detail
    assert {name for name, _ in results(page, server, "350128", "平潭综合实验区")} == {"平潭综合实验区公安局", "平潭综合实验区行政审批局"}


def test_pinyin_finds_agencies(page, server):  # noqa: F811
    found = results(page, server, "pingtan", "平潭综合实验区")
    assert {href for _, href in found} == {agency_href(GONGAN, ""), agency_href(SHENPI, "")}
    assert [name for name, _ in results(page, server, "pingtan gongan", "公安局")] == ["平潭综合实验区公安局"]


def test_a_misprinted_name_is_found_by_its_regions_correct_name(page, server):  # noqa: F811
    found = results(page, server, "瀍河", "灋河")
    assert found == [("灋河回族区城市管理局", agency_href(CHANHE, ""))]
    page.locator("#xxgk-results a").first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/agencies/{CHANHE}.html")


def test_no_agency_found_says_so(page, server):  # noqa: F811
    assert results(page, server, "不存在的机关") == []
    assert page.locator("#xxgk-search-status").inner_text() == t("search_none")


def test_the_page_reads_the_small_index_only(page, server, site):  # noqa: F811
    sizes: dict[str, int] = {}
    page.on("requestfinished", lambda r: sizes.__setitem__(r.url.removeprefix(server), r.sizes()["responseBodySize"]))
    page.goto(f"{server}/search.html?q={quote('瀍河')}")
    page.locator("#xxgk-results a", has_text="灋河回族区城市管理局").wait_for(timeout=5000)
    page.wait_for_load_state("networkidle")
    index = {url: size for url, size in sizes.items() if url.startswith("/search/")}
    assert "/search/manifest.json" in index and any(url.startswith("/search/r") for url in index)
    assert sum(index.values()) < 20_000
    assert not (site / "search-index.json").exists() and not any("search-index" in url for url in sizes)
    assert "/javascripts/search.js" in sizes


def test_an_injected_name_stays_text(page, server):  # noqa: F811
    found = results(page, server, "script", "北关区信访局")
    assert [name for name, _ in found] == [HOSTILE_NAME]
    assert page.evaluate("window.__xss === undefined") and page.dialogs == []
    assert page.locator("#xxgk-results script").count() == 0
