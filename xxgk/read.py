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


_DASHES = (("\u2015", "—"), ("\u2500", "—"), ("\uff0d", "-"), ("\u2013", "-"), ("\u2212", "-"), ("\xa0", " "))


def normalise(text: str) -> str:
    """Full-width to half-width (NFKC), one kind of dash, no zero-width characters."""
    for old, new in _DASHES:  # str.replace is much faster than str.translate on CJK text
        if old in text:
            text = text.replace(old, new)
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
    """Cells of one (normalised) text line, whatever the layout.

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
        return [Cell(part.strip(), number) for part in s[1:-1].split("|")]
    if stripped.endswith(" |") or stripped.endswith("\t|"):
        return [Cell(stripped[:-1].strip(), number)]
    if stripped.startswith("\t") and "\t" not in stripped[1:]:
        return [Cell(stripped[1:].strip(), number)]
    if "\t" in stripped:
        return [Cell(part.strip(), number) for part in stripped.split("\t")]
    return [Cell(stripped.strip(), number)]


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
                    meta[_CRAWL_KEYS[m.group(1)]] = normalise(m.group(2)).strip()
            start = i + 1
            fmt = "crawl-text" if fmt == "text" else fmt
            break
    normalised = normalise(text).splitlines()
    if len(normalised) != len(lines):  # keep line numbers true to the source
        normalised = [normalise(line) for line in lines]
    cells: list[Cell] = []
    for number, line in enumerate(normalised[start:], start=start + 1):
        if fmt == "markdown":
            line = _MD_MARKUP.sub("", line)
        cells.extend(_line_cells(line, number))
    return Document(cells=cells, format=fmt, encoding=encoding, meta=meta)


# --- HTML --------------------------------------------------------------------------------------

_BLOCK_TAGS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "blockquote", "pre", "center",
               "ul", "ol", "table", "tr", "td", "th", "br")
_SKIP_TAGS = ("script", "style", "noscript", "template", "head", "iframe", "svg", "button", "select", "option", "title")
_WS = re.compile(r"\s+")


def _clean(text: str) -> str:
    return _WS.sub(" ", text).strip()


def read_html(text: str, encoding: str = "utf-8") -> Document:
    from lxml import etree

    try:
        root = etree.fromstring(normalise(text).encode("utf-8"),
                                parser=etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ReadError("unreadable-file", "HTML 无法解析", f"the HTML cannot be parsed ({exc})") from exc
    if root is None:
        raise ReadError("unreadable-file", "HTML 无法解析", "the HTML cannot be parsed (no document)")
    meta: dict[str, str] = {}
    for name, key in (("ArticleTitle", "title"), ("PubDate", "published"), ("ContentSource", "publisher"), ("Url", "url")):
        node = root.find(f".//meta[@name='{name}']")
        if node is not None and node.get("content", "").strip():
            meta[key] = node.get("content").strip()
    title = root.find(".//title")
    if "title" not in meta and title is not None and title.text:
        meta["title"] = title.text.strip()

    etree.strip_elements(root, *_SKIP_TAGS, with_tail=False)
    # Block boundaries and <br> separate words; spans inside a block do not.
    blocky: set = set()
    for el in root.iter(*_BLOCK_TAGS):
        el.tail = " " + el.tail if el.tail else " "
        if el.tag == "br":
            el.text = None
        for anc in el.iterancestors():
            if anc in blocky:
                break
            blocky.add(anc)

    cells: list[Cell] = []

    def walk(node):
        tag = node.tag
        if not isinstance(tag, str):
            return
        if tag in ("td", "th"):
            cells.append(Cell(_clean("".join(node.itertext())), node.sourceline or 0))
            return
        if node not in blocky:
            if tag in _BLOCK_TAGS:
                t = _clean("".join(node.itertext()))
                if t:
                    cells.append(Cell(t, node.sourceline or 0))
                return
        if node.text and node.text.strip() and tag not in ("table", "tr", "tbody", "thead", "tfoot"):
            cells.append(Cell(_clean(node.text), node.sourceline or 0))
        for child in node:
            walk(child)
            if child.tail and child.tail.strip() and tag not in ("table", "tr", "tbody", "thead", "tfoot"):
                cells.append(Cell(_clean(child.tail), child.sourceline or node.sourceline or 0))

    body = root.find(".//body")
    walk(body if body is not None else root)
    return Document(cells=cells, format="html", encoding=encoding, meta=meta)


def read_bytes(data: bytes, suffix: str) -> Document:
    """Read a report file's bytes; `suffix` is the file's extension (chooses the reader)."""
    fmt = FORMATS.get(suffix.lower())
    if fmt is None:
        raise ReadError("unsupported-format", f"不支持的文件格式（{suffix}）", f"unsupported file format ({suffix})")
    text, encoding = decode(data)
    if fmt == "html":
        return read_html(text, encoding)
    return read_text(text, fmt, encoding)
