"""The package's files for download. In: the published package. Out: beside the pages written whole
(`fragments_dir`/data, from where `render` puts them into the site or the files folder): the
package's files as they are (hard links), each year-parted Parquet dataset as one file, a copy of
each CSV with a byte-order mark for Excel and WPS where the table fits in a sheet (`*-excel.csv`;
headed by the fields' titles where the descriptor says `x_excel_header: title`; a table of figures,
one with section, row and column codes, with each figure's Chinese and English label beside them),
and two zips: the whole package, for code, and the copies for Excel.

Made again only when the package changed: the descriptor holds every file's hash, so its own
digest (with DOWNLOADS_VERSION) is what the downloads were made from, recorded beside them. A
national package is gigabytes of CSV: copying and zipping it on every build would cost a minute."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import traceback
import zipfile
from collections.abc import Callable
from multiprocessing import get_context
from pathlib import Path

import pyarrow.parquet as pq

from .sync import link_file

COPY_BLOCK = 1 << 20  # the downloads are copied and zipped a megabyte at a time
JOIN_ROWS = 1 << 17  # rows per batch (and row group) when a dataset's parts become one file
EXCEL_ROWS = 1_048_575  # the rows of data a sheet of Excel or WPS holds (1,048,576 with the header)
ZIP_LEVEL = 1  # deflate at its fastest: 3x the speed of the default for a 10 % larger zip of CSV
DOWNLOADS_VERSION = "5"  # of the code below: changing what is made changes this
MADE_FROM = ".made-from"  # beside the downloads: the digest of the package they were made from
ZIP_NAME = "xxgk-datapackage.zip"  # for code: the package as it is (UTF-8 CSV, Parquet, datapackage.json)
EXCEL_ZIP_NAME = "xxgk-excel.zip"  # for spreadsheets: the copies for Excel and WPS (CSV with a byte-order mark)
CODED = ("section", "row", "column")  # the fields that name a figure by its codes (facts, checks)
LABELS = ("label_zh", "label_en")  # the columns an Excel copy adds after them


def made_from(package: Path) -> str:
    """What the downloads of `package` are made from: its descriptor (every file's hash) and this code."""
    return DOWNLOADS_VERSION + ":" + hashlib.sha256((Path(package) / "datapackage.json").read_bytes()).hexdigest()


def fits_excel(resource: dict) -> bool:
    """Whether a resource's rows fit in one sheet (its Excel copy is made only then)."""
    return int(resource.get("x_rows") or 0) <= EXCEL_ROWS


def is_made(package: Path, target: Path) -> bool:
    """Whether `target` holds the downloads of `package`, made by this code."""
    stamp = Path(target) / MADE_FROM
    return stamp.is_file() and stamp.read_text(encoding="utf-8") == made_from(package)


def start_downloads(package: Path, target: Path, descriptor: dict) -> Callable[[], bool]:
    """`make_downloads` begun in a process of its own while the pages are written (copying and
    zipping gigabytes is disk and zlib, not the pages' Python); returns the wait for it (its
    result; its failure raised here; waiting again says the same). Nothing is started when they
    are made.
    A new interpreter, not a fork: a fork would share this process's memory (the package, read),
    and every page written meanwhile would copy what it touches, page by page, into one of the two.
    A bare process, not a pool: a pool's threads in this process would be forked with the page writers."""
    if is_made(package, target):
        return lambda: False
    context = get_context("spawn")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_make_in_child, args=(writer, package, target, descriptor), name="downloads")
    child.start()
    writer.close()
    outcome: list = []  # (made, value) once waited for: a second wait says the same

    def wait() -> bool:
        if not outcome:
            try:
                outcome.extend(reader.recv())
            except EOFError:
                outcome.extend((False, "it ended without a word"))
            finally:
                child.join()
                reader.close()
        made, value = outcome
        if not made:
            raise RuntimeError(f"making the downloads failed (exit {child.exitcode}): {value}")
        return bool(value)

    return wait


def _make_in_child(conn, package: Path, target: Path, descriptor: dict) -> None:
    try:
        conn.send((True, make_downloads(package, target, descriptor)))
    except BaseException:
        conn.send((False, traceback.format_exc()))
    finally:
        conn.close()


def make_downloads(package: Path, target: Path, descriptor: dict) -> bool:
    """The downloads of `package` in `target` (made anew); False when they are there already,
    made from the same package by the same code."""
    package, target = Path(package), Path(target)
    if is_made(package, target):
        return False
    stamp = made_from(package)
    shutil.rmtree(target, ignore_errors=True)
    # links, not copies: the package is replaced whole by the next build, never written through
    shutil.copytree(package, target, ignore=shutil.ignore_patterns(".*"), copy_function=link_file)
    for dataset in sorted(p for p in (target / "data").glob("*.parquet") if p.is_dir() and any(p.glob("*.parquet"))):
        # a resource the package keeps in parts (one file per year) is downloaded as one file
        joined = dataset.with_name(f".{dataset.name}")
        join_parquet(sorted(dataset.glob("*.parquet")), joined)
        shutil.rmtree(dataset)
        joined.rename(dataset)
    excel = target / "excel"
    excel.mkdir()
    labels = figure_labels(package / "data" / "codes.csv")
    for res in descriptor["resources"]:
        csv_path = package / res["path"]
        if fits_excel(res) and csv_path.is_file():
            with open(csv_path, "rb") as src, open(excel / excel_name(res["name"]), "wb") as dst:
                dst.write(b"\xef\xbb\xbf")
                if labels and all(c in field_names(res) for c in CODED):
                    labelled_copy(src, dst, labels)
                    continue
                if res.get("x_excel_header") == "title":  # the package asks for its labels over the columns
                    src.readline()  # the header of names (no name holds a line break)
                    dst.write(title_header(res))
                shutil.copyfileobj(src, dst, COPY_BLOCK)
    zip_package(package, target / ZIP_NAME)
    zip_package(excel, target / EXCEL_ZIP_NAME, EXCEL_ZIP_NAME.removesuffix(".zip"))
    (target / MADE_FROM).write_text(stamp, encoding="utf-8")
    return True


def field_names(res: dict) -> list[str]:
    return [f["name"] for f in res["schema"]["fields"]]


def figure_labels(codes: Path) -> dict[tuple[str, str, str], tuple[str, str]]:
    """(kind, section, code) -> (Chinese, English) label of each row and column code, a row's
    prefixed with its group's where the row's own label does not begin with it."""
    if not codes.is_file():
        return {}
    with open(codes, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    groups = {(r["section"], r["code"]): r for r in rows if r["kind"] == "group"}
    out = {}
    for r in rows:
        if r["kind"] not in ("row", "column"):
            continue
        parent = groups.get((r["section"], r["parent"])) if r["kind"] == "row" else None
        out[r["kind"], r["section"], r["code"]] = tuple(
            f"{parent[k]} · {r[k]}" if parent and parent[k] and not r[k].startswith(parent[k]) else r[k] for k in LABELS)
    return out  # type: ignore[return-value]


def labelled_copy(src, dst, labels: dict[tuple[str, str, str], tuple[str, str]]) -> None:
    """A table of figures with each one's label in both languages after its codes (a row's and a
    column's joined by " · "; a code the codebook lacks stands for itself, no guess)."""
    reader = csv.reader(io.TextIOWrapper(src, encoding="utf-8", newline=""))
    out = io.TextIOWrapper(dst, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(out, lineterminator="\n")
    header = next(reader)
    s, r, c = (header.index(x) for x in CODED)
    writer.writerow([*header[:c + 1], *LABELS, *header[c + 1:]])
    for row in reader:
        parts = [labels.get(("row", row[s], row[r]), (row[r], row[r])) if row[r] else None,
                 labels.get(("column", row[s], row[c]), (row[c], row[c])) if row[c] else None]
        words = [" · ".join(p[k] for p in parts if p) for k in (0, 1)]
        writer.writerow([*row[:c + 1], *words, *row[c + 1:]])
    out.flush()
    out.detach()


def title_header(res: dict) -> bytes:
    """The header line of a table's Excel copy that names its columns by their titles (one line, so
    a sheet's filters and sorting work as on any table)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([f["title"] for f in res["schema"]["fields"]])
    return buf.getvalue().encode("utf-8")


def excel_name(resource: str) -> str:
    """The name of a table's copy for Excel and WPS: never the name of the UTF-8 file, so the two
    can lie in one folder and be told apart."""
    return f"{resource}-excel.csv"


def zip_package(package: Path, target: Path, folder: str = "xxgk-datapackage") -> None:
    """A folder (the package) as one zip of `folder/…`, streamed (fixed dates: the same files make
    the same bytes); Parquet files stored as they are, being compressed already."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as z:
        for f in sorted(p for p in package.rglob("*") if p.is_file() and not p.name.startswith(".")):
            info = zipfile.ZipInfo(f"{folder}/{f.relative_to(package).as_posix()}", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if f.suffix == ".parquet" else zipfile.ZIP_DEFLATED
            info._compresslevel = ZIP_LEVEL  # type: ignore[attr-defined]  # (public as compress_level from Python 3.13)
            info.file_size = f.stat().st_size  # tells the zip beforehand whether the entry needs ZIP64
            with open(f, "rb") as src, z.open(info, "w") as dst:
                shutil.copyfileobj(src, dst, COPY_BLOCK)


def join_parquet(parts: list[Path], target: Path) -> None:
    """The parts (one at least) of a Parquet dataset as one file, batch by batch (a national facts table does
    not fit in memory twice)."""
    schema = pq.read_schema(parts[0])
    with pq.ParquetWriter(target, schema, compression="zstd", compression_level=3) as writer:
        for part in parts:
            for batch in pq.ParquetFile(part).iter_batches(batch_size=JOIN_ROWS):
                writer.write_batch(batch, row_group_size=JOIN_ROWS)
