import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fixtures" / "golden"
BIN = Path(sys.executable).parent


def seed(n: str) -> Path:
    return SEEDS / f"seed-{n}" / "input.txt"


def xxgk(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "xxgk"), *map(str, args)], capture_output=True, text=True, **kw)


@pytest.fixture(scope="session")
def mixed_corpus(tmp_path_factory) -> Path:
    """The five seeds, two real pingtan reports in other layouts, and one bad file of each kind."""
    root = tmp_path_factory.mktemp("corpus")
    (root / "2024").mkdir()
    for n in ("000", "001", "002", "003", "004"):
        shutil.copy(seed(n), root / "2024" / f"seed-{n}.txt")
    shutil.copy(SEEDS / "26-gwh-2025-html" / "input.html", root / "2024" / "gwh 2025 «html».html")
    shutil.copy(SEEDS / "05-gaj-2021" / "input.txt", root / "gaj-2021.txt")
    bad = root / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (bad / "not-a-report.html").write_text("<html><body><p>网站首页</p></body></html>", encoding="utf-8")
    (bad / "scan.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    shutil.copy(seed("003"), bad / "copy-of-003.txt")
    return root


@pytest.fixture(scope="session")
def package(mixed_corpus, tmp_path_factory) -> Path:
    from xxgk.package import build

    out = tmp_path_factory.mktemp("pkg") / "datapackage"
    build(mixed_corpus, out, jobs=2)
    return out
