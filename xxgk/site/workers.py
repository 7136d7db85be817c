"""The agency and source pages written on every core. In: one `Site` (the package read once, in
the parent) and the keys of the pages to write. Out: each page's digest (`""` for a source page
not published), and for agency pages the figures of their reports (the aggregate pages sum them
in the parent instead of computing them again) and how many were kept unchanged.

The workers are new interpreters, not forks of the process that read the package: a fork shares
that memory, and the parent, pickling each task (which touches every object it sends), would copy
it page by page into one of the two. A worker reads what every page shares (the descriptor, the
codes, where the facts files' row groups start: `Site(rows=False)`), and each task carries the
rows its pages are made from (`Rows`: the agencies, their reports, findings, register rows, where
their facts lie, their peers' figures). Keys go out in chunks of CHUNK, in order."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from .context import Site
from .published import ReportFigures

CHUNK = 256  # pages per task: small enough to balance two workers, large enough to cost nothing
_SITE: Site | None = None  # the site the pages are written from: the parent's, or a worker's own


def jobs_wanted(jobs: int | None = None) -> int:
    """Workers for the pages: `jobs`, else XXGK_JOBS, else every core."""
    return max(1, jobs or int(os.environ.get("XXGK_JOBS") or 0) or os.cpu_count() or 1)


@dataclass
class Rows:
    """What a chunk of pages is made from, for its agencies and reports only."""
    agencies: dict[str, dict]
    by_agency: dict[str, list[dict]]
    secondary: dict[str, list[dict]]
    register: dict[str, list[dict]]
    checks: dict[str, list[dict]]  # by report_id, of their reports and other files
    kept_figures: dict[str, str]
    agency_of: dict[str, str]  # report_id: the agency whose page shows it
    published: set[str]  # the reports whose source page is published
    quality: dict[str, str]  # report_id: the data-quality page that lists its findings
    facts: dict[str, tuple[int, int, int]]  # report_id: where its facts lie (`Facts.where`)
    peers: dict[str, dict]  # agency_id: its peers' figures (`headline.peer_table`)


def rows_of(site: Site, aids: list[str]) -> Rows:
    """The rows of these agencies' pages, taken from the site's tables (in the parent)."""
    from .aggregate import quality_layout
    from .headline import peers_of

    peers = peers_of(site)
    by_agency = {aid: site.by_agency[aid] for aid in aids if aid in site.by_agency}
    secondary = {aid: site.secondary_by_agency[aid] for aid in aids if aid in site.secondary_by_agency}
    rids = [r["report_id"] for rs in (*by_agency.values(), *secondary.values()) for r in rs]
    pub, page_of = site.pub, quality_layout(site).page_of
    return Rows({aid: site.agencies[aid] for aid in aids}, by_agency, secondary,
                {aid: site.register_by_agency[aid] for aid in aids if aid in site.register_by_agency},
                {rid: pub.checks[rid] for rid in rids if rid in pub.checks},
                {rid: pub.kept_figures[rid] for rid in rids if rid in pub.kept_figures},
                {rid: site.agency_of[rid] for rid in rids if rid in site.agency_of},
                {rid for rid in rids if rid in site.published_sources},
                {rid: page_of[rid] for rid in rids if rid in page_of}, _where(site, rids),
                {aid: peers[aid] for aid in aids if aid in peers})


def source_rows(site: Site, rids: list[str]) -> Rows:
    """The rows of these reports' source pages (their agencies' names, where their facts lie)."""
    agency_of = {rid: site.agency_of[rid] for rid in rids if rid in site.agency_of}
    return Rows({aid: site.agencies[aid] for aid in sorted(set(agency_of.values()))}, {}, {}, {}, {}, {}, agency_of, set(), {},
                _where(site, rids), {})


def _where(site: Site, rids: list[str]) -> dict[str, tuple[int, int, int]]:
    where = site.pub.facts_index().where
    return {rid: where[rid] for rid in rids if rid in where}


def _start(spec: tuple[Path, Path, Path | None, Path, Path, str, Path | None]) -> None:
    """A worker's own site: the package's descriptor and codes, no rows, in its parent's language."""
    global _SITE
    package, out, corpus, sources, fragments, lang, default_pages = spec
    _SITE = Site(package, out, corpus, sources, rows=False, lang=lang, default_pages=default_pages)
    _SITE.fragments = fragments


def _install(site: Site, rows: Rows) -> None:
    """The site of a worker made to hold only the rows of its current chunk."""
    from .aggregate import QualityLayout, _layouts
    from .headline import _peers

    site.agencies, site.by_agency, site.secondary_by_agency = rows.agencies, rows.by_agency, rows.secondary
    site.register_by_agency = defaultdict(list, rows.register)
    site.pub.checks, site.pub.kept_figures = rows.checks, rows.kept_figures
    site.agency_of, site.published_sources = rows.agency_of, rows.published
    site.pub.facts_index().where = rows.facts
    _peers[site] = rows.peers
    _layouts[site] = QualityLayout(page_of=rows.quality)


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


def _sources(task: tuple[list[tuple[str, str | None, dict]], Rows | None]) -> list[tuple[str, str]]:
    from .sources import source_page

    keys, rows = task
    assert _SITE is not None
    if rows is not None:
        _install(_SITE, rows)
    return [(rid, source_page(_SITE, report, previous)) for rid, previous, report in keys]


def _chunks(items: list) -> Iterator[list]:
    for i in range(0, len(items), size := CHUNK):
        yield items[i:i + size]


def _run(site: Site, task: Callable, keys: list, jobs: int, payload: Callable[[list], Rows]) -> Iterator:
    """`task` over the chunks of `keys`, in order: in this process, each chunk with None (the
    site's own tables hold its rows), or on `jobs` workers, each with `payload(chunk)`."""
    global _SITE
    if jobs <= 1 or len(keys) < 2 * CHUNK:
        _SITE = site
        try:
            yield from (task((chunk, None)) for chunk in _chunks(keys))
        finally:
            _SITE = None
        return
    spec = (site.package, site.out, site.corpus, site.sources, site.fragments, site.lang, site.default_pages)
    with get_context("spawn").Pool(jobs, initializer=_start, initargs=(spec,)) as pool:
        yield from pool.imap(task, ((chunk, payload(chunk)) for chunk in _chunks(keys)))


def write_sources(site: Site, previous: dict[str, str], jobs: int) -> dict[str, str]:
    """Every report's source page; its digest by report_id ("" where none is published)."""
    keys = [(r["report_id"], previous.get(r["report_id"]), r) for r in site.pub.reports]
    made = {rid: key for chunk in _run(site, _sources, keys, jobs, lambda chunk: source_rows(site, [k[0] for k in chunk]))
            for rid, key in chunk}
    site.published_sources.update(rid for rid, key in made.items() if key)
    return made


def write_agencies(site: Site, previous: dict[str, str], jobs: int) -> dict[str, str]:
    """Every agency's page; its digest by agency_id. The figures of each report come back with
    it (`Published.figures`)."""
    from .aggregate import quality_layout
    from .headline import peers_of

    quality_layout(site)  # where other files' findings are listed: laid out once, here, from every report
    peers_of(site)  # every agency's peer medians, once, before any page
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
