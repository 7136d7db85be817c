"""The package's tables as files: each resource's Arrow schema, blocks of rows encoded where they
are made (CSV text and an Arrow record batch), and the writer that streams a resource to CSV and
Parquet with fixed settings, so the bytes depend only on the rows."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .schema import schemas

ORDER = ["reports", "report_figures", "agencies", "facts", "checks", "texts", "register", "codes", "figure_mapping"]


FRAGMENTS = ("facts", "checks", "texts")  # resources made of each report's own rows
PARTED = (*FRAGMENTS, "report_figures")  # resources written in year parts (report_figures: from each report's facts)
# tables whose copy for Excel heads its columns with the fields' titles (`x_excel_header` in the
# descriptor): a column per figure is read by its label, not by its code
EXCEL_TITLES = ("report_figures",)


ROW_GROUP = 100_000


PA_TYPES = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "date": pa.string(), "datetime": pa.string(),
            "boolean": pa.bool_()}


@cache
def arrow_schemas() -> dict[str, pa.Schema]:
    return {name: pa.schema([(f["name"], PA_TYPES[f["type"]]) for f in sch["fields"]]) for name, sch in schemas().items()}


class Block:
    """Rows of one resource as the CSV text the package will hold, encoded where they were made
    (in the workers, so the process that writes the package is not the bottleneck). Their Arrow
    form is read from that text with the package's one CSV reader (`read_csv`), the reader the
    Parquet files are made with and validated by."""

    __slots__ = ("csv", "rows")

    def __init__(self, resource: str, rows: list[tuple]):
        at = _numbers(resource)
        self.csv = self.csv_text([_whole(r, at) for r in rows] if at else rows).encode("utf-8")
        self.rows = len(rows)

    @classmethod
    def encoded(cls, csv: bytes, rows: int) -> Block:
        """A block from its CSV text, as a shard's fragments hold it."""
        block = cls.__new__(cls)
        block.csv, block.rows = csv, rows
        return block

    @staticmethod
    def csv_text(rows) -> str:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)  # None is written as an empty field
        return buf.getvalue()

    def batch(self, schema: pa.Schema) -> pa.RecordBatch:
        table = read_csv(self.csv, schema, header=False)
        batches = table.combine_chunks().to_batches()
        return batches[0] if batches else pa.RecordBatch.from_arrays([pa.array([], t) for t in schema.types], schema=schema)


@cache
def _numbers(resource: str) -> tuple[int, ...]:
    """Where a resource's rows hold numbers (type `number`)."""
    return tuple(i for i, f in enumerate(arrow_schemas()[resource]) if pa.types.is_floating(f.type))


def _whole(row: tuple, at: tuple[int, ...]) -> tuple:
    """A row with each whole number at `at` as an integer: written "12", never "12.0" (a row read
    back from Arrow, as the assemble amends a report's facts, holds every figure as a double)."""
    if not any(type(row[i]) is float and row[i].is_integer() for i in at):
        return row
    out = list(row)
    for i in at:
        if type(out[i]) is float and out[i].is_integer():
            out[i] = int(out[i])
    return tuple(out)


def read_csv_batches(path: Path, schema: pa.Schema, block: int = 0) -> Iterator[pa.RecordBatch]:
    """The batches of a CSV file of this package with no header line, read as `read_csv` reads
    (a value may hold newlines), `block` bytes at a time (BLOCK by default: a longer row raises
    ArrowInvalid, "straddling object")."""
    if not Path(path).stat().st_size:
        return
    reader = pacsv.open_csv(path, read_options=pacsv.ReadOptions(block_size=block or BLOCK, column_names=schema.names),
                            parse_options=pacsv.ParseOptions(newlines_in_values=True), convert_options=_CONVERT(schema))
    for batch in reader:
        yield pa.Table.from_batches([batch]).cast(schema).combine_chunks().to_batches()[0] if batch.num_rows else batch


BLOCK = 4 << 20  # bytes read at a time (a row may be this long)


def _CONVERT(schema: pa.Schema) -> pacsv.ConvertOptions:
    return pacsv.ConvertOptions(column_types={f.name: f.type for f in schema}, strings_can_be_null=True, null_values=[""],
                                quoted_strings_can_be_null=True)


def read_csv(data: bytes | Path, schema: pa.Schema, header: bool = True) -> pa.Table:
    """CSV of this package read with its resource's types (an empty field is null): the one reader
    the Parquet files are made with and compared by."""
    size = len(data) if isinstance(data, bytes) else Path(data).stat().st_size
    if not size and not header:
        return schema.empty_table()  # no rows (pyarrow refuses an empty file)
    source = pa.py_buffer(data) if isinstance(data, bytes) else data
    return pacsv.read_csv(
        source,
        # one block for the whole file: with newlines in values, a value (a long narrative) must
        # not straddle two blocks
        read_options=pacsv.ReadOptions(block_size=min(max(size + 1, 1 << 20), (1 << 31) - 1),
                                       column_names=None if header else schema.names),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=_CONVERT(schema),
    ).cast(schema)


class TableWriter:
    """Streams one resource to CSV and Parquet with fixed writer settings: row groups of exactly
    ROW_GROUP rows whatever the blocks were, so the bytes depend only on the rows. The CSV is
    hashed as it is written."""

    def __init__(self, folder: Path, name: str, schema: dict):
        self.name = name
        self.fields = [f["name"] for f in schema["fields"]]
        self.arrow = arrow_schemas()[name]
        self.csv_path = folder / f"{name}.csv"
        self.parquet_path = folder / f"{name}.parquet"
        self._csv_file = open(self.csv_path, "wb")
        self.csv_hash = hashlib.sha256()
        header = Block.csv_text([self.fields]).encode("utf-8")
        self._write_csv(header)
        self._parquet = pq.ParquetWriter(self.parquet_path, self.arrow, compression="zstd", compression_level=3,
                                         write_statistics=True, use_dictionary=True)
        self._batches: list[pa.RecordBatch] = []
        self._buffered = 0
        self.rows = 0

    def _write_csv(self, data: bytes) -> None:
        self._csv_file.write(data)
        self.csv_hash.update(data)

    def write(self, row) -> None:
        self.write_block(Block(self.name, [tuple(row)]))

    def write_rows(self, rows) -> None:
        self.write_block(Block(self.name, [tuple(r) for r in rows]))

    def write_block(self, block: Block) -> None:
        if not block.rows:
            return
        self._write_csv(block.csv)
        self._batches.append(block.batch(self.arrow))
        self._buffered += block.rows
        self.rows += block.rows
        if self._buffered >= ROW_GROUP:
            self._flush(final=False)

    def _flush(self, final: bool) -> None:
        if not self._buffered:
            return
        table = pa.Table.from_batches(self._batches, schema=self.arrow)
        whole = table.num_rows if final else table.num_rows - table.num_rows % ROW_GROUP
        if whole:
            self._parquet.write_table(table.slice(0, whole), row_group_size=ROW_GROUP)
        self._batches = table.slice(whole).to_batches()
        self._buffered = table.num_rows - whole

    def close(self) -> None:
        if self._csv_file.closed:
            return  # closed already (the facts are read back before the checks are written)
        self._flush(final=True)
        self._parquet.close()
        self._csv_file.close()
