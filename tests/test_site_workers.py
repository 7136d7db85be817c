"""The agency and source pages are written on every core: the same pages, byte for byte, and the
same aggregate pages (which sum the figures the workers computed) as written in one process."""

from pathlib import Path

import pytest

from xxgk.site import workers
from xxgk.site.pages import write_pages


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
