"""Validation of a written package: Frictionless on the CSV resources (all rows, or only the rows no
published build validated), each Parquet file proved to hold the same table as its CSV, and the
primary and foreign keys checked on the whole tables with pyarrow. In: a package folder. Out: the
problems found (empty when valid)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .tables import FRAGMENTS


def validate_package(folder: Path, delta: Path | None = None) -> list[str]:
    """Frictionless validation of the CSV resources, then proof that each Parquet file holds the
    same table as its CSV. Returns the problems found (empty when valid).

    With `delta` (a folder of CSV and Parquet files written by the build), Frictionless validates
    only the rows there: the others are byte for byte rows that passed in an earlier build. The
    Parquet comparison covers the new rows of the report-level resources and the other tables
    whole. Keys, which span rows, are then checked on the whole tables."""
    from frictionless import Package, system

    problems: list[str] = []
    folder = Path(folder)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    checked = descriptor
    if delta is not None:
        checked = json.loads(json.dumps(descriptor))
        for res in checked["resources"]:
            res["schema"].pop("foreignKeys", None)  # checked on the whole tables below, at once
            if (delta / f"{res['name']}.csv").exists():
                res["path"] = os.path.relpath(delta / f"{res['name']}.csv", folder)
                del res["bytes"], res["hash"]
            if res["name"] in FRAGMENTS:
                res["x_parquet"] = {"path": os.path.relpath(delta / f"{res['name']}.parquet", folder)}
        problems += _keys_across_reports(folder, descriptor)
    with system.use_context(trusted=True):
        report = Package(checked, basepath=str(folder)).validate()
    if not report.valid:
        for task in report.tasks:
            for err in task.errors[:20]:
                problems.append(f"{task.name}: {err.type}: {err.message}")
        for err in report.errors[:20]:
            problems.append(f"package: {err.type}: {err.message}")
    for full, res in zip(descriptor["resources"], checked["resources"]):
        problems += _compare_parquet(folder, res if res["name"] in FRAGMENTS else full)
    return problems


def _keys_across_reports(folder: Path, descriptor: dict) -> list[str]:
    """Primary keys unique over the whole tables, and every foreign key (single-field; an empty
    value refers to nothing) present in the table it refers to."""
    problems = []
    tables = {r["name"]: r for r in descriptor["resources"]}

    def column(name: str, field: str) -> pa.ChunkedArray:
        return pq.read_table(folder / tables[name]["x_parquet"]["path"], columns=[field]).column(0)

    for name in tables:
        key = tables[name]["schema"].get("primaryKey")
        if key and not _unique(folder / tables[name]["x_parquet"]["path"], key, name in FRAGMENTS):
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


def _unique(path: Path, key: list[str], by_report: bool) -> bool:
    """Whether no two rows share the key. For a report-level table (key starting with report_id)
    whose rows come report by report, it is enough that no report's rows are split: within one
    report's rows Frictionless checked the key (in this build, or in the one that validated them)."""
    if by_report and key[0] == "report_id":
        ids = pq.read_table(path, columns=["report_id"]).column(0).combine_chunks().dictionary_encode()
        codes = ids.indices.to_numpy(zero_copy_only=False)
        runs = int(np.count_nonzero(codes[1:] != codes[:-1])) + 1 if len(codes) else 0
        if runs == len(ids.dictionary):
            return True
    table = pq.read_table(path, columns=key)
    return table.group_by(key).aggregate([]).num_rows == table.num_rows


def _compare_parquet(folder: Path, res: dict) -> list[str]:
    parquet = pq.read_table(folder / res["x_parquet"]["path"])
    types = {f.name: f.type for f in parquet.schema}
    path = folder / res["path"]
    table = pacsv.read_csv(
        path,
        # one block for the whole file: with newlines in values, a value (a long narrative) must
        # not straddle two blocks
        read_options=pacsv.ReadOptions(block_size=min(max(path.stat().st_size + 1, 1 << 20), (1 << 31) - 1)),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=True, null_values=[""],
                                             quoted_strings_can_be_null=True),
    )
    if table.num_rows != parquet.num_rows:
        return [f"{res['name']}: CSV has {table.num_rows} rows, Parquet {parquet.num_rows}"]
    if not table.equals(parquet.cast(table.schema)):
        return [f"{res['name']}: the Parquet file does not hold the same table as the CSV"]
    return []
