"""Agency pages through the theme's own page, and the scripts the site bundles. In: the template
page MkDocs rendered from TEMPLATE_MARKDOWN (agencies/_agency.html in the built site) and the
agency fragments `xxgk pages` wrote beside its pages (`fragments_dir`: a title line, then the
page's HTML). Out: one page per agency in the built site, with the same header, navigation,
styles and scripts as every other page (the template page itself and its sitemap entry removed);
and `vendor_vega`, the Vega bundle the charts are drawn with (no CDN).

Markdown conversion would cost ~25 ms an agency page; pouring the HTML into the rendered template
costs ~1 ms."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from .. import paths
from ..files import write_atomic
from .links import RESERVED_NAMES, TEMPLATE_PAGE

TITLE_MARK = "XXGK-AGENCY-TITLE"
CONTENT_MARK = "XXGK-AGENCY-CONTENT"
TEMPLATE_MARKDOWN = f"""---
title: {TITLE_MARK}
hide:
  - toc
---

<h1>{TITLE_MARK}</h1>

<div class="xxgk-agency">{CONTENT_MARK}</div>
"""


def fragments_dir(pages: Path) -> Path:
    """Where the agency pages' HTML waits for the rendered template (beside the pages, outside
    MkDocs' docs_dir so it is never copied into the site as it is)."""
    pages = Path(pages)
    return pages.with_name(pages.name + "-agencies")


def render_agencies(site: Path, pages: Path = paths.SITE_DOCS) -> int:
    """Write each agency's page into the rendered site through the theme's own rendering of the
    template page: the same header, navigation, styles and scripts as every other page."""
    site, fragments = Path(site), fragments_dir(pages)
    template_path = site / "agencies" / f"{TEMPLATE_PAGE}.html"
    template = template_path.read_text(encoding="utf-8")
    if template.count(CONTENT_MARK) != 1:
        raise ValueError(f"{template_path} does not hold the agency content mark once")
    before, after = template.split(CONTENT_MARK)
    written = 0
    for fragment in sorted(fragments.glob("*.html")):
        if fragment.stem in RESERVED_NAMES:  # file_name() never makes one: a stray file, not an agency's page
            raise ValueError(f"{fragment} would overwrite a page of the site")
        title, body = fragment.read_text(encoding="utf-8").split("\n", 1)  # the title is escaped already
        page = before.replace(TITLE_MARK, title) + body + after.replace(TITLE_MARK, title)
        (site / "agencies" / fragment.name).write_text(page, encoding="utf-8")
        written += 1
    template_path.unlink()
    for sitemap in (site / "sitemap.xml",):
        if sitemap.exists():
            text = sitemap.read_text(encoding="utf-8")
            text = re.sub(r"\s*<url>\s*<loc>[^<]*agencies/" + re.escape(TEMPLATE_PAGE) + r"\.html</loc>.*?</url>", "", text, flags=re.DOTALL)
            sitemap.write_text(text, encoding="utf-8")
    return written


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
