"""PDF: the text layer and the ruled lines read with PDFium (pypdfium2), tables found from the
ruled grid by pdfplumber's table finder; pages without usable text rendered by PDFium and read by
OCR. In: a file's bytes. Out: a `Document` (see `layout`).

Both libraries are permissive (PyMuPDF would do it all but is AGPL). A page is read from its text
layer when the layer is usable: it has text, and the text is not made of glyph ids (`(cid:12)`),
glyphs without a Unicode map or private-use characters that such a font leaves behind. Other pages
are rendered and read by OCR."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..findings import message
from ..text import normalise
from . import pdfobjects as objects
from .layout import Block, Piece, document, line
from .read import Document, ReadError
from .vocabulary import load as vocabulary

MAX_PAGES = 300  # a report runs to 5-30 pages; a longer PDF is not one report
MAX_OCR_PAGES = 40  # pages read by OCR in one file (4 s each); the rest of a longer scan is not read
OCR_DPI = 200  # the resolution pages are rendered at for OCR
_MIN_CHARS = 20  # a page with fewer printed characters has no text layer worth reading
_BAD_SHARE = 0.1  # a text layer with more unmapped glyphs than this is not read
_CID = re.compile(r"\(cid:\d+\)")
# private-use characters, but the symbol fonts' range (U+F000-F0FF: Word's list bullets in Symbol or Wingdings)
_PRIVATE = re.compile("[\ue000-\uefff\uf100-\uf8ff\ufffd]")
_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
_FURNITURE = re.compile(vocabulary().page_number)
_MARGIN = 0.1  # page numbers sit in the top or bottom tenth of the page

def is_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:1024]


def pages_to_read(data: bytes) -> int:
    """How many pages OCR may have to read in the file (its pages, at most MAX_OCR_PAGES; 0 when
    it does not open)."""
    import pypdfium2 as pdfium

    try:
        with pdfium.PdfDocument(data) as doc:
            return min(len(doc), MAX_OCR_PAGES)
    except Exception:
        return 0


@dataclass
class _Part:
    """A table's rows on one page, and where it sits."""

    block: Block
    page: int
    xs: tuple[float, ...]  # the x of its column rules


def read_pdf(data: bytes) -> Document:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ReadError("unreadable-file", "pdf-encrypted") from None
        raise ReadError("unreadable-file", "pdf-unparsable", reason=_reason(exc)) from None
    try:
        count = len(pdf)
        if count > MAX_PAGES:
            raise ReadError("unreadable-file", "too-many-pages", pages=count, limit=MAX_PAGES)
        blocks: list[Block | _Part] = []
        scanned: dict[int, str] = {}
        skipped: list[int] = []
        for number in range(1, count + 1):
            try:
                page = pdf[number - 1]
            except Exception as exc:
                raise ReadError("unreadable-file", "pdf-unparsable", reason=f"page {number}: {_reason(exc)}") from None
            try:
                found = _read_page(page, number)
                if isinstance(found, str) and len(scanned) >= MAX_OCR_PAGES:
                    skipped.append(number)
                elif isinstance(found, str):
                    scanned[number] = found
                    blocks.extend(_ocr_page(page, number))
                else:
                    blocks.extend(found)
            except ReadError:
                raise
            except Exception as exc:
                raise ReadError("unreadable-file", "pdf-unparsable", reason=f"page {number}: {_reason(exc)}") from None
            finally:
                page.close()
        meta = {}
        title = (pdf.get_metadata_dict(skip_empty=True) or {}).get("Title")
        if isinstance(title, str) and title.strip():
            meta["title"] = title.strip()
    finally:
        pdf.close()
    notes = []
    if scanned:
        reasons = sorted(set(scanned.values()))
        notes.append(("ocr-read", *message("ocr-read", pages=_ranges(sorted(scanned)), reason="; ".join(reasons))))
    if skipped:
        notes.append(("ocr-read", *message("ocr-read", "limit", pages=_ranges(skipped), limit=MAX_OCR_PAGES)))
    return document(_stitch(blocks), "pdf", meta, notes)


def _reason(exc: Exception) -> str:
    return (f"{type(exc).__name__}: {exc}")[:200]


def _ranges(numbers: list[int]) -> str:
    out: list[str] = []
    for n in numbers:
        if out and out[-1].split("-")[-1] == str(n - 1):
            out[-1] = f"{out[-1].split('-')[0]}-{n}"
        else:
            out.append(str(n))
    return ", ".join(out)


def _read_page(page, number: int) -> list[Block | _Part] | str:
    """The page's blocks from its text layer, or why the layer cannot be read."""
    crop = page.get_cropbox()
    textpage = page.get_textpage()
    try:
        printed = objects.chars(page, textpage, crop)
    finally:
        textpage.close()
    drawn = objects.drawn(page, crop)
    why = _unusable(printed, drawn)
    if why:
        return why
    width, height = crop[2] - crop[0], crop[3] - crop[1]
    return _text_page(printed, drawn.edges, width, height, number)


_OUTLINED = 200  # a page of more paths than this and no text has its text drawn as outlines


def _unusable(printed: list[objects.Char], drawn: objects.Drawn) -> str:
    """Why a page's text layer cannot be read ("" when it can, or when the page shows nothing
    to read: no image, no text drawn as outlines)."""
    if printed and drawn.images and drawn.hidden_text > drawn.shown_text:
        # the text another program's OCR laid over a scan: its misreadings would pass as printed figures
        return "an invisible text layer over a scan"
    text = "".join(ch.text for ch in printed)
    visible = len(text.strip())
    if visible < _MIN_CHARS:
        return "no text layer" if drawn.images or drawn.paths > _OUTLINED else ""
    bad = sum(len(m.group(0)) for m in _CID.finditer(text)) + len(_PRIVATE.findall(text)) + sum(ch.unmapped for ch in printed)
    if bad / max(1, len(text)) > _BAD_SHARE:
        return "fonts without a Unicode map"
    return ""


def _ocr_page(page, number: int) -> list[Block]:
    from . import ocr

    if not ocr.available():
        raise ReadError("converter-missing", format="pdf (scanned pages)", converter="rapidocr-onnxruntime")
    scale = OCR_DPI / 72
    image = page.render(scale=scale, grayscale=True).to_pil()
    height = image.height / scale
    return [b for b in ocr.read_image(image, number, scale) if not _furniture(b, height)]


def _furniture(block: Block, height: float) -> bool:
    """A line that is only a page number, in the page's top or bottom margin."""
    if block.table or len(block.rows) != 1 or len(block.rows[0]) != 1 or block.rows[0][0] is None:
        return False
    piece = block.rows[0][0]
    box = piece.box
    return bool(_FURNITURE.fullmatch(normalise(piece.text).strip())) and box is not None and (
        box[1] < height * _MARGIN or box[3] > height * (1 - _MARGIN))


def _box(obj) -> tuple[float, float, float, float]:
    return (round(float(obj[0]), 1), round(float(obj[1]), 1), round(float(obj[2]), 1), round(float(obj[3]), 1))


def _inside(ch: objects.Char, box) -> bool:
    cx, cy = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _cell_text(printed: list[objects.Char], box) -> str:
    return "\n".join(objects.text(ln) for ln in objects.lines([ch for ch in printed if _inside(ch, box)]))


def _text_page(printed: list[objects.Char], edges: list[dict], width: float, height: float, number: int) -> list[Block | _Part]:
    """The page's tables (pdfplumber's table finder over the ruled lines) and the lines of text
    outside them, top to bottom."""
    from pdfplumber.table import TableFinder

    found = TableFinder(objects.EdgesPage(width, height, objects.closed(edges)), _TABLE_SETTINGS).tables  # type: ignore[arg-type]  # it reads only bbox and edges
    items: list[tuple[float, Block | _Part]] = []
    bboxes = []
    rest = printed
    for table in found:
        rows: list[list[Piece | None]] = []
        table_rows = table.rows
        for row in table_rows:
            rows.append([None if box is None else Piece(_cell_text(rest, box), number, _box(box)) for box in row.cells])
        if not rows:
            continue
        bboxes.append(table.bbox)
        if all(sum(p is not None for p in r) <= 1 for r in rows):
            # a frame around text (WPS draws one around paragraphs): its rows are lines of text
            for r in rows:
                for p in r:
                    if p is not None and p.text.strip():
                        items.append((p.box[1] if p.box else 0.0, line(p)))
            continue
        xs = tuple(sorted({round(c[0]) for r in table_rows for c in r.cells if c} | {round(c[2]) for r in table_rows for c in r.cells if c}))
        items.append((table.bbox[1], _Part(Block(rows, table=True), number, xs)))
    outside = [ch for ch in printed if not any(_inside(ch, b) for b in bboxes)] if bboxes else printed
    text_lines = [{"text": objects.text(ln), "x0": min(ch.x0 for ch in ln), "x1": max(ch.x1 for ch in ln),
                   "top": min(ch.top for ch in ln), "bottom": max(ch.bottom for ch in ln)} for ln in objects.lines(outside)]
    for text, box in _paragraphs([ln for ln in text_lines if ln["text"]], width):
        block = line(Piece(text, number, box))
        if not _furniture(block, height):  # a page number is not the report's text
            items.append((box[1], block))
    items.sort(key=lambda item: item[0])
    return [b for _, b in items]


def _paragraphs(lines: list[dict], width: float) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Lines of text joined into paragraphs: a line that runs to the right margin continues on the
    next one when that one follows at the usual spacing."""
    out: list[tuple[str, tuple[float, float, float, float]]] = []
    if not lines:
        return out
    right = max(ln["x1"] for ln in lines)
    previous = None
    for ln in lines:
        box = _box((ln["x0"], ln["top"], ln["x1"], ln["bottom"]))
        height = box[3] - box[1]
        if previous is not None and out:
            text, pbox = out[-1]
            full = previous["x1"] >= right - 1.5 * max(height, 1)
            near = 0 <= ln["top"] - previous["bottom"] <= 0.9 * max(height, 1)
            if full and near and not _heading().match(normalise(ln["text"])):
                out[-1] = (text + "\n" + ln["text"], (min(pbox[0], box[0]), pbox[1], max(pbox[2], box[2]), box[3]))
                previous = ln
                continue
        out.append((ln["text"], box))
        previous = ln
    return out


@cache
def _heading() -> re.Pattern:
    """The numbering that starts a heading or a row label (二、, (四), 1. or 1、)."""
    numerals = vocabulary().numerals
    return re.compile(rf"\s*(?:[{numerals}]+、|\([{numerals}0-9]+\)|[0-9]+[.、])")


def _stitch(items: list[Block | _Part]) -> list[Block]:
    """Tables that cross pages made one: a part that starts a page right after a part that ended
    the previous one, with the same column rules, continues it. Its repeated header rows are
    dropped, and a merged label cut in two by the page break (`(四)无` / `法提供`) is joined."""
    out: list[Block] = []
    last: _Part | None = None
    for item in items:
        if isinstance(item, _Part):
            if last is not None and out and out[-1] is last.block and item.page == last.page + 1 and _same_columns(last.xs, item.xs):
                _continue(last.block, item.block)
                last = _Part(last.block, item.page, item.xs)
                continue
            out.append(item.block)
            last = item
        else:
            out.append(item)
    return out


def _same_columns(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= 3 for x, y in zip(a, b, strict=True))


def _continue(head: Block, tail: Block) -> None:
    rows = tail.rows
    # the header printed again on the new page
    k = 0
    while k < len(rows) and k < len(head.rows) and _texts(rows[k]) == _texts(head.rows[k]) and _texts(rows[k]):
        k += 1
    rows = rows[k:]
    if rows and head.rows and len(rows[0]) == len(head.rows[-1]):
        first = rows[0]
        for c, piece in enumerate(first):
            if piece is None or not piece.text.strip() or _heading().match(normalise(piece.text)):
                continue
            above = _span_top(head.rows, c)
            if above is not None and _numbers_in(piece.text) == 0 and _label_cut(above.text):
                above.text = above.text + piece.text
                first[c] = Piece("", piece.page, piece.box, piece.ocr)
    head.rows.extend(rows)


def _texts(row: list[Piece | None]) -> list[str]:
    return [p.text.strip() for p in row if p is not None]


def _span_top(rows: list[list[Piece | None]], c: int) -> Piece | None:
    """The piece whose merged span reaches the last row in column c (None when the last row has its own cell there)."""
    if c >= len(rows[-1]) or rows[-1][c] is not None:
        piece = rows[-1][c] if c < len(rows[-1]) else None
        # a cell of the last row itself, cut by the page break
        return piece if piece is not None and piece.text.strip() else None
    for r in range(len(rows) - 1, -1, -1):
        if c < len(rows[r]) and rows[r][c] is not None:
            return rows[r][c]
    return None


def _numbers_in(text: str) -> int:
    return len(re.findall(r"[0-9]", text))


def _label_cut(text: str) -> bool:
    """A label that the page break may have cut: it is a numbered label (`(四)无`) and not a figure."""
    text = normalise(text)
    return bool(_heading().match(text)) and _numbers_in(re.sub(r"^\s*\(?[0-9]+[).、]", "", text)) == 0
