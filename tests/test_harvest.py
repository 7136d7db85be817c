"""The harvest against a local web server that mirrors report columns: a list page in two pages
(下一页), a list paged by a TRS `createPageHTML` call, a report article, an article whose report is
only its PDF attachment, a notice that is no report, an article robots.txt forbids, and a site
that refuses (403). Run three times: the second run adds nothing and revalidates with conditional
requests; the third finds one article changed and adds it as a new version beside the first."""

import csv
from itertools import pairwise
from pathlib import Path

import pytest
from conftest import SEEDS, xxgk
from mirror import serve

FORMATS = Path(__file__).parent / "fixtures" / "formats"


def _routes() -> dict[str, tuple[int, str, bytes]]:
    html = "text/html; charset=utf-8"
    listing = ("<html><body><ul>"
               "<li><a href='a1.html'>平潭综合实验区管委会办公室2025年政府信息公开工作年度报告</a></li>"
               "<li><a href='n.html'>关于做好2025年政府信息公开工作年度报告编制工作的通知</a></li>"
               "</ul><a href='index_1.html'>下一页</a></body></html>")
    second = ("<html><body><ul>"
              "<li><a href='a2.html' title='淮安市洪泽区人民政府2024年政府信息公开工作年度报告'>淮安市洪泽区人民政府2024年…</a></li>"
              "<li><a href='/private/a3.html'>某某局2023年政府信息公开年报</a></li>"
              "</ul></body></html>")
    article = ("<html><head><title>淮安市洪泽区人民政府2024年政府信息公开工作年度报告</title></head><body>"
               "<h1>淮安市洪泽区人民政府2024年政府信息公开工作年度报告</h1>"
               "<p>附件：<a href='/files/report.pdf'>洪泽区2024年报.pdf</a></p></body></html>")
    return {
        "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /private/\n"),
        "/zfxxgknb/index.html": (200, html, listing.encode()),
        "/zfxxgknb/index_1.html": (200, html, second.encode()),
        "/zfxxgknb/a1.html": (200, html, (SEEDS / "26-gwh-2025-html" / "input.html").read_bytes()),
        "/zfxxgknb/n.html": (200, html, "<html><body>通知</body></html>".encode()),
        "/zfxxgknb/a2.html": (200, html, article.encode()),
        "/files/report.pdf": (200, "application/pdf", (FORMATS / "hzq-2024.pdf").read_bytes()),
        "/private/a3.html": (200, html, b"<html><body>private</body></html>"),
        "/refuses/index.html": (403, html, b"Forbidden"),
        "/hostile/index.html": (200, html, ("<html><body>"
                                            "<a href='loop.html'>某某局2025年政府信息公开工作年度报告</a>"
                                            "<a href='huge.pdf'>某某局2024年政府信息公开工作年度报告</a>"
                                            "<a href='slow.html'>某某局2023年政府信息公开工作年度报告</a>"
                                            "<a href='gone.html'>某某局2022年政府信息公开工作年度报告</a>"
                                            "<a href='junk.html'>某某局2021年政府信息公开工作年度报告</a>"
                                            "</body></html>").encode()),
        "/hostile/huge.pdf": (200, "application/pdf", b"%PDF-1.4\n" + b"0" * (21 * 1024 * 1024)),
        "/hostile/junk.html": (200, "image/png", b"\x89PNG junk"),
        "/empty/index.html": (200, html, "<html><body><ul><li><a href='x.html'>工作动态</a></li></ul></body></html>".encode()),
        "/trs/index.html": (200, html, b"<html><body><ul></ul><script>createPageHTML(2, 0, \"index\", \"html\");</script></body></html>"),
        "/trs/index_1.html": (200, html, "<html><body><a href='t1.html'>行政审批局2025年政府信息公开工作年度报告</a></body></html>".encode()),
        "/trs/t1.html": (200, html, (SEEDS / "27-hzs-2025-html" / "input.html").read_bytes()),
    }


@pytest.fixture(scope="module")
def server():
    routes = _routes()
    with serve(routes) as (base, seen):
        yield base, seen, routes


@pytest.fixture(scope="module")
def runs(server, tmp_path_factory):
    base, seen, routes = server
    work = tmp_path_factory.mktemp("harvest")
    sites = work / "sites.yaml"
    sites.write_text(f"sites:\n  - name: column\n    url: {base}/zfxxgknb/index.html\n"
                     f"  - name: refuses\n    url: {base}/refuses/index.html\n"
                     f"  - name: trs\n    url: {base}/trs/index.html\n"
                     f"  - name: hostile\n    url: {base}/hostile/index.html\n"
                     f"  - name: capped\n    url: {base}/trs/index.html\n    max_pages: 1\n"
                     f"  - name: empty\n    url: {base}/empty/index.html\n", encoding="utf-8")
    args = [sites, "--corpus", work / "corpus", "--archive", work / "warc", "--http-cache", work / "http", "--delay", "0.2",
            "--timeout", "1"]
    out, asked = [], []
    for change in (False, False, True):
        if change:  # the agency republishes its 2025 report, changed
            status, kind, body = routes["/zfxxgknb/a1.html"]
            routes["/zfxxgknb/a1.html"] = (status, kind, body.replace("持续完善政府信息公开工作机制".encode(), "不断完善政府信息公开工作机制".encode()))
        before = len(seen)
        out.append(xxgk("harvest", *args, timeout=300))
        asked.append([(a.path, a.headers, a.at) for a in seen[before:]])
    return work, out, asked


def test_the_harvest_adds_the_reports_of_the_columns(runs):
    work, (first, *_), (asked, *_) = runs
    assert first.returncode == 0, first.stderr
    assert "3 files added" in first.stdout
    provenance = (work / "corpus" / ".provenance.tsv").read_text(encoding="utf-8").splitlines()
    files = sorted(line.split("\t")[0] for line in provenance[1:4])
    assert files[0].startswith("2024/") and files[0].endswith(".pdf") and all(f.startswith("2025/") for f in files[1:])
    pdf = next(line for line in provenance if "/zfxxgknb/index_1.html\t" in line)
    assert "/files/report.pdf" in pdf and "/zfxxgknb/a2.html" in pdf  # the file, its article, its list page
    assert any("/trs/index_1.html\t" in line for line in provenance)  # the page a TRS call declares
    paths = [p for p, _, _ in asked]
    assert "/zfxxgknb/n.html" not in paths  # a notice is no report
    assert "/private/a3.html" not in paths  # robots.txt forbids it
    assert all("xxgk-harvest" in h.get("User-Agent", "") for _, h, _ in asked)
    out = first.stdout
    assert "blocked by robots.txt" in out and "HTTP 403" in out
    assert "summary: 6 sites, 3 files added" in out
    assert "empty/index.html: lists no report article" in out  # a column where nothing is found is said, not passed over
    capped = out.split("capped:", 1)[1].split("\n", 2)[1]
    assert "stopped at max_pages (1): 1 more list pages not walked" in capped  # never silent about a walk cut short
    gaps = [b[2] - a[2] for a, b in pairwise(asked)]
    assert min(gaps) >= 0.15  # one request at a time, the delay (0.2 s) between them, less the jitter of a busy machine


def test_every_response_is_archived_as_warc(runs):
    from warcio.archiveiterator import ArchiveIterator

    work = runs[0]
    urls: set[str] = set()
    for warc in (work / "warc").glob("*.warc.gz"):
        with open(warc, "rb") as f:
            for record in ArchiveIterator(f):
                if record.rec_type == "response":
                    urls.add(record.rec_headers.get_header("WARC-Target-URI").split("/", 3)[3])
                    record.content_stream().read()
    assert {"zfxxgknb/index.html", "zfxxgknb/index_1.html", "zfxxgknb/a1.html", "zfxxgknb/a2.html", "files/report.pdf"} <= urls


def test_a_second_run_adds_nothing_and_asks_conditionally(runs):
    _, (_, second, _), (_, asked, _) = runs
    assert second.returncode == 0, second.stderr
    assert "0 files added" in second.stdout and "already held" in second.stdout
    listing = [h for p, h, _ in asked if p == "/zfxxgknb/index.html"]
    assert listing and all("If-None-Match" in h for h in listing)


def test_a_changed_republication_is_a_new_version_beside_the_old(runs):
    work, (*_, third), _ = runs
    assert third.returncode == 0, third.stderr
    assert "1 files added" in third.stdout and "a new version beside it" in third.stdout
    held = sorted(p.name for p in (work / "corpus" / "2025").iterdir())
    assert len(held) == 3  # both versions of the 2025 report, and the other agency's
    # the package says so: the later file names the earlier one it follows at the same address
    from xxgk.package import build

    build(work / "corpus", work / "package", jobs=1)
    with open(work / "package" / "data" / "checks.csv", encoding="utf-8", newline="") as f:
        said = [r for r in csv.DictReader(f) if r["code"] == "republished-report"]
    assert len(said) == 1 and "/zfxxgknb/a1.html" in said[0]["message_en"] and said[0]["severity"] == "info"


def test_hostile_answers_are_said_per_site_and_never_fail_the_run(runs):
    _, (first, *_), _ = runs
    assert first.returncode == 0
    hostile = first.stdout.split("hostile:", 1)[1].split("\ntrs:", 1)[0]
    for address, why in [("loop.html", "redirect"), ("huge.pdf", "size cap"), ("slow.html", "timed out"), ("gone.html", "HTTP 404"),
                         ("junk.html", "content type")]:
        line = next((x for x in hostile.splitlines() if address in x), "")
        assert "failed" in line and why in line, (address, hostile)


def test_what_a_column_lists_is_recorded_once_as_evidence_of_publication(runs):
    import csv

    work = runs[0]
    with open(work / "corpus" / ".listed.tsv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    column = {(r["year"], r["article"].split("/", 3)[3]) for r in rows if r["site"] == "column"}
    # the robots-forbidden article is still evidence that a 2023 report was published; the notice is not listed
    assert column == {("2025", "zfxxgknb/a1.html"), ("2024", "zfxxgknb/a2.html"), ("2023", "private/a3.html")}
    assert len(rows) == len({(r["site"], r["article"]) for r in rows})  # three runs, each listing recorded once
    assert {r["year"] for r in rows if r["site"] == "hostile"} == {"2021", "2022", "2023", "2024", "2025"}


def test_each_column_walked_is_recorded_once(runs):
    import csv

    work = runs[0]
    with open(work / "corpus" / ".harvested.tsv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    # the site that refuses was never walked: its agency's missing years stay "site not harvested"
    assert [r["site"] for r in rows] == ["column", "trs", "hostile", "capped", "empty"]
    assert all(r["since"] and r["url"].startswith("http://127.0.0.1:") for r in rows)
