"""MkDocs' build of the aggregate pages, again only where their Markdown changed. In: the MkDocs
configuration (its docs_dir written by `xxgk pages`, which keeps the file, and so the time, of
every page that did not change) and the folder MkDocs' output is kept in (`render.mkdocs_dir`).
Out: that folder holding exactly what a clean build would write.

MkDocs' `--dirty` build renders only the pages whose Markdown is newer than their HTML; it is
exact here because the navigation is fixed in mkdocs.yml (no page's HTML depends on another
page's Markdown) and no plugin runs. Whatever else a page depends on (the configuration, the
site's address, MkDocs and its theme) is recorded beside the output: when it changes, the
output is made from nothing. Files a clean build would not write (a page no longer made) are
removed. MkDocs warns that a dirty build may leave stale navigation; that one warning is dropped,
as it would fail the strict build, and every other still does.

Run as `python -m xxgk.site.mkdocs_build CONFIG SITE_DIR`; exit status 1 when MkDocs fails."""

from __future__ import annotations

import json
import logging
import shutil
import sys
from importlib.metadata import version
from pathlib import Path

from ..package import publish
from .keys import digest
from .sync import files_under

MADE_BY = ".made-by"  # in the output folder: what it was built with


class _NotTheDirtyNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("A 'dirty' build is being performed")


def made_by(config_file: Path, config) -> str:
    """What every page's HTML depends on but its own Markdown: the configuration (and the one it
    inherits), the theme's overrides, the address, MkDocs and its theme."""
    texts: list = []
    for path in (Path(config_file), _inherited(Path(config_file))):
        if path:
            texts.append(path.read_text(encoding="utf-8"))
    custom = Path(config.theme.custom_dir) if config.theme.custom_dir else None
    if custom and custom.is_dir():
        texts += [[rel, (custom / rel).read_text(encoding="utf-8")] for rel in sorted(files_under(custom))]
    return digest([texts, config.site_url or "", config.docs_dir, version("mkdocs"), version("mkdocs-material")])


def _inherited(config_file: Path) -> Path | None:
    import yaml

    class _Loader(yaml.SafeLoader):  # the configuration's own tags (!ENV) need not be understood here
        pass

    _Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    parent = (yaml.load(config_file.read_text(encoding="utf-8"), Loader=_Loader) or {}).get("INHERIT")
    return config_file.parent / parent if parent else None


def placed(config) -> None:
    """The site's address for this language: `site_url` + `extra.xxgk_root` (the English site is
    under en/)."""
    top = config.site_url or ""
    if top and not top.endswith("/"):
        top += "/"
    if top:
        config["site_url"] = top + config.extra.get("xxgk_root", "")


def build(config_file: Path, site_dir: Path) -> None:
    """Build into `site_dir`, rendering again only the pages whose Markdown changed; raises
    mkdocs.exceptions.Abort when the strict build fails (warnings printed)."""
    from mkdocs.commands import build as mkdocs
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    site_dir = Path(site_dir)
    config = load_config(str(config_file), site_dir=str(site_dir), strict=True)
    placed(config)
    stamp = made_by(config_file, config)
    publish.check_target(site_dir)  # never empty a folder xxgk did not write
    if not (site_dir / MADE_BY).is_file() or (site_dir / MADE_BY).read_text(encoding="utf-8") != stamp:
        shutil.rmtree(site_dir, ignore_errors=True)
    site_dir.mkdir(parents=True, exist_ok=True)
    publish.mark(site_dir, "MkDocs' pages")
    (site_dir / MADE_BY).unlink(missing_ok=True)  # an interrupted build then leaves nothing to trust
    logging.getLogger("mkdocs.commands.build").addFilter(_NotTheDirtyNotice())
    config.plugins.on_startup(command="build", dirty=True)
    try:
        mkdocs.build(config, dirty=True)
    finally:
        config.plugins.on_shutdown()
    files = get_files(config)
    files.add_files_from_theme(config.theme.get_env(), config)
    written = {f.dest_uri for f in files if not f.inclusion.is_excluded()}
    written |= set(config.theme.static_templates) | {"sitemap.xml.gz"}
    for rel in sorted(files_under(site_dir) - written):  # a page no longer made
        (site_dir / rel).unlink()
    (site_dir / MADE_BY).write_text(stamp, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    from mkdocs.exceptions import Abort

    config_file, site_dir = (argv if argv is not None else sys.argv[1:])[:2]
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    logging.getLogger("mkdocs").addHandler(handler)
    try:
        build(Path(config_file), Path(site_dir))
    except Abort as exc:
        print(f"xxgk: mkdocs build failed: {exc}", file=sys.stderr)
        return 1
    print(json.dumps({"site_dir": site_dir}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
