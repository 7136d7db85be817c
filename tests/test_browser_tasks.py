"""Six things readers come to the site for, each done as a reader does it (from the home page, by
the search box, the navigation, a link or a list) in one or two steps, and each answer checked
against the published package."""

import csv
import io
import re
import zipfile
from collections import Counter

import pytest
from test_browser import browser, heading, page, server  # noqa: F401  (fixtures)

from xxgk.site.html import fmt

AGENCY = "平潭综合实验区行政审批局"  # two reports (2021, 2025)


def table(site, name: str) -> list[dict]:
    with open(site.parent / "datapackage" / "data" / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def nav(page, title: str) -> None:  # noqa: F811
    """Follow the site's navigation to a page (the sidebar at desktop width)."""
    page.locator(".md-nav--primary a.md-nav__link", has_text=re.compile(f"^\\s*{title}\\s*$")).first.click()
    page.wait_for_load_state("networkidle")
    assert heading(page) == title


def test_how_did_an_agency_do(page, server, site):  # noqa: F811
    """1. Search a name from the home page; its page opens on its latest year, in figures the
    package holds."""
    page.goto(f"{server}/index.html")
    page.fill("form.xxgk-search-form input[name=q]", "平潭审批")
    page.press("form.xxgk-search-form input[name=q]", "Enter")
    link = page.locator("#xxgk-results a", has_text=AGENCY)
    link.wait_for(timeout=5000)
    link.click()
    page.wait_for_load_state()
    assert heading(page) == AGENCY
    reports = sorted((r for r in table(site, "reports") if r["agency_name"] == AGENCY and r["year"]), key=lambda r: r["year"])
    latest = reports[-1]
    facts = {(f["section"], f["row"], f["column"]): f["value"] for f in table(site, "facts") if f["report_id"] == latest["report_id"]}
    new, handled = (int(float(facts["requests", row, "total"])) for row in ("new", "total"))
    top = page.locator("section.xxgk-headline")
    assert top.is_visible() and f"{latest['year']} 年" in top.locator("h2").inner_text()
    said = top.locator("p").first.inner_text()
    assert f"新收政府信息公开申请 {fmt(new)} 件" in said and f"办结 {fmt(handled)} 件" in said
    # the headline comes before the report's tables
    assert page.evaluate("document.querySelector('section.xxgk-headline').compareDocumentPosition("
                         "document.querySelector('table.xxgk-report')) & Node.DOCUMENT_POSITION_FOLLOWING")


def test_where_does_a_figure_come_from(page, server, site):  # noqa: F811
    """2. On an agency page, one click on a figure shows it marked in its source."""
    page.goto(f"{server}/agencies/luo-yang-shi-chan-he-hui-zu-qu-cheng-shi-guan-li-ju.html")
    link = page.locator("table.xxgk-report td a").nth(3)
    figure = link.inner_text()
    assert re.fullmatch(r"\d+", figure)
    link.click()
    mark = page.locator(".l.target mark")
    mark.wait_for(timeout=5000)
    assert mark.inner_text() == figure and mark.is_visible()


def test_data_for_excel(page, server, site):  # noqa: F811
    """3. From the home page: 下载数据, then the first download is the zip of Excel copies."""
    page.goto(f"{server}/index.html")
    nav(page, "下载数据")
    first = page.locator("article a[href$='.zip']").first
    href = first.get_attribute("href")
    assert href.endswith("xxgk-excel.zip")
    response = page.request.get(page.url.rsplit("/", 1)[0] + "/" + href)
    assert response.ok
    with zipfile.ZipFile(io.BytesIO(response.body())) as z:
        names = [n.rsplit("/", 1)[-1] for n in z.namelist()]
        assert names and all(n.endswith(("-excel.csv", ".txt", ".md")) for n in names)
        excel = [n for n in z.namelist() if n.endswith("-excel.csv")]
        assert {"xxgk-excel/reports-excel.csv", "xxgk-excel/report_figures-excel.csv"} <= set(excel)
        for n in excel:
            assert z.read(n).startswith(b"\xef\xbb\xbf"), n
        rows = list(csv.DictReader(io.StringIO(z.read("xxgk-excel/reports-excel.csv").decode("utf-8-sig"))))
    assert len(rows) == len(table(site, "reports"))


def test_which_reports_do_not_add_up(page, server, site):  # noqa: F811
    """4. 数据质量, then one choice in its filter: the arithmetic findings alone."""
    from xxgk.site.aggregate import ARITHMETIC

    page.goto(f"{server}/index.html")
    nav(page, "数据质量")
    page.select_option("#xxgk-quality-filter", "arithmetic")
    shown = [r.locator("td").first.inner_text() for r in page.locator("section.xxgk-q tbody tr").all() if r.is_visible()]
    published = [c for c in table(site, "checks") if c["code"] in ARITHMETIC]
    assert shown and set(shown) <= ARITHMETIC
    assert len(shown) == len(published)


def test_who_published_and_when(page, server, site):  # noqa: F811
    """5. 发布情况: reports held per year, as the package's register counts them."""
    page.goto(f"{server}/index.html")
    nav(page, "发布情况")
    counts = page.locator("table.xxgk-counts").first
    assert counts.is_visible()
    held = Counter(r["year"] for r in table(site, "register") if r["status"] == "in_corpus")
    shown = {}
    for row in counts.locator("tbody tr").all():
        year = re.search(r"\d{4}", row.locator("th").inner_text())
        if year:
            shown[year.group(0)] = int(row.locator("td").first.inner_text())
    assert shown and shown == {y: held.get(y, 0) for y in shown}  # a year between two with reports: 0
    assert sum(shown.values()) == sum(n for y, n in held.items() if y)


def test_the_same_page_in_english(page, server, site):  # noqa: F811
    """6. On an agency page, the language switch opens the same agency in English."""
    path = "agencies/fu-zhou-shi-ping-tan-xian-xing-zheng-shen-pi-ju.html"
    page.goto(f"{server}/{path}")
    page.locator(".xx-lang").click()
    page.wait_for_load_state()
    assert page.url == f"{server}/en/{path}"
    assert page.locator("html").get_attribute("lang") == "en"
    title = heading(page)
    assert AGENCY in title and "Pingtan" in page.locator("main, body").first.inner_text()


@pytest.fixture(autouse=True)
def no_errors(page):  # noqa: F811
    yield
    assert page.errors == []
