"""Site: the static site, made from the published data package only. `published` reads the package
(with its types) and defines every figure the site shows; `pages` writes the pages (aggregate pages
for MkDocs, agency pages through the rendered template); `charts` makes the Vega-Lite specs. In:
`datapackage/` and the corpus files it names. Out: `build/docs/`, then `build/site/`."""
