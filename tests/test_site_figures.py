"""Every figure the site shows comes from one definition: the home page's figures, recomputed here
from the package's CSV and Parquet files directly, are the ones printed; only primary reports
count (a second file of an agency and year is a note on the agency page, nothing more)."""

import csv
import json
import re
import shutil
from collections import Counter, defaultdict
from html import unescape
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import SEEDS, build_site, seed
from test_site import edit_csv

from xxgk.site.pages import file_name


def read(package: Path, name: str) -> list[dict]:
    with open(package / "data" / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Seeds; two reports whose printed 总计 differs from the sum of their outcome rows; one
    agency and year in two files (the same report as text and as HTML: the HTML one marked
    secondary unless the package marks one itself); a byte-identical copy; an empty file."""
    work = tmp_path_factory.mktemp("figures")
    corpus = work / "corpus"
    corpus.mkdir()
    for n in ("000", "001", "002", "004"):
        shutil.copy(seed(n), corpus / f"{n}.txt")
    for case in ("15-htp-2022", "22-jjf-2024", "05-gaj-2021", "10-zrz-2021"):
        shutil.copy(SEEDS / case / "input.txt", corpus / f"{case}.txt")
    shutil.copy(SEEDS / "26-gwh-2025-html" / "input.html", corpus / "gwh-2025.html")
    shutil.copy(SEEDS / "25-jjp-2024" / "input.txt", corpus / "jjp-2024.txt")
    shutil.copy(SEEDS / "25-jjp-2024-html" / "input.html", corpus / "jjp-2024.html")
    shutil.copy(seed("000"), corpus / "copy-of-000.txt")
    (corpus / "empty.txt").write_bytes(b"")

    def edit(package):
        reports = read(package, "reports")
        if any(r.get("superseded_by") for r in reports):
            return  # the package marks secondary files itself
        primary = next(r["report_id"] for r in reports if r["source_file"] == "jjp-2024.txt")
        edit_csv(package, "reports", lambda row: row.update(superseded_by=primary if row["source_file"] == "jjp-2024.html" else ""))

    site = build_site(corpus, work, edit)
    return site, work / "datapackage"


# --- the figures, straight from the files ---------------------------------------------------------

def expected_home(package: Path) -> dict:
    reports = read(package, "reports")
    counted = [r for r in reports if not r.get("superseded_by") and r["status"] != "duplicate"]
    ids = {r["report_id"] for r in counted}
    codes = read(package, "codes")
    rows = {c["code"]: c for c in codes if c["kind"] == "row" and c["section"] == "requests"}
    groups = {c["code"]: c["label_zh"] for c in codes if c["kind"] == "group" and c["section"] == "requests"}
    columns = {c["code"]: c["label_zh"] for c in codes if c["kind"] == "column" and c["section"] == "requests"}
    facts = pq.read_table(package / "data" / "facts.parquet").to_pylist()
    printed_total, outcome_rows = {}, defaultdict(float)
    outcomes, applicants = {}, {}
    for f in facts:
        if f["report_id"] not in ids or f["section"] != "requests" or f["status"] != "reported":
            continue
        row = rows[f["row"]]
        if f["row"] == "total" and f["column"] == "total":
            printed_total[f["report_id"]] = f["value"]
        elif row["parent"] and f["column"] == "total":  # an outcome row: (一)…(六)
            label = groups.get(row["parent"], row["label_zh"]) if row["parent"] != "outcome" else groups.get(f["row"], row["label_zh"])
            outcomes[label] = outcomes.get(label, 0) + f["value"]
            outcome_rows[f["report_id"]] += f["value"]
        elif f["row"] == "new" and f["column"] != "total":
            applicants[columns[f["column"]]] = applicants.get(columns[f["column"]], 0) + f["value"]
    checks = read(package, "checks")
    return {
        "reports": len(counted),
        "files": len(reports),
        "agencies": len(read(package, "agencies")),
        "years": "、".join(sorted({r["year"] for r in counted if r["year"]})),
        "handled": sum(printed_total.values()),
        "handled_reports": len(printed_total),
        "outcome_sum": sum(outcomes.values()),
        "disagreeing": sum(1 for rid in ids if printed_total.get(rid) != outcome_rows.get(rid)),
        "findings": sum(1 for c in checks if c["report_id"] in ids),
        "year_bars": dict(Counter(r["year"] for r in counted if r["year"])),
        "outcome_bars": outcomes,
        "applicant_bars": applicants,
        "statuses": dict(Counter(r["status"] for r in counted)),
    }


# --- the figures, as printed -------------------------------------------------------------------

def number(text: str) -> float:
    return float(text.replace(",", ""))


def overview(html: str) -> dict[str, tuple[str, str]]:
    return {key: (unescape(re.sub(r"<[^>]+>", "", label)), unescape(value))
            for key, label, value in re.findall(r'<tr data-figure="([^"]+)"><th scope="row">(.*?)</th><td[^>]*>(.*?)</td></tr>', html)}


def chart_table(html: str, chart: str) -> dict[str, float]:
    figure = re.search(rf'<figure class="xxgk-chart" id="chart-home-{chart}">(.*?)</figure>', html, re.DOTALL).group(1)
    body = re.search(r"<tbody>(.*?)</tbody>", figure, re.DOTALL).group(1)
    table = {unescape(k): number(v) for k, v in re.findall(r'<tr><td>(.*?)</td><td class="num">(.*?)</td></tr>', body)}
    spec = json.loads(re.search(r'class="xxgk-spec">(.*?)</script>', figure, re.DOTALL).group(1))
    assert {v["label"]: v["value"] for v in spec["data"]["values"]} == table  # the bars are the table
    return table


def test_every_home_figure_is_recomputed_from_the_package(built):
    site, package = built
    want = expected_home(package)
    html = (site / "index.html").read_text(encoding="utf-8")
    shown = overview(html)
    assert number(shown["reports"][1]) == want["reports"]
    assert number(shown["agencies"][1]) == want["agencies"]
    assert shown["years"][1] == want["years"]
    assert number(shown["handled"][1]) == want["handled"]
    assert f"{want['handled_reports']} 份报告印出了这一格" in shown["handled"][0]
    assert number(shown["outcome-sum"][1]) == want["outcome_sum"]
    assert number(shown["findings"][1]) == want["findings"]
    assert chart_table(html, "years") == {y: n for y, n in want["year_bars"].items()}
    assert chart_table(html, "outcomes") == want["outcome_bars"]
    assert chart_table(html, "applicants") == want["applicant_bars"]
    statuses = re.search(r'>解析状态<.*?<tbody>(.*?)</tbody>', html, re.DOTALL).group(1)
    # each status in words, its code beside it
    assert {s: number(n) for s, n in re.findall(r"<td>[^<（]+（(\w+)）</td>\s*<td[^>]*>(\d+)</td>", statuses)} == want["statuses"]
    # the corpus is built so that the two sums differ: the page says so, and why
    assert want["handled"] != want["outcome_sum"] and want["disagreeing"] >= 2
    assert f"有 {want['disagreeing']} 份报告印出的总计与其各项办理结果之和不符" in html
    outcomes_caption = re.search(r'id="chart-home-outcomes">\s*<figcaption>(.*?)</figcaption>', html, re.DOTALL).group(1)
    assert f"各条合计 {want['outcome_sum']:g} 件" in outcomes_caption and "办理结果各项之和" in outcomes_caption
    # files that do not count are said not to
    assert want["files"] - want["reports"] >= 2
    assert f"语料库共 {want['files']} 个文件" in shown["reports"][0]


def test_rankings_and_regions_use_the_same_figures(built):
    site, package = built
    facts = defaultdict(dict)
    for f in pq.read_table(package / "data" / "facts.parquet").to_pylist():
        if f["section"] == "requests" and f["column"] == "total" and f["status"] == "reported":
            facts[f["report_id"]][f["row"]] = f["value"]
    rankings = (site / "rankings.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr><td><a href="agencies/[^"#]+#r-([^"]+)">.*?</a></td><td>\d+</td>((?:<td class="num">[^<]*</td>)+)</tr>', rankings)
    assert rows
    for rid, cells in rows:
        values = re.findall(r'<td class="num">([^<]*)</td>', cells)
        f = facts[rid]
        denied = sum(v for k, v in f.items() if k.startswith("denied_"))
        assert number(values[0]) == f["total"]
        assert number(values[1]) == f.get("granted", 0) + f.get("partial", 0)
        assert values[2] == f"{(f.get('granted', 0) + f.get('partial', 0)) / f['total']:.0%}"
        assert number(values[3]) == denied
    # region pages: each agency's latest counted report
    reports = read(package, "reports")
    latest = {}
    for r in sorted((r for r in reports if not r.get("superseded_by") and r["status"] != "duplicate" and r["year"]),
                    key=lambda r: (r["year"], r["source_file"])):
        latest[file_name(r["agency_id"])] = r
    checks = read(package, "checks")
    seen = 0
    for path in (site / "regions").glob("*.html"):
        for name, year, cells in re.findall(r'<tr><td><a href="\.\./agencies/([^"]+)\.html">.*?</a></td><td>.*?</td><td>(\d*)</td>((?:<td class="num">[^<]*</td>)+)</tr>',
                                            path.read_text(encoding="utf-8")):
            r = latest[name]
            f = facts[r["report_id"]]
            values = re.findall(r'<td class="num">([^<]*)</td>', cells)
            assert year == r["year"]
            assert values[0] == (f"{f['total']:g}" if "total" in f else "")
            granted = [f[k] for k in ("granted", "partial") if k in f]
            assert values[1] == (f"{sum(granted):g}" if granted else "")
            assert int(values[3]) == sum(1 for c in checks if c["report_id"] == r["report_id"] and c["severity"] in ("error", "warning"))
            seen += 1
    assert seen >= 5


# --- primary and secondary files ---------------------------------------------------------------

def test_a_secondary_file_is_a_note_under_its_year_and_counts_nowhere(built):
    site, package = built
    reports = read(package, "reports")
    secondary = [r for r in reports if r.get("superseded_by")]
    assert secondary
    by_id = {r["report_id"]: r for r in reports}
    for s in secondary:
        primary = by_id[s["superseded_by"]]
        aid = primary["agency_id"]
        text = (site / "agencies" / f"{file_name(aid)}.html").read_text(encoding="utf-8")
        # the primary has the year's section, the secondary a note right under its heading
        assert f'<h2 id="r-{primary["report_id"]}">' in text and f'<h2 id="r-{s["report_id"]}">' not in text
        section = text.split(f'<h2 id="r-{primary["report_id"]}">', 1)[1].split("<h2", 1)[0]
        note = re.search(rf'<p class="xxgk-secondary" id="r-{s["report_id"]}">(.*?)</p>', section, re.DOTALL)
        assert note and "未采用" in note.group(1) and s["source_file"] in unescape(note.group(1))
        assert f'href="../sources/{file_name(s["report_id"])}.html"' in note.group(1)
        assert (site / "sources" / f"{file_name(s['report_id'])}.html").is_file()
        if s["report_id"] in {c["report_id"] for c in read(package, "checks")}:
            assert f'href="../quality.html#q-{s["report_id"]}"' in note.group(1)
        # the agency's counts are its primary reports'
        primaries = [r for r in reports if r["agency_id"] == aid and not r.get("superseded_by") and r["status"] != "duplicate"]
        assert f"报告 {len(primaries)} 份" in text
        assert text.count('<h2 id="r-') == len(primaries)
        agency_csv = (site / "agencies" / f"{file_name(aid)}.csv").read_text(encoding="utf-8-sig")
        assert primary["report_id"] in agency_csv and s["report_id"] not in agency_csv
        listing = (site / "agencies" / "index.html").read_text(encoding="utf-8")
        row = re.search(rf'<tr(?: data-r="[^"]*")?><td><a href="\.\./agencies/{file_name(aid)}\.html">.*?</tr>', listing).group(0)
        assert row.endswith(f'<td class="num">{len(primaries)}</td></tr>')
        # nowhere else
        assert f"#r-{s['report_id']}\"" not in (site / "rankings.html").read_text(encoding="utf-8")
        quality = (site / "quality.html").read_text(encoding="utf-8")
        if f'id="q-{s["report_id"]}"' in quality:
            assert quality.index(f'id="q-{s["report_id"]}"') > quality.index("未计入的文件")
