"""The parse cache: a rebuild parses only what changed, gives the same bytes, trusts no corrupt entry."""

import shutil

from conftest import SEEDS, seed
from test_package import digests

from xxgk.package import build


def corpus_of(tmp_path, names):
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    for n in names:
        shutil.copy(seed(n), corpus / f"{n}.txt")
    return corpus


def test_rebuild_parses_only_the_new_report_and_gives_the_same_bytes(tmp_path):
    corpus = corpus_of(tmp_path, ["000", "001", "002"])
    cache = tmp_path / "cache"
    cold = build(corpus, tmp_path / "a", jobs=1, cache=cache)
    assert cold.cached == 0
    shutil.copy(SEEDS / "26-gwh-2025" / "input.txt", corpus / "gwh.txt")
    warm = build(corpus, tmp_path / "b", jobs=1, cache=cache)
    assert (warm.reports, warm.cached) == (4, 3)
    build(corpus, tmp_path / "c", jobs=1)
    assert digests(tmp_path / "b") == digests(tmp_path / "c")


def test_a_corrupt_entry_is_parsed_again(tmp_path):
    corpus = corpus_of(tmp_path, ["000", "004"])
    cache = tmp_path / "cache"
    build(corpus, tmp_path / "a", jobs=1, cache=cache)
    entries = sorted(cache.rglob("*.pickle"))
    assert len(entries) == 2
    raw = bytearray(entries[0].read_bytes())
    raw[-5] ^= 0xFF
    entries[0].write_bytes(bytes(raw))
    entries[1].write_bytes(b"not a cache entry")
    again = build(corpus, tmp_path / "b", jobs=1, cache=cache)
    assert again.cached == 0
    assert digests(tmp_path / "a") == digests(tmp_path / "b")
    assert build(corpus, tmp_path / "c", jobs=1, cache=cache).cached == 2


def test_a_new_parser_version_misses_the_cache(tmp_path, monkeypatch):
    corpus = corpus_of(tmp_path, ["000"])
    cache = tmp_path / "cache"
    build(corpus, tmp_path / "a", jobs=1, cache=cache)
    import xxgk.package as pkg

    monkeypatch.setattr(pkg, "parser_version", lambda: "another-version")
    assert build(corpus, tmp_path / "b", jobs=1, cache=cache).cached == 0
