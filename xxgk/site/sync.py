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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..files import link_file, write_atomic


def files_under(folder: Path) -> set[str]:
    """The files under `folder`, relative and with "/", leaving out hidden ones (build records)
    and hidden folders; nothing when there is no such folder."""
    return set(stats_under(folder))


def stats_under(folder: str | Path) -> dict[str, os.stat_result]:
    """`files_under` with each file's own stat (not a link's target), from one walk: comparing
    half a million files one `stat` at a time from Python took seconds more."""
    out: dict[str, os.stat_result] = {}
    pending = [(str(folder), "")]
    while pending:
        here, rel = pending.pop()
        try:
            entries = os.scandir(here)
        except (FileNotFoundError, NotADirectoryError):
            continue
        with entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, f"{rel}{entry.name}/"))
                else:
                    out[rel + entry.name] = entry.stat(follow_symlinks=False)
    return out


def _copy_file(path: str | Path, dest: str | Path) -> None:
    """`dest` as a copy of `path` with its times (replaced whole: `dest` may be a link)."""
    write_atomic(Path(dest), Path(path).read_bytes())
    stat = os.stat(path)
    os.utime(dest, ns=(stat.st_atime_ns, stat.st_mtime_ns))


@dataclass(frozen=True)
class SourceFile:
    """A file of this build: linked into place (the same file is unchanged) or copied with its
    time (the same size and time is unchanged: MkDocs writes its output in place). `stat`: its
    own, when the walk that found it has it already."""
    path: Path
    linked: bool
    stat: os.stat_result | None = None

    def same_as(self, dest: os.stat_result) -> bool:
        try:
            a = self.stat or os.stat(self.path)
        except OSError:
            return False
        if self.linked:
            return (a.st_ino, a.st_dev) == (dest.st_ino, dest.st_dev)
        return (a.st_size, a.st_mtime_ns) == (dest.st_size, dest.st_mtime_ns)

    def put(self, dest: str) -> None:
        (link_file if self.linked else _copy_file)(self.path, dest)


def put_files(target: Path, wanted: dict[str, SourceFile], keep: Callable[[str], bool] = lambda rel: False) -> tuple[int, int]:
    """`target` holding the `wanted` files (by relative path) and nothing else but hidden files
    and those `keep` names. Returns (files put in place, files removed)."""
    return _sync(target, sorted(wanted), lambda rel, dest, stat: wanted[rel].same_as(stat), lambda rel, dest: wanted[rel].put(dest), keep)


def move_changed(new: Path, old: Path) -> tuple[int, int]:
    """The files of the folder `new` moved into `old` where they differ from what is there (by
    their bytes), the others dropped; the files of `old` that `new` lacks removed. Returns (files
    replaced or added, files removed)."""
    def same(rel: str, dest: str, stat: os.stat_result) -> bool:
        if filecmp.cmp(new / rel, dest, shallow=False):
            (new / rel).unlink()
            return True
        return False

    return _sync(old, sorted(files_under(new)), same, lambda rel, dest: os.replace(new / rel, dest), lambda rel: False)


def _sync(target: Path, wanted: list[str], same: Callable[[str, str, os.stat_result], bool], put: Callable[[str, str], None],
          keep: Callable[[str], bool]) -> tuple[int, int]:
    had = stats_under(target)
    top = str(target)
    put_count, made = 0, set()
    for rel in wanted:
        dest = os.path.join(top, rel)
        stat = had.get(rel)
        if stat is not None and same(rel, dest, stat):
            continue
        parent = os.path.dirname(dest)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        put(rel, dest)
        put_count += 1
    stale = sorted(had.keys() - set(wanted))
    stale = [rel for rel in stale if not keep(rel)]
    for rel in stale:
        (target / rel).unlink()
        folder = (target / rel).parent
        while folder != target and not any(folder.iterdir()):  # a folder its files left
            folder.rmdir()
            folder = folder.parent
    return put_count, len(stale)


def write_changed(path: Path, data: bytes) -> bool:
    """`data` into `path` unless the file holds it already (its time and inode kept: `put_files`
    then leaves the built site's copy as it is); whether it was written."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)
    return True


def remove_stale(folder: Path, keep: set[str], by_stem: bool = False) -> None:
    """Remove the files of `folder` no page of this build wrote (by name, or by the name before
    its first dot: a source page's files share it)."""
    try:
        entries = os.scandir(folder)
    except FileNotFoundError:
        return
    with entries:
        stale = [e.path for e in entries if e.is_file(follow_symlinks=False) and (e.name.split(".", 1)[0] if by_stem else e.name) not in keep]
    for path in stale:
        os.unlink(path)
