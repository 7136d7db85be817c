"""The site is generated from the published package only, and built by a real MkDocs."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, seed, xxgk

from xxgk.package import build


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("site")
    corpus = work / "corpus"
    corpus.mkdir()
    for n in ("000", "004"):
        shutil.copy(seed(n), corpus / f"{n}.txt")
    hostile = seed("003").read_text(encoding="utf-8").replace(
        "北关区信访局 2024 年", "<script>alert(1)</script>北关区信访局 2024 年", 1)
    (corpus / "hostile.txt").write_text(hostile, encoding="utf-8")
    build(corpus, work / "datapackage", jobs=1)
    shutil.copy(ROOT / "mkdocs.yml", work / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", work / "docs", ignore=shutil.ignore_patterns("index.md", "downloads.md", "data"))
    assert xxgk("pages", "--package", work / "datapackage", "--docs", work / "docs").returncode == 0
    result = subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "--strict", "-q", "-f", str(work / "mkdocs.yml"),
                             "-d", str(work / "out")], capture_output=True, text=True, cwd=work)
    assert result.returncode == 0, result.stderr
    return work / "out"


def test_home_shows_the_corpus(site):
    page = (site / "index.html").read_text(encoding="utf-8")
    assert "灋河回族区城市管理局" in page and "韶关市武江区人民政府办公室" in page


def test_untrusted_names_are_escaped(site):
    page = (site / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert" in page


def test_downloads_link_files_that_exist(site):
    page = (site / "downloads.html").read_text(encoding="utf-8")
    import re

    links = re.findall(r'href="(data/[^"]+)"', page)
    assert any(l.endswith("facts.parquet") for l in links) and any(l.endswith(".zip") for l in links)
    for link in links:
        assert (site / link).is_file(), link
    assert (site / "data" / "excel" / "facts.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_no_request_leaves_the_site(site):
    for page in site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "fonts.googleapis.com" not in text and "cdn.jsdelivr" not in text
