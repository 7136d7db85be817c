"""Site: the static site, made from the published data package only. In: `datapackage/` and the
corpus files it names. Out: `build/docs/` (the aggregate pages, for MkDocs), beside it
`build/docs-agencies/` (the agency and source pages, written whole), then `build/site/` (and
`build/site-files/`, the downloads, when XXGK_FILES_URL publishes them apart, and the source
pages with them when the site has an address, XXGK_SITE_URL).

`published` reads the package (Parquet, with its types) and defines every figure the site shows;
`pages` runs the build over a `context.Site`: `sources` (source pages), `agency` (agency pages),
both kept when made from the same rows (`keys`) and written on every core (`workers`), `aggregate` (home, regions, rankings, quality,
dictionary, downloads, search) with `lists` (pages bounded in size, split by region) and `search`
(the search index), with `tables` (a report's tables as the template prints them), `charts`
(Vega-Lite specs and their compact form), `shell` (the one template of the pages written whole),
`html` (escaping, the number formatter) and `links` (page names and links); `render` puts the
pages written whole into the built site, and `finish` writes the sitemaps and the compressed
copies (`sitemap`, `compress`). Every word of the site's own is in `strings.zh.yaml` (read by
`strings`); the template's labels and the schema's titles come from the package."""
