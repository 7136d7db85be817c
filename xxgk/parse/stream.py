"""The cells of a document as one string: labels are found by regular expressions over it, and
every position leads back to its cell and source line. In: a reader's cells. Out: a `Stream` (the
joined text, positions of cells, the cells or text between two positions) and `Span`s of it."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from .read import Cell

SEP = "\x1f"  # joins cells; counts as whitespace for label patterns


@dataclass(frozen=True)
class Span:
    start: int
    end: int


class Stream:
    """The cells of a document as one string, with a way back from a position to its line."""

    def __init__(self, cells: list[Cell]):
        self.cells = cells
        self.starts: list[int] = []
        pos = 0
        for c in cells:
            self.starts.append(pos)
            pos += len(c.text) + 1
        self.text = SEP.join(c.text for c in cells)
        self.has_rows = any(c.row is not None for c in cells)  # the format names its table rows

    def line_at(self, pos: int) -> int | None:
        if not self.cells:
            return None
        i = max(0, bisect.bisect_right(self.starts, pos) - 1)
        return self.cells[i].line

    def cells_between(self, start: int, end: int) -> list[tuple[str, int | None, int]]:
        """The cells (or their parts) inside [start, end), as (text, line, position in the
        stream). A cell cut by a label counts only if something of it remains; a whole empty cell
        is an explicit blank."""
        out: list[tuple[str, int | None, int]] = []
        if start >= end:
            return out
        starts, cells = self.starts, self.cells
        i = max(0, bisect.bisect_right(starts, start) - 1)
        while i < len(cells) and starts[i] < end:
            cell = cells[i]
            c_start = starts[i]
            c_end = c_start + len(cell.text)
            i += 1
            if c_end < start:
                continue
            if start <= c_start and c_end <= end:  # the whole cell
                if (cell.text and not cell.text.isspace()) or c_end < end:
                    out.append((cell.text, cell.line, c_start))
                continue
            lo, hi = max(start, c_start), min(end, c_end)
            part = cell.text[lo - c_start:hi - c_start] if hi > lo else ""
            if part and not part.isspace():
                out.append((part, cell.line, lo))
        return out

    def in_row(self, start: int, end: int) -> list[tuple[str, int | None, int]] | None:
        """The cells inside [start, end) that are in the table row of the cell at `start` (as
        cells_between), or None where the format names no rows."""
        i = max(0, bisect.bisect_right(self.starts, start) - 1)
        if not self.cells or self.cells[i].row is None:
            return None
        j = i
        while j + 1 < len(self.cells) and self.cells[j + 1].row == self.cells[i].row:
            j += 1
        return self.cells_between(start, min(end, self.starts[j] + len(self.cells[j].text) + 1))

    def next_row(self, start: int, end: int) -> list[tuple[str, int | None, int]] | None:
        """The cells of the first table row that begins after `start`, before `end` (as in_row)."""
        i = max(0, bisect.bisect_right(self.starts, start) - 1)
        here = self.cells[i].row if self.cells else None
        for j in range(i + 1, len(self.cells)):
            if self.starts[j] >= end:
                return None
            if self.cells[j].row is not None and self.cells[j].row != here:
                return self.in_row(self.starts[j], end)
        return None

    def text_between(self, start: int, end: int) -> str:
        return "\n".join(t.strip() for t, *_ in self.cells_between(start, end) if t.strip())

    def cell_at(self, pos: int) -> tuple[int, int] | None:
        """The cell that holds position `pos` and where in its text: (cell index, offset)."""
        if not self.cells or pos < 0:
            return None
        i = bisect.bisect_right(self.starts, pos) - 1
        return (i, pos - self.starts[i]) if pos - self.starts[i] <= len(self.cells[i].text) else None
