"""The sitemaps: every page of a built site, split at the protocol's limit, with an index; the
site's address from the environment or mkdocs.yml; and the steps that finish a build."""

import time
from pathlib import Path
from xml.etree import ElementTree

import pytest

from xxgk.site.finish import finish
from xxgk.site.sitemap import PER_FILE, site_url, write_sitemaps

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
BASE = "https://example.org/xxgk/"


def make_site(root: Path, names) -> Path:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("<!doctype html><title>x</title>", encoding="utf-8")
    return root


def locs(path: Path) -> list[str]:
    return [e.text for e in ElementTree.parse(path).getroot().findall("s:*/s:loc", NS)]


def test_every_page_is_listed_once_in_order_without_404_and_theme_files(tmp_path):
    site = make_site(tmp_path, ["index.html", "404.html", "search.html", "agencies/b.html", "agencies/a.html",
                                "sources/0123.html", "regions/230000.html", "assets/javascripts/x.html",
                                "agencies/a.csv", "sources/0123.orig.txt", ".hidden.html"])
    (site / "sitemap.xml.gz").write_bytes(b"mkdocs' own")
    assert write_sitemaps(site, "https://example.org/xxgk") == 6
    assert locs(site / "sitemap.xml") == [BASE + "sitemap-1.xml"]
    assert locs(site / "sitemap-1.xml") == [BASE + p for p in ["agencies/a.html", "agencies/b.html", "index.html", "regions/230000.html",
                                                               "search.html", "sources/0123.html"]]
    assert not (site / "sitemap.xml.gz").exists() and not (site / "sitemap-2.xml").exists()
    assert ElementTree.parse(site / "sitemap.xml").getroot().tag == f"{{{NS['s']}}}sitemapindex"


def test_urls_are_percent_encoded_and_xml_escaped(tmp_path):
    site = make_site(tmp_path, ["agencies/a&b <c>.html", "agencies/北关区.html", "agencies/it's \"q\".html"])
    assert write_sitemaps(site, "https://example.org/?x=1&y=2") == 3
    raw = (site / "sitemap-1.xml").read_text(encoding="utf-8")
    assert "https://example.org/?x=1&amp;y=2/agencies/a%26b%20%3Cc%3E.html" in raw
    assert "/agencies/%E5%8C%97%E5%85%B3%E5%8C%BA.html" in raw and "&" not in raw.replace("&amp;", "")
    assert "it%27s%20%22q%22.html" in raw
    # what a parser reads back is the URL itself
    assert locs(site / "sitemap-1.xml")[0] == "https://example.org/?x=1&y=2/agencies/a%26b%20%3Cc%3E.html"


def test_split_with_an_index_and_stale_parts_removed(tmp_path):
    site = make_site(tmp_path, [f"agencies/{n:03d}.html" for n in range(25)])
    make_site(tmp_path, ["sitemap-9.xml"])  # left by an earlier, larger build
    assert write_sitemaps(site, BASE, per_file=10) == 25
    assert locs(site / "sitemap.xml") == [BASE + f"sitemap-{n}.xml" for n in (1, 2, 3)]
    parts = [locs(site / f"sitemap-{n}.xml") for n in (1, 2, 3)]
    assert [len(p) for p in parts] == [10, 10, 5]
    assert [url for part in parts for url in part] == [BASE + f"agencies/{n:03d}.html" for n in range(25)]
    assert not (site / "sitemap-9.xml").exists()
    with pytest.raises(ValueError):
        write_sitemaps(site, BASE, per_file=PER_FILE + 1)


def test_the_real_limit_of_50000_urls(tmp_path):
    site = make_site(tmp_path, [f"p/{n:05d}.html" for n in range(PER_FILE + 1)])
    start = time.monotonic()
    assert write_sitemaps(site, BASE) == PER_FILE + 1
    assert time.monotonic() - start < 10
    assert len(locs(site / "sitemap-1.xml")) == PER_FILE
    assert locs(site / "sitemap-2.xml") == [BASE + f"p/{PER_FILE:05d}.html"]
    assert (site / "sitemap-1.xml").stat().st_size < 50 * 1024 * 1024  # the protocol's other limit


def test_same_site_same_bytes(tmp_path):
    one = make_site(tmp_path / "one", ["b.html", "a.html", "x/y.html"])
    two = make_site(tmp_path / "two", ["x/y.html", "a.html", "b.html"])
    write_sitemaps(one, BASE, per_file=2)
    write_sitemaps(two, BASE, per_file=2)
    for name in ("sitemap.xml", "sitemap-1.xml", "sitemap-2.xml"):
        assert (one / name).read_bytes() == (two / name).read_bytes()
    first = (one / "sitemap-1.xml").read_bytes()
    write_sitemaps(one, BASE, per_file=2)
    assert (one / "sitemap-1.xml").read_bytes() == first


def test_without_an_address_no_sitemap(tmp_path, capsys):
    site = make_site(tmp_path, ["index.html"])
    (site / "sitemap.xml").write_text('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>')
    assert write_sitemaps(site, "") == 0
    assert not list(site.glob("sitemap*")) and "no sitemap" in capsys.readouterr().err


def test_address_from_environment_else_mkdocs_yml(tmp_path, monkeypatch):
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\nsite_url: !ENV [XXGK_SITE_URL, 'https://fallback.example/']\n"
                      "markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n")
    monkeypatch.delenv("XXGK_SITE_URL", raising=False)
    assert site_url(config) == "https://fallback.example/"
    monkeypatch.setenv("XXGK_SITE_URL", "https://env.example/site/")
    assert site_url(config) == "https://env.example/site/"
    monkeypatch.delenv("XXGK_SITE_URL")
    config.write_text("site_name: x\nsite_url: !ENV XXGK_SITE_URL\n")
    assert site_url(config) == ""
    assert site_url(Path(__file__).resolve().parent.parent / "mkdocs.yml") == ""


def test_finish_lists_pages_then_compresses_the_sitemaps(tmp_path, monkeypatch):
    site = make_site(tmp_path, [f"agencies/{'x' * 60}-{n:03d}.html" for n in range(40)] + ["404.html"])
    monkeypatch.setenv("XXGK_SITE_URL", "https://env.example")
    counts = finish(site, config=None)
    assert counts["sitemap_urls"] == 40 and counts["precompressed"] >= 1
    assert locs(site / "sitemap.xml") == ["https://env.example/sitemap-1.xml"]
    assert (site / "sitemap-1.xml.gz").is_file()  # the sitemap is over 1 KB: compressed after it was written
    assert finish(site, "https://given.example/", config=None) == {"sitemap_urls": 40, "precompressed": 1 + ((site / "sitemap-1.xml.br").exists())}
    assert locs(site / "sitemap-1.xml")[0].startswith("https://given.example/agencies/")


def test_finish_without_precompression(tmp_path, monkeypatch):
    site = make_site(tmp_path, [f"{'y' * 80}-{n:03d}.html" for n in range(30)])
    monkeypatch.setenv("XXGK_PRECOMPRESS", "0")
    assert finish(site, BASE, config=None) == {"sitemap_urls": 30, "precompressed": 0}
    assert (site / "sitemap-1.xml").is_file() and not list(site.rglob("*.gz"))
    assert finish(site, BASE, config=None, compress=True)["precompressed"] >= 1
