"""Pages made from the data (agencies, regions, source files) never take a name the site uses
itself, whatever the package's ids are, and every link to them goes through one mapping."""

import csv
import re
import shutil
from html import unescape
from pathlib import Path

import pytest
from conftest import SEEDS, build_site, seed
from test_site import edit_csv

from xxgk.site.pages import RESERVED_NAMES, TEMPLATE_PAGE, agency_href, file_name
from xxgk.site.search import read_records

# agency_id -> what the package says; the first three are names the site uses in agencies/
HOSTILE_IDS = ["index", TEMPLATE_PAGE, "search", "Index/../../index"]


def test_file_names_keep_plain_ids_and_never_take_a_reserved_name():
    plain = ["fu-zhou-shi-ping-tan-xian-gong-an-ju", "410000", "804ba71ff79ccbc5", "804ba71ff79ccbc5-2", "a"]
    assert [file_name(k) for k in plain] == plain
    keys = [*RESERVED_NAMES, *HOSTILE_IDS, "INDEX", "Index", "index ", "-index", "index-", "a--b", "../x", "a/b", "a.b", "",
            "东城区", "x" * 121, "x" * 120 + "y", "_agency-0123456789ab", "\ud800"]
    keys = sorted(set(keys))
    names = [file_name(k) for k in keys]
    assert len(set(names)) == len(keys)  # no two keys share a page
    for key, name in zip(keys, names):
        assert name not in RESERVED_NAMES and name != TEMPLATE_PAGE, key
        assert re.fullmatch(r"[a-z0-9_-]{1,120}", name), (key, name)  # a safe file name and URL path segment, any case-folding
        assert name == key or name.startswith("_"), key  # renamed keys cannot meet plain ones
    assert file_name("_agency-0123456789ab") != "_agency-0123456789ab"
    assert agency_href("index") == f"../agencies/{file_name('index')}.html" and agency_href("index") != "../agencies/index.html"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """Four agencies whose ids are names the site uses (the list page, the template page, the
    search page, a path), one of them in a region whose code is `index`."""
    work = tmp_path_factory.mktemp("names")
    corpus = work / "corpus"
    corpus.mkdir()
    for n in ("000", "001", "002"):
        shutil.copy(seed(n), corpus / f"{n}.txt")
    shutil.copy(SEEDS / "05-gaj-2021" / "input.txt", corpus / "gaj-2021.txt")
    renamed: dict[str, str] = {}

    def edit(package):
        def agency(row):
            renamed[row["agency_id"]] = HOSTILE_IDS[len(renamed)]
            row["agency_id"] = renamed[row["agency_id"]]
            if row["agency_id"] == "index":
                row["province_code"] = "index"

        edit_csv(package, "agencies", agency)
        assert len(renamed) == 4
        edit_csv(package, "reports", lambda row: row.update(agency_id=renamed.get(row["agency_id"], row["agency_id"])))

    site = build_site(corpus, work, edit)
    with open(work / "datapackage" / "data" / "agencies.csv", encoding="utf-8", newline="") as f:
        return site, {row["agency_id"]: row["name"] for row in csv.DictReader(f)}


def h1(path: Path) -> str:
    return unescape(re.search(r"<h1[^>]*>(.*?)</h1>", path.read_text(encoding="utf-8"), re.DOTALL).group(1)).rstrip("¶").strip()


def test_site_pages_keep_their_names(hostile_site):
    site, agencies = hostile_site
    assert set(agencies) == set(HOSTILE_IDS)
    listing = (site / "agencies" / "index.html").read_text(encoding="utf-8")
    assert 'id="xxgk-agencies"' in listing and h1(site / "agencies" / "index.html").startswith("机关")
    assert 'id="xxgk-search"' in (site / "search.html").read_text(encoding="utf-8")
    assert h1(site / "regions" / "index.html").startswith("地区")
    assert not (site / "agencies" / f"{TEMPLATE_PAGE}.html").exists()
    pages = {p.stem for p in (site / "agencies").glob("*.html")} - {"index"}
    assert pages == {file_name(aid) for aid in agencies}
    for aid, name in agencies.items():
        assert h1(site / "agencies" / f"{file_name(aid)}.html") == name
        assert (site / "agencies" / f"{file_name(aid)}.csv").is_file()


def _targets(site: Path, path: Path, text: str, folder: str) -> set[Path]:
    out = set()
    for href in re.findall(r'href="(?!https?://)([^"#]*' + folder + r'/[^"#]+\.html)"(?! hreflang)', text):  # links within the site
        target = (path.parent / unescape(href)).resolve()
        if not target.is_relative_to((site / "en").resolve()):  # the same page in English (the language switch)
            out.add(target)
    return out


def test_every_link_to_an_agency_page_reaches_it(hostile_site):
    site, agencies = hostile_site
    expected = {(site / "agencies" / f"{file_name(aid)}.html").resolve() for aid in agencies}
    sources = sorted((site / "sources").glob("*.html"))
    linking = [site / "index.html", site / "agencies" / "index.html", site / "rankings.html", site / "quality.html",
               *sorted((site / "regions").glob("*.html")), *sources]
    found: dict[str, set[Path]] = {}
    for path in linking:
        targets = _targets(site, path, path.read_text(encoding="utf-8"), "agencies")
        assert targets <= expected | {(site / "agencies" / "index.html").resolve()}, path
        found[path.relative_to(site).as_posix()] = targets
    assert found["agencies/index.html"] >= expected  # the agency list links every agency
    assert all(found[p.relative_to(site).as_posix()] & expected for p in sources)  # every source page links back to its agency
    assert {(site / record[1]).resolve() for record in read_records(site / "search")} == expected
    regions = {p.stem for p in (site / "regions").glob("*.html")}
    assert "index" in regions and file_name("index") in regions
    assert h1(site / "regions" / f"{file_name('index')}.html") != h1(site / "regions" / "index.html")
