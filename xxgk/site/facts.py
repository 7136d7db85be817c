"""One report's facts read from the package's Parquet files when a page needs them, never the whole
table: a national package holds tens of millions of facts.

In: the facts dataset (`data/facts.parquet/`, one file per year, or one file). Out: `Facts`, which
knows where each report's rows lie (file, first row, end) from the report_id column alone, and
gives a report's rows read from the row groups that hold them. The package writes a year's rows
agency by agency, and the pages are written agency by agency, so consecutive pages read the same
few row groups: a handful of decoded row groups is kept (MEMO), and memory does not grow with the
package. Worker processes forked from the reader open the files again (a file's handle is not
shared across processes); a page worker is given `where` for its reports with each task.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

MEMO = 6  # row groups kept decoded: one per year of the agency being written, and the next of each
BATCH = 1 << 16  # report_id values read at a time to find the reports' rows


class Facts:
    def __init__(self, package: Path, locate: bool = True):
        """`locate=False`: the files and their row groups only, `where` left to be given."""
        path = Path(package) / "data" / "facts.parquet"
        self.files = sorted(path.glob("*.parquet")) if path.is_dir() else [path] if path.exists() else []
        self.where: dict[str, tuple[int, int, int]] = {}  # report_id: (file, first row, end)
        self.starts: list[np.ndarray] = []  # per file: the first row of each row group
        for i, file in enumerate(self.files):
            parquet = pq.ParquetFile(file, read_dictionary=["report_id"])
            meta = parquet.metadata
            self.starts.append(np.cumsum([0] + [meta.row_group(g).num_rows for g in range(meta.num_row_groups)]))
            if locate:
                self._locate(i, parquet)
        self._open: dict[int, pq.ParquetFile] = {}
        self._pid = os.getpid()
        self._memo: OrderedDict[tuple[int, int], dict[str, list]] = OrderedDict()

    def _locate(self, i: int, parquet: pq.ParquetFile) -> None:
        base, last = 0, None
        for batch in parquet.iter_batches(BATCH, columns=["report_id"]):
            column = batch.column(0)
            idx = column.indices.to_numpy(zero_copy_only=False)
            if not len(idx):
                continue
            names = column.dictionary.to_pylist()
            bounds = np.flatnonzero(np.diff(idx)) + 1
            for s, e in zip(np.concatenate(([0], bounds)).tolist(), np.concatenate((bounds, [len(idx)])).tolist()):
                name = names[idx[s]]
                if name == last:  # a report whose rows run on into the next batch
                    self.where[name] = (i, self.where[name][1], base + e)
                else:
                    self.where[name] = (i, base + s, base + e)
                last = name
            base += len(idx)

    def rows(self, report_id: str) -> list[dict]:
        """The report's rows as Python values (in the package's order); none for a report with none."""
        if report_id not in self.where:
            return []
        i, start, end = self.where[report_id]
        starts = self.starts[i]
        first = int(np.searchsorted(starts, start, side="right")) - 1
        out: list[dict] = []
        for g in range(first, len(starts) - 1):
            if starts[g] >= end:
                break
            columns = self._group(i, g)
            s, e = max(start, starts[g]) - starts[g], min(end, starts[g + 1]) - starts[g]
            out += [dict(zip(columns, values)) for values in zip(*(v[s:e] for v in columns.values()))]
        return out

    def _group(self, i: int, g: int) -> dict[str, list]:
        key = (i, g)
        if key in self._memo:
            self._memo.move_to_end(key)
            return self._memo[key]
        if self._pid != os.getpid():  # forked: this process opens the files itself
            self._open, self._memo, self._pid = {}, OrderedDict(), os.getpid()
        if i not in self._open:
            self._open[i] = pq.ParquetFile(self.files[i])
        columns = self._open[i].read_row_group(g).to_pydict()
        self._memo[key] = columns
        while len(self._memo) > MEMO:
            self._memo.popitem(last=False)
        return columns
