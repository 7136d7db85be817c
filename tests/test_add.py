"""`xxgk add`: files and pages served locally, duplicates, oversize and non-report downloads."""

import functools
import http.server
import shutil
import threading

import pytest
from conftest import SEEDS, seed, xxgk

from xxgk.add import AddError, add, provenance


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    shutil.copy(SEEDS / "26-gwh-2025-html" / "input.html", root / "report.html")
    (root / "big.html").write_bytes(b"<html>" + b" " * 300_000 + b"</html>")
    (root / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    (root / "home.html").write_text("<html><body><p>网站首页</p></body></html>", encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_add_a_file(tmp_path):
    corpus = tmp_path / "corpus"
    added = add(str(seed("004")), corpus)
    assert added.path.relative_to(corpus).as_posix().startswith("2024/shao-guan-shi-wu-jiang-qu-ren-min-zheng-fu-ban-gong-shi-")
    assert added.path.read_bytes() == seed("004").read_bytes()
    record = provenance(corpus)[added.path.relative_to(corpus).as_posix()]
    assert record["origin"] == str(seed("004")) and len(record["sha256"]) == 64


def test_add_a_page_served_locally(tmp_path, server):
    corpus = tmp_path / "corpus"
    added = add(f"{server}/report.html", corpus)
    assert added.path.suffix == ".html" and added.report.agency_name == "平潭综合实验区管委会办公室"
    assert provenance(corpus)[added.path.relative_to(corpus).as_posix()]["origin"] == f"{server}/report.html"


def test_duplicates_are_refused_and_say_which_file(tmp_path):
    corpus = tmp_path / "corpus"
    first = add(str(seed("004")), corpus)
    with pytest.raises(AddError, match="same content"):
        add(str(seed("004")), corpus)
    variant = tmp_path / "variant.txt"
    variant.write_text(seed("004").read_text(encoding="utf-8") + "\n附件：无\n", encoding="utf-8")
    with pytest.raises(AddError, match=first.path.relative_to(corpus).as_posix()):
        add(str(variant), corpus)


def test_oversize_and_non_report_downloads_are_refused(tmp_path, server):
    corpus = tmp_path / "corpus"
    with pytest.raises(AddError, match="larger than"):
        add(f"{server}/big.html", corpus, max_bytes=100_000)
    with pytest.raises(AddError, match="image/png"):
        add(f"{server}/photo.png", corpus)
    with pytest.raises(AddError, match="not a report"):
        add(f"{server}/home.html", corpus)
    with pytest.raises(AddError, match="cannot download"):
        add(f"{server}/missing.html", corpus)
    assert not corpus.exists() or not any(p for p in corpus.rglob("*") if p.is_file())


def test_cli_add_prints_what_the_parser_found(tmp_path):
    result = xxgk("add", "--corpus", tmp_path / "corpus", seed("000"), tmp_path / "nothing.txt")
    assert result.returncode == 0
    assert "added " in result.stdout and "灋河回族区城市管理局 2024" in result.stdout and "200 figures" in result.stdout
    assert "not added: no such file" in result.stdout and "summary: 1 added, 1 not added" in result.stdout


def test_the_package_publishes_the_provenance(tmp_path, server):
    from xxgk.package import build

    corpus = tmp_path / "corpus"
    add(f"{server}/report.html", corpus)
    build(corpus, tmp_path / "pkg", jobs=1)
    import csv

    with open(tmp_path / "pkg" / "data" / "reports.csv", encoding="utf-8") as f:
        (row,) = list(csv.DictReader(f))
    assert row["retrieved"].endswith("Z") and row["source_url"]


def test_the_corpus_already_there_is_read_through_the_parse_cache(tmp_path, monkeypatch):
    import xxgk.package.worker as pkg

    corpus, cache = tmp_path / "corpus", tmp_path / "cache"
    for n in ("000", "001"):
        add(str(seed(n)), corpus, cache=cache)
    parsed = []
    real = pkg.parse_bytes
    monkeypatch.setattr(pkg, "parse_bytes", lambda data, suffix: parsed.append(suffix) or real(data, suffix))
    variant = tmp_path / "variant.txt"
    variant.write_text(seed("000").read_text(encoding="utf-8") + "\n附件：无\n", encoding="utf-8")
    with pytest.raises(AddError, match="2024/"):
        add(str(variant), corpus, cache=cache)
    assert len(parsed) == 1  # the file added last; the first came from the cache
    add(str(seed("002")), corpus, cache=cache)
    assert len(parsed) == 1  # both from the cache


def test_a_page_saved_under_another_extension_is_added_as_html(tmp_path):
    page = tmp_path / "nb2025.shtml"
    page.write_bytes((SEEDS / "26-gwh-2025-html" / "input.html").read_bytes())
    added = add(str(page), tmp_path / "corpus")
    assert added.path.suffix == ".html" and added.report.status == "ok"


FORMATS = SEEDS.parent / "formats"


@pytest.fixture
def articles(tmp_path):
    """Article pages as government sites serve them: one whose report is only its PDF attachment
    (linked by a Chinese file name, relative path, sent as application/octet-stream), one that
    prints the report and links the same report as a DOCX."""
    root = tmp_path / "www"
    (root / "files").mkdir(parents=True)
    shutil.copy(FORMATS / "hzq-2024.pdf", root / "files" / "洪泽区2024年报.pdf")
    shutil.copy(FORMATS / "25-jjp-2024.docx", root / "files" / "jjp.docx")
    (root / "only-title.html").write_text(
        "<html><head><title>淮安市洪泽区人民政府2024年政府信息公开工作年度报告</title></head><body>"
        "<h1>淮安市洪泽区人民政府2024年政府信息公开工作年度报告</h1>"
        '<p>附件：<a href="files/%E6%B4%AA%E6%B3%BD%E5%8C%BA2024%E5%B9%B4%E6%8A%A5.pdf">洪泽区2024年报.pdf</a></p>'
        '<p><a href="/files/missing.docx">说明.docx</a></p></body></html>', encoding="utf-8")
    page = (SEEDS / "25-jjp-2024-html" / "input.html").read_bytes()
    (root / "with-copy.html").write_bytes(page.replace(b"</body>", b'<a href="files/jjp.docx">jjp.docx</a></body>'))

    class Served(http.server.SimpleHTTPRequestHandler):
        def guess_type(self, path):
            return "application/octet-stream" if str(path).endswith(".pdf") else super().guess_type(path)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Served, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_a_page_whose_report_is_its_attachment_adds_the_attachment(tmp_path, articles):
    corpus = tmp_path / "corpus"
    added = add(f"{articles}/only-title.html", corpus)
    assert added.path.suffix == ".pdf" and added.report.format == "pdf"
    assert added.report.agency_name == "淮安市洪泽区人民政府" and added.report.year == 2024
    assert sum(f.status == "reported" for f in added.report.facts) == 186
    record = provenance(corpus)[added.path.relative_to(corpus).as_posix()]
    assert record["origin"].endswith("/files/%E6%B4%AA%E6%B3%BD%E5%8C%BA2024%E5%B9%B4%E6%8A%A5.pdf")
    assert record["page"] == f"{articles}/only-title.html" and record["format"] == "pdf"
    assert len(added.refused) == 1 and "404" in added.refused[0]  # the broken link is said, not fatal
    assert [p.name for p in corpus.rglob("*.*") if not p.name.startswith(".")] == [added.path.name]


def test_a_page_and_its_copy_as_docx_are_both_kept_as_one_report(tmp_path, articles):
    corpus = tmp_path / "corpus"
    added = add(f"{articles}/with-copy.html", corpus)
    assert added.path.suffix == ".html" and [a.path.suffix for a in added.attachments] == [".docx"]
    assert added.attachments[0].report.year == added.report.year == 2024
    # the package: one report for the year, the other file kept as evidence of it
    out = tmp_path / "pkg"
    assert xxgk("package", "--corpus", corpus, "--out", out, "--no-cache").returncode == 0
    import csv
    rows = list(csv.DictReader(open(out / "data" / "reports.csv", encoding="utf-8")))
    assert sorted(r["format"] for r in rows) == ["docx", "html"]
    assert sorted(bool(r["superseded_by"]) for r in rows) == [False, True]
    # adding the page again is refused: the same content is held
    with pytest.raises(AddError, match="already in the corpus"):
        add(f"{articles}/with-copy.html", corpus)


def test_two_files_of_one_report_that_disagree_on_a_figure_get_a_finding(tmp_path):
    import csv

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    page = (SEEDS / "25-jjp-2024-html" / "input.html").read_text(encoding="utf-8")
    shutil.copy(FORMATS / "25-jjp-2024.docx", corpus / "a.docx")
    (corpus / "b.html").write_text(page, encoding="utf-8")
    out = tmp_path / "pkg"

    def disagreeing():
        assert xxgk("package", "--corpus", corpus, "--out", out, "--no-cache").returncode == 0
        checks = list(csv.DictReader(open(out / "data" / "checks.csv", encoding="utf-8")))
        return [(c["row"], c["column"], c["expected"], c["found"]) for c in checks if c["code"] == "copies-disagree"]

    assert disagreeing() == []  # the page and its DOCX agree on every figure
    # the page with natural persons' new requests misprinted as 9 (the DOCX, taken first by path, says 8)
    marker = "本年新收政府信息公开申请数量&nbsp;</p></td>"
    i = page.index(marker) + len(marker)
    changed = page[:i] + page[i:].replace("<p>8</p>", "<p>9</p>", 1)
    (corpus / "b.html").write_text(changed, encoding="utf-8")
    assert disagreeing() == [("new", "natural_person", "8", "9")]


def test_a_zip_of_reports_adds_each_report_with_its_member_name(tmp_path):
    import zipfile

    packed = tmp_path / "reports.zip"
    gbk = "洪泽区2024年报.pdf".encode("gbk")
    placeholder = b"X" * (len(gbk) - 4) + b".pdf"
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(placeholder.decode(), (FORMATS / "hzq-2024.pdf").read_bytes())
        z.writestr("jjp/25-jjp-2024.docx", (FORMATS / "25-jjp-2024.docx").read_bytes())
        z.writestr("readme.txt", "说明")
    # a GBK member name without the UTF-8 flag, as archives made on Chinese Windows have them
    packed.write_bytes(packed.read_bytes().replace(placeholder, gbk))
    corpus = tmp_path / "corpus"
    added = add(str(packed), corpus)
    files = [added, *added.attachments]
    assert sorted(a.report.format for a in files) == ["docx", "pdf"]
    origins = sorted(provenance(corpus)[a.path.relative_to(corpus).as_posix()]["origin"] for a in files)
    assert origins == [f"{packed}!jjp/25-jjp-2024.docx", f"{packed}!洪泽区2024年报.pdf"]
    assert len(added.refused) == 1 and "readme.txt" in added.refused[0]


def test_a_provenance_file_of_an_older_release_is_widened_as_a_file_is_added(tmp_path):
    from xxgk.corpus.provenance import FIELDS, PROVENANCE

    corpus = tmp_path / "corpus"
    (corpus / "2024").mkdir(parents=True)
    shutil.copy(seed("000"), corpus / "2024" / "old.txt")
    old = FIELDS[:FIELDS.index("page")]
    (corpus / PROVENANCE).write_text("\t".join(old) + "\n" + "\t".join(["2024/old.txt", "old.txt", "2024-01-01T00:00:00Z", "0" * 64, "text"]) + "\n",
                                     encoding="utf-8")
    added = add(str(seed("004")), corpus)
    lines = (corpus / PROVENANCE).read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == FIELDS and all(len(line.split("\t")) == len(FIELDS) for line in lines)
    assert provenance(corpus)["2024/old.txt"]["origin"] == "old.txt"
    assert provenance(corpus)[added.path.relative_to(corpus).as_posix()]["page"] == ""
