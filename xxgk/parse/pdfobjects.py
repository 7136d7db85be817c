"""A PDF page's printed characters and ruled lines, as PDFium (pypdfium2) reads them. In: an open
pypdfium2 page. Out: `Char`s and edges (pdfplumber's edge dicts), in points from the page's top left.

PDFium, the PDF engine of Chromium, reads a page's text layer in C: about 10 ms a page where
pdfminer's pure-Python content-stream parser (under pdfplumber) takes 130-300 ms. Tables are
still found by pdfplumber's table finder, which takes edges and needs nothing else of the page."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

_WIDEST = 48.0  # points: no printed character of a report is wider (a title's characters are 16-30)


@dataclass(frozen=True)
class Char:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    unmapped: bool  # the font has no Unicode for the glyph: the text is not what is printed


class EdgesPage:
    """What pdfplumber's TableFinder reads of a page: its box and its edges."""

    def __init__(self, width: float, height: float, edges: list[dict]):
        self.bbox = (0, 0, width, height)
        self.edges = edges


def chars(page, textpage, crop: tuple[float, float, float, float]) -> list[Char]:
    """The page's characters (not those PDFium makes up for spacing), in content order."""
    import pypdfium2.raw as c

    left, _, _, top = crop
    out: list[Char] = []
    raw = textpage.raw
    rect = c.FS_RECTF()
    x0, x1, y0, y1 = (ctypes.c_double() for _ in range(4))
    for i in range(c.FPDFText_CountChars(raw)):
        if c.FPDFText_IsGenerated(raw, i) == 1:
            continue
        code = c.FPDFText_GetUnicode(raw, i)
        if code in (0, 0xFFFE) or code in (0x0D, 0x0A):
            continue
        # the box a font gives the character (its advance and line height), unless the font's box is
        # far larger than its glyphs (a cell's vertical label would seem to lie in the next column):
        # then the glyph's own box
        if not c.FPDFText_GetLooseCharBox(raw, i, rect):
            continue
        box = (rect.left, rect.top, rect.right, rect.bottom)
        if box[2] - box[0] > _WIDEST and c.FPDFText_GetCharBox(raw, i, x0, x1, y0, y1) and 0 < x1.value - x0.value < _WIDEST:
            box = (x0.value, y1.value, x1.value, y0.value)
        unmapped = c.FPDFText_HasUnicodeMapError(raw, i) == 1
        try:
            text = chr(code)
        except ValueError:
            text, unmapped = "\ufffd", True
        out.append(Char(text, box[0] - left, top - box[1], box[2] - left, top - box[3], unmapped))
    return out


@dataclass
class Drawn:
    """What a page draws besides its characters, from one walk over its objects: the straight
    segments of its paths as pdfplumber's edge dicts, and counts of images, paths and text objects
    shown or invisible."""

    edges: list[dict]
    images: int = 0
    paths: int = 0
    shown_text: int = 0
    hidden_text: int = 0


def drawn(page, crop: tuple[float, float, float, float]) -> Drawn:
    """Every straight horizontal or vertical segment of the page's paths (lines, rectangles, the
    sides of any path), and what else the page draws."""
    import pypdfium2.raw as c

    left, _, _, top = crop
    out = Drawn([])
    matrix = c.FS_MATRIX()
    x, y = ctypes.c_float(), ctypes.c_float()
    for obj in page.get_objects(max_depth=8):
        raw = obj.raw
        if obj.type == c.FPDF_PAGEOBJ_IMAGE:
            out.images += 1
            continue
        if obj.type == c.FPDF_PAGEOBJ_TEXT:
            if c.FPDFTextObj_GetTextRenderMode(raw) == c.FPDF_TEXTRENDERMODE_INVISIBLE:
                out.hidden_text += 1
            else:
                out.shown_text += 1
            continue
        if obj.type != c.FPDF_PAGEOBJ_PATH:
            continue
        out.paths += 1
        if not c.FPDFPageObj_GetMatrix(raw, matrix):
            continue
        a, b, cc, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
        start = previous = None
        for k in range(c.FPDFPath_CountSegments(raw)):
            segment = c.FPDFPath_GetPathSegment(raw, k)
            if not c.FPDFPathSegment_GetPoint(segment, x, y):
                continue
            point = (a * x.value + cc * y.value + e - left, top - (b * x.value + d * y.value + f))
            kind = c.FPDFPathSegment_GetType(segment)
            if kind == c.FPDF_SEGMENT_MOVETO:
                start = previous = point
                continue
            if kind == c.FPDF_SEGMENT_LINETO and previous is not None:
                _segment(out.edges, previous, point)
            previous = point
            if c.FPDFPathSegment_GetClose(segment) and start is not None:
                _segment(out.edges, point, start)
                previous = start
    return out


def _segment(out: list[dict], p: tuple[float, float], q: tuple[float, float]) -> None:
    (x0, y0), (x1, y1) = p, q
    if abs(y0 - y1) < 0.5 and abs(x0 - x1) >= 0.5:
        lo, hi = min(x0, x1), max(x0, x1)
        out.append({"object_type": "line", "orientation": "h", "x0": lo, "x1": hi, "top": y0, "bottom": y0,
                    "width": hi - lo, "height": 0.0})
    elif abs(x0 - x1) < 0.5 and abs(y0 - y1) >= 0.5:
        lo, hi = min(y0, y1), max(y0, y1)
        out.append({"object_type": "line", "orientation": "v", "x0": x0, "x1": x0, "top": lo, "bottom": hi,
                    "width": 0.0, "height": hi - lo})


def lines(items: list[Char], y_tolerance: float = 3.0) -> list[list[Char]]:
    """Characters grouped into printed lines (vertical centres within `y_tolerance` of the line's
    first character), each left to right, top to bottom."""
    rows: list[list[Char]] = []
    centre = 0.0
    for ch in sorted(items, key=lambda ch: ((ch.top + ch.bottom) / 2, ch.x0)):
        middle = (ch.top + ch.bottom) / 2
        if rows and middle - centre <= y_tolerance:
            rows[-1].append(ch)
        else:
            rows.append([ch])
            centre = middle
    return [sorted(r, key=lambda ch: ch.x0) for r in rows]


def text(line: list[Char], x_tolerance: float = 3.0) -> str:
    """A printed line's text: a space where the gap between two characters is wider than `x_tolerance`."""
    out: list[str] = []
    previous = None
    for ch in line:
        if previous is not None and ch.x0 - previous.x1 > x_tolerance and not ch.text.isspace() and not previous.text.isspace():
            out.append(" ")
        out.append(ch.text)
        previous = ch
    return "".join(out).strip()


_SNAP = 3.0  # points: ends of rules this close meet


def closed(found: list[dict]) -> list[dict]:
    """The edges with a rule added where a table is left open: a page break that cuts a row leaves
    its columns' vertical rules ending (or starting) with no horizontal rule there, and the table
    finder would leave that row out. Where three or more vertical rules end at one height without
    a horizontal rule, one is drawn across them."""
    # the sides of a cell border drawn as a thin rectangle are no rule across a column
    horizontal = [e for e in found if e["orientation"] == "h" and e["width"] > 2 * _SNAP]
    vertical = [e for e in found if e["orientation"] == "v"]

    def ruled(x: float, y: float) -> bool:
        return any(abs(h["top"] - y) <= _SNAP and h["x0"] - _SNAP <= x <= h["x1"] + _SNAP for h in horizontal)

    def continued(x: float, y: float, other: str) -> bool:  # a rule drawn in pieces goes on
        return any(abs(v["x0"] - x) <= 0.5 and abs(v[other] - y) <= _SNAP for v in vertical)

    added: list[dict] = []
    for end, other in (("top", "bottom"), ("bottom", "top")):
        loose = sorted((v[end], v["x0"]) for v in vertical if not ruled(v["x0"], v[end]) and not continued(v["x0"], v[end], other))
        group: list[tuple[float, float]] = []
        for y, x in [*loose, (float("inf"), 0.0)]:
            if group and y - group[0][0] > _SNAP:
                if len(group) >= 3:
                    at = max(g[0] for g in group) if end == "bottom" else min(g[0] for g in group)
                    lo, hi = min(g[1] for g in group), max(g[1] for g in group)
                    added.append({"object_type": "line", "orientation": "h", "x0": lo, "x1": hi, "top": at, "bottom": at,
                                  "width": hi - lo, "height": 0.0})
                group = []
            group.append((y, x))
    return found + added
