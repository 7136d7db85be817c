"""The readers' registry: which reader reads a file, told by its content first and its name second.
In: a file's bytes and suffix. Out: the `Reader` for it and the `Document` it reads, or a
`ReadError` that says why nothing can be read.

A format with a signature of its own (PDF, a Word or WPS file, a zip) is read as what it is,
whatever it is named: a PDF saved as `.html` is a PDF. Text formats have no signature: their
suffix names them, and a file whose suffix names no reader is tried against each reader's
content test (an HTML page saved without its extension)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import pdf, word
from .read import Document, ReadError, decode, read_html, read_text, source_text


@dataclass(frozen=True)
class Reader:
    """One file format: the suffixes it is named by, `magic` (a test of the content that decides
    before the suffix: the format's own signature), `sniff` (a test for a file whose suffix names
    no reader), `laid_out` (the document's text is made by the reader, not decoded from the file)
    and the function that reads the bytes into a Document."""

    format: str
    suffixes: tuple[str, ...]
    read: Callable[[bytes], Document]
    magic: Callable[[bytes], bool] | None = None
    sniff: Callable[[bytes], bool] | None = None
    laid_out: bool = False


READERS: list[Reader] = []


def register(reader: Reader) -> Reader:
    """Add a reader (a new format is one call here, and its module)."""
    READERS.append(reader)
    return reader


def _decoded(read: Callable[[str, str], Document], html: bool = False) -> Callable[[bytes], Document]:
    def read_bytes(data: bytes) -> Document:
        notes: list[tuple[str, str, str]] = []
        text, encoding = decode(data, html=html, notes=notes)
        doc = read(text, encoding)
        doc.notes.extend(notes)
        return doc
    return read_bytes


def is_archive(data: bytes) -> bool:
    """A zip that is not a Word document: an archive of files."""
    return data.startswith(b"PK\x03\x04") and not word.is_docx(data)


def _archive(data: bytes) -> Document:
    raise ReadError("unsupported-format", "archive")


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html")) or (head.startswith(b"<") and b"<table" in data[:65536].lower())


register(Reader("pdf", (".pdf",), pdf.read_pdf, magic=pdf.is_pdf, laid_out=True))
register(Reader("docx", (".docx",), word.read_docx, magic=word.is_docx, laid_out=True))
register(Reader("doc", (".doc", ".wps"), word.read_doc, magic=word.is_ole, laid_out=True))
register(Reader("zip", (".zip",), _archive, magic=is_archive))
register(Reader("text", (".txt", ".text"), _decoded(lambda text, encoding: read_text(text, "text", encoding))))
register(Reader("html", (".html", ".htm"), _decoded(read_html, html=True), sniff=_looks_like_html))
register(Reader("markdown", (".md", ".markdown"), _decoded(lambda text, encoding: read_text(text, "markdown", encoding))))
FORMATS = {suffix: r.format for r in READERS for suffix in r.suffixes}


def reader_for(data: bytes, suffix: str) -> Reader | None:
    """The reader the content's signature names; else the one the suffix names; else the first
    whose content test the bytes pass; None when nothing fits."""
    for r in READERS:
        if r.magic is not None and r.magic(data):
            return r
    for r in READERS:
        if suffix.lower() in r.suffixes and r.magic is None:
            return r
    return next((r for r in READERS if r.sniff is not None and r.sniff(data)), None)


def read_bytes(data: bytes, suffix: str) -> Document:
    """Read a report file's bytes with the reader its content (or, failing that, its suffix) names."""
    reader = reader_for(data, suffix)
    if reader is None:
        if suffix.lower() in FORMATS:  # named as a format with a signature, but without it
            raise ReadError("unreadable-file", "bad-signature", format=FORMATS[suffix.lower()])
        raise ReadError("unsupported-format", suffix=suffix)
    return reader.read(data)


def text_of(data: bytes, suffix: str) -> str | None:
    """The file's text as the parser numbers its lines (line n of it is source_line n): the decoded
    text of a text file, the reader's rendering of a laid-out one; None when it cannot be read."""
    reader = reader_for(data, suffix)
    if reader is None:
        return None
    try:
        if reader.laid_out:
            return reader.read(data).text
        text, _ = decode(data, html=reader.format == "html")
    except ReadError:
        return None
    return source_text(text)
