"""The parse cache: a rebuild parses only what changed, gives the same bytes, trusts no corrupt entry."""

import shutil

from conftest import SEEDS, seed
from test_package import digests
from test_shards import CORPUS

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


def added_id(path):
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _facts_per_report(package):
    import csv
    from collections import Counter

    with open(package / "data" / "facts.csv", encoding="utf-8") as f:
        return Counter(row["report_id"] for row in csv.DictReader(f))


def test_keys_that_span_reports_are_checked_on_the_whole_table(tmp_path):
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    from xxgk.package.validate import _keys_across_reports

    corpus = corpus_of(tmp_path, ["000", "001"])
    out = tmp_path / "out"
    build(corpus, out, jobs=1)
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert _keys_across_reports(out, descriptor) == []
    part = {r["name"]: out / r["x_parquet"]["parts"][-1]["path"] for r in descriptor["resources"] if "parts" in r["x_parquet"]}
    facts = pq.read_table(part["facts"])
    # a row of the first report again, after the second report's rows
    pq.write_table(pa.concat_tables([facts, facts.slice(0, 1)]), part["facts"])
    texts = pq.read_table(part["texts"])
    other = texts.set_column(0, "report_id", pa.array(["ffffffffffffffff"] * texts.num_rows))
    pq.write_table(other, part["texts"])
    problems = _keys_across_reports(out, descriptor)
    assert any(p.startswith("facts: primary key") for p in problems)
    assert any(p.startswith("texts: report_id not found in reports") for p in problems)


def test_a_file_changed_in_place_is_read_again_even_with_its_old_size_and_time(tmp_path, monkeypatch):
    import os

    import xxgk.package.cache

    monkeypatch.setattr(xxgk.package.cache, "RACY_SECONDS", 0)
    corpus = corpus_of(tmp_path, ["000", "001"])
    cache = tmp_path / "cache"
    build(corpus, tmp_path / "a", jobs=1, cache=cache)
    target = corpus / "001.txt"
    st = target.stat()
    raw = target.read_bytes()
    changed = raw.replace("一、".encode(), "一.".encode(), 1) if "一、".encode() in raw else raw[:-1] + b"\n"
    changed = changed + b" " * (len(raw) - len(changed))
    assert len(changed) == len(raw) and changed != raw
    target.write_bytes(changed)
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    again = build(corpus, tmp_path / "b", jobs=1, cache=cache)
    assert again.reports - again.cached == 1
    assert added_id(target) in _facts_per_report(tmp_path / "b")
    assert build(corpus, tmp_path / "c", jobs=1, cache=cache).cached == 2


def test_a_rebuild_writes_only_the_parts_of_the_years_that_changed(tmp_path, monkeypatch):
    import importlib

    assemble = importlib.import_module("xxgk.package.assemble")
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)  # real reports of 2009 to 2025
    new = corpus / "2021" / "pingtan-gaj.txt"
    held = new.read_bytes()
    new.unlink()
    cache = tmp_path / "cache"
    seen = []
    real = assemble.parts.write

    def spy(*args, **kwargs):
        seen.append(real(*args, **kwargs))
        return seen[-1]

    monkeypatch.setattr(assemble.parts, "write", spy)
    build(corpus, tmp_path / "out", jobs=1, cache=cache)
    years = len(seen[-1]["facts"].parts)
    assert years >= 8 and seen[-1]["facts"].reused == 0 and len(seen[-1]["facts"].fresh) == years
    new.write_bytes(held)
    build(corpus, tmp_path / "out", jobs=1, cache=cache)
    facts, texts = seen[-1]["facts"], seen[-1]["texts"]
    assert (facts.reused, texts.reused) == (years - 1, years - 1)  # 2021's part only
    assert [name for name, _, _ in facts.fresh] == ["2021"]  # and only it is validated again
    build(corpus, tmp_path / "again", jobs=1, cache=cache)
    assert all(w.reused == len(w.parts) and not w.fresh for w in seen[-1].values())  # nothing changed
    build(corpus, tmp_path / "cold", jobs=1)  # no cache: every part written, the same bytes
    assert digests(tmp_path / "cold") == digests(tmp_path / "out") == digests(tmp_path / "again")


def test_the_summaries_index_keeps_unchanged_entries_as_they_were_read(tmp_path, monkeypatch):
    """A rebuild takes each unchanged file's summary from the index without reading its entry, and
    saves it again as the same bytes; an index damaged or of another form is not trusted (each
    entry is read instead) and the same package comes out."""
    from xxgk.package import cache as parse_cache
    from xxgk.package.cache import ParseCache

    monkeypatch.setattr(parse_cache, "RACY_SECONDS", 0)  # files just written are trusted by their stat
    corpus = corpus_of(tmp_path, ["000", "001"])
    cache = tmp_path / "cache"
    build(corpus, tmp_path / "a", jobs=1, cache=cache)
    index = next(cache.rglob("summaries.index"))
    store = ParseCache(index.parent.parent, index.parent.name)
    first = dict(store.summaries())
    assert len(first) == 2 and all(isinstance(v, bytes) for v in first.values())
    original = ParseCache.get
    monkeypatch.setattr(ParseCache, "get", lambda self, key: None)  # every entry a miss: only the index can say "cached"
    shutil.copy(seed("002"), corpus / "002.txt")
    again = build(corpus, tmp_path / "b", jobs=1, cache=cache)
    assert again.cached == 2
    second = ParseCache(index.parent.parent, index.parent.name).summaries()
    assert len(second) == 3 and all(second[k] == v for k, v in first.items())
    monkeypatch.setattr(ParseCache, "get", original)
    values, whole = dict(second), index.read_bytes()
    for damaged in (whole[:-1], whole[:40] + bytes([whole[40] ^ 1]) + whole[41:], b""):  # cut short, a flipped bit, empty
        index.write_bytes(damaged)
        assert len(ParseCache(index.parent.parent, index.parent.name).summaries()) == 0
    store._save_dict(index, values)  # an index of another form: the earlier pickled dictionary
    assert ParseCache(index.parent.parent, index.parent.name).summaries() == {}
    third = build(corpus, tmp_path / "c", jobs=1, cache=cache)
    assert third.cached == 3
    assert digests(tmp_path / "b") == digests(tmp_path / "c")


def test_a_build_that_stops_leaves_the_last_summaries_index(tmp_path, monkeypatch):
    """The next index is written beside the current one as files are read and put in its place
    only when every file was read: a build that stops midway leaves the last one, whole."""
    from xxgk.package import cache as parse_cache
    from xxgk.package import worker
    from xxgk.package.cache import ParseCache

    monkeypatch.setattr(parse_cache, "RACY_SECONDS", 0)
    corpus = corpus_of(tmp_path, ["000", "001"])
    cache = tmp_path / "cache"
    build(corpus, tmp_path / "a", jobs=1, cache=cache)
    index = next(cache.rglob("summaries.index"))
    before = index.read_bytes()
    shutil.copy(seed("002"), corpus / "002.txt")
    store = ParseCache(index.parent.parent, index.parent.name)
    results = worker.parse_all(corpus, sorted(p for p in corpus.rglob("*") if p.is_file()), 1, store)
    next(results)
    results.close()  # stopped after the first file
    assert index.read_bytes() == before and [p.name for p in index.parent.iterdir() if p.name.startswith(".summaries")] == []
    assert len(ParseCache(index.parent.parent, index.parent.name).summaries()) == 2


def test_summaries_share_their_repeated_values_and_keep_their_types(tmp_path):
    """Each summary is unpickled on its own; `shared` makes the values many hold (field names,
    regions, statuses, the cross-year figures) one object, without turning a 0.0 into a 0 or
    a report's own values into another's."""
    import pickle

    from xxgk.package.worker import FileResult, parse_file

    corpus = corpus_of(tmp_path, ["000"])
    path = corpus / "000.txt"
    res = parse_file((str(path), "000.txt", "", "", str(corpus)))
    raw = pickle.dumps(res.summary())
    memo: dict = {}
    a, b = (pickle.loads(raw).shared(memo) for _ in range(2))
    assert isinstance(a, FileResult) and a.report == res.report and a is not b
    for field in ("template", "status", "province", "agency_level"):
        assert a.report[field] is b.report[field], field
    assert a.report["report_id"] is not b.report["report_id"]  # a report's own values are its own
    assert all(x is y for x, y in zip(a.report, b.report))  # the field names
    assert a.crossyear["carried_over"] is b.crossyear["carried_over"]
    assert list(a.crossyear["carried_over"]) == res.crossyear["carried_over"]
    floats = pickle.loads(raw)
    floats.crossyear["carried_over"] = [float(v) if v is not None else None for v in res.crossyear["carried_over"]]
    floats.shared(memo)
    assert [type(v) for v in floats.crossyear["carried_over"]] == [float if v is not None else type(None) for v in res.crossyear["carried_over"]]
