"""The build's validation on whole columns (check_package) and Frictionless (validate_package, what
`xxgk validate` runs) agree: both accept a built package, and both reject each kind of error
planted in it."""

import csv
import hashlib
import io
import json
import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_cache import corpus_of

from xxgk.package import build, check_package, validate_package


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work = tmp_path_factory.mktemp("conform")
    out = work / "package"
    build(corpus_of(work, ["000", "001"]), out, jobs=1)
    return out


def _rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def _write(path, rows):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))


def _declare(package, name):
    """The descriptor's size and hash of `name` made true again, so only the planted error remains."""
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    res = next(r for r in descriptor["resources"] if r["name"] == name)
    raw = (package / res["path"]).read_bytes()
    res["bytes"], res["hash"] = len(raw), f"sha256:{hashlib.sha256(raw).hexdigest()}"
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")


def _cell(name, field, value):
    def plant(package):
        path = package / "data" / f"{name}.csv"
        rows = _rows(path)
        rows[1][rows[0].index(field)] = value
        _write(path, rows)
        _declare(package, name)
    return plant


def _lines(name, edit):
    def plant(package):
        path = package / "data" / f"{name}.csv"
        rows = _rows(path)
        _write(path, *edit(rows))
        _declare(package, name)
    return plant


def _parquet(package, name):
    """The resource's Parquet file: the last part of a resource written in parts."""
    path = package / "data" / f"{name}.parquet"
    return max(path.glob("*.parquet")) if path.is_dir() else path


def _both(name, edit):
    """The same rows in the CSV and the Parquet files: an error only the keys can show."""
    def plant(package):
        from xxgk.package.tables import arrow_schemas, read_csv

        _lines(name, edit)(package)
        path = package / "data" / f"{name}.parquet"
        table = read_csv(package / "data" / f"{name}.csv", arrow_schemas()[name])
        if path.is_dir():  # the whole table in one part
            for part in path.glob("*.parquet"):
                part.unlink()
            path = path / "all.parquet"
        pq.write_table(table, path)
    return plant


def _undeclared(package):
    path = package / "data" / "texts.csv"
    rows = _rows(path)  # the size unchanged …
    rows[1][2] = rows[1][2][::-1]  # … and content changed: only the hash can tell
    _write(path, rows)


def _not_utf8(package):
    path = package / "data" / "checks.csv"
    path.write_bytes(path.read_bytes().replace("，".encode(), b"\xff\xfe\xfd", 1))
    _declare(package, "checks")


def _parquet_differs(package):
    path = _parquet(package, "facts")
    table = pq.read_table(path)
    values = table.column("value").to_pylist()
    values[0] = (values[0] or 0) + 1
    pq.write_table(table.set_column(table.column_names.index("value"), "value", pa.array(values, pa.float64())), path)


# plant, the error type Frictionless reports, what the build's check says
PLANTS = {
    "integer": (_cell("facts", "source_line", "ten"), "type-error", "source_line is not a integer"),
    "number": (_cell("facts", "value", "1,5"), "type-error", "value is not a number"),
    "date": (_cell("reports", "publication_date", "2024-02-30"), "type-error", "publication_date is not a date"),
    "datetime": (_cell("reports", "retrieved", "yesterday"), "type-error", "retrieved is not a datetime"),
    "boolean": (_cell("register", "in_corpus", "maybe"), "type-error", "in_corpus is not a boolean"),
    "required": (_cell("checks", "message", ""), "constraint-error", "message is required"),
    "enum": (_cell("facts", "row", "newish"), "constraint-error", "row is not one of its values"),
    "pattern": (_cell("reports", "sha256", "XYZ"), "constraint-error", "sha256 does not match"),
    "minimum": (_cell("reports", "year", "1999"), "constraint-error", "year is beyond its minimum"),
    "maximum": (_cell("reports", "year", "2101"), "constraint-error", "year is beyond its maximum"),
    "extra-cell": (_lines("facts", lambda rows: ([rows[0], rows[1] + ["x"], *rows[2:]],)), "extra-cell", "row-shape"),
    "missing-cell": (_lines("texts", lambda rows: ([rows[0], rows[1][:-1], *rows[2:]],)), "missing-cell", "row-shape"),
    "header": (_lines("agencies", lambda rows: ([["name_id", *rows[0][1:]], *rows[1:]],)), "incorrect-label", "header"),
    "blank-row": (_lines("codes", lambda rows: (rows[:3] + [[""] * len(rows[0])] + rows[3:],)), "blank-row", "blank-row"),
    "primary-key": (_both("facts", lambda rows: (rows + [rows[1]],)), "primary key", "primary key"),
    "foreign-key": (_both("facts", lambda rows: ([*rows[:-1], ["ffffffffffffffff", *rows[-1][1:]]],)), "not found in reports", "not found in reports"),
    "hash": (_undeclared, "hash-count", "hash-count"),
    "encoding": (_not_utf8, "encoding-error", "encoding-error"),
    "parquet": (_parquet_differs, "does not hold the same table", "does not hold the same table"),
}


def test_both_accept_the_built_package(built):
    assert check_package(built) == []
    assert validate_package(built) == []


@pytest.mark.parametrize("kind", PLANTS)
def test_both_reject_each_planted_error(built, tmp_path, kind):
    plant, frictionless_says, check_says = PLANTS[kind]
    package = tmp_path / "package"
    shutil.copytree(built, package)
    plant(package)
    fast = check_package(package)
    assert any(check_says in p for p in fast), fast
    full = validate_package(package)
    assert any(frictionless_says in p for p in full), full


def test_a_file_checked_a_block_at_a_time_is_named_as_read_whole(built):
    """`check_stream` reads a part a block at a time (a national part is gigabytes): with blocks of
    a few hundred bytes it names the same problems, rows counted across blocks, as one read of the
    whole file, and its size, hash and UTF-8 are the whole file's."""
    from xxgk.package.conform import check_stream

    descriptor = json.loads((built / "datapackage.json").read_text(encoding="utf-8"))
    res = next(r for r in descriptor["resources"] if r["name"] == "facts")
    rows = _rows(built / res["path"])
    assert len(rows) > 100
    line, row = rows[0].index("source_line"), rows[0].index("row")
    for k in (1, 2, 57, len(rows) - 1):  # rows 2, 3, 58 and the last, as the problems count them
        rows[k][line] = "ten"
    rows[40][row] = "newish"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    raw = buf.getvalue().encode("utf-8")
    whole = check_stream(io.BytesIO(raw), res, block=len(raw) + 1)
    assert check_stream(io.BytesIO(raw), res, block=512) == whole
    assert "type-error: source_line is not a integer (row 2, 3, 58 and 1 more)" in whole
    assert "constraint-error: row is not one of its values (row 41)" in whole
    assert any(p.startswith("hash-count") for p in whole)  # the descriptor's hash is the file's before the change
    head, body = raw.split(b"\n", 1)
    assert check_stream(io.BytesIO(body), res, prefix=head + b"\n", block=512) == whole
    broken = raw[:-200] + b"\xff" + raw[-199:]
    assert [p for p in check_stream(io.BytesIO(broken), res, block=512) if p.startswith("encoding")] == \
           [f"encoding-error: not UTF-8 at byte {len(raw) - 200}"]


@pytest.mark.parametrize("seed", range(6))
def test_keys_checked_a_batch_at_a_time_decide_as_the_whole_table(tmp_path, monkeypatch, seed):
    """A key that starts with report_id, checked batch by batch over reports whose rows lie
    together (a report's rows crossing batches and files), says what grouping the whole table
    says; a report whose rows are apart is left to the whole table."""
    import random

    from xxgk.package import validate

    monkeypatch.setattr(validate, "KEY_BATCH", 3)
    rng = random.Random(seed)
    rows = [(f"r{r}", rng.choice("ab"), rng.choice(["x", "y", None]), rng.randint(1, 3)) for r in range(5) for _ in range(rng.randint(1, 6))]
    if seed % 2:  # half the cases with no two rows alike
        rows = list(dict.fromkeys(rows))
    folder = tmp_path / "part.parquet"
    folder.mkdir()
    half = len(rows) // 2
    for name, chunk in (("1", rows[:half]), ("2", rows[half:])):
        pq.write_table(pa.table(dict(zip(["report_id", "section", "row", "finding_id"], map(list, zip(*chunk)))) if chunk else
                                {"report_id": pa.array([], pa.string())}), folder / f"{name}.parquet", row_group_size=4)
    key = ["report_id", "section", "row", "finding_id"]
    whole = len(set(rows)) == len(rows)
    assert validate._unique_by_report(folder, key) == whole
    assert validate._unique(folder, key) == whole
    apart = tmp_path / "apart.parquet"
    unique = list(dict.fromkeys(rows))
    moved = [*unique, (unique[0][0], "c", "z", 9)]  # the first report's rows again after the others'
    pq.write_table(pa.table(dict(zip(key, map(list, zip(*moved))))), apart)
    assert validate._unique_by_report(apart, key) is None
    assert validate._unique(apart, key)
    pq.write_table(pa.table(dict(zip(key, map(list, zip(*(moved + moved[:1])))))), apart)
    assert validate._unique_by_report(apart, key) in (None, False) and not validate._unique(apart, key)
