"""Validation of a written package: the CSV resources against their schemas (by Frictionless in
`validate_package`, on whole columns in `check_package`, the build's), each Parquet file proved
to hold the same table as its CSV, and the primary and foreign keys checked on the whole tables
with pyarrow. In: a package folder. Out: the problems found (empty when valid)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from . import conform


def validate_package(folder: Path) -> list[str]:
    """Frictionless validation of every CSV resource, every Parquet file proved to hold the same
    table as its CSV, and the keys checked on the whole tables. Returns the problems found (empty
    when valid). This is `xxgk validate`: the reference the build's own check (`check_package`) is
    tested against."""
    from frictionless import Package, system

    folder = Path(folder)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    checked = json.loads(json.dumps(descriptor))
    for res in checked["resources"]:
        res["schema"].pop("foreignKeys", None)  # Frictionless holds every referenced table in memory: checked below
    problems = _keys_across_reports(folder, descriptor)
    with system.use_context(trusted=True):
        report = Package(checked, basepath=str(folder)).validate()
    if not report.valid:
        for task in report.tasks:
            for err in task.errors[:20]:
                problems.append(f"{task.name}: {err.type}: {err.message}")
        for err in report.errors[:20]:
            problems.append(f"package: {err.type}: {err.message}")
    for res in descriptor["resources"]:
        problems += _compare_parquet(folder, res)
    return problems


def check_package(folder: Path) -> list[str]:
    """The build's validation, on whole columns (conform.py): the same properties as
    validate_package, in about a second per 400,000 rows."""
    folder = Path(folder)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    problems = conform.check_package(folder)
    if problems:
        return problems  # a file that does not conform: its Parquet and keys say nothing more
    problems += _keys_across_reports(folder, descriptor)
    for res in descriptor["resources"]:
        problems += _compare_parquet(folder, res)
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
        if key and not _unique(folder / tables[name]["x_parquet"]["path"], key):
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
    """Whether no two rows share the key."""
    table = pq.read_table(path, columns=key)
    return table.group_by(key).aggregate([]).num_rows == table.num_rows


def _compare_parquet(folder: Path, res: dict) -> list[str]:
    parquet = pq.read_table(folder / res["x_parquet"]["path"])
    types = {f.name: f.type for f in parquet.schema}
    path = folder / res["path"]
    try:
        table = _read_csv(path, types)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:  # a cell not of its type: the schema check names it
        return [f"{res['name']}: the CSV cannot be compared with the Parquet file ({str(exc).splitlines()[0][:160]})"]
    if table.column_names != parquet.column_names:
        return [f"{res['name']}: the CSV's columns are not the Parquet file's"]
    if table.num_rows != parquet.num_rows:
        return [f"{res['name']}: CSV has {table.num_rows} rows, Parquet {parquet.num_rows}"]
    if not table.equals(parquet.cast(table.schema)):
        return [f"{res['name']}: the Parquet file does not hold the same table as the CSV"]
    return []


def _read_csv(path: Path, types: dict) -> pa.Table:
    return pacsv.read_csv(
        path,
        # one block for the whole file: with newlines in values, a value (a long narrative) must
        # not straddle two blocks
        read_options=pacsv.ReadOptions(block_size=min(max(path.stat().st_size + 1, 1 << 20), (1 << 31) - 1)),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=True, null_values=[""],
                                             quoted_strings_can_be_null=True),
    )
