"""Pre-compressed copies of the built site's text files, for hosts that serve them as they are
(nginx `gzip_static`/`brotli_static`, or an object store the deploy script uploads them to with
`Content-Encoding`); GitHub Pages ignores them. In: the rendered site folder. Out: beside each
text file of at least MIN_SIZE bytes, `<name>.gz` (gzip level 9, no name, mtime 0) and, when the
`brotli` module is installed, `<name>.br`; a copy that would not be smaller is not kept.

The same file gives the same bytes. Each copy carries its original's modification time, so a
second run over the same site compresses nothing again and one over a changed site redoes only
what changed; a .gz or .br is never compressed itself."""

from __future__ import annotations

import gzip
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..files import write_atomic

MIN_SIZE = 1024  # below about a kilobyte the saving is smaller than a round trip's overhead
TEXT_SUFFIXES = frozenset({".html", ".htm", ".css", ".js", ".mjs", ".json", ".xml", ".svg", ".txt", ".csv", ".tsv",
                           ".map", ".webmanifest", ".md", ".ics", ".geojson", ".yaml", ".yml"})
ENCODINGS = (".gz", ".br")
# Brotli's quality 11 is ~10x slower than 9 for ~5% fewer bytes; every build compresses every page
BROTLI_QUALITY = 9


def _gzip(data: bytes) -> bytes:
    # gzip.compress writes no file name; mtime=0 keeps the header free of the build's time
    return gzip.compress(data, compresslevel=9, mtime=0)


def compressors() -> dict[str, Callable[[bytes], bytes]]:
    """The encodings written: gzip always, Brotli when its module is installed."""
    found: dict[str, Callable[[bytes], bytes]] = {".gz": _gzip}
    try:
        import brotli  # type: ignore[import-untyped]
    except ImportError:
        return found
    found[".br"] = lambda data: brotli.compress(data, mode=brotli.MODE_TEXT, quality=BROTLI_QUALITY)
    return found


def candidates(site_dir: Path) -> list[Path]:
    """The text files a compressed copy may be made of, sorted (compressed copies excluded)."""
    return sorted(path for path in Path(site_dir).rglob("*")
                  if path.suffix.lower() in TEXT_SUFFIXES and not path.name.startswith(".") and path.is_file())


def _one(path: Path, encodings: dict[str, Callable[[bytes], bytes]]) -> int:
    """Bring the compressed copies of one file up to date; the number written."""
    stat = path.stat()
    written = 0
    data: bytes | None = None
    for suffix, compress in encodings.items():
        target = path.with_name(path.name + suffix)
        if stat.st_size < MIN_SIZE:
            target.unlink(missing_ok=True)  # a copy left from when the file was larger
            continue
        try:
            if target.stat().st_mtime_ns == stat.st_mtime_ns:
                continue  # made from this very version of the file
        except FileNotFoundError:
            pass
        data = path.read_bytes() if data is None else data
        packed = compress(data)
        if len(packed) >= len(data):
            target.unlink(missing_ok=True)
            continue
        write_atomic(target, packed)
        os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # marks which version it was made from
        written += 1
    return written


def precompress(site_dir: Path, jobs: int | None = None) -> int:
    """Write the missing or stale compressed copies of the site's text files; the number written
    (0 on a second run over the same site). zlib and Brotli release the GIL, so threads share the
    work across the cores."""
    encodings = compressors()
    files = candidates(site_dir)
    with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
        return sum(pool.map(lambda path: _one(path, encodings), files))
