"""The parse cache: a report file's parsed rows, keyed by the file's content and by the parser's
own version (the digest of every source file of the package and of the codebook), so a rebuild
parses only new or changed files, and a changed parser or codebook invalidates it by itself.

An entry is its payload's length and CRC-32 followed by the payload, which holds the key it was
stored under: an entry that is damaged (a truncated write, a flipped bit) or that is not the one
asked for (a file copied or renamed over another) is never trusted: the file is parsed again.
(The cache is local build state, not an input anyone else can write.)

Like git's index, the cache remembers each corpus file's size, times and inode with the content
key it had, so an unchanged file is neither read nor hashed again; each index entry carries a
digest of its path, stat and key, so an entry moved to another path is not believed. A file changed within a few
seconds of the index being saved is not remembered (its time stamp could hide a later change).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import struct
import time
import zlib
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from pathlib import Path

from ..files import write_atomic

# Every distribution whose code or data takes part in parsing a report: a new version of any of
# them may change a parse, so it starts a new cache. (A test parses reports in a fresh process and
# checks that every third-party module it loads comes from one of these.)
PARSE_DISTRIBUTIONS = ("charset-normalizer", "cnloc", "cnradical", "lxml", "numpy", "pandas", "pyarrow", "pypinyin",
                       "python-dateutil", "PyYAML", "setuptools", "six",
                       # PDF, Word and OCR
                       "pdfplumber", "pdfminer.six", "pypdfium2", "pillow", "mammoth", "cobble",
                       "rapidocr-onnxruntime", "onnxruntime", "opencv-python", "shapely", "pyclipper")


# What a cached entry is made by: the stages up to the rows of one file (their code and data, the
# codebook included) and the encoding of those rows. The site, the command line and the corpus-wide
# assembly are not in it: changing them keeps every entry.
PARSER_SOURCES = ("__init__.py", "codebook.py", "codebook.yaml", "findings.py", "findings.yaml", "model.py", "text.py", "report.py",
                  "parse", "check", "identify", "package/worker.py", "package/tables.py", "package/schema.py",
                  "package/cache.py")


def parser_sources() -> list[tuple[str, bytes]]:
    """(path below xxgk/, bytes) of every file in PARSER_SOURCES, in a fixed order."""
    root = resources.files("xxgk")
    out = []
    for name in PARSER_SOURCES:
        item = root.joinpath(name)
        if item.is_file():
            out.append((name, item.read_bytes()))
            continue
        stack = [(name, item)]
        while stack:
            prefix, folder = stack.pop()
            for child in folder.iterdir():
                rel = f"{prefix}/{child.name}"
                if child.is_dir() and child.name != "__pycache__":
                    stack.append((rel, child))
                elif child.name.endswith((".py", ".yaml")):
                    out.append((rel, child.read_bytes()))
    return sorted(out)


@cache
def parser_version() -> str:
    import sys
    import unicodedata
    from importlib import metadata

    h = hashlib.sha256()
    for name, data in parser_sources():
        h.update(name.encode() + b"\0" + data + b"\0")
    # the interpreter (its re and its Unicode tables, which normalisation follows) and the libraries
    h.update(f"python={sys.version_info[:3]} unicode={unicodedata.unidata_version}".encode())
    for dist in PARSE_DISTRIBUTIONS:
        try:
            h.update(f"{dist}={metadata.version(dist)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=absent\0".encode())
    try:
        from lxml import etree

        h.update(f"libxml2={etree.LIBXML_VERSION}".encode())  # a build of lxml may link another libxml2
    except ImportError:
        pass
    h.update(f"libreoffice={_libreoffice_version()}".encode())  # it converts .doc and .wps files
    return h.hexdigest()[:16]


def _libreoffice_version() -> str:
    """The installed LibreOffice's build (its versionrc, read without starting it), or "absent"."""
    import shutil

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return "absent"
    try:
        rc = Path(os.path.realpath(soffice)).parent / "versionrc"
        return hashlib.sha256(rc.read_bytes()).hexdigest()[:16]
    except OSError:
        return "unknown"


RACY_SECONDS = 2
HEADER = struct.Struct("<QI")  # payload length, CRC-32


def stat_key(st: os.stat_result) -> tuple:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


class ParseCache:
    """Reads that fail are misses; writes that fail (a full disk, a read-only or damaged folder)
    are skipped, and `problem` says why, once: the cache only ever saves time."""

    def __init__(self, folder: Path, version: str):
        self.folder = Path(folder) / version
        self._index: dict[str, tuple] | None = None
        self._summaries: Summaries | None = None
        self.problem: str | None = None

    def _save(self, path: Path, data: bytes) -> bool:
        if self.problem is not None:
            return False  # one failure is enough: a full disk stays full for this build
        try:
            write_atomic(path, data)
        except OSError as exc:
            self.cannot_write(exc)
            return False
        return True

    def cannot_write(self, exc: OSError) -> None:
        """Say (once) why the cache is not written to: the build goes on without saving to it."""
        self.problem = self.problem or f"the parse cache in {self.folder} cannot be written ({exc.strerror or exc}); continuing without saving to it"

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, key: str):
        try:
            raw = self._path(key).read_bytes()
        except OSError:
            return None
        if len(raw) < HEADER.size:
            return None
        length, crc = HEADER.unpack_from(raw)
        payload = memoryview(raw)[HEADER.size:]
        if len(payload) != length or zlib.crc32(payload) != crc:
            return None
        try:
            stored, value = pickle.loads(payload)
        except Exception:
            return None
        return value if stored == key else None  # an entry proves it is the one asked for

    def put(self, key: str, value) -> None:
        payload = pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL)
        self._save(self._path(key), HEADER.pack(len(payload), zlib.crc32(payload)) + payload)

    # --- the stat index: file path -> (stat key, content key) -------------------------------

    def _index_path(self) -> Path:
        return self.folder / "files.index"

    def index(self) -> dict[str, tuple]:
        if self._index is None:
            self._index = self._load_dict(self._index_path())
        return self._index

    def _load_dict(self, path: Path) -> dict:
        entry = None
        try:
            raw = path.read_bytes()
            length, crc = HEADER.unpack_from(raw)
            payload = memoryview(raw)[HEADER.size:]
            if len(payload) == length and zlib.crc32(payload) == crc:
                entry = pickle.loads(payload)
        except Exception:  # missing or damaged: every file is hashed (and its entry read) again
            entry = None
        return entry if isinstance(entry, dict) else {}

    def _save_dict(self, path: Path, value: dict) -> None:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        self._save(path, HEADER.pack(len(payload), zlib.crc32(payload)) + payload)

    # --- what the assemble needs of each entry, without its rows: content key -> FileResult ----

    def summaries(self) -> Mapping[str, bytes]:
        """The last build's entries without their rows (FileResult with no blocks), by key, each
        pickled on its own (`summary`): a rebuild reads this one file instead of every entry, and
        an entry's rows only when its part of the package is written again; an unchanged entry
        is saved again as the bytes it was read as (pickling a national corpus's took seconds)."""
        if self._summaries is None:
            self._summaries = Summaries(self.folder / "summaries.index")
        return self._summaries

    def summary_writer(self) -> SummaryWriter:
        """Where this build's summaries go as its files are read (`summaries` of the next build)."""
        return SummaryWriter(self)

    @staticmethod
    def summary(raw: bytes | None):
        """An entry of `summaries`, unpickled (None if it cannot be)."""
        try:
            return pickle.loads(raw) if raw else None
        except Exception:
            return None

    @staticmethod
    def pickled(summary) -> bytes:
        return pickle.dumps(summary, protocol=pickle.HIGHEST_PROTOCOL)

    def known(self, path: str, stamp: tuple) -> str | None:
        """The content key of `path` if it has not changed since it was last hashed (`stamp`: its `stat_key`)."""
        hit = self.index().get(path)
        if hit is None or len(hit) != 3 or hit[0] != stamp:
            return None
        return hit[1] if hit[2] == _bound(path, hit[0], hit[1]) else None

    def remember(self, path: str, stamp: tuple, key: str) -> None:
        self.index()[path] = (stamp, key, _bound(path, stamp, key))

    def forget(self, root: str, present: set[str]) -> None:
        """Drop the files below `root` that are no longer there."""
        prefix = root.rstrip(os.sep) + os.sep
        for path in [p for p in self.index() if p.startswith(prefix) and p not in present]:
            del self.index()[path]

    def save_index(self) -> None:
        settled = time.time_ns() - RACY_SECONDS * 10**9
        self._save_dict(self._index_path(), {p: v for p, v in self.index().items() if v[0][1] < settled and v[0][2] < settled})


# The summaries index: one record per entry (key length, summary length, key, pickled summary),
# then a trailer (MAGIC, the number of records, the CRC-32 of the records). It is written as the
# files are read and read a record at a time by offset, so neither the build that writes it nor the
# one that reads it holds every summary: a national corpus's are hundreds of megabytes.
RECORD = struct.Struct("<HI")
TRAILER = struct.Struct("<8sQI")
MAGIC = b"xxgksum1"


class Summaries(Mapping[str, bytes]):
    """A summaries index, its records found by one pass and each read when asked for (by offset:
    never held whole); empty when it is missing, damaged or of another form (then every file's
    entry is read instead, once)."""

    def __init__(self, path: Path):
        self._where: dict[str, tuple[int, int]] = {}
        self._fd = -1
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            return
        try:
            where = self._records(fd)
        except (OSError, ValueError, struct.error, UnicodeDecodeError):
            where = None
        if where is None:
            os.close(fd)
            return
        self._where, self._fd = where, fd

    @staticmethod
    def _records(fd: int) -> dict[str, tuple[int, int]] | None:
        size = os.fstat(fd).st_size
        if size < TRAILER.size:
            return None
        end = size - TRAILER.size
        magic, count, crc = TRAILER.unpack(os.pread(fd, TRAILER.size, end))
        if magic != MAGIC:
            return None
        where: dict[str, tuple[int, int]] = {}
        at, check = 0, 0
        with os.fdopen(os.dup(fd), "rb", buffering=1 << 20) as f:
            while at < end:
                head = f.read(RECORD.size)
                if len(head) < RECORD.size:
                    return None
                klen, vlen = RECORD.unpack(head)
                key = f.read(klen)
                check = zlib.crc32(head + key, check)
                body = f.read(vlen)  # read for the CRC, not kept
                check = zlib.crc32(body, check)
                where[key.decode("utf-8")] = (at + RECORD.size + klen, vlen)
                at += RECORD.size + klen + vlen
        return where if at == end and check == crc and len(where) == count else None

    def __getitem__(self, key: str) -> bytes:
        start, length = self._where[key]
        data = os.pread(self._fd, length, start)
        if len(data) != length:  # the file changed under the build: the entry is read instead
            raise KeyError(key)
        return data

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)

    def __del__(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)


class SummaryWriter:
    """The next summaries index, written a record at a time beside the current one and put in its
    place by `close` (an interrupted build leaves the current one); each key once."""

    def __init__(self, store: ParseCache):
        self.store = store
        self.path = store.folder / "summaries.index"
        self._temp = self.path.with_name(f".summaries.index.tmp-{os.getpid()}")
        self._keys: set[str] = set()
        self._crc, self._file = 0, None
        if store.problem is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._file = open(self._temp, "wb")
            except OSError as exc:
                store.cannot_write(exc)

    def add(self, key: str, summary: bytes) -> None:
        if self._file is None or key in self._keys:
            return
        self._keys.add(key)
        k = key.encode("utf-8")
        record = RECORD.pack(len(k), len(summary)) + k + summary
        self._crc = zlib.crc32(record, self._crc)
        self._write(record)

    def _write(self, data: bytes) -> None:
        try:
            self._file.write(data)  # type: ignore[union-attr]
        except OSError as exc:
            self.store.cannot_write(exc)
            self.abort()

    def close(self) -> None:
        if self._file is None:
            return
        self._write(TRAILER.pack(MAGIC, len(self._keys), self._crc))
        if self._file is None:
            return
        try:
            self._file.close()
            os.replace(self._temp, self.path)
        except OSError as exc:
            self.store.cannot_write(exc)
            self.abort()
        self._file = None

    def abort(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._temp.unlink(missing_ok=True)


def _bound(path: str, sk: tuple, key: str) -> bytes:
    """Ties an index entry to its path: an entry moved to another path no longer matches."""
    return hashlib.blake2b(repr((path, sk, key)).encode("utf-8", "surrogateescape"), digest_size=8).digest()
