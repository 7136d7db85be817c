"""The pages over the whole package stay the same size however many agencies it has: agencies are
listed per region, rankings and findings per province, each list split into pages of at most
PAGE_BYTES; every agency is reached from the agency index through the list pages, and every
report's findings are where `quality_href` says."""

import dataclasses
import itertools
import re
import sys
from collections import Counter
from html import unescape
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from pypinyin import Style, lazy_pinyin

from xxgk.site.aggregate import MIN_RANKED, TOP_RANKED, quality_href
from xxgk.site.lists import PAGE_BYTES, UNRESOLVED
from xxgk.site.pages import file_name, fragments_dir

N = 1200  # agencies, one report each
CROWDED = 60  # extra draws of two counties of 洛阳市: about 60 % of the agencies, more than a page of them
FOLDERS = ("regions", "rankings")  # split pages MkDocs renders
WHOLE_BYTES = 200_000  # the budget of any list page's HTML


def generate(folder: Path, n: int) -> None:
    """scripts/synth.py's corpus with every agency its own (as scripts/bench_site.py makes it),
    the distinguishing characters placed after the region's name so the region is still read,
    and many agencies in one prefecture."""
    sys.path[:0] = [str(ROOT / "scripts")]
    import synth
    from bench_site import PLACES

    draw, counties, tags = synth._agency, synth.COUNTIES, itertools.product(PLACES, repeat=2)

    def agency(rng):
        a = draw(rng)
        region = next(p for p in (a.city + a.county, a.county, a.city) if p and a.name.startswith(p))
        return dataclasses.replace(a, name=region + "".join(next(tags)) + a.name[len(region):])

    synth._agency = agency
    synth.COUNTIES = counties + (("河南省", "洛阳市", "洛龙区"), ("河南省", "洛阳市", "涧西区")) * CROWDED
    try:
        synth.generate(folder, n, seed=0)
    finally:
        synth._agency, synth.COUNTIES = draw, counties


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from xxgk.package import build
    from xxgk.site.pages import write_pages

    work = tmp_path_factory.mktemp("bounded")
    generate(work / "corpus", N)
    build(work / "corpus", work / "package", validate=False, jobs=2)
    site = write_pages(work / "package", work / "docs", work / "corpus", ROOT / "docs")
    assert len(site.agencies) == N
    return work / "docs", site


def aggregate_pages(docs: Path) -> list[Path]:
    return sorted([*docs.glob("*.md"), docs / "agencies" / "index.md", *(p for f in FOLDERS for p in (docs / f).glob("*.md"))])


def quality_pages(docs: Path) -> list[Path]:
    """The provinces' data-quality pages, written whole outside MkDocs (they grow with the findings)."""
    return sorted((fragments_dir(docs) / "quality").glob("*.html"))


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def agency_links(text: str) -> list[str]:
    return re.findall(r'href="\.\./agencies/([^"#/]+)\.html"', text)


def test_no_page_passes_the_budget_though_its_lists_would(built):
    docs, site = built
    sizes = {p.relative_to(docs).as_posix(): p.stat().st_size for p in aggregate_pages(docs)}
    assert max(sizes.values()) <= PAGE_BYTES, max(sizes.items(), key=lambda kv: kv[1])
    whole = {p.name: p.stat().st_size for p in quality_pages(docs)}
    assert len(whole) > 1 and max(whole.values()) <= WHOLE_BYTES, max(whole.items(), key=lambda kv: kv[1])
    # the lists of this package are larger than a page: unsplit, some page would pass the budget
    assert sum(n for rel, n in sizes.items() if rel.startswith("regions/")) > PAGE_BYTES
    assert sum(whole.values()) > WHOLE_BYTES
    assert not (docs / "quality").exists()  # MkDocs renders none of them
    published = {p.name: p.stat().st_size for p in (fragments_dir(docs) / "publication").glob("*.html")}
    assert len(published) > 1 and max(published.values()) <= WHOLE_BYTES and sum(published.values()) > WHOLE_BYTES
    luoyang = sorted(docs.glob("regions/410300*.md"), key=lambda p: (len(p.name), p.name))
    assert [p.stem for p in luoyang] == ["410300", *(f"410300--{k}" for k in range(2, len(luoyang) + 1))] and len(luoyang) >= 2
    assert sum(len(agency_links(read(p))) for p in luoyang) == sum(a["prefecture_code"] == "410300" for a in site.agencies.values())
    # the pages over everything do not grow with the agencies: the index lists regions, rankings the top of each measure
    assert len(agency_links(read(docs / "agencies" / "index.md"))) == 0
    assert read(docs / "rankings.md").count("<tr><td><a ") <= 4 * TOP_RANKED + 40
    assert 'id="q-' not in read(docs / "quality.md")


def test_every_agency_is_reached_from_the_index_once(built):
    docs, site = built
    seen, todo, found = set(), [docs / "agencies" / "index.md"], Counter()
    while todo:
        page = todo.pop()
        if page in seen:
            continue
        seen.add(page)
        text = read(page)
        found.update(agency_links(text) if page.parent.name == "regions" else [])
        for href in re.findall(r'href="([^"#]+\.html)"', text):
            target = (page.parent / unescape(href)).resolve().with_suffix(".md")
            if target.parent.name == "regions" and target.is_file():
                todo.append(target)
    assert set(found) == {file_name(aid) for aid in site.agencies}
    assert max(found.values()) == 1  # one place for each agency
    assert any(p.stem.startswith(UNRESOLVED) for p in seen)  # agencies of no resolved region have their pages too


def test_lists_are_in_pinyin_order_with_a_filter_over_their_rows(built):
    docs, site = built
    ids = {file_name(aid): aid for aid in site.agencies}
    lists: dict[str, list[Path]] = {}
    for p in (docs / "regions").glob("*.md"):
        if p.stem != "index":
            lists.setdefault(p.stem.split("--")[0], []).append(p)
    for stem, pages in lists.items():
        pages.sort(key=lambda p: int(p.stem.split("--")[1]) if "--" in p.stem else 1)
        rows = [ids[x] for p in pages for x in agency_links(read(p))]
        names = [site.agencies[aid]["name"] for aid in rows]
        assert names == sorted(names, key=lambda n: lazy_pinyin(n, style=Style.NORMAL)), stem  # the pinyin of their names
        for p in pages:
            text = read(p)
            if agency_links(text):
                assert text.count('id="xxgk-agencies"') == 1 and text.count('id="xxgk-filter"') == 1, p.name
                assert 'href="../search.html"' in text
            if len(pages) > 1:
                assert f'href="{pages[0].stem}.html"' in text or p == pages[0]


def test_rankings_and_findings_are_split_by_province(built):
    docs, site = built
    ranked = [r for r in site.pub.counted if r["agency_id"] and r["year"]
              and (site.pub.figures(r["report_id"]).handled or 0) >= MIN_RANKED]
    shown = Counter(rid for p in (docs / "rankings").glob("*.md") for rid in re.findall(r'#r-([^"]+)">', read(p)))
    assert set(shown) == {r["report_id"] for r in ranked} and max(shown.values()) == 1
    anchors = Counter()
    for p in quality_pages(docs):
        text = read(p)
        assert '<link rel="stylesheet" href="../stylesheets/lean.css">' in text and 'href="../quality.html"' in text
        for rid in re.findall(r'<h3 id="q-([^"]+)">', text):
            anchors[rid] += 1
            assert quality_href(site, rid, "") == f"quality/{p.stem}.html#q-{rid}"
    assert set(anchors) == set(site.pub.checks) and max(anchors.values()) == 1


def test_every_page_says_what_it_is_and_is_known_to_mkdocs(built):
    docs, _ = built
    descriptions = []
    for p in aggregate_pages(docs):
        if p.name == "search.md" or (ROOT / "docs" / p.relative_to(docs)).exists():
            continue  # the search page is the search module's, the hand-written pages have their own
        front = re.match(r"---\n(.*?)\n---\n", read(p), re.DOTALL)
        assert front, p
        descriptions.append(yaml.safe_load(front.group(1))["description"])
    assert len(set(descriptions)) == len(descriptions)  # each page's own
    assert "河南省洛阳市" in " ".join(descriptions)
    config = yaml.safe_load(re.sub(r"!ENV \S+", "''", read(ROOT / "mkdocs.yml")))
    hidden = config["not_in_nav"].split()
    for folder in ("agencies", *FOLDERS):
        assert f"/{folder}/*.md" in hidden


def test_quality_pages_are_kept_when_unchanged_and_removed_when_not_made(built, tmp_path):
    """A rebuild leaves an unchanged quality page's file as it was (so the built site's link to it
    stays), and removes a page no longer made."""
    from xxgk.site.pages import write_pages

    docs, site = built
    before = {p.name: p.stat().st_ino for p in quality_pages(docs)}
    stray = fragments_dir(docs) / "quality" / "999999--9.html"
    stray.write_text("<p>stale</p>", encoding="utf-8")
    write_pages(site.package, docs, site.corpus, ROOT / "docs")
    assert {p.name: p.stat().st_ino for p in quality_pages(docs)} == before and not stray.exists()
    from xxgk.site.render import render_agencies

    (tmp_path / "mkdocs").mkdir()
    render_agencies(tmp_path / "site", docs, made=tmp_path / "mkdocs")  # into the built site, as the agency pages
    assert sorted(p.name for p in (tmp_path / "site" / "quality").glob("*.html")) == sorted(before)
