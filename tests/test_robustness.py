"""Hostile and broken input: the bundled corpus plus one file of each bad kind builds, every bad
file is a failed report with a finding that says why, and every good report's figures stay as
they were."""

import csv
import io
import os
import shutil
import zipfile
from collections import defaultdict

import pytest
from conftest import ROOT, SEEDS

from xxgk.corpus.walk import MAX_FILE_BYTES
from xxgk.package import build

CORPUS = ROOT / "corpus"
GOOD = SEEDS / "26-gwh-2025" / "input.txt"  # a real report, not in the bundled corpus under this content
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")


def rows(package, name):
    with open(package / "data" / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _bad_files(bad, outside):
    text = GOOD.read_text(encoding="utf-8")
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (bad / "truncated.txt").write_text(text[: text.index("（三）不予公开")], encoding="utf-8")
    (bad / "not-a-report.html").write_text("<html><head><title>网站首页</title></head><body><p>欢迎访问</p></body></html>",
                                           encoding="utf-8")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("report.txt", text)
    (bad / "archive.txt").write_bytes(archive.getvalue())
    (bad / "image.txt").write_bytes(PNG)
    with open(bad / "huge.txt", "wb") as f:  # sparse: 50 MB on paper, nothing on disk
        f.truncate(50 * 1024 * 1024)
    (bad / "deep.html").write_text("<html><body>" + "<div>" * 3000 + text + "</div>" * 3000 + "</body></html>", encoding="utf-8")
    (bad / "mojibake.txt").write_text(text.encode("utf-8").decode("gbk", errors="replace"), encoding="utf-8")
    (outside / "secret.txt").write_text(text, encoding="utf-8")
    os.symlink(outside / "secret.txt", bad / "link-out.txt")
    os.symlink(outside, bad / "folder-link")
    os.symlink(bad / "nowhere.txt", bad / "broken-link.txt")


EXPECTED = {  # file: (status, the finding that says why)
    "bad/empty.txt": ("failed", "empty-file"),
    "bad/binary.txt": ("failed", "not-a-text-file"),
    "bad/truncated.txt": ("partial", "missing-section"),  # what was read before the cut stays
    "bad/not-a-report.html": ("failed", "no-tables-found"),
    "bad/archive.txt": ("failed", "unsupported-format"),  # a zip of files: xxgk add unpacks it
    "bad/image.txt": ("failed", "not-a-text-file"),
    "bad/huge.txt": ("failed", "file-too-large"),
    "bad/deep.html": ("failed", "unreadable-file"),
    "bad/mojibake.txt": ("failed", "mojibake"),
    "bad/link-out.txt": ("failed", "outside-corpus"),
    "bad/folder-link": ("failed", "outside-corpus"),
    "bad/broken-link.txt": ("failed", "unreadable-file"),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work = tmp_path_factory.mktemp("robust")
    clean, hostile = work / "clean", work / "hostile"
    shutil.copytree(CORPUS, clean)
    shutil.copytree(CORPUS, hostile)
    bad, outside = hostile / "bad", work / "outside"
    bad.mkdir()
    outside.mkdir()
    _bad_files(bad, outside)
    # good reports under awkward names and in other encodings
    text = GOOD.read_text(encoding="utf-8")
    (hostile / "odd names").mkdir()
    (hostile / "odd names" / "报告 \"2025\" 'gwh' ,;.txt").write_text(text, encoding="utf-8")
    (hostile / "odd names" / "gbk.txt").write_bytes((text + "\n").encode("gb18030"))
    (hostile / "odd names" / "utf16.txt").write_bytes((text + "\n\n").encode("utf-16"))
    (hostile / "odd names" / "gbk-page.html").write_bytes(
        (SEEDS / "26-gwh-2025-html" / "input.html").read_text(encoding="utf-8")
        .replace("<head>", '<head><meta charset="gbk">', 1).encode("gb18030"))
    build(clean, work / "clean-package", jobs=2)
    summary = build(hostile, work / "hostile-package", jobs=2)
    return work / "clean-package", work / "hostile-package", summary


def test_every_bad_file_is_a_failed_report_with_its_reason(built):
    _, package, summary = built
    reports = {r["source_file"]: r for r in rows(package, "reports")}
    codes = defaultdict(set)
    for c in rows(package, "checks"):
        codes[c["report_id"]].add(c["code"])
    for rel, (status, code) in EXPECTED.items():
        r = reports[rel]
        assert r["status"] == status, (rel, r["status"], codes[r["report_id"]])
        assert code in codes[r["report_id"]], (rel, codes[r["report_id"]])
    messages = {c["report_id"]: (c["message"], c["message_en"]) for c in rows(package, "checks")}
    for rel in EXPECTED:
        zh, en = messages[reports[rel]["report_id"]]
        assert zh and en  # said in both languages
    assert reports["bad/huge.txt"]["bytes"] == str(50 * 1024 * 1024) > str(MAX_FILE_BYTES)
    assert reports["bad/link-out.txt"]["sha256"] == ""  # never read
    assert summary.statuses["failed"] >= len([e for e in EXPECTED.values() if e[0] == "failed"])


def test_good_reports_keep_their_figures(built):
    clean, hostile, _ = built
    def figures(package):
        return sorted(tuple(f.values()) for f in rows(package, "facts"))
    reports = {r["source_file"]: r for r in rows(hostile, "reports")}
    kept = {r["report_id"] for r in rows(clean, "reports")}
    assert kept <= {reports[k]["report_id"] for k in reports}
    assert figures(clean) == sorted(tuple(f.values()) for f in rows(hostile, "facts") if f["report_id"] in kept)


def test_odd_names_and_encodings_read_like_the_original(built):
    _, package, _ = built
    reports = {r["source_file"]: r for r in rows(package, "reports")}
    by_report = defaultdict(dict)
    for f in rows(package, "facts"):
        by_report[f["report_id"]][(f["section"], f["row"], f["column"])] = f["value"]
    original = by_report[reports["odd names/报告 \"2025\" 'gwh' ,;.txt"]["report_id"]]
    assert len(original) > 100
    for rel, encoding in (("odd names/gbk.txt", "gb18030"), ("odd names/utf16.txt", "utf-16"),
                          ("odd names/gbk-page.html", "gb18030")):
        assert reports[rel]["encoding"] == encoding, rel
        assert by_report[reports[rel]["report_id"]] == original, rel


def test_a_file_over_the_time_limit_fails_alone_and_is_not_cached(tmp_path, monkeypatch):
    from conftest import seed

    import xxgk.package.worker as pkg

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seed("000"), corpus / "a.txt")
    shutil.copy(seed("001"), corpus / "b.txt")
    real = pkg.parse_bytes

    def slow_on_b(data, suffix):
        if data == seed("001").read_bytes():
            import time
            time.sleep(5)
        return real(data, suffix)

    monkeypatch.setattr(pkg, "parse_bytes", slow_on_b)
    monkeypatch.setattr(pkg, "PARSE_SECONDS", 0.5)
    summary = build(corpus, tmp_path / "out", jobs=1, cache=tmp_path / "cache")
    reports = {r["source_file"]: r for r in rows(tmp_path / "out", "reports")}
    assert reports["a.txt"]["status"] == "ok" and reports["b.txt"]["status"] == "failed"
    assert summary.codes["parse-timeout"] == 1
    monkeypatch.setattr(pkg, "parse_bytes", real)
    again = build(corpus, tmp_path / "out", jobs=1, cache=tmp_path / "cache")
    assert again.cached == 1 and again.statuses["ok"] == 2  # the timed-out file was parsed again


def test_a_parser_failure_is_a_finding_and_the_build_goes_on(tmp_path, monkeypatch):
    from conftest import seed

    import xxgk.package.worker as pkg

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seed("000"), corpus / "a.txt")
    (corpus / "b.txt").write_text("触发错误", encoding="utf-8")
    real = pkg.parse_bytes

    def broken_on_b(data, suffix):
        if "触发错误".encode() in data:
            raise RecursionError("maximum recursion depth exceeded")
        return real(data, suffix)

    monkeypatch.setattr(pkg, "parse_bytes", broken_on_b)
    build(corpus, tmp_path / "out", jobs=1)
    reports = {r["source_file"]: r for r in rows(tmp_path / "out", "reports")}
    checks = [c for c in rows(tmp_path / "out", "checks") if c["report_id"] == reports["b.txt"]["report_id"]]
    assert reports["a.txt"]["status"] == "ok" and reports["b.txt"]["status"] == "failed"
    assert [c["code"] for c in checks] == ["parse-crashed"] and "RecursionError" in checks[0]["message_en"]
