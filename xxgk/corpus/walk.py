"""Walking a corpus: every file below its root in a stable order, and why a file is not read at all
(a link leaving the corpus, a folder that cannot be listed, something that is not a regular file,
a file over the size cap). In: a folder. Out: paths and refusals; no file is parsed here."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..findings import message


def corpus_files(corpus: Path) -> list[Path]:
    """Every file below the corpus root, in a stable order; hidden files are not reports. A link
    to a folder is listed (to be reported), not followed."""
    files: list[str] = []
    base = os.fspath(Path(corpus))
    top = os.path.abspath(base)

    def unreadable(exc: OSError) -> None:  # a folder that cannot be listed is reported, not skipped
        if exc.filename is None or os.path.abspath(exc.filename) == top:
            raise exc
        files.append(os.fspath(exc.filename))

    for root, dirs, names in os.walk(base, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files += [os.path.join(root, d) for d in dirs if os.path.islink(os.path.join(root, d))]
        files += [os.path.join(root, name) for name in names if not name.startswith(".")]
    cut = len(base) + 1  # every path is `base/…`: sorted by the part after it, as a string
    return [Path(f) for f in sorted(files, key=lambda f: f[cut:])]


MAX_FILE_BYTES = 20 * 1024 * 1024  # reports are a few hundred KB; the cap bounds what one file can cost


def refusal(path: str, root: str) -> tuple | None:
    """Why a corpus entry is not read at all, if it is not: (code, zh, en), and the file's size when
    that is the reason."""
    real, inside = os.path.realpath(path), os.path.realpath(root)
    if os.path.commonpath([real, inside]) != inside:
        return ("outside-corpus", *message("outside-corpus"))
    try:
        st = os.stat(path)
    except OSError as exc:
        return ("unreadable-file", *message("unreadable-file", os_error=exc.strerror))
    if stat.S_ISDIR(st.st_mode) and not os.path.islink(path):
        try:
            os.listdir(path)
        except OSError as exc:
            return ("unreadable-file", *message("unreadable-file", "folder", os_error=exc.strerror))
    if not stat.S_ISREG(st.st_mode):
        return ("unreadable-file", *message("unreadable-file", "not-regular"))
    if st.st_size > MAX_FILE_BYTES:
        return ("file-too-large", *message("file-too-large", size=st.st_size, limit=MAX_FILE_BYTES), st.st_size)
    return None
