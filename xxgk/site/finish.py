"""The last steps of a site build, after the agency pages are in the rendered site: the sitemaps
(which list every page, so they come after the last page is written), then the pre-compressed
copies (which include the sitemaps). In: the built site folder and the site's address. Out: the
same folder, ready to publish. `XXGK_PRECOMPRESS=0` leaves the compressed copies out, for a host
that ignores them (GitHub Pages, where they would only count against the size limit)."""

from __future__ import annotations

import os
from pathlib import Path

from .compress import precompress
from .sitemap import site_url, write_sitemaps


def finish(site_dir: Path, base_url: str | None = None, *, config: Path | None = Path("mkdocs.yml"),
           compress: bool | None = None) -> dict:
    """Sitemaps, then precompression, over `site_dir`. `base_url` defaults to `XXGK_SITE_URL`,
    else the `site_url` of `config`; without one, no sitemap is written. `compress` defaults to
    `XXGK_PRECOMPRESS` not being 0. Returns the counts: `sitemap_urls` (pages listed) and
    `precompressed` (compressed copies written)."""
    base = site_url(config) if base_url is None else base_url
    urls = write_sitemaps(Path(site_dir), base)
    if compress is None:
        compress = os.environ.get("XXGK_PRECOMPRESS", "1").strip() != "0"
    return {"sitemap_urls": urls, "precompressed": precompress(Path(site_dir)) if compress else 0}
