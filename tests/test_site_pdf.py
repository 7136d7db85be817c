"""Source pages of PDF and Word reports: the original served under its own suffix, an image of each
PDF page that holds a figure (small, the same bytes every build), each figure's cell outlined on
its page where the package says it was printed, and its table cell named beside its line."""

import io
import json
import re
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import ROOT, build_site
from PIL import Image
from test_browser import ARTIFACTS, CHROMIUM, serve

from xxgk.site.pages import file_name
from xxgk.site.sources import PAGE_DPI, render_pages
from xxgk.site.strings import t

FORMATS = ROOT / "tests" / "fixtures" / "formats"
PDF = "hzq-2024.pdf"  # 淮安市洪泽区人民政府 2024, as published (a WPS-made PDF with a text layer)
DOCX = "25-jjp-2024.docx"
# figures read off the page images: (section, row, column), value, page
KNOWN = [(("proactive", "licensing", "decisions"), 9487, 2), (("requests", "new", "natural_person"), 95, 3)]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work = tmp_path_factory.mktemp("pdf-site")
    corpus = work / "corpus"
    corpus.mkdir()
    for name in (PDF, DOCX):
        shutil.copy(FORMATS / name, corpus / name)
    site = build_site(corpus, work)
    package = work / "datapackage"
    reports = {r["source_file"]: r for r in pq.read_table(package / "data" / "reports.parquet").to_pylist()}
    facts = pq.read_table(package / "data" / "facts.parquet").to_pylist()
    return site, corpus, reports, facts


def report_facts(built, source_file: str) -> list[dict]:
    _, _, reports, facts = built
    rid = reports[source_file]["report_id"]
    return [f for f in facts if f["report_id"] == rid and f["status"] == "reported" and f["source_line"]]


def known(built, key) -> dict:
    return next(f for f in report_facts(built, PDF) if (f["section"], f["row"], f["column"]) == key)


def page_of(built, source_file: str) -> tuple[str, str]:
    site, _, reports, _ = built
    name = file_name(reports[source_file]["report_id"])
    return name, (site / "sources" / f"{name}.html").read_text(encoding="utf-8")


def places(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="places">(.*?)</script>', html)
    assert m
    return json.loads(m.group(1))


def box_style(html: str, line: int) -> tuple[float, float, float, float]:
    """The box of a line on its page image, as fractions of the page (left, top, width, height)."""
    m = re.search(rf'<a class="box" id="L{line}" data-line="{line}" href="#L{line}" '
                  r'style="left:([\d.]+)%;top:([\d.]+)%;width:([\d.]+)%;height:([\d.]+)%"', html)
    assert m, line
    left, top, width, height = (float(v) / 100 for v in m.groups())
    return left, top, width, height


def test_the_reports_are_read_with_where_their_figures_were_printed(built):
    _, _, reports, _ = built
    assert reports[PDF]["format"] == "pdf" and reports[DOCX]["format"] == "docx"
    pdf, docx = report_facts(built, PDF), report_facts(built, DOCX)
    assert len(pdf) > 150 and all(f["source_page"] and f["source_box"] and f["source_cell"] for f in pdf)
    assert len(docx) > 100 and all(f["source_cell"] and not f["source_page"] for f in docx)


def test_the_original_is_served_as_what_it_is(built):
    site, corpus, reports, _ = built
    for source_file, suffix in ((PDF, ".orig.pdf"), (DOCX, ".orig.docx")):
        r = reports[source_file]
        name = file_name(r["report_id"])
        assert (site / "sources" / f"{name}{suffix}").read_bytes() == (corpus / source_file).read_bytes()
        assert not (site / "sources" / f"{name}.orig.txt").exists()
        _, html = page_of(built, source_file)
        assert f'href="{name}{suffix}" download' in html and f'data-file="{name}.txt"' in html
        agency = (site / "agencies" / f"{file_name(r['agency_id'])}.html").read_text(encoding="utf-8")
        assert f'href="../sources/{name}{suffix}" download' in agency
    name, html = page_of(built, PDF)
    assert f'<a href="{name}.orig.pdf">' in html  # opened by the browser, not only downloaded


def test_the_published_text_is_the_parsers_lines(built):
    site, _, _, _ = built
    name, _ = page_of(built, PDF)
    lines = (site / "sources" / f"{name}.txt").read_text(encoding="utf-8-sig").split("\n")[:-1]
    for f in report_facts(built, PDF):
        assert lines[f["source_line"] - 1] == f["printed"], f


def test_each_page_with_a_figure_has_a_small_image_made_the_same_every_time(built):
    site, corpus, _, _ = built
    name, html = page_of(built, PDF)
    pages = {f["source_page"] for f in report_facts(built, PDF)}
    assert pages == {2, 3, 4}
    assert sorted(p.name for p in (site / "sources").glob(f"{name}.p*.png")) == [f"{name}.p{n}.png" for n in sorted(pages)]
    published = {n: (site / "sources" / f"{name}.p{n}.png").read_bytes() for n in pages}
    for n, data in published.items():
        image = Image.open(io.BytesIO(data))
        assert image.format == "PNG" and image.mode == "P" and image.size == (794, 1123)  # A4 at 96 dpi
        assert len(data) < 80_000
        assert f'<img src="{name}.p{n}.png" width="794" height="1123"' in html
        assert f'href="{name}.orig.pdf#page={n}"' in html
    data = (corpus / PDF).read_bytes()
    for _ in range(2):  # rendered again: the same bytes
        assert {img.number: img.png for img in render_pages(data, pages)} == published


@pytest.mark.parametrize(("key", "value", "page"), KNOWN)
def test_the_box_of_a_figure_holds_the_figure_on_its_page(built, key, value, page):
    import pdfplumber

    site, corpus, _, _ = built
    fact = known(built, key)
    assert (fact["value"], fact["source_page"]) == (value, page)
    name, html = page_of(built, PDF)
    left, top, width, height = box_style(html, fact["source_line"])
    assert 0 <= left and left + width <= 1 and 0 <= top and top + height <= 1  # inside the image
    x0, y0, x1, y1 = (float(v) for v in fact["source_box"].split())
    with pdfplumber.open(corpus / PDF) as pdf:
        p = pdf.pages[page - 1]
        w, h = float(p.width), float(p.height)
        assert (left, top, width, height) == pytest.approx((x0 / w, y0 / h, (x1 - x0) / w, (y1 - y0) / h), abs=1e-4)
        # the PDF's own characters inside the box are the figure
        assert p.within_bbox((left * w, top * h, (left + width) * w, (top + height) * h)).extract_text().strip() == str(value)
    # and the page image shows ink there (the figure), inside the cell's rules
    image = Image.open(site / "sources" / f"{name}.p{page}.png").convert("L")
    iw, ih = image.size
    assert (iw, ih) == pytest.approx((w * PAGE_DPI / 72, h * PAGE_DPI / 72), abs=1)
    inset = 3  # pixels: leave the cell's rules out
    crop = image.crop((round(left * iw) + inset, round(top * ih) + inset, round((left + width) * iw) - inset, round((top + height) * ih) - inset))
    ink = sum(crop.histogram()[:128])
    assert 20 < ink < 0.3 * crop.width * crop.height


def test_the_line_of_a_figure_says_where_it_was_printed(built):
    name, html = page_of(built, PDF)
    fact = known(built, KNOWN[0][0])
    table, row, column = (int(v) for v in fact["source_cell"].split("/"))
    assert places(html)[str(fact["source_line"])] == {"cell": t("source_cell", table=table, row=row, column=column),
                                                      "page": t("pdf_page", page=2), "href": f"{name}.orig.pdf#page=2"}
    _, html = page_of(built, DOCX)
    where = places(html)
    _, _, reports, facts = built
    rid = reports[DOCX]["report_id"]
    assert set(where) == {str(f["source_line"]) for f in facts if f["report_id"] == rid and f["source_line"]}  # blanks too
    assert all(set(entry) == {"cell"} and re.fullmatch(r"表 \d+ 第 \d+ 行第 \d+ 列", entry["cell"]) for entry in where.values())
    assert '<aside class="pages"' not in html


# --- in a browser -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(built):
    with serve(built[0]) as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"no browser at {CHROMIUM}: `make test` installs Debian's chromium (or set XXGK_CHROMIUM)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                                    "--disable-sync", "--no-first-run", "--disable-quic"])
        yield b
        b.close()


def outlined(page, box, image, fact) -> None:
    """The box lies over its page image where the package says the figure was printed, is in
    view, and is outlined by a thick border and a dashed outline set off from it."""
    b, i = box.bounding_box(), image.bounding_box()
    assert b and i
    assert i["x"] <= b["x"] and b["x"] + b["width"] <= i["x"] + i["width"] + 0.5
    assert i["y"] <= b["y"] and b["y"] + b["height"] <= i["y"] + i["height"] + 0.5
    x0, y0, x1, y1 = (float(v) for v in fact["source_box"].split())
    scale = i["width"] / 595  # A4 in points
    assert b["x"] - i["x"] == pytest.approx(x0 * scale, abs=1.5) and b["y"] - i["y"] == pytest.approx(y0 * scale, abs=1.5)
    assert b["width"] == pytest.approx((x1 - x0) * scale, abs=1.5) and b["height"] == pytest.approx((y1 - y0) * scale, abs=1.5)
    viewport = page.viewport_size
    assert 0 <= b["y"] and b["y"] + b["height"] <= viewport["height"]  # scrolled into view
    style = box.evaluate("el => { const s = getComputedStyle(el);"
                         " return [s.borderTopWidth, s.borderTopStyle, s.outlineStyle, s.outlineWidth, s.outlineOffset]; }")
    assert float(style[0].removesuffix("px")) >= 3 and style[1] == "solid"
    assert style[2] == "dashed" and float(style[3].removesuffix("px")) >= 2 and float(style[4].removesuffix("px")) > 0


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("key", "value", "page_number"), KNOWN)
def test_the_figure_of_the_linked_line_is_outlined_on_its_page(chromium, server, built, scheme, key, value, page_number):
    fact = known(built, key)
    line = fact["source_line"]
    name, _ = page_of(built, PDF)
    context = chromium.new_context(color_scheme=scheme, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server}/sources/{name}.html#L{line}")
    target = page.locator(".l.target")
    target.wait_for(timeout=5000)
    assert target.get_attribute("id") == f"L{line}" and str(value) in target.inner_text()
    where = target.locator(".where")
    assert t("pdf_page", page=page_number) in where.inner_text() and t("source_cell", **dict(zip(
        ("table", "row", "column"), map(int, fact["source_cell"].split("/")), strict=True))) in where.inner_text()
    assert where.locator("a").get_attribute("href") == f"{name}.orig.pdf#page={page_number}"
    box = page.locator(".box.target")
    assert box.count() == 1 and box.get_attribute("data-line") == str(line)
    image = page.locator(f"#P{page_number} img")
    image.evaluate("img => img.decode()")  # loaded (lazily, once in view)
    outlined(page, box, image, fact)
    assert page.locator("[id]").evaluate_all("els => els.length === new Set(els.map(e => e.id)).size")  # the boxes gave up their ids
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"pdf-source-{scheme}-{value}.png"))
    assert errors == []
    context.close()


def test_clicking_a_figure_on_the_page_image_goes_to_its_line(chromium, server, built):
    first, second = (known(built, k) for k, _, _ in KNOWN)
    name, _ = page_of(built, PDF)
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/sources/{name}.html#L{first['source_line']}")
    page.locator(".l.target").wait_for(timeout=5000)
    page.locator(f'.box[data-line="{second["source_line"]}"]').click()
    page.wait_for_function(f"location.hash === '#L{second['source_line']}'")
    assert page.locator(".l.target").get_attribute("id") == f"L{second['source_line']}"
    assert page.locator(".box.target").get_attribute("data-line") == str(second["source_line"])
    context.close()


def test_without_javascript_the_page_images_show_the_figure(chromium, server, built):
    fact = known(built, KNOWN[1][0])
    name, _ = page_of(built, PDF)
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/sources/{name}.html#L{fact['source_line']}")
    box = page.locator(f"#L{fact['source_line']}")
    assert box.get_attribute("class") == "box"
    image = page.locator("#P3 img")
    page.wait_for_function("document.querySelector('#P3 img').complete")
    outlined(page, box, image, fact)
    assert page.locator('a[href$=".orig.pdf#page=3"]').count() == 1
    context.close()


def test_a_word_reports_line_names_its_table_cell(chromium, server, built):
    facts = report_facts(built, DOCX)
    fact = max(facts, key=lambda f: f["source_line"])
    name, _ = page_of(built, DOCX)
    context = chromium.new_context()
    page = context.new_page()
    page.goto(f"{server}/sources/{name}.html#L{fact['source_line']}")
    target = page.locator(".l.target")
    target.wait_for(timeout=5000)
    table, row, column = (int(v) for v in fact["source_cell"].split("/"))
    assert target.locator(".where").inner_text() == t("source_cell", table=table, row=row, column=column)
    assert fact["printed"] in target.locator(".t").inner_text()
    assert page.locator("#pages").count() == 0
    context.close()
