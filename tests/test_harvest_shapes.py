"""The harvest against columns of the shapes government sites serve, mirrored on a local server:
Pingtan's real TRS column (ten items in the page, ten more on the static page its script counts),
a Hanweb (大汉) column whose records sit in a datastore and come in groups from `dataproxy.jsp`,
a list a script loads from a JSON address in pages, and numbered pages whose rows link 查看 and
lead to a column of year columns. Articles carry their report as text, behind a PDF.js viewer, or
as a Word file behind a download script. The harvest must find every report article and file,
add nothing else, archive every answer in WARC files that validate, and add nothing on a second run."""

import csv
import hashlib
import json
import re
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from conftest import SEEDS, xxgk
from mirror import serve

HERE = Path(__file__).parent / "fixtures"
HTML = "text/html; charset=utf-8"


def _article(title: str, case: str) -> bytes:
    """A report article: the real page of a case with its HTML, else the crawled text as paragraphs."""
    folder = SEEDS / case
    if (folder / "input.html").exists():
        return (folder / "input.html").read_bytes()
    lines = (folder / "input.txt").read_text(encoding="utf-8").splitlines()
    body = "".join(f"<p>{line}</p>" for line in lines)
    return f"<html><head><title>{title}</title></head><body><div class='article'><h1>{title}</h1>{body}</div></body></html>".encode()


def _pingtan(routes: dict, expect: dict) -> str:
    column = "/zwgk/zfxxgk/zfxxgknb/"
    routes[column] = (200, HTML, (HERE / "harvest" / "pingtan-index.htm").read_bytes())
    routes[column + "index_1.htm"] = (200, HTML, (HERE / "harvest" / "pingtan-index_1.htm").read_bytes())
    cases = iter(["26-gwh-2025-html", "21-gyz-2024", "27-hzs-2025-html", "29-shs-2025-html", "32-jjp-2019", "02-jjf-2020",
                  "03-zhz-2020", "04-jjp-2020", "05-gaj-2021", "06-gyz-2021", "07-hzs-2021", "08-nyn-2021", "09-shs-2021",
                  "10-zrz-2021", "11-gwh-2022", "12-jtj-2022", "13-lyy-2022", "14-scj-2022", "15-htp-2022"])
    for page in ("pingtan-index.htm", "pingtan-index_1.htm"):
        text = (HERE / "harvest" / page).read_text(encoding="utf-8")
        for href, title in re.findall(r'<a href="\./([^"]+)" target="_blank" title="([^"]+)">', text):
            path = column + href
            if "要点" in title:  # the column's one letter that is no report
                routes[path] = (200, HTML, f"<html><body><h1>{title}</h1><p>函</p></body></html>".encode())
                continue
            routes[path] = (200, HTML, _article(title, next(cases)))
            expect[path] = path
    return column


def _hanweb(routes: dict, expect: dict) -> tuple[str, object]:
    """Three records in the page's datastore (one a notice), two more from the proxy in one group."""
    def record(href: str, title: str) -> str:
        return f"<record><![CDATA[<li><a href='{href}' title='{title}' target='_blank'>{title[:12]}…</a><span>2024-01-20</span></li>]]></record>"

    store = ("<datastore><nextgroup><![CDATA[<a href=\"/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=3179&path=/"
             "&columnid=1229440617&unitid=3303541&webname=%E6%9F%90%E5%B8%82&permissiontype=0\"></a>]]></nextgroup><recordset>"
             + record("/art/2024/1/20/art_1229440617_1.html", "某市农业农村局2022年政府信息公开工作年度报告")
             + record("/art/2024/1/20/art_1229440617_2.html", "某市司法局2024年政府信息公开工作年度报告")
             + record("/art/2024/1/20/art_1229440617_3.html", "关于做好2024年政府信息公开工作年度报告发布工作的通知")
             + "</recordset></datastore>")
    page = ("<html><body><div class='lm'>政府信息公开年报</div><div id='3303541'><script type='text/xml'>" + store +
            "</script></div><script language='javascript' src='/module/jslib/jquery/jpage/jquery.page.min.js'></script>"
            "<script>$(document).ready(function(){ $('#3303541').jpage({ dataStore: $('#3303541 script[type=\"text/xml\"]'),"
            " totalRecord:5, dataBefore:'<ul>', dataAfter:'</ul>', perPage:2, groupSize:1, proxyUrl:'/module/web/jpage/dataproxy.jsp',"
            " showMode:'full' });});</script></body></html>")
    routes["/col/col1229440617/index.html"] = (200, HTML, page.encode())
    routes["/art/2024/1/20/art_1229440617_1.html"] = (200, HTML, _article("", "16-spp-2022"))
    docx = (HERE / "formats" / "25-jjp-2024.docx").read_bytes()
    routes["/art/2024/1/20/art_1229440617_2.html"] = (200, HTML, (
        "<html><body><h1>某市司法局2024年政府信息公开工作年度报告</h1><p>附件：<a href='/module/download/downfile.jsp?"
        "classid=0&showname=2024%E5%B9%B4%E6%8A%A5.docx&filename=f3a1.docx'>2024年报.docx</a></p></body></html>").encode())
    routes["/module/download/downfile.jsp?classid=0&showname=2024%E5%B9%B4%E6%8A%A5.docx&filename=f3a1.docx"] = (
        200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx)
    routes["/art/2024/1/20/art_1229440617_3.html"] = (200, HTML, "<html><body>通知</body></html>".encode())
    routes["/art/2024/1/21/art_1229440617_4.html"] = (200, HTML, _article("", "17-czj-2023"))
    routes["/art/2024/1/21/art_1229440617_5.html"] = (200, HTML, _article("", "18-nyn-2023"))
    for path in ("/art/2024/1/20/art_1229440617_1.html", "/art/2024/1/21/art_1229440617_4.html", "/art/2024/1/21/art_1229440617_5.html"):
        expect[path] = path
    expect["/module/download/downfile.jsp?classid=0&showname=2024%E5%B9%B4%E6%8A%A5.docx&filename=f3a1.docx"] = \
        "/art/2024/1/20/art_1229440617_2.html"

    def posts(path: str, body: bytes):
        form = urllib.parse.parse_qs(body.decode())
        if path.startswith("/module/web/jpage/dataproxy.jsp?startrecord=4&endrecord=5") and form.get("columnid") == ["1229440617"]:
            return (200, "text/xml; charset=utf-8", ("<datastore><totalrecord>5</totalrecord><recordset>"
                    + record("/art/2024/1/21/art_1229440617_4.html", "某市财政局2023年政府信息公开工作年度报告")
                    + record("/art/2024/1/21/art_1229440617_5.html", "某市农业农村局2023年政府信息公开工作年度报告")
                    + "</recordset></datastore>").encode())
        return None

    return "/col/col1229440617/index.html", posts


def _scripted(routes: dict, expect: dict) -> str:
    page = ("<html><body><ul id='list'></ul><script src='/js/jquery.js'></script><script>"
            "$.ajax({url: '/gknb/api/list?page=1&size=2', dataType: 'json', success: function(d){ render(d.data.list); }});"
            "</script></body></html>")
    routes["/gknb/index.html"] = (200, HTML, page.encode())
    items = [{"id": 1, "title": "某区住建局2023年政府信息公开工作年度报告", "linkUrl": "/gknb/a1.html", "pubDate": "2024-01-30"},
             {"id": 2, "title": "<em>某区市场监管局</em>2023年政府信息公开工作年度报告", "linkUrl": "/gknb/a2.html"},
             {"id": 3, "title": "某区2024年政务公开工作要点", "linkUrl": "/gknb/a3.html"},
             {"id": 4, "title": "某区交通运输局2023年政府信息公开工作年度报告", "linkUrl": "/gknb/a4.html"}]
    for n in (1, 2):
        routes[f"/gknb/api/list?page={n}&size=2"] = (200, "application/json", json.dumps(
            {"code": 0, "data": {"total": 4, "pageSize": 2, "list": items[(n - 1) * 2:n * 2]}}, ensure_ascii=False).encode())
    routes["/gknb/a1.html"] = (200, HTML, _article("某区住建局2023年政府信息公开工作年度报告", "20-jsp-2023"))
    routes["/gknb/a2.html"] = (200, HTML, (b"<html><body><h1>2023</h1><iframe src='/pdfjs/web/viewer.html?"
                                           b"file=/gknb/files/2023.pdf'></iframe></body></html>"))
    routes["/gknb/files/2023.pdf"] = (200, "application/pdf", (HERE / "formats" / "hzq-2023.pdf").read_bytes())
    routes["/gknb/a3.html"] = (200, HTML, "<html><body>要点</body></html>".encode())
    routes["/gknb/a4.html"] = (200, HTML, _article("某区交通运输局2023年政府信息公开工作年度报告", "19-zhz-2023"))
    expect.update({"/gknb/a1.html": "/gknb/a1.html", "/gknb/files/2023.pdf": "/gknb/a2.html", "/gknb/a4.html": "/gknb/a4.html"})
    return "/gknb/index.html"


def _numbered(routes: dict, expect: dict) -> str:
    def table(rows: str, current: int) -> bytes:
        pager = " ".join(f"<a href='list.jsp?page={n}'>{n}</a>" for n in (1, 2)) + " <a href='list.jsp?page=2'>下一页</a>"
        return (f"<html><body><table class='list'>{rows}</table><div class='pager'>{pager} 第{current}页</div>"
                "<div class='side'><a href='/other/x.html'>2024年政府工作报告</a></div></body></html>").encode()

    routes["/nb/list.jsp?page=1"] = (200, HTML, table(
        "<tr><td>某街道办事处2024年政府信息公开工作年度报告</td><td>2025-01-20</td><td><a href='view.jsp?id=11'>查看</a></td></tr>"
        "<tr><td>洪泽区2024年政府信息公开工作年度报告</td><td>2025-01-21</td><td><a href='view.jsp?id=12'>查看</a></td></tr>", 1))
    # a download of no suffix, no stated kind: its name only in the link's text and the server's Content-Disposition
    routes["/nb/view.jsp?id=12"] = (200, HTML, "<html><body><h1>年报</h1><p>附件：<a href='download?id=7'>2024年报.pdf</a></p></body></html>".encode())
    routes["/nb/download?id=7"] = (200, "application/octet-stream", (HERE / "formats" / "hzq-2024.pdf").read_bytes(),
                                   {"Content-Disposition": "attachment; filename*=UTF-8''2024%E5%B9%B4%E6%8A%A5.pdf"})
    expect["/nb/download?id=7"] = "/nb/view.jsp?id=12"
    routes["/nb/list.jsp?page=2"] = (200, HTML, table(
        "<tr><td><a href='y2023/index.html'>2023年度报告</a></td><td></td></tr>", 2))
    routes["/nb/view.jsp?id=11"] = (200, HTML, _article("某街道办事处2024年政府信息公开工作年度报告", "22-jjf-2024"))
    routes["/nb/y2023/index.html"] = (200, HTML, (
        "<html><body><h2>2023年度报告</h2><ul><li><a href='a.html'>某镇人民政府2023年政府信息公开工作年度报告</a></li>"
        "<li><a href='/nb/list.jsp?page=1'>返回</a></li></ul></body></html>").encode())
    routes["/nb/y2023/a.html"] = (200, HTML, _article("某镇人民政府2023年政府信息公开工作年度报告", "24-scj-2024"))
    expect.update({"/nb/view.jsp?id=11": "/nb/view.jsp?id=11", "/nb/y2023/a.html": "/nb/y2023/a.html"})
    return "/nb/list.jsp?page=1"


def _portal(routes: dict) -> None:
    """A portal's way to its column: home → 政务公开 → 政府信息公开 → 政府信息公开年报 (and its decoys)."""
    def page(links: str, title: str = "首页_某某区人民政府") -> bytes:
        return f"<html><head><title>{title}</title></head><body><nav>{links}</nav></body></html>".encode()

    routes["/"] = (200, HTML, page("<a href='/zwgk/'>政务公开</a><a href='/hdjl/'>互动交流</a><a href='http://other.example/'>政府信息公开</a>"))
    routes["/zwgk/"] = (200, HTML, page("<a href='/zwgk/zfxxgk/'>政府信息公开</a><a href='/zwgk/zfgzbg/'>政府工作报告</a>"))
    routes["/zwgk/zfxxgk/"] = (200, HTML, page(
        "<a href='zfxxgkzn/'>政府信息公开指南</a><a href='zfxxgknb/nlist.htm'><span>政府信息<br>公开年报</span></a>"
        "<a href='/zwgk/bm/gknb/'>部门信息公开年报</a><a href='zfxxgknb/202603/t20260313_105587.htm'>平潭综合实验区2025年度政府信息公开工作年度报告</a>"))
    routes["/zwgk/zfxxgk/zfxxgknb/nlist.htm"] = routes["/zwgk/zfxxgk/zfxxgknb/"]
    routes["/zwgk/bm/gknb/"] = (200, HTML, page("<p>暂无信息</p>"))


@pytest.fixture(scope="module")
def mirrored(tmp_path_factory):
    routes: dict = {"/robots.txt": (200, "text/plain", b"User-agent: *\nAllow: /\n")}
    expect: dict[str, str] = {}  # a report file's path → the article it was linked from (itself for an article)
    columns = {"pingtan": _pingtan(routes, expect)}
    columns["hanweb"], posts = _hanweb(routes, expect)
    columns["scripted"] = _scripted(routes, expect)
    columns["numbered"] = _numbered(routes, expect)
    _portal(routes)
    regions = {"pingtan": "福建省", "hanweb": "浙江省", "scripted": "福建省", "numbered": ""}
    work = tmp_path_factory.mktemp("shapes")
    with serve(routes, posts) as (base, seen):
        sites = work / "sites.yaml"
        sites.write_text("sites:\n" + "".join(f"  - name: {name}\n    url: {base}{path}\n    region: '{regions[name]}'\n"
                                              for name, path in columns.items()), encoding="utf-8")
        args = [sites, "--archive", work / "warc", "--http-cache", work / "http", "--delay", "0.05"]
        first = xxgk("harvest", *args, "--corpus", work / "corpus", timeout=600)
        before = len(seen)
        second = xxgk("harvest", *args, "--corpus", work / "corpus", timeout=600)
        yield work, base, expect, first, second, seen[:before], seen[before:]


def test_a_sharded_harvest_merges_into_the_corpus_one_run_gives(mirrored, tmp_path):
    from xxgk.harvest import load_sites, shards

    work = mirrored[0]
    sites = load_sites(work / "sites.yaml")
    assert shards.shards(sites) == ["all"]  # a short sites file is one job
    names = shards.shards(sites, above=1)
    assert names == ["no-region", "浙江省", "福建省"]
    assert sorted(s.name for n in names for s in shards.select(sites, n)) == sorted(s.name for s in sites)
    base = mirrored[1]
    # the shards run on a copy of the corpus before the harvest (empty), each writing its delta; merged in another order
    deltas = []
    for name in names:
        ran = xxgk("harvest", work / "sites.yaml", "--corpus", tmp_path / f"corpus-{name}", "--shard", name, "--delta",
                   tmp_path / "deltas" / name, "--archive", "", "--http-cache", work / "http", "--delay", "0.05", timeout=600)
        assert ran.returncode == 0, ran.stderr
        deltas.append(tmp_path / "deltas" / name)
    merged = xxgk("harvest-merge", *reversed(deltas), "--corpus", tmp_path / "merged")
    assert merged.returncode == 0, merged.stderr
    one = {r["source_file"]: (r["sha256"], r["origin"]) for r in _provenance(work)}
    assert {r["source_file"]: (r["sha256"], r["origin"]) for r in _provenance(tmp_path, "merged")} == one
    assert all((tmp_path / "merged" / f).is_file() for f in one)
    listed = [line.split("\t")[5] for line in (tmp_path / "merged" / ".listed.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    assert len(listed) == len(set(listed)) and all(u.startswith(base) for u in listed)
    again = xxgk("harvest-merge", *deltas, "--corpus", tmp_path / "merged")  # merging twice adds nothing
    assert "0 files added" in again.stdout
    assert {r["source_file"] for r in _provenance(tmp_path, "merged")} == set(one)


def _provenance(work: Path, corpus: str = "corpus") -> list[dict]:
    with open(work / corpus / ".provenance.tsv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def test_every_report_of_every_shape_is_added_and_nothing_else(mirrored):
    work, base, expect, first, *_ = mirrored
    assert first.returncode == 0, first.stderr
    records = _provenance(work)
    added = {r["origin"].removeprefix(base): r["page"].removeprefix(base) or r["origin"].removeprefix(base) for r in records}
    assert added == expect, first.stdout
    assert f"{len(expect)} files added" in first.stdout and " 0 failed" in first.stdout.splitlines()[-1], first.stdout
    pingtan = next(line for line in first.stdout.splitlines() if line.startswith("pingtan:"))
    assert pingtan.startswith("pingtan: 2 list pages, 19 reports listed, 19 report articles"), pingtan


def test_provenance_names_the_list_page_each_report_was_found_on(mirrored):
    work, base, *_ = mirrored
    lists = {r["origin"].removeprefix(base): r["list"].removeprefix(base) for r in _provenance(work)}
    assert lists["/zwgk/zfxxgk/zfxxgknb/201204/t20120401_80678.htm"] == "/zwgk/zfxxgk/zfxxgknb/index_1.htm"
    assert lists["/art/2024/1/21/art_1229440617_5.html"].startswith("/module/web/jpage/dataproxy.jsp?startrecord=4")
    assert lists["/gknb/a4.html"] == "/gknb/api/list?page=2&size=2"
    assert lists["/nb/y2023/a.html"] == "/nb/y2023/index.html"
    download = next(r for r in _provenance(work) if r["origin"].endswith("/nb/download?id=7"))
    assert download["source_file"].endswith(".pdf") and download["format"] == "pdf"  # named by Content-Disposition
    assert all(r["retrieved"] and len(r["sha256"]) == 64 for r in _provenance(work))


def test_the_column_lists_are_recorded_with_their_years(mirrored):
    work, base, *_ = mirrored
    with open(work / "corpus" / ".listed.tsv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    pingtan = sorted(int(r["year"]) for r in rows if r["site"] == "pingtan")
    assert pingtan == sorted([*range(2011, 2026), 2011, 2012, 2013, 2013])  # 平潭县's and the 地税局's too; not the letter
    assert not any("要点" in r["title"] or "通知" in r["title"] for r in rows)
    assert {r["article"].removeprefix(base) for r in rows if r["site"] == "numbered"} == {"/nb/view.jsp?id=11", "/nb/view.jsp?id=12",
                                                                                           "/nb/y2023/a.html"}
    scripted = next(r for r in rows if r["article"].endswith("/gknb/a2.html"))
    assert scripted["title"] == "某区市场监管局2023年政府信息公开工作年度报告"  # markup in the JSON title dropped


def test_the_hanweb_proxy_is_asked_with_the_columns_parameters(mirrored):
    *_, asked, _ = mirrored
    post = next(a for a in asked if a.method == "POST")
    form = urllib.parse.parse_qs(post.body.decode())
    assert form["columnid"] == ["1229440617"] and form["unitid"] == ["3303541"] and "page" not in form


def test_warc_records_validate(mirrored):
    from warcio.archiveiterator import ArchiveIterator

    work, base, expect, *_ = mirrored
    warcs = sorted((work / "warc").glob("*.warc.gz"))
    assert {w.name.split("-")[0] for w in warcs} >= {"pingtan", "hanweb", "scripted", "numbered"}
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", "-v", *map(str, warcs)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    responses, methods, payloads = set(), set(), {}
    for warc in warcs:
        with open(warc, "rb") as f:
            for record in ArchiveIterator(f):
                if record.rec_type == "response":
                    responses.add(record.rec_headers.get_header("WARC-Target-URI").removeprefix(base))
                    body = record.content_stream().read()
                    payloads[f"{warc.name}#{record.rec_headers.get_header('WARC-Record-ID').strip('<>')}"] = hashlib.sha256(body).hexdigest()
                elif record.rec_type == "request":
                    methods.add(record.http_headers.protocol)
                record.content_stream().read()
    assert set(expect) <= responses and "/zwgk/zfxxgk/zfxxgknb/index_1.htm" in responses
    assert "POST" in methods  # the proxy's request archived as it was sent
    # each added file names the WARC record of the response it came in, and its bytes are that record's
    for r in _provenance(work):
        assert payloads.get(r["warc"]) == r["sha256"], r


def test_a_second_run_adds_nothing_and_asks_conditionally(mirrored):
    *_, second, _, again = mirrored
    assert second.returncode == 0, second.stderr
    assert "0 files added" in second.stdout.splitlines()[-1]
    column = [a for a in again if a.path == "/zwgk/zfxxgk/zfxxgknb/"]
    assert column and all("If-None-Match" in a.headers for a in column)


def test_the_source_page_links_the_original_address_and_the_archived_copy(mirrored, tmp_path, monkeypatch):
    import shutil

    from xxgk.package import build
    from xxgk.site.pages import fragments_dir, write_pages

    work, base, *_ = mirrored
    records = {r["origin"].removeprefix(base): r for r in _provenance(work)}
    picked = [records["/gknb/a1.html"], records["/module/download/downfile.jsp?classid=0&showname=2024%E5%B9%B4%E6%8A%A5.docx&filename=f3a1.docx"]]
    corpus = tmp_path / "corpus"
    for r in picked:
        (corpus / r["source_file"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(work / "corpus" / r["source_file"], corpus / r["source_file"])
    lines = (work / "corpus" / ".provenance.tsv").read_text(encoding="utf-8").splitlines()
    (corpus / ".provenance.tsv").write_text("\n".join([lines[0]] + [x for x in lines if x.split("\t")[0] in {r["source_file"] for r in picked}]) + "\n",
                                            encoding="utf-8")
    build(corpus, tmp_path / "datapackage", jobs=1)
    monkeypatch.setenv("XXGK_WARC_URL", "https://archive.example/warc/")
    write_pages(tmp_path / "datapackage", tmp_path / "docs", corpus, Path(__file__).parent.parent / "docs")
    pages = {p: p.read_text(encoding="utf-8") for p in (fragments_dir(tmp_path / "docs") / "sources").glob("*.html")}
    for r in picked:
        page = next(text for text in pages.values() if r["sha256"] in text)
        assert f'<a class="url" href="{r["origin"]}" rel="nofollow noopener noreferrer">' in page.replace("&amp;", "&")
        file, record = r["warc"].split("#")
        assert f'<a href="https://archive.example/warc/{file}"><code>{file}</code></a>' in page and record in page


def test_discover_proposes_the_report_column_of_a_portal(mirrored):
    _, base, *_ = mirrored
    ran = xxgk("harvest", "--discover", base + "/", "--http-cache", "", "--delay", "0.05")
    assert ran.returncode == 0, ran.stderr
    out = ran.stdout
    assert f"    url: {base}/zwgk/zfxxgk/zfxxgknb/nlist.htm" in out and "10 report articles" in out
    assert "agency: 某某区人民政府" in out
    assert f"lists no report article: {base}/zwgk/bm/gknb/" in out  # a column named so, with nothing listed
    assert out.count("  - name:") == 1 and "zfgzbg" not in out  # the 政府工作报告 column is no report column
