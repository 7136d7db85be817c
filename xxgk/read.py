"""Readers: turn a report file's bytes into an ordered stream of cells.

A reader knows the file format and nothing of the template. Every cell keeps the line of the
source file it came from, so every figure can be traced back to its line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

FORMATS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}


class ReadError(Exception):
    """The file cannot be turned into cells. `code` is the finding code."""

    def __init__(self, code: str, message_zh: str, message_en: str):
        super().__init__(message_en)
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en


@dataclass(frozen=True)
class Cell:
    text: str
    line: int


@dataclass
class Document:
    """What a reader hands to the extractor."""

    cells: list[Cell]
    format: str
    encoding: str
    meta: dict[str, str] = field(default_factory=dict)  # printed metadata (crawler header, <title>)
    lines: list[str] = field(default_factory=list)  # the decoded source, for the source pages


_DASHES = str.maketrans({"\u2014": "—", "\u2015": "—", "\u2500": "—", "\uff0d": "-", "\u2013": "-", "\u2212": "-", "\xa0": " "})


def normalise(text: str) -> str:
    """Full-width to half-width (NFKC), one kind of dash, no zero-width characters."""
    text = text.translate(_DASHES)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.replace("\u200b", "").replace("\ufeff", "")


def decode(data: bytes) -> tuple[str, str]:
    if not data.strip():
        raise ReadError("empty-file", "文件为空", "the file is empty")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError("unreadable-file", "文件不是文本（含二进制内容）", "the file is not text (binary content)")
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            return data.decode(encoding), encoding.replace("-sig", "")
        except UnicodeDecodeError:
            continue
    raise ReadError("unreadable-file", "无法识别文件编码", "the file's text encoding could not be recognised")


# --- plain text and Markdown -------------------------------------------------------------------

_CRAWL_SEPARATOR = re.compile(r"^=+\s*正文\s*=+\s*$")
_CRAWL_FIELD = re.compile(r"^(标题|发布时间|文号|发布机构|栏目|原文链接|本地目录)\s*[:：]\s*(.*)$")
_CRAWL_KEYS = {"标题": "title", "发布时间": "published", "文号": "doc_number", "发布机构": "publisher",
               "栏目": "channel", "原文链接": "url", "本地目录": "local_dir"}
_MD_SEPARATOR_ROW = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_ONLY_PIPES = re.compile(r"^\s*\|+\s*$")
_MD_MARKUP = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+)|\*\*|__|(?<!\\)`")


def _line_cells(line: str, number: int) -> list[Cell]:
    """Cells of one text line, whatever the layout.

    - `| a | b |`       Markdown pipe table row
    - `a |`              one cell per line, closed by ` |` (runs of `||` only separate rows)
    - `\\ta` (one tab)   one cell per line, tab-indented
    - `a\\tb\\tc`        tab-separated row: an empty field is an empty cell
    - anything else      one cell (prose, or a crawler dump with cells run together)
    """
    stripped = line.rstrip("\r\n")
    if not stripped.strip():
        return []
    if _ONLY_PIPES.match(stripped):
        return []
    s = stripped.strip()
    if s.startswith("|") and s.endswith("|") and len(s) > 1:
        if _MD_SEPARATOR_ROW.match(s):
            return []
        return [Cell(normalise(part).strip(), number) for part in s[1:-1].split("|")]
    if stripped.endswith(" |") or stripped.endswith("\t|"):
        return [Cell(normalise(stripped[:-1]).strip(), number)]
    if stripped.startswith("\t") and "\t" not in stripped[1:]:
        return [Cell(normalise(stripped[1:]).strip(), number)]
    if "\t" in stripped:
        return [Cell(normalise(part).strip(), number) for part in stripped.split("\t")]
    return [Cell(normalise(stripped).strip(), number)]


def read_text(text: str, fmt: str = "text", encoding: str = "utf-8") -> Document:
    lines = text.splitlines()
    meta: dict[str, str] = {}
    start = 0
    # Crawler dumps: a metadata header, a separator line, then the body.
    for i, line in enumerate(lines[:20]):
        if _CRAWL_SEPARATOR.match(line.strip()):
            for header in lines[:i]:
                m = _CRAWL_FIELD.match(header.strip())
                if m and m.group(2).strip():
                    meta[_CRAWL_KEYS[m.group(1)]] = m.group(2).strip()
            start = i + 1
            fmt = "crawl-text" if fmt == "text" else fmt
            break
    cells: list[Cell] = []
    for number, line in enumerate(lines[start:], start=start + 1):
        if fmt == "markdown":
            line = _MD_MARKUP.sub("", line)
        cells.extend(_line_cells(line, number))
    return Document(cells=cells, format=fmt, encoding=encoding, meta=meta, lines=lines)


# --- HTML --------------------------------------------------------------------------------------

_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "blockquote", "pre", "center"}
_SKIP_TAGS = {"script", "style", "noscript", "template", "head", "iframe", "svg", "button", "select", "option"}
_WS = re.compile(r"\s+")


def _element_text(el) -> str:
    """Visible text of an element: spans joined, <br> as a space, comments and <o:p> dropped."""
    parts: list[str] = []

    def walk(node):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag.lower() in _SKIP_TAGS:
            return
        if tag.lower() == "br":
            parts.append(" ")
        elif node.text and isinstance(node.tag, str):
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if tag.lower() in _BLOCK_TAGS:
            parts.append(" ")

    walk(el)
    return _WS.sub(" ", normalise("".join(parts))).strip()


def read_html(text: str, encoding: str = "utf-8") -> Document:
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8", remove_comments=True))
    except (etree.ParserError, ValueError) as exc:
        raise ReadError("unreadable-file", "HTML 无法解析", f"the HTML cannot be parsed ({exc})") from exc
    meta: dict[str, str] = {}
    for name, key in (("ArticleTitle", "title"), ("PubDate", "published"), ("ContentSource", "publisher"), ("Url", "url")):
        node = root.find(f".//meta[@name='{name}']")
        if node is not None and node.get("content", "").strip():
            meta[key] = normalise(node.get("content").strip())
    title = root.find(".//title")
    if "title" not in meta and title is not None and title.text:
        meta["title"] = normalise(title.text.strip())

    cells: list[Cell] = []

    def walk(node):
        if not isinstance(node.tag, str):
            return
        tag = node.tag.lower()
        if tag in _SKIP_TAGS:
            return
        if tag in ("td", "th"):
            cells.append(Cell(_element_text(node), node.sourceline or 0))
            return
        if tag == "tr" or tag == "table" or tag in ("tbody", "thead", "tfoot"):
            for child in node:
                walk(child)
            return
        has_block_child = any(isinstance(c.tag, str) and (c.tag.lower() in _BLOCK_TAGS or c.tag.lower() in ("table", "tr", "td", "ul", "ol", "br")) for c in node.iter() if c is not node)
        if tag in _BLOCK_TAGS and not has_block_child:
            t = _element_text(node)
            if t:
                cells.append(Cell(t, node.sourceline or 0))
            return
        # mixed content: text directly in this element, then children
        if node.text and node.text.strip():
            cells.append(Cell(_WS.sub(" ", normalise(node.text)).strip(), node.sourceline or 0))
        for child in node:
            walk(child)
            if child.tail and child.tail.strip():
                cells.append(Cell(_WS.sub(" ", normalise(child.tail)).strip(), child.sourceline or node.sourceline or 0))

    body = root.find(".//body")
    walk(body if body is not None else root)
    return Document(cells=cells, format="html", encoding=encoding, meta=meta, lines=text.splitlines())


def read_bytes(data: bytes, suffix: str) -> Document:
    """Read a report file's bytes; `suffix` is the file's extension (chooses the reader)."""
    fmt = FORMATS.get(suffix.lower())
    if fmt is None:
        raise ReadError("unsupported-format", f"不支持的文件格式（{suffix}）", f"unsupported file format ({suffix})")
    text, encoding = decode(data)
    if fmt == "html":
        return read_html(text, encoding)
    return read_text(text, fmt, encoding)
