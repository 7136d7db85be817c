"""Documents that are laid out, not written as text (PDF, Word, a page read by OCR): what their
readers find, as blocks in reading order, and the one way such blocks become a `Document`.

In: `Block`s (a line of text, or a table's rows of `Piece`s, each with its page, box and table
position). Out: a `Document` whose cells are numbered one per line of a text rendering (so a
figure's `source_line` names exactly one cell), with a `Place` per line that says where on
which page the cell was printed, and that rendering as the document's text (the source view shows
it, the line numbers point into it)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text import normalise
from .read import Cell, Document, Place

# A cell's lines are joined without a space between two CJK characters (a word wrapped inside a
# narrow cell: `结果\n维持`) and with one elsewhere (`2024\n年` or Latin words).
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_WRAP_CJK = re.compile(rf"(?<=[{_CJK}])\s*\n\s*(?=[{_CJK}])")
_WRAP = re.compile(r"\s*\n\s*")
_SPACES = re.compile(r"[ \t\u3000]+")


def unwrap(text: str) -> str:
    """A cell's text on one line: the wrapping of a narrow cell undone."""
    return _SPACES.sub(" ", _WRAP.sub(" ", _WRAP_CJK.sub("", text))).strip()


@dataclass
class Piece:
    """A line of text or a table cell, where it was printed: `page` (1-based), `box` (x0, top, x1,
    bottom in PDF points from the page's top left), `ocr` when the text was read from an image."""

    text: str
    page: int | None = None
    box: tuple[float, float, float, float] | None = None
    ocr: bool = False


@dataclass
class Block:
    """A line of text (one row of one piece, `table` False) or a table: rows of pieces, None for a
    position covered by a merged cell (its text is in the piece at the span's top left)."""

    rows: list[list[Piece | None]]
    table: bool = False
    meta: dict[str, str] = field(default_factory=dict)


def line(piece: Piece) -> Block:
    return Block([[piece]])


def document(blocks: list[Block], fmt: str, meta: dict[str, str] | None = None,
             notes: list[tuple[str, str, str]] | None = None) -> Document:
    """The blocks as a Document: one cell per non-empty piece, each on a line of its own. A table's
    empty cells stay (an empty cell is an explicit blank to the extractor); covered positions do
    not; a table cell names its row."""
    cells: list[Cell] = []
    places: dict[int, Place] = {}
    lines: list[str] = []
    table_no = 0
    for block in blocks:
        if block.table:
            table_no += 1
        for r, row in enumerate(block.rows, start=1):
            for c, piece in enumerate(row, start=1):
                if piece is None:
                    continue
                text = normalise(unwrap(piece.text))
                if not text and not block.table:
                    continue
                lines.append(text)
                number = len(lines)
                cells.append(Cell(text, number, table_no * 100_000 + r if block.table else None, 0))
                places[number] = Place(piece.page, piece.box, f"{table_no}/{r}/{c}" if block.table else "", piece.ocr)
    return Document(cells=cells, format=fmt, encoding="", meta=dict(meta or {}), notes=list(notes or []),
                    text="\n".join(lines) + ("\n" if lines else ""), places=places)
