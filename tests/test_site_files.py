"""A site past GitHub Pages' 1 GB keeps its pages there and publishes its downloads apart
(XXGK_FILES_URL: object storage): the package, each agency's CSV, each report's text and
original file. The pages link them there; nothing of them is left among the pages."""

import re
import shutil

import pytest
from conftest import SEEDS, build_site, seed

FILES_URL = "https://files.xxgk.example.org/v1/"


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    work = tmp_path_factory.mktemp("split")
    corpus = work / "corpus"
    corpus.mkdir()
    shutil.copy(seed("000"), corpus / "000.txt")
    shutil.copy(SEEDS / "27-hzs-2025-html" / "input.html", corpus / "hzs-2025.html")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("XXGK_FILES_URL", FILES_URL)
        site = build_site(corpus, work, files=work / "files")
    return site, work / "files"


def test_the_downloads_are_published_apart_from_the_pages(split):
    site, files = split
    assert not [p for p in site.rglob("*") if p.is_file() and p.suffix in (".csv", ".txt", ".png", ".parquet", ".zip")
                and "/assets/" not in p.as_posix()]
    assert (files / "data" / "datapackage.json").is_file() and (files / "data" / "xxgk-datapackage.zip").is_file()
    agency_csvs = sorted(p.name for p in (files / "agencies").glob("*.csv"))
    assert agency_csvs and sorted(p.with_suffix(".csv").name for p in (site / "agencies").glob("*.html")
                                  if p.name != "index.html") == agency_csvs
    originals = sorted((files / "sources").glob("*.orig.*"))
    assert originals and all((site / "sources" / (p.name.split(".")[0] + ".html")).is_file() for p in originals)


def test_the_pages_link_the_downloads_where_they_are_published(split):
    site, files = split
    page = next(p for p in (site / "agencies").glob("*.html") if p.name != "index.html")
    text = page.read_text(encoding="utf-8")
    csv = re.search(r'href="([^"]+\.csv)" download', text).group(1)
    assert csv == f"{FILES_URL}agencies/{page.stem}.csv" and (files / csv.removeprefix(FILES_URL)).is_file()
    originals = re.findall(r'href="([^"]+\.orig\.[a-z]+)" download', text)
    assert originals and all(o.startswith(FILES_URL + "sources/") and (files / o.removeprefix(FILES_URL)).is_file() for o in originals)
    source = next((site / "sources").glob("*.html")).read_text(encoding="utf-8")
    text_file = re.search(r'data-file="([^"]+)"', source).group(1)
    assert text_file.startswith(FILES_URL + "sources/") and (files / text_file.removeprefix(FILES_URL)).is_file()


def test_the_downloads_page_links_the_package_where_it_is_published(split):
    site, files = split
    text = (site / "downloads.html").read_text(encoding="utf-8")
    links = re.findall(r'href="(https://files\.xxgk\.example\.org/v1/data/[^"]+)"', text)
    assert any(link.endswith("xxgk-datapackage.zip") for link in links) and any(link.endswith("facts.parquet") for link in links)
    assert all((files / link.removeprefix(FILES_URL)).is_file() for link in links)
    assert 'href="data/' not in text
