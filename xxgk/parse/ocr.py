"""OCR of a page that has no usable text layer (a scan of a stamped paper copy). In: the page
rendered as a PIL image and its pixels per PDF point. Out: the page's `Block`s in reading order:
each ruled table found in the image as a table block read cell by cell, the text outside the tables
as line blocks, every piece with its box in PDF points.

Tables are found from their rules, not guessed from text positions: the page squared by the slope
of its long rules, horizontal and vertical rule segments (morphological opening), the grid their
positions make, and a cell merged with its neighbour wherever the rule between them is missing.
Each cell is cropped inside its rules, its lines found from its ink and recognised one by one with
rapidocr's PP-OCR recognition model (run through onnxruntime); the text outside the tables is
found by the detection model.

A figure is never guessed. A digit recognised with less than `MIN_CONFIDENCE` is the illegible mark
(vocabulary `illegible`); a cell that reads as a number is the mark as a whole when any of its
digits is doubtful, when a letter or a sign stands for a digit (O, l, B), when it holds more than
one group of digits, or when its ink does not look like the number read (as many glyphs as digits,
the height of the table's other figures); in the cells where a table's figures stand, a reading
that is neither a figure, a blank marker nor words read with certainty (a pen stroke read as a
letter) is the mark; ink that reads as nothing is the mark. Only a cell without ink is empty."""

from __future__ import annotations

import math
import multiprocessing
import os
import re
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..codebook import load as codebook
from . import ocrgrid as grid
from .layout import Block, Piece, line
from .vocabulary import load as vocabulary

# The lowest probability at which a recognised digit is taken as read. Measured on the scanned test
# report's 186 figures, at 150 dpi and degraded (100 and 200 dpi, blur, noise, JPEG, faint, turned):
# the wrong digits the recogniser returned scored 0.85 at most, and 0.9 keeps 95 % of the right
# ones at the first reading.
MIN_CONFIDENCE = 0.9

# The detection model runs at this many pixels per point: text of 9 pt is still found, at 40 % of
# the cost of a 150 dpi page.
_DET_SCALE = 1.3
# Recognition input: the model's line height, the least width a line is padded to (narrower inputs
# lower the confidence of a lone digit), lines per batch.
_REC_HEIGHT = 48
_REC_MIN_WIDTH = 48
_BATCH = 8
# The paper put round a line's ink (above and below, left and right, as shares of the ink's
# height): the first framing is the one that read the test pages' figures best, the others read a
# figure again whose first reading holds a letter for a digit, or nothing.
_FRAMINGS = ((0.08, 0.2), (0.04, 0.3), (0.12, 0.12))
# The glyphs of a figure are counted on the ink darker than the paper by this share of the contrast
# (lighter than for the reading, so that hairlines hold a glyph together); a figure's height may
# differ from the median of its table's figures by this share.
_GLYPH_INK = 0.2
_HEIGHT_SPREAD = 0.2

# What the recogniser prints for a digit it did not read well: letters and strokes that stand for
# the digit itself (O for 0, l or ! for 1, B for 8), and, in a cell of its own, quotes, brackets and
# stops; not the dashes and slashes that stand for an empty cell.
_DIGIT_LETTERS = "OoDQUIl|iLJjzZsSbBgq!"
_DIGIT_LOOKALIKES = _DIGIT_LETTERS + "GT`'\"()[]{}<>:;,.?"
_AS_DIGIT = str.maketrans({**dict.fromkeys("OoDQU", "0"), **dict.fromkeys("Il|iLJj!", "1"), **dict.fromkeys("zZ", "2"),
                           **dict.fromkeys("sS", "5"), **dict.fromkeys("bG", "6"), "T": "7", "B": "8", **dict.fromkeys("gq", "9")})
_FULL_WIDTH_DIGITS = {0xFF10 + i: ord("0") + i for i in range(10)}
_DASHES = "-\u2014\u2015\u2013\uff0d"
_CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff]")
_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)*")

_lock = threading.Lock()
_engine: tuple[int, Any] | None = None  # (pid, RapidOCR): a forked worker loads its own


def available() -> bool:
    """Whether the OCR engine and its models can be loaded (rapidocr-onnxruntime installed)."""
    try:
        import cv2  # noqa: F401
        import rapidocr_onnxruntime  # noqa: F401
    except Exception:
        return False
    return True


def threads() -> int:
    """onnxruntime's intra-op threads: the cores this process may run on, or one in a worker of a
    process pool (the pool already spreads the work over the cores)."""
    if multiprocessing.parent_process() is not None:
        return 1
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _load() -> Any:
    """The engine, loaded once per process (its models ship inside the rapidocr wheel: nothing is
    downloaded), with `threads()` intra-op threads and one inter-op thread per model."""
    global _engine
    with _lock:
        if _engine is None or _engine[0] != os.getpid():
            from rapidocr_onnxruntime import RapidOCR

            n = threads()
            # rapidocr ignores a count above os.cpu_count(), which may exceed the cores allowed
            n = min(n, os.cpu_count() or n)
            _engine = (os.getpid(), RapidOCR(intra_op_num_threads=n, inter_op_num_threads=1))
        return _engine[1]


# --- recognition ---------------------------------------------------------------------------------


@dataclass
class _Line:
    ink: np.ndarray  # grey pixels of the box of the line's ink
    box: tuple[int, int, int, int]  # x0, top, x1, bottom: that box on the page, pixels
    text: str = ""
    probs: tuple[float, ...] = ()  # the probability of each character of `text`
    spaced: bool = False  # ink groups far apart on the line: no one figure


def _recognise(engine: Any, lines: list[_Line], framing: tuple[float, float], white: int) -> list[tuple[str, tuple[float, ...]]]:
    """Each line's text and the probability of each of its characters, the line framed with paper
    (`framing`: above and below, left and right, as shares of its height), in batches of lines of
    similar width (a batch is padded to its widest)."""
    import cv2

    rec = engine.text_rec
    charset = rec.postprocess_op.character
    inputs = []
    for ln in lines:
        h = ln.ink.shape[0]
        mv, mh = max(1, round(framing[0] * h)), max(1, round(framing[1] * h))
        crop = np.pad(ln.ink, ((mv, mv), (mh, mh)), constant_values=white)
        h, w = crop.shape
        width = max(1, math.ceil(_REC_HEIGHT * w / h))
        inputs.append(cv2.resize(crop, (width, _REC_HEIGHT), interpolation=cv2.INTER_AREA if h > _REC_HEIGHT else cv2.INTER_CUBIC))
    out: list[tuple[str, tuple[float, ...]]] = [("", ())] * len(lines)
    order = sorted(range(len(lines)), key=lambda i: inputs[i].shape[1])
    for start in range(0, len(order), _BATCH):
        batch = order[start:start + _BATCH]
        width = max(_REC_MIN_WIDTH, max(inputs[i].shape[1] for i in batch))
        x = np.zeros((len(batch), 3, _REC_HEIGHT, width), np.float32)  # zero: the models' padding
        for k, i in enumerate(batch):
            x[k, :, :, :inputs[i].shape[1]] = inputs[i].astype(np.float32) / 127.5 - 1.0
        preds = rec.session(x)[0]
        best, prob = preds.argmax(axis=2), preds.max(axis=2)
        for k, i in enumerate(batch):
            keep = best[k] != 0
            keep[1:] &= best[k][1:] != best[k][:-1]
            text = "".join(charset[j] for j in best[k][keep]).translate(_FULL_WIDTH_DIGITS)
            out[i] = (text, tuple(float(p) for p in prob[k][keep]))
    return out


def _read(engine: Any, lines: list[_Line], white: int) -> None:
    """Recognise the lines. A lone digit is read less reliably than a word: a figure read with a
    letter in place of a digit (l for 1, O for 0), or a line read as nothing, is read again in the
    other framings, and a certain reading is taken only where it confirms the first (the digit the
    letter stands for) or, for a line first read as nothing, where two agree. A digit read with
    doubt is never read again: asking until a reading is certain would be guessing."""
    for ln, (text, probs) in zip(lines, _recognise(engine, lines, _FRAMINGS[0], white), strict=True):
        ln.text, ln.probs = text, probs

    def doubtful_digit(ln: _Line) -> bool:
        return any(c.isdigit() and p < MIN_CONFIDENCE for c, p in zip(ln.text, ln.probs, strict=False))

    again = [ln for ln in lines
             if (not ln.text.strip() or _figure_like(ln.text)) and not _sure(ln.text, ln.probs) and not doubtful_digit(ln)]
    if not again:
        return
    readings = [_recognise(engine, again, framing, white) for framing in _FRAMINGS[1:]]
    for k, ln in enumerate(again):
        sure = [(text, probs) for text, probs in (r[k] for r in readings) if _sure(text, probs)]
        if ln.text.strip():
            meant = ln.text.translate(_AS_DIGIT).replace(" ", "")
            sure = [(text, probs) for text, probs in sure if text.replace(" ", "") == meant]
            if sure:
                ln.text, ln.probs = sure[0]
        elif len(sure) == len(readings) and len({text for text, _ in sure}) == 1:
            ln.text, ln.probs = sure[0]


def _figure_like(text: str) -> bool:
    """Whether a text is meant as a figure: no CJK, and a digit or a sign that a digit read badly
    turns into (O for 0, l or ! for 1, B for 8)."""
    return not _CJK.search(text) and any(c.isdigit() or c in _DIGIT_LOOKALIKES for c in text)


def _sure(text: str, probs: tuple[float, ...]) -> bool:
    """A reading to keep: every character certain, and a figure a plain number."""
    if not text.strip() or len(probs) < len(text) or min(probs) < MIN_CONFIDENCE:
        return False
    return not _figure_like(text) or bool(_NUMBER.fullmatch(text.replace(" ", "")))


def _certain(text: str, probs: tuple[float, ...]) -> str:
    """The text with each doubtful digit (low probability, or a digit-like letter touching a digit)
    replaced by the illegible mark. Other characters stay as read: a misread word is no figure."""
    mark = vocabulary().illegible
    out = []
    for i, c in enumerate(text):
        p = probs[i] if i < len(probs) else 0.0
        near_digit = (i > 0 and text[i - 1].isdigit()) or (i + 1 < len(text) and text[i + 1].isdigit())
        out.append(mark if (c.isdigit() and p < MIN_CONFIDENCE) or (c in _DIGIT_LETTERS and near_digit) else c)
    return "".join(out)


def _cell_text(lines: list[_Line]) -> str:
    """A cell's text from its lines: a figure whole or the illegible mark, other text with its
    doubtful digits marked; ink that reads as nothing is the mark."""
    mark = vocabulary().illegible
    read = [ln for ln in lines if ln.text.strip()]
    if not read:
        return mark
    joined = "\n".join(ln.text.strip() for ln in read)
    if _figure_like(joined):
        # a figure is one group of digits on one line: several lines or groups far apart are
        # several figures (cells whose rule between them was not found), and a line read as
        # nothing beside it may be a digit
        if len(lines) > 1 or read[0].spaced:
            return mark
        return read[0].text.replace(" ", "") if _sure(read[0].text, read[0].probs) else mark
    return "\n".join(_certain(ln.text.strip(), ln.probs) for ln in read)


def _glyphs(ink: np.ndarray, white: int) -> list[int]:
    """The heights of the glyphs of a line, left to right: runs of inked columns (a hairline
    counted as ink, so that a thin-topped 0 stays one glyph)."""
    lenient = ink < white - _GLYPH_INK * max(white - float(ink.min()), grid.CONTRAST)
    heights, start = [], None
    inked = np.asarray(lenient.any(axis=0)).tolist() + [False]
    for x, on in enumerate(inked):
        if on and start is None:
            start = x
        elif not on and start is not None:
            rows = np.flatnonzero(lenient[:, start:x].any(axis=1))
            heights.append(int(rows[-1] - rows[0] + 1))
            start = None
    return heights


def _figure_shaped(ln: _Line, height: float | None, white: int) -> bool:
    """Whether the ink of a line read as a plain number looks like that number: as many glyphs as
    digits (a 0 whose hairlines are lost may make two), and the height of the table's figures."""
    digits = sum(c.isdigit() for c in ln.text)
    tall = [h for h in _glyphs(ln.ink, white) if h >= 0.5 * ln.ink.shape[0]]
    if not digits <= len(tall) <= digits + ln.text.count("0"):
        return False
    return height is None or abs(ln.ink.shape[0] - height) <= _HEIGHT_SPREAD * height


def _blank_shaped(text: str, ln: _Line, height: float, white: int) -> bool:
    """Whether the ink of a line read as a blank marker looks like one: a dash is one low stroke,
    a slash one stroke; a word (无) is taken as read with certainty."""
    if _CJK.search(text):
        return True
    glyphs = _glyphs(ln.ink, white)
    if len(glyphs) != 1 and not (set(text) <= set(_DASHES) and len(glyphs) <= len(text)):
        return False
    if set(text) <= set(_DASHES):
        return ln.ink.shape[0] <= 0.4 * height and ln.ink.shape[1] >= 0.3 * height
    return ln.ink.shape[0] <= 1.5 * height


def _table_texts(t: grid.Table, lines: dict[int, list[_Line]], has_ink: dict[int, bool], white: int) -> list[str]:
    """The text of each cell of a table (in the order of `t.spans`). A figure is kept where its
    ink looks like it; in the cells where figures stand (the rows and columns that hold figures),
    a reading that is no figure, no blank marker of the shape of one and no words read with
    certainty is the illegible mark: a pen stroke or a smudge there is read as letters, signs or a
    lone character."""
    mark = vocabulary().illegible
    texts = [_cell_text(lines.get(si, [])) if has_ink[si] else "" for si in range(len(t.spans))]
    figures = [si for si, text in enumerate(texts) if _NUMBER.fullmatch(text)]
    heights = sorted(lines[si][0].ink.shape[0] for si in figures)
    height = float(heights[len(heights) // 2]) if len(heights) >= 3 else None
    for si in figures:
        if not _figure_shaped(lines[si][0], height, white):
            texts[si] = mark
    rows = {t.spans[si][0] for si in figures if texts[si] != mark}
    columns = {t.spans[si][1] for si in figures if texts[si] != mark}
    blanks = set(codebook().blank_markers)
    for si, (r0, c0, _, _) in enumerate(t.spans):
        text = texts[si]
        if r0 not in rows or c0 not in columns or not text or text == mark or _NUMBER.fullmatch(text):
            continue
        plain = text.replace("\n", "").replace(" ", "")
        if plain in blanks:
            read = lines[si]
            keep = len(read) == 1 and _blank_shaped(plain, read[0], height or 0.5 * (t.ys[r0 + 1] - t.ys[r0]), white)
        else:
            words = len(_CJK.findall(plain)) >= 2 and len(_CJK.findall(plain)) == len(plain)
            keep = words and all(p >= MIN_CONFIDENCE for ln in lines[si] for p in ln.probs)
        if not keep:
            texts[si] = mark
    return texts


# --- the page ------------------------------------------------------------------------------------




def _detect(engine: Any, gray: np.ndarray, scale: float) -> list[tuple[int, int, int, int]]:
    """The text lines the detection model finds on the page: boxes in page pixels."""
    import cv2

    ratio = min(1.0, _DET_SCALE / scale)
    small = gray if ratio == 1.0 else cv2.resize(gray, None, fx=ratio, fy=ratio, interpolation=cv2.INTER_AREA)
    boxes, _ = engine.text_det(cv2.cvtColor(small, cv2.COLOR_GRAY2BGR))
    if boxes is None or len(boxes) == 0:
        return []
    out = []
    for quad in boxes:
        xs, ys = quad[:, 0] / ratio, quad[:, 1] / ratio
        out.append((int(xs.min()), int(ys.min()), math.ceil(float(xs.max())), math.ceil(float(ys.max()))))
    return out


def _text_line(gray: np.ndarray, box: tuple[int, int, int, int], ink_limit: float, speck: int) -> _Line | None:
    """The ink of a detected line of text, without the parts of the lines above and below that the
    detector's box (drawn wider than the text) reaches into."""
    import cv2

    h, w = gray.shape
    x0, y0, x1, y1 = max(0, box[0]), max(0, box[1]), min(w, box[2]), min(h, box[3])
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    ink = (gray[y0:y1, x0:x1] < ink_limit).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    height = y1 - y0
    kept = [(x, y, x + cw, y + ch) for x, y, cw, ch, a in stats[1:n]
            if a >= speck and not ((y == 0 or y + ch >= height) and ch < 0.5 * height)]
    if not kept:
        return None
    lx0, ly0 = min(k[0] for k in kept) + x0, min(k[1] for k in kept) + y0
    lx1, ly1 = max(k[2] for k in kept) + x0, max(k[3] for k in kept) + y0
    return _Line(gray[ly0:ly1, lx0:lx1], (lx0, ly0, lx1, ly1))


def read_image(image: Any, page: int, scale: float) -> list[Block]:
    """The blocks of one page image (PIL, greyscale or colour; `scale` pixels per PDF point) in
    reading order: tables as table blocks, read cell by cell, the other text as line blocks."""
    import cv2

    engine = _load()
    gray = np.asarray(image.convert("L"), dtype=np.uint8)
    paper = grid.background(gray)
    darkest = float(np.percentile(gray, 0.5))
    limit = grid.ink_limit(paper, darkest)
    back = None  # the turn from the squared page back to the image, for the boxes
    angle = grid.skew(gray < limit, scale)
    if abs(angle) >= grid.SKEW_LEAST:
        h, w = gray.shape
        turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        gray = np.asarray(cv2.warpAffine(gray, turn, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=round(paper)),
                          dtype=np.uint8)
        back = cv2.invertAffineTransform(turn)
    white = round(paper)
    speck = max(2, round((grid.SPECK * scale) ** 2))
    stroke = round((grid.STROKE * scale) ** 2)
    inset = max(2, round(grid.INSET * scale))
    tables = grid.tables(gray, limit, max(paper - darkest, grid.CONTRAST), scale)

    # the rules painted over with paper, so that no crop holds a piece of a rule (read as 1 or l)
    clean = gray.copy()
    for t in tables:
        rules = cv2.dilate(t.rules.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
        clean[t.y0:t.y1, t.x0:t.x1][rules] = white

    work: list[_Line] = []
    owners: list[tuple[int, int]] = []  # (table, cell) of each line in `work`; (-1, line) outside tables
    has_ink: dict[tuple[int, int], bool] = {}
    for ti, t in enumerate(tables):
        for si, (r0, c0, r1, c1) in enumerate(t.spans):
            x0, y0, x1, y1 = t.xs[c0] + inset, t.ys[r0] + inset, t.xs[c1 + 1] - inset + 1, t.ys[r1 + 1] - inset + 1
            if x1 - x0 < 2 or y1 - y0 < 2:
                has_ink[ti, si] = False
                continue
            area = clean[y0:y1, x0:x1]
            # a grey fill is paper too: ink is darker than the cell's own background
            ink = grid.despeckle(area < grid.ink_limit(max(grid.background(area), darkest + grid.CONTRAST), darkest), speck)
            has_ink[ti, si] = bool(grid.despeckle(ink, stroke).any())
            if not has_ink[ti, si]:
                continue
            boxes, spaced = [], []
            for top, bottom in grid.cell_lines(ink):
                bx0, _, bx1, _ = grid.box_of(ink[top:bottom])
                boxes.append((x0 + bx0, y0 + top, x0 + bx1, y0 + bottom))
                spaced.append(grid.widest_gap(ink[top:bottom, bx0:bx1]) > bottom - top)
            if len(boxes) >= 3 and all(b[2] - b[0] <= 1.3 * max(c[3] - c[1] for c in boxes) for b in boxes):
                whole = (min(b[0] for b in boxes), boxes[0][1], max(b[2] for b in boxes), boxes[-1][3])
                work.append(_Line(grid.column(clean, boxes, white), whole))
                owners.append((ti, si))
                continue
            for box, apart in zip(boxes, spaced, strict=True):
                work.append(_Line(clean[box[1]:box[3], box[0]:box[2]], box, spaced=apart))
                owners.append((ti, si))

    # the text outside the tables: the tables blanked out, so that no line reaches into one
    outside = clean.copy()
    for t in tables:
        outside[t.y0:t.y1 + 1, t.x0:t.x1 + 1] = white
    detected = _detect(engine, outside, scale) if (outside < limit).any() else []
    for li, (top, bottom) in enumerate(grid.group_lines([(b[1], b[3]) for b in detected])):
        for b in sorted(b for b in detected if top <= (b[1] + b[3]) / 2 <= bottom):
            found = _text_line(outside, b, limit, speck)
            if found is not None:
                work.append(found)
                owners.append((-1, li))

    _read(engine, work, white)

    def points(box: tuple[int, int, int, int]) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = (float(v) for v in box)
        if back is not None:
            corners = np.array([[x0, y0, 1.0], [x1, y0, 1.0], [x0, y1, 1.0], [x1, y1, 1.0]]) @ back.T
            x0, y0 = float(corners[:, 0].min()), float(corners[:, 1].min())
            x1, y1 = float(corners[:, 0].max()), float(corners[:, 1].max())
        h, w = image.height, image.width
        x0, x1 = max(0.0, min(x0, w)), max(0.0, min(x1, w))
        y0, y1 = max(0.0, min(y0, h)), max(0.0, min(y1, h))
        return (round(x0 / scale, 2), round(y0 / scale, 2), round(x1 / scale, 2), round(y1 / scale, 2))

    read: dict[tuple[int, int], list[_Line]] = {}
    for ln, owner in zip(work, owners, strict=True):
        read.setdefault(owner, []).append(ln)
    placed: list[tuple[float, float, Block]] = []
    for ti, t in enumerate(tables):
        rows: list[list[Piece | None]] = [[None] * (len(t.xs) - 1) for _ in range(len(t.ys) - 1)]
        texts = _table_texts(t, {si: read.get((ti, si), []) for si in range(len(t.spans))},
                             {si: has_ink[ti, si] for si in range(len(t.spans))}, white)
        for si, (r0, c0, r1, c1) in enumerate(t.spans):
            rows[r0][c0] = Piece(texts[si], page, points((t.xs[c0], t.ys[r0], t.xs[c1 + 1], t.ys[r1 + 1])), ocr=True)
        placed.append((t.y0, t.x0, Block(rows, table=True)))
    for (ti, _), lines in sorted(read.items()):
        if ti != -1:
            continue
        lines.sort(key=lambda ln: ln.box[0])
        text = " ".join(_certain(ln.text.strip(), ln.probs) for ln in lines if ln.text.strip())
        if text:
            box = (min(ln.box[0] for ln in lines), min(ln.box[1] for ln in lines), max(ln.box[2] for ln in lines), max(ln.box[3] for ln in lines))
            placed.append((box[1], box[0], line(Piece(text, page, points(box), ocr=True))))
    placed.sort(key=lambda p: (p[0], p[1]))
    return [b for _, _, b in placed]
