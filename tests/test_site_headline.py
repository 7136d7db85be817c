"""An agency page opens on its latest year against its peers: the sentence's numbers are the
package's, the peers' medians are those recomputed here from the package's files (agencies of the
same level and type, of the province when at least 10 have the figure, else of the country; no
comparison from fewer than 10), an empty year is said in words; the agency's JSON holds the
figures of its CSV; the error report is offered only with XXGK_REPO_URL."""

import csv
import json
import re
import statistics
import sys
from collections import defaultdict
from html import unescape
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import ROOT
from test_site import edit_csv

from xxgk.site.headline import MIN_PEERS, headline, peer_figures, peer_table, peers_of
from xxgk.site.html import fmt, percent
from xxgk.site.pages import file_name, fragments_dir, write_pages
from xxgk.site.published import ReportFigures
from xxgk.site.strings import t

N = 100  # synthetic reports, 2021–2025: about 20 a year
REPO = "https://github.com/example/xxgk"


def kind_of(k: int) -> tuple[str, str, str]:
    """The level, type and province given to the k-th agency (by id): most are county departments
    of 河南省; every fifth a township (too few to compare); every fifth but one a department of
    广东省 (too few in its province: compared with the country's)."""
    if k % 5 == 0:
        return "township", "township", "410000"
    if k % 5 == 1:
        return "county", "department", "440000"
    return "county", "department", "410000"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from xxgk.package import build

    work = tmp_path_factory.mktemp("headline")
    sys.path[:0] = [str(ROOT / "scripts")]
    import synth

    synth.generate(work / "corpus", N, seed=3)
    build(work / "corpus", work / "package", validate=False, jobs=1)
    ids = sorted(r["agency_id"] for r in read(work / "package", "agencies"))

    def give(row):
        level, kind, code = kind_of(ids.index(row["agency_id"]))
        row.update(level=level, agency_type=kind, province_code=code, region_status="resolved",
                   province={"410000": "河南省", "440000": "广东省"}[code])

    edit_csv(work / "package", "agencies", give)
    site = write_pages(work / "package", work / "docs", work / "corpus", ROOT / "docs", jobs=1)
    return work, site


def read(package: Path, name: str) -> list[dict]:
    with open(package / "data" / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def page(work: Path, aid: str, docs: str = "docs") -> str:
    return (fragments_dir(work / docs) / "agencies" / f"{file_name(aid)}.html").read_text(encoding="utf-8")


def expected(package: Path) -> tuple[dict, dict, dict]:
    """Straight from the package's files: each agency's latest counted report, each counted
    report's new requests (requests·new·total, as reported), and the agencies."""
    reports = [r for r in read(package, "reports") if not r.get("superseded_by") and r["status"] != "duplicate" and r["year"] and r["agency_id"]]
    latest: dict[str, dict] = {}
    for r in sorted(reports, key=lambda r: (int(r["year"]), r["source_file"])):
        latest[r["agency_id"]] = r
    facts = pq.read_table(package / "data" / "facts.parquet", filters=[("section", "in", ["requests", "appeals"])]).to_pylist()
    new = {f["report_id"]: f["value"] for f in facts if f["section"] == "requests" and f["row"] == "new" and f["column"] == "total" and f["status"] == "reported"}
    agencies = {a["agency_id"]: a for a in read(package, "agencies")}
    return latest, {r["report_id"]: r for r in reports}, {"new": new, "agencies": agencies, "facts": facts}


def peers_row(text: str, name: str) -> list[str]:
    """(own, median, compared, whom with) of a measure's row; the peer group from the caption
    when every row has the same one (the table then has no column for it)."""
    row = re.search(rf"<tr><th>{re.escape(name)}</th>(.*?)</tr>", text).group(1)
    cells = [unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
    if len(cells) == 3:
        caption = unescape(re.search(r'<table class="xxgk-list xxgk-peers"><caption>(.*?)</caption>', text).group(1))
        assert re.search(r"<th[^>]*>" + re.escape(t("peers_who")), text) is None
        cells.append(caption.split("：", 1)[1])
    return cells


def test_the_sentence_gives_the_packages_figures(built):
    work, _site = built
    latest, _, data = expected(work / "package")
    figures = defaultdict(dict)
    for f in data["facts"]:
        if f["status"] == "reported" and f["column"] == "total":
            figures[f["report_id"]][f["row"]] = f["value"]
    seen = 0
    for aid, r in latest.items():
        text = page(work, aid)
        assert text.index('id="headline"') < text.index('class="xxgk-meta"')  # the page opens on it
        sentence = unescape(re.search(r'<h2 id="headline">.*?</h2>\s*<p>(.*?)</p>', text, re.DOTALL).group(1))
        got = figures[r["report_id"]]
        assert sentence.startswith(t("headline_lead", year=r["year"], clauses="")[:-1].rstrip("，"))
        if got["new"] == 0 and not got["total"]:  # an empty year, in words
            seen += 1
            assert t("headline_no_requests") in sentence and t("headline_new", new=0) not in sentence
            chart = re.search(r'class="xxgk-small">(.*?)</script>', text.split('class="xxgk-meta"')[0])
            assert chart is None or any(v for _, v in json.loads(chart.group(1))["values"])  # never a frame of zeros
            continue
        assert t("headline_new", new=fmt(got["new"])) in sentence
        assert t("headline_handled", handled=fmt(got["total"])) in sentence
        granted = got.get("granted", 0) + got.get("partial", 0)
        assert f"{fmt(granted)} 件，占 {percent(granted, got['total'])}" in sentence
        assert t("headline_appeals", review=fmt(got["review"]), litigation=fmt(got.get("litigation_direct", 0) + got.get("litigation_after_review", 0))) in sentence
    assert seen  # the corpus has one


def test_peer_medians_are_those_of_the_package(built):
    work, _site = built
    latest, reports, data = expected(work / "package")
    agencies, new = data["agencies"], data["new"]
    group = defaultdict(list)  # (year, level, type, province or "") -> new requests of its reports
    for r in reports.values():
        a = agencies[r["agency_id"]]
        if r["report_id"] in new:
            for place in ("", a["province_code"]):
                group[(r["year"], a["level"], a["agency_type"], place)].append(new[r["report_id"]])
    seen = defaultdict(int)
    for aid, r in latest.items():
        a = agencies[aid]
        here, nation = (group[(r["year"], a["level"], a["agency_type"], p)] for p in (a["province_code"], ""))
        own, median, compared, who = peers_row(page(work, aid), t("series_new"))
        assert own == fmt(new[r["report_id"]])
        if len(here) >= MIN_PEERS:
            seen["province"] += 1
            assert median == fmt(statistics.median(here)) and who == t("peers_group", where=a["province"], kind="县级政府部门", n=len(here))
        elif len(nation) >= MIN_PEERS:
            seen["national"] += 1
            assert median == fmt(statistics.median(nation)) and str(len(nation)) in who and t("peers_national") in who
        else:  # too few: no median, no comparison, and the page says so
            seen["few"] += 1
            assert median == "—" and compared == "—" and who == t("peers_too_few", n=max(len(here), len(nation)))
    assert seen["province"] and seen["national"] and seen["few"], seen  # every case is met


def test_peer_figures_read_at_once_are_the_reports_own(built):
    """The parent reads the compared figures of every report at once; they are those a page computes."""
    _work, site = built
    rids = [r["report_id"] for r in site.pub.counted][:30]
    site.pub.kept_figures = {}
    fresh = {rid: site.pub._figures.pop(rid) for rid in rids}
    read_at_once = peer_figures(site.pub, rids)
    site.pub._figures.update(fresh)
    for rid in rids:
        for name in ("new", "handled", "granted", "denied", "not_held", "review", "litigation", "outcomes"):
            assert getattr(read_at_once[rid], name) == getattr(fresh[rid], name), (rid, name)
    assert peer_table(site) == peers_of(site)  # and the table the pages were made with


def test_an_empty_year_is_said_in_words_without_a_chart(built):
    _work, site = built
    aid = next(aid for aid, p in peers_of(site).items()
               if p.get("new", {}).get("scope") and any(v for _, v in site.pub.figures(p["report_id"]).outcomes))
    rid = peers_of(site)[aid]["report_id"]
    kept = site.pub._figures[rid]
    site.pub._figures[rid] = ReportFigures(handled=0, outcomes=(), outcome_sum=None, applicants=(), new=0, granted=None,
                                           denied=None, not_held=None, review=0, litigation=0, appeals=())
    quiet = {**peers_of(site)[aid], **{m: {**peers_of(site)[aid][m], "median": 0} for m in ("new", "review", "litigation")}}
    try:
        text = "\n".join(headline(site, aid, quiet))
    finally:
        site.pub._figures[rid] = kept
    assert t("headline_no_requests") in text and "<figure" not in text
    # with figures, the chart of how the requests were answered
    assert f'<figure class="xxgk-chart" id="chart-outcomes-{rid}"' in "\n".join(headline(site, aid, peers_of(site)[aid]))


def test_the_json_holds_the_figures_of_the_csv(built):
    work, site = built
    folder = fragments_dir(work / "docs") / "agencies"
    aid = min(site.agencies)
    with open(folder / f"{file_name(aid)}.csv", encoding="utf-8-sig", newline="") as f:
        rows = [(r["report_id"], r["section"], r["row"], r["column"], r["value"], r["source_line"]) for r in csv.DictReader(f)]
    doc = json.loads((folder / f"{file_name(aid)}.json").read_text(encoding="utf-8"))
    fields = doc["fields"]
    got = [(rep["report_id"], *(fmt(v) if k == "value" else "" if v is None else str(v)
                                for k, v in zip(fields, fig) if k in ("section", "row", "column", "value", "source_line")))
           for rep in doc["reports"] for fig in rep["figures"]]
    assert got == rows and rows
    assert doc["agency"]["agency_id"] == aid
    requests = doc["labels"]["requests"]
    assert requests["rows"]["new"]["label_zh"] and requests["rows"]["new"]["label_en"]
    assert f'href="../agencies/{file_name(aid)}.json"' in page(work, aid)


def test_errors_are_reported_only_with_a_repository(built, monkeypatch):
    work, site = built
    aid = min(site.agencies)
    plain = page(work, aid)
    assert "xxgk-issue" not in plain and "data-k=" not in plain and "/issues/new" not in plain
    monkeypatch.setenv("XXGK_REPO_URL", REPO + "/")
    write_pages(work / "package", work / "docs-repo", work / "corpus", ROOT / "docs", jobs=1)
    text = page(work, aid, "docs-repo")
    link = re.search(r'<p class="xxgk-issue"[^>]*><a href="([^"]+)"', text).group(1)
    assert unescape(link).startswith(REPO + "/issues/new?title=")
    assert f'data-repo="{REPO}"' in text and re.search(r'<table class="xxgk-report" data-k="requests [0-9,-]+ [0-9,-]+">', text)
    print(f"bytes added to {aid}'s page by the error report: {len(text.encode()) - len(plain.encode())}")
    assert len(text.encode()) - len(plain.encode()) < 600 * len(site.by_agency[aid]) + 300  # its codes and one link
    words = json.loads((work / "docs-repo" / "javascripts" / "package.js").read_text(encoding="utf-8").split(" = ", 1)[1].rstrip(";\n"))
    assert words["issue"]["body"].count("{") == 7  # the figure's issue, worded once
    # a table's codes, by their places in the shared order (as xxgk.js reads them), are its figures'
    rid = site.by_agency[aid][-1]["report_id"]
    div = text[text.index(f'data-r="{rid}"'):]
    rows, cols = re.search(r'data-k="requests ([0-9,-]+) ([0-9,-]+)"', div).groups()

    def places(runs: str) -> list[int]:
        return [i for run in runs.split(",") for a, _, b in [run.partition("-")] for i in range(int(a), int(b or a) + 1)]

    order = words["codes"]["requests"]
    got = {(order["rows"][i], order["columns"][j]) for i in places(rows) for j in places(cols)}
    with open(fragments_dir(work / "docs") / "agencies" / f"{file_name(aid)}.csv", encoding="utf-8-sig", newline="") as f:
        assert got == {(r["row"], r["column"]) for r in csv.DictReader(f) if r["report_id"] == rid and r["section"] == "requests"}
