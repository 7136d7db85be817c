"""What a page written whole is made from, so that a build keeps the pages made from the same
rows by the same code. In: the values a page is made from. Out: their digest (`digest`), the code's
own (`pages_version`), and the record of the last build's digests beside the pages (KEYS,
`read_keys`)."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

KEYS = ".keys.json"  # beside the pages written whole: the digest each agency and source page was made from
FIGURES = ".figures.json"  # beside them: each report's derived figures, as the last build computed them


@functools.cache
def pages_version() -> str:
    """What a page is made by besides its rows: the parser (its figures and findings) and every
    source file of the site (its code, its strings, its template)."""
    from importlib import resources

    from ..package.cache import parser_version

    digest = hashlib.sha256(parser_version().encode())
    root = resources.files("xxgk.site")
    for item in sorted([*root.iterdir(), *root.joinpath("templates").iterdir()], key=lambda p: str(p)):
        if item.is_file() and item.name.endswith((".py", ".yaml", ".html")):
            digest.update(item.name.encode() + b"\0" + item.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def digest(value) -> str:
    """The digest of what a page is made from (any JSON-able value)."""
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


def read_keys(path: Path) -> dict:
    """The digests the last build's pages were made from (or another record kept beside them, a
    JSON object); nothing when the record is unreadable."""
    try:
        keys = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return keys if isinstance(keys, dict) else {}


def read_figures(path: Path, version: str) -> dict[str, str]:
    """The last build's figures of each report, as the JSON text of its fields (decoded when a
    report's are used: a national site's record as Python values would be half a gigabyte), if
    made by the same code from the same codes table (`version`); nothing otherwise or when
    unreadable or not as `write_figures` writes it."""
    figures: dict[str, str] = {}
    try:
        with open(path, encoding="utf-8") as lines:
            if next(lines, "") != f'{{"version": {json.dumps(version)}, "figures": {{\n':
                return {}
            for line in lines:
                if line == "}}\n":
                    return figures
                rid, sep, values = line.rstrip("\n").removesuffix(",").partition(": ")
                if not sep or not (values.startswith("{") and values.endswith("}")):
                    return {}
                figures[json.loads(rid)] = values
    except (OSError, ValueError):
        return {}
    return {}  # cut short


def write_figures(path: Path, version: str, figures: Iterable[tuple[str, dict]]) -> None:
    """The figures by report (in report order), one report a line: a national site's would be
    hundreds of megabytes as one string."""
    with open(path, "w", encoding="utf-8") as out:
        out.write(f'{{"version": {json.dumps(version)}, "figures": {{\n')
        last = None
        for rid, values in figures:
            if last is not None:
                out.write(last + ",\n")
            last = f"{json.dumps(rid)}: {json.dumps(values, ensure_ascii=False, sort_keys=True)}"
        if last is not None:
            out.write(last + "\n")
        out.write("}}\n")
