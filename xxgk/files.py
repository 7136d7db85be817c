"""Writing a file so that a reader sees the old content or the new, never a part: into a fresh
temporary file beside it (unique, so two writers never share one), then one rename; or putting
a file made elsewhere in place as a hard link, which no writer writes through."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the file is no secret
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def link_file(path: str | Path, dest: str | Path) -> None:
    """`dest` as a hard link to `path` (a copy where links are refused), replacing what is there."""
    try:
        os.link(path, dest)
    except FileExistsError:  # the last build's: replaced, never written through (it may be linked to a page)
        Path(dest).unlink()
        link_file(path, dest)
    except OSError:  # a file system without hard links
        shutil.copyfile(path, dest)
