"""The site in a real browser (Debian chromium driven by Playwright): pages load, charts draw,
nothing is fetched from another host, search finds agencies, figures link to their source line,
hostile text stays text, and pages work at phone width."""

import contextlib
import csv
import functools
import http.server
import os
import re
import threading
from pathlib import Path

import pytest
from conftest import HOSTILE_NAME, ROOT

CHROMIUM = os.environ.get("XXGK_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "build" / "test-artifacts"


@contextlib.contextmanager
def serve(directory: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


@pytest.fixture(scope="module")
def server(site):
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"no browser at {CHROMIUM}: `make test` installs Debian's chromium (or set XXGK_CHROMIUM)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                                    "--disable-sync", "--no-first-run", "--disable-quic"])
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context()
    p = context.new_page()
    p.requests = []
    p.errors = []
    p.dialogs = []
    p.on("request", lambda r: p.requests.append(r.url))
    p.on("pageerror", lambda e: p.errors.append(str(e)))
    p.on("dialog", lambda d: (p.dialogs.append(d.message), d.dismiss()))
    yield p
    context.close()
    offsite = [u for u in p.requests if not u.startswith(server) and not u.startswith("data:")]
    assert offsite == [], f"requests left the site: {offsite}"


def heading(page) -> str:
    return page.locator("h1").first.inner_text().rstrip("¶").strip()


def charts_drawn(page) -> tuple[int, int]:
    """(charts on the page, charts drawn by Vega), each pointed at in turn as a reader does (a
    chart is its picture until then)."""
    page.wait_for_load_state("networkidle")
    total = page.locator("figure.xxgk-chart").count()
    for k in range(total):
        page.locator("figure.xxgk-chart").nth(k).hover()
    if total:
        page.wait_for_function("document.querySelectorAll('figure.xxgk-chart .xxgk-vega svg:not(.xxgk-picture), figure.xxgk-chart .xxgk-vega canvas').length"
                               f" >= {total}", timeout=15000)
    drawn = page.locator("figure.xxgk-chart .xxgk-vega svg:not(.xxgk-picture), figure.xxgk-chart .xxgk-vega canvas").count()
    return total, drawn


def test_home_loads_and_every_chart_draws(page, server):
    page.goto(f"{server}/index.html")
    assert heading(page) == "政府信息公开工作年度报告数据"
    total, drawn = charts_drawn(page)
    assert total >= 2 and drawn == total
    assert page.errors == []


def test_agency_page_loads_and_every_chart_draws(page, server):
    page.goto(f"{server}/agencies/fu-zhou-shi-ping-tan-xian-xing-zheng-shen-pi-ju.html")
    assert heading(page) == "平潭综合实验区行政审批局"
    total, drawn = charts_drawn(page)
    assert total >= 3 and drawn == total  # its trend, and how each year's requests were answered
    assert page.errors == []


@pytest.mark.parametrize("rel", ["index.html", "agencies/fu-zhou-shi-ping-tan-xian-xing-zheng-shen-pi-ju.html"])
def test_without_scripts_every_chart_is_a_picture(browser, server, rel):
    """Scripts off: each chart shows the picture made at build time, on screen and in its room;
    scripts on: the picture gives way to the chart Vega draws."""
    context = browser.new_context(java_script_enabled=False)
    still = context.new_page()
    still.goto(f"{server}/{rel}")
    figures = still.locator("figure.xxgk-chart")
    assert figures.count() >= 2
    for k in range(figures.count()):
        picture = figures.nth(k).locator(".xxgk-vega svg.xxgk-picture")
        assert picture.count() == 1 and picture.is_visible()
        box = picture.bounding_box()
        assert box["width"] > 200 and box["height"] > 20
        assert picture.locator("text").count() >= 2
    context.close()
    context = browser.new_context()
    live = context.new_page()
    live.goto(f"{server}/{rel}")
    total, drawn = charts_drawn(live)
    assert drawn == total and live.locator(".xxgk-picture").count() == 0
    context.close()


def test_vega_is_loaded_only_to_draw_a_chart(page, server, site):
    """Vega (~900 KB) is fetched by a page with a chart once a reader points at a chart (until then
    each is its picture); a page without charts never fetches it."""
    for rel in ("quality.html", "downloads.html", "dictionary.html", "about.html", "search.html"):
        page.goto(f"{server}/{rel}")
        page.wait_for_load_state("networkidle")
        assert page.locator("figure.xxgk-chart").count() == 0
    assert not [u for u in page.requests if u.endswith("/vega.js")]
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(f"{server}/agencies/shao-guan-shi-wu-jiang-qu-ren-min-zheng-fu-ban-gong-shi.html")  # its chart at the top
    page.wait_for_load_state("networkidle")
    page.mouse.wheel(0, 2000)  # read down the page: no chart is drawn for being on screen
    page.wait_for_load_state("networkidle")
    assert page.locator("figure.xxgk-chart").count() >= 1 and not [u for u in page.requests if u.endswith("/vega.js")]
    total, drawn = charts_drawn(page)
    assert drawn == total and [u for u in page.requests if u.endswith("/vega.js")]
    assert page.errors == []


def test_a_compact_chart_is_the_spec_python_makes(page, server):
    """The page's script makes each chart's whole Vega-Lite spec from its compact form exactly as
    charts.expand does (the spec the tests of the charts check)."""
    import json
    from html import unescape

    from xxgk.site.charts import expand

    page.goto(f"{server}/agencies/fu-zhou-shi-ping-tan-xian-xing-zheng-shen-pi-ju.html")
    charts_drawn(page)
    figures = page.locator("figure.xxgk-chart")
    assert figures.count() >= 3
    for k in range(figures.count()):
        fig = figures.nth(k)
        small = json.loads(fig.locator("script.xxgk-small").text_content())
        title = unescape(fig.locator("figcaption strong").inner_text())
        description = unescape(fig.locator("figcaption span").inner_text())
        assert fig.evaluate("f => window.xxgkChartSpec(f)") == expand(small, title, description)
        assert fig.locator("details.xxgk-chart-data tbody tr").count() == len(small["values"])


def test_quality_page_loads(page, server):
    page.goto(f"{server}/quality.html")
    assert heading(page) == "数据质量"
    assert page.locator("text=requests-balance").count() >= 1


def test_findings_narrow_to_one_kind(page, server):
    """The findings of a page narrowed to the template's arithmetic, a severity or one code: only
    those rows stay, a report with none of them goes, and the page says how many are shown."""
    from xxgk.site.aggregate import ARITHMETIC

    page.goto(f"{server}/quality.html")
    page.wait_for_load_state("networkidle")
    rows = page.locator("section.xxgk-q tbody tr")
    every = [(r.locator("td").first.inner_text(), r.get_attribute("data-s")) for r in rows.all()]
    assert len({code for code, _ in every}) >= 2 and {code for code, _ in every} & ARITHMETIC

    def shown() -> list[tuple[str, str]]:
        return [(r.locator("td").first.inner_text(), r.get_attribute("data-s")) for r in rows.all() if r.is_visible()]

    page.select_option("#xxgk-quality-filter", "arithmetic")
    assert shown() == [(c, s) for c, s in every if c in ARITHMETIC]
    assert all(sec.locator("tbody tr:not([hidden])").count() for sec in page.locator("section.xxgk-q").all() if sec.is_visible())
    assert f"显示 {len(shown())} / {len(every)} 个问题" in page.locator(".xxgk-quality-filter").inner_text()
    page.select_option("#xxgk-quality-filter", "s:warning")
    assert shown() == [(c, s) for c, s in every if s == "warning"]
    code = every[-1][0]
    page.select_option("#xxgk-quality-filter", f"c:{code}")
    assert shown() == [(c, s) for c, s in every if c == code]
    page.select_option("#xxgk-quality-filter", "")
    assert shown() == every and page.errors == []


def test_a_region_list_filters_its_own_rows(page, server):
    page.goto(f"{server}/regions/410000.html")
    page.locator("a", has_text="洛阳市").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/regions/410300.html") and heading(page) == "洛阳市"
    rows = page.locator("#xxgk-agencies tbody tr")
    assert rows.count() >= 2
    page.fill("#xxgk-filter", "定鼎门")
    visible = [r for r in rows.all() if r.is_visible()]
    assert len(visible) == 1 and "洛龙区定鼎门街道办事处" in visible[0].inner_text()
    assert page.locator('a[href="../search.html"]').count() >= 1
    assert page.errors == []


def test_a_list_sorts_from_the_keyboard(page, server):
    """A sortable heading is a button: reached with Tab, pressed with Enter, and the heading says
    how the table is sorted."""
    page.goto(f"{server}/regions/410300.html")
    page.wait_for_load_state("networkidle")
    names = lambda: [r.inner_text().split("\t")[0] for r in page.locator("#xxgk-agencies tbody tr").all()]
    first = names()
    assert len(first) >= 2
    page.locator("#xxgk-filter").focus()
    for _ in range(10):  # from the filter to the first sortable heading, as a keyboard reader goes
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('xxgk-sort')"):
            break
    assert page.evaluate("document.activeElement.closest('th').cellIndex") == 0
    page.keyboard.press("Enter")
    assert page.locator("#xxgk-agencies thead th").first.get_attribute("aria-sort") == "ascending"
    ascending = names()
    page.keyboard.press("Enter")
    assert page.locator("#xxgk-agencies thead th").first.get_attribute("aria-sort") == "descending"
    assert names() == ascending[::-1] and sorted(first) == sorted(ascending)
    assert page.errors == []


def test_search_finds_an_agency_by_part_of_its_name(page, server):
    page.goto(f"{server}/search.html")
    page.fill("#xxgk-search", "武江")
    link = page.locator("#xxgk-results a", has_text="韶关市武江区人民政府办公室")
    link.wait_for(timeout=5000)
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith("/agencies/shao-guan-shi-wu-jiang-qu-ren-min-zheng-fu-ban-gong-shi.html")
    assert heading(page) == "韶关市武江区人民政府办公室"


def test_home_search_box_leads_to_results(page, server):
    page.goto(f"{server}/index.html")
    page.fill("form.xxgk-search-form input[name=q]", "定鼎门")
    page.press("form.xxgk-search-form input[name=q]", "Enter")
    page.locator("#xxgk-results a", has_text="洛龙区定鼎门街道办事处").wait_for(timeout=5000)


def test_a_figure_link_lands_on_its_source_line(page, server):
    page.goto(f"{server}/agencies/luo-yang-shi-chan-he-hui-zu-qu-cheng-shi-guan-li-ju.html")
    link = page.locator("table.xxgk-report a", has_text="44")
    assert link.count() == 1
    link.click()
    page.wait_for_load_state()
    assert re.search(r"/sources/[0-9a-f]{16}\.html#L40-C\d+-\d+$", page.url)
    target = page.locator(".l.target")
    target.wait_for(timeout=5000)
    assert target.get_attribute("id") == "L40"
    assert target.is_visible()
    assert "行政处罚" in target.inner_text() and "44" in target.inner_text()
    assert page.locator(".l.target mark").inner_text() == "44"


@pytest.mark.parametrize("source_file", ["gaj-2021.txt", "hzs-2025.html"])
def test_a_figure_link_highlights_its_characters_in_a_long_line(page, server, site, source_file):
    """A crawled report prints its tables on one line of thousands of characters (an HTML page
    in a few): the figure's link opens its source page with exactly its characters marked,
    scrolled into view, the line wrapped to the page; the next figure's link moves the mark."""
    from xxgk.site.pages import file_name

    with open(site.parent / "datapackage" / "data" / "reports.csv", encoding="utf-8", newline="") as f:
        report = next(r for r in csv.DictReader(f) if r["source_file"] == source_file)
    page.goto(f"{server}/agencies/{file_name(report['agency_id'])}.html")
    tables = page.locator(f'[data-src$="{file_name(report["report_id"])}.html"]')
    links = tables.locator("table.xxgk-report td a")
    checked = 0
    for k in (5, 40, 120):  # figures of sections 2, 3 and 3 again, in a line that holds them all
        link = links.nth(k)
        figure = link.inner_text()
        href = link.get_attribute("href")
        m = re.search(r"#L(\d+)-C(\d+)-(\d+)$", href)
        assert m, href
        link.click()
        mark = page.locator(".l.target mark")
        mark.wait_for(timeout=5000)
        assert mark.count() == 1 and mark.inner_text() == figure
        assert page.locator(".l.target").get_attribute("id") == f"L{m.group(1)}"
        assert mark.is_visible() and mark.evaluate("m => { const r = m.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }")
        line = page.locator(".l.target .t")
        assert len(line.inner_text()) > 500 or source_file.endswith(".html")
        assert line.evaluate("t => t.scrollWidth <= t.clientWidth")  # wrapped, not scrolled sideways
        # the text around the mark is the line's own: nothing added, nothing lost
        assert line.inner_text()[int(m.group(2)):int(m.group(3))] == figure
        checked += 1
        page.go_back()
    assert checked == 3 and page.errors == []


def test_injected_script_is_shown_as_text(page, server):
    page.goto(f"{server}/agencies/index.html")
    page.locator("#xxgk-agencies a", has_text="北关区信访局").click()
    page.wait_for_load_state("networkidle")
    assert heading(page) == HOSTILE_NAME
    assert page.evaluate("window.__xss === undefined")
    assert page.dialogs == []
    source = page.locator("a", has_text="源文件（带行号）").first
    source.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("text=onerror=\"window.__xss=2\"").count() >= 1
    assert page.evaluate("window.__xss === undefined") and page.dialogs == []


def test_usable_at_phone_width(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, url in (("phone-home", "index.html"), ("phone-agency", "agencies/shao-guan-shi-wu-jiang-qu-ren-min-zheng-fu-ban-gong-shi.html")):
        page.goto(f"{server}/{url}")
        charts_drawn(page)
        # wide tables scroll inside their own box; the page itself never scrolls sideways
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), name
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000
    context.close()


def test_no_payload_runs_on_any_page(page, server, site):
    """Every page of the site (overviews, region pages, agency and source pages, search results
    for the hostile name) shows the payloads as text and runs none of them."""
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if "/assets/" not in p.as_posix())
    assert len(pages) > 20
    for rel in pages:
        page.goto(f"{server}/{rel}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__xss === undefined"), rel
    page.goto(f"{server}/search.html")
    page.fill("#xxgk-search", "script")
    page.locator("#xxgk-results a", has_text="北关区信访局").wait_for(timeout=5000)
    assert page.evaluate("window.__xss === undefined") and page.dialogs == []


@pytest.fixture(scope="module")
def sources_site(tmp_path_factory):
    """A site of reports with unusual line breaks and encodings (see test_site_sources)."""
    from conftest import build_site
    from test_site_sources import sources_corpus

    work = tmp_path_factory.mktemp("browser-sources")
    site = build_site(sources_corpus(work), work)
    with serve(site) as url:
        yield url, work / "datapackage"


@pytest.mark.parametrize("source_file", ["utf16-le.txt", "utf16-bom.txt", "cr-only.txt", "breaks.txt"])
def test_source_page_shows_the_text_and_marks_the_linked_line(browser, sources_site, source_file):
    """A UTF-16 report reads as Chinese (no mojibake), and #L<n> marks line n, the line the
    package says the figure was read from, in files with CR-only and other line breaks too."""
    import pyarrow.parquet as pq

    from xxgk.site.pages import file_name

    url, package = sources_site
    with open(package / "data" / "reports.csv", encoding="utf-8", newline="") as f:
        report = next(r for r in csv.DictReader(f) if r["source_file"] == source_file)
    facts = [f for f in pq.read_table(package / "data" / "facts.parquet").to_pylist()
             if f["report_id"] == report["report_id"] and f["status"] == "reported" and f["source_line"]]
    fact = max(facts, key=lambda f: (len(f["printed"]), f["source_line"]))  # a figure far down, not a lone digit
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{url}/sources/{file_name(report['report_id'])}.html#L{fact['source_line']}")
    target = page.locator(".l.target")
    target.wait_for(timeout=5000)
    assert target.get_attribute("id") == f"L{fact['source_line']}"
    assert target.is_visible()
    assert fact["printed"] in target.inner_text()
    text = page.locator("#src").inner_text()
    assert "政府信息公开" in text and "\ufffd" not in text
    assert page.locator("#src .l").count() == len((Path(package).parent / "site" / "sources" / f"{file_name(report['report_id'])}.txt")
                                                    .read_text(encoding="utf-8-sig").split("\n")) - 1
    assert errors == []
    context.close()
