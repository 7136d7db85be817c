"""Every output path, declared once (all of them are gitignored)."""

from pathlib import Path

CORPUS = Path("corpus")  # source: the bundled report files
DOCS = Path("docs")  # source: hand-written pages, the site's script and styles
DEFAULT_LANG = "zh"  # the site's language at its top; another language's site is under <lang>/
PACKAGE = Path("datapackage")  # output: the published data package
BUILD = Path("build")  # output: everything else
SITE_DOCS = BUILD / "docs"  # output: the site's pages, written by `xxgk pages` (MkDocs' docs_dir)
SITE = BUILD / "site"  # output: the rendered site
SITE_FILES = BUILD / "site-files"  # output: the site's downloads, when they are published apart (XXGK_FILES_URL)
CHECKOUT = BUILD / "checkout"  # output: the files of a manifest corpus, fetched from its store
FRAGMENTS = BUILD / "fragments"  # output: a sharded build's fragments, one folder per shard
PARSE_CACHE = BUILD / "cache" / "parse"  # output: parsed reports by content and parser version
HARVEST_WARC = BUILD / "harvest-warc"  # output: every response of a harvest, as WARC files
HARVEST_HTTP = BUILD / "harvest-http"  # output: the harvest's HTTP cache (revalidated on the next run)


def in_language(folder: Path, lang: str) -> Path:
    """A folder of the site in language `lang` beside the default language's `folder` (docs →
    docs-en: the hand-written English pages, laid over docs/; build/docs → build/docs-en)."""
    folder = Path(folder)
    return folder if lang == DEFAULT_LANG else folder.with_name(f"{folder.name}-{lang}")
