"""Putting a build's files in place of the last build's, changing only what changed. In: the
files of this build (made anew, to be moved; or made elsewhere, to be linked or copied) and the
folder they go to. Out: that folder holding them, where a file that did not change is the last
build's, untouched (its time too: MkDocs' incremental build and a deploy tool go by it), a
changed file replaced whole (never written through: it may be linked elsewhere), and a file no
longer made removed.

A national site is half a million files, of which one new report changes a few hundred: a build
that wrote them all again would cost minutes."""

from __future__ import annotations

import filecmp
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..files import write_atomic


def files_under(folder: Path) -> set[str]:
    """The files under `folder`, relative and with "/", leaving out hidden ones (build records)
    and hidden folders; nothing when there is no such folder."""
    out: set[str] = set()
    for here, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        rel = Path(here).relative_to(folder).as_posix()
        out.update(name if rel == "." else f"{rel}/{name}" for name in names if not name.startswith("."))
    return out


def link_file(path: str | Path, dest: str | Path) -> None:
    """`dest` as a hard link to `path` (a copy where links are refused), replacing what is there."""
    try:
        os.link(path, dest)
    except FileExistsError:  # the last build's: replaced, never written through (it may be linked to a page)
        Path(dest).unlink()
        link_file(path, dest)
    except OSError:  # a file system without hard links
        shutil.copyfile(path, dest)


def _copy_file(path: Path, dest: Path) -> None:
    """`dest` as a copy of `path` with its times (replaced whole: `dest` may be a link)."""
    write_atomic(dest, path.read_bytes())
    stat = path.stat()
    os.utime(dest, ns=(stat.st_atime_ns, stat.st_mtime_ns))


@dataclass(frozen=True)
class SourceFile:
    """A file of this build: linked into place (the same file is unchanged) or copied with its
    time (the same size and time is unchanged: MkDocs writes its output in place)."""
    path: Path
    linked: bool

    def same_as(self, dest: Path) -> bool:
        try:
            if self.linked:
                return os.path.samefile(self.path, dest)
            a, b = self.path.stat(), dest.stat()
            return (a.st_size, a.st_mtime_ns) == (b.st_size, b.st_mtime_ns)
        except OSError:
            return False

    def put(self, dest: Path) -> None:
        (link_file if self.linked else _copy_file)(self.path, dest)


def put_files(target: Path, wanted: dict[str, SourceFile], keep: Callable[[str], bool] = lambda rel: False) -> tuple[int, int]:
    """`target` holding the `wanted` files (by relative path) and nothing else but hidden files
    and those `keep` names. Returns (files put in place, files removed)."""
    return _sync(target, sorted(wanted), lambda rel, dest: wanted[rel].same_as(dest), lambda rel, dest: wanted[rel].put(dest), keep)


def move_changed(new: Path, old: Path) -> tuple[int, int]:
    """The files of the folder `new` moved into `old` where they differ from what is there (by
    their bytes), the others dropped; the files of `old` that `new` lacks removed. Returns (files
    replaced or added, files removed)."""
    def same(rel: str, dest: Path) -> bool:
        if filecmp.cmp(new / rel, dest, shallow=False):
            (new / rel).unlink()
            return True
        return False

    return _sync(old, sorted(files_under(new)), same, lambda rel, dest: os.replace(new / rel, dest), lambda rel: False)


def _sync(target: Path, wanted: list[str], same: Callable[[str, Path], bool], put: Callable[[str, Path], None],
          keep: Callable[[str], bool]) -> tuple[int, int]:
    had = files_under(target)
    put_count, made = 0, set()
    for rel in wanted:
        dest = target / rel
        if rel in had and same(rel, dest):
            continue
        if dest.parent not in made:
            dest.parent.mkdir(parents=True, exist_ok=True)
            made.add(dest.parent)
        put(rel, dest)
        put_count += 1
    stale = sorted(had.difference(wanted))
    stale = [rel for rel in stale if not keep(rel)]
    for rel in stale:
        (target / rel).unlink()
        parent = (target / rel).parent
        while parent != target and not any(parent.iterdir()):  # a folder its files left
            parent.rmdir()
            parent = parent.parent
    return put_count, len(stale)
