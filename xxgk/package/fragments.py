"""A sharded build's hand-off: the parsed files of one shard, as Parquet fragments another machine
assembles into the package (`xxgk package --shard K/N`, then `xxgk assemble`).

A shard is the corpus files whose path hashes to it (`in_shard`: stable whatever the machine and
the corpus's other files). Its folder holds `facts.parquet`, `checks.parquet`, `texts.parquet`
(the shard's rows of the report-level resources, file after file) and `files.parquet` (one row per
file: what the assemble needs besides the rows, and each file's rows as the CSV bytes the package
will hold, so the assembled package is byte for byte the one-machine build's), and `shard.json`
(the shard, the parser's version, the number of files). Reading the fragments of every shard
gives the results in corpus order, as the one-machine build's workers give them, streaming: memory
does not grow with the corpus.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .tables import FRAGMENTS, Block, arrow_schemas, read_csv
from .worker import FileResult

SHARD_FILE = "shard.json"
FILES = pa.schema([("meta", pa.string()), *[(f"{name}_csv", pa.binary()) for name in FRAGMENTS]])
BATCH = 512  # files per row group of files.parquet


class FragmentsError(Exception):
    """Fragments that cannot make this corpus's package (a shard missing, another parser's, a file
    twice or not at all)."""


def parse_shard(spec: str) -> tuple[int, int]:
    """`K/N` (1 ≤ K ≤ N) as (K, N)."""
    try:
        k, n = (int(part) for part in spec.split("/"))
    except ValueError:
        raise FragmentsError(f"a shard is K/N (e.g. 1/4), not {spec!r}") from None
    if not 1 <= k <= n:
        raise FragmentsError(f"shard {spec}: K must be between 1 and N")
    return k, n


def in_shard(rel: str, k: int, n: int) -> bool:
    """Whether the file at corpus path `rel` belongs to shard K of N."""
    digest = hashlib.sha256(rel.encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") % n == k - 1


def write(results: Iterable[FileResult], folder: Path, shard: str, parser: str) -> int:
    """Write one shard's results (in corpus order) into `folder`; returns the number of files."""
    schemas = arrow_schemas()
    writers = {name: pq.ParquetWriter(folder / f"{name}.parquet", schemas[name], compression="zstd") for name in FRAGMENTS}
    files = pq.ParquetWriter(folder / "files.parquet", FILES, compression="zstd")
    count = 0
    pending: list[FileResult] = []

    def flush() -> None:
        if not pending:
            return
        columns = [[json.dumps(_meta(res)) for res in pending]]
        columns += [[getattr(res, name).csv for res in pending] for name in FRAGMENTS]
        files.write_table(pa.table(columns, schema=FILES))
        for name in FRAGMENTS:
            rows = b"".join(getattr(res, name).csv for res in pending)
            if rows:
                writers[name].write_table(read_csv(rows, schemas[name], header=False))
        pending.clear()

    for res in results:
        pending.append(res.loaded())
        count += 1
        if len(pending) >= BATCH:
            flush()
    flush()
    for w in (*writers.values(), files):
        w.close()
    (folder / SHARD_FILE).write_text(json.dumps({"shard": shard, "parser": parser, "files": count}) + "\n", encoding="utf-8")
    return count


def _meta(res: FileResult) -> dict:
    return {"report": res.report, "crossyear": res.crossyear, "figures": res.figures, "errors": res.errors,
            "codes": dict(res.codes), "key": res.key, "cached": res.cached, "cache_problem": res.cache_problem,
            "amended": res.amended, "settles": res.settles, "rows": {name: getattr(res, name).rows for name in FRAGMENTS}}


def read(folders: list[Path], parser: str, expected: list[str]) -> Iterator[FileResult]:
    """Every file's result from the fragments of every shard, in corpus order. `expected` are the
    corpus's paths (in order): the fragments must hold each exactly once, made by this parser."""
    shards = [_shard(Path(f), parser) for f in folders]
    specs = [s["shard"] for s in shards]
    total = {parse_shard(s)[1] for s in specs}
    if len(total) > 1 or sorted(parse_shard(s)[0] for s in specs) != list(range(1, next(iter(total), 0) + 1)):
        raise FragmentsError(f"the fragments are not every shard of one build, once: {', '.join(sorted(specs))}")
    want = iter(expected)
    for res in heapq.merge(*(_results(Path(f)) for f in folders), key=lambda r: r.report["source_file"]):
        rel = res.report["source_file"]
        wanted = next(want, None)
        if rel != wanted:
            raise FragmentsError(f"the fragments are not of this corpus: {wanted or 'nothing more'} expected, {rel} found")
        yield res
    missing = next(want, None)
    if missing is not None:
        raise FragmentsError(f"no fragment holds {missing}: the fragments are not of this corpus")


def _shard(folder: Path, parser: str) -> dict:
    try:
        shard = json.loads((folder / SHARD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FragmentsError(f"{folder} holds no shard's fragments ({exc})") from None
    if shard.get("parser") != parser:
        raise FragmentsError(f"{folder} was parsed by another parser ({shard.get('parser')}, this is {parser}): parse it again")
    return shard


def _results(folder: Path) -> Iterator[FileResult]:
    """A shard's results from its files.parquet: each file's rows are the CSV bytes kept there (the
    Parquet fragments beside it hold the same rows, for whoever reads the shard)."""
    for batch in pq.ParquetFile(folder / "files.parquet").iter_batches(batch_size=BATCH):
        metas, *csvs = (batch.column(i).to_pylist() for i in range(batch.num_columns))
        for i, text in enumerate(metas):
            meta = json.loads(text)
            blocks = {name: Block.encoded(csvs[j][i], meta["rows"][name]) for j, name in enumerate(FRAGMENTS)}
            yield FileResult(report=meta["report"], facts=blocks["facts"], checks=blocks["checks"], texts=blocks["texts"],
                             crossyear=meta["crossyear"], figures=meta["figures"], errors=meta["errors"],
                             codes=Counter(meta["codes"]), key=meta["key"], cached=meta["cached"],
                             cache_problem=meta["cache_problem"], amended=meta["amended"], settles=meta["settles"])
