"""Putting a finished folder (the data package, the site) in place of the published one, so that
readers see the old folder or the new one, never a mix, whatever happens to the build.

A build writes into a fresh temporary folder beside the target, named after its process, and
swaps it in at the end with one atomic exchange (Linux renameat2 RENAME_EXCHANGE). A build
killed on the way leaves its temporary folder, which the next build removes once that process
is gone; two builds at once each use their own folder, and the last to finish is published.
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


def temp_beside(target: Path) -> Path:
    """A fresh folder beside `target` (same file system, so the swap is a rename)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(target)
    folder = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=target.parent))
    folder.chmod(0o755)
    return folder


def _remove_abandoned(target: Path) -> None:
    for folder in target.parent.glob(f".{target.name}.tmp-*"):
        pid = folder.name.removeprefix(f".{target.name}.tmp-").split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
    old = target.with_name(f".{target.name}.old")
    if old.exists() and not target.exists():  # a swap without renameat2 was cut short
        os.rename(old, target)


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
    """Publish `folder` as `target` in one step; the previous `target` is removed afterwards."""
    folder, target = Path(folder), Path(target)
    try:
        os.rename(folder, target)  # nothing published yet (or an empty folder)
        return
    except OSError as exc:
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
    if _exchange(folder, target):
        shutil.rmtree(folder, ignore_errors=True)  # now holds what was published before
        return
    # no atomic exchange on this system: two renames, undone by the next build if cut between
    old = target.with_name(f".{target.name}.old")
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
