"""Word documents: DOCX read through mammoth's HTML; DOC and WPS converted to DOCX by LibreOffice.
In: a file's bytes. Out: a `Document` (see `layout`).

mammoth rather than python-docx: it turns Word's merged cells (vMerge, gridSpan) into real rowspan
and colspan, so a table arrives as the grid the reader saw.

The document's own title property (docProps/core.xml) is not read as the report's title: Word
files are copied from last year's report and keep its title, so the printed title decides."""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import zipfile
import zlib
from pathlib import Path
from typing import Any
from xml.parsers.expat import ExpatError
from xml.sax import SAXException

from .layout import Block, Piece, document, line
from .read import Document, ReadError

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BODY = "word/document.xml"
_TYPES = "[Content_Types].xml"
# the content types of a Word main part: document, template, and their macro-enabled kinds (an
# embedded .docx is declared without ".main")
_WORD_MAIN = re.compile(rb"(?:wordprocessingml\.(?:document|template)|ms-word\.(?:document|template)\.macroEnabled(?:Template)?)\.main\+xml")

MAX_UNPACKED = 100_000_000  # bytes the archive's members may expand to, all together
MAX_XML = 20_000_000  # bytes of XML parts: mammoth reads some 3 s and holds some 60 MB per MB of them
MAX_MEMBERS = 5_000
MAX_SPAN = 1_000  # columns one cell may span (Word tables have at most 63)
MAX_CELLS = 100_000  # positions of one table's grid (a report's largest has some 500)
CONVERT_SECONDS = 60


# --- content tests ------------------------------------------------------------------------------

def is_docx(data: bytes) -> bool:
    """A zip that holds word/document.xml or declares a Word main part among its content types
    (the part may be named otherwise), or a damaged zip that names word/ parts (so that its reader
    reports the damage rather than another reader misreading it)."""
    if not data.startswith(_ZIP):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if _BODY in names:
                return True
            if _TYPES not in names or archive.getinfo(_TYPES).file_size > 1_000_000:
                return False
            return _WORD_MAIN.search(archive.read(_TYPES)) is not None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError):
        return b"word/" in data[:65536]


def is_ole(data: bytes) -> bool:
    """An OLE compound file (Word 97, Kingsoft WPS) that is not positively an Excel workbook or a
    PowerPoint deck (those hold their own stream and no WordDocument stream)."""
    if not data.startswith(_OLE):
        return False
    return _ole_stream(data, "WordDocument") or not any(
        _ole_stream(data, name) for name in ("Workbook", "Book", "PowerPoint Document"))


def _ole_stream(data: bytes, name: str) -> bool:
    """Whether the compound file's directory names a stream `name`. A directory entry is 128 bytes
    at a multiple of 128 (sectors are 512 or 4096 bytes after a 512-byte header): the UTF-16 name,
    then at +64 its length in bytes with the terminator and at +66 the type (2: a stream)."""
    needle = name.encode("utf-16-le") + b"\0\0"
    length = len(needle).to_bytes(2, "little")
    at = data.find(needle, 512)
    while at != -1:
        if at % 128 == 0 and data[at + 64:at + 66] == length and data[at + 66:at + 67] == b"\x02":
            return True
        at = data.find(needle, at + 2)
    return False


# --- DOCX ---------------------------------------------------------------------------------------

# what a damaged archive or its XML raise inside zipfile and mammoth; anything else (the caller's
# time limit among them) is not the file's fault and passes
_DAMAGE = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, KeyError, ValueError, IndexError, TypeError,
           AttributeError, EOFError, OSError, NotImplementedError, AssertionError, ExpatError, SAXException,
           RecursionError)


def read_docx(data: bytes) -> Document:
    import mammoth

    _check_archive(data)
    try:
        result = mammoth.convert_to_html(io.BytesIO(data), convert_image=mammoth.images.img_element(_no_image))
    except _DAMAGE as exc:
        raise ReadError("unreadable-file", "docx-unparsable", reason=_reason(exc)) from exc
    return document(_blocks(result.value), "docx")


def _no_image(image: Any) -> dict[str, str]:
    return {}  # an image holds no text to read: its bytes are never unpacked


def _check_archive(data: bytes) -> None:
    """Refuse what mammoth should not open: a broken zip, and one whose declared sizes expand
    beyond the limits (zipfile never yields more than a member declares)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise ReadError("unreadable-file", "archive-too-many-members", members=len(members), limit=MAX_MEMBERS)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ReadError("unreadable-file", "docx-unparsable", reason=_reason(exc)) from exc
    if sum(m.file_size for m in members) > MAX_UNPACKED:
        raise ReadError("unreadable-file", "archive-too-large", limit=MAX_UNPACKED)
    if sum(m.file_size for m in members if m.filename.endswith((".xml", ".rels"))) > MAX_XML:
        raise ReadError("unreadable-file", "archive-too-large", limit=MAX_XML)


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:160]}" if text else type(exc).__name__


_WS = re.compile(r"\s+")
_TEXT_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "div", "blockquote", "pre",
                          "body", "dl", "dt", "dd"})
# mammoth's note marks ("[1]" after a word) and the notes' links back ("↑"): not the report's text,
# and a mark after a figure would run into it
_NOTE_LINKS = ("#footnote-", "#endnote-", "#comment-")


def _blocks(html: str) -> list[Block]:
    from lxml import etree

    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, remove_comments=True)
    # mammoth writes escaped, well-formed XHTML: read as XML, no HTML parser reshapes its nesting
    root = etree.fromstring(f"<body>{html}</body>".encode(), parser=parser)
    reader = _Reader()
    if root is not None:
        reader.walk(root)
        reader.flush()
    return reader.blocks


class _Reader:
    """The body in document order: a line block per paragraph, heading or list item, a table block
    per table. A <br> (Word's line break) ends a line as a paragraph does: reports set a heading
    and the text under it, or one item per line, in one paragraph so, and the HTML reader reads a
    <br> the same way. Inside a table cell the lines stay one cell's (see `_cell`)."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.words: list[str] = []

    def flush(self) -> None:
        text = _WS.sub(" ", "".join(self.words)).strip()
        self.words.clear()
        if text:
            self.blocks.append(line(Piece(text)))

    def walk(self, el: Any) -> None:
        tag = el.tag
        if not isinstance(tag, str) or tag == "img":
            return
        if tag == "table":
            self.flush()
            self.blocks.extend(_table(el))
            return
        if tag == "br":
            self.flush()
            return
        if tag == "a" and (el.get("href") or "").startswith(_NOTE_LINKS):
            return
        block = tag in _TEXT_BLOCKS
        if block:
            self.flush()
        if el.text:
            self.words.append(el.text)
        for child in el:
            self.walk(child)
            if child.tail:
                self.words.append(child.tail)
        if block:
            self.flush()


def _rows(table: Any) -> list[Any]:
    """The table's own rows (mammoth puts header rows in <thead>), not those of a nested table."""
    rows = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in child if r.tag == "tr")
    return rows


def _span(cell: Any, name: str, limit: int) -> int:
    try:
        return max(1, min(int(cell.get(name) or 1), limit))
    except ValueError:
        return 1


def _cell(cell: Any) -> tuple[str, list[Block]]:
    """A cell's text (its paragraphs and line breaks as lines of one piece) and the tables nested
    in it."""
    reader = _Reader()
    reader.walk(cell)
    reader.flush()
    text = "\n".join(b.rows[0][0].text for b in reader.blocks if not b.table and b.rows[0][0] is not None)
    return text, [b for b in reader.blocks if b.table]


def _table(table: Any) -> list[Block]:
    """The table as a grid of its full width, None where a merged cell covers a position or a
    short row has no cell. A table one column wide is a frame around text, not a grid of figures
    (a whole report typed into one cell): its cells are read as the body is. A table nested in a
    cell follows the row that holds it, which splits the outer table there, so the reading order
    stays the document's."""
    trs = _rows(table)
    taken: list[set[int]] = [set() for _ in trs]
    placed: list[tuple[int, int, Any]] = []  # row, column, cell
    positions = 0
    for r, tr in enumerate(trs):
        c = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while c in taken[r]:
                c += 1
            rowspan, colspan = _span(td, "rowspan", len(trs) - r), _span(td, "colspan", MAX_SPAN)
            positions += rowspan * colspan
            if positions > MAX_CELLS:
                raise ReadError("unreadable-file", "docx-unparsable", reason=f"a table of over {MAX_CELLS} cells")
            for dr in range(rowspan):
                taken[r + dr].update(range(c, c + colspan))
            placed.append((r, c, td))
            c += colspan
    width = max((max(row) + 1 for row in taken if row), default=0)
    if len(trs) * width > MAX_CELLS:
        raise ReadError("unreadable-file", "docx-unparsable", reason=f"a table of over {MAX_CELLS} cells")
    if width <= 1:
        reader = _Reader()
        for _, _, td in placed:
            reader.walk(td)
            reader.flush()
        return reader.blocks
    grid: list[list[Piece | None]] = [[None] * width for _ in trs]
    nested: list[list[Block]] = [[] for _ in trs]
    for r, c, td in placed:
        text, inner = _cell(td)
        grid[r][c] = Piece(text)
        nested[r].extend(inner)
    blocks: list[Block] = []
    rows: list[list[Piece | None]] = []
    for r, row in enumerate(grid):
        rows.append(row)
        if nested[r]:
            blocks.append(Block(rows, table=True))
            blocks.extend(nested[r])
            rows = []
    if rows:
        blocks.append(Block(rows, table=True))
    return blocks


# --- DOC and WPS --------------------------------------------------------------------------------

def read_doc(data: bytes) -> Document:
    """A Word 97-2003 or Kingsoft WPS file (an OLE compound file holding a WordDocument stream),
    converted to DOCX by LibreOffice and read as one. The format is "doc" for both: a Kingsoft .wps
    is a Word 97 binary, and the marks Kingsoft's software leaves in it name the program, which
    writes .doc files as well. LibreOffice is made to read it with its Word 97 filter: left to
    guess, it imports a damaged file as plain text. (That filter may refuse a Word 6 or 95 file:
    the reports, published since 2008, are younger.)"""
    converter = shutil.which("soffice") or shutil.which("libreoffice")
    if converter is None:
        raise ReadError("converter-missing", format="doc", converter="LibreOffice")
    doc = read_docx(_convert(converter, data))
    doc.format = "doc"
    return doc


def _convert(converter: str, data: bytes) -> bytes:
    """The DOCX LibreOffice makes of `data`, in a private folder and profile (parallel conversions
    share nothing), removed afterwards. The child runs in a session of its own, so that its whole
    process group is killed however the wait ends (a timeout, the caller's time limit)."""
    folder = Path(tempfile.mkdtemp(prefix="xxgk-doc-"))
    child: subprocess.Popen | None = None
    try:
        source, out = folder / "report.doc", folder / "out"
        source.write_bytes(data)
        command = [converter, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                   "--norestore", "--nologo", "--nodefault", "--nolockcheck", "--infilter=MS Word 97",
                   "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(source)]
        try:
            child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     env={**os.environ, "HOME": str(folder)}, cwd=folder, start_new_session=True)
            output, _ = child.communicate(timeout=CONVERT_SECONDS)
        except subprocess.TimeoutExpired:
            raise ReadError("unreadable-file", "conversion-failed", converter="LibreOffice",
                            reason=f"no result within {CONVERT_SECONDS} s") from None
        except OSError as exc:
            raise ReadError("unreadable-file", "conversion-failed", converter="LibreOffice", reason=_reason(exc)) from exc
        result = out / "report.docx"
        if not result.is_file() or result.stat().st_size == 0:
            said = [s for s in output.decode("utf-8", "replace").splitlines() if s.startswith("Error")]
            reason = said[-1][:200] if said else f"no output (exit status {child.returncode})"
            raise ReadError("unreadable-file", "conversion-failed", converter="LibreOffice", reason=reason)
        return result.read_bytes()
    finally:
        # an alarm that comes now waits until the children are gone and their folder with them
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        try:
            if child is not None:
                _end(child)
            shutil.rmtree(folder, ignore_errors=True)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _end(child: subprocess.Popen) -> None:
    """Kill the child's process group and wait until it is gone: a process killed while it writes
    its profile would otherwise write into the folder being removed."""
    deadline = time.monotonic() + 2
    while True:
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            break  # the group has ended
        if child.poll() is None:
            child.wait()
        if time.monotonic() > deadline:
            break  # only zombies nobody reaps are left
        time.sleep(0.01)
    if child.poll() is None:
        child.wait()
