"""The pages our own code writes whole into the built site, and the scripts the site bundles. In:
the folder `xxgk pages` wrote them to beside its pages (`fragments_dir`, laid out as the site:
agencies/<name>.html through `shell.page`, agencies/<name>.csv, sources/…). Out: those files in
the built site (linked in after MkDocs, which never reads them); and `vendor_vega`, the Vega
bundle the charts are drawn with (no CDN), loaded only by a page that draws a chart.

MkDocs renders the few hundred aggregate pages; an agency or source page costs its own writing
(kept from the last build when made from the same rows) and one link here, whatever the number
of agencies."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .. import paths
from ..files import write_atomic
from .links import RESERVED_NAMES, sources_apart

WHOLE = ("agencies", "sources")  # the site's folders whose pages are written whole, outside MkDocs


def fragments_dir(pages: Path) -> Path:
    """Where the pages written whole wait for the built site (beside the pages, outside MkDocs'
    docs_dir, so MkDocs never reads or copies them)."""
    pages = Path(pages)
    return pages.with_name(pages.name + "-agencies")


def render_agencies(site: Path, pages: Path = paths.SITE_DOCS, files: Path | None = None) -> int:
    """Put the pages written whole (agency pages and their CSVs, source pages and their files)
    into the built site; returns the number of agency pages. With `files` (the site's downloads
    published apart: XXGK_FILES_URL), every file but a page goes there instead, at the same path
    (and the package's files, `data/`), and the source pages too when they were written to be
    published with their files (`sources_apart`: XXGK_SITE_URL set as well, as for `xxgk pages`).
    A hard link where the file system allows it (a file there is never written in place: every
    writer replaces it whole)."""
    site, fragments = Path(site), fragments_dir(pages)
    written = 0
    apart = ("sources",) if files is not None and sources_apart() else ()  # folders whose pages go too
    for folder in (*WHOLE, "data"):
        # os.walk and one mkdir per folder: a national site links half a million files
        for here, dirs, names in os.walk(fragments / folder):
            dirs.sort()
            rel = Path(here).relative_to(fragments)
            made: set[Path] = set()
            for name in sorted(names):
                if name.startswith("."):
                    continue
                page = name.endswith(".html")
                if folder == "agencies" and name.split(".", 1)[0] in RESERVED_NAMES:  # file_name() never makes one: a stray file
                    raise ValueError(f"{Path(here) / name} would overwrite a page of the site")
                target = (site if files is None or (page and folder not in apart) else Path(files)) / rel
                if target not in made:
                    target.mkdir(parents=True, exist_ok=True)
                    made.add(target)
                _link(Path(here) / name, target / name)
                written += folder == "agencies" and page
    return written


def _link(path: Path, dest: Path) -> None:
    """`dest` as a hard link to `path` (a copy where links are refused), replacing what is there."""
    try:
        os.link(path, dest)
    except FileExistsError:  # the last build's: replaced, never written through (it may be linked to a page)
        dest.unlink()
        _link(path, dest)
    except OSError:  # a file system without hard links
        shutil.copyfile(path, dest)


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
