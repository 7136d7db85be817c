"""Source pages: the text the site shows is the parser's own lines, as UTF-8 with "\\n" line ends,
so that every figure's link lands on the line it was read from whatever line breaks and encoding
the original file has; the original file is offered for download as it is."""

import csv
import hashlib
import shutil
from collections import defaultdict
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import SEEDS, build_site, seed
from sitepages import figure_lines, figure_links

from xxgk.site.pages import file_name
from xxgk.text import normalise

# the breaks str.splitlines knows besides "\n": each file below uses some of them
BREAKS = ["\u2028", "\f", "\x85", "\v", "\r\n", "\x1c", "\u2029", "\n"]


def sources_corpus(root: Path) -> Path:
    """A CR-only text report; a report whose lines end in U+2028, form feeds, NEL and the other
    breaks; UTF-16 reports with and without a byte-order mark (CRLF, as Windows writes them); a
    CR-only HTML page."""
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "cr-only.txt").write_bytes(seed("000").read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    lines = seed("001").read_text(encoding="utf-8").split("\n")
    mixed = "".join(line + BREAKS[i % len(BREAKS)] for i, line in enumerate(lines))
    (corpus / "breaks.txt").write_text(mixed, encoding="utf-8", newline="")
    (corpus / "utf16-bom.txt").write_bytes(seed("002").read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-16"))
    (corpus / "utf16-le.txt").write_bytes(seed("004").read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-16-le"))
    page = (SEEDS / "27-hzs-2025-html" / "input.html").read_bytes()
    (corpus / "cr-only.html").write_bytes(page.replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    return corpus


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work = tmp_path_factory.mktemp("sources")
    corpus = sources_corpus(work)
    return build_site(corpus, work), work / "datapackage", corpus


def reports(package: Path) -> dict[str, dict]:
    with open(package / "data" / "reports.csv", encoding="utf-8", newline="") as f:
        return {r["source_file"]: r for r in csv.DictReader(f)}


def published_lines(site: Path, rid: str) -> list[str]:
    data = (site / "sources" / f"{file_name(rid)}.txt").read_bytes()
    text = data.decode("utf-8")  # strict: the published text is UTF-8
    assert text.endswith("\n") and "\r" not in text
    return text.removeprefix("\ufeff").split("\n")[:-1]


def shows(line: str, printed: str) -> bool:
    return printed in line or printed in normalise(line)


def test_the_corpus_has_what_it_should(built):
    _, package, _ = built
    by_file = reports(package)
    assert {r["encoding"] for r in by_file.values()} >= {"utf-16", "utf-16-le", "utf-8"}
    assert all(r["status"] in ("ok", "partial") and int(r["facts"]) > 50 for r in by_file.values()), by_file


def test_every_figure_is_on_its_line_of_the_published_text(built):
    site, package, _ = built
    by_id = {r["report_id"]: r for r in reports(package).values()}
    checked = defaultdict(int)
    for f in pq.read_table(package / "data" / "facts.parquet").to_pylist():
        if f["status"] != "reported" or not f["source_line"]:
            continue
        lines = published_lines(site, f["report_id"])
        assert shows(lines[f["source_line"] - 1], f["printed"]), (by_id[f["report_id"]]["source_file"], f)
        checked[by_id[f["report_id"]]["source_file"]] += 1
    assert set(checked) == set(reports(package)) and min(checked.values()) > 50


def test_every_figure_link_on_an_agency_page_lands_on_its_figure(built):
    site, package, _ = built
    for source_file, r in reports(package).items():
        page = (site / "agencies" / f"{file_name(r['agency_id'])}.html").read_text(encoding="utf-8")
        links = figure_lines(page)
        assert len(links) > 50, source_file
        for src, line, _, printed in links:
            assert src == f"../sources/{file_name(r['report_id'])}.html"
            assert shows(published_lines(site, r["report_id"])[line - 1], printed), (source_file, line, printed)


def test_every_figure_link_names_its_characters_in_the_published_text(built):
    """The facts' offsets, and the character ranges the agency pages link, hold exactly the
    figure in the text the source page shows (whatever line breaks and encoding the file has)."""
    site, package, _ = built
    for f in pq.read_table(package / "data" / "facts.parquet").to_pylist():
        if f["source_char_start"] is not None:
            line = published_lines(site, f["report_id"])[f["source_line"] - 1]
            assert normalise(line[f["source_char_start"]:f["source_char_end"]]) == f["printed"], f
    for source_file, r in reports(package).items():
        page = (site / "agencies" / f"{file_name(r['agency_id'])}.html").read_text(encoding="utf-8")
        links = figure_links(page)
        assert sum(chars is not None for _, _, chars, _, _ in links) > 50, source_file
        lines = published_lines(site, r["report_id"])
        for _, line, chars, _, printed in links:
            if chars is not None:
                assert normalise(lines[line - 1][chars[0]:chars[1]]) == printed, (source_file, line, chars, printed)


def test_the_source_page_links_the_original_address(built):
    site, package, _ = built
    linked = 0
    for r in reports(package).values():
        page = (site / "sources" / f"{file_name(r['report_id'])}.html").read_text(encoding="utf-8")
        if r["source_url"].startswith(("http://", "https://")):
            assert f'href="{r["source_url"]}"' in page
            linked += 1
    assert linked


def test_the_original_file_is_offered_as_it_is_and_as_text(built):
    site, package, corpus = built
    for source_file, r in reports(package).items():
        name = file_name(r["report_id"])
        original = (site / "sources" / f"{name}.orig.txt").read_bytes()
        assert original == (corpus / source_file).read_bytes() and hashlib.sha256(original).hexdigest() == r["sha256"]
        page = (site / "sources" / f"{name}.html").read_text(encoding="utf-8")
        assert f'data-file="{name}.txt"' in page and f'href="{name}.orig.txt" download' in page
        agency = (site / "agencies" / f"{file_name(r['agency_id'])}.html").read_text(encoding="utf-8")
        assert f'href="../sources/{name}.orig.txt" download' in agency


def test_a_file_the_parser_refuses_gets_no_source_page(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seed("000"), corpus / "000.txt")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (corpus / "scan.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    site = build_site(corpus, tmp_path)
    by_file = reports(tmp_path / "datapackage")
    assert (site / "sources" / f"{file_name(by_file['000.txt']['report_id'])}.html").is_file()
    for bad in ("binary.txt", "scan.pdf"):
        assert not list((site / "sources").glob(f"{file_name(by_file[bad]['report_id'])}.*")), bad
