"""The report-level resources (facts, checks, texts, and report_figures: each report's wide row,
made from its facts as they are written) written in parts, one per report year, so that a rebuild
rewrites only the parts that changed.

Each resource is published as one CSV file (what people download: the header, then every part's
rows, part after part in year order) and as a Parquet dataset, a folder `data/<name>.parquet/`
holding one file per part (`2021.parquet`, …, `unknown.parquet` for reports of no known year),
which pyarrow, pandas, Polars and DuckDB read as one table.

A part is made of entries in order: a file's rows (its blocks: found in the parse cache by the
file's content key, in this build's spool, or in memory when the assemble amended them), or a row
the assemble adds (a finding about the corpus). Its signature is a digest of those entries (and of
the code that makes a part), so a part whose entries are the ones an earlier build wrote is taken
from the part cache, its CSV bytes and its Parquet file, without loading a single block; the
others are written from their entries. A part's Parquet file is read from its own CSV bytes with
the reader validation uses, so the two hold the same table by construction.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from ..files import link_file
from . import wide
from .tables import FRAGMENTS, PARTED, Block, arrow_schemas, read_csv_batches

UNKNOWN = "unknown"  # the part of the reports whose year is not known


def part_of(year: int | None) -> str:
    return str(year) if year else UNKNOWN


@cache
def code_version() -> str:
    """A digest of the source of every stage up to the package (the site and the harvest come
    after it or beside it): a part written by other code is not reused."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".yaml") and "__pycache__" not in path.parts and path.relative_to(root).parts[0] not in ("site", "harvest"):
            h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


class Spool:
    """The CSV bytes of the blocks this build parsed, on disk until their part is written (so
    memory does not grow with the corpus)."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self._files = {name: open(folder / f"{name}.csv", "w+b") for name in FRAGMENTS}
        # where each handle's blocks lie: (offset, length) of each resource, in FRAGMENTS' order,
        # from `_at[_where[handle]]` on (an array, not tuples: a national build spools 300,000)
        self._where: dict[int, int] = {}
        self._at = array("q")

    def put(self, handle: int, blocks: dict[str, Block]) -> None:
        self._where[handle] = len(self._at)
        for name in FRAGMENTS:
            f, csv = self._files[name], blocks[name].csv
            f.seek(0, os.SEEK_END)
            self._at.extend((f.tell(), len(csv)))
            f.write(csv)

    def get(self, handle: int, name: str) -> bytes:
        at = self._where[handle] + 2 * FRAGMENTS.index(name)
        offset, length = self._at[at], self._at[at + 1]
        f = self._files[name]
        f.seek(offset)
        return f.read(length)

    def close(self) -> None:
        for f in self._files.values():
            f.close()


@dataclass
class Entry:
    """One file's rows in a part: `token` names them for the signature (the content key, or a
    digest of the rows when the assemble amended them or the file was not read); `load` gives the
    CSV bytes of each resource."""

    token: str
    load: Callable[[], dict[str, bytes]]  # resource: its CSV bytes
    report: dict = field(default_factory=dict)  # the report row (its agency_id and source_file order the part)


@dataclass
class Part:
    name: str
    entries: list = field(default_factory=list)  # Entry, in order
    # rows added by the assemble, after the entries, as their CSV bytes: a national build adds
    # hundreds of thousands of findings, each held as its bytes, not as a tuple of strings
    rows: dict[str, list[bytes]] = field(default_factory=lambda: {name: [] for name in PARTED})

    def add_row(self, resource: str, row: tuple) -> None:
        self.rows[resource].append(Block.csv_text([row]).encode("utf-8"))

    def by_agency(self) -> None:
        """The entries in agency order, then by file: an agency's rows of a year lie together, so a
        reader of one agency (its page) reads a few row groups of each part, not the whole part."""
        self.entries.sort(key=lambda e: (e.report.get("agency_id") or "", e.report.get("source_file") or ""))

    def signature(self, resource: str) -> str:
        h = hashlib.sha256(f"{code_version()}\0{resource}\0{self.name}\0".encode())
        for e in self.entries:
            h.update(e.token.encode() + b"\n")
            if resource == "report_figures":  # a report's wide row holds its report's fields too
                h.update(repr(wide.meta(e.report)).encode() + b"\n")
        h.update(b"".join(self.rows[resource]))
        return h.hexdigest()[:32]

    def write_rows(self, files: dict[str, BinaryIO]) -> None:
        """The CSV bytes of these resources' rows into their files, entry by entry (each entry's rows
        read once, none held longer): a report's wide row made from its facts there."""
        for e in self.entries:
            loaded = e.load()
            for name, f in files.items():
                if name in FRAGMENTS:
                    f.write(loaded[name])
                    continue
                row = wide.wide_row(e.report, loaded["facts"])
                if row is not None:
                    f.write(Block(name, [row]).csv)
        for name, f in files.items():
            f.write(b"".join(self.rows[name]))


@dataclass
class Written:
    """A resource written in parts: its rows, its CSV's size and hash, each part's Parquet file,
    and the parts' CSV bytes that no earlier validated build wrote (to validate now)."""

    name: str
    rows: int = 0
    csv_bytes: int = 0
    csv_hash: str = ""
    parts: list = field(default_factory=list)  # (part name, rows, path of its Parquet file)
    fresh: list = field(default_factory=list)  # (part name, signature, path of its CSV bytes)
    reused: int = 0


class PartCache:
    """Parts by signature (`<resource>/<signature>.csv` and `.parquet`); `<signature>.valid` once a
    build that validated them was published. A part that cannot be written there (a cache folder
    that is a file, a full disk) is written to `fallback`, kept only for this build, and `problem`
    says why; the cache only ever saves time."""

    def __init__(self, folder: Path, fallback: Path | None = None):
        self.folder = folder
        self.fallback = fallback
        self.problem: str | None = None
        self._moved: set[tuple[str, str]] = set()

    def paths(self, resource: str, signature: str) -> tuple[Path, Path]:
        root = self.fallback if (resource, signature) in self._moved and self.fallback else self.folder
        base = root / resource / signature
        return base.with_suffix(".csv"), base.with_suffix(".parquet")

    def put(self, part: Part, signatures: dict[str, str]) -> None:
        """Write a part of these resources (`signatures`: resource → signature): its CSV bytes, then
        its Parquet file read from them."""
        for attempt in range(2):
            try:
                pieces = {r: self.paths(r, sig) for r, sig in signatures.items()}
                files: dict[str, BinaryIO] = {}
                for r, (piece, _) in pieces.items():
                    piece.parent.mkdir(parents=True, exist_ok=True)
                    files[r] = open(_temp(piece), "wb")
                try:
                    part.write_rows(files)
                finally:
                    for f in files.values():
                        f.close()
                for r, (piece, parquet) in pieces.items():
                    os.replace(_temp(piece), piece)
                    _write_parquet(piece, arrow_schemas()[r], parquet)
                return
            except OSError as exc:
                if attempt or self.fallback is None:
                    raise
                self.problem = self.problem or f"the part cache in {self.folder} cannot be written ({exc.strerror or exc}); continuing without it"
                self._moved.update((r, sig) for r, sig in signatures.items())

    def has(self, resource: str, signature: str) -> bool:
        return all(p.is_file() for p in self.paths(resource, signature))

    def validated(self, resource: str, signature: str) -> bool:
        return (self.folder / resource / f"{signature}.valid").is_file()

    def mark_validated(self, resource: str, signature: str) -> None:
        if (resource, signature) not in self._moved:
            try:
                (self.folder / resource / f"{signature}.valid").touch()
            except OSError:
                pass  # not remembered: validated again next time

    def memo(self, name: str) -> dict:
        """A table of results the assemble computes from entries (by their tokens), kept from the
        last build; unreadable is empty."""
        try:
            value = pickle.loads((self.folder / f"{name}.memo").read_bytes())
        except Exception:
            return {}
        return value if isinstance(value, dict) and value.get("code") == code_version() else {}

    def keep_memo(self, name: str, value: dict) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _write_atomic(self.folder / f"{name}.memo", pickle.dumps({**value, "code": code_version()}))
        except OSError:
            pass  # computed again next time


def write(parts: dict[str, Part], data: Path, store: PartCache, header: dict[str, bytes]) -> dict[str, Written]:
    """Each resource's CSV (header, then every part in year order) and Parquet dataset in `data`."""
    out = {name: Written(name) for name in PARTED}
    parts = parts or {UNKNOWN: Part(UNKNOWN)}  # a dataset of no rows still has its schema
    order = sorted(parts, key=_order)
    signatures = {(name, resource): parts[name].signature(resource) for name in order for resource in PARTED}
    for name in order:
        missing = [r for r in PARTED if not store.has(r, signatures[name, r])]
        if missing:
            store.put(parts[name], {r: signatures[name, r] for r in missing})
        for resource in PARTED:
            out[resource].reused += resource not in missing
    for resource in PARTED:
        w = out[resource]
        dataset = data / f"{resource}.parquet"
        dataset.mkdir()
        digest = hashlib.sha256(header[resource])
        with open(data / f"{resource}.csv", "wb") as csv_file:
            csv_file.write(header[resource])
            for name in order:
                sig = signatures[name, resource]
                piece, parquet = store.paths(resource, sig)
                if not store.validated(resource, sig):
                    w.fresh.append((name, sig, piece))
                rows = pq.ParquetFile(parquet).metadata.num_rows
                target = dataset / f"{name}.parquet"
                link_file(parquet, target)  # the store replaces its files whole, never writes through them
                w.parts.append((name, rows, target))
                w.rows += rows
                with open(piece, "rb") as f:
                    for chunk in iter(lambda: f.read(1 << 20), b""):
                        csv_file.write(chunk)
                        digest.update(chunk)
        w.csv_bytes = (data / f"{resource}.csv").stat().st_size
        w.csv_hash = digest.hexdigest()
    return out


def _order(part: str) -> tuple[bool, str]:
    return part == UNKNOWN, part


def _write_parquet(piece: Path, schema: pa.Schema, path: Path) -> None:
    """A part's Parquet file from its CSV bytes (no header), read in batches with the package's CSV
    reader and written in row groups of exactly ROW_GROUP rows (the bytes depend on the rows only),
    so memory does not grow with the part; a part with a row longer than a batch's block (a
    narrative of megabytes) is read whole."""
    try:
        _write_parquet_in(piece, schema, path, 0)
    except pa.ArrowInvalid as exc:
        if "straddl" not in str(exc):
            raise
        _write_parquet_in(piece, schema, path, piece.stat().st_size + 1)


def _write_parquet_in(piece: Path, schema: pa.Schema, path: Path, block: int) -> None:
    tmp = _temp(path)
    with pq.ParquetWriter(tmp, schema, compression="zstd", compression_level=3, write_statistics=True, use_dictionary=True) as w:
        held: list[pa.Table] = []
        count = 0
        for batch in read_csv_batches(piece, schema, block):
            held.append(pa.Table.from_batches([batch]))
            count += batch.num_rows
            while count >= ROW_GROUP:
                table = pa.concat_tables(held)
                w.write_table(table.slice(0, ROW_GROUP), row_group_size=ROW_GROUP)
                held, count = [table.slice(ROW_GROUP)], count - ROW_GROUP
        if count or not w.file_handle.tell():
            table = pa.concat_tables(held) if held else schema.empty_table()
            w.write_table(table, row_group_size=ROW_GROUP)
    os.replace(tmp, path)


def _temp(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def _write_atomic(path: Path, data: bytes) -> None:
    _temp(path).write_bytes(data)
    os.replace(_temp(path), path)


ROW_GROUP = 16_384  # rows: what a part holds in memory while its Parquet file is written


