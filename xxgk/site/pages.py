"""The page generator: reads only the published data package (and the corpus files it names, to
publish them beside the figures) and writes the site's pages. In: the package, the corpus and the
hand-written pages (docs/). Out: the folder MkDocs builds from (build/docs: the aggregate pages as
Markdown, source pages, the package's files, the scripts), and beside it the agency pages, whole,
for `render_agencies` to put into the built site.

`build` runs the page writers over one `Site` (context.py: what the pages share): `sources`
(source pages), `agency` (agency pages and their cache), `aggregate` (home, regions, rankings,
quality, dictionary, downloads, search); `render` puts the agency pages into the built site
afterwards. `write_pages`, `render_agencies` and the names of pages (`file_name`,
`agency_href`, `RESERVED_NAMES`, `TEMPLATE_PAGE`, `fragments_dir`) are imported from here by the
CLI and the tests.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from .. import paths
from ..package import publish
from . import aggregate, strings
from .charts import site_config, templates
from .citation import PACKAGE_SCRIPT, package_script
from .context import Site
from .downloads import start_downloads
from .html import json_in_html
from .keys import FIGURES, KEYS, digest, pages_version, read_figures, read_keys, write_figures
from .links import RESERVED_NAMES, TEMPLATE_PAGE, agency_href, file_name, files_url, region_href, source_href
from .render import fragments_dir, render_agencies, vendor_vega
from .sync import link_file, move_changed, remove_stale
from .workers import jobs_wanted, write_agencies, write_sources

__all__ = ["RESERVED_NAMES", "TEMPLATE_PAGE", "Site", "agency_href", "build", "file_name", "fragments_dir", "region_href",
           "render_agencies", "source_href", "write_pages"]


def build(site: Site, jobs: int = 1) -> int:
    """Write every page of `site` into a folder made anew, moved into its folder where a file
    changed (an unchanged page keeps its file and time, so MkDocs renders it no more: `sync`),
    and the pages written whole beside it (agency and source pages; those made from the same
    rows by the same code as last time are kept), on `jobs` cores. Returns the number of pages."""
    publish.check_target(site.out)  # never remove a folder xxgk did not write (`--out corpus`)
    if not ((site.fragments / KEYS).is_file() or publish.is_ours(site.fragments)):
        raise publish.NotOurs(site.fragments)  # its stale pages are deleted below
    final, site.out = site.out, publish.temp_beside(site.out, "site pages")  # made anew, then put in place
    try:
        _write(site, jobs)
        final.mkdir(parents=True, exist_ok=True)
        publish.mark(final, "site pages")
        # the pages that did not change keep their files (and times: MkDocs rebuilds only the others)
        move_changed(site.out, final)
    finally:
        shutil.rmtree(site.out, ignore_errors=True)
        site.out = final
    return site.pages


def _write(site: Site, jobs: int) -> None:
    shutil.copytree(site.sources, site.out, dirs_exist_ok=True)
    own = paths.in_language(site.sources, site.lang)
    if site.shares and own.is_dir():  # another language: its hand-written pages over the default language's
        shutil.copytree(own, site.out, dirs_exist_ok=True)
    site.fragments.mkdir(parents=True, exist_ok=True)
    publish.mark(site.fragments, "agency pages")
    previous = read_keys(site.fragments / KEYS)
    figures_version = digest([pages_version(), site.pub.codes, site.lang])
    site.pub.kept_figures = read_figures(site.fragments / FIGURES, figures_version)
    for record in (KEYS, FIGURES):
        (site.fragments / record).unlink(missing_ok=True)  # an interrupted run then leaves nothing to trust
    vendor_vega(site.out / "javascripts" / "vega.js")
    (site.out / "javascripts" / "charts-config.js").write_text(
        f"window.XXGK_CHART_CONFIG = {json_in_html(site_config())};\nwindow.XXGK_CHARTS = {json_in_html(templates())};\n", encoding="utf-8")
    # the package's version and date, which every agency page's citation shows (one file: the date changes with any report)
    (site.out / "javascripts" / PACKAGE_SCRIPT).write_text(package_script(site.pub), encoding="utf-8")
    # the downloads and source pages are the default language's, shared
    downloads = (lambda: True) if site.shares else start_downloads(site.package, site.downloads, site.pub.descriptor)
    try:
        kept_sources, kept_agencies = _kept(previous, "sources"), _kept(previous, "agencies")
        sources = {} if site.shares else write_sources(site, kept_sources, jobs)
        agencies = write_agencies(site, kept_agencies, jobs)
        site.pub.release_facts()
        keep = {f"{file_name(aid)}{ext}" for aid in agencies for ext in (".html",) + (() if site.shares else (".csv", ".json"))}
        remove_stale(site.fragments / "agencies", keep)
        remove_stale(site.fragments / "sources", {file_name(rid) for rid, key in sources.items() if key}, by_stem=True)
        keys = {"agencies": agencies, "sources": {rid: key for rid, key in sources.items() if key}}
        (site.fragments / KEYS).write_text(json.dumps(keys, sort_keys=True, indent=0) + "\n", encoding="utf-8")
        # which takes every counted report's figures (from the record where kept); the downloads
        # page, which gives their sizes, waits for them
        aggregate.write_all(site, lambda: _downloads_made(site, downloads))
    finally:
        downloads()
    write_figures(site.fragments / FIGURES, figures_version, ((rid, f.plain()) for rid, f in sorted(site.pub._figures.items())))


def _downloads_made(site: Site, wait: Callable[[], bool]) -> None:
    wait()
    if not files_url() and not site.shares:  # published with the pages: MkDocs checks the links to them and copies them in
        shutil.copytree(site.downloads, site.out / "data", ignore=shutil.ignore_patterns(".*"), copy_function=link_file)


def _kept(previous: dict, kind: str) -> dict:
    """The digests the last build's pages of one kind were made from (nothing if unreadable)."""
    kept = previous.get(kind)
    return kept if isinstance(kept, dict) else {}


def write_pages(package: Path = paths.PACKAGE, out: Path = paths.SITE_DOCS, corpus: Path | None = paths.CORPUS,
                sources: Path = paths.DOCS, jobs: int | None = None, lang: str = paths.DEFAULT_LANG) -> Site:
    """The site's pages from the package in one language: the `Site` built (its `pages`,
    `agencies`, `reused`), on `jobs` cores (XXGK_JOBS, else every core). `out` is the default
    language's pages folder, whose pages another language's build (into `paths.in_language(out,
    lang)`) shares: the default language's pages are written first."""
    default = Path(out) if lang != paths.DEFAULT_LANG else None
    before = strings.LANG
    try:
        site = Site(package, paths.in_language(Path(out), lang), corpus, sources, lang=lang, default_pages=default)
        build(site, jobs_wanted(jobs))
    finally:
        strings.use(before)  # the language is this build's, not the process's
    return site
