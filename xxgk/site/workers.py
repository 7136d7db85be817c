"""The agency and source pages written on every core. In: one `Site` (the package read once, in
the parent) and the keys of the pages to write. Out: each page's digest (`""` for a source page
not published), and for agency pages the figures of their reports (the aggregate pages sum them
in the parent instead of computing them again) and how many were kept unchanged.

Workers are forked from the process that read the package, so they share its memory: the facts
table is never written to, so never copied; the Python rows a worker uses are copied page by page
as it touches them (reference counts), the others stay shared (`gc.freeze`). Keys go out in
chunks of CHUNK, in order."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from multiprocessing import get_context

from .context import Site
from .published import ReportFigures

CHUNK = 256  # pages per task: small enough to balance two workers, large enough to cost nothing
_SITE: Site | None = None  # the parent's Site, inherited by the forked workers


def jobs_wanted(jobs: int | None = None) -> int:
    """Workers for the pages: `jobs`, else XXGK_JOBS, else every core."""
    return max(1, jobs or int(os.environ.get("XXGK_JOBS") or 0) or os.cpu_count() or 1)


def _agencies(keys: list[tuple[str, str | None]]) -> tuple[list[tuple[str, str]], dict[str, ReportFigures], int]:
    from .agency import agency_page

    assert _SITE is not None
    site = _SITE
    done, reused = [], site.reused
    for aid, previous in keys:
        done.append((aid, agency_page(site, aid, previous)))
    figures = site.pub._figures
    mine = {rid: figures[rid] for aid, _ in keys for r in site.by_agency.get(aid, []) if (rid := r["report_id"]) in figures}
    return done, mine, site.reused - reused


def _sources(keys: list[tuple[str, str | None]]) -> list[tuple[str, str]]:
    from .sources import source_page

    assert _SITE is not None
    by_id = _SITE.reports_by_id
    return [(rid, source_page(_SITE, by_id[rid], previous)) for rid, previous in keys]


def _chunks(items: list) -> Iterator[list]:
    for i in range(0, len(items), size := CHUNK):
        yield items[i:i + size]


def _run(site: Site, task: Callable, keys: list, jobs: int) -> Iterator:
    global _SITE
    _SITE = site
    try:
        if jobs <= 1 or len(keys) < 2 * CHUNK:
            yield from map(task, _chunks(keys))
            return
        # the package's rows out of the collector's reach: a collection in a worker would write to
        # every object's header, and so copy the parent's whole memory into each worker
        gc.freeze()
        with get_context("fork").Pool(jobs) as pool:
            yield from pool.imap(task, _chunks(keys))
    finally:
        gc.unfreeze()
        _SITE = None


def write_sources(site: Site, previous: dict[str, str], jobs: int) -> dict[str, str]:
    """Every report's source page; its digest by report_id ("" where none is published)."""
    keys = [(r["report_id"], previous.get(r["report_id"])) for r in site.pub.reports]
    made = {rid: key for chunk in _run(site, _sources, keys, jobs) for rid, key in chunk}
    site.published_sources.update(rid for rid, key in made.items() if key)
    return made


def write_agencies(site: Site, previous: dict[str, str], jobs: int) -> dict[str, str]:
    """Every agency's page; its digest by agency_id. The figures of each report come back with
    it (`Published.figures`)."""
    keys = [(aid, previous.get(aid)) for aid in sorted(site.agencies)]
    made: dict[str, str] = {}
    in_parent = jobs <= 1 or len(keys) < 2 * CHUNK
    for done, figures, reused in _run(site, _agencies, keys, jobs):
        made.update(done)
        if not in_parent:  # a worker's counts and figures are its own
            site.pub._figures.update(figures)
            site.pages += len(done)
            site.reused += reused
    return made
