"""Where each figure's characters are in its source line: the line as the source view shows it
(the file's decoded text for text, Markdown and HTML files; the reader's rendering of a PDF or
Word file, one cell per line), counted in characters (code points) from 0, end excluded.

The rows hand over each figure's position in the extractor's stream; here it becomes a place in
the cell, then in the line as the reader read it (normalised, Markdown markup removed), then in
the file's own line, by aligning the two character by character. A place is kept only when the
file's characters there, normalised, are exactly the printed text (full-width digits are the
figure they normalise to): otherwise the figure has no offsets rather than wrong ones.

An HTML reader's cells are text nodes and know their line, not their column: the line's text
outside tags (entities decoded, white space as the reader collapses it) is searched for the
line's cells in order, and a line is placed only when every cell of it is found, in order, and
no digit of its text is left over that no cell holds (a figure then cannot be matched to
another cell's digits). In: the report's facts (source_char_start/end: stream positions), the
stream, the reader's Document. Out: the same fields as offsets in the line, or None."""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from ..model import Report
from ..text import _REPLACED, normalise
from .read import Document
from .stream import Stream


@lru_cache(maxsize=4096)
def _one(ch: str) -> str:
    return ch if ch.isascii() else normalise(ch)


# the replacements of normalise() that keep one character one character (dashes, full-width punctuation)
_ONE_TO_ONE = str.maketrans({old: new for old, new in _REPLACED if len(old) == len(new) == 1})


def align(source: str, read: str) -> list[int | None] | None:
    """For each character of `read` (a line as the reader read it), the index of the character
    of `source` (the file's line) it came from: each source character normalised in turn is the
    next characters of `read`, or it was removed (Markdown markup, a zero-width space). None from
    where the two no longer agree (a composition NFKC made of two characters). None when each
    character of `read` is the one of `source` at the same index (most lines: checked at C speed)."""
    if source == read or source.translate(_ONE_TO_ONE) == read:
        return None
    out: list[int | None] = []
    j = 0
    for i, ch in enumerate(source):
        if j >= len(read):
            break
        n = _one(ch)
        if n and read.startswith(n, j):
            out += [i] * len(n)
            j += len(n)
    return out + [None] * (len(read) - len(out))


# a comment, a tag, a declaration or processing instruction (a "<" before anything else is text)
_TAG = re.compile(r"<!--.*?(?:-->|$)|<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*(?:>|$)|<[!?][^>]*(?:>|$)", re.DOTALL)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?")
_HIDDEN = ("script", "style", "noscript", "template", "iframe", "svg", "button", "select", "option", "title")  # read.py's _SKIP_TAGS, head aside


_PIECE = re.compile(r"(<)|(&)|(\s+)|[^<&\s]+")
_DIGIT = re.compile(r"[0-9]")


def visible(line: str) -> tuple[str, list[int], list[int]]:
    """An HTML line's text as the reader sees it: tags, comments and the content of hidden
    elements left out, entities decoded, each run of white space one space; and, for each of its
    characters, the start and the end of the line's characters it came from."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []

    def add(text: str, i: int, end: int) -> None:
        for c in text:
            if c.isspace():
                if out and out[-1] == " ":
                    ends[-1] = end
                    continue
                c = " "
            out.append(c)
            starts.append(i)
            ends.append(end)

    i = 0
    while i < len(line):
        p = _PIECE.match(line, i)
        assert p is not None  # the pattern matches any character
        if p.group(1) and (m := _TAG.match(line, i)):
            i = m.end()
            name = (m.group(2) or "").lower()
            if name in _HIDDEN and not m.group(1):  # its content is none of the reader's text
                close = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(line, i)
                i = close.end() if close else len(line)
        elif p.group(2) and (e := _ENTITY.match(line, i)):
            add(html.unescape(e.group()), i, e.end())
            i = e.end()
        elif p.group(3):
            add(" ", i, p.end())
            i = p.end()
        elif p.group(1) or p.group(2):  # a "<" or "&" that starts no tag or entity: text
            add(line[i], i, i + 1)
            i += 1
        else:
            run = p.group()
            plain = run.translate(_ONE_TO_ONE)
            if unicodedata.is_normalized("NFKC", plain) and "\u200b" not in plain and "\ufeff" not in plain:
                out.append(plain)  # one character for one (most text): at C speed
                starts.extend(range(i, p.end()))
                ends.extend(range(i + 1, p.end() + 1))
            else:
                for k, ch in enumerate(run, start=i):
                    add(_one(ch), k, k + 1)
            i = p.end()
    return "".join(out), starts, ends


def _in_visible(text: str, shown: str, start: int) -> Sequence[int | None] | None:
    """Where each character of a cell's text is in a line's visible text, searched from `start`
    (a space of the cell may be none there: the reader puts one between blocks): None if not."""
    if not text:
        return []
    if " " not in text:
        at = shown.find(text, start)
        return range(at, at + len(text)) if at >= 0 else None
    pattern = "".join(" ?" if c == " " else re.escape(c) for c in text)
    m = re.compile(pattern).search(shown, start)
    if m is None:
        return None
    out: list[int | None] = []
    j = m.start()
    for c in text:
        if j < m.end() and shown[j] == c:
            out.append(j)
            j += 1
        else:
            out.append(None)
    return out


class _Lines:
    """The lines of a document, each aligned when first asked for."""

    def __init__(self, doc: Document, stream: Stream):
        self.doc = doc
        self.stream = stream
        self.laid_out = not doc.source_lines
        self.own = doc.text.split("\n") if self.laid_out else doc.source_lines
        self.maps: dict[int, list[int | None] | None] = {}
        self.html: dict[int, Sequence[int | None] | None] = {}  # cell index -> its characters in its line's visible text
        self.shown: dict[int, tuple[list[int], list[int]]] = {}  # line -> where each visible character came from
        self.by_line: dict[int, list[int]] | None = None

    def in_html(self, line: int, i: int, start: int, end: int) -> tuple[int, int] | None:
        """[start, end) of cell `i`'s text (an HTML cell on line `line`) in the file's line."""
        if not 1 <= line <= len(self.own):
            return None
        if i not in self.html:
            self._place_html(line)
        chars = self.html.get(i)
        if not chars or not 0 <= start < end <= len(chars):
            return None
        first, last = chars[start], chars[end - 1]
        starts, ends = self.shown[line]
        return (starts[first], ends[last]) if first is not None and last is not None else None

    def _place_html(self, line: int) -> None:
        if self.by_line is None:
            self.by_line = {}
            for k, c in enumerate(self.stream.cells):
                self.by_line.setdefault(c.line, []).append(k)
        cells = self.by_line.get(line, [])
        self.html.update(dict.fromkeys(cells))
        shown, starts, ends = visible(self.own[line - 1])
        self.shown[line] = (starts, ends)
        cursor, placed, held = 0, {}, []
        for k in cells:
            found = _in_visible(self.stream.cells[k].text, shown, cursor)
            if found is None:
                return  # a cell not on its line, or not as the reader read it: the line is not placed
            placed[k] = found
            known = [j for j in (found[0], found[-1]) if j is not None] if found else []
            if known:
                held.append((known[0], known[-1] + 1))
                cursor = max(cursor, known[-1] + 1)
        firsts = [a for a, _ in held]
        for d in _DIGIT.finditer(shown):
            k = bisect.bisect_right(firsts, d.start()) - 1
            if k < 0 or d.start() >= held[k][1]:
                return  # a digit no cell of the line holds: a figure might have been found there
        self.html.update(placed)

    def place(self, line: int, at: int, start: int, end: int) -> tuple[int, int] | None:
        """[start, end) of a cell that starts at `at` in line `line` as read: in the file's line."""
        if not 1 <= line <= len(self.own):
            return None
        if self.laid_out:
            return (at + start, at + end)
        read = self.doc.read_lines
        if line > len(read):
            return None
        if line not in self.maps:
            self.maps[line] = align(self.own[line - 1], read[line - 1])
        m = self.maps[line]
        first, last = at + start, at + end - 1
        if m is None:  # the same characters at the same places
            return (first, last + 1)
        if not 0 <= first <= last < len(m):
            return None
        a, b = m[first], m[last]
        return (a, b + 1) if a is not None and b is not None else None


def locate(report: Report, stream: Stream, doc: Document) -> None:
    """Make every fact's stream positions (source_char_start, source_char_end) offsets in its source line,
    or None where they cannot be shown to hold exactly its printed text."""
    lines = _Lines(doc, stream)
    for f in report.facts:
        pos, end = f.source_char_start, f.source_char_end
        f.source_char_start = f.source_char_end = None
        if pos is None or end is None or f.source_line is None or not f.printed:
            continue
        found = stream.cell_at(pos)
        if found is None:
            continue
        cell = stream.cells[found[0]]
        off = found[1]
        if cell.line != f.source_line or cell.text[off:off + end - pos] != f.printed:
            continue
        if cell.at is not None:
            place = lines.place(cell.line, cell.at, off, off + end - pos)
        elif doc.format == "html":
            place = lines.in_html(cell.line, found[0], off, off + end - pos)
        else:
            continue
        if place is None:
            continue
        own = lines.own[cell.line - 1][place[0]:place[1]]
        if own == f.printed or normalise(own) == f.printed:
            f.source_char_start, f.source_char_end = place
