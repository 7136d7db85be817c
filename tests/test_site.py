"""The site is generated from the published package only, and built by a real MkDocs."""

import csv
import re
from pathlib import Path

from conftest import HOSTILE_NAME
from sitepages import figure_lines, page_charts


def page(site, rel):
    return (site / rel).read_text(encoding="utf-8")


def edit_csv(package: Path, name: str, change) -> None:
    """Rewrite one published table row by row (`change(row)` edits a row, as CSV strings, in
    place), in both its forms: the CSV file and the Parquet file (its values typed as its schema
    says, an empty cell null), so the package stays one table."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = package / "data" / f"{name}.csv"
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = list(reader.fieldnames), list(reader)
    for row in rows:
        change(row)
    fields = list(dict.fromkeys(fields + [k for row in rows for k in row]))
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    types = pq.read_schema(path.with_suffix(".parquet"))
    columns = {k: pa.array([row.get(k) or None for row in rows], pa.string()) for k in fields}
    table = pa.table({k: col.cast(types.field(k).type) if k in types.names else col for k, col in columns.items()})
    pq.write_table(table, path.with_suffix(".parquet"))


def agency_pages(site):
    return sorted(p for p in (site / "agencies").glob("*.html") if p.name != "index.html")


def test_home_and_overview_pages_exist(site):
    for rel in ("index.html", "search.html", "agencies/index.html", "regions/index.html", "rankings.html", "quality.html",
                "downloads.html", "dictionary.html", "about.html"):
        assert (site / rel).is_file(), rel
    home = page(site, "index.html")
    assert "数据概况" in home and 'class="xxgk-chart"' in home


def test_codes_read_as_printed(site):
    """A table's, field's, value's or finding's code reads as it is (no Markdown escape shown)."""
    for rel in ("dictionary.html", "quality.html", "en/dictionary.html"):
        text = page(site, rel)
        assert "\\_" not in text and "\\*" not in text, rel
    dictionary = page(site, "dictionary.html")
    assert "<code>report_id</code>" in dictionary and "<code>source_char_start</code>" in dictionary
    assert re.search(r"<code>[a-z]+(?:-[a-z]+)+</code>", page(site, "quality.html"))  # a finding's code


def test_one_profile_per_agency_with_its_tables(site):
    pages = agency_pages(site)
    assert len(pages) == 7
    text = page(site, "agencies/shao-guan-shi-wu-jiang-qu-ren-min-zheng-fu-ban-gong-shi.html")
    assert "三、收到和处理政府信息公开申请情况" in text and "四、政府信息公开行政复议、行政诉讼情况" in text
    assert "（三）不予公开" in text and "8. 属于行政查询事项" in text
    assert text.count('class="xxgk-chart"') == 1  # how its requests were answered (the rest is in its tables)


def test_agency_over_years_has_a_trend(site):
    text = page(site, "agencies/fu-zhou-shi-ping-tan-xian-xing-zheng-shen-pi-ju.html")
    assert "历年变化" in text and "2021 年度报告" in text and "2025 年度报告" in text
    spec = next(s for s in page_charts(text) if s["mark"]["type"] == "line")
    years = {v["year"] for v in spec["data"]["values"]}
    # after the latest year's figures, before the earlier years'
    assert text.index('id="r-', text.index("2025 年度报告") - 80) < text.index('id="trend"') < text.index("2021 年度报告")
    assert years == {"2021", "2022", "2023", "2024", "2025"} and spec["mark"]["type"] == "line"
    # the years with no report are on the axis, as gaps: no figure, not zero
    assert {v["value"] for v in spec["data"]["values"] if v["year"] not in ("2021", "2025")} == {None}


def test_an_agency_with_no_request_answered_says_so_in_words(site):
    text = page(site, "agencies/luo-yang-shi-chan-he-hui-zu-qu-cheng-shi-guan-li-ju.html")
    assert 'class="xxgk-chart"' not in text and "2024年各项办理结果均为 0：本年度没有办结的申请。" in text


def test_every_figure_links_to_its_source_line(site):
    text = page(site, "agencies/luo-yang-shi-chan-he-hui-zu-qu-cheng-shi-guan-li-ju.html")
    links = figure_lines(text)
    assert len(links) == 200 and all(line for _, line, _, _ in links)
    src = links[0][0]
    assert src.startswith("../sources/") and (site / "agencies" / src).resolve().is_file()
    lines = (site / "agencies" / src).resolve().with_suffix(".txt").read_text(encoding="utf-8-sig").split("\n")  # the parser's lines
    for _, line, value, printed in links:
        assert value in lines[line - 1] and printed in lines[line - 1]


def test_chart_specs_are_vega_lite_with_chinese_titles_and_tables(site):
    text = page(site, "agencies/shao-guan-shi-wu-jiang-qu-ren-min-zheng-fu-ban-gong-shi.html")
    specs = page_charts(text)
    assert len(specs) == text.count('class="xxgk-chart"') == 1
    assert all(s["$schema"].startswith("https://vega.github.io/schema/vega-lite/") for s in specs)
    assert all(s["usermeta"]["title"] and s["usermeta"]["description"] for s in specs)
    outcomes = next(s for s in specs if s["usermeta"]["title"].endswith("申请的办理结果"))
    assert {"label": "无法提供", "value": 3} in outcomes["data"]["values"]
    # the page's script adds each chart's numbers under this summary once it draws it (test_browser)
    assert "<details" not in text and '"data":"图表数据"' in (site / "javascripts" / "charts-config.js").read_text(encoding="utf-8")


def test_untrusted_strings_are_escaped_everywhere(site):
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script>window.__xss" not in text, path
        assert 'onerror="window.__xss' not in text, path
    assert any("&lt;script&gt;window.__xss=1&lt;/script&gt;" in p.read_text(encoding="utf-8") for p in agency_pages(site))


def test_downloads_link_files_that_exist(site):
    text = page(site, "downloads.html")
    links = re.findall(r'href="(data/[^"]+)"', text)
    assert any(link.endswith("facts.parquet") for link in links) and any(link.endswith(".zip") for link in links)
    for link in links:
        assert (site / link).is_file(), link
    assert (site / "data" / "excel" / "facts-excel.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "data/excel/facts-excel.csv" in links and "data/xxgk-excel.zip" in links and "data/xxgk-datapackage.zip" in links
    # the Excel zip first: one click for a spreadsheet user
    assert text.index("xxgk-excel.zip") < text.index("xxgk-datapackage.zip")
    agency_csv = site / "agencies" / "luo-yang-shi-chan-he-hui-zu-qu-cheng-shi-guan-li-ju.csv"
    assert agency_csv.read_bytes().startswith(b"\xef\xbb\xbf") and len(agency_csv.read_text(encoding="utf-8-sig").splitlines()) == 201


def test_excel_copies_of_figures_carry_their_labels_beside_their_codes(site):
    """facts-excel.csv and checks-excel.csv: each row as in the package, with the figure's
    Chinese and English labels (its row's, with its group's where needed, and its column's)
    after its codes."""
    package = site.parent / "datapackage" / "data"
    for name in ("facts", "checks"):
        with open(package / f"{name}.csv", encoding="utf-8", newline="") as f:
            plain = list(csv.reader(f))
        with open(site / "data" / "excel" / f"{name}-excel.csv", encoding="utf-8-sig", newline="") as f:
            excel = list(csv.reader(f))
        at = plain[0].index("column") + 1
        assert excel[0] == [*plain[0][:at], "label_zh", "label_en", *plain[0][at:]]
        assert [r[:at] + r[at + 2:] for r in excel] == plain and len(plain) > 1
        labelled = {tuple(r[at - 3:at]): (r[at], r[at + 1]) for r in excel[1:]}
    with open(site / "data" / "excel" / "facts-excel.csv", encoding="utf-8-sig", newline="") as f:
        rows = {(r["section"], r["row"], r["column"]): (r["label_zh"], r["label_en"]) for r in csv.DictReader(f)}
    assert rows["requests", "granted", "natural_person"] == ("本年度办理结果 · 予以公开 · 自然人", "Outcomes this year · Granted · Natural persons")
    assert rows["requests", "denied_state_secret", "total"] == ("不予公开 · 属于国家秘密 · 总计", "Denied: state secret · Total")
    assert all(zh and en for zh, en in rows.values())
    assert labelled  # the checks' too (a finding of a whole section has none: its cells are empty)


def test_search_index_names_every_agency(site):
    from xxgk.site.search import read_records

    index = read_records(site / "search")
    assert len(index) == 7 and any(HOSTILE_NAME == a[0] for a in index)
    assert {(site / a[1]).resolve() for a in index} == {p.resolve() for p in agency_pages(site)}


def test_quality_page_lists_disagreeing_figures(site):
    text = page(site, "quality.html")
    assert "requests-balance" in text and "平潭综合实验区公安局" in text


def test_no_asset_comes_from_another_host(site):
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        # a <link> that loads something (a stylesheet, an icon, a preload), not the page's addresses (canonical, other language)
        loads = re.findall(r'<link(?![^>]*rel="(?:canonical|alternate)")[^>]+href="(https?://[^"]+)"', text)
        for url in re.findall(r'src="(https?://[^"]+)"', text) + loads:
            raise AssertionError(f"{path.name} loads {url}")
        assert "fonts.googleapis.com" not in text
    assert (site / "javascripts" / "vega.js").stat().st_size > 500_000


def test_region_pages_list_agencies_with_peers(site):
    index = page(site, "regions/index.html")
    assert "河南省" in index and "广东省" in index
    henan = page(site, "regions/410000.html")
    assert '<a href="410300.html">洛阳市</a>' in henan  # a province lists its prefectures, each on its own page
    luoyang = page(site, "regions/410300.html")
    assert "洛龙区定鼎门街道办事处" in luoyang and "办理总计" in luoyang and 'id="xxgk-agencies"' in luoyang
    assert '<meta name="description" content="河南省洛阳市 ' in luoyang
    profile = page(site, "agencies/luo-yang-shi-chan-he-hui-zu-qu-cheng-shi-guan-li-ju.html")
    assert "河南省 洛阳市 瀍河回族区" in profile and "../regions/410000.html" in profile
    # a share only of 10 requests handled or more, as the rankings compare them
    assert "比例（办结 10 件以上）" in luoyang
    shown, hidden = 0, 0
    for rel in sorted(p.relative_to(site).as_posix() for p in [*(site / "regions").glob("*.html"), site / "agencies" / "index.html"]):
        for handled, granted, share in re.findall(r'<td>\d{4}</td><td class="num">(\d*)</td><td class="num">(\d*)</td><td class="num">([^<]*)</td>', page(site, rel)):
            if handled and int(handled) >= 10:
                shown += 1
                assert share == f"{int(granted) / int(handled):.0%}"
            else:
                hidden += bool(handled and int(handled))
                assert share == "", (rel, handled, share)
    assert hidden  # e.g. 1 request handled and granted: no "100%" beside agencies of hundreds
    from xxgk.site.html import percent

    assert (percent(1, 1), percent(0, 9), percent(3, 10), percent(None, 20), percent(5, None)) == ("", "", "30%", "", "")


def test_pages_of_unchanged_agencies_are_kept_and_the_rest_rebuilt(tmp_path):
    import shutil

    from conftest import ROOT, SEEDS, seed

    from xxgk.package import build
    from xxgk.site.pages import fragments_dir, write_pages

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in ("000", "001"):
        shutil.copy(seed(n), corpus / f"{n}.txt")
    build(corpus, tmp_path / "package", jobs=1)
    first = write_pages(tmp_path / "package", tmp_path / "docs", corpus, ROOT / "docs")
    fragments = fragments_dir(tmp_path / "docs") / "agencies"
    before = {p.name: p.read_bytes() for p in fragments.glob("*.html")}
    assert first.reused == 0 and len(before) == len(first.agencies) == 2

    again = write_pages(tmp_path / "package", tmp_path / "docs", corpus, ROOT / "docs")
    assert again.reused == 2
    assert {p.name: p.read_bytes() for p in fragments.glob("*.html")} == before

    (corpus / "001.txt").unlink()
    shutil.copy(SEEDS / "26-gwh-2025" / "input.txt", corpus / "gwh.txt")
    build(corpus, tmp_path / "package", jobs=1)
    third = write_pages(tmp_path / "package", tmp_path / "docs", corpus, ROOT / "docs")
    after = {p.name: p.read_bytes() for p in fragments.glob("*.html")}
    assert third.reused == 1 and len(after) == 2  # the removed agency's page is gone, the new one made
    kept = set(before) & set(after)
    assert len(kept) == 1 and all(after[k] == before[k] for k in kept)

    (fragments / next(iter(kept))).write_text("damaged", encoding="utf-8")
    (fragments.parent / ".keys.json").write_text("{", encoding="utf-8")  # an unreadable record: nothing is trusted
    fourth = write_pages(tmp_path / "package", tmp_path / "docs", corpus, ROOT / "docs")
    assert fourth.reused == 0 and {p.name: p.read_bytes() for p in fragments.glob("*.html")} == after
    sources = fragments.parent / "sources"
    assert {p.stem for p in sources.glob("*.html")} == {p.name.split(".")[0] for p in sources.glob("*.orig.txt")} != set()


def test_every_page_is_in_the_sitemaps_with_its_canonical_address(site):
    """The sitemaps list every page at the site's address, and each page names that address as
    its canonical one, with a description of its own."""
    from conftest import SITE_URL

    listed: list[str] = []
    index = page(site, "sitemap.xml")
    for loc in re.findall(r"<loc>([^<]+)</loc>", index):
        assert loc.startswith(SITE_URL) and loc.endswith(".xml")
        listed += re.findall(r"<loc>([^<]+)</loc>", page(site, loc.removeprefix(SITE_URL)))
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                   if not p.relative_to(site).as_posix().startswith("assets/") and p.name != "404.html")
    assert sorted(listed) == [SITE_URL + rel for rel in pages]
    # a page in both languages names both versions (hreflang); the heads do not repeat them
    sitemap = page(site, "sitemap-1.xml")
    agency = "agencies/fu-zhou-shi-ping-tan-xian-xing-zheng-shen-pi-ju.html"
    for rel in (agency, f"en/{agency}", "quality.html", "en/quality.html"):
        entry = re.search(f"<url><loc>{re.escape(SITE_URL + rel)}</loc>(.*?)</url>", sitemap)
        assert entry and re.findall(r'hreflang="(\w+)" href="([^"]+)"', entry.group(1)) == [
            ("zh", SITE_URL + rel.removeprefix("en/")), ("en", SITE_URL + "en/" + rel.removeprefix("en/"))], rel
        assert 'rel="alternate"' not in page(site, rel)
    descriptions = set()
    for rel in pages:
        text = page(site, rel)
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', text)
        assert canonical and canonical.group(1) in (SITE_URL + rel, SITE_URL + rel.removesuffix("index.html")), rel
        description = re.search(r'<meta name="description" content="([^"]*)"', text)
        assert description and description.group(1), rel
        if rel.startswith(("agencies/", "sources/")) and not rel.endswith("index.html"):
            descriptions.add(description.group(1))
    assert len(descriptions) == len([p for p in pages if p.startswith(("agencies/", "sources/")) and not p.endswith("index.html")])


def test_an_agency_page_is_lean_and_titled_with_its_place_and_years(site):
    text = page(site, "agencies/fu-zhou-shi-ping-tan-xian-xing-zheng-shen-pi-ju.html")
    title = re.search(r"<title>(.*?)</title>", text).group(1)
    assert "平潭综合实验区行政审批局" in title and "福建省" in title and "2021" in title and "2025" in title
    assert "vega.js" not in text and "assets/javascripts/bundle" not in text  # the theme's scripts and Vega are not on it
    assert len(re.findall(r'<link rel="stylesheet"', text)) == 2
    assert text.count("<header") == 1 and text.count("<nav") == 1  # the shared chrome, once
    # the chrome names the site's sections as mkdocs.yml does, each to a page that exists
    for href in re.findall(r'<nav[^>]*>(.*?)</nav>', text, re.DOTALL)[0].split('href="')[1:]:
        assert (site / "agencies" / href.split('"')[0]).resolve().is_file(), href
