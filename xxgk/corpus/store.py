"""A corpus kept outside git: the report files in a content-addressed store, and a manifest (in git)
that lists them. In: a store URL (a folder, `memory://…`, `s3://…`: anything fsspec opens) and a
manifest. Out: each file's bytes (verified against its SHA-256), its address for a reader, and the
same provenance records a folder corpus gives (`provenance_records`).

An object lives at `<store>/sha256/<aa>/<sha256>` (aa: the digest's first two hex digits, which
spread the objects evenly over 256 folders). An object's name is its content's digest, so an
object is written once and never changed, any number of manifests can share a store, and a reader
can check what it got.

The manifest is UTF-8 TSV, one line per report file, sorted by path as `corpus_files` lists a
folder, `\\n` line ends; its first line names the store (`# store: URL`; a relative path is taken
from the manifest's own folder), then the header (MANIFEST_FIELDS), then the files:

    # store: ../xxgk-objects
    path	sha256	bytes	origin	retrieved	format	page	list	warc
    2024/huai-an-…-82ba40ad.pdf	82ba40ad…	254187	hzq-2024.pdf	2026-12-01T19:31:58Z	pdf

`path` is the file's path in the folder corpus (provenance's `source_file`); `origin`…`warc` are
provenance.FIELDS with their meanings there (`origin` is the source URL, or the file name when a
file was added from disk). Readers of the TSV skip the first line (`tail -n +2`, `skiprows=1`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import fsspec
from fsspec.implementations.local import LocalFileSystem

from ..files import write_atomic
from ..findings import message
from . import provenance as prov
from .walk import corpus_files, refusal

OBJECTS = "sha256"  # the store's folder of objects, named after the digest that names them
MANIFEST_SUFFIX = ".manifest.tsv"
STORE_LINE = "# store:"
# provenance's fields, with `source_file` as `path` and the object's size beside its digest
CARRIED = [f for f in prov.FIELDS if f not in ("source_file", "sha256")]
MANIFEST_FIELDS = ["path", "sha256", "bytes", *CARRIED]
_SHA256 = re.compile(r"[0-9a-f]{64}")


class StoreError(Exception):
    """A store or manifest that cannot be used as asked; the message says why."""


class MissingObject(StoreError):
    """The store has no object of that digest."""


class CorruptObject(StoreError):
    """The object's bytes do not have the digest that names them (damaged in storage or transit)."""


def _write(fs, path: str, data: bytes) -> None:
    """A local file is written to a temporary name and moved, so a reader never sees part of it; an
    object store makes an object visible only once it is complete, so there it is written directly."""
    if isinstance(fs, LocalFileSystem):
        write_atomic(Path(path), data)
        return
    try:
        fs.pipe_file(path, data)
    except FileNotFoundError:  # a file system with real folders (SFTP, a mounted share)
        fs.makedirs(posixpath.dirname(path), exist_ok=True)
        fs.pipe_file(path, data)


class Store:
    """The content-addressed store at `url`; `public_url` is where readers fetch the same objects
    over HTTPS (a bucket's public or CDN address), when it is not `url` itself. `options` go to the
    fsspec file system (an S3 endpoint, credentials; by default s3fs reads them from the environment)."""

    def __init__(self, url: str, public_url: str = "", **options):
        self.fs, self.root = fsspec.core.url_to_fs(url, **options)
        self.root = self.root.rstrip("/")
        # one spelling per location, to tell whether two URLs name the same store
        self.url = self.root if isinstance(self.fs, LocalFileSystem) else self.fs.unstrip_protocol(self.root)
        self.public_url = public_url.rstrip("/")

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    def key(self, digest: str) -> str:
        """The object's path below the store's root."""
        if not _SHA256.fullmatch(digest):
            raise ValueError(f"not a SHA-256 digest (64 lowercase hex digits): {digest[:80]!r}")
        return f"{OBJECTS}/{digest[:2]}/{digest}"

    def _path(self, digest: str) -> str:
        return f"{self.root}/{self.key(digest)}"

    def put(self, data: bytes) -> str:
        """Store `data` under its SHA-256 and return the digest. An object already there is not
        written again, unless its size is wrong (a write cut short): that one is replaced."""
        digest = hashlib.sha256(data).hexdigest()
        path = self._path(digest)
        try:
            if self.fs.info(path).get("size") == len(data):
                return digest
        except FileNotFoundError:
            pass
        _write(self.fs, path, data)
        return digest

    def get(self, digest: str) -> bytes:
        """The object's bytes, checked against its digest."""
        path = self._path(digest)
        try:
            data = self.fs.cat_file(path)
        except FileNotFoundError:
            raise MissingObject(f"no object {digest} in the store {self.url}") from None
        found = hashlib.sha256(data).hexdigest()
        if found != digest:
            raise CorruptObject(f"the object {digest} in the store {self.url} is damaged: its content has the digest {found}")
        return data

    def exists(self, digest: str) -> bool:
        return bool(self.fs.exists(self._path(digest)))

    def open_url(self, digest: str) -> str:
        """Where a reader fetches the object: under `public_url` when the store has one, else the
        store's own URL (`s3://…`, `file:///…`), for fsspec or the object store's own tools."""
        if self.public_url:
            return f"{self.public_url}/{self.key(digest)}"
        return str(self.fs.unstrip_protocol(self._path(digest)))


@dataclass
class Entry:
    """One report file: its provenance record (every key of provenance.FIELDS; `source_file` is its
    path in the corpus, `sha256` its content's and its object's name) and its size in bytes (None
    when the manifest's value was no size)."""

    record: dict
    size: int | None

    @property
    def path(self) -> str:
        return self.record["source_file"]

    @property
    def sha256(self) -> str:
        return self.record["sha256"]


@dataclass
class Manifest:
    """The files of a store corpus, sorted by path; `store` is the store as the manifest's first line
    names it ("" when it names none: then the store is given with the manifest); `location` is
    where the manifest was read from (relative store paths are taken from its folder)."""

    entries: list[Entry]
    store: str = ""
    location: str = ""
    problems: list[prov.Problem] = field(default_factory=list)

    @property
    def store_url(self) -> str:
        return resolve_store(self.store, self.location)


def is_manifest(spec: str) -> bool:
    """Whether a `--corpus` value names a manifest rather than a folder."""
    return str(spec).lower().endswith(MANIFEST_SUFFIX)


def resolve_store(reference: str, manifest: str) -> str:
    """The store a manifest at `manifest` names as `reference`: a URL or an absolute path as it is,
    a relative path from the manifest's folder (so a manifest and a store beside it move together)."""
    if not reference or "://" in reference or os.path.isabs(reference):
        return reference
    if "://" in manifest:
        scheme, rest = manifest.split("://", 1)
        return f"{scheme}://{posixpath.normpath(posixpath.join(posixpath.dirname(rest), reference))}"
    return os.path.normpath(os.path.join(os.path.dirname(manifest), reference))


def store_reference(store: Store, manifest: str) -> str:
    """How a manifest at `manifest` names `store`: relative to the manifest's folder when both are
    local, so the pair can be moved or cloned together; else the store's URL."""
    if isinstance(store.fs, LocalFileSystem) and ("://" not in manifest or manifest.startswith("file://")):
        local = manifest.removeprefix("file://")
        return Path(os.path.relpath(store.root, os.path.dirname(os.path.abspath(local)))).as_posix()
    return store.url


def open_store(manifest: Manifest, override: str = "", public_url: str = "") -> Store:
    """The manifest's store, or the one given instead (`--store URL`)."""
    url = override or manifest.store_url
    if not url:
        raise StoreError(f"the manifest {manifest.location} names no store (no '{STORE_LINE} URL' first line): give one")
    return Store(url, public_url)


def _problem(source_file: str, variant: str, **params) -> prov.Problem:
    return prov.Problem(source_file, *message("invalid-provenance", variant, **params))


def _bad_path(path: str) -> bool:
    """A path the folder corpus could not list: absolute, leaving the corpus, or through a hidden name."""
    parts = path.split("/")
    return path.startswith("/") or "\0" in path or any(p in ("", ".", "..") or p.startswith(".") for p in parts)


def read_manifest(url: str) -> Manifest:
    """The manifest at `url` (a path or any fsspec URL), read leniently: a line or value that is not
    what its column promises becomes a problem (the provenance file's finding, invalid-provenance)
    and is left out or left empty. A manifest that cannot be read at all raises (FileNotFoundError,
    OSError): it is the corpus itself, not a note about it."""
    with fsspec.open(url, "rb") as f:
        data = f.read()
    name = posixpath.basename(str(url))
    text, problems = prov.decode(data, name)
    store, first_line = "", 1
    if text.startswith(STORE_LINE):
        line, _, text = text.partition("\n")
        store, first_line = line[len(STORE_LINE):].strip(), 2
    manifest = Manifest([], store, str(url), problems)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t"))
    if not rows:
        return manifest
    header = [h.strip() for h in rows[0]]
    if "path" not in header or "sha256" not in header:
        problems.append(_problem("", "manifest-header", provenance_file=name))
        return manifest
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=first_line + 1):
        if not any(cell.strip() for cell in row):
            continue
        cells = {column: (row[i].strip() if i < len(row) else "") for i, column in enumerate(header)}
        path = cells["path"]
        if not path:
            problems.append(_problem("", "no-file", line=number))
            continue
        if len(row) != len(header):
            problems.append(_problem(path, "default", line=number, fields=len(row), header_fields=len(header)))
        if _bad_path(path):
            problems.append(_problem(path, "path", line=number, path=path[:200]))
            continue
        if path in seen:
            problems.append(_problem(path, "duplicate", line=number, first_line=seen[path]))
            continue
        digest = cells["sha256"].lower()
        if not _SHA256.fullmatch(digest):
            problems.append(_problem(path, "sha256", line=number, sha256=cells["sha256"][:80]))
            continue
        seen[path] = number
        size: int | None = None
        if cells.get("bytes", ""):
            size = int(cells["bytes"]) if cells["bytes"].isdigit() and cells["bytes"].isascii() else None
            if size is None:
                problems.append(_problem(path, "bytes", line=number, size=cells["bytes"][:40]))
        record = {name: cells.get(name, "") for name in prov.FIELDS} | {"source_file": path, "sha256": digest}
        if record["retrieved"]:
            normal = prov.iso_utc(record["retrieved"])
            if normal is None:
                problems.append(_problem(path, "retrieved", line=number, retrieved=record["retrieved"][:40]))
            record["retrieved"] = normal or ""
        manifest.entries.append(Entry(record, size))
    manifest.entries.sort(key=lambda e: e.path)
    return manifest


def manifest_bytes(manifest: Manifest) -> bytes:
    """The manifest as a file: the same entries give the same bytes, whatever their order."""
    paths = [e.path for e in manifest.entries]
    if len(set(paths)) != len(paths):
        raise ValueError("a manifest lists each path once")
    if "\n" in manifest.store or "\r" in manifest.store:
        raise ValueError(f"a store URL on more than one line: {manifest.store!r}")
    out = io.StringIO()
    if manifest.store:
        out.write(f"{STORE_LINE} {manifest.store}\n")
    w = csv.writer(out, delimiter="\t", lineterminator="\n")
    w.writerow(MANIFEST_FIELDS)
    for e in sorted(manifest.entries, key=lambda e: e.path):
        w.writerow([e.path, e.sha256, "" if e.size is None else e.size, *(e.record.get(f, "") for f in CARRIED)])
    return out.getvalue().encode("utf-8")


def write_manifest(url: str, manifest: Manifest) -> None:
    """Write the manifest to `url` (a local one atomically)."""
    fs, path = fsspec.core.url_to_fs(url)
    _write(fs, path, manifest_bytes(manifest))


def provenance_records(manifest: Manifest) -> dict[str, dict]:
    """Each file's provenance record, keyed by its path, as `provenance.read(folder)[0]` gives them
    for the folder the manifest was imported from. A file with no provenance beyond its digest has
    none (as a file with no line in .provenance.tsv)."""
    return {e.path: dict(e.record) for e in manifest.entries if any(e.record.get(f) for f in CARRIED)}


def import_folder(folder: Path, store: Store, manifest: str) -> tuple[Manifest, list[str]]:
    """Put every file of a folder corpus into `store` and write the manifest that lists them, with
    the provenance of the folder's .provenance.tsv. Returns the manifest and what was not carried
    over, as lines to show (files the folder build does not read either, records of absent files,
    records whose digest is not the file's: the manifest has the file's)."""
    folder = Path(folder)
    records, problems = prov.read(folder)
    notes = [f"{prov.PROVENANCE}: {p.en}" + (f" ({p.source_file})" if p.source_file else "") for p in problems]
    entries = []
    for file in corpus_files(folder):
        rel = prov.shown_name(file.relative_to(folder).as_posix())[0]
        refused = refusal(str(file), str(folder))
        if refused and refused[0] != "file-too-large":  # one too large is refused by the build, from either corpus
            notes.append(f"{rel}: not imported ({refused[2]})")
            continue
        data = file.read_bytes()
        digest = store.put(data)
        recorded = records.pop(rel, {})
        record = {name: recorded.get(name, "") for name in prov.FIELDS}
        if record["sha256"] and record["sha256"] != digest:
            notes.append(f"{rel}: {prov.PROVENANCE} records the digest {record['sha256']}, the file has {digest}")
        entries.append(Entry(record | {"source_file": rel, "sha256": digest}, len(data)))
    notes += [f"{prov.PROVENANCE}: {source} is recorded but not in the corpus; not in the manifest" for source in sorted(records)]
    result = Manifest(entries, store_reference(store, manifest), manifest)
    write_manifest(manifest, result)
    return result, notes


def add_to_store(store: Store, manifest: str, data: bytes, record: dict) -> Entry:
    """The storage half of `xxgk add` for a store corpus: put `data` into `store` and give it the
    manifest line of `record` (provenance's row, `source_file` the path the folder corpus would
    use), replacing the line of the same path. Adding the same file twice changes nothing."""
    return add_all_to_store(store, manifest, [(data, record)])[0]


def add_all_to_store(store: Store, manifest: str, files: Iterable[tuple[bytes, dict]]) -> list[Entry]:
    """`add_to_store` for many files, with one rewrite of the manifest (which is O(corpus) bytes).
    A manifest with problems is not rewritten (the lines left out would be lost), nor one that
    names another store. One writer at a time: two at once lose one's lines."""
    try:
        current = read_manifest(manifest)
    except FileNotFoundError:
        current = Manifest([], "", manifest)
    if current.problems:
        raise StoreError(f"{manifest} is not rewritten while it has problems: " + "; ".join(p.en for p in current.problems[:5]))
    if current.store and Store(current.store_url).url != store.url:
        raise StoreError(f"{manifest} lists the objects of the store {current.store_url}, not of {store.url}")
    by_path = {e.path: e for e in current.entries}
    added = []
    for data, given in files:
        digest = store.put(data)
        record = {name: str(given.get(name) or "") for name in prov.FIELDS} | {"sha256": digest}
        if given.get("sha256") and given["sha256"] != digest:
            raise ValueError(f"{record['source_file']}: the record's digest {given['sha256']} is not the content's {digest}")
        if _bad_path(record["source_file"]):
            raise ValueError(f"not a relative path of a visible file in the corpus: {record['source_file']!r}")
        by_path[record["source_file"]] = entry = Entry(record, len(data))
        added.append(entry)
    new = replace(current, entries=sorted(by_path.values(), key=lambda e: e.path), store=current.store or store_reference(store, manifest))
    if not current.store or manifest_bytes(new) != manifest_bytes(current):
        write_manifest(manifest, new)
    return added


def checkout(manifest: Manifest, store: Store, folder: Path) -> tuple[int, list[str]]:
    """Make `folder` a folder corpus of the manifest's files (each verified; one already there with
    the right content is kept) with their provenance in its .provenance.tsv (records there of
    other files are kept), so the folder build reads exactly what the manifest lists. Returns the
    number of files written and the paths of files in the folder that the manifest does not list
    (they are left alone, and would be read by a build of the folder)."""
    folder = Path(folder)
    written = 0
    for e in manifest.entries:
        target = folder / e.path
        if target.is_file():
            with open(target, "rb") as f:
                if hashlib.file_digest(f, "sha256").hexdigest() == e.sha256:
                    continue
        write_atomic(target, store.get(e.sha256))
        written += 1
    listed = {e.path for e in manifest.entries}
    records = {k: v for k, v in prov.read(folder)[0].items() if k not in listed} | provenance_records(manifest)
    out = io.StringIO()
    w = csv.DictWriter(out, prov.FIELDS, delimiter="\t", lineterminator="\n")
    w.writeheader()
    w.writerows(records[k] for k in sorted(records))
    write_atomic(folder / prov.PROVENANCE, out.getvalue().encode("utf-8"))
    others = [rel for f in corpus_files(folder) if (rel := f.relative_to(folder).as_posix()) not in listed]
    return written, others


def verify(manifest: Manifest, store: Store) -> list[tuple[str, str]]:
    """(path, what is wrong) for each file of the manifest whose object is missing, damaged or of
    another size than the manifest says: the check to run on a store and on each of its copies."""
    wrong = []
    for e in manifest.entries:
        try:
            size = len(store.get(e.sha256))
        except StoreError as exc:
            wrong.append((e.path, str(exc)))
            continue
        if e.size is not None and size != e.size:
            wrong.append((e.path, f"the manifest says {e.size} bytes, the object has {size}"))
    return wrong
