"""Where each corpus file came from: `corpus/.provenance.tsv` (written by `xxgk add`, and by hand).

One line per added file: its path in the corpus, the original URL or file name, when it was
retrieved (ISO 8601, UTC), its SHA-256 and format. The file is edited by people too, so it is
read leniently and checked strictly: a value that is not what its column promises is left empty
and a problem names it, never passed on to the package.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..files import write_atomic
from ..findings import message

PROVENANCE = ".provenance.tsv"
# page: the article a downloaded attachment was linked from; list: the column page a harvest found it on;
# warc: the WARC file and record (`<file>.warc.gz#<urn:uuid:…>`) that archive the response it came in
FIELDS = ["source_file", "origin", "retrieved", "sha256", "format", "page", "list", "warc"]


@dataclass(frozen=True)
class Problem:
    """Something wrong in the provenance file; `source_file` is the report it concerns ("" for the
    file as a whole). `zh` and `en` are the messages of an invalid-provenance finding."""

    source_file: str
    zh: str
    en: str


def _problem(source_file: str, variant: str, **params) -> Problem:
    return Problem(source_file, *message("invalid-provenance", variant, **params))


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_utc(value: str) -> str | None:
    """`value` as `YYYY-MM-DDTHH:MM:SSZ` when it is an ISO 8601 time with its zone; None otherwise
    (a time without a zone is not guessed to be UTC)."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def decode(data: bytes, name: str) -> tuple[str, list[Problem]]:
    """A record file's text: UTF-8 (a byte-order mark allowed), else GB 18030, else UTF-8 with the
    undecodable bytes replaced; a problem says which when it is not UTF-8."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), [_problem("", "gb18030", provenance_file=name)]
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), [_problem("", "unknown-encoding", provenance_file=name)]


def read(corpus: Path) -> tuple[dict[str, dict], list[Problem]]:
    """Each file's record (every field a string, `retrieved` normalised or empty) and the problems
    found on the way."""
    path = Path(corpus) / PROVENANCE
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}, []
    except OSError as exc:
        return {}, [_problem("", "unreadable", provenance_file=PROVENANCE, os_error=exc.strerror)]
    text, problems = decode(data, PROVENANCE)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t"))
    if not rows:
        return {}, problems
    header = [h.strip() for h in rows[0]]
    missing = [f for f in ("source_file",) if f not in header]
    if missing:
        problems.append(_problem("", "no-header", provenance_file=PROVENANCE))
        return {}, problems
    records: dict[str, dict] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        record = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
        source = record.get("source_file", "")
        if not source:
            problems.append(_problem("", "no-file", line=number))
            continue
        if len(row) != len(header):
            problems.append(_problem(source, "default", line=number, fields=len(row), header_fields=len(header)))
        retrieved = record.get("retrieved", "")
        if retrieved:
            normal = iso_utc(retrieved)
            if normal is None:
                problems.append(_problem(source, "retrieved", line=number, retrieved=retrieved[:40]))
            record["retrieved"] = normal or ""
        records[source] = {name: record.get(name, "") for name in FIELDS}
    return records, problems


def append(corpus: Path, row: dict) -> None:
    path = Path(corpus) / PROVENANCE
    new = not path.exists()
    if not new:
        _widen(path)
    with open(path, "a", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, FIELDS, delimiter="\t", lineterminator="\n")
        if new:
            w.writeheader()
        w.writerow(row)


def _widen(path: Path) -> None:
    """A provenance file written before a field was added gets the field (empty in its rows), so
    that rows appended now line up with the header."""
    with open(path, encoding="utf-8", newline="") as f:
        header = f.readline().rstrip("\r\n").split("\t")
    if header == FIELDS or header != FIELDS[:len(header)]:
        return  # current, or not a header this project wrote: left as it is
    with open(path, encoding="utf-8", newline="") as f:
        records = list(csv.reader(f, delimiter="\t"))[1:]
    out = io.StringIO()
    w = csv.writer(out, delimiter="\t", lineterminator="\n")
    w.writerow(FIELDS)
    for row in records:
        w.writerow(row + [""] * (len(FIELDS) - len(row)) if len(row) == len(header) else row)
    write_atomic(path, out.getvalue().encode("utf-8"))


def shown_name(name: str) -> tuple[str, str | None]:
    """A file name or path as text that can be written anywhere, and how it was made when it is not
    the name itself (the file-name-encoding variant: `gb18030` or `escaped`). A name that is not
    UTF-8 (GBK bytes from a Windows zip) reaches Python with its bytes escaped: it is shown as
    GB18030 when it is that, else with `\\x` escapes."""
    try:
        name.encode("utf-8")
        return name, None
    except UnicodeEncodeError:
        pass
    raw = os.fsencode(name)
    try:
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="backslashreplace"), "escaped"
