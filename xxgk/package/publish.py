"""Putting a finished folder (the data package, the site) in place of the published one, so that
readers see the old folder or the new one, never a mix, whatever happens to the build.

A build writes into a fresh temporary folder beside the target, named after its process, and
swaps it in at the end with one atomic exchange (Linux renameat2 RENAME_EXCHANGE). A build
killed on the way leaves its temporary folder, which the next build removes once that process
is gone; two builds at once each use their own folder, and the last to finish is published.

Every folder published this way carries a marker file naming what wrote it. A target that exists,
is not empty and has no marker is someone else's folder (the corpus, a home directory given as
`--out` by mistake): it is never replaced or removed.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
MARKER = ".xxgk-output"


class NotOurs(Exception):
    """The target is a folder this tool did not write: it is left alone."""

    def __init__(self, target: Path):
        super().__init__(f"{target} exists and is not a folder xxgk wrote (no {MARKER} in it): "
                         "refusing to replace it; choose an empty or new folder")
        self.target = target


def is_ours(target: Path) -> bool:
    """Whether `target` may be replaced: missing, an empty folder, or a folder with our marker."""
    target = Path(target)
    if not target.exists() and not target.is_symlink():
        return True
    if target.is_symlink() or not target.is_dir():
        return False
    if (target / MARKER).is_file() or _legacy_package(target) or (target / "javascripts" / "charts-config.js").is_file():
        return True  # the last: site pages or a site written by xxgk before folders carried the marker
    return not any(target.iterdir())


def _legacy_package(target: Path) -> bool:
    """A data package written by xxgk before folders carried the marker: exactly its descriptor
    (naming this package) and its data folder."""
    names = {p.name for p in target.iterdir()}
    if names != {"datapackage.json", "data"}:
        return False
    try:
        head = (target / "datapackage.json").read_text(encoding="utf-8")[:200]
    except (OSError, UnicodeDecodeError):
        return False
    return '"name": "xxgk-annual-reports"' in head


def check_target(target: Path) -> None:
    """Refuse before any work when the target is not ours to replace."""
    if not is_ours(target):
        raise NotOurs(Path(target))


def temp_beside(target: Path, kind: str = "") -> Path:
    """A fresh folder beside `target` (same file system, so the swap is a rename), marked as ours.
    Raises NotOurs when `target` is a folder this tool did not write."""
    target = Path(target)
    check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(target)
    folder = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=target.parent))
    folder.chmod(0o755)
    mark(folder, kind)
    return folder


def mark(folder: Path, kind: str = "") -> None:
    if not (folder / MARKER).is_file():
        (folder / MARKER).write_text(f"written by xxgk{f' ({kind})' if kind else ''}; replaced whole by the next build\n",
                                     encoding="utf-8")


def _remove_abandoned(target: Path) -> None:
    for folder in target.parent.glob(f".{target.name}.tmp-*"):
        pid = folder.name.removeprefix(f".{target.name}.tmp-").split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)) and _marked(folder):
            shutil.rmtree(folder, ignore_errors=True)
    old = target.with_name(f".{target.name}.old")
    if old.exists() and not target.exists() and _marked(old):  # a swap without renameat2 was cut short
        os.rename(old, target)


def _marked(folder: Path) -> bool:
    """A folder of ours: it has the marker, or it is one of our temporary folders cut short before
    the marker was written (then it is empty)."""
    return folder.is_dir() and not folder.is_symlink() and ((folder / MARKER).is_file() or not any(folder.iterdir()))


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def replace(folder: Path, target: Path) -> None:
    """Publish `folder` as `target` in one step; the previous `target` is removed afterwards.
    A `target` this tool did not write is never replaced (NotOurs)."""
    folder, target = Path(folder), Path(target)
    check_target(target)  # again: it may have changed while the build ran
    mark(folder)  # a tool writing into the folder (MkDocs) may have cleaned it
    try:
        os.rename(folder, target)  # nothing published yet (or an empty folder)
        return
    except OSError as exc:
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
    if _exchange(folder, target):
        if _marked(folder):  # now holds what was published before
            shutil.rmtree(folder, ignore_errors=True)
        return
    # no atomic exchange on this system: two renames, undone by the next build if cut between
    old = target.with_name(f".{target.name}.old")
    if _marked(old):
        shutil.rmtree(old, ignore_errors=True)
    os.rename(target, old)
    os.rename(folder, target)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(a))
