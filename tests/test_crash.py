"""Crash safety: a build killed (SIGKILL) at any moment leaves the published package and site
exactly as they were, and the next build completes; two builds at once do not corrupt each other."""

import os
import random
import shutil
import signal
import subprocess
import time

import pytest
from conftest import BIN, SEEDS, seed
from test_package import digests

from xxgk.package import build, validate_package


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    for n in ("000", "001", "002", "003", "004"):
        shutil.copy(seed(n), root / f"{n}.txt")
    for case in ("07-hzs-2021", "11-gwh-2022", "21-gyz-2024", "26-gwh-2025", "29-shs-2025"):
        shutil.copy(SEEDS / case / "input.txt", root / f"{case}.txt")
    shutil.copy(SEEDS / "27-hzs-2025-html" / "input.html", root / "27-hzs-2025.html")
    return root


def _start(*args):
    return subprocess.Popen([str(BIN / "xxgk"), *map(str, args)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)  # its own process group: the kill reaches the workers too


def _kill_after(proc, seconds):
    time.sleep(seconds)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def test_a_killed_package_build_leaves_the_published_package(corpus, tmp_path):
    out = tmp_path / "datapackage"
    build(corpus, out, jobs=2)
    published = digests(out)
    start = time.perf_counter()
    proc = _start("package", "--corpus", corpus, "--out", out, "--no-cache", "--jobs", "2")
    assert proc.wait() == 0, proc.stderr.read()
    whole = time.perf_counter() - start
    rng = random.Random(6)
    for moment in sorted(rng.uniform(0.05, whole) for _ in range(5)):
        _kill_after(_start("package", "--corpus", corpus, "--out", out, "--no-cache", "--jobs", "2"), moment)
        assert digests(out) == published, f"killed after {moment:.2f} s of {whole:.2f} s"
    assert validate_package(out) == []
    proc = _start("package", "--corpus", corpus, "--out", out, "--no-cache", "--jobs", "2")
    assert proc.wait() == 0, proc.stderr.read()
    assert digests(out) == published
    assert not list(tmp_path.glob(".datapackage.tmp-*"))  # what the killed builds left is gone


def test_two_package_builds_at_once(corpus, tmp_path):
    out = tmp_path / "datapackage"
    procs = [_start("package", "--corpus", corpus, "--out", out, "--no-cache", "--jobs", "1") for _ in range(2)]
    for proc in procs:
        assert proc.wait() == 0, proc.stderr.read()
    single = tmp_path / "single"
    build(corpus, single, jobs=1)
    assert digests(out) == digests(single)
    assert validate_package(out) == []
    assert not list(tmp_path.glob(".datapackage.tmp-*"))


def test_a_killed_site_build_leaves_the_published_site(site, tmp_path):
    work = site.parent
    target = tmp_path / "site"
    args = ("site", "--config", work / "mkdocs.yml", "--site", target, "--pages", work / "docs")
    start = time.perf_counter()
    proc = _start(*args)
    assert proc.wait() == 0, proc.stderr.read()
    whole = time.perf_counter() - start
    published = digests(target)
    assert len(published) > 20 and "index.html" in published
    rng = random.Random(7)
    for moment in sorted(rng.uniform(0.05, whole) for _ in range(3)):
        _kill_after(_start(*args), moment)
        assert digests(target) == published, f"killed after {moment:.2f} s of {whole:.2f} s"
    proc = _start(*args)
    assert proc.wait() == 0, proc.stderr.read()
    assert set(digests(target)) == set(published)
