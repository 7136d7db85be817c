"""The agency and source pages are written on every core: the same pages, byte for byte, and the
same aggregate pages (which sum the figures the workers computed) as written in one process."""

import json
import pickle
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from xxgk.site import workers
from xxgk.site.keys import FIGURES, read_figures, write_figures
from xxgk.site.pages import write_pages
from xxgk.site.published import ReportFigures


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_pages_written_by_two_workers_are_those_written_by_one(package, mixed_corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(workers, "CHUNK", 1)  # a handful of agencies still spread over both workers
    one = write_pages(package, tmp_path / "one" / "docs", mixed_corpus, jobs=1)
    two = write_pages(package, tmp_path / "two" / "docs", mixed_corpus, jobs=2)
    assert len(one.agencies) >= 2 * workers.CHUNK  # the workers' path, not the one-process fallback
    assert (one.pages, one.reused, one.published_sources) == (two.pages, two.reused, two.published_sources)
    assert one.pub._figures == two.pub._figures and two.pub._figures  # the workers' figures came back
    trees = [_tree(tmp_path / name) for name in ("one", "two")]
    assert trees[0].keys() == trees[1].keys() and any(k.startswith("docs-agencies/agencies/") for k in trees[0])
    assert [k for k in trees[0] if trees[0][k] != trees[1][k]] == []
    again = write_pages(package, tmp_path / "two" / "docs", mixed_corpus, jobs=2)  # nothing changed: every page kept
    assert again.reused == len(again.agencies) and _tree(tmp_path / "two") == trees[1]


def test_a_build_with_nothing_changed_reads_no_facts(package, mixed_corpus, tmp_path, monkeypatch):
    """The figures of kept pages come from the last build's record (keys.FIGURES), so the
    aggregate pages are the same without the facts being read again."""
    from xxgk.site.published import Published

    first = write_pages(package, tmp_path / "docs", mixed_corpus, jobs=1)
    before = _tree(tmp_path)
    read = []
    original = Published.facts
    monkeypatch.setattr(Published, "facts", lambda self, rid: read.append(rid) or original(self, rid))
    again = write_pages(package, tmp_path / "docs", mixed_corpus, jobs=1)
    assert again.reused == len(again.agencies) and again.pub._figures == first.pub._figures
    assert read == [rid for rid in read if rid not in first.pub._figures]  # only files no agency page shows
    assert _tree(tmp_path) == before
    with pytest.raises(RuntimeError):  # let go once the agency pages are written: never read as empty
        again.pub.facts(next(iter(first.pub._figures)))


def test_the_figures_record_reads_back_whole_and_of_its_version_only(tmp_path):
    """`.figures.json` is read a report at a time, kept as text until used; a record of another
    version, cut short or not as written gives nothing (every figure is then computed again)."""
    path = tmp_path / FIGURES
    values = {"r1": {"handled": 3, "appeals": [["复议·维持", 1]]}, "r2": {"handled": None, "appeals": []}}
    write_figures(path, "v1", values.items())
    kept = read_figures(path, "v1")
    assert list(kept) == ["r1", "r2"] and {rid: json.loads(text) for rid, text in kept.items()} == values
    assert json.loads(path.read_text(encoding="utf-8"))["figures"] == values  # still one JSON document
    assert read_figures(path, "v2") == {}
    path.write_text("".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[:-1]), encoding="utf-8")
    assert read_figures(path, "v1") == {}
    write_figures(path, "v1", [])
    assert read_figures(path, "v1") == {} and json.loads(path.read_text(encoding="utf-8"))["figures"] == {}
    figures = ReportFigures.from_plain({"handled": 1, "outcomes": [["予以公开", 1]], "outcome_sum": 1, "applicants": [], "new": 1,
                                        "granted": 1, "denied": None, "not_held": None, "review": None, "litigation": None, "appeals": []})
    again = pickle.loads(pickle.dumps(figures))
    assert again == figures and again.outcomes[0][0] is figures.outcomes[0][0]  # labels shared, not copied


def test_a_chunks_rows_are_all_its_pages_need(package, mixed_corpus, tmp_path):
    """A worker reads no rows of the package (`Site(rows=False)`) and writes its pages from the
    rows its task carries (`workers.Rows`): the pages and figures are those of one process."""
    from xxgk.site.context import Site
    from xxgk.site.pages import build

    site = Site(package, tmp_path / "docs", mixed_corpus)
    build(site, jobs=1)
    keys = [(aid, None) for aid in sorted(site.agencies)]
    pages = {p.name: p.read_bytes() for p in (site.fragments / "agencies").glob("*.html")}
    sources = {p.name: p.read_bytes() for p in (site.fragments / "sources").glob("*.html")}
    again = Site(package, tmp_path / "docs", mixed_corpus)
    again.published_sources = set(site.published_sources)
    rows = workers.rows_of(again, [aid for aid, _ in keys])
    reports = [r for r in again.pub.reports if r["report_id"] in site.published_sources]
    source_rows = workers.source_rows(again, [r["report_id"] for r in reports])
    for folder in ("agencies", "sources"):
        shutil.rmtree(site.fragments / folder)
    workers._start((package, tmp_path / "docs", mixed_corpus, ROOT / "docs", again.fragments, "zh", None))
    try:
        worker = workers._SITE
        assert worker is not None and not worker.agencies and not worker.pub.reports and not worker.pub.facts_index().where
        made = workers._sources(([(r["report_id"], None, r) for r in reports], source_rows))
        done, figures, _ = workers._agencies((keys, rows))
    finally:
        workers._SITE = None
    assert all(key for _, key in made) and len(made) == len(sources) > 0
    assert {p.name: p.read_bytes() for p in (again.fragments / "sources").glob("*.html")} == sources
    assert [aid for aid, _ in done] == [aid for aid, _ in keys] and len(pages) == len(keys)
    assert {p.name: p.read_bytes() for p in (again.fragments / "agencies").glob("*.html")} == pages
    assert figures == {rid: f for rid, f in site.pub._figures.items() if rid in figures} and figures
