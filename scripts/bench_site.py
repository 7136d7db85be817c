"""Benchmark of the site at national scale: `xxgk pages`, `mkdocs build --strict`, `xxgk render`
and the finishing step (sitemaps, pre-compressed copies), the steps of `make site` after the
package, on synthetic packages of N agencies (one report each, or one a year for `--years Y`),
with time, peak memory, the site's bytes by kind and the targets of the national-scale issue:
the build in 20 minutes with 4 GB, the pages GitHub Pages would serve under 1 GB, at most 10 KB
of HTML per agency-year.

    .venv/bin/python scripts/bench_site.py [--sizes 1000 10000 100000] [--years 1] [--profile]
                                           [--precompress-max 1000] [--prepare]

Corpora and packages are cached in build/bench/site-N[-yY]/ (at 100,000 agencies: minutes to
generate, ~400 reports/s to package on 2 idle cores, 2 GB of package; the packaging's time is kept
with the package); the site is rebuilt from scratch on every run. `--profile` adds where the time
goes at the largest N.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import dataclasses
import json
import multiprocessing
import os
import pstats
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "build" / "bench"
BIN = Path(sys.executable).parent
# the national-scale issue's targets, for `make site` on 2 cores
# (MB = 10**6 bytes, so 4 GB is 4,000 MB: the stricter reading)
TARGET_SECONDS, TARGET_MB, TARGET_PAGES_MB, TARGET_AGENCY_YEAR_KB, TARGET_AGGREGATE_KB = 20 * 60, 4000, 1000, 10, 200
TARGET_REBUILD_SECONDS = 2 * 60  # after one new report
# place-name characters whose pinyin differ, so prefixed names also get distinct agency ids
PLACES = ("安柏碧苍昌辰春翠丹德东峰福冈高歌谷桂海禾红湖华槐黄徽佳江金景菊康兰朗乐黎莲良林灵柳龙鹿绿梅明南宁盘平浦"
          "七千桥秦青泉仁荣瑞山上韶深胜石寿舒双顺松苏泰潭棠桃天亭通湾旺文梧西霞仙香孝新兴秀旭雪阳瑶野怡银英永玉园月云泽"
          "樟照珍正芝中舟竹紫")
SCHEME = "places3-v2"  # names the generator below: a cached corpus made otherwise is regenerated
PLUS_ONE = "_plus_one"  # the folder of the corpus the "one new report" stage adds its report in

sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]
os.environ["NO_MKDOCS_2_WARNING"] = "1"

from bench import _descendants, _pss_kb

from xxgk.site.render import mkdocs_dir

# --- the corpus and package, N distinct agencies ------------------------------------------------

def _tag(i: int) -> str:
    """Three place-name characters for agency i, unique up to len(PLACES)**3 (~1.5 million)."""
    a, rest = divmod(i, len(PLACES) ** 2)
    return PLACES[a] + PLACES[rest // len(PLACES)] + PLACES[rest % len(PLACES)]


def _report(job: tuple[int, int, int, int | None]) -> tuple[str, str]:
    """(relative path, text) of report `index` for agency i: synth's report, with synth's agency
    draw replaced by agency i's own (drawn from i alone, so every year of it is the same agency)
    and, for a fixed year, synth's year draw reduced to that year."""
    import synth

    seed, index, i, year = job
    draw, years = synth._agency, synth.YEARS

    def agency(rng: random.Random):
        draw(rng)  # the report's later draws stay where synth puts them
        a = draw(random.Random(f"{seed}:agency:{i}"))
        # the tag after the place name, so the agency's region is still read from its name
        place = next(p for p in (a.city + a.county, a.county, a.city) if p and a.name.startswith(p))
        rest = a.name[len(place):]
        if year and place == a.county:
            # a county name alone may be ambiguous nationally (朝阳区), and then each report's
            # wording decides its region: one agency's years could be read as two agencies
            place = a.city + a.county
        return dataclasses.replace(a, name=place + _tag(i) + rest)

    synth._agency, synth.YEARS = agency, (year,) if year else years
    try:
        layout, drawn, _, text, _ = synth.report(seed, index)
    finally:
        synth._agency, synth.YEARS = draw, years
    # the name is unique and the year is in the text, so no two files are alike (synth's own retry is never needed)
    return f"{drawn}/{index:06d}.{synth.EXTENSIONS[layout]}", text


def generate_distinct(folder: Path, n: int, years: int = 1, seed: int = 0) -> None:
    """n distinct agencies, each with one report in a year synth draws, or (years > 1) one report
    in each of the last `years` of synth's years. Written as they are made (memory stays flat),
    into a folder beside `folder` that replaces it when complete."""
    import synth

    if n > len(PLACES) ** 3:
        sys.exit(f"at most {len(PLACES) ** 3} distinct agencies")
    if years > len(synth.YEARS):
        sys.exit(f"at most {len(synth.YEARS)} years")
    chosen = list(synth.YEARS)[-years:] if years > 1 else [None]
    jobs = ((seed, k * n + i, i, year) for k, year in enumerate(chosen) for i in range(n))
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    with multiprocessing.get_context("fork").Pool() as pool:
        for done, (rel, text) in enumerate(pool.imap(_report, jobs, chunksize=256), 1):
            path = tmp / rel
            path.parent.mkdir(exist_ok=True, parents=True)
            path.write_text(text, encoding="utf-8")
            if done % 20_000 == 0:
                print(f"  {done} of {n * len(chosen)} reports", file=sys.stderr)
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)


def ensure_package(work: Path, n: int, years: int) -> tuple[Path, Path, dict | None]:
    """The cached corpus and package of `work`, made first where missing or made otherwise; with
    the packaging's own measurement (from the run that made the package)."""
    corpus, package, stamp = work / "corpus", work / "package", work / "corpus.json"
    shutil.rmtree(corpus / PLUS_ONE, ignore_errors=True)  # left by a run that stopped in its last stage
    want = {"scheme": SCHEME + ("+city" if years > 1 else ""), "agencies": n, "years": years}
    if not (corpus.is_dir() and stamp.exists() and json.loads(stamp.read_text()) == want):
        print(f"generating {n * years} reports in {corpus.relative_to(ROOT)} …", file=sys.stderr)
        work.mkdir(parents=True, exist_ok=True)
        stamp.unlink(missing_ok=True)
        generate_distinct(corpus, n, years)
        stamp.write_text(json.dumps(want))
        shutil.rmtree(package, ignore_errors=True)
        (work / "package.json").unlink(missing_ok=True)
    made = json.loads((work / "package.json").read_text()) if (work / "package.json").exists() else {}
    if not ((package / "datapackage.json").exists() and made.get("validated")):
        print(f"packaging {n * years} reports …", file=sys.stderr)
        shutil.rmtree(work / "parse-cache", ignore_errors=True)  # the packaging measured from scratch
        # in its own process, as `make package` runs it (validated), with its own parse cache (removed with the work folder)
        measured = run([BIN / "xxgk", "package", "--corpus", corpus, "--out", package, "--cache", work / "parse-cache"], work / "package.log")
        if "failed" in measured:
            sys.exit(measured["failed"])
        (work / "package.json").write_text(json.dumps(measured | {"validated": True}))
    with open(package / "data" / "agencies.csv", encoding="utf-8", newline="") as f:
        agencies = sum(1 for _ in csv.DictReader(f))
    if agencies != n:
        sys.exit(f"{package.relative_to(ROOT)} has {agencies} agencies, not {n}: delete {work.relative_to(ROOT)} and rerun")
    measured = work / "package.json"
    return corpus, package, json.loads(measured.read_text()) if measured.exists() else None


def site_config(work: Path) -> Path:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("docs_dir: build/docs", f"docs_dir: {work / 'docs'}").replace("site_dir: build/site", f"site_dir: {work / 'site'}")
    text = text.replace("custom_dir: overrides", f"custom_dir: {ROOT / 'overrides'}")
    (work / "mkdocs.yml").write_text(text, encoding="utf-8")
    return work / "mkdocs.yml"


# --- one stage in its own process, watched for memory ------------------------------------------

def run(cmd: list, log: Path, env: dict | None = None) -> dict:
    """Wall time, the child's own peak RSS (from wait4) and the sampled peak PSS of its whole tree
    (MB of 10**6 bytes); with `failed`, the end of its log."""
    start = time.perf_counter()
    with open(log, "w") as out:
        proc = subprocess.Popen([str(c) for c in cmd], stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=os.environ | (env or {}))
        tree_kb = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            tree_kb = max(tree_kb, sum(_pss_kb(p) for p in _descendants(proc.pid)))
            # reading smaps of a process of GBs costs the kernel a walk of its pages: sampling every
            # 50 ms took ~40 % of a core from the stage measured; RSS from wait4 is exact anyway
            time.sleep(min(1.0, 0.05 + (time.perf_counter() - start) / 50))
    code = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
    out = {"seconds": time.perf_counter() - start, "rss_mb": usage.ru_maxrss * 1024 / 1e6, "tree_mb": tree_kb * 1024 / 1e6}
    if code:
        out["failed"] = (f"{' '.join(map(str, cmd[:2]))} failed (exit {code}); last lines of {log}:\n"
                         + "\n".join(log.read_text(errors="replace").splitlines()[-30:]))
    return out


def stages(work: Path, corpus: Path, package: Path, config: Path) -> dict[str, tuple[list, dict]]:
    """The steps of `make site` after the package: `xxgk pages`, then what `xxgk site` does (MkDocs,
    the agency pages, the sitemaps, the compressed copies), each on its own to be timed alone:
    (command, environment). The compressed copies last and apart, as the pages workflow leaves
    them out (XXGK_PRECOMPRESS=0) for GitHub Pages."""
    docs, site = work / "docs", work / "site"
    py = "import sys; from pathlib import Path; "
    # the Chinese site only: the English one (under en/, the same pages again without the shared downloads and
    # sources) is not measured here
    return {"pages": ([BIN / "xxgk", "pages", "--lang", "zh", "--package", package, "--out", docs, "--corpus", corpus], {}),
            "mkdocs": ([sys.executable, "-m", "xxgk.site.mkdocs_build", config, mkdocs_dir(site)], {}),
            "render": ([BIN / "xxgk", "render", "--site", site, "--pages", docs, "--files", work / "site-files"], {}),
            "finish": ([sys.executable, "-c", py + "from xxgk.site.finish import finish; print(finish(Path(sys.argv[1]), config=Path(sys.argv[2])))",
                        site, config], {"XXGK_PRECOMPRESS": "0"}),
            "compress": ([sys.executable, "-c", py + "from xxgk.site.compress import precompress; print(precompress(Path(sys.argv[1])))", site], {})}


KINDS = {  # what the site's bytes are, in the order shown
    "agency": "agency pages (HTML)",
    "agency_other": "agencies/, other files (per-agency CSV)",
    "html": "other HTML pages",
    "source_html": "source pages (sources/*.html)",
    "source_text": "sources/, decoded text and page images",
    "source_orig": "sources, original files (*.orig.*)",
    "data": "data downloads (data/)",
    "assets": "assets (javascripts, stylesheets, assets)",
    "other": "other files (search index, sitemaps, …)",
    "compressed": "pre-compressed copies (*.gz, *.br)",
}
# not served from GitHub Pages: published as release assets or to a storage target, or (the
# compressed copies) of no use there, since Pages compresses on its own
OFF_PAGES = ("data", "source_orig", "compressed")
# what XXGK_FILES_URL (with XXGK_SITE_URL, which the benchmark sets) also publishes apart from the
# pages: agency CSVs, reports' text and page images, and the source pages that show them
FILES_APART = (*OFF_PAGES, "agency_other", "source_text", "source_html")


def site_bytes(site: Path, agency_pages: set[str]) -> dict:
    """The built site's bytes by kind (KINDS), its file count, and its largest aggregate and agency pages."""
    out = dict.fromkeys(KINDS, 0) | {"files": 0, "largest_aggregate": (0, ""), "largest_agency": (0, "")}
    for root, _, names in os.walk(site):
        rel_root = os.path.relpath(root, site)
        top = rel_root.split(os.sep, 1)[0]
        for name in names:
            size = os.path.getsize(os.path.join(root, name))
            rel = os.path.normpath(os.path.join(rel_root, name)).replace(os.sep, "/")
            if name.endswith((".gz", ".br")):
                kind = "compressed"
            elif top == "data":
                kind = "data"
            elif top == "sources":
                kind = "source_orig" if ".orig." in name else "source_html" if name.endswith(".html") else "source_text"
            elif rel in agency_pages:
                kind = "agency"
                out["largest_agency"] = max(out["largest_agency"], (size, rel))
            elif name.endswith(".html"):
                kind = "html"
                out["largest_aggregate"] = max(out["largest_aggregate"], (size, rel))
            elif top == "agencies":
                kind = "agency_other"
            else:
                kind = "assets" if top in ("javascripts", "stylesheets", "assets") else "other"
            out[kind] += size
            out["files"] += 1
    return out


def measure(n: int, years: int, precompress: bool) -> dict:
    work = BENCH / (f"site-{n}" if years == 1 else f"site-{n}-y{years}")
    corpus, package, packaging = ensure_package(work, n, years)
    docs, site = work / "docs", work / "site"
    files = work / "site-files"
    for folder in (docs, docs.with_name("docs-agencies"), site, mkdocs_dir(site), files):  # `xxgk pages` keeps unchanged pages: start clean
        shutil.rmtree(folder, ignore_errors=True)
    result = {"n": n, "years": years, "work": work, "packaging": packaging, "stages": {}}
    for name, (cmd, env) in stages(work, corpus, package, site_config(work)).items():
        if name == "compress" and not precompress:
            continue
        print(f"N={n}, {years} year(s): {name} …", file=sys.stderr)
        result["stages"][name] = run(cmd, work / f"{name}.log", env)
        if "failed" in result["stages"][name]:
            print(result["stages"][name]["failed"], file=sys.stderr)
            return result | {"failed": name}
    # the agency pages `xxgk pages` wrote whole, which `xxgk render` puts into site/agencies/ (in
    # docs-agencies/agencies/ beside the source pages, or in docs-agencies/ itself as before)
    fragments = docs.with_name("docs-agencies")
    fragments = fragments / "agencies" if (fragments / "agencies").is_dir() else fragments
    agency_pages = {"agencies/" + p.relative_to(fragments).as_posix() for p in fragments.rglob("*.html")}
    measured = site_bytes(site, agency_pages), site_bytes(files, agency_pages)
    both = {k: measured[0][k] + measured[1][k] if k in KINDS or k == "files" else max(measured[0][k], measured[1][k]) for k in measured[0]}
    result |= {"bytes": both, "agency_pages": len(agency_pages), "again": {}}
    # the same build again, nothing changed: what every rebuild costs before the pages that did
    # change (the lower bound of an incremental build after one new report)
    for name, (cmd, env) in stages(work, corpus, package, site_config(work)).items():
        if name in FOR_PAGES:
            print(f"N={n}, {years} year(s): {name} again …", file=sys.stderr)
            result["again"][name] = run(cmd, work / f"{name}-again.log", env)
    # then one new report (a new agency's): `make site` as a maintainer runs it after adding it
    result["plus_one"] = plus_one(work, corpus, n, years)
    return result


def plus_one(work: Path, corpus: Path, n: int, years: int) -> dict:
    """`make site` after one new report, a new agency's in the latest year, as a maintainer runs
    it: the report added to the corpus folder just built (under PLUS_ONE, removed afterwards, so
    the cached corpus stays as it was; the parse cache knows every other file by its path, as it
    would), the package with the same parse cache into its own folder (the cached package stays
    as it is), then each step of the site. Each step timed."""
    import synth

    shutil.rmtree(work / "corpus-plus-one", ignore_errors=True)  # a copy of links, as earlier runs made it
    extra, package = corpus / PLUS_ONE, work / "package-plus-one"
    shutil.rmtree(extra, ignore_errors=True)
    # a report not seen before (a seed of its own each run), in the year new reports come in: its
    # year's part of the package is written, as for a report really new
    rel, text = _report((time.time_ns(), n * years, n, list(synth.YEARS)[-1]))
    (extra / rel).parent.mkdir(parents=True, exist_ok=True)
    (extra / rel).write_text(text, encoding="utf-8")
    try:
        timed = {"package": run([BIN / "xxgk", "package", "--corpus", corpus, "--out", package, "--cache", work / "parse-cache"],
                                work / "package-plus-one.log")}
        for name, (cmd, env) in stages(work, corpus, package, site_config(work)).items():
            if name in FOR_PAGES and "failed" not in timed[list(timed)[-1]]:
                print(f"N={n}, {years} year(s): {name} after one new report …", file=sys.stderr)
                timed[name] = run(cmd, work / f"{name}-plus-one.log", env)
    finally:
        shutil.rmtree(extra, ignore_errors=True)
    return timed


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

    for folder in (work / "docs", work / "docs-agencies"):  # unchanged pages would be kept, not written
        shutil.rmtree(folder, ignore_errors=True)
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
            ("the page around it (shell.page)", [(site + "shell.py", "page")]),
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
        ("hard-linking agency pages (os.link)", [("~", "<built-in method posix.link>")], []),
        ("copying where links fail (shutil.copyfile)", [("shutil.py", "copyfile", "xxgk/site/render.py")], []),
    ])


PROFILES = {"pages": profile_pages, "mkdocs": profile_mkdocs, "render": profile_render}


# --- the report --------------------------------------------------------------------------------

def _table(rows: list[tuple], right_from: int = 1) -> None:
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for k, r in enumerate(rows):
        print("  ".join(str(c).rjust(w) if i >= right_from else str(c).ljust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip())
        if k == 0:
            print("  ".join("-" * w for w in widths))


STAGE_NAMES = {"pages": "xxgk pages", "mkdocs": "mkdocs build --strict (again: only changed pages)", "render": "xxgk render",
               "finish": "sitemaps (finish, XXGK_PRECOMPRESS=0)", "compress": "pre-compressed copies (precompress)"}
FOR_PAGES = ("pages", "mkdocs", "render", "finish")  # the build the pages workflow deploys to GitHub Pages


def _peak(stage: dict) -> float:
    return max(stage["rss_mb"], stage["tree_mb"])


def _mb(b: float) -> str:
    return f"{b / 1e6:,.1f}"


def summarize(results: list[dict]) -> None:
    import markdown
    import material
    import mkdocs

    commit = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    years = results[0]["years"]
    print(f"\nSite build benchmark: synthetic packages of N agencies, {'one report each' if years == 1 else f'one report a year for {years} years'}; "
          f"code {commit or '?'}; {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, MkDocs {mkdocs.__version__}, "
          f"Material {material.__version__}, Markdown {markdown.__version__}. MB = 10**6 bytes, KB = 10**3 bytes.\n")
    for r in results:
        if "failed" in r:
            print(f"N={r['n']}: stage {STAGE_NAMES[r['failed']]} FAILED:\n{r['stages'][r['failed']]['failed']}\n")
        for step, s in r.get("plus_one", {}).items():
            if "failed" in s:
                print(f"N={r['n']}: after one new report, {step} FAILED:\n{s['failed']}\n")
    done = [r for r in results if "failed" not in r]
    if not done:
        return
    site_s = lambda r: sum(s["seconds"] for k, s in r["stages"].items() if k in FOR_PAGES)
    again_s = lambda r: sum(s["seconds"] for s in r.get("again", {}).values()) if r.get("again") else float("nan")
    all_s = lambda r: sum(s["seconds"] for s in r["stages"].values())
    plus_s = lambda r: (sum(s["seconds"] for s in r["plus_one"].values())
                        if r.get("plus_one") and not any("failed" in s for s in r["plus_one"].values()) else float("nan"))
    pack_s = lambda r: r["packaging"]["seconds"] if r["packaging"] else float("nan")
    # the stages run one after another, so the build's peak is its largest stage's
    peak = lambda r: max(_peak(s) for s in [*r["stages"].values(), *r.get("again", {}).values(), *r.get("plus_one", {}).values()])
    all_peak = lambda r: max(peak(r), _peak(r["packaging"]) if r["packaging"] else 0)
    reports = lambda r: r["n"] * r["years"]
    pages_b = lambda r: sum(v for k, v in r["bytes"].items() if k in KINDS and k not in OFF_PAGES)
    only_b = lambda r: sum(v for k, v in r["bytes"].items() if k in KINDS and k not in FILES_APART)
    total_b = lambda r: sum(v for k, v in r["bytes"].items() if k in KINDS)
    per_year = lambda r: r["bytes"]["agency"] / reports(r)

    rows = [("measure", *(f"N={r['n']:,}" for r in done)),
            ("reports (agency-years)", *(f"{reports(r):,}" for r in done)),
            ("(p) xxgk package, from scratch, validated: seconds", *(f"{pack_s(r):.0f}" for r in done)),
            ("    peak memory (MB)", *(f"{max(r['packaging']['rss_mb'], r['packaging']['tree_mb']):.0f}" if r["packaging"] else "?" for r in done))]
    for label, stage in zip("abcde", STAGE_NAMES):
        ran = [r["stages"].get(stage) for r in done]
        rows += [(f"({label}) {STAGE_NAMES[stage]}: seconds", *(f"{s['seconds']:.1f}" if s else "—" for s in ran)),
                 ("    ms per agency-year", *(f"{1000 * s['seconds'] / reports(r):.2f}" if s else "—" for r, s in zip(done, ran))),
                 ("    peak memory (MB: RSS or sampled PSS of the tree)", *(f"{_peak(s):.0f}" if s else "—" for s in ran))]
    rows += [("site build as deployed to Pages (a-d): seconds", *(f"{site_s(r):.0f}" for r in done)),
             ("    ms per agency-year", *(f"{1000 * site_s(r) / reports(r):.2f}" for r in done)),
             ("    peak memory, any step (MB)", *(f"{peak(r):.0f}" for r in done)),
             ("make site from scratch, for Pages (p + a-d): seconds", *(f"{pack_s(r) + site_s(r):.0f}" for r in done)),
             ("the same build again, nothing changed (a-d): seconds", *(f"{again_s(r):.0f}" for r in done)),
             ("    of which xxgk pages (every page kept)", *(f"{r['again']['pages']['seconds']:.0f}" if r.get("again") else "—" for r in done)),
             ("    peak memory, any step (MB)", *(f"{max(map(_peak, r['again'].values())):.0f}" if r.get("again") else "—" for r in done)),
             ("one new report (a new agency): make site, seconds", *(f"{plus_s(r):.0f}" for r in done)),
             *[(f"    {step}: seconds, peak MB", *(f"{r['plus_one'][step]['seconds']:.0f}, {_peak(r['plus_one'][step]):.0f}"
                                                   if step in r.get("plus_one", {}) else "—" for r in done))
               for step in ("package", *FOR_PAGES)],
             ("make site from scratch, compressed (p + a-e): seconds",
              *(f"{pack_s(r) + all_s(r):.0f}" if "compress" in r["stages"] else "—" for r in done)),
             ("files in site", *(f"{r['bytes']['files']:,}" for r in done)),
             ("agency pages (files)", *(f"{r['agency_pages']:,}" for r in done))]
    rows += [(f"{KINDS[k]} (MB)", *(_mb(r["bytes"][k]) for r in done)) for k in KINDS]
    rows += [("site, all files (MB)", *(_mb(total_b(r)) for r in done)),
             ("  of which GitHub Pages would serve (MB)", *(_mb(pages_b(r)) for r in done)),
             ("  of which pages alone, with XXGK_FILES_URL (MB)", *(_mb(only_b(r)) for r in done)),
             ("site bytes per agency (KB)", *(f"{total_b(r) / r['n'] / 1e3:.1f}" for r in done)),
             ("  Pages bytes per agency (KB)", *(f"{pages_b(r) / r['n'] / 1e3:.1f}" for r in done)),
             ("  pages alone per agency (KB)", *(f"{only_b(r) / r['n'] / 1e3:.1f}" for r in done)),
             ("agency-page HTML per agency-year (KB)", *(f"{per_year(r) / 1e3:.2f}" for r in done)),
             ("largest agency page (KB)", *(f"{r['bytes']['largest_agency'][0] / 1e3:.1f}" for r in done)),
             ("largest aggregate page (KB)", *(f"{r['bytes']['largest_aggregate'][0] / 1e3:.1f}" for r in done)),
             ("  which", *(r["bytes"]["largest_aggregate"][1] for r in done))]
    _table(rows)
    print(f"\nGitHub Pages would serve everything but {', '.join(KINDS[k] for k in OFF_PAGES)}: the downloads and the "
          "original files go to release assets or a storage target, and Pages compresses on its own. "
          f"Pages alone leaves out {', '.join(KINDS[k] for k in FILES_APART if k not in OFF_PAGES)} as well: the files "
          "XXGK_FILES_URL publishes apart (this build sets it, with XXGK_SITE_URL: \"pages alone\" is the site folder, the rest is site-files/). "
          "(p) is the packaging's measurement from the run that made the cached package (validated, as make site does; its own parse cache). "
          "(e) is left out above --precompress-max agencies; the pages workflow leaves it out for Pages.")

    print("\nTargets (national-scale issue, 2 cores; the 1 GB of pages is for the one-report run):")
    checks = []
    for r in done:
        pages_target = "" if r["years"] == 1 else " (for the one-report run)"
        limit = f"<= {TARGET_SECONDS / 60:.0f} min"
        checks += [(f"N={r['n']:,}", "make site from scratch, for Pages (p + a-d)", f"{(pack_s(r) + site_s(r)) / 60:.1f} min", limit,
                    pack_s(r) + site_s(r) <= TARGET_SECONDS),
                   *[("", "the same with compressed copies (p + a-e)", f"{(pack_s(r) + all_s(r)) / 60:.1f} min", limit,
                      pack_s(r) + all_s(r) <= TARGET_SECONDS)] * ("compress" in r["stages"]),
                   ("", "site build, package cached (a-d)", f"{site_s(r) / 60:.1f} min", limit, site_s(r) <= TARGET_SECONDS),
                   ("", "make site after one new report (package + a-d)", f"{plus_s(r) / 60:.1f} min",
                    f"<= {TARGET_REBUILD_SECONDS / 60:.0f} min", plus_s(r) <= TARGET_REBUILD_SECONDS),
                   ("", "peak memory, any step (p, a-e)", f"{all_peak(r):.0f} MB", f"<= {TARGET_MB} MB", all_peak(r) <= TARGET_MB),
                   ("", f"pages GitHub Pages would serve{pages_target}", f"{_mb(pages_b(r))} MB", f"<= {TARGET_PAGES_MB} MB",
                    pages_b(r) <= TARGET_PAGES_MB * 1e6),
                   ("", f"pages alone, with XXGK_FILES_URL{pages_target}", f"{_mb(only_b(r))} MB", f"<= {TARGET_PAGES_MB} MB",
                    only_b(r) <= TARGET_PAGES_MB * 1e6),
                   ("", "agency-page HTML per agency-year", f"{per_year(r) / 1e3:.2f} KB", f"<= {TARGET_AGENCY_YEAR_KB} KB",
                    per_year(r) <= TARGET_AGENCY_YEAR_KB * 1e3),
                   ("", "largest aggregate page", f"{r['bytes']['largest_aggregate'][0] / 1e3:.0f} KB", f"<= {TARGET_AGGREGATE_KB} KB",
                    r["bytes"]["largest_aggregate"][0] <= TARGET_AGGREGATE_KB * 1e3)]
    _table([("N", "target", "measured", "limit", "")] + [(*c[:4], "PASS" if c[4] else "FAIL") for c in checks], right_from=2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000], help="numbers of agencies")
    ap.add_argument("--years", type=int, default=1, help="reports per agency, one a year (the last YEARS of synth's)")
    ap.add_argument("--profile", action="store_true", help="also profile each step at the largest N (slow at 100,000)")
    ap.add_argument("--no-profile", dest="profile", action="store_false", help="no profile (the default)")
    # zlib and Brotli over every text file take ~20 ms a file on 2 cores: hours at 100,000 agencies
    ap.add_argument("--precompress-max", type=int, default=1000, metavar="N",
                    help="make and time the compressed copies (e) only up to N agencies (default 1000)")
    ap.add_argument("--prepare", action="store_true", help="only generate and package the corpora (cached), no site")
    ap.add_argument("--profile-stage", nargs=2, help=argparse.SUPPRESS)  # internal: STAGE WORK_DIR
    args = ap.parse_args()
    if args.profile_stage:
        PROFILES[args.profile_stage[0]](Path(args.profile_stage[1]))
        return
    # an address, as a deployed site has, so the sitemaps are written and measured; the downloads
    # (and the source pages, with them) published apart, as a national site must be (README)
    os.environ.setdefault("XXGK_SITE_URL", "https://example.github.io/xxgk/")
    os.environ.setdefault("XXGK_FILES_URL", "https://files.example.org/xxgk/")

    sizes = sorted(set(args.sizes))
    if args.prepare:
        for n in sizes:
            ensure_package(BENCH / (f"site-{n}" if args.years == 1 else f"site-{n}-y{args.years}"), n, args.years)
        return
    results = [measure(n, args.years, n <= args.precompress_max) for n in sizes]
    summarize(results)
    last = results[-1]
    if args.profile and "failed" not in last:
        print(f"\nWhere the time goes at N={last['n']} (each profiled once, in-process):")
        sys.stdout.flush()
        for stage in last["stages"]:
            if stage not in PROFILES:
                continue
            print(f"profiling {stage} …", file=sys.stderr)
            done = subprocess.run([sys.executable, __file__, "--profile-stage", stage, str(last["work"])], cwd=ROOT)
            if done.returncode:
                print(f"\nprofile of {stage} failed (exit {done.returncode})")


if __name__ == "__main__":
    main()
