"""Site: the static site, made from the published data package only. In: `datapackage/` and the
corpus files it names. Out: `build/docs/` (pages for MkDocs, agency pages as HTML beside them),
then `build/site/`.

`published` reads the package (Parquet, with its types) and defines every figure the site shows;
`pages` runs the build over a `context.Site`: `sources` (source pages), `agency` (agency pages and
their cache), `aggregate` (home, regions, rankings, quality, dictionary, downloads, search), with
`tables` (a report's tables as the template prints them), `charts` (Vega-Lite specs and their
figures), `html` (escaping, the number formatter) and `links` (page names and links); `render`
pours the agency pages into the MkDocs-rendered template. Every word of the site's own is in
`strings.zh.yaml` (read by `strings`); the template's labels and the schema's titles come from
the package."""
