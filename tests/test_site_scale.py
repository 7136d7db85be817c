"""What keeps the page generator within memory on a national package: a report's facts read from
the row groups that hold them, the downloads copied and joined in blocks."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from xxgk.site import facts as facts_
from xxgk.site.downloads import EXCEL_ROWS, join_parquet, make_downloads, start_downloads, title_header
from xxgk.site.published import Published

ROWS = [("a", "requests", "new", "total", 3.0, "reported", 12), ("a", "requests", "granted", "total", 1.0, "reported", 13),
        ("b", "requests", "new", "total", 2.5, "reported", 4), ("b", "appeals", "review", "total", None, "blank", None),
        ("c", "requests", "new", "total", 0.0, "reported", 9)]
SCHEMA = pa.schema([("report_id", pa.string()), ("section", pa.string()), ("row", pa.string()), ("column", pa.string()),
                    ("value", pa.float64()), ("status", pa.string()), ("source_line", pa.int64())])


def _table(rows) -> pa.Table:
    return pa.Table.from_pylist([dict(zip(SCHEMA.names, r)) for r in rows], schema=SCHEMA)


def _package(tmp_path: Path, parts: dict[str, list], row_group_size: int = 2) -> Path:
    folder = tmp_path / "package" / "data" / "facts.parquet"
    folder.mkdir(parents=True)
    for name, rows in parts.items():
        pq.write_table(_table(rows), folder / f"{name}.parquet", row_group_size=row_group_size)
    return tmp_path / "package"


def test_a_report_whose_rows_cross_row_groups_is_read_whole(tmp_path, monkeypatch):
    package = _package(tmp_path, {"2021": ROWS[:4], "2022": ROWS[4:]}, row_group_size=3)  # b: rows 2 and 3 of 2021
    monkeypatch.setattr(facts_, "BATCH", 1)  # and every report crosses batches of the report_id column
    monkeypatch.setattr(facts_, "MEMO", 1)
    facts = facts_.Facts(package)
    assert facts.where == {"a": (0, 0, 2), "b": (0, 2, 4), "c": (1, 0, 1)}
    assert [len(s) - 1 for s in facts.starts] == [2, 1]  # row groups per file
    pub = Published(package, {}, [], [], [], _facts=facts)
    b = pub.facts("b")
    assert b[("requests", "new", "total")] == {"report_id": "b", "section": "requests", "row": "new", "column": "total",
                                               "value": 2.5, "status": "reported", "source_line": 4}
    assert b[("appeals", "review", "total")]["value"] is None
    assert pub.facts("c")[("requests", "new", "total")]["value"] == 0 and isinstance(pub.facts("c")[("requests", "new", "total")]["value"], int)
    assert pub.facts("nope") == {}


def test_parts_joined_in_batches_hold_every_row_in_order(tmp_path):
    package = _package(tmp_path, {"2021": ROWS[:3], "2022": ROWS[3:]})
    parts = sorted((package / "data" / "facts.parquet").glob("*.parquet"))
    join_parquet(parts, tmp_path / "one.parquet")
    assert pq.read_table(tmp_path / "one.parquet").to_pylist() == _table(ROWS).to_pylist()
    join_parquet(parts, tmp_path / "two.parquet")
    assert (tmp_path / "one.parquet").read_bytes() == (tmp_path / "two.parquet").read_bytes()


def test_the_downloads_copied_in_blocks_hold_the_package(package, tmp_path):
    """`make_downloads` streams every file: the zip holds each of the package's files as it is, each
    Excel CSV is the CSV after a byte-order mark (headed by its titles where the descriptor asks),
    a dataset kept in parts is one file of the same rows, and a second copy is byte-identical."""
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    made = []
    for run in ("a", "b"):
        assert make_downloads(package, tmp_path / run / "data", descriptor)
        made.append(tmp_path / run / "data")
    files = sorted(p for p in package.rglob("*") if p.is_file() and not p.name.startswith("."))
    with zipfile.ZipFile(made[0] / "xxgk-datapackage.zip") as z:
        assert z.namelist() == [f"xxgk-datapackage/{p.relative_to(package).as_posix()}" for p in files]
        assert all(z.read(f"xxgk-datapackage/{p.relative_to(package).as_posix()}") == p.read_bytes() for p in files)
    csvs = sorted((package / "data").glob("*.csv"))
    titled = {r["name"]: title_header(r) for r in descriptor["resources"] if r.get("x_excel_header") == "title"}
    assert titled  # the case under test: a table whose Excel copy is headed by its columns' titles

    def excel(c: Path) -> bytes:  # the CSV after a byte-order mark, under the titles where the package asks for them
        return b"\xef\xbb\xbf" + (titled[c.stem] + c.read_bytes().split(b"\n", 1)[1] if c.stem in titled else c.read_bytes())

    # a table of figures (section, row, column codes) has each one's labels after its codes: the rest as it is
    labelled = {r["name"] for r in descriptor["resources"] if {"section", "row", "column"} <= {f["name"] for f in r["schema"]["fields"]}}
    assert labelled == {"facts", "checks"}

    def unlabelled(data: bytes) -> list[list[str]]:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        at = rows[0].index("column") + 1
        assert rows[0][at:at + 2] == ["label_zh", "label_en"]
        assert all(r[at] and r[at + 1] for r in rows[1:] if r[at - 1] or r[at - 2])  # a figure's labels, where it has codes
        return [r[:at] + r[at + 2:] for r in rows]

    def same(data: bytes, c: Path) -> bool:
        if c.stem in labelled:
            return data.startswith(b"\xef\xbb\xbf") and unlabelled(data) == list(csv.reader(io.StringIO(c.read_text(encoding="utf-8"), newline="")))
        return data == excel(c)

    assert csvs and all(same((made[0] / "excel" / f"{c.stem}-excel.csv").read_bytes(), c) for c in csvs)
    with zipfile.ZipFile(made[0] / "xxgk-excel.zip") as z:  # the spreadsheet users' one download: the Excel copies alone
        assert z.namelist() == [f"xxgk-excel/{c.stem}-excel.csv" for c in csvs]
        assert all(same(z.read(f"xxgk-excel/{c.stem}-excel.csv"), c) for c in csvs)
    parted = [d for d in (package / "data").glob("*.parquet") if d.is_dir()]
    assert parted  # the case under test: resources kept in year parts
    for dataset in parted:
        joined = made[0] / "data" / dataset.name
        assert joined.is_file() and pq.read_table(joined).equals(pq.read_table(dataset))
    assert {p.relative_to(made[0]): p.read_bytes() for p in made[0].rglob("*") if p.is_file()} == \
           {p.relative_to(made[1]): p.read_bytes() for p in made[1].rglob("*") if p.is_file()}


def test_the_downloads_are_kept_while_the_package_is_the_same(package, tmp_path):
    """Made once per package: a second build keeps them (nothing is written), another package's
    descriptor makes them again; a table longer than a sheet gets no Excel copy."""
    target = tmp_path / "data"
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert make_downloads(package, target, descriptor)
    zipped = (target / "xxgk-datapackage.zip").stat()
    assert not make_downloads(package, target, descriptor)
    assert (target / "xxgk-datapackage.zip").stat().st_mtime_ns == zipped.st_mtime_ns
    changed = tmp_path / "changed"
    shutil.copytree(package, changed)
    long = dict(descriptor, resources=[dict(r, x_rows=EXCEL_ROWS + 1) if r["name"] == "facts" else r for r in descriptor["resources"]])
    (changed / "datapackage.json").write_text(json.dumps(long), encoding="utf-8")
    assert make_downloads(changed, target, long)
    assert not (target / "excel" / "facts-excel.csv").exists() and (target / "excel" / "reports-excel.csv").is_file()
    with zipfile.ZipFile(target / "xxgk-excel.zip") as z:
        assert "xxgk-excel/reports-excel.csv" in z.namelist() and "xxgk-excel/facts-excel.csv" not in z.namelist()
    assert json.loads((target / "datapackage.json").read_text()) == long


def test_the_downloads_made_beside_the_pages_are_the_same_and_fail_aloud(package, tmp_path):
    """`start_downloads` (a process of its own while the pages are written) makes what
    `make_downloads` makes, starts nothing when they are made already, and a failure in it is
    raised where the build waits for it, with the child's traceback."""
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    wait = start_downloads(package, tmp_path / "apart", descriptor)
    assert wait() is True
    assert make_downloads(package, tmp_path / "here", descriptor)
    files = lambda d: {p.relative_to(d): p.read_bytes() for p in d.rglob("*") if p.is_file()}
    assert files(tmp_path / "apart") == files(tmp_path / "here")
    assert start_downloads(package, tmp_path / "apart", descriptor)() is False
    broken = dict(descriptor, resources=[{"name": "facts"}])  # no path: make_downloads cannot read it
    try:
        start_downloads(package, tmp_path / "broken", broken)()
    except RuntimeError as exc:
        assert "making the downloads failed" in str(exc) and "KeyError" in str(exc)
    else:
        raise AssertionError("the child's failure was not raised")
