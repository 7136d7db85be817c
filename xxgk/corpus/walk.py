"""Walking a corpus: every file below its root in a stable order, and why a file is not read at all
(a link leaving the corpus, a folder that cannot be listed, something that is not a regular file,
a file over the size cap). In: a folder. Out: paths and refusals; no file is parsed here."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def corpus_files(corpus: Path) -> list[Path]:
    """Every file below the corpus root, in a stable order; hidden files are not reports. A link
    to a folder is listed (to be reported), not followed."""
    files = []
    top = os.path.abspath(corpus)

    def unreadable(exc: OSError) -> None:  # a folder that cannot be listed is reported, not skipped
        if exc.filename is None or os.path.abspath(exc.filename) == top:
            raise exc
        files.append(Path(exc.filename))

    for root, dirs, names in os.walk(corpus, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files += [Path(root) / d for d in dirs if os.path.islink(os.path.join(root, d))]
        for name in names:
            if not name.startswith("."):
                files.append(Path(root) / name)
    return sorted(files, key=lambda p: p.relative_to(corpus).as_posix())


MAX_FILE_BYTES = 20 * 1024 * 1024  # reports are a few hundred KB; the cap bounds what one file can cost


def refusal(path: str, root: str) -> tuple | None:
    """Why a corpus entry is not read at all, if it is not."""
    real, inside = os.path.realpath(path), os.path.realpath(root)
    if os.path.commonpath([real, inside]) != inside:
        return ("outside-corpus", "文件是指向语料库以外的链接，未读取", "the file is a link that leaves the corpus; not read")
    try:
        st = os.stat(path)
    except OSError as exc:
        return ("unreadable-file", f"文件无法打开（{exc.strerror}）", f"the file cannot be opened ({exc.strerror})")
    if stat.S_ISDIR(st.st_mode) and not os.path.islink(path):
        try:
            os.listdir(path)
        except OSError as exc:
            return ("unreadable-file", f"文件夹无法读取（{exc.strerror}），其中的报告文件未能收录",
                    f"the folder cannot be read ({exc.strerror}); the report files in it are not in the package")
    if not stat.S_ISREG(st.st_mode):
        return ("unreadable-file", "不是普通文件（例如指向文件夹的链接），未读取", "not a regular file (a link to a folder, say); not read")
    if st.st_size > MAX_FILE_BYTES:
        return ("file-too-large", f"文件大小 {st.st_size} 字节，超过单个报告的上限 {MAX_FILE_BYTES} 字节，未读取",
                f"the file has {st.st_size} bytes, over the limit of {MAX_FILE_BYTES} for one report; not read", st.st_size)
    return None
