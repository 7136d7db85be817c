"""Pre-compressed copies: deterministic bytes, small and incompressible files left alone, a second
run rewrites nothing, a changed file is redone."""

import gzip
import os
import random
import shutil

import pytest

from xxgk.site.compress import MIN_SIZE, compressors, precompress

PAGE = ("<!doctype html><html lang=zh><title>北关区信访局</title><table>"
        + "".join(f"<tr><td>第{n}行</td><td>{n * 7}</td></tr>" for n in range(200)) + "</table></html>").encode()


def make_site(root):
    (root / "agencies").mkdir(parents=True)
    (root / "assets").mkdir()
    (root / "index.html").write_bytes(PAGE)
    (root / "agencies" / "a.csv").write_bytes(b"year,value\n" + b"".join(b"%d,%d\n" % (y, y * 3) for y in range(2000, 2300)))
    (root / "assets" / "main.57a0d79d.min.css").write_bytes(b"body{margin:0}" * 200)
    (root / "small.html").write_bytes(b"<p>tiny</p>" * 10)  # under MIN_SIZE
    (root / "noise.txt").write_bytes(random.Random(1).randbytes(4096))  # incompressible
    (root / "image.png").write_bytes(b"\x89PNG" + bytes(4096))  # not a text file
    (root / "old.csv.gz").write_bytes(gzip.compress(b"a,b\n" * 1000))  # a download that is gzip already
    return root


def listing(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_copies_are_made_beside_text_files_only(tmp_path):
    site = make_site(tmp_path / "site")
    written = precompress(site)
    encodings = list(compressors())
    assert written == 3 * len(encodings)
    for name in ("index.html", "agencies/a.csv", "assets/main.57a0d79d.min.css"):
        assert gzip.decompress((site / f"{name}.gz").read_bytes()) == (site / name).read_bytes()
        assert (site / f"{name}.gz").stat().st_size < (site / name).stat().st_size
    for name in ("small.html", "noise.txt", "image.png", "old.csv.gz"):
        assert not any((site / f"{name}{suffix}").exists() for suffix in (".gz", ".br")), name
    assert (site / "small.html").stat().st_size < MIN_SIZE


def test_gzip_header_has_no_name_and_no_time(tmp_path):
    site = make_site(tmp_path / "site")
    precompress(site)
    head = (site / "index.html.gz").read_bytes()[:10]
    assert head[:3] == b"\x1f\x8b\x08" and head[3] == 0  # flags: no FNAME, no FCOMMENT
    assert head[4:8] == bytes(4)  # mtime 0


def test_same_files_same_bytes(tmp_path):
    one, two = make_site(tmp_path / "one"), make_site(tmp_path / "two")
    os.utime(two / "index.html", (0, 12345))  # another build time
    precompress(one)
    precompress(two, jobs=1)
    assert listing(one) == listing(two)


def test_second_run_rewrites_nothing_and_a_change_is_redone(tmp_path):
    site = make_site(tmp_path / "site")
    precompress(site)
    def copies():  # a rewrite goes through a new file and a rename: a new inode
        return {p: p.stat().st_ino for p in [*site.rglob("*.gz"), *site.rglob("*.br")]}

    before = copies()
    assert precompress(site) == 0
    assert copies() == before
    assert not list(site.rglob("*.gz.gz")) and not list(site.rglob("*.br.gz")) and not list(site.rglob("*.gz.br"))

    (site / "index.html").write_bytes(PAGE.replace("北关区".encode(), "南关区".encode()))
    (site / "agencies" / "a.csv").write_bytes(b"year\n2024\n")  # now too small: its copies go
    assert precompress(site) == len(compressors())
    assert gzip.decompress((site / "index.html.gz").read_bytes()) == (site / "index.html").read_bytes()
    assert not (site / "agencies" / "a.csv.gz").exists() and not (site / "agencies" / "a.csv.br").exists()


def test_brotli_copies_decode_to_the_original(tmp_path):
    brotli = pytest.importorskip("brotli", reason="brotli is a dependency; without it only .gz copies are made")
    site = make_site(tmp_path / "site")
    precompress(site)
    assert brotli.decompress((site / "index.html.br").read_bytes()) == PAGE
    assert (site / "index.html.br").stat().st_size < (site / "index.html.gz").stat().st_size


def test_a_copy_is_redone_when_its_original_is_replaced_by_an_older_file(tmp_path):
    site = make_site(tmp_path / "site")
    precompress(site)
    other = tmp_path / "other.html"
    other.write_bytes(PAGE + b"<!-- more -->" * 50)
    os.utime(other, (1, 1))
    shutil.copy2(other, site / "index.html")  # older mtime than the copy: still not the version it was made from
    assert precompress(site) == len(compressors())
    assert gzip.decompress((site / "index.html.gz").read_bytes()) == other.read_bytes()
