"""Every page type at 360 px, the width of the smallest phones in use: the page never scrolls
sideways (wide tables scroll in their own box), no agency or region name in a table and no
button breaks mid-word, no table heading wraps, and the requests table's 总计 column can be scrolled to. A
screenshot of each page is kept (build/test-artifacts/phone-360/). And the charts as a reader
sees them: in the page's colours, light or dark, with upright captions."""

import re

import pytest
from test_browser import ARTIFACTS, browser, server  # noqa: F401  (fixtures)

WIDTH = 360
AGENCY = "agencies/fu-zhou-shi-ping-tan-xian-xing-zheng-shen-pi-ju.html"  # two years: the trend and two tables of each kind
PAGES = {"home": "index.html", "search": "search.html", "agencies": "agencies/index.html", "province": "regions/410000.html",
         "prefecture": "regions/410300.html", "agency": AGENCY, "rankings": "rankings.html", "quality": "quality.html",
         "publication": "publication.html", "downloads": "downloads.html", "dictionary": "dictionary.html"}

# the lines an element's text takes: the distinct tops of its text's boxes (text nodes only: an
# icon beside the text is not a line of its own)
LINES = """el => { const tops = new Set(); const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) { const r = document.createRange(); r.selectNodeContents(n);
    for (const b of r.getClientRects()) if (b.width > 0) tops.add(Math.round(b.top)); }
  return tops.size; }"""
BROKEN = f"""sel => [...document.querySelectorAll(sel)].filter(el => el.textContent.trim().length > 1)
  .filter(el => ({LINES})(el) > 1).map(el => el.textContent.trim())"""


@pytest.fixture(scope="module")
def phone(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": WIDTH, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_type_fits_a_phone(phone, server, name, lang):  # noqa: F811
    phone.goto(f"{server}/{'' if lang == 'zh' else lang + '/'}{PAGES[name]}")
    phone.wait_for_load_state("networkidle")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "the page scrolls sideways"
    assert phone.evaluate(BROKEN, "table:not(.xxgk-report) td a, table:not(.xxgk-report) th a, table.xxgk-sortable td") == [], "a name in a table breaks mid-word"
    assert phone.evaluate(BROKEN, "thead th:not(.xxgk-note)") == [], "a table heading wraps"
    assert phone.evaluate(BROKEN, "button, input[type=submit]") == [], "a button's word breaks"
    shots = ARTIFACTS / "phone-360"
    shots.mkdir(parents=True, exist_ok=True)
    shot = shots / f"{name}{'' if lang == 'zh' else '-' + lang}.png"
    phone.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000


def test_the_requests_tables_total_column_can_be_reached(phone, server):  # noqa: F811
    """The requests table is wider than the phone: it scrolls in its own box (with a cue that it
    does), and its last column, 总计, comes fully into view."""
    phone.goto(f"{server}/{AGENCY}")
    phone.wait_for_load_state("networkidle")
    total = phone.locator("table.xxgk-report thead th", has_text="总计").first
    assert total.evaluate("th => { const w = th.closest('.xxgk-table-wrap'); return w.scrollWidth > w.clientWidth && getComputedStyle(w).overflowX === 'auto'; }")
    assert total.evaluate("th => getComputedStyle(th.closest('.xxgk-table-wrap')).backgroundImage.includes('gradient')"), "no cue that the table scrolls"
    assert total.bounding_box()["x"] > WIDTH  # off-screen until scrolled to
    total.evaluate("th => th.scrollIntoView({inline: 'end', block: 'center'})")
    box = total.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH + 1
    assert total.evaluate(LINES) == 1


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("rel", ["index.html", AGENCY])
def test_charts_take_the_pages_colours_and_captions_stand_upright(browser, server, scheme, rel):  # noqa: F811
    """A chart has no background of its own and writes in the page's text colour, so it is dark
    on a dark page (the theme's pages and the site's own alike); captions are not italic."""
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{server}/{rel}")
    fig = page.locator("figure.xxgk-chart").first
    fig.hover()  # a chart is drawn by Vega when pointed at
    page.wait_for_selector("figure.xxgk-chart .xxgk-vega svg:not(.xxgk-picture)", timeout=15000)
    colours = fig.evaluate("""f => ({text: getComputedStyle(f).color, page: getComputedStyle(document.body).backgroundColor,
        label: getComputedStyle(f.querySelector('svg .role-axis-label text')).fill,
        background: (f.querySelector('svg .background') || {}).style?.fill || 'none',
        caption: getComputedStyle(f.querySelector('figcaption')).fontStyle})""")
    context.close()
    assert colours["caption"] == "normal"
    assert colours["label"] == colours["text"]
    assert colours["background"] in ("none", "transparent", "rgba(0, 0, 0, 0)"), colours
    luminance = lambda css: sum(float(v) for v in re.findall(r"[\d.]+", css)[:3]) / 3
    assert (luminance(colours["page"]) < 100) == (scheme == "dark") and (luminance(colours["label"]) > 128) == (scheme == "dark"), colours
