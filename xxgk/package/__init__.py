"""Package: the corpus in, a validated Frictionless data package out (`build`).

In: a corpus folder. Out: `datapackage/` (reports, report_figures, agencies, facts, checks, texts,
register, codes, figure_mapping as CSV and Parquet, and datapackage.json). `worker` is the per-file map (one file's rows,
through the parse cache in `cache`); `assemble` the corpus-wide step (agencies, one report per
agency and year, cross-year checks, register); `tables` the CSV/Parquet writers; `wide` the tables for spreadsheets; `descriptor` and
`schema` the descriptor; `validate` the build's check on whole columns (`conform`), Frictionless
(`xxgk validate`) and the key checks; `publish` the atomic swap.
Files are parsed in parallel in a fixed order and streamed, so memory does not grow with the
corpus and the same corpus always gives the same bytes; the package is moved into place only
once validated: a failed or interrupted run leaves the previous package as it was.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

from ..corpus.walk import corpus_files
from ..memory import give_back_memory
from . import fragments, parts, publish
from .assemble import Summary, assemble, build_year
from .cache import ParseCache, parser_version
from .validate import check_package, validate_package
from .worker import FileResult, parse_all

__all__ = ["PackageInvalid", "Summary", "assemble_shards", "build", "build_shard", "build_year", "check_package", "validate_package"]


def build(corpus: str | os.PathLike, out: Path, jobs: int | None = None, validate: bool = True, cache: Path | None = None,
          store: str = "", checkout: Path | None = None) -> Summary:
    """Parse every file of `corpus` (a folder, or a manifest over a store: see corpus.source) and
    publish the package at `out` (atomically)."""
    folder, notes = _corpus(corpus, out, store, checkout)
    parse_cache = ParseCache(cache, parser_version()) if cache else None
    summary = _publish(folder, Path(out), validate, lambda files: parse_all(folder, files, jobs or os.cpu_count() or 1, parse_cache),
                       parse_cache)
    summary.warnings += notes
    if parse_cache is not None and parse_cache.problem and parse_cache.problem not in summary.warnings:
        summary.warnings.append(parse_cache.problem)
    return summary


def build_shard(corpus: str | os.PathLike, out: Path, shard: str, jobs: int | None = None, cache: Path | None = None,
                store: str = "", checkout: Path | None = None) -> int:
    """Parse the files of one shard (`K/N`) of `corpus` and publish their fragments at `out`, for
    `assemble_shards`; returns the number of files. Of a manifest, only the shard's files are fetched."""
    k, n = fragments.parse_shard(shard)
    folder, _ = _corpus(corpus, out, store, checkout, lambda rel: fragments.in_shard(rel, k, n))
    parse_cache = ParseCache(cache, parser_version()) if cache else None
    files = [f for f in corpus_files(folder) if fragments.in_shard(f.relative_to(folder).as_posix(), k, n)]
    tmp = publish.temp_beside(Path(out), "fragments of a sharded build")
    try:
        count = fragments.write(parse_all(folder, files, jobs or os.cpu_count() or 1, parse_cache), tmp, shard, parser_version())
        publish.replace(tmp, Path(out))
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return count


def assemble_shards(folders: list[Path], corpus: str | os.PathLike, out: Path, validate: bool = True, store: str = "",
                    checkout: Path | None = None, cache: Path | None = None) -> Summary:
    """The package of `corpus` from the fragments of every shard (`build_shard`), published at `out`:
    byte for byte the package `build` makes on one machine. With `cache`, the parts of the last
    assemble whose files are unchanged are reused (see parts.py)."""
    folder, notes = _corpus(corpus, out, store, checkout)
    summary = _publish(folder, Path(out), validate, lambda files: fragments.read(
        [Path(f) for f in folders], parser_version(), [f.relative_to(folder).as_posix() for f in files]),
        ParseCache(cache, parser_version()) if cache else None)
    summary.warnings += notes
    return summary


def _corpus(corpus: str | os.PathLike, out: Path, store: str, checkout: Path | None,
            select: Callable[[str], bool] | None = None) -> tuple[Path, list[str]]:
    """The corpus folder, and what reading a manifest found wrong. A manifest's files are checked
    out into `checkout` (by default a hidden folder beside `out`, kept between builds)."""
    from ..corpus import source  # fsspec only when a corpus may be a manifest, not in the parse workers' imports

    out = Path(out)
    return source.folder_of(corpus, checkout or out.with_name(f".{out.name}.checkout"), store, select)


def _publish(corpus: Path, out: Path, validate: bool, results: Callable[[list[Path]], Iterable[FileResult]],
             cache: ParseCache | None = None) -> Summary:
    """Assemble the package into a folder beside `out`, validate it, put it in place. The parts of
    the report-level resources are kept in the parse cache's folder for the next build, if there is
    one; a part is marked validated once a build that validated it is published."""
    tmp = publish.temp_beside(out, "data package")
    part_cache = parts.PartCache(cache.folder / "parts", tmp / ".parts") if cache is not None else parts.PartCache(tmp / ".parts")
    try:
        summary, written = assemble(corpus, tmp, results, part_cache)
        give_back_memory()  # the assembly's rows: the validation starts from what the package needs
        if part_cache.problem and not (cache is not None and cache.problem):
            summary.warnings.append(part_cache.problem)
        if validate:
            problems = check_package(tmp, written)
            if problems:
                raise PackageInvalid(problems)
        shutil.rmtree(tmp / ".parts", ignore_errors=True)
        publish.replace(tmp, out)
        if validate and cache is not None:
            for w in written.values():
                for _, signature, _ in w.fresh:
                    part_cache.mark_validated(w.name, signature)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return summary


class PackageInvalid(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("the data package does not validate:\n" + "\n".join(problems[:50]))
        self.problems = problems
