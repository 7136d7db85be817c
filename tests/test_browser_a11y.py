"""axe-core (the copy bundled in the axe-playwright-python package) on every page type of the site,
in Chinese and English, light and dark: no violation of the rules it checks (contrast, links told apart by more than
colour, landmarks, names of controls, …)."""

from pathlib import Path

import axe_playwright_python
import pytest
from test_browser import browser, charts_drawn, server  # noqa: F401  (fixtures)

AXE = Path(axe_playwright_python.__file__).parent / "axe.min.js"
PAGES = {"home": "index.html", "search": "search.html", "agencies": "agencies/index.html", "province": "regions/410000.html",
         "prefecture": "regions/410300.html", "agency": "agencies/fu-zhou-shi-ping-tan-xian-xing-zheng-shen-pi-ju.html",
         "rankings": "rankings.html", "quality": "quality.html", "publication": "publication.html", "downloads": "downloads.html",
         "dictionary": "dictionary.html",
         "about": "about.html"}


def violations(page, again: bool = False) -> list[str]:
    page.wait_for_load_state("networkidle")
    if not again:
        page.add_script_tag(path=str(AXE))
    found = page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]
    return [f"{v['id']} ({v['impact']}): {len(v['nodes'])} × {v['nodes'][0]['target']}: {v['nodes'][0].get('failureSummary', '')}"
            for v in found]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", [*sorted(PAGES), "source"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_accessibility_violation(browser, server, site, name, scheme, lang):  # noqa: F811
    if name == "source" and lang == "en":
        pytest.skip("the source pages are the reports' text, one copy shared by both languages")
    rel = PAGES.get(name) or min(p.relative_to(site).as_posix() for p in (site / "sources").glob("*.html"))
    rel = rel if lang == "zh" else f"en/{rel}"
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{server}/{rel}")
    found = violations(page)  # its charts as pictures
    if page.locator("figure.xxgk-chart").count():  # and as Vega draws them once pointed at
        total, drawn = charts_drawn(page)
        assert drawn == total
        found += violations(page, again=True)
    context.close()
    assert found == [], "\n".join(found)
