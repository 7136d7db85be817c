"""The `xxgk` command: a thin layer over the library."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from . import __version__, paths
from .model import shown


def _cmd_package(args) -> int:
    from .package import build, build_shard

    cache = None if args.no_cache else Path(args.cache)
    if args.shard:
        out = Path(args.out or paths.FRAGMENTS / args.shard.replace("/", "-of-"))
        count = _packaging(lambda: build_shard(args.corpus, out, args.shard, jobs=args.jobs, cache=cache, store=args.store,
                                               checkout=Path(args.checkout)))
        if count is None:
            return 2
        print(f"shard {args.shard}: the fragments of {count} files written to {out} (assemble them with xxgk assemble)")
        return 0
    out = Path(args.out or paths.PACKAGE)
    return _packaged(out, not args.no_validate,
                     lambda: build(args.corpus, out, jobs=args.jobs, validate=not args.no_validate, cache=cache, store=args.store,
                                   checkout=Path(args.checkout)))


def _cmd_assemble(args) -> int:
    from .package import assemble_shards

    out = Path(args.out)
    return _packaged(out, not args.no_validate,
                     lambda: assemble_shards([Path(f) for f in args.fragments], args.corpus, out, validate=not args.no_validate,
                                             store=args.store, checkout=Path(args.checkout),
                                             cache=None if args.no_cache else Path(args.cache)))


def _packaging(step):
    """The step's result; None (and the reason said) when its input cannot be used."""
    from .corpus.store import StoreError
    from .package.fragments import FragmentsError
    from .package.publish import NotOurs

    try:
        return step()
    except (FileNotFoundError, NotOurs, FragmentsError, StoreError) as exc:
        print(f"xxgk: {exc}", file=sys.stderr)
        return None


def _packaged(out: Path, validate: bool, step) -> int:
    from .package import PackageInvalid

    try:
        summary = _packaging(step)
    except PackageInvalid as exc:
        print(f"xxgk: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"xxgk: cannot write the package: {exc}", file=sys.stderr)
        return 1
    if summary is None:
        return 2
    print(f"package written to {out}" + (" (valid)" if validate else ""))
    for line in summary.lines():
        print(line)
    return 0


def _cmd_parse(args) -> int:
    from .corpus.provenance import shown_name
    from .report import parse_bytes

    path = Path(args.file)
    if not path.is_file():
        print(f"xxgk: no such file: {path}", file=sys.stderr)
        return 2
    report = parse_bytes(path.read_bytes(), path.suffix)
    if args.json:
        from dataclasses import asdict
        print(json.dumps(asdict(report), ensure_ascii=False, indent=1))
        return 0
    print(f"{shown_name(str(path))[0]}: {report.agency_name or '?'} {report.year or '?'} · template {report.template or '-'} · status {report.status}")
    if report.publication_date:
        print(f"published {report.publication_date} ({report.publication_date_source})")
    if args.explain:
        print("\nlabels matched:")
        for m in report.matches:
            print(f"  line {m.source_line}: {m.section}.{m.row} ← “{m.printed}”  figures: {m.values}")
    print("\nfacts:")
    grid: dict[tuple[str, str], list[str]] = {}
    for f in report.facts:
        cell = shown(f.value)
        grid.setdefault((f.section, f.row), []).append(cell or {"blank": "·", "absent": "-", "unresolved": "?"}[f.status])
    for (section, row), cells in grid.items():
        print(f"  {section:9} {row:26} {' '.join(c.rjust(4) for c in cells)}")
    print("\nfindings:")
    for g in report.findings:
        where = ".".join(x for x in (g.section, g.row, g.column) if x)
        print(f"  [{g.severity}] {g.code} {where}: {g.message_zh}")
    codes = Counter(g.code for g in report.findings)
    figures = sum(f.status == "reported" for f in report.facts)
    print(f"\nsummary: 1 report, {len(report.facts)} facts ({figures} figures reported), {len(report.findings)} findings"
          + (f" ({', '.join(f'{k} {v}' for k, v in sorted(codes.items()))})" if codes else ""))
    return 0


def _cmd_validate(args) -> int:
    from .package import validate_package

    if not (Path(args.package) / "datapackage.json").is_file():
        print(f"xxgk: no data package in {args.package} (no datapackage.json)", file=sys.stderr)
        return 2
    problems = validate_package(Path(args.package))
    for p in problems:
        print(p)
    print("valid" if not problems else f"{len(problems)} problems")
    return 0 if not problems else 1


def _cmd_pages(args) -> int:
    from .package.publish import NotOurs
    from .site.pages import write_pages
    from .site.strings import LANGS

    try:
        for lang in LANGS if args.lang == "all" else (args.lang,):
            site = write_pages(Path(args.package), Path(args.out), Path(args.corpus) if args.corpus else None, jobs=args.jobs, lang=lang)
            print(f"pages written ({lang}): {site.pages} in {paths.in_language(Path(args.out), lang)}, of which {len(site.agencies)} "
                  f"agency pages ({site.reused} unchanged since the last run, kept)")
    except NotOurs as exc:
        print(f"xxgk: {exc}", file=sys.stderr)
        return 2
    print("then `xxgk site`")
    return 0


def _cmd_add(args) -> int:
    from .add import AddError, add
    from .corpus.provenance import shown_name

    failed = 0
    keep = _store_of(args)
    if keep is False:
        return 2
    for source in args.sources:
        try:
            added = add(source, Path(args.corpus), cache=None if args.no_cache else Path(args.cache))
        except AddError as exc:
            print(f"not added: {shown_name(str(exc))[0]}")
            failed += 1
            continue
        if keep:
            keep(added)
        for one in [added, *added.attachments]:
            r = one.report
            figures = sum(f.status == "reported" for f in r.facts)
            codes = Counter(g.code for g in r.findings)
            print(f"added {one.path}: {r.agency_name} {r.year}, {r.format}, template {r.template}, status {r.status}, {figures} figures"
                  + (f", findings: {', '.join(f'{k} {v}' for k, v in sorted(codes.items()))}" if codes else ""))
            for g in r.findings:
                if g.severity != "info":
                    print(f"  [{g.severity}] {g.code}: {g.message_zh}")
        for why in added.refused:
            print(f"  attachment not added: {shown_name(why)[0]}")
    print(f"summary: {len(args.sources) - failed} added, {failed} not added")
    return 0


def _store_of(args):
    """With --manifest, what keeps each added file in the store too; None without; False (said why)
    when the store cannot be opened."""
    from .add import keep_in_store
    from .corpus.store import Store, StoreError, read_manifest

    if not args.manifest:
        return None
    try:
        url = args.store or read_manifest(args.manifest).store_url
        if not url:
            raise StoreError(f"the manifest {args.manifest} names no store: give one with --store")
        store = Store(url)
    except FileNotFoundError:
        print(f"xxgk: {args.manifest} does not exist yet: give its store with --store", file=sys.stderr)
        return False
    except (StoreError, OSError) as exc:
        print(f"xxgk: {exc}", file=sys.stderr)
        return False
    return lambda added: keep_in_store(added, Path(args.corpus), store, args.manifest)


def _cmd_harvest(args) -> int:
    """Every site's column walked, what is new added; a site that fails is said, never fatal."""
    import json

    from .harvest import harvest, load_sites, shards
    from .harvest.sites import SitesError

    if args.discover:
        return _discover(args)
    try:
        sites = load_sites(Path(args.sites))
    except SitesError as exc:
        print(f"xxgk harvest: {exc}", file=sys.stderr)
        return 2
    if args.shards:  # the workflow's matrix
        print(json.dumps(shards.shards(sites), ensure_ascii=False))
        return 0
    before = shards.snapshot(Path(args.corpus))
    summaries = harvest(Path(args.sites), Path(args.corpus), Path(args.archive) if args.archive else None,
                        Path(args.http_cache) if args.http_cache else None, args.dry_run, args.delay, args.timeout,
                        args.shard, Path(args.cache) if args.cache else None)
    if args.delta and not args.dry_run:
        shards.write_delta(Path(args.corpus), before, Path(args.delta))
    for s in summaries:
        for line in s.lines():
            print(line)
    added = sum(len(s.added) for s in summaries)
    print(f"summary: {len(summaries)} sites, {added} files {'to add' if args.dry_run else 'added'}, "
          f"{sum(len(s.held) for s in summaries)} already held, {sum(len(s.failed) for s in summaries)} failed")
    return 0


def _discover(args) -> int:
    """A portal's report columns proposed as entries of a sites file (to check and paste)."""
    import re
    import urllib.parse

    from .harvest import discover

    agency, columns, failed = discover(args.discover, Path(args.http_cache) if args.http_cache else None, args.delay, args.timeout)
    host = urllib.parse.urlsplit(args.discover).netloc.removeprefix("www.").split(":")[0]
    stem = re.sub(r"[^a-z0-9]+", "-", host.removesuffix(".gov.cn").lower()).strip("-") or "site"
    listing = [c for c in columns if c[2] > 0]
    print(f"# {args.discover}: {len(columns)} report columns named, {len(listing)} listing reports"
          + (f"; the site names itself {agency}" if agency else ""))
    for n, (name, url, count) in enumerate(listing):
        print(f"  - name: {stem}{'' if n == 0 else f'-{n + 1}'}  # {name}: {count} report articles on its first page")
        print(f"    url: {url}")
        print(f"    agency: {agency or '?'}  # as its reports print it: check")
    for name, url, count in columns:
        if count <= 0:
            print(f"# named {name} but lists no report article{'' if count == 0 else ' (not read)'}: {url}")
    for line in failed:
        print(f"# failed {line}")
    return 0


def _cmd_harvest_merge(args) -> int:
    from .harvest import shards

    copied = shards.merge([Path(d) for d in args.deltas], Path(args.corpus))
    print(f"harvest-merge: {len(args.deltas)} deltas, {copied} files added to {args.corpus}")
    return 0


def _cmd_render(args) -> int:
    from .site.pages import render_agencies

    written = render_agencies(Path(args.site), Path(args.pages), Path(args.files) if args.files else None,
                              Path(args.mkdocs) if args.mkdocs else None)
    print(f"agency pages rendered: {written} in {args.site}/agencies" + (f"; the downloads in {args.files}" if args.files else ""))
    return 0


def _cmd_site(args) -> int:
    """MkDocs (again only where the Markdown changed, into its own folder beside the site), then
    MkDocs' pages and the pages written whole put into the site where they changed; the same for
    each other language whose pages `xxgk pages` wrote, into its folder of the site (en/). A failed
    MkDocs build leaves the site as it was; each file is replaced whole, so a build stopped
    midway leaves whole files of the last build and this one, and the next build completes it."""
    import subprocess

    from .package import publish
    from .site.finish import finish
    from .site.links import files_url
    from .site.render import mkdocs_dir, render_agencies
    from .site.strings import LANGS, root

    target = Path(args.site)
    if not publish.is_ours(target):
        print(f"xxgk: {publish.NotOurs(target)}", file=sys.stderr)
        return 2
    written = 0
    for lang in LANGS:
        config, pages = Path(args.config), paths.in_language(Path(args.pages), lang)
        config = config if lang == paths.DEFAULT_LANG else config.with_name(f"{config.stem}.{lang}{config.suffix}")
        if lang != paths.DEFAULT_LANG and not (pages.is_dir() and config.is_file()):
            continue  # pages not written in that language
        made = mkdocs_dir(paths.in_language(target, lang))
        build = subprocess.run([sys.executable, "-m", "xxgk.site.mkdocs_build", str(config), str(made.resolve())])
        if build.returncode:
            print("xxgk: mkdocs build failed; the published site is unchanged", file=sys.stderr)
            return build.returncode
        site = target / root(lang)
        site.mkdir(parents=True, exist_ok=True)
        publish.mark(site, "site")
        # the downloads, published apart from the pages (the default language's: the others share them)
        files = Path(args.files) if files_url() and lang == paths.DEFAULT_LANG else None
        written += render_agencies(site, pages, files, made)
    finish(target, config=Path(args.config))  # sitemaps, then the pre-compressed copies
    print(f"site built in {target} ({written} agency pages)" + (f"; its downloads in {args.files}, for {files_url()}" if files_url() else ""))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="xxgk", description="政府信息公开工作年度报告 → open data")
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("package", help="parse a folder of report files into a validated data package")
    p.add_argument("--corpus", default=str(paths.CORPUS), help="folder of report files (searched recursively), or a manifest (*.manifest.tsv, a path or URL) over a store")
    p.add_argument("--out", default=None,
                   help=f"where to publish the data package ({paths.PACKAGE}); with --shard, the shard's fragments ({paths.FRAGMENTS}/K-of-N)")
    p.add_argument("--jobs", type=int, default=None, help="parallel workers (default: all cores)")
    p.add_argument("--no-validate", action="store_true", help="skip the validation of the package")
    p.add_argument("--cache", default=str(paths.PARSE_CACHE), help="parse cache (keyed by file content and parser version)")
    p.add_argument("--no-cache", action="store_true", help="parse every file")
    p.add_argument("--shard", default="", metavar="K/N",
                   help="parse only shard K of N (files by a hash of their path) into fragments, for xxgk assemble")
    p.add_argument("--store", default="", help="with a manifest: the store holding its files (default: the one the manifest names)")
    p.add_argument("--checkout", default=str(paths.CHECKOUT), help="with a manifest: the folder its files are checked out into")
    p.set_defaults(func=_cmd_package)

    p = sub.add_parser("assemble", help="the data package from the fragments of every shard (xxgk package --shard K/N)")
    p.add_argument("fragments", nargs="+", help="the folders `xxgk package --shard` wrote, one per shard")
    p.add_argument("--corpus", default=str(paths.CORPUS), help="the corpus the shards were parsed from (a folder or a manifest)")
    p.add_argument("--store", default="", help="with a manifest: the store holding its files (default: the one the manifest names)")
    p.add_argument("--checkout", default=str(paths.CHECKOUT), help="with a manifest: the folder its files are checked out into")
    p.add_argument("--out", default=str(paths.PACKAGE), help="where to publish the data package")
    p.add_argument("--no-validate", action="store_true", help="skip the validation of the package")
    p.add_argument("--cache", default=str(paths.PARSE_CACHE), help="keeps the package's parts for the next assemble")
    p.add_argument("--no-cache", action="store_true", help="write every part")
    p.set_defaults(func=_cmd_assemble)

    p = sub.add_parser("parse", help="show one report's facts and findings")
    p.add_argument("file")
    p.add_argument("--explain", action="store_true", help="show which label matched which figures")
    p.add_argument("--json", action="store_true", help="print the parsed report as JSON")
    p.set_defaults(func=_cmd_parse)

    p = sub.add_parser("validate", help="validate a data package (Frictionless + Parquet round trip)")
    p.add_argument("package", nargs="?", default=str(paths.PACKAGE))
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("pages", help="write the site's Markdown pages from a published data package")
    p.add_argument("--package", default=str(paths.PACKAGE), help="the published data package")
    p.add_argument("--out", default=str(paths.SITE_DOCS), help="where to write the pages (MkDocs docs_dir)")
    p.add_argument("--corpus", default=str(paths.CORPUS), help="the corpus the package was built from (its files are published beside the figures)")
    p.add_argument("--jobs", type=int, default=None, help="parallel workers for the agency and source pages (default: XXGK_JOBS, else all cores)")
    p.add_argument("--lang", default="all", choices=["all", "zh", "en"],
                   help="the pages of one language (zh: at the top of the site, into --out; en: under en/, into --out + -en, after zh's), or all")
    p.set_defaults(func=_cmd_pages)

    p = sub.add_parser("add", help="add report files or pages (URLs) to the corpus")
    p.add_argument("sources", nargs="+", help="files or http(s) addresses")
    p.add_argument("--corpus", default=str(paths.CORPUS))
    p.add_argument("--cache", default=str(paths.PARSE_CACHE), help="parse cache, to read the corpus already there")
    p.add_argument("--no-cache", action="store_true", help="parse every file of the corpus")
    p.add_argument("--manifest", default="", help="also put each added file into a store and list it in this manifest (*.manifest.tsv)")
    p.add_argument("--store", default="", help="with --manifest: the store (default: the one the manifest names; required for a new manifest)")
    p.set_defaults(func=_cmd_add)

    p = sub.add_parser("harvest", help="find new reports in the agencies' own report columns and add them")
    p.add_argument("sites", nargs="?", default="harvest/sites.yaml", help="the sites file (harvest/sites.yaml)")
    p.add_argument("--discover", default="", metavar="PORTAL_URL",
                   help="propose the report columns of a portal (following its 政府信息公开 links) as sites-file entries")
    p.add_argument("--corpus", default=str(paths.CORPUS))
    p.add_argument("--archive", default=str(paths.HARVEST_WARC), help="a folder for the WARC files of every response ('' for none)")
    p.add_argument("--http-cache", default=str(paths.HARVEST_HTTP),
                   help="a folder for the HTTP cache, revalidated on the next run ('' for none)")
    p.add_argument("--dry-run", action="store_true", help="say what would be added, add nothing")
    p.add_argument("--delay", type=float, default=1.0, help="seconds between requests to one host (at least 1 on real sites)")
    p.add_argument("--timeout", type=float, default=30, help="seconds to wait for a response")
    p.add_argument("--shard", default="all", help="only the sites of this shard (a region; `--shards` lists them)")
    p.add_argument("--shards", action="store_true", help="print the shards of the sites file as JSON, harvest nothing")
    p.add_argument("--delta", default="", help="also write the files and records this run added to this folder (for harvest-merge)")
    p.add_argument("--cache", default=str(paths.PARSE_CACHE), help="parse cache, to read the corpus already there ('' for none)")
    p.set_defaults(func=_cmd_harvest)

    p = sub.add_parser("harvest-merge", help="merge the delta folders of a sharded harvest into the corpus")
    p.add_argument("deltas", nargs="*", help="the folders `xxgk harvest --delta` wrote")
    p.add_argument("--corpus", default=str(paths.CORPUS))
    p.set_defaults(func=_cmd_harvest_merge)

    p = sub.add_parser("site", help="after `xxgk pages`: build the site with MkDocs and publish it in one step")
    p.add_argument("--config", default="mkdocs.yml", help="MkDocs configuration")
    p.add_argument("--site", default=str(paths.SITE), help="the published site")
    p.add_argument("--pages", default=str(paths.SITE_DOCS), help="the pages folder `xxgk pages` wrote")
    p.add_argument("--files", default=str(paths.SITE_FILES),
                   help="where the site's downloads go when XXGK_FILES_URL publishes them apart from the pages")
    p.set_defaults(func=_cmd_site)

    p = sub.add_parser("render", help="after `python -m xxgk.site.mkdocs_build`: put MkDocs' pages and those `xxgk pages` wrote whole into the site")
    p.add_argument("--site", default=str(paths.SITE), help="the site")
    p.add_argument("--mkdocs", default=None, help="where MkDocs built (default: .SITE.mkdocs beside the site)")
    p.add_argument("--pages", default=str(paths.SITE_DOCS), help="the pages folder `xxgk pages` wrote")
    p.add_argument("--files", default=None, help="where the downloads go when published apart (XXGK_FILES_URL), as `xxgk site --files`")
    p.set_defaults(func=_cmd_render)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
