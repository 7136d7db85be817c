"""Validation of a written package: the CSV resources against their schemas (by Frictionless in
`validate_package`, on whole columns in `check_package`, the build's), each Parquet file proved
to hold the same table as its CSV, and the primary and foreign keys checked on the whole tables
with pyarrow. In: a package folder. Out: the problems found (empty when valid)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from . import conform
from .parts import Written
from .tables import arrow_schemas, read_csv, read_csv_batches


def validate_package(folder: Path) -> list[str]:
    """Frictionless validation of every CSV resource, every Parquet file proved to hold the same
    table as its CSV, and the keys checked on the whole tables. Returns the problems found (empty
    when valid). This is `xxgk validate`: the reference the build's own check (`check_package`) is
    tested against."""
    from frictionless import Package, system

    folder = Path(folder)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    problems = _keys_across_reports(folder, descriptor)
    with system.use_context(trusted=True):
        report = Package(descriptor, basepath=str(folder)).validate()
    if not report.valid:
        for task in report.tasks:
            for err in task.errors[:20]:
                problems.append(f"{task.name}: {err.type}: {err.message}")
        for err in report.errors[:20]:
            problems.append(f"package: {err.type}: {err.message}")
    for res in descriptor["resources"]:
        problems += _compare_parquet(folder, res)
    return problems


def check_package(folder: Path, written: dict[str, Written] | None = None) -> list[str]:
    """The build's validation, on whole columns (conform.py): the same properties as
    validate_package, in about 2 s per 400,000 rows (Frictionless: about 25 s). With `written` (what the build wrote in
    parts), a resource written in parts is checked part by part, only the parts no validated build
    wrote before (the others are byte for byte parts that passed), and their Parquet files."""
    folder = Path(folder)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    written = written or {}
    problems = []
    for res in descriptor["resources"]:
        if res["name"] not in written:
            problems += [f"{res['name']}: {p}" for p in conform.check_resource(folder / res["path"], res)]
            continue
        path = folder / res["path"]
        with open(path, "rb") as f:
            header = f.readline()
        if path.stat().st_size != res["bytes"]:
            problems.append(f"{res['name']}: byte-count: the descriptor says {res['bytes']}")
        undeclared = {k: v for k, v in res.items() if k not in ("bytes", "hash")}
        for part, _, piece in written[res["name"]].fresh:
            with open(piece, "rb") as f:
                problems += [f"{res['name']} ({part}): {p}" for p in conform.check_stream(f, undeclared, prefix=header)]
    if problems:
        return problems  # a file that does not conform: its Parquet and keys say nothing more
    fresh = {name: [folder / "data" / f"{name}.parquet" / f"{part}.parquet" for part, _, _ in w.fresh] for name, w in written.items()}
    problems += _keys_across_reports(folder, descriptor, {name: [p for p in paths if p.exists()] for name, paths in fresh.items()})
    for res in descriptor["resources"]:
        if res["name"] not in written:
            problems += _compare_parquet(folder, res)
            continue
        schema = arrow_schemas()[res["name"]]
        for part, _, piece in written[res["name"]].fresh:
            target = folder / "data" / f"{res['name']}.parquet" / f"{part}.parquet"
            if target.exists() and not _part_matches(piece, schema, target):
                problems.append(f"{res['name']} ({part}): the Parquet file does not hold the same table as the CSV")
    return problems


def _keys_across_reports(folder: Path, descriptor: dict, fresh: dict[str, list[Path]] | None = None) -> list[str]:
    """Primary keys unique over the whole tables, and every foreign key (single-field; an empty
    value refers to nothing) present in the table it refers to. With `fresh` (a resource written in
    parts: its parts no validated build wrote), a key starting with report_id is proved unique part
    by part: within each fresh part, and no report's rows in two parts."""
    problems = []
    tables = {r["name"]: r for r in descriptor["resources"]}
    fresh = fresh or {}
    ids: dict[str, pa.Array] = {}  # a resource in parts: the distinct report_id of all its parts

    def column(name: str, field: str) -> pa.ChunkedArray | pa.Array:
        if name in fresh and field == "report_id":
            return ids[name]
        return pq.read_table(folder / tables[name]["x_parquet"]["path"], columns=[field]).column(0)

    for name, res in tables.items():
        key = res["schema"].get("primaryKey")
        if name in fresh and key and key[0] == "report_id":
            per_part = [pc.unique(pq.read_table(folder / part["path"], columns=["report_id"], read_dictionary=["report_id"]).column(0))
                        .dictionary_decode() for part in res["x_parquet"]["parts"]]
            ids[name] = pa.concat_arrays(per_part) if per_part else pa.array([], pa.string())
            if len(pc.unique(ids[name])) != len(ids[name]):
                problems.append(f"{name}: primary key {key} is not unique (a report's rows in two parts)")
            if not all(_unique(path, key) for path in fresh[name]):
                problems.append(f"{name}: primary key {key} is not unique")
        elif key and not _unique(folder / res["x_parquet"]["path"], key):
            problems.append(f"{name}: primary key {key} is not unique")
    for name, res in tables.items():
        for fk in res["schema"].get("foreignKeys", []):
            (field,), ref = fk["fields"], fk["reference"]
            values = column(name, field).drop_null()
            known = column(ref["resource"] or name, ref["fields"][0])  # "" refers to the table itself
            # counted, not pc.all: `all` of no values is null, and an empty table refers to nothing
            missing = len(values) - pc.sum(pc.is_in(values, value_set=known).cast(pa.int64()), min_count=0).as_py()
            if missing:
                problems.append(f"{name}: {field} not found in {ref['resource']} ({missing} rows)")
    return problems


def _unique(path: Path, key: list[str]) -> bool:
    """Whether no two rows share the key. A key that starts with report_id is checked a batch at a
    time when each report's rows lie together, as the package writes them (`_unique_by_report`);
    otherwise on the whole table, its text columns read as dictionaries (a national part is tens
    of millions of rows of a few hundred codes)."""
    if len(key) > 1 and key[0] == "report_id":
        found = _unique_by_report(path, key)
        if found is not None:
            return found
    table = pq.read_table(path, columns=key, read_dictionary=key)
    table = table.unify_dictionaries()
    return table.group_by(key).aggregate([]).num_rows == table.num_rows


KEY_BATCH = 1 << 16  # rows of a key read at a time


def _unique_by_report(path: Path, key: list[str]) -> bool | None:
    """Whether the rest of the key is unique within each report, read a batch at a time (memory
    bounded by a batch and one report's rows); None when a report's rows do not lie together or a
    field is not text or integer, which this does not decide."""
    files = sorted(path.glob("*.parquet")) if path.is_dir() else [path]
    memos: list[dict] = [{} for _ in key[1:]]  # a text field's values as integers, the same in every batch
    done: set[str | None] = set()  # reports whose rows ended
    last: str | None = None  # the report of the rows carried over
    carry = [np.empty(0, np.int64) for _ in key]  # the last report's rows: its rows may go on
    run = 0  # the number of the report the carried rows are of
    for file in files:
        for batch in pq.ParquetFile(file, read_dictionary=key).iter_batches(KEY_BATCH, columns=key):
            ids = batch.column(0)
            if not len(ids):
                continue
            idx = ids.indices.fill_null(-1).to_numpy(zero_copy_only=False)
            names = ids.dictionary.to_pylist() + [None]  # index -1: a null report_id
            starts = np.zeros(len(idx), bool)
            starts[1:] = idx[1:] != idx[:-1]
            starts[0] = names[idx[0]] != last
            for s in np.flatnonzero(starts).tolist():
                done.add(last)
                if names[idx[s]] in done:
                    return None
                last = names[idx[s]]
            columns = [run + np.cumsum(starts)]
            for j in range(1, len(key)):
                codes = _codes(batch.column(j), memos[j - 1])
                if codes is None:
                    return None
                columns.append(codes)
            columns = [np.concatenate([c, v]) for c, v in zip(carry, columns)]
            ordered = [c[np.lexsort(columns[::-1])] for c in columns]
            if np.logical_and.reduce([c[1:] == c[:-1] for c in ordered]).any():
                return False
            run = int(columns[0][-1])
            carry = [c[columns[0] == run] for c in columns]
    return True


NULL = np.iinfo(np.int64).min  # an empty key field, as a code no value has


def _codes(column: pa.Array, memo: dict) -> np.ndarray | None:
    """A key field of a batch as integers equal where the values are: a text field through `memo`,
    an integer as itself; None for another type."""
    if pa.types.is_dictionary(column.type):
        lut = np.array([memo.setdefault(v, len(memo)) for v in column.dictionary.to_pylist()] + [NULL], np.int64)
        return lut[column.indices.fill_null(-1).to_numpy(zero_copy_only=False)]
    if pa.types.is_integer(column.type):
        return pc.fill_null(column.cast(pa.int64()), NULL).to_numpy(zero_copy_only=False)
    return None


PARQUET_BATCH = 1 << 16  # rows of a part compared with its CSV at a time


def _part_matches(piece: Path, schema: pa.Schema, target: Path) -> bool:
    """Whether a part's Parquet file holds the table of its CSV (no header), compared a window at
    a time; a part with a row longer than a block of the reader is read whole."""
    try:
        return _same_rows(read_csv_batches(piece, schema), pq.ParquetFile(target).iter_batches(PARQUET_BATCH))
    except pa.ArrowInvalid as exc:
        if "straddl" not in str(exc):
            raise
        return read_csv(piece.read_bytes(), schema, header=False).equals(pq.read_table(target))


def _same_rows(a: Iterator[pa.RecordBatch], b: Iterator[pa.RecordBatch]) -> bool:
    """Whether two streams of batches hold the same rows, whatever their batches' lengths (a
    part's CSV and Parquet file compared a window at a time, never whole)."""
    held: list[pa.Table] = [pa.table({}), pa.table({})]
    streams = [a, b]
    while True:
        for k in (0, 1):
            while held[k].num_rows < PARQUET_BATCH:
                batch = next(streams[k], None)
                if batch is None:
                    break
                held[k] = pa.Table.from_batches([batch]) if not held[k].num_columns else pa.concat_tables([held[k], pa.Table.from_batches([batch])])
        n = min(held[0].num_rows, held[1].num_rows)
        if not n:
            return held[0].num_rows == held[1].num_rows
        if not held[0].slice(0, n).equals(held[1].slice(0, n)):
            return False
        held = [held[0].slice(n), held[1].slice(n)]


def _compare_parquet(folder: Path, res: dict) -> list[str]:
    parquet = pq.read_table(folder / res["x_parquet"]["path"])
    path = folder / res["path"]
    try:
        table = read_csv(path, parquet.schema)
    except (pa.ArrowInvalid, UnicodeDecodeError, ValueError) as exc:  # a cell not of its type, another header: the schema check names it
        return [f"{res['name']}: the CSV cannot be compared with the Parquet file ({str(exc).splitlines()[0][:160]})"]
    if table.num_rows != parquet.num_rows:
        return [f"{res['name']}: CSV has {table.num_rows} rows, Parquet {parquet.num_rows}"]
    if not table.equals(parquet.cast(table.schema)):
        return [f"{res['name']}: the Parquet file does not hold the same table as the CSV"]
    return []
