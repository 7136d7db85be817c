"""The ruled tables of a page image (a scan): where the page's ink is, its skew, the rules of its
tables and the grid of cells they make, merged cells included. In: a greyscale page as a numpy
array and its pixels per PDF point. Out: `Table`s (row and column rules, merged spans, the rule
pixels) and the ink helpers the cell reader uses. The numbers are in PDF points, multiplied by
the page's scale."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

# Ink is what is darker than the paper by this share of the paper's contrast with the darkest ink
# (so that a light scan, or a thin rule drawn as grey pixels, is still ink, and a cell's pale grey
# fill is not), the contrast taken as at least CONTRAST grey levels on a page of little ink.
INK = 0.4
CONTRAST = 100.0
# A rule may also be a line darker than the paper on either side by this share of the contrast.
RIDGE = 0.15
# Sizes in PDF points (multiplied by the page's scale): the shortest horizontal and vertical rule
# segment (longer than a stroke of the text in a table, shorter than the narrowest cell), the
# thickest rule, the narrowest cell, the smallest speck of ink counted, the least ink that makes a
# cell not empty (one stroke), and the paper left inside a cell's rules.
RULE_H = 20.0
RULE_V = 8.0
RULE_THICK = 2.5
MIN_CELL = 6.0
SPECK = 0.8
STROKE = 1.6
INSET = 0.8
# The skew of a scan is measured on rules at least SKEW_RULE long, found as runs of SKEW_PIECE
# (a rule turned by up to 3 degrees steps a pixel up or down no more often than that); a page
# turned by less than SKEW_LEAST degrees is read as it is.
SKEW_RULE = 100.0
SKEW_PIECE = 10.0
SKEW_LEAST = 0.1
# --- the ruled tables --------------------------------------------------------------------------


@dataclass
class Table:
    x0: int
    y0: int
    x1: int
    y1: int
    ys: list[int]  # the row rules, absolute pixels, top to bottom
    xs: list[int]  # the column rules, left to right
    spans: list[tuple[int, int, int, int]]  # merged cells: first row, first column, last row, last column
    rules: np.ndarray  # the table's rule pixels (bool), from (x0, y0)


def background(gray: np.ndarray) -> float:
    return float(np.percentile(gray, 90)) if gray.size else 255.0


def ink_limit(paper: float, darkest: float) -> float:
    return paper - INK * max(paper - darkest, CONTRAST)


def clusters(values: list[int], tol: int) -> list[int]:
    groups: list[list[int]] = []
    for v in sorted(values):
        if groups and v - groups[-1][-1] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [round(sum(g) / len(g)) for g in groups]


def skew(ink: np.ndarray, scale: float) -> float:
    """The angle (degrees) by which the page's long horizontal rules are turned, 0 when it has
    none: the median slope of the long straight runs of ink (a scan is rarely laid square)."""
    import cv2

    piece = max(8, round(SKEW_PIECE * scale))
    runs = cv2.morphologyEx(ink.astype(np.uint8), cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (piece, 1)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    slopes = []
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if w < SKEW_RULE * scale or h > w * 0.06 + RULE_THICK * scale:
            continue
        ys, xs = np.nonzero(labels[y:y + h, x:x + w] == i)
        slope, _ = np.polyfit(xs.astype(np.float64), ys.astype(np.float64), 1)
        slopes.append(float(slope))
    return math.degrees(math.atan(float(np.median(slopes)))) if slopes else 0.0


def tables(gray: np.ndarray, limit: float, contrast: float, scale: float) -> list[Table]:
    import cv2

    # a rule is ink, or a thin line darker than the paper on both sides of it (a faint rule drawn
    # in grey pixels, a rule along a grey-filled cell)
    reach = max(2, round(RULE_THICK * scale / 2) + 1)
    g = gray.astype(np.int16)
    darker = int(RIDGE * contrast)
    ink = gray < limit
    across_h = np.full_like(g, 255)
    across_h[reach:-reach] = np.minimum(g[:-2 * reach], g[2 * reach:])
    across_v = np.full_like(g, 255)
    across_v[:, reach:-reach] = np.minimum(g[:, :-2 * reach], g[:, 2 * reach:])
    ink_h = (ink | (g < across_h - darker)).astype(np.uint8)
    ink_v = (ink | (g < across_v - darker)).astype(np.uint8)
    kh, kv = max(8, round(RULE_H * scale)), max(5, round(RULE_V * scale))
    thick = max(2, round(RULE_THICK * scale))
    # a rule broken by noise or a faint scan is joined across gaps of a few pixels along its length
    gap = max(3, round(1.5 * scale))

    def shape(mask: np.ndarray, op: int, size: tuple[int, int]) -> np.ndarray:
        return np.asarray(cv2.morphologyEx(mask, op, cv2.getStructuringElement(cv2.MORPH_RECT, size)), dtype=np.uint8)

    h = shape(shape(ink_h, cv2.MORPH_CLOSE, (gap, 1)), cv2.MORPH_OPEN, (kh, 1))
    v = shape(shape(ink_v, cv2.MORPH_CLOSE, (1, gap)), cv2.MORPH_OPEN, (1, kv))
    # a filled area (a dark cell, a stamp) survives both openings: a rule is thin across
    h = h & (1 - shape(h, cv2.MORPH_OPEN, (1, thick + 1)))
    v = v & (1 - shape(v, cv2.MORPH_OPEN, (thick + 1, 1)))
    joined = np.asarray(cv2.dilate(h | v, np.ones((3, 3), np.uint8)), dtype=np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(joined)
    out = []
    for i in range(1, n):
        x, y, w, hh, _ = stats[i]
        if w < 40 * scale or hh < 12 * scale:
            continue
        mine = labels[y:y + hh, x:x + w] == i
        hm, vm = h[y:y + hh, x:x + w] & mine, v[y:y + hh, x:x + w] & mine
        t = grid(x, y, w, hh, hm.astype(np.uint8), vm.astype(np.uint8), scale)
        if t is not None:
            out.append(t)
    return out


def grid(x: int, y: int, w: int, hh: int, hm: np.ndarray, vm: np.ndarray, scale: float) -> Table | None:
    """The grid of the rules found in one connected area: rules closer than the smallest cell are
    one rule (a double rule, or the strokes of a character such as 目 that the rule finder took
    for a grid), a vertical rule runs from one horizontal rule to another (a stroke of text that
    touches a rule does not), and a grid has two rows at least."""
    import cv2

    tol = max(2, round(1.5 * scale))
    least = max(tol + 1, round(MIN_CELL * scale))
    nh, _, sh, ch = cv2.connectedComponentsWithStats(hm)
    ys = clusters([round(float(ch[i][1])) for i in range(1, nh)], least)
    if len(ys) < 2:
        return None
    nv, vl, sv, _ = cv2.connectedComponentsWithStats(vm)
    kept = [i for i in range(1, nv)
            if min(abs(sv[i][1] - r) for r in ys) <= tol and min(abs(sv[i][1] + sv[i][3] - 1 - r) for r in ys) <= tol]
    if not kept:
        return None
    # a rule broken by a poor scan: its pieces in line with a whole rule of the grid
    columns = clusters([int(sv[i][0] + sv[i][2] // 2) for i in kept], tol)
    kept = [i for i in range(1, nv) if min(abs(sv[i][0] + sv[i][2] // 2 - c) for c in columns) <= tol]
    # a line of text or an underline that touches the table is no row of it: the first and the
    # last row are crossed by a vertical rule
    def crossed(r: int) -> bool:
        return any(sv[i][1] <= ys[r] + tol and sv[i][1] + sv[i][3] - 1 >= ys[r + 1] - tol for i in kept)

    while len(ys) > 1 and not crossed(0):
        ys.pop(0)
    while len(ys) > 1 and not crossed(len(ys) - 2):
        ys.pop()
    kept = [i for i in kept if sv[i][1] + sv[i][3] - 1 >= ys[0] and sv[i][1] <= ys[-1]]
    if len(ys) < 3 or not kept:
        return None
    xs = clusters([int(sv[i][0] + sv[i][2] // 2) for i in kept], least)
    vm = np.isin(vl, kept).astype(np.uint8)
    # the grid's extent: its rules, not the strokes of text that touch them
    left = min(int(sh[i][0]) for i in range(1, nh))
    right = max(int(sh[i][0] + sh[i][2]) - 1 for i in range(1, nh))
    top, bottom = ys[0], ys[-1]
    # a table printed without its outer rules still ends where its rules end
    if xs[0] > left + least:
        xs.insert(0, left)
    if xs[-1] < right - least:
        xs.append(right)
    if len(ys) < 3 or len(xs) < 2:
        return None  # a box, an underline or a frame is no table
    spans = merged_spans(ys, xs, hm, vm, tol)
    return Table(x + xs[0], y + top, x + xs[-1] + 1, y + bottom + 1, [y + v for v in ys], [x + v for v in xs], spans,
                  (hm | vm)[top:bottom + 1, xs[0]:xs[-1] + 1].astype(bool))


def merged_spans(ys: list[int], xs: list[int], hm: np.ndarray, vm: np.ndarray, tol: int) -> list[tuple[int, int, int, int]]:
    """The cells: grid positions joined where the rule between them is missing (for less than half
    of their common edge), each a rectangle of positions."""
    rows, cols = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * cols))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def ruled(band: Any) -> bool:
        return bool(band.size > 0 and float(band.mean()) >= 0.5)

    for r in range(rows):
        for c in range(cols - 1):
            x = xs[c + 1]
            if not ruled(vm[ys[r] + tol + 1:ys[r + 1] - tol, max(0, x - tol):x + tol + 1].any(axis=1)):
                parent[find(r * cols + c + 1)] = find(r * cols + c)
    for r in range(rows - 1):
        for c in range(cols):
            y = ys[r + 1]
            if not ruled(hm[max(0, y - tol):y + tol + 1, xs[c] + tol + 1:xs[c + 1] - tol].any(axis=0)):
                parent[find((r + 1) * cols + c)] = find(r * cols + c)
    boxes: dict[int, list[int]] = {}
    for r in range(rows):
        for c in range(cols):
            group = boxes.setdefault(find(r * cols + c), [r, c, r, c])
            group[0], group[1], group[2], group[3] = min(group[0], r), min(group[1], c), max(group[2], r), max(group[3], c)
    # a broken rule can leave an L-shaped group: grow the groups into rectangles that do not overlap
    rects = [(b[0], b[1], b[2], b[3]) for b in boxes.values()]
    merged = True
    while merged:
        merged = False
        for i in range(len(rects)):
            for j in range(i + 1, len(rects)):
                a, b = rects[i], rects[j]
                if a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]:
                    rects[i] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                    del rects[j]
                    merged = True
                    break
            if merged:
                break
    return sorted(rects)


def despeckle(ink: np.ndarray, least: int) -> np.ndarray:
    """The ink without its specks of fewer than `least` pixels (dust, scanner noise)."""
    import cv2

    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= least
    keep[0] = False
    return keep[labels] if n > 1 else np.zeros_like(ink, dtype=bool)


def group_lines(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Vertical extents that overlap by more than half of the shorter one: one line of text."""
    out: list[list[int]] = []
    for top, bottom in sorted(spans):
        if out:
            t, b = out[-1]
            if min(b, bottom) - max(t, top) > 0.5 * min(b - t, bottom - top):
                out[-1] = [min(t, top), max(b, bottom)]
                continue
        out.append([top, bottom])
    return [(t, b) for t, b in out]


def cell_lines(ink: np.ndarray) -> list[tuple[int, int]]:
    """The lines of a cell's ink (rows, top to bottom). Runs of inked rows are joined while they
    fit in the height of the tallest run: a line of several characters inks every row of its
    height, while a lone character may leave blank rows between its strokes (三) and the lines of a
    wrapped label stand closer than those strokes."""
    runs: list[list[int]] = []
    for y in np.flatnonzero(ink.any(axis=1)):
        if runs and runs[-1][1] == y:
            runs[-1][1] = int(y) + 1
        else:
            runs.append([int(y), int(y) + 1])
    if not runs:
        return []
    tallest = max(b - t for t, b in runs)
    out = [runs[0]]
    for t, b in runs[1:]:
        if b - out[-1][0] <= 1.25 * tallest:
            out[-1][1] = b
        else:
            out.append([t, b])
    return [(t, b) for t, b in out]


def box_of(ink: np.ndarray) -> tuple[int, int, int, int]:
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def widest_gap(ink: np.ndarray) -> int:
    """The widest run of blank columns between inked ones."""
    inked = np.flatnonzero(ink.any(axis=0))
    return int(np.diff(inked).max()) - 1 if len(inked) > 1 else 0


def column(paper: np.ndarray, boxes: list[tuple[int, int, int, int]], white: int) -> np.ndarray:
    """Characters set one under another (a label printed down a narrow column), side by side in
    one line: recognised as one line, each character has the others as context."""
    import cv2

    height = max(b[3] - b[1] for b in boxes)
    gap = max(1, height // 8)
    parts = []
    for x0, y0, x1, y1 in boxes:
        glyph = paper[y0:y1, x0:x1]
        if y1 - y0 < height:  # a small sign (、) keeps its size and sits on the baseline
            glyph = np.pad(glyph, ((height - (y1 - y0), 0), (0, 0)), constant_values=white)
        parts += [glyph, np.full((height, gap), white, np.uint8)]
    return cv2.hconcat(parts[:-1]) if len(parts) > 2 else parts[0]
