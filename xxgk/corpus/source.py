"""What `--corpus` names: a folder of report files, or a manifest (`*.manifest.tsv`, a path or any
fsspec URL) over a content-addressed store (store.py). A manifest's files are checked out into a
working folder the build reads like any corpus folder: exactly the manifest's files (each verified
against its digest; a file already there with the right content is not fetched again, so its
parse is found by the cache without reading it twice) and their provenance, nothing else."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from . import provenance, store


def is_manifest(spec: str | os.PathLike) -> bool:
    return store.is_manifest(os.fspath(spec))


def folder_of(spec: str | os.PathLike, checkout: Path, store_url: str = "",
              select: Callable[[str], bool] | None = None) -> tuple[Path, list[str]]:
    """The folder to build from: `spec` itself when it is a folder; for a manifest, `checkout`
    made to hold its files (those whose path `select` keeps, when given). With the folder, the
    problems of the manifest's lines (each line with a problem left out or its field left empty,
    as the lenient reading does), for the build's warnings. Raises FileNotFoundError for a missing
    folder or manifest, store.StoreError for an object that is missing or damaged."""
    if not is_manifest(spec):
        folder = Path(spec)
        if not folder.is_dir():
            raise FileNotFoundError(f"corpus folder not found: {folder}")
        return folder, []
    manifest = store.read_manifest(os.fspath(spec))
    objects = store.open_store(manifest, store_url)
    if select is not None:
        manifest = store.Manifest([e for e in manifest.entries if select(e.path)], manifest.store, manifest.location,
                                  manifest.problems)
    checkout = Path(checkout)
    checkout.mkdir(parents=True, exist_ok=True)
    (checkout / provenance.PROVENANCE).unlink(missing_ok=True)  # the records are the manifest's alone
    _, others = store.checkout(manifest, objects, checkout)
    for rel in others:  # left by an earlier checkout (another manifest, another shard)
        (checkout / rel).unlink(missing_ok=True)
    return checkout, [f"{os.fspath(spec)}: {p.en}" + (f" ({p.source_file})" if p.source_file else "") for p in manifest.problems]
