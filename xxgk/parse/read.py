"""Readers: turn a report file's bytes into an ordered stream of cells.

A reader knows the file format and nothing of the template. Every cell keeps the line of the
source file it came from, so every figure can be traced back to its line.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from ..findings import message
from ..text import normalise, source_lines, source_text  # noqa: F401  (the readers' rules, and for those who read through them)
from .vocabulary import load as vocabulary


class ReadError(Exception):
    """The file cannot be turned into cells. `code` is the finding code; its message is the
    catalogue's `variant`, filled with `params`."""

    def __init__(self, code: str, variant: str = "default", /, **params):
        self.code = code
        self.message_zh, self.message_en = message(code, variant, **params)
        super().__init__(self.message_en)


class Cell(NamedTuple):  # a named tuple: made for every cell of every report, and cheaper than a dataclass
    text: str
    line: int
    row: int | None = None  # the table row it belongs to, where the format says (an HTML <tr>, a pipe or tab row)
    # where its text starts in the line as the reader read it (`Document.read_lines`; a laid-out
    # document's line is the cell): None where the reader cannot say (HTML)
    at: int | None = None


@dataclass(frozen=True)
class Place:
    """Where a line of a laid-out document (PDF, Word, OCR) was printed: its page (1-based), the
    box (x0, top, x1, bottom in PDF points from the page's top left), the table cell as
    "table/row/column" (1-based; "" outside tables), and whether OCR read it from an image."""

    page: int | None = None
    box: tuple[float, float, float, float] | None = None
    cell: str = ""
    ocr: bool = False


@dataclass
class Document:
    """What a reader hands to the extractor."""

    cells: list[Cell]
    format: str
    encoding: str
    meta: dict[str, str] = field(default_factory=dict)  # printed metadata (crawler header, <title>)
    # what the reader noticed of the file itself, as (finding code, zh, en): parse turns each into a finding
    notes: list[tuple[str, str, str]] = field(default_factory=list)
    # a laid-out document's text as its lines are numbered (the file's own text for the others: "")
    text: str = ""
    places: dict[int, Place] = field(default_factory=dict)  # line -> where it was printed (laid-out documents)
    # a text file's lines as the source view shows them (decoded, not normalised), and as the
    # reader read them (normalised, Markdown markup removed): a figure's characters in the one are
    # found from its place in the other (`offsets`)
    source_lines: list[str] = field(default_factory=list)
    read_lines: list[str] = field(default_factory=list)


_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_-]{2,20})""", re.IGNORECASE)
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "x-gbk": "gb18030", "gb18030": "gb18030",
              "utf-8": "utf-8", "utf8": "utf-8", "big5": "big5", "big5-hkscs": "big5hkscs"}
# the encodings a Chinese report can come in (what the detector may name)
_ACCEPTED = {"utf_8": "utf-8", "gb18030": "gb18030", "gbk": "gb18030", "gb2312": "gb18030", "big5": "big5",
             "big5hkscs": "big5hkscs", "utf_16": "utf-16", "utf_16_le": "utf-16-le", "utf_16_be": "utf-16-be"}


def decode(data: bytes, html: bool = False, notes: list[tuple[str, str, str]] | None = None) -> tuple[str, str]:
    """The file's text and the encoding it was read with: a byte-order mark, then (for HTML) the
    page's own <meta charset>, then strict UTF-8, then a detector limited to the encodings Chinese
    reports come in. Binary files and mojibake (text garbled by an earlier wrong decoding) are
    refused with a finding rather than read into wrong labels.

    A file cut short in the middle of a character (a download broken off) is read up to the cut:
    an encoding is accepted when it decodes the whole file, or all of it but the bytes of one
    incomplete last character (at most 3), and the cut is appended to `notes` as (code, zh, en).
    An invalid byte anywhere else is never skipped: such a file is refused as before."""
    if not data.strip():
        raise ReadError("empty-file")
    for signature in vocabulary().signatures:
        if data.startswith(signature.magic):
            raise ReadError("not-a-text-file", signature.finding)
    text, encoding, dropped = _decode(data, html)
    if _control_share(text[:20000]) > 0.01:
        raise ReadError("not-a-text-file")
    _refuse_mojibake(text)
    if dropped and notes is not None:
        notes.append(("truncated-file", *message("truncated-file", size=len(data), cut_at=len(data) - dropped,
                                                 dropped=dropped, encoding=encoding)))
    return text, encoding


# Control codes, private-use characters and surrogates: no text holds many of them. The control
# codes that break lines (\x1c-\x1e, \x85, like \n) are text.
_NO_TEXT = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# private-use characters: a symbol font's bullets (\uf0b7) in a PDF converted to text are many,
# but far fewer than in binary bytes decoded as text
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def _control_share(sample: str) -> float:
    """The share of characters no text holds: control codes (but whitespace) and surrogates, with
    private-use characters counted at a fifth."""
    return (len(_NO_TEXT.findall(sample)) + len(_PRIVATE_USE.findall(sample)) / 5) / max(1, len(sample))


# The bytes an encoding's decoder holds back at the end of the data when they begin a character
# and nothing else is wrong: what may be left of a character cut in two. (The decoders check
# UTF-8 and UTF-16 prefixes themselves; GB18030's third byte is checked here.)
_INCOMPLETE = {
    "utf-8": re.compile(rb"[\xc2-\xf4][\x80-\xbf]{0,2}"),
    "gb18030": re.compile(rb"[\x81-\xfe](?:[\x30-\x39][\x81-\xfe]?)?"),
    "big5": re.compile(rb"[\x81-\xfe]"),
    "utf-16-le": re.compile(rb"[\x00-\xff](?:[\xd8-\xdb][\x00-\xff]?)?"),  # one byte, or a high surrogate (and a byte)
    "utf-16-be": re.compile(rb"[\x00-\xff]|[\xd8-\xdb][\x00-\xff]{1,2}"),
}


def _decode_cut(data: bytes, encoding: str) -> tuple[str, int]:
    """`data` decoded whole, or all of it but the incomplete last character of a cut file: the
    text and the number of bytes left undecoded. UnicodeDecodeError otherwise."""
    try:
        return data.decode(encoding), 0
    except UnicodeDecodeError:
        decoder = codecs.getincrementaldecoder(encoding)()
        text = decoder.decode(data, final=False)  # raises at any byte that no continuation makes valid
        pending = decoder.getstate()[0]
        family = encoding.replace("-sig", "").replace("big5hkscs", "big5")
        if family == "utf-16":
            family = "utf-16-be" if data.startswith(b"\xfe\xff") else "utf-16-le"
        if not pending or not text.strip() or not _INCOMPLETE[family].fullmatch(pending):
            raise
        return text, len(pending)


def _decode(data: bytes, html: bool) -> tuple[str, str, int]:
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                text, dropped = _decode_cut(data, encoding)
                return text, encoding.replace("-sig", ""), dropped
            except UnicodeDecodeError:
                raise ReadError("unreadable-file", "bom-mismatch", encoding=encoding) from None
    tried = []
    if html:
        declared = _META_CHARSET.search(data[:4096])
        name = _SUPERSETS.get(declared.group(1).decode("ascii").lower()) if declared else None
        if name:
            tried.append(name)
            try:
                text, dropped = _decode_cut(data, name)
                return text, name, dropped
            except UnicodeDecodeError:
                pass  # a wrong declaration is common; the content decides
    if b"\x00" not in data[:4096]:
        try:
            text, dropped = _decode_cut(data, "utf-8")
            return text, "utf-8", dropped
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    sample = data[:65536]
    for trim in range(min(4, len(sample))):
        # the detector names nothing for bytes that end inside a character (a cut file, or a long
        # file's sample): without the last 1-3 bytes, the sample ends where a character does
        best = from_bytes(sample[:len(sample) - trim], cp_isolation=sorted(_ACCEPTED)).best()
        if best is not None:
            break
    guess = _ACCEPTED.get(best.encoding) if best is not None else None
    for encoding in ([guess] if guess else []) + ["gb18030"]:
        if encoding in tried or (encoding == "gb18030" and b"\x00" in data[:4096]):
            continue
        try:
            text, dropped = _decode_cut(data, encoding)
            return text, encoding, dropped
        except UnicodeDecodeError:
            continue
    if b"\x00" in data[:4096]:
        raise ReadError("not-a-text-file")
    raise ReadError("unreadable-file", "unknown-encoding")


def _refuse_mojibake(text: str) -> None:
    sample = text[:20000]
    words = vocabulary().mojibake_words
    if any(w in sample for w in words):
        return
    for decoding in vocabulary().mojibake_decodings:
        try:
            repaired = sample.encode(decoding.wrong).decode(decoding.right, errors="ignore")
        except UnicodeEncodeError:
            continue
        if sum(w in repaired for w in words) >= 2:
            raise ReadError("mojibake", decoding.finding)


# --- plain text and Markdown -------------------------------------------------------------------

_CRAWL_SEPARATOR = re.compile(rf"^=+\s*{re.escape(vocabulary().crawler_separator)}\s*=+\s*$")
_CRAWL_FIELD = re.compile(rf"^({'|'.join(map(re.escape, vocabulary().crawler_fields))})\s*[{re.escape(vocabulary().crawler_colons)}]\s*(.*)$")
_MD_SEPARATOR_ROW = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_ONLY_PIPES = re.compile(r"^\s*\|+\s*$")
_PAGE_NUMBER = re.compile(vocabulary().page_number_text)
_MD_MARKUP = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+)|\*\*|__|(?<!\\)`")


def _line_cells(line: str, number: int) -> list[Cell]:
    """Cells of one (normalised) text line, whatever the layout.

    - `| a | b |`       Markdown pipe table row
    - `a |`              one cell per line, closed by ` |` (runs of `||` only separate rows)
    - `\\ta` (one tab)   one cell per line, tab-indented
    - `a\\tb\\tc`        tab-separated row: an empty field is an empty cell
    - anything else      one cell (prose, or a crawler dump with cells run together)
    """
    cells = []
    cursor = 0
    for text, row in _layout(line):
        # the cells are the line's parts in order, each stripped: found from the end of the one before
        at = line.find(text, cursor) if text else cursor
        cells.append(Cell(text, number, number if row else None, at if at >= 0 else None))
        if at >= 0:
            cursor = at + len(text)
    return cells


@lru_cache(maxsize=16384)
def _layout(line: str) -> tuple[tuple[str, bool], ...]:
    """The cells of a line as (text, whether the line is a table row): lines repeat (labels,
    figures, a table's rules), so each is read once."""
    stripped = line.rstrip("\r\n")
    if not stripped.strip():
        return ()
    if _ONLY_PIPES.match(stripped) or _PAGE_NUMBER.fullmatch(stripped.strip()):
        return ()  # a page number that a conversion left inside the text is not the report's
    s = stripped.strip()
    if s.startswith("|") and s.endswith("|") and len(s) > 1:
        if _MD_SEPARATOR_ROW.match(s):
            return ()
        return tuple((part.strip(), True) for part in s[1:-1].split("|"))
    if stripped.endswith((" |", "\t|")):
        return ((stripped[:-1].strip(), False),)
    if stripped.startswith("\t") and "\t" not in stripped[1:]:
        return ((stripped[1:].strip(), False),)
    if "\t" in stripped:
        return tuple((part.strip(), True) for part in stripped.split("\t"))
    return ((stripped.strip(), False),)


@lru_cache(maxsize=16384)
def _markdown_line(line: str) -> str:
    """A Markdown line without its markup (headings, quotes, list marks, emphasis)."""
    return line if _PAGE_NUMBER.fullmatch(line.strip()) else _MD_MARKUP.sub("", line)  # `- 2 -` is no list item


def _normalised_lines(lines: list[str]) -> list[str]:
    """normalise() of each line. Normalising never makes or removes a line break once every break
    is a "\\n" (NFKC maps no character to a break), so the whole text is normalised at once."""
    normalised = normalise("\n".join(lines)).split("\n")
    if len(normalised) != len(lines):  # cannot happen; the line numbers would be wrong if it did
        normalised = [normalise(line) for line in lines]
    return normalised


def read_text(text: str, fmt: str = "text", encoding: str = "utf-8") -> Document:
    lines = source_lines(text)
    meta: dict[str, str] = {}
    start = 0
    # Crawler dumps: a metadata header, a separator line, then the body.
    for i, line in enumerate(lines[:20]):
        if _CRAWL_SEPARATOR.match(line.strip()):
            for header in lines[:i]:
                m = _CRAWL_FIELD.match(header.strip())
                if m and m.group(2).strip():
                    meta[vocabulary().crawler_fields[m.group(1)]] = normalise(m.group(2)).strip()
            start = i + 1
            fmt = "crawl-text" if fmt == "text" else fmt
            break
    normalised = _normalised_lines(lines)
    if fmt == "markdown":
        normalised = [_markdown_line(line) for line in normalised]
    cells: list[Cell] = []
    for number, line in enumerate(normalised[start:], start=start + 1):
        cells += _line_cells(line, number)
    return Document(cells=cells, format=fmt, encoding=encoding, meta=meta, source_lines=lines, read_lines=normalised)


# --- HTML --------------------------------------------------------------------------------------

_BLOCK_TAGS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "blockquote", "pre", "center",
               "ul", "ol", "table", "tr", "td", "th", "br")
_BLOCK = frozenset(_BLOCK_TAGS)
_SKIP_TAGS = ("script", "style", "noscript", "template", "head", "iframe", "svg", "button", "select", "option", "title")


_LXML_LAST_LINE = 65535  # the largest line number libxml2 records
# the characters lxml refuses in text, as UTF-8 bytes: the control codes (no byte of another
# character is one) and U+FFFE, U+FFFF
_NOT_XML_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_NOT_XML_CHARS = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")
_NOT_XML_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # what lxml refuses in text


def _clean(text: str) -> str:
    return " ".join(text.split())  # every run of white space (as the pattern \s+ knows it) one space


def _spaced_text(node, parts: list[str]) -> None:
    """The text of `node`'s subtree, as itertext gives it, with a space before the text and the
    tail of every block element (blocks and <br> separate words; spans inside a block do not)."""
    tag = node.tag
    text = node.text
    if tag in _BLOCK:
        if tag != "br":
            parts.append(" ")
            if text:
                parts.append(text)
    elif text:
        parts.append(text)
    for child in node:
        child_tag = child.tag
        if child_tag.__class__ is str:  # a comment or a processing instruction gives its tail only
            _spaced_text(child, parts)
            if child_tag in _BLOCK:
                parts.append(" ")
        tail = child.tail
        if tail:
            parts.append(tail)


def _inline_text(node, parts: list[str]) -> bool:
    """The text of `node`'s children (as _spaced_text), if none of them holds a block element;
    False at the first block element (what was added is then of no use)."""
    for child in node:
        tag = child.tag
        if tag.__class__ is str:  # a comment or a processing instruction gives its tail only
            if tag in _BLOCK:
                return False
            if child.text:
                parts.append(child.text)
            if not _inline_text(child, parts):
                return False
        tail = child.tail
        if tail:
            parts.append(tail)
    return True


def _refuse_control_references(root) -> None:
    """A character reference to a character lxml refuses in text (`&#1;`, `&#xFFFE;`) in a block's
    text or tail: the ValueError lxml raises when a space is set before such text."""
    for el in root.iter(*_BLOCK_TAGS):
        for text in (el.tail, el.text if el.tag != "br" else None):
            if text and _NOT_XML_TEXT.search(text):
                raise ValueError("All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters")


def read_html(text: str, encoding: str = "utf-8") -> Document:
    from lxml import etree

    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    # libxml2 counts lines by "\n" alone: with every break of source_lines made a "\n" (in HTML text
    # any break is white space all the same), a node's sourceline is its source_lines number. It
    # keeps a line in 16 bits: in a longer file it says 65535 for every line from there on, and
    # such a line is not known (0) rather than wrong.
    lines = _normalised_lines(source_lines(text))
    unknown = _LXML_LAST_LINE if len(lines) > _LXML_LAST_LINE else _LXML_LAST_LINE + 1
    # control codes: no content, and lxml refuses them in text
    data = "\n".join(lines).encode("utf-8").translate(None, _NOT_XML_BYTES)
    if b"\xef\xbf" in data:
        for char in _NOT_XML_CHARS:
            data = data.replace(char, b"")
    try:
        root = etree.fromstring(data, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ReadError("unreadable-file", "html-unparsable", parser_error=exc) from exc
    if any("Excessive depth" in e.message for e in parser.error_log):
        # libxml2 stops reading past 256 levels: what follows would be lost without a word
        raise ReadError("unreadable-file", "html-depth")
    if root is None:
        raise ReadError("unreadable-file", "html-no-document")
    meta: dict[str, str] = {}
    for name, key in vocabulary().html_meta.items():
        node = root.find(f".//meta[@name='{name}']")
        if node is not None and node.get("content", "").strip():
            meta[key] = node.get("content").strip()
    title = root.find(".//title")
    if "title" not in meta and title is not None and title.text:
        meta["title"] = title.text.strip()

    etree.strip_elements(root, *_SKIP_TAGS, with_tail=False)
    if b"&#" in data:
        _refuse_control_references(root)
    cells: list[Cell] = []
    rows: dict = {}  # <tr> element: its number

    def line(node) -> int:  # the tree is never changed: libxml2 keeps a line past 65534 with the element's text
        n = node.sourceline or 0
        return n if n < unknown else 0

    def walk(node) -> None:
        tag = node.tag
        if not isinstance(tag, str):
            return
        if tag in ("td", "th"):
            row = rows.setdefault(node.getparent(), len(rows) + 1)
            parts: list[str] = []
            _spaced_text(node, parts)
            cells.append(Cell(_clean("".join(parts)), line(node), row))
            return
        if tag in _BLOCK:
            parts = [] if tag == "br" else [" ", node.text or ""]
            if _inline_text(node, parts):  # a block with no block inside: one cell
                t = _clean("".join(parts))
                if t:
                    cells.append(Cell(t, line(node)))
                return
        inline = tag not in ("table", "tr", "tbody", "thead", "tfoot")
        if inline and node.text and node.text.strip():
            cells.append(Cell(_clean(node.text), line(node)))
        for child in node:
            walk(child)
            if inline and child.tail and child.tail.strip():
                cells.append(Cell(_clean(child.tail), line(child) if child.sourceline else line(node)))

    body = root.find(".//body")
    walk(body if body is not None else root)
    return Document(cells=cells, format="html", encoding=encoding, meta=meta, source_lines=source_lines(text))
