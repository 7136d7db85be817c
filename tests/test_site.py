"""The site is generated from the published package only, and built by a real MkDocs."""

import csv
import json
import re
from pathlib import Path

from conftest import HOSTILE_NAME


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


def test_one_profile_per_agency_with_its_tables(site):
    pages = agency_pages(site)
    assert len(pages) == 7
    text = page(site, "agencies/shao-guan-shi-wu-jiang-qu-ren-min-zheng-fu-ban-gong-shi.html")
    assert "三、收到和处理政府信息公开申请情况" in text and "四、政府信息公开行政复议、行政诉讼情况" in text
    assert "（三）不予公开" in text and "8. 属于行政查询事项" in text
    assert text.count('class="xxgk-chart"') == 3


def test_agency_over_years_has_a_trend(site):
    text = page(site, "agencies/fu-zhou-shi-ping-tan-xian-xing-zheng-shen-pi-ju.html")
    assert "历年变化" in text and "2021 年度报告" in text and "2025 年度报告" in text
    spec = json.loads(re.search(r'<script type="application/json" class="xxgk-spec">(.*?)</script>', text).group(1))
    years = {v["year"] for v in spec["data"]["values"]}
    assert years == {"2021", "2025"} and spec["mark"]["type"] == "line"


def test_every_figure_links_to_its_source_line(site):
    text = page(site, "agencies/luo-yang-shi-chan-he-hui-zu-qu-cheng-shi-guan-li-ju.html")
    links = re.findall(r'href="\.\./sources/([0-9a-f]{16})\.html#L(\d+)"[^>]*>([^<]+)</a>', text)
    assert len(links) == 200
    rid = links[0][0]
    assert (site / "sources" / f"{rid}.html").is_file()
    lines = (site / "sources" / f"{rid}.txt").read_text(encoding="utf-8-sig").split("\n")  # the parser's lines, "\n" after each
    for _, line, value in links:
        assert value in lines[int(line) - 1]


def test_chart_specs_are_vega_lite_with_chinese_titles_and_tables(site):
    text = page(site, "agencies/shao-guan-shi-wu-jiang-qu-ren-min-zheng-fu-ban-gong-shi.html")
    specs = [json.loads(s) for s in re.findall(r'class="xxgk-spec">(.*?)</script>', text)]
    assert all(s["$schema"].startswith("https://vega.github.io/schema/vega-lite/") for s in specs)
    assert all(s["usermeta"]["title"] and s["usermeta"]["description"] for s in specs)
    outcomes = next(s for s in specs if s["usermeta"]["title"].endswith("申请的办理结果"))
    assert {"label": "无法提供", "value": 3} in outcomes["data"]["values"]
    assert text.count("<summary>图表数据</summary>") == len(specs)


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
    assert (site / "data" / "excel" / "facts.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    agency_csv = site / "agencies" / "luo-yang-shi-chan-he-hui-zu-qu-cheng-shi-guan-li-ju.csv"
    assert agency_csv.read_bytes().startswith(b"\xef\xbb\xbf") and len(agency_csv.read_text(encoding="utf-8-sig").splitlines()) == 201


def test_search_index_is_small_and_names_every_agency(site):
    index = json.loads((site / "search-index.json").read_text(encoding="utf-8"))
    assert len(index) == 7 and any(HOSTILE_NAME == a[0] for a in index)
    assert (site / "search-index.json").stat().st_size < 200 * len(index)


def test_quality_page_lists_disagreeing_figures(site):
    text = page(site, "quality.html")
    assert "requests-balance" in text and "平潭综合实验区公安局" in text


def test_no_asset_comes_from_another_host(site):
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for url in re.findall(r'src="(https?://[^"]+)"', text) + re.findall(r'<link[^>]+href="(https?://[^"]+)"', text):
            raise AssertionError(f"{path.name} loads {url}")
        assert "fonts.googleapis.com" not in text
    assert (site / "javascripts" / "vega.js").stat().st_size > 500_000


def test_region_pages_list_agencies_with_peers(site):
    index = page(site, "regions/index.html")
    assert "河南省" in index and "广东省" in index
    henan = page(site, "regions/410000.html")
    assert "洛阳市" in henan and "洛龙区定鼎门街道办事处" in henan and "办理总计" in henan
    profile = page(site, "agencies/luo-yang-shi-chan-he-hui-zu-qu-cheng-shi-guan-li-ju.html")
    assert "河南省 洛阳市 瀍河回族区" in profile and "../regions/410000.html" in profile


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
    fragments = fragments_dir(tmp_path / "docs")
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
    (fragments / ".keys.json").write_text("{", encoding="utf-8")  # an unreadable record: nothing is trusted
    fourth = write_pages(tmp_path / "package", tmp_path / "docs", corpus, ROOT / "docs")
    assert fourth.reused == 0 and {p.name: p.read_bytes() for p in fragments.glob("*.html")} == after
