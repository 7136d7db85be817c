"""Hostile builds: inputs and states that used to lose data, publish wrong figures or fail a whole
build. Each is a row and a finding (in Chinese and English), or a refusal that touches nothing;
the build goes on and the good reports' figures stay as they are."""

import csv
import hashlib
import os
import pickle
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import BIN, SEEDS, seed, xxgk

from xxgk.package import build, build_year, publish, validate_package
from xxgk.package.cache import HEADER, PARSE_DISTRIBUTIONS, ParseCache, parser_version


def rows(package: Path, name: str) -> list[dict]:
    with open(package / "data" / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def findings(package: Path) -> dict[str, list[dict]]:
    out = defaultdict(list)
    for c in rows(package, "checks"):
        out[c["report_id"]].append(c)
    return out


def figures(package: Path) -> dict[str, dict]:
    out: dict[str, dict] = defaultdict(dict)
    for f in rows(package, "facts"):
        out[f["report_id"]][(f["section"], f["row"], f["column"])] = (f["value"], f["status"])
    return out


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def by_file(package: Path) -> dict[str, dict]:
    return {r["source_file"]: r for r in rows(package, "reports")}


# --- whole builds failed by one file -----------------------------------------------------------

@pytest.mark.parametrize("kind", ["one-clean-report", "only-broken-files", "empty"])
def test_a_corpus_with_empty_resources_builds_on_the_cached_path(tmp_path, kind):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    if kind == "one-clean-report":
        shutil.copy(SEEDS / "26-gwh-2025" / "input.txt", corpus / "a.txt")
    elif kind == "only-broken-files":
        (corpus / "empty.txt").write_bytes(b"")
        (corpus / "binary.txt").write_bytes(bytes(range(256)) * 4)
    for attempt in ("cold", "warm"):
        result = xxgk("package", "--corpus", corpus, "--out", tmp_path / "out", "--cache", tmp_path / "cache")
        assert result.returncode == 0, (attempt, result.stderr)
    assert validate_package(tmp_path / "out") == []


ENCODINGS = {  # how each seed is re-encoded: the name's suffix and the bytes
    "gb18030": (".txt", lambda t: t.encode("gb18030")),
    "utf16": (".txt", lambda t: t.encode("utf-16")),
    "bom-crlf": (".txt", lambda t: b"\xef\xbb\xbf" + t.replace("\n", "\r\n").encode("utf-8")),
    "fullwidth-digits": (".txt", lambda t: t.translate({ord(d): chr(0xFF10 + int(d)) for d in "0123456789"}).encode("utf-8")),
}


def test_the_seeds_reencoded_package_on_the_default_path_and_come_out_exactly(tmp_path):
    originals, encoded = tmp_path / "originals", tmp_path / "encoded"
    originals.mkdir()
    encoded.mkdir()
    pairs = []  # (original file, re-encoded file)
    for n in ("000", "001", "002", "003", "004"):
        shutil.copy(seed(n), originals / f"{n}.txt")
        text = seed(n).read_text(encoding="utf-8")
        for name, (suffix, encode) in ENCODINGS.items():
            (encoded / f"{n}-{name}{suffix}").write_bytes(encode(text))
            pairs.append((f"{n}.txt", f"{n}-{name}{suffix}"))
    page = (SEEDS / "seed-002-word-html" / "input.html").read_text(encoding="utf-8")
    shutil.copy(SEEDS / "seed-002-word-html" / "input.html", originals / "002-word.html")
    (encoded / "002-word-gbk.html").write_bytes(page.replace('charset="utf-8"', 'charset="gbk"', 1).encode("gbk"))
    pairs.append(("002-word.html", "002-word-gbk.html"))
    for corpus in (originals, encoded):
        for _ in ("cold", "warm"):  # the default path: with the parse cache
            result = xxgk("package", "--corpus", corpus, "--out", tmp_path / f"{corpus.name}-out", "--cache", tmp_path / "cache")
            assert result.returncode == 0, result.stderr
    want, got = figures(tmp_path / "originals-out"), figures(tmp_path / "encoded-out")
    a, b = by_file(tmp_path / "originals-out"), by_file(tmp_path / "encoded-out")
    for original, copy in pairs:
        assert b[copy]["status"] == a[original]["status"] == "ok", copy
        assert len(want[a[original]["report_id"]]) > 100
        assert got[b[copy]["report_id"]] == want[a[original]["report_id"]], copy


def test_a_huge_narrative_under_the_size_cap_builds(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = seed("000").read_text(encoding="utf-8")
    cut = text.index("二、")
    (corpus / "big.txt").write_text(text[:cut] + "本机关认真落实政府信息公开工作，" * 200_000 + "\n" + text[cut:], encoding="utf-8")
    assert (corpus / "big.txt").stat().st_size > 9_000_000
    for cache in (None, tmp_path / "cache"):
        build(corpus, tmp_path / "out", jobs=1, cache=cache)
    assert validate_package(tmp_path / "out") == []
    assert len(figures(tmp_path / "out")) == 1


def test_bad_provenance_values_are_findings_and_empty_cells(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in ("000", "001", "002"):
        shutil.copy(seed(n), corpus / f"{n}.txt")
    lines = ["source_file\torigin\tretrieved\tsha256\tformat",
             "000.txt\thttps://例子.gov.cn/a.htm\t上周三\t\ttext",  # not a time
             "001.txt\thttps://example.gov.cn/b.htm",  # a short row
             "002.txt\thttps://example.gov.cn/c.htm\t2025-02-01T10:00:00+08:00\t\ttext",
             "gone.txt\thttps://example.gov.cn/d.htm\t2025-02-01T00:00:00Z\t\ttext"]
    (corpus / ".provenance.tsv").write_bytes(("\n".join(lines) + "\n").encode("gb18030"))  # saved as GBK
    result = xxgk("package", "--corpus", corpus, "--out", tmp_path / "out", "--no-cache")
    assert result.returncode == 0, result.stderr
    assert "gone.txt" in result.stdout and "GB18030" in result.stdout
    reports, found = by_file(tmp_path / "out"), findings(tmp_path / "out")
    assert reports["000.txt"]["retrieved"] == "" and reports["000.txt"]["source_url"] == "https://例子.gov.cn/a.htm"
    assert reports["001.txt"]["retrieved"] == ""
    assert reports["002.txt"]["retrieved"] == "2025-02-01T02:00:00Z"
    for name in ("000.txt", "001.txt"):
        codes = [c for c in found[reports[name]["report_id"]] if c["code"] == "invalid-provenance"]
        assert codes and codes[0]["message"] and codes[0]["message_en"], name
    assert not [c for c in found[reports["002.txt"]["report_id"]] if c["code"] == "invalid-provenance"]


def test_a_file_name_that_is_not_utf8(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    gbk = "洪泽区2024年报告.txt".encode("gbk")
    with open(os.path.join(os.fsencode(corpus), gbk), "wb") as f:
        f.write(seed("000").read_bytes())
    with open(os.path.join(os.fsencode(corpus), b"\xff\xfe-odd.txt"), "wb") as f:
        f.write(seed("001").read_bytes())
    summary = build(corpus, tmp_path / "out", jobs=1, cache=tmp_path / "cache")
    assert summary.statuses["ok"] == 2
    reports, found = by_file(tmp_path / "out"), findings(tmp_path / "out")
    assert set(reports) == {"洪泽区2024年报告.txt", "\\xff\\xfe-odd.txt"}
    for r in reports.values():
        assert [c["code"] for c in found[r["report_id"]] if c["code"] == "file-name-encoding"] == ["file-name-encoding"]


def test_an_unreadable_folder_is_a_row_with_a_finding(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "locked").mkdir(parents=True)
    shutil.copy(seed("000"), corpus / "a.txt")
    shutil.copy(seed("001"), corpus / "locked" / "b.txt")
    os.chmod(corpus / "locked", 0)
    out = tmp_path / "out"
    command = [str(BIN / "xxgk"), "package", "--corpus", str(corpus), "--out", str(out), "--no-cache", "--jobs", "1"]
    if os.geteuid() == 0:  # root reads any folder: build without the capabilities that let it
        if not shutil.which("setpriv"):
            pytest.skip("setpriv (util-linux) is needed to build as root without reading every folder")
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
    try:
        result = subprocess.run(command, capture_output=True, text=True)
    finally:
        os.chmod(corpus / "locked", 0o755)
    assert result.returncode == 0, result.stderr
    reports, found = by_file(out), findings(out)
    assert reports["a.txt"]["status"] == "ok"
    assert reports["locked"]["status"] == "failed"
    codes = found[reports["locked"]["report_id"]]
    assert codes[0]["code"] == "unreadable-file" and "folder" in codes[0]["message_en"] and codes[0]["message"]


# --- wrong figures: a cache entry or index key that is not the one asked for -------------------

def _aged_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seed("000"), corpus / "a.txt")
    shutil.copy(SEEDS / "26-gwh-2025" / "input.txt", corpus / "b.txt")
    return corpus


def test_a_cache_entry_swapped_with_another_is_not_served(tmp_path):
    corpus = _aged_corpus(tmp_path)
    cache = tmp_path / "cache"
    build(corpus, tmp_path / "cold", jobs=1, cache=cache)
    a, b = sorted((cache / parser_version()).rglob("*.pickle"))
    swap = a.read_bytes()
    a.write_bytes(b.read_bytes())
    b.write_bytes(swap)
    again = build(corpus, tmp_path / "again", jobs=1, cache=cache)
    assert again.cached == 0
    assert tree_digest(tmp_path / "again") == tree_digest(tmp_path / "cold")


def test_a_stat_index_key_swapped_with_another_is_not_served(tmp_path, monkeypatch):
    monkeypatch.setattr("xxgk.package.cache.RACY_SECONDS", 0)  # remember files changed a moment ago
    corpus = _aged_corpus(tmp_path)
    cache = tmp_path / "cache"
    build(corpus, tmp_path / "cold", jobs=1, cache=cache)
    store = ParseCache(cache, parser_version())
    index = store.index()
    pa, pb = sorted(index)
    assert len(index) == 2
    (sa, ka, ca), (sb, kb, cb) = index[pa], index[pb]
    for keep_stat in (True, False):  # the content keys swapped; whole entries swapped
        swapped = {pa: (sa, kb, cb), pb: (sb, ka, ca)} if keep_stat else {pa: index[pb], pb: index[pa]}
        payload = pickle.dumps(swapped)
        (cache / parser_version() / "files.index").write_bytes(HEADER.pack(len(payload), __import__("zlib").crc32(payload)) + payload)
        build(corpus, tmp_path / "again", jobs=1, cache=cache)
        assert tree_digest(tmp_path / "again") == tree_digest(tmp_path / "cold"), keep_stat


def test_the_cache_version_covers_every_library_a_parse_loads(tmp_path):
    script = f"""
import sys, importlib.metadata as md
from pathlib import Path
from xxgk.package.worker import parse_file
root = Path({str(SEEDS)!r})
for case in ("seed-000", "26-gwh-2025-html", "seed-002-markdown"):
    for f in (root / case).glob("input.*"):
        parse_file((str(f), f.name, "", "", str(root)))
parse_file((str(root / "seed-000" / "input.txt"), "x", "", "", str(root)))
from xxgk.parse.read import decode
decode("政府信息公开工作年度报告".encode("gbk") * 40)
names = md.packages_distributions()
print("\\n".join(sorted({{d for m in list(sys.modules) for d in names.get(m.split(".")[0], [])}})))
"""
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    assert "lxml" in loaded and "charset-normalizer" in loaded
    assert set(loaded) - {"xxgk"} <= {d for d in PARSE_DISTRIBUTIONS}, set(loaded) - set(PARSE_DISTRIBUTIONS)


# --- a cache that cannot be written ------------------------------------------------------------

def _two_reports(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seed("000"), corpus / "a.txt")
    shutil.copy(seed("001"), corpus / "b.txt")
    return corpus


def _assert_builds_with_a_warning(corpus, out, cache, reference):
    result = xxgk("package", "--corpus", corpus, "--out", out, "--cache", cache)
    assert result.returncode == 0, result.stderr
    assert "warning: the parse cache" in result.stdout and "cannot be written" in result.stdout
    assert tree_digest(out) == tree_digest(reference)


def test_a_cache_path_that_is_a_file_or_a_damaged_entry_is_skipped(tmp_path):
    corpus = _two_reports(tmp_path)
    build(corpus, tmp_path / "reference", jobs=1)
    (tmp_path / "cache-file").write_text("not a folder")
    _assert_builds_with_a_warning(corpus, tmp_path / "out1", tmp_path / "cache-file", tmp_path / "reference")  # ENOTDIR
    cache = tmp_path / "cache"
    key = hashlib.sha256(seed("000").read_bytes()).hexdigest() + ".txt"
    (cache / parser_version() / key[:2] / f"{key}.pickle").mkdir(parents=True)  # EISDIR
    _assert_builds_with_a_warning(corpus, tmp_path / "out2", cache, tmp_path / "reference")
    again = xxgk("package", "--corpus", corpus, "--out", tmp_path / "out3", "--cache", cache)
    assert again.returncode == 0 and tree_digest(tmp_path / "out3") == tree_digest(tmp_path / "reference")


def _mount(*args) -> bool:
    return subprocess.run(["mount", *map(str, args)], capture_output=True).returncode == 0


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a full or read-only file system needs root")
def test_a_full_or_read_only_cache_is_skipped(tmp_path):
    corpus = _two_reports(tmp_path)
    build(corpus, tmp_path / "reference", jobs=1)
    full, readonly = tmp_path / "full", tmp_path / "readonly"
    full.mkdir()
    readonly.mkdir()
    if not _mount("-t", "tmpfs", "-o", "size=16k", "tmpfs", full):
        pytest.skip("this machine does not allow mounting")
    try:
        _assert_builds_with_a_warning(corpus, tmp_path / "out1", full, tmp_path / "reference")  # ENOSPC
        assert _mount("--bind", readonly, readonly) and _mount("-o", "remount,bind,ro", readonly)
        _assert_builds_with_a_warning(corpus, tmp_path / "out2", readonly, tmp_path / "reference")  # EROFS
    finally:
        subprocess.run(["umount", str(full)])
        subprocess.run(["umount", str(readonly)])


# --- years -------------------------------------------------------------------------------------

def test_an_impossible_report_year_is_a_finding_and_stays_out_of_the_register(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = (SEEDS / "26-gwh-2025" / "input.txt").read_text(encoding="utf-8")
    assert text.count("2025年度") >= 1
    shutil.copy(SEEDS / "26-gwh-2025" / "input.txt", corpus / "real.txt")
    (corpus / "future.txt").write_text(text.replace("2025", "2099"), encoding="utf-8")
    (corpus / "past.txt").write_text(text.replace("2025", "1999"), encoding="utf-8")
    result = xxgk("package", "--corpus", corpus, "--out", tmp_path / "out", "--cache", tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    reports, found = by_file(tmp_path / "out"), findings(tmp_path / "out")
    assert reports["real.txt"]["year"] == "2025"
    for name, printed in (("future.txt", "2099"), ("past.txt", "1999")):
        assert reports[name]["year"] == "", name
        years = [c for c in found[reports[name]["report_id"]] if c["code"] == "implausible-year"]
        assert len(years) == 1 and years[0]["found"] == printed and years[0]["message"] and years[0]["message_en"]
    register = rows(tmp_path / "out", "register")
    assert {r["year"] for r in register} == {"2025"}
    assert {r["report_id"] for r in register if r["report_id"]} == {reports["real.txt"]["report_id"]}
    assert not [c for cs in found.values() for c in cs if c["code"] in ("missing-year", "carry-over-mismatch", "repeated-figures")]
    assert figures(tmp_path / "out")[reports["future.txt"]["report_id"]]  # the figures are kept


def test_the_build_year_follows_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")  # 2025-01-01
    assert build_year() == 2025
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert build_year() >= 2026


# --- data lost: publishing over a folder that is not ours --------------------------------------

def test_publishing_over_a_folder_that_is_not_a_package_is_refused(tmp_path):
    corpus = _two_reports(tmp_path)
    (corpus / "notes").mkdir()
    (corpus / "notes" / "keep.md").write_text("mine")
    before = tree_digest(corpus)
    for target in (corpus, corpus / "notes", tmp_path):
        result = xxgk("package", "--corpus", corpus, "--out", target, "--no-cache")
        assert result.returncode == 2 and "refusing" in result.stderr, target
        assert tree_digest(corpus) == before
    result = xxgk("site", "--site", corpus, "--pages", tmp_path / "no-pages")
    assert result.returncode == 2 and tree_digest(corpus) == before
    # a package of ours is replaced; an empty folder may be used
    (tmp_path / "empty").mkdir()
    for target in (tmp_path / "pkg", tmp_path / "pkg", tmp_path / "empty"):
        assert xxgk("package", "--corpus", corpus, "--out", target, "--no-cache").returncode == 0
        assert (target / publish.MARKER).is_file() and (target / "datapackage.json").is_file()


def test_a_folder_named_like_an_abandoned_build_is_removed_only_when_ours(tmp_path):
    target = tmp_path / "datapackage"
    theirs = tmp_path / ".datapackage.tmp-999999-x"  # no such process, but not ours either
    theirs.mkdir()
    (theirs / "work.txt").write_text("someone's")
    ours = Path(publish.temp_beside(target))
    (ours / "partial.csv").write_text("a")
    os.rename(ours, tmp_path / ".datapackage.tmp-999998-y")
    publish.temp_beside(target)
    assert (theirs / "work.txt").read_text() == "someone's"
    assert not (tmp_path / ".datapackage.tmp-999998-y").exists()


# --- one report per agency and year ------------------------------------------------------------

def test_two_files_of_one_agency_and_year_give_one_report_for_the_year(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEEDS / "26-gwh-2025" / "input.txt", corpus / "gwh-2025.txt")
    shutil.copy(SEEDS / "26-gwh-2025-html" / "input.html", corpus / "gwh-2025.html")
    shutil.copy(SEEDS / "11-gwh-2022" / "input.txt", corpus / "gwh-2022.txt")
    text = (SEEDS / "26-gwh-2025" / "input.txt").read_text(encoding="utf-8")
    cut = text.index("四、")
    (corpus / "gwh-2025-cut.txt").write_text(text[:cut], encoding="utf-8")  # fewer figures: never the primary
    build(corpus, tmp_path / "out", jobs=1)
    reports, found = by_file(tmp_path / "out"), findings(tmp_path / "out")
    year = [r for r in reports.values() if r["year"] == "2025"]
    assert len(year) == 3 and len({r["agency_id"] for r in year}) == 1
    primaries = [r for r in year if not r["superseded_by"]]
    assert len(primaries) == 1 and primaries[0]["source_file"] != "gwh-2025-cut.txt"
    for r in year:
        if r["superseded_by"]:
            assert r["superseded_by"] == primaries[0]["report_id"]
            codes = [c for c in found[r["report_id"]] if c["code"] == "superseded-report"]
            assert len(codes) == 1 and codes[0]["expected"] == primaries[0]["report_id"]
            assert figures(tmp_path / "out")[r["report_id"]]  # kept as evidence
    register = [r for r in rows(tmp_path / "out", "register") if r["year"] == "2025"]
    assert [r["report_id"] for r in register] == [primaries[0]["report_id"]]
    (agency,) = rows(tmp_path / "out", "agencies")
    assert agency["reports"] == "2"
    assert validate_package(tmp_path / "out") == []


# --- the schema is a safety net: every finding code the code can raise is in the catalogue -------

def test_every_finding_code_raised_is_in_the_catalogue():
    import re

    from xxgk.codebook import load
    from xxgk.findings import catalogue as findings_catalogue

    catalogue = set(findings_catalogue())
    call = re.compile(r"""(?:\.add|Finding|finding|message|ReadError|_failed|_unread|return|write)\s*\(\s*(?:\(?[\w.\[\]"]+\s*,\s*(?:\d+\s*,\s*)?)?"([a-z][a-z0-9]*(?:-[a-z0-9]+)+)\"""")
    raised = set()
    for path in sorted((Path(__file__).parent.parent / "xxgk").rglob("*.py")):
        raised |= set(call.findall(path.read_text(encoding="utf-8")))
    raised |= {i["code"] for i in load().identities}
    assert {"implausible-year", "superseded-report", "missing-year", "duplicate-file", "outside-corpus"} <= raised
    assert raised <= catalogue, raised - catalogue


def test_writing_the_pages_over_a_folder_that_is_not_ours_is_refused(tmp_path):
    corpus = _two_reports(tmp_path)
    build(corpus, tmp_path / "pkg", jobs=1)
    before = tree_digest(corpus)
    result = xxgk("pages", "--package", tmp_path / "pkg", "--out", corpus, "--corpus", corpus)
    assert result.returncode == 2 and "refusing" in result.stderr
    assert tree_digest(corpus) == before
    for _ in range(2):  # its own folder is rewritten
        result = xxgk("pages", "--package", tmp_path / "pkg", "--out", tmp_path / "docs", "--corpus", corpus)
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "docs" / publish.MARKER).is_file()
    theirs = tmp_path / "mine"  # the agency pages go beside the pages, in <out>-agencies
    theirs.mkdir()
    (theirs.with_name("mine-agencies")).mkdir()
    (theirs.with_name("mine-agencies") / "notes.html").write_text("mine")
    result = xxgk("pages", "--package", tmp_path / "pkg", "--out", theirs, "--corpus", corpus)
    assert result.returncode == 2 and (theirs.with_name("mine-agencies") / "notes.html").read_text() == "mine"
    assert not (tmp_path / "docs" / "data" / publish.MARKER).exists()


def test_impossible_dates_do_not_fail_the_build(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    crawl = (SEEDS / "26-gwh-2025" / "input.txt").read_text(encoding="utf-8")
    assert "发布时间: 2026-01-30 09:49" in crawl
    (corpus / "page-date.txt").write_text(crawl.replace("发布时间: 2026-01-30 09:49", "发布时间: 2025-13-01 09:49"), encoding="utf-8")
    text = seed("000").read_text(encoding="utf-8").rstrip("\n")
    (corpus / "signed.txt").write_text(text + "\n\n洛阳市瀍河回族区城市管理局\n2025年2月30日\n", encoding="utf-8")
    (corpus / "leap.txt").write_text(seed("001").read_text(encoding="utf-8").rstrip("\n") + "\n\n2023-02-29\n", encoding="utf-8")
    result = xxgk("package", "--corpus", corpus, "--out", tmp_path / "out", "--cache", tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    reports, found = by_file(tmp_path / "out"), findings(tmp_path / "out")
    for name in ("page-date.txt", "signed.txt", "leap.txt"):
        assert reports[name]["publication_date"] == "", name
        assert "invalid-date" in [c["code"] for c in found[reports[name]["report_id"]]], name
