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
