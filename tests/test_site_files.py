"""A site past GitHub Pages' 1 GB keeps its pages there and publishes its downloads apart
(XXGK_FILES_URL: object storage): the package, each agency's CSV, each report's text and
original file, and with them the source pages that show them (when the site has an address,
XXGK_SITE_URL, for them to link back to). The pages link them there; nothing of them is left
among the pages."""

import re
import shutil

import pytest
from conftest import ROOT, SEEDS, SITE_URL, build_site, seed

from xxgk.site.pages import render_agencies, write_pages

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
        env.setenv("XXGK_SITE_URL", SITE_URL)  # for `render_agencies` too, as `xxgk site` has it
        site = build_site(corpus, work, files=work / "files")
    return site, work / "files"


def source_links(page: str) -> dict[str, list[str]]:
    """A source page's links by kind: href (<a>), src (<script>, <img>), its text (data-file)."""
    return {"href": re.findall(r'<a [^>]*href="([^"#]*)', page) + re.findall(r'<link [^>]*href="([^"]+)"', page),
            "src": re.findall(r' src="([^"]+)"', page), "file": re.findall(r'data-file="([^"]+)"', page)}


def test_the_downloads_are_published_apart_from_the_pages(split):
    site, files = split
    assert not [p for p in site.rglob("*") if p.is_file() and p.suffix in (".csv", ".txt", ".png", ".parquet", ".zip")
                and "/assets/" not in p.as_posix()]
    assert (files / "data" / "datapackage.json").is_file() and (files / "data" / "xxgk-datapackage.zip").is_file()
    agency_csvs = sorted(p.name for p in (files / "agencies").glob("*.csv"))
    assert agency_csvs and sorted(p.with_suffix(".csv").name for p in (site / "agencies").glob("*.html")
                                  if p.name != "index.html") == agency_csvs
    originals = sorted((files / "sources").glob("*.orig.*"))
    assert originals and all((files / "sources" / (p.name.split(".")[0] + ".html")).is_file() for p in originals)
    assert not list(site.glob("sources/*.html")) and (site / "agencies" / "index.html").is_file()  # the agency pages stay
    sitemap = (site / "sitemap-1.xml").read_text(encoding="utf-8")
    assert "/agencies/" in sitemap and "/sources/" not in sitemap  # a sitemap lists its own host's pages only


def test_the_pages_link_the_downloads_where_they_are_published(split):
    site, files = split
    page = next(p for p in (site / "agencies").glob("*.html") if p.name != "index.html")
    text = page.read_text(encoding="utf-8")
    csv = re.search(r'href="([^"]+\.csv)" download', text).group(1)
    assert csv == f"{FILES_URL}agencies/{page.stem}.csv" and (files / csv.removeprefix(FILES_URL)).is_file()
    originals = re.findall(r'href="([^"]+\.orig\.[a-z]+)" download', text)
    assert originals and all(o.startswith(FILES_URL + "sources/") and (files / o.removeprefix(FILES_URL)).is_file() for o in originals)
    sources = [u for u in re.findall(r'href="([^"#]+\.html)', text) if "sources/" in u]
    assert sources and all(s.startswith(FILES_URL + "sources/") and (files / s.removeprefix(FILES_URL)).is_file() for s in sources)


def test_a_source_page_apart_links_its_files_beside_it_and_the_site_at_its_address(split):
    site, files = split
    pages = sorted((files / "sources").glob("*.html"))
    assert pages
    for path in pages:
        page = path.read_text(encoding="utf-8")
        links = source_links(page)
        assert links["file"] == [f"{path.stem}.txt"] and (path.parent / links["file"][0]).is_file()  # same host: no CORS
        assert f'<link rel="canonical" href="{FILES_URL}sources/{path.name}">' in page
        beside = [u for u in links["href"] + links["src"] if u and not u.startswith(("http://", "https://"))]
        assert beside and all(u.startswith(path.stem + ".") and (path.parent / u).is_file() for u in beside)
        site_links = [u for u in links["href"] + links["src"] if u.startswith(SITE_URL)]
        assert {u.rsplit("/", 2)[-2] for u in site_links} >= {"agencies", "stylesheets", "javascripts"}
        assert f'{SITE_URL}index.html' in site_links
        assert all((site / u.removeprefix(SITE_URL)).is_file() for u in site_links)  # the agency page, home, favicon, script, styles


def test_without_the_site_address_the_source_pages_stay_with_the_site(split, tmp_path):
    site, _ = split
    work = site.parent
    with pytest.MonkeyPatch.context() as env:
        env.setenv("XXGK_FILES_URL", FILES_URL)
        env.delenv("XXGK_SITE_URL", raising=False)  # their links back to the site could only be relative
        write_pages(work / "datapackage", tmp_path / "docs", work / "corpus", ROOT / "docs")
        render_agencies(tmp_path / "site", tmp_path / "docs", tmp_path / "files")
    pages = sorted((tmp_path / "site" / "sources").glob("*.html"))
    assert pages and not list((tmp_path / "files" / "sources").glob("*.html"))
    agency = next(p for p in (tmp_path / "site" / "agencies").glob("*.html") if p.name != "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="\.\./sources/[^"/]+\.html', agency) and FILES_URL + "sources/" in agency
    page = pages[0].read_text(encoding="utf-8")
    links = source_links(page)
    assert links["file"] == [f"{FILES_URL}sources/{pages[0].stem}.txt"]  # fetched across origins (CORS)
    assert "../index.html" in links["href"] and "../javascripts/source.js" in links["src"] and "canonical" not in page


def test_the_downloads_page_links_the_package_where_it_is_published(split):
    site, files = split
    text = (site / "downloads.html").read_text(encoding="utf-8")
    links = re.findall(r'href="(https://files\.xxgk\.example\.org/v1/data/[^"]+)"', text)
    assert any(link.endswith("xxgk-datapackage.zip") for link in links) and any(link.endswith("facts.parquet") for link in links)
    assert all((files / link.removeprefix(FILES_URL)).is_file() for link in links)
    assert 'href="data/' not in text
