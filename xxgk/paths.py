"""Every output path, declared once (all of them are gitignored)."""

from pathlib import Path

CORPUS = Path("corpus")  # source: the bundled report files
PACKAGE = Path("datapackage")  # output: the published data package
BUILD = Path("build")  # output: caches, benchmark corpora, the rendered site
SITE = BUILD / "site"
DOCS = Path("docs")  # MkDocs sources: hand-written pages beside generated ones
GENERATED_PAGES = ("index.md", "downloads.md")  # written by `xxgk pages` into DOCS
GENERATED_DIRS = ("data",)  # written by `xxgk pages` into DOCS
