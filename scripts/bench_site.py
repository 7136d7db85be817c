"""Benchmark of the site build at scale: `xxgk pages`, `mkdocs build --strict` and `xxgk render`
(where the build has that step) on synthetic packages of N agencies (one report each), with time,
peak memory and output size per stage, and a profile of where the time goes at the largest N.

    .venv/bin/python scripts/bench_site.py [--sizes 1000 5000 10000] [--no-profile]

Corpora and packages are cached in build/bench/site-N/; the site is rebuilt on every run.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import dataclasses
import itertools
import os
import pstats
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "build" / "bench"
BIN = Path(sys.executable).parent
TARGET_N, TARGET_SECONDS, TARGET_MB = 10_000, 180, 2048
LINEAR_RATIO = 1.25  # "roughly constant": cost per page at the largest N within this factor of the smallest
# place-name characters whose pinyin differ, so prefixed names also get distinct agency ids
PLACES = ("安柏碧苍昌辰春翠丹德东峰福冈高歌谷桂海禾红湖华槐黄徽佳江金景菊康兰朗乐黎莲良林灵柳龙鹿绿梅明南宁盘平浦"
          "七千桥秦青泉仁荣瑞山上韶深胜石寿舒双顺松苏泰潭棠桃天亭通湾旺文梧西霞仙香孝新兴秀旭雪阳瑶野怡银英永玉园月云泽"
          "樟照珍正芝中舟竹紫")

sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]
os.environ["NO_MKDOCS_2_WARNING"] = "1"

from bench import _descendants, _pss_kb

# --- the corpus and package, one agency per report ---------------------------------------------

def generate_distinct(folder: Path, n: int) -> None:
    """synth draws agencies from a few thousand names, so N reports would share agencies: a
    two-character place-name prefix, unique per report, makes every agency its own."""
    import synth

    if n > len(PLACES) ** 2:
        sys.exit(f"at most {len(PLACES) ** 2} distinct agencies")
    draw, tags = synth._agency, itertools.product(PLACES, repeat=2)

    def agency(rng):
        a = draw(rng)
        return dataclasses.replace(a, name="".join(next(tags)) + a.name)

    synth._agency = agency
    try:
        synth.generate(folder, n, seed=0)
    finally:
        synth._agency = draw


def ensure_package(work: Path, n: int) -> tuple[Path, Path]:
    from xxgk.corpus.walk import corpus_files
    from xxgk.package import build

    corpus, package = work / "corpus", work / "package"
    if not (corpus.is_dir() and len(corpus_files(corpus)) == n):
        print(f"generating {n} reports in {corpus.relative_to(ROOT)} …", file=sys.stderr)
        generate_distinct(corpus, n)
        shutil.rmtree(package, ignore_errors=True)
    if not (package / "datapackage.json").exists():
        print(f"packaging {n} reports …", file=sys.stderr)
        build(corpus, package, validate=False)
    with open(package / "data" / "agencies.csv", encoding="utf-8", newline="") as f:
        agencies = sum(1 for _ in csv.DictReader(f))
    if agencies != n:
        sys.exit(f"{package.relative_to(ROOT)} has {agencies} agencies, not {n}: delete {work.relative_to(ROOT)} and rerun")
    return corpus, package


def site_config(work: Path) -> Path:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("docs_dir: build/docs", f"docs_dir: {work / 'docs'}").replace("site_dir: build/site", f"site_dir: {work / 'site'}")
    (work / "mkdocs.yml").write_text(text, encoding="utf-8")
    return work / "mkdocs.yml"


# --- one stage in its own process, watched for memory ------------------------------------------

def run(cmd: list, log: Path) -> dict:
    """Wall time, the child's own peak RSS (from wait4) and the sampled peak PSS of its whole tree."""
    start = time.perf_counter()
    with open(log, "w") as out:
        proc = subprocess.Popen([str(c) for c in cmd], stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        tree_kb = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            tree_kb = max(tree_kb, sum(_pss_kb(p) for p in _descendants(proc.pid)))
            time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
    seconds = time.perf_counter() - start
    if proc.returncode:
        sys.exit(f"{' '.join(map(str, cmd[:2]))} failed (exit {proc.returncode}); last lines of {log}:\n"
                 + "\n".join(log.read_text(errors="replace").splitlines()[-20:]))
    return {"seconds": seconds, "rss_mb": usage.ru_maxrss / 1024, "tree_mb": tree_kb / 1024}


def tree_stats(folder: Path) -> tuple[int, int, int]:
    """(files, Markdown files, bytes)"""
    files = md = size = 0
    for root, _, names in os.walk(folder):
        for name in names:
            files += 1
            md += name.endswith(".md")
            size += os.path.getsize(os.path.join(root, name))
    return files, md, size


def stages(work: Path, corpus: Path, package: Path, config: Path) -> dict[str, list]:
    """The build as the Makefile runs it; agency pages rendered after MkDocs only where the project does that."""
    from xxgk.site import pages

    docs, site = work / "docs", work / "site"
    out = {"pages": [BIN / "xxgk", "pages", "--package", package, "--out", docs, "--corpus", corpus],
           "mkdocs": [BIN / "mkdocs", "build", "--strict", "-q", "-f", config]}
    if hasattr(pages, "render_agencies"):
        out["render"] = [BIN / "xxgk", "render", "--site", site, "--pages", docs]
    return out


def measure(n: int) -> dict:
    work = BENCH / f"site-{n}"
    corpus, package = ensure_package(work, n)
    result = {"n": n, "work": work, "stages": {}}
    for name, cmd in stages(work, corpus, package, site_config(work)).items():
        print(f"N={n}: {name} …", file=sys.stderr)
        result["stages"][name] = run(cmd, work / f"{name}.log")
    fragments = work / "docs-agencies"  # agency pages kept out of Markdown, if the generator does so
    docs_files, md, _ = tree_stats(work / "docs")
    site_files, _, site_bytes = tree_stats(work / "site")
    index = work / "site" / "search-index.json"
    return result | {"md": md, "fragments": tree_stats(fragments)[0] if fragments.is_dir() else 0, "docs_files": docs_files,
                     "site_files": site_files, "site_mb": site_bytes / 2**20,
                     "index_kb": index.stat().st_size / 1024 if index.exists() else 0}


# --- profiles (each in its own process) --------------------------------------------------------

def _short(filename: str) -> str:
    for marker in ("site-packages/", "/lib/python"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return os.path.relpath(filename, ROOT) if filename.startswith(str(ROOT)) else filename


def _cum(stats: dict, fn: tuple) -> float:
    """Cumulative seconds of (file suffix, function[, caller file suffix]): with a caller, only
    the time spent in calls from that file."""
    file_end, func, *caller = fn
    t = 0.0
    for (f, _, name), (_, _, _, ct, callers) in stats.items():
        if name == func and f.endswith(file_end):
            t += sum(c[3] for (cf, _, _), c in callers.items() if cf.endswith(caller[0])) if caller else ct
    return t


def report_profile(prof: cProfile.Profile, title: str, groups: list[tuple]) -> None:
    """groups: (label, entry points, [(label, functions), …]). Entry points must not call one
    another, so the groups add up and the rest is "other"; the indented parts are shares of their group."""
    stats = pstats.Stats(prof).stats
    total = sum(v[2] for v in stats.values())
    print(f"\n{title}: {total:.1f} s profiled (cProfile slows Python-heavy code about threefold)")
    line = lambda label, t: print(f"  {label:58} {t:7.1f} s {100 * t / total:5.1f} %")
    rest = total
    for label, entries, parts in groups:
        t = sum(_cum(stats, fn) for fn in entries)
        rest -= t
        line(label, t)
        for part, fns in parts:
            line(f"  of which {part}", sum(_cum(stats, fn) for fn in fns))
    line("other", rest)
    for key, heading in ((3, "cumulative"), (2, "own time")):
        print(f"  top by {heading}:\n    {'calls':>9} {'own s':>7} {'cum s':>7}  function")
        for (f, lineno, name), v in sorted(stats.items(), key=lambda kv: -kv[1][key])[:12]:
            print(f"    {v[1]:>9} {v[2]:7.1f} {v[3]:7.1f}  {_short(f)}:{lineno}({name})")


def profile_pages(work: Path) -> None:
    from xxgk.site.pages import write_pages

    prof = cProfile.Profile()
    prof.runcall(write_pages, work / "package", work / "docs", work / "corpus", ROOT / "docs")
    site = "xxgk/site/"
    agency, tables, charts, published = site + "agency.py", site + "tables.py", site + "charts.py", site + "published.py"
    report_profile(prof, "xxgk pages", [
        ("reading the package (Published.load)", [(published, "load")], []),
        ("source pages (source_page)", [(site + "sources.py", "source_page")], []),
        ("agency pages (agency_page)", [(agency, "agency_page")], [
            ("report tables (Tables.proactive/requests/appeals)", [(tables, f) for f in ("proactive", "requests", "appeals")]),
            ("charts (charts.bar/trend, render_chart)", [(charts, "bar", agency), (charts, "trend", agency), (charts, "render_chart")]),
            ("per-agency CSV (write_agency_csv)", [(agency, "write_agency_csv")]),
            ("facts from Parquet (Published.facts)", [(published, "facts", agency)]),
            ("codebook look-ups (Published.labels)", [(published, "labels")])]),
        ("overview pages (home, rankings, quality, …)",
         [(site + "aggregate.py", f) for f in ("agency_list", "home", "rankings", "quality", "dictionary", "downloads", "search")], []),
        ("copying the package and Vega", [(site + "pages.py", "copy_package"), (site + "render.py", "vendor_vega")], []),
    ])


def profile_mkdocs(work: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(work / "mkdocs.yml"))
    prof = cProfile.Profile()
    prof.runcall(build, config)
    report_profile(prof, "mkdocs build", [
        ("Markdown conversion (Page.read_source, Page.render)", [("structure/pages.py", "read_source"), ("structure/pages.py", "render")], [
            ("raw-HTML parse by md_in_html", [("html/parser.py", "feed", "extensions/md_in_html.py")]),
            ("raw-HTML parse by MkDocs, for anchor ids", [("html/parser.py", "feed", "mkdocs/structure/pages.py")]),
            ("raw-HTML parse by Markdown's own preprocessor", [("html/parser.py", "feed", "markdown/preprocessors.py")])]),
        ("theme/Jinja rendering, incl. writing HTML", [("commands/build.py", "_build_page"), ("commands/build.py", "_build_theme_template")], [
            ("Jinja template.render", [("jinja2/environment.py", "render", "commands/build.py")]),
            ("writing HTML files", [("mkdocs/utils/__init__.py", "write_file", "commands/build.py")])]),
        ("file copying (static files, cleaning site_dir)",
         [("structure/files.py", "copy_static_files"), ("mkdocs/utils/__init__.py", "clean_directory")], []),
    ])


def profile_render(work: Path) -> None:
    from xxgk.site.pages import render_agencies

    prof = cProfile.Profile()
    prof.runcall(render_agencies, work / "site", work / "docs")
    report_profile(prof, "xxgk render", [
        ("reading fragments and the template", [("pathlib.py", "read_text", "xxgk/site/render.py")], []),
        ("writing agency pages", [("pathlib.py", "write_text", "xxgk/site/render.py")], []),
    ])


PROFILES = {"pages": profile_pages, "mkdocs": profile_mkdocs, "render": profile_render}


# --- the report --------------------------------------------------------------------------------

def _yes(ok: bool) -> str:
    return "yes" if ok else "NO"


def _table(rows: list[tuple], right_from: int = 1) -> None:
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for k, r in enumerate(rows):
        print("  ".join(str(c).rjust(w) if i >= right_from else str(c).ljust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip())
        if k == 0:
            print("  ".join("-" * w for w in widths))


STAGE_NAMES = {"pages": "xxgk pages", "mkdocs": "mkdocs build --strict", "render": "xxgk render"}


def summarize(results: list[dict]) -> None:
    import markdown
    import material
    import mkdocs

    commit = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    print(f"\nSite build benchmark: synthetic packages, one report per agency; code {commit or '?'}; {os.cpu_count()} CPUs, "
          f"Python {sys.version.split()[0]}, MkDocs {mkdocs.__version__}, Material {material.__version__}, Markdown {markdown.__version__}\n")
    names = list(results[0]["stages"])
    total = lambda r: sum(s["seconds"] for s in r["stages"].values())
    # the stages run one after another, so the build's peak is the largest stage's
    peak = lambda r: max(s["rss_mb"] for s in r["stages"].values())
    per_page = lambda r, s: 1000 * s / r["n"]
    marginal = ["—"] + [f"{1000 * (total(b) - total(a)) / (b['n'] - a['n']):.1f}" for a, b in itertools.pairwise(results)]
    rows = [("measure", *(f"N={r['n']}" for r in results)),
            ("Markdown pages", *(r["md"] for r in results)),
            ("agency pages kept out of Markdown", *(r["fragments"] for r in results)),
            ("files in docs_dir", *(r["docs_files"] for r in results)),
            ("files in site", *(r["site_files"] for r in results)),
            ("site size (MB)", *(f"{r['site_mb']:.0f}" for r in results)),
            ("search-index.json (KB)", *(f"{r['index_kb']:.0f}" for r in results))]
    for label, stage in zip("abc", names):
        rows += [(f"({label}) {STAGE_NAMES[stage]}: seconds", *(f"{r['stages'][stage]['seconds']:.1f}" for r in results)),
                 ("    ms per agency", *(f"{per_page(r, r['stages'][stage]['seconds']):.2f}" for r in results)),
                 ("    peak RSS of the process (MB)", *(f"{r['stages'][stage]['rss_mb']:.0f}" for r in results)),
                 ("    peak PSS of the tree, sampled (MB)", *(f"{r['stages'][stage]['tree_mb']:.0f}" for r in results))]
    whole = "+".join(f"({label})" for label, _ in zip("abc", names))
    rows += [(f"{whole}: seconds", *(f"{total(r):.1f}" for r in results)),
             ("    ms per agency", *(f"{per_page(r, total(r)):.2f}" for r in results)),
             ("    marginal ms per added agency", *marginal),
             ("    peak memory, largest stage (MB)", *(f"{peak(r):.0f}" for r in results))]
    _table(rows)

    big, small = results[-1], results[0]
    ratio = per_page(big, total(big)) / per_page(small, total(small))
    print(f"\nTarget: {TARGET_N} agencies build ({' + '.join(names)}) in < {TARGET_SECONDS / 60:.0f} min with < {TARGET_MB / 1024:.0f} GiB, "
          f"cost per agency roughly constant" + ("" if big["n"] >= TARGET_N else f" (largest run here: N={big['n']}, so not decided)"))
    _table([("measure", "value", "target", "met"),
            (f"time, N={big['n']}", f"{total(big):.0f} s", f"< {TARGET_SECONDS} s", _yes(total(big) < TARGET_SECONDS)),
            (f"peak memory, N={big['n']}", f"{peak(big):.0f} MB", f"< {TARGET_MB} MB", _yes(peak(big) < TARGET_MB)),
            (f"ms/agency N={big['n']} vs N={small['n']}", f"x{ratio:.2f}", f"<= x{LINEAR_RATIO}", _yes(ratio <= LINEAR_RATIO))])
    met = big["n"] >= TARGET_N and total(big) < TARGET_SECONDS and peak(big) < TARGET_MB and ratio <= LINEAR_RATIO
    print(f"target met: {_yes(met)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    ap.add_argument("--no-profile", action="store_true", help="skip profiling the largest N")
    ap.add_argument("--profile", nargs=2, help=argparse.SUPPRESS)  # internal: STAGE WORK_DIR
    args = ap.parse_args()
    if args.profile:
        PROFILES[args.profile[0]](Path(args.profile[1]))
        return

    results = [measure(n) for n in sorted(set(args.sizes))]
    summarize(results)
    if not args.no_profile:
        work = results[-1]["work"]
        print(f"\nWhere the time goes at N={results[-1]['n']} (each profiled once, in-process):")
        sys.stdout.flush()
        for stage in results[-1]["stages"]:
            print(f"profiling {stage} …", file=sys.stderr)
            done = subprocess.run([sys.executable, __file__, "--profile", stage, str(work)], cwd=ROOT)
            if done.returncode:
                print(f"\nprofile of {stage} failed (exit {done.returncode})")


if __name__ == "__main__":
    main()
