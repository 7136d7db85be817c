"""Package: the corpus in, a validated Frictionless data package out (`build`).

In: a corpus folder. Out: `datapackage/` (reports, agencies, facts, checks, texts, register,
codes as CSV and Parquet, and datapackage.json). `worker` is the per-file map (one file's rows,
through the parse cache in `cache`); `assemble` the corpus-wide step (agencies, one report per
agency and year, cross-year checks, register); `tables` the CSV/Parquet writers; `descriptor` and
`schema` the descriptor; `validate` the build's check on whole columns (`conform`), Frictionless
(`xxgk validate`) and the key checks; `publish` the atomic swap.
Files are parsed in parallel in a fixed order and streamed, so memory does not grow with the
corpus and the same corpus always gives the same bytes; the package is moved into place only
once validated: a failed or interrupted run leaves the previous package as it was.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from . import publish
from .assemble import Summary, assemble, build_year
from .cache import ParseCache, parser_version
from .validate import check_package, validate_package

__all__ = ["PackageInvalid", "Summary", "build", "build_year", "check_package", "validate_package"]


def build(corpus: Path, out: Path, jobs: int | None = None, validate: bool = True, cache: Path | None = None) -> Summary:
    """Parse every file below `corpus` and publish the package at `out` (atomically)."""
    corpus = Path(corpus)
    out = Path(out)
    if not corpus.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus}")
    tmp = publish.temp_beside(out, "data package")
    store = ParseCache(cache, parser_version()) if cache else None
    try:
        summary = assemble(corpus, tmp, jobs, store)
        if validate:
            problems = check_package(tmp)
            if problems:
                raise PackageInvalid(problems)
        publish.replace(tmp, out)
        if store is not None and store.problem and store.problem not in summary.warnings:
            summary.warnings.append(store.problem)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return summary


class PackageInvalid(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("the data package does not validate:\n" + "\n".join(problems[:50]))
        self.problems = problems
