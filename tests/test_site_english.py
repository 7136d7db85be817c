"""The English site: the same pages under en/, written by the same code in English, sharing the
Chinese site's downloads and source pages, each page linked to itself in the other language."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

CJK = re.compile(r"[\u4e00-\u9fff]")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.lang = None
        self.switch: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        for name in ("href", "src"):
            if a.get(name) and tag in ("a", "link", "script", "img"):
                self.links.append(a[name])
        if tag == "a" and a.get("hreflang") and a.get("lang"):
            self.switch.append((a["hreflang"], a["href"]))


def read(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def pages(top: Path) -> set[str]:
    """The HTML pages of one language's site, by path from its top (not the other language's)."""
    return {p.relative_to(top).as_posix() for p in top.rglob("*.html") if not p.relative_to(top).as_posix().startswith("en/")}


def test_every_page_has_its_english_page_and_back(site):
    zh, en = pages(site) - {f for f in pages(site) if f.startswith("sources/")}, pages(site / "en")
    assert len(en) > 20
    assert zh == en, f"only in Chinese: {sorted(zh - en)[:5]}; only in English: {sorted(en - zh)[:5]}"
    assert not (site / "en" / "sources").exists() and not (site / "en" / "data").exists()  # shared, not copied
    for rel in sorted(en - {"404.html"}):  # the 404 page, served at any address, links the other language's home
        for top, lang, other in ((site, "zh", "en"), (site / "en", "en", "zh")):
            page = read(top / rel)
            assert page.lang == lang, f"{lang}/{rel}: <html lang={page.lang}>"
            switch = [href for hreflang, href in page.switch if hreflang == other]
            assert switch, f"{lang}/{rel}: no link to the {other} page"
            target = (top / rel).parent / urlsplit(switch[0]).path
            assert target.resolve() == ((site / "en" if other == "en" else site) / rel).resolve(), f"{lang}/{rel} → {switch[0]}"


def test_every_link_of_the_english_site_leads_somewhere(site):
    missing = []
    for page in sorted((site / "en").rglob("*.html")):
        if page.name == "404.html":  # its links are from the site's address, served at any path
            continue
        for href in read(page).links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path or href.startswith("data:"):
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.exists():
                missing.append(f"{page.relative_to(site)} → {href}")
    assert missing == []


def test_english_pages_speak_english_and_name_agencies_in_pinyin(site):
    home = (site / "en" / "index.html").read_text(encoding="utf-8")
    nav = re.search(r'<nav class="md-tabs|<nav class="md-nav md-nav--primary".*?</nav>', home, re.DOTALL)
    assert nav and not CJK.search(re.sub(r"<[^>]+>", "", nav.group(0))), "the English navigation is in English"
    agency = next(p for p in sorted((site / "en" / "agencies").glob("*.html")) if p.name != "index.html")
    text = agency.read_text(encoding="utf-8")
    heading = re.search(r"<h1>(.*?)</h1>", text).group(1)
    assert re.search(r"[\u4e00-\u9fff]+ \([A-Z][a-z]+(?: [A-Z0-9][a-z0-9]*)+\)", heading), heading
    chrome = re.search(r'<header class="xx-bar">(.*?)</header>', text, re.DOTALL).group(1)
    assert not CJK.search(re.sub(r"<[^>]+>", "", chrome).replace("中文", "")), "the page's chrome is in English"
    # the figures are the same: the English page's report tables hold the Chinese page's numbers
    zh = (site / "agencies" / agency.name).read_text(encoding="utf-8")
    cells = re.compile(r'<td class="num[^"]*"[^>]*>([^<]*)<')
    assert cells.findall(text) == cells.findall(zh) and cells.findall(text)


def test_the_english_agency_pages_link_the_shared_csv_and_sources(site):
    agency = next(p for p in sorted((site / "en" / "agencies").glob("*.html")) if p.name != "index.html")
    links = read(agency).links
    csv = [h for h in links if h.endswith(".csv")]
    assert csv and all((agency.parent / h).resolve() == (site / "agencies" / agency.with_suffix(".csv").name).resolve() for h in csv)
    assert not (site / "en" / "agencies" / agency.with_suffix(".csv").name).exists()


def test_the_english_charts_are_titled_in_english(site):
    """Both languages are written by one process (`xxgk pages`): nothing made once for the first
    (the charts' templates, the table cells' words) is kept for the second."""
    import json

    name = "fu-zhou-shi-ping-tan-xian-xing-zheng-shen-pi-ju.html"
    charts = re.compile(r'<figcaption[^>]*><strong>(.*?)</strong><br><span>(.*?)</span></figcaption>.*?'
                        r'<script type="application/json" class="xxgk-small">(.*?)</script>', re.DOTALL)
    en, zh = (charts.findall((top / "agencies" / name).read_text(encoding="utf-8")) for top in (site / "en", site))
    assert en and len(en) == len(zh)
    for title, description, small in en:
        words = [title, description, json.dumps(json.loads(small).get("unit", ""))]
        words += [v.get("label", "") for v in json.loads(small).get("values", []) if isinstance(v, dict)]
        named = re.compile(r"[\u4e00-\u9fff]+ \([A-Z][A-Za-z0-9 ]*\)")  # a name with its pinyin
        assert not any(CJK.search(named.sub("", w)) for w in words), words
    config = (site / "en" / "javascripts" / "charts-config.js").read_text(encoding="utf-8")
    assert "Number" in config and not CJK.search(config.split("XXGK_CHARTS", 1)[1])
    cells = (site / "en" / "agencies" / name).read_text(encoding="utf-8")
    assert "印出" not in cells and "源文件第" not in cells  # the cells' own words
