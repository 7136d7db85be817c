"""The pages our own code writes whole into the built site, and the scripts the site bundles. In:
the folder `xxgk pages` wrote them to beside its pages (`fragments_dir`, laid out as the site:
agencies/<name>.html through `shell.page`, agencies/<name>.csv, sources/…). Out: those files in
the built site (linked in after MkDocs, which never reads them); and `vendor_vega`, the Vega
bundle the charts are drawn with (no CDN), loaded only by a page that draws a chart.

MkDocs renders the few hundred aggregate pages; an agency or source page costs its own writing
(kept from the last build when made from the same rows) and one link here, whatever the number
of agencies."""

from __future__ import annotations

import shutil
from pathlib import Path

from .. import paths
from ..files import write_atomic
from . import strings
from .links import RESERVED_NAMES, sources_apart
from .sitemap import is_sitemap
from .sync import SourceFile, put_files, stats_under

WHOLE = ("agencies", "sources", "quality", "publication")  # the site's folders whose pages are written whole, outside MkDocs


def fragments_dir(pages: Path) -> Path:
    """Where the pages written whole wait for the built site (beside the pages, outside MkDocs'
    docs_dir, so MkDocs never reads or copies them)."""
    pages = Path(pages)
    return pages.with_name(pages.name + "-agencies")


def mkdocs_dir(site: Path) -> Path:
    """Where MkDocs builds the aggregate pages for the site `site` (beside it, kept from build to
    build so that MkDocs rebuilds only the pages whose Markdown changed: `mkdocs_build`)."""
    site = Path(site)
    return site.with_name(f".{site.name}.mkdocs")


def render_agencies(site: Path, pages: Path = paths.SITE_DOCS, files: Path | None = None, made: Path | None = None) -> int:
    """Put into the site `site` what MkDocs made (`made`, by default `mkdocs_dir(site)`: copied,
    with their times) and the pages written whole (agency pages and their CSVs, source pages and
    their files, the package's files: hard links where the file system allows, as no writer
    writes a file there in place); returns the number of agency pages. With `files` (the
    site's downloads published apart: XXGK_FILES_URL), every file written whole but a page goes
    there instead, at the same path (and the package's files, `data/`), and the source pages too
    when they were written to be published with their files (`sources_apart`: XXGK_SITE_URL set
    as well, as for `xxgk pages`).

    Only what changed is put in place (`sync.put_files`): a national site is half a million
    files, of which a new report changes a few hundred. The sitemaps and compressed copies that
    `finish` writes stay until it replaces them."""
    site, fragments = Path(site), fragments_dir(pages)
    made = mkdocs_dir(site) if made is None else Path(made)
    # MkDocs' own sitemap is never put in place: `finish` writes the site's (a build stopped between
    # the two would otherwise leave MkDocs' in the site)
    on_site: dict[str, SourceFile] = {rel: SourceFile(made / rel, linked=False, stat=stat) for rel, stat in stats_under(made).items()
                                      if not is_sitemap(rel)}
    apart: dict[str, SourceFile] = {}
    moved = ("sources",) if files is not None and sources_apart() else ()  # folders whose pages go too
    written = 0
    for folder in (*WHOLE, "data"):
        for rel, stat in sorted(stats_under(fragments / folder).items()):
            name = rel.rsplit("/", 1)[-1]
            page = name.endswith(".html")
            if folder == "agencies" and name.split(".", 1)[0] in RESERVED_NAMES:  # file_name() never makes one: a stray file
                raise ValueError(f"{fragments / folder / rel} would overwrite a page of the site")
            where = on_site if files is None or (page and folder not in moved) else apart
            where[f"{folder}/{rel}"] = SourceFile(fragments / folder / rel, linked=True, stat=stat)
            written += folder == "agencies" and page
    # the site of another language lives inside the default language's (en/): its own build puts it
    others = tuple(strings.root(lang) for lang in strings.LANGS[1:])
    put_files(site, on_site, keep=lambda rel: is_sitemap(rel) or _compressed_copy_of(rel, on_site) or rel.startswith(others))
    if files is not None:
        put_files(Path(files), apart)
    return written


def _compressed_copy_of(rel: str, wanted: dict) -> bool:
    """Whether `rel` is a compressed copy (`compress`) of a file the site keeps: `finish` brings it up to date."""
    stem, dot, suffix = rel.rpartition(".")
    return bool(dot) and f".{suffix}" in (".gz", ".br") and stem in wanted


def vendor_vega(target: Path) -> None:
    """Vega, Vega-Lite and vega-embed in one file, bundled from the vl-convert package (no CDN)."""
    import vl_convert

    version = getattr(vl_convert, "__version__", "") or "bundle"
    cache = paths.BUILD / "vendor" / f"vega-{version}.js"
    if not cache.exists():
        # the stub asks for a snippet; the default one sets the globals the charts use
        write_atomic(cache, vl_convert.javascript_bundle().encode("utf-8"))  # type: ignore[call-arg]
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cache, target)
