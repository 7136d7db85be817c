"""The package's descriptor (datapackage.json): each resource's path, schema, size and hashes of its
CSV and Parquet files, the licence, the sources, and the versions of the codebook and parser. Its
titles, descriptions, licence, sources and keywords are in schema.yaml."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

from .. import __version__
from ..codebook import load
from .cache import parser_version
from .parts import Written
from .schema import resource_text, texts, title_en
from .tables import EXCEL_TITLES, ORDER, TableWriter


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_descriptor(folder: Path, writers: dict[str, TableWriter], written: dict[str, Written], sch: dict) -> None:
    """`writers` wrote the resources written whole; `written` says what the resources written in
    parts hold (each part's Parquet file is listed with its size and hash)."""
    cb = load()
    words = copy.deepcopy(texts()["package"])
    resources = []
    for name in ORDER:
        title, description = resource_text(name)
        if name in written:
            w = written[name]
            size, digest, rows = w.csv_bytes, w.csv_hash, w.rows
            parquet: dict = {"path": f"data/{name}.parquet", "bytes": sum(p.stat().st_size for _, _, p in w.parts),
                             "parts": [{"path": p.relative_to(folder).as_posix(), "rows": n, "bytes": p.stat().st_size,
                                        "hash": f"sha256:{_sha256(p)}"} for _, n, p in w.parts]}
        else:
            t = writers[name]
            size, digest, rows = t.csv_path.stat().st_size, t.csv_hash.hexdigest(), t.rows
            parquet = {"path": f"data/{name}.parquet", "bytes": t.parquet_path.stat().st_size, "hash": f"sha256:{_sha256(t.parquet_path)}"}
        resources.append({
            "name": name,
            "title": title,
            "x_title_en": title_en(name),
            "description": description,
            "path": f"data/{name}.csv",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": size,
            "hash": f"sha256:{digest}",
            "dialect": {"header": True, "delimiter": ","},
            "schema": sch[name],
            "x_rows": rows,
            "x_parquet": parquet,
            **({"x_excel_header": "title"} if name in EXCEL_TITLES else {}),
        })
    descriptor = {
        "name": "xxgk-annual-reports",
        "title": words["title"],
        "description": words["description"],
        "version": __version__,
        "licenses": words["licenses"],
        "sources": words["sources"],
        "keywords": words["keywords"],
        "x_codebook_version": cb.version,
        "x_codebook_digest": cb.digest,
        "x_parser_version": __version__,
        "x_parser_digest": parser_version(),  # of the parser's source files and codebook: the same digest, the same rows
        "resources": resources,
    }
    text = json.dumps(descriptor, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    (folder / "datapackage.json").write_text(text, encoding="utf-8")
