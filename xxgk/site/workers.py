"""The agency and source pages written on every core. In: one `Site` (the package read once, in
the parent) and the keys of the pages to write. Out: each page's digest (`""` for a source page
not published), and for agency pages the figures of their reports (the aggregate pages sum them
in the parent instead of computing them again) and how many were kept unchanged.

Workers are forked from the process that read the package, and each task carries the rows its
pages are made from (`Rows`: the agencies, their reports, findings and register rows), pickled by
the parent: a worker that looked them up in the inherited tables would change every object's
reference count, and so copy, page by page, the parent's whole memory into each worker. The
inherited tables stay referenced and untouched (`_install`; the collector kept off them by
`gc.freeze`). Keys go out in chunks of CHUNK, in order."""

from __future__ import annotations

import gc
import os
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing import get_context

from .context import Site
from .published import ReportFigures

CHUNK = 256  # pages per task: small enough to balance two workers, large enough to cost nothing
_SITE: Site | None = None  # the parent's Site, inherited by the forked workers


def jobs_wanted(jobs: int | None = None) -> int:
    """Workers for the pages: `jobs`, else XXGK_JOBS, else every core."""
    return max(1, jobs or int(os.environ.get("XXGK_JOBS") or 0) or os.cpu_count() or 1)


@dataclass
class Rows:
    """What a chunk of agency pages is made from, for those agencies only."""
    agencies: dict[str, dict]
    by_agency: dict[str, list[dict]]
    secondary: dict[str, list[dict]]
    register: dict[str, list[dict]]
    checks: dict[str, list[dict]]  # by report_id, of their reports and other files
    kept_figures: dict[str, str]


def rows_of(site: Site, aids: list[str]) -> Rows:
    """The rows of these agencies' pages, taken from the site's tables (in the parent)."""
    by_agency = {aid: site.by_agency[aid] for aid in aids if aid in site.by_agency}
    secondary = {aid: site.secondary_by_agency[aid] for aid in aids if aid in site.secondary_by_agency}
    rids = [r["report_id"] for rs in (*by_agency.values(), *secondary.values()) for r in rs]
    pub = site.pub
    return Rows({aid: site.agencies[aid] for aid in aids}, by_agency, secondary,
                {aid: site.register_by_agency[aid] for aid in aids if aid in site.register_by_agency},
                {rid: pub.checks[rid] for rid in rids if rid in pub.checks},
                {rid: pub.kept_figures[rid] for rid in rids if rid in pub.kept_figures})


_INHERITED: list = []  # in a worker: the parent's tables, still referenced, so never freed (which would touch them all)


def _install(site: Site, rows: Rows) -> None:
    """The site of a worker made to hold only the rows of its current chunk."""
    if not _INHERITED:
        _INHERITED.append((site.agencies, site.by_agency, site.secondary_by_agency, site.register_by_agency,
                           site.pub.checks, site.pub.kept_figures))
    site.agencies, site.by_agency, site.secondary_by_agency = rows.agencies, rows.by_agency, rows.secondary
    site.register_by_agency = defaultdict(list, rows.register)
    site.pub.checks, site.pub.kept_figures = rows.checks, rows.kept_figures


def _agencies(task: tuple[list[tuple[str, str | None]], Rows | None]) -> tuple[list[tuple[str, str]], dict[str, ReportFigures], int]:
    from .agency import agency_page

    keys, rows = task
    assert _SITE is not None
    site = _SITE
    if rows is not None:
        _install(site, rows)
    done, reused = [], site.reused
    for aid, previous in keys:
        done.append((aid, agency_page(site, aid, previous)))
    figures = site.pub._figures
    rids = [r["report_id"] for aid, _ in keys for r in site.by_agency.get(aid, [])]
    # a worker hands its figures back and keeps none (the parent keeps them all)
    mine = {rid: figures.pop(rid) if rows is not None else figures[rid] for rid in rids if rid in figures}
    return done, mine, site.reused - reused


def _sources(keys: list[tuple[str, str | None, dict]]) -> list[tuple[str, str]]:
    from .sources import source_page

    assert _SITE is not None
    return [(rid, source_page(_SITE, report, previous)) for rid, previous, report in keys]


def _chunks(items: list) -> Iterator[list]:
    for i in range(0, len(items), size := CHUNK):
        yield items[i:i + size]


def _run(site: Site, task: Callable, keys: list, jobs: int, payload: Callable[[list], object] | None = None) -> Iterator:
    """`task` over the chunks of `keys`, in order; on `jobs` forked workers, each chunk with
    `payload(chunk)` (in one process the chunk alone, with None)."""
    global _SITE
    _SITE = site
    try:
        if jobs <= 1 or len(keys) < 2 * CHUNK:
            yield from (task((chunk, None) if payload else chunk) for chunk in _chunks(keys))
            return
        # the package's rows out of the collector's reach: a collection in a worker would write to
        # every object's header, and so copy the parent's whole memory into each worker
        gc.freeze()
        with get_context("fork").Pool(jobs) as pool:
            yield from pool.imap(task, ((chunk, payload(chunk)) if payload else chunk for chunk in _chunks(keys)))
    finally:
        gc.unfreeze()
        _SITE = None


def write_sources(site: Site, previous: dict[str, str], jobs: int) -> dict[str, str]:
    """Every report's source page; its digest by report_id ("" where none is published)."""
    keys = [(r["report_id"], previous.get(r["report_id"]), r) for r in site.pub.reports]
    made = {rid: key for chunk in _run(site, _sources, keys, jobs) for rid, key in chunk}
    site.published_sources.update(rid for rid, key in made.items() if key)
    return made


def write_agencies(site: Site, previous: dict[str, str], jobs: int) -> dict[str, str]:
    """Every agency's page; its digest by agency_id. The figures of each report come back with
    it (`Published.figures`)."""
    from .aggregate import quality_layout

    quality_layout(site)  # where other files' findings are listed: laid out once, here, from every report
    keys = [(aid, previous.get(aid)) for aid in sorted(site.agencies)]
    made: dict[str, str] = {}
    in_parent = jobs <= 1 or len(keys) < 2 * CHUNK
    for done, figures, reused in _run(site, _agencies, keys, jobs, lambda chunk: rows_of(site, [aid for aid, _ in chunk])):
        made.update(done)
        if not in_parent:  # a worker's counts and figures are its own
            site.pub._figures.update(figures)
            site.pages += len(done)
            site.reused += reused
    return made
