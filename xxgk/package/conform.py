"""The build's validation: every property Frictionless checks on this package's CSV resources, proved
on whole columns with Arrow instead of cell by cell in Python (Frictionless reads about 16,000
rows a second here; this, about 200,000, keys and Parquet included). `xxgk validate` still runs
Frictionless itself, and a test plants an error of every kind in a package and checks that both
reject it.

Proved per resource: the file's size and SHA-256 as the descriptor declares them; UTF-8; the
header row is exactly the schema's field names; every row has one cell per field; each non-empty
cell is a value of its field's type (integer, number, boolean, date, datetime, as Frictionless
reads them by default); the constraints the schema uses (required, enum, pattern, minimum,
maximum; an empty cell is null and meets every constraint but `required`); no blank row.
The keys (primary and foreign) and the Parquet files' agreement with the CSVs are proved by
validate.py on the whole tables."""

from __future__ import annotations

import codecs
import hashlib
import io
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

# Frictionless's default readers (fields/*.py): what a cell of each type must look like
INTEGER = r"^[+-]?[0-9]+$"
NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DATETIME = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:?[0-9]{2})?$"
BOOLEAN = ["true", "True", "TRUE", "1", "false", "False", "FALSE", "0"]
SHOWN = 3  # rows named per problem
BLOCK = 16 << 20  # bytes of CSV checked at a time
MAX_BLOCK = (1 << 31) - 1  # pyarrow's largest (a row may be this long)


def check_resource(path: Path, res: dict) -> list[str]:
    """The problems of a resource's CSV file (empty when it conforms)."""
    with open(path, "rb") as f:
        return check_stream(f, res)


def check_bytes(raw: bytes, res: dict) -> list[str]:
    """The problems of a resource's CSV bytes (the size and hash only if `res` declares them; rows
    are counted from the header, row 2 the first after it)."""
    return check_stream(io.BytesIO(raw), res)


def check_stream(f: BinaryIO, res: dict, prefix: bytes = b"", block: int = BLOCK) -> list[str]:
    """The problems of a resource's CSV read from `f` (after `prefix`: a part's header), `block`
    bytes at a time: a national year's part is gigabytes, and held whole (as bytes, as text and
    as columns) it took three times that in memory. A row longer than a block is read again in
    larger blocks."""
    reading = _Reading(f, prefix)
    names = [fl["name"] for fl in res["schema"]["fields"]]
    found = _Found()
    try:
        batches = pacsv.open_csv(
            reading, read_options=pacsv.ReadOptions(block_size=block, column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False))
        rows = 0
        for batch in batches:
            _check_batch(res, batch, rows, found)
            rows += batch.num_rows
        shape = None
    except pa.ArrowInvalid as exc:  # a row with more or fewer cells than the header, or not UTF-8
        if "straddl" in str(exc) and block < MAX_BLOCK:  # a row longer than a block: larger blocks
            f.seek(0)
            return check_stream(f, res, prefix, min(block * 16, MAX_BLOCK))
        shape = f"row-shape: {str(exc).splitlines()[0]}"
    except StopIteration:  # pyarrow: an empty file has no header to skip
        shape = None
    reading.drain()
    problems = []
    if "bytes" in res and reading.size != res["bytes"]:
        problems.append(f"byte-count: {reading.size} bytes, the descriptor says {res['bytes']}")
    if "hash" in res and f"sha256:{reading.sha256.hexdigest()}" != res["hash"]:
        problems.append("hash-count: the file's SHA-256 is not the descriptor's")
    if reading.not_utf8 is not None:
        return [*problems, f"encoding-error: not UTF-8 at byte {reading.not_utf8}"]
    if shape:
        return [*problems, shape]
    header = pacsv.read_csv(pa.py_buffer(reading.first_line + b"\n"), read_options=pacsv.ReadOptions(autogenerate_column_names=True),
                            convert_options=pacsv.ConvertOptions(strings_can_be_null=False))
    labels = [header.column(i)[0].as_py() if header.num_rows else header.column_names[i] for i in range(header.num_columns)]
    if labels != names:
        problems.append(f"header: {labels} is not the schema's {names}")
    return problems + found.lines()


class _Reading:
    """The bytes pyarrow reads, counted, hashed and decoded as they pass (a file's size, SHA-256
    and UTF-8 proved in the same pass), the first line kept for the header."""

    def __init__(self, f: BinaryIO, prefix: bytes):
        self.f, self.prefix = f, prefix
        self.size, self.sha256, self.first_line = 0, hashlib.sha256(), b""
        self.not_utf8: int | None = None  # the byte where the text stops being UTF-8
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self._lined = False
        self.closed = False

    def read(self, n: int = -1) -> bytes:
        data = self.prefix + self.f.read(n if n is None or n < 0 else max(0, n - len(self.prefix)))
        self.prefix = b""
        self._seen(data)
        return data

    def _seen(self, data: bytes) -> None:
        if not self._lined:
            line, newline, _ = data.partition(b"\n")
            self.first_line += line
            self._lined = bool(newline) or not data
        if self.not_utf8 is None:
            try:
                self._utf8.decode(data, final=not data)
            except UnicodeDecodeError as exc:
                self.not_utf8 = self.size + exc.start
        self.size += len(data)
        self.sha256.update(data)

    def drain(self) -> None:
        """Read what pyarrow left (after a row it could not parse), so the size and hash are the file's."""
        while self.read(BLOCK):
            pass
        self._seen(b"")

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self.closed = True


class _Found:
    """Problems found batch by batch, each with its first rows and how many: as one pass over the
    whole file would name them."""

    def __init__(self) -> None:
        self.hits: dict[str, list] = {}
        self.rank: dict[str, int] = {}
        self.typed: set[str] = set()  # fields with a value not of their type
        self.about: dict[str, str] = {}  # a problem of a constraint on values -> its field

    def mark(self, problem: str, mask: pa.ChunkedArray | pa.Array, offset: int, about: str = "") -> bool:
        """Record the rows `mask` holds (`offset` rows into the file); `about`: the field whose
        values a constraint checks (left out where the field has values not of its type)."""
        self.rank.setdefault(problem, len(self.rank))  # in the order the checks run, whichever block finds it
        if about:
            self.about[problem] = about
        where = pc.indices_nonzero(pc.fill_null(mask, False)) if len(mask) else pa.array([], pa.uint64())
        if not len(where):
            return False
        hit = self.hits.setdefault(problem, [0, []])
        hit[0] += len(where)
        hit[1] += [i + 2 + offset for i in where.slice(0, max(0, SHOWN - len(hit[1]))).to_pylist()]
        return True

    def lines(self) -> list[str]:
        out = []
        for problem, (count, rows) in sorted(self.hits.items(), key=lambda hit: self.rank[hit[0]]):
            if self.about.get(problem) in self.typed:
                continue  # its constraints are about values it does not have
            more = f" and {count - SHOWN} more" if count > SHOWN else ""
            out.append(f"{problem} (row {', '.join(map(str, rows))}{more})")
        return out


def _check_batch(res: dict, batch: pa.RecordBatch, offset: int, found: _Found) -> None:
    fields = res["schema"]["fields"]
    names = [fl["name"] for fl in fields]
    empty = [pc.equal(batch.column(n), "") for n in names]
    if batch.num_rows and empty:
        blank = empty[0]
        for e in empty[1:]:
            blank = pc.and_(blank, e)
        found.mark("blank-row", blank, offset)
    for field, column, is_empty in zip(fields, batch.columns, empty):
        _field(field, column, is_empty, offset, found)


def _field(field: dict, column: pa.Array, is_empty: pa.Array, offset: int, found: _Found) -> None:
    name, kind, constraints = field["name"], field["type"], field.get("constraints", {})
    if constraints.get("required"):
        found.mark(f"constraint-error: {name} is required", is_empty, offset)
    present = pc.invert(is_empty)
    pattern = {"integer": INTEGER, "number": NUMBER, "date": DATE, "datetime": DATETIME}.get(kind)
    if pattern:
        bad = pc.and_(present, pc.invert(pc.match_substring_regex(column, pattern)))
        if kind in ("date", "datetime"):  # the right shape, and a day that exists
            shaped = pc.if_else(pc.and_(present, pc.invert(bad)), column, None)
            text = pc.utf8_slice_codeunits(shaped, 0, 10)
            day = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
            again = pc.strftime(day, format="%Y-%m-%d")  # 2024-02-30 parses as 1 March
            bad = pc.or_(bad, pc.and_(pc.is_valid(shaped), pc.fill_null(pc.not_equal(again, text), True)))
        if found.mark(f"type-error: {name} is not a {kind}", bad, offset):
            found.typed.add(name)
            return  # its constraints are about values it does not have
    elif kind == "boolean":
        found.mark(f"type-error: {name} is not a boolean", pc.and_(present, pc.invert(pc.is_in(column, pa.array(BOOLEAN)))), offset)
    if "enum" in constraints:
        allowed = pa.array([str(v) for v in constraints["enum"]])
        found.mark(f"constraint-error: {name} is not one of its values", pc.and_(present, pc.invert(pc.is_in(column, allowed))), offset, name)
    if "pattern" in constraints:
        whole = f"^(?:{constraints['pattern']})$"
        found.mark(f"constraint-error: {name} does not match {constraints['pattern']}",
                  pc.and_(present, pc.invert(pc.match_substring_regex(column, whole))), offset, name)
    for bound, compare in (("minimum", pc.less), ("maximum", pc.greater)):
        if bound in constraints:
            numbers = pc.cast(pc.if_else(present, column, None), pa.float64() if kind == "number" else pa.int64())
            found.mark(f"constraint-error: {name} is beyond its {bound} {constraints[bound]}",
                      pc.fill_null(compare(numbers, constraints[bound]), False), offset, name)
