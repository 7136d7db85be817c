"""Benchmark on a synthetic corpus: parsing speed, end-to-end packaging speed and memory,
validation speed, and how exactly the generated figures come back out of the parser.

    .venv/bin/python scripts/bench.py [--reports 2000] [--jobs N]

Each measurement runs in a fresh process, so one stage's memory does not count against another.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "build" / "bench"
SMALL = 500
REBUILD_RATIO = 20
TARGET_RATE = 1000  # reports/s end to end
PLAIN_RATIO = 4  # the package of n reports in at most this many times the plain pass over them
COLD_VALID = 6  # seconds: a cold build of 2,000 reports with validation
FLAT_RATIO = 1.2  # memory is "flat" if the large run peaks at most this much above the small one

sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]


def _maxrss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def _cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


# --- stages (each in its own process) ----------------------------------------------------------

def stage_parse(folder: str, expected: str) -> dict:
    from xxgk.report import parse_bytes

    folder = Path(folder)
    truth = json.loads(Path(expected).read_text(encoding="utf-8"))
    keys = truth["keys"]
    items = sorted(truth["reports"].items())
    first = folder / items[0][0]
    parse_bytes(first.read_bytes(), first.suffix)  # loads the codebook and compiles the patterns once
    layouts: dict[str, dict] = defaultdict(lambda: {"reports": 0, "exact": 0, "facts": 0, "withheld": 0, "wrong": 0, "metadata": 0, "seconds": 0.0, "sample": None})
    seconds = 0.0
    for rel, want in items:
        path = folder / rel
        data = path.read_bytes()
        start = time.perf_counter()
        report = parse_bytes(data, path.suffix)
        elapsed = time.perf_counter() - start
        seconds += elapsed
        got = {f"{f.section}/{f.row}/{f.column}": f for f in report.facts}
        diffs = []
        for key, value in zip(keys, want["values"]):
            fact = got.get(key)
            if fact is None or fact.value != value:
                diffs.append((key, value, None if fact is None else fact.value, "missing" if fact is None else fact.status))
        stats = layouts[want["layout"]]
        stats["reports"] += 1
        stats["seconds"] += elapsed
        stats["exact"] += not diffs
        stats["facts"] += len(keys)
        stats["withheld"] += sum(1 for _, want_v, got_v, _ in diffs if got_v is None and want_v is not None)
        stats["wrong"] += sum(1 for _, want_v, got_v, _ in diffs if got_v is not None or want_v is None)
        stats["metadata"] += report.agency_name == want["agency"] and report.year == want["year"]
        if diffs and stats["sample"] is None:
            stats["sample"] = {"path": str(path.relative_to(ROOT)), "diffs": diffs[:3], "differing": len(diffs),
                               "findings": sorted({g.code for g in report.findings if g.severity != "info"})}
    return {"reports": len(items), "seconds": seconds, "maxrss_mb": _maxrss_mb(resource.RUSAGE_SELF), "layouts": layouts}


PLAIN_PATTERN = r"[0-9]+"


def stage_plain(folder: str) -> dict:
    """The floor a parser is measured against: read every file, decode it, find its numbers with one
    regular expression (one process)."""
    import re

    from xxgk.corpus.walk import corpus_files

    numbers = re.compile(PLAIN_PATTERN)
    start, cpu = time.perf_counter(), time.process_time()
    found = 0
    for path in corpus_files(Path(folder)):
        found += len(numbers.findall(path.read_bytes().decode("utf-8", "replace")))
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu, "numbers": found}


def stage_sharded(folder: str, out: str, one: str, jobs: int, shards: int = 2) -> dict:
    """The sharded build on this machine: each shard parsed in turn (as a matrix job would), then
    assembled and validated; compared byte for byte with the one-machine package at `one`."""
    import hashlib

    from xxgk.package import assemble_shards, build_shard

    work = Path(out)
    shutil.rmtree(work, ignore_errors=True)
    times = []
    for k in range(1, shards + 1):
        start = time.perf_counter()
        build_shard(Path(folder), work / "fragments" / str(k), f"{k}/{shards}", jobs=jobs)
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    assemble_shards([work / "fragments" / str(k) for k in range(1, shards + 1)], Path(folder), work / "package")
    assembled = time.perf_counter() - start

    def digests(root: Path) -> dict:
        return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*")) if p.is_file()}

    return {"shards": times, "assemble": assembled, "identical": digests(work / "package") == digests(Path(one))}


def stage_check(out: str) -> dict:
    """The build's own validation (check_package: the schema on whole columns, keys, Parquet)."""
    from xxgk.package import check_package

    start = time.perf_counter()
    problems = check_package(Path(out))
    seconds = time.perf_counter() - start
    descriptor = json.loads((Path(out) / "datapackage.json").read_text(encoding="utf-8"))
    return {"seconds": seconds, "rows": sum(r["x_rows"] for r in descriptor["resources"]), "problems": problems[:5]}


def stage_package(folder: str, out: str, jobs: int) -> dict:
    from xxgk.package import build

    start = time.perf_counter()
    summary = build(Path(folder), Path(out), jobs=jobs, validate=False)
    seconds = time.perf_counter() - start
    return {"reports": summary.reports, "seconds": seconds, "statuses": dict(summary.statuses),
            "maxrss_mb": _maxrss_mb(resource.RUSAGE_SELF), "worker_maxrss_mb": _maxrss_mb(resource.RUSAGE_CHILDREN),
            "cpu_main": _cpu_seconds(resource.RUSAGE_SELF), "cpu_workers": _cpu_seconds(resource.RUSAGE_CHILDREN)}


def stage_validate(out: str) -> dict:
    from xxgk.package import validate_package

    out = Path(out)
    start = time.perf_counter()
    try:
        problems, error = validate_package(out), ""
    except Exception as exc:  # a crash in the validator is a finding to print, not a reason to stop
        problems, error = [], f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
    seconds = time.perf_counter() - start
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    rows = sum(r["x_rows"] for r in descriptor["resources"])
    return {"seconds": seconds, "rows": rows, "problems": problems[:5], "error": error,
            "maxrss_mb": _maxrss_mb(resource.RUSAGE_SELF)}


def stage_incremental(folder: str, jobs: int, validate: bool, repeat: int = 3) -> dict:
    """Cold build with an empty parse cache, then rebuilds: each after adding one new report, and
    with nothing changed (medians of `repeat` runs: single runs vary by ±20 % on a small VM)."""
    from statistics import median

    from xxgk.package import build

    work = BENCH / "incremental"
    shutil.rmtree(work, ignore_errors=True)
    corpus = work / "corpus"
    shutil.copytree(folder, corpus)
    cache = work / "cache"
    start = time.perf_counter()
    cold = build(corpus, work / "package", jobs=jobs, validate=validate, cache=cache)
    cold_s = time.perf_counter() - start
    report = (ROOT / "tests" / "fixtures" / "golden" / "26-gwh-2025" / "input.txt").read_bytes()
    warm, same = [], []
    for i in range(repeat):
        added = corpus / f"added-{i}.txt"
        added.write_bytes(report + f"\n（第 {i + 1} 份）\n".encode())  # new content: parsed, not found in the cache
        os.utime(added, ns=(0, 0))  # not "just changed": the stat index may remember it
        start = time.perf_counter()
        summary = build(corpus, work / "package", jobs=jobs, validate=validate, cache=cache)
        warm.append((time.perf_counter() - start, summary.reports - summary.cached))
        start = time.perf_counter()
        summary = build(corpus, work / "package", jobs=jobs, validate=validate, cache=cache)
        same.append((time.perf_counter() - start, summary.reports - summary.cached))
    return {"cold_seconds": cold_s, "cold_parsed": cold.reports - cold.cached,
            "warm_seconds": median(t for t, _ in warm), "warm_parsed": max(n for _, n in warm),
            "same_seconds": median(t for t, _ in same), "same_parsed": max(n for _, n in same), "repeat": repeat}


STAGES = {"parse": stage_parse, "plain": stage_plain, "package": stage_package, "check": stage_check, "validate": stage_validate,
          "incremental": stage_incremental, "sharded": stage_sharded}


# --- running a stage and watching its memory ---------------------------------------------------

def _descendants(pid: int) -> list[int]:
    children = defaultdict(list)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children[ppid].append(int(stat.parent.name))
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo += children[p]
    return tree


def _pss_kb(pid: int) -> int:
    """Proportional set size: pages shared between forked workers are counted once overall."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return next((int(line.split()[1]) for line in f if line.startswith("Pss:")), 0)
    except OSError:
        return 0


def run_stage(name: str, watch: bool = False, **kwargs) -> dict:
    cmd = [sys.executable, __file__, "--stage", name, json.dumps(kwargs, default=str)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    peak = 0
    while watch and proc.poll() is None:
        peak = max(peak, sum(_pss_kb(p) for p in _descendants(proc.pid)))
        time.sleep(0.02)
    stdout, _ = proc.communicate()
    if proc.returncode:
        sys.exit(f"stage {name} failed (exit {proc.returncode})")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["process_seconds"] = time.perf_counter() - start
    result["tree_peak_mb"] = peak / 1024
    return result


def ensure_corpus(folder: Path, n: int) -> Path:
    """Generate the corpus unless it is already there with n reports."""
    from synth import generate

    from xxgk.corpus.walk import corpus_files

    expected = folder.with_name(folder.name + ".expected.json")  # beside the corpus, never in it
    if not (folder.is_dir() and expected.exists() and len(corpus_files(folder)) == n):
        print(f"generating {n} reports in {folder.relative_to(ROOT)} …", file=sys.stderr)
        generate(folder, n, seed=0, expected=expected)
    return expected


# --- the report --------------------------------------------------------------------------------

def _yes(ok: bool) -> str:
    return "yes" if ok else "NO"


def _incremental_rows(label: str, inc: dict) -> list[tuple]:
    return [
        (label, f"cold build ({inc['cold_parsed']} parsed)", f"{inc['cold_seconds']:.2f} s", "", ""),
        ("", f"rebuild, one report added ({inc['warm_parsed']} parsed; median of {inc['repeat']})", f"{inc['warm_seconds']:.2f} s", "", ""),
        ("", "cold / rebuild", f"x{inc['ratio']:.1f}", f">= x{REBUILD_RATIO}", _yes(inc["ratio"] >= REBUILD_RATIO)),
        ("", f"rebuild, nothing changed ({inc['same_parsed']} parsed; median of {inc['repeat']})", f"{inc['same_seconds']:.2f} s", "", ""),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=2000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--stage", nargs=2, help=argparse.SUPPRESS)  # internal: NAME JSON-ARGUMENTS
    args = ap.parse_args()
    if args.stage:
        name, kwargs = args.stage
        print(json.dumps(STAGES[name](**json.loads(kwargs)), ensure_ascii=False))
        return

    n, small = args.reports, min(SMALL, max(1, args.reports // 4))
    large_dir, small_dir = BENCH / "corpus", BENCH / f"corpus-{small}"
    expected = ensure_corpus(large_dir, n)
    ensure_corpus(small_dir, small)

    print("reading and matching numbers (1 process) …", file=sys.stderr)
    plain = run_stage("plain", folder=large_dir)
    print("parsing (1 process) …", file=sys.stderr)
    parse = run_stage("parse", folder=large_dir, expected=expected)
    print(f"packaging {n} reports ({args.jobs} jobs) …", file=sys.stderr)
    large = run_stage("package", watch=True, folder=large_dir, out=BENCH / f"package-{n}", jobs=args.jobs)
    print("validating (the build's check, then Frictionless) …", file=sys.stderr)
    check = run_stage("check", out=BENCH / f"package-{n}")
    valid = run_stage("validate", out=BENCH / f"package-{n}")
    print(f"a sharded build (2 shards in turn, {args.jobs} jobs each, then the assemble) …", file=sys.stderr)
    sharded = run_stage("sharded", folder=large_dir, out=BENCH / "sharded", one=BENCH / f"package-{n}", jobs=args.jobs)
    print(f"packaging {small} reports ({args.jobs} jobs) …", file=sys.stderr)
    small_run = run_stage("package", watch=True, folder=small_dir, out=BENCH / f"package-{small}", jobs=args.jobs)

    incremental = {}
    for validate in (True, False):
        print(f"cold build and rebuild after adding one report ({'with' if validate else 'without'} validation) …", file=sys.stderr)
        inc = incremental[validate] = run_stage("incremental", folder=large_dir, jobs=args.jobs, validate=validate)
        inc["ratio"] = inc["cold_seconds"] / inc["warm_seconds"]

    rate = large["reports"] / large["seconds"]
    growth = large["tree_peak_mb"] / small_run["tree_peak_mb"] if small_run["tree_peak_mb"] else float("inf")
    layouts = parse["layouts"]
    exact = sum(s["exact"] for s in layouts.values())
    ratio = large["seconds"] / plain["seconds"]
    shard_total = sum(sharded["shards"]) + sharded["assemble"]
    cold_valid = incremental[True]["cold_seconds"]
    rows = [
        ("(0) read + decode + regex, 1 process", "wall time", f"{plain['seconds']:.2f} s", "", ""),
        ("", "CPU time", f"{plain['cpu']:.2f} s", "", ""),
        ("(a) parse only, 1 process", "reports/s", f"{parse['reports'] / parse['seconds']:.0f}", "", ""),
        ("", "peak RSS", f"{parse['maxrss_mb']:.0f} MB", "", ""),
        (f"(b) package {n}, {args.jobs} jobs, no validation", "wall time (build call)", f"{large['seconds']:.2f} s", "", ""),
        ("", "wall time (whole process)", f"{large['process_seconds']:.2f} s", "", ""),
        ("", "reports/s", f"{rate:.0f}", f">= {TARGET_RATE}", _yes(rate >= TARGET_RATE)),
        ("", "wall time / (0)'s", f"x{ratio:.1f}", f"<= x{PLAIN_RATIO}", _yes(ratio <= PLAIN_RATIO)),
        ("", "CPU time, main process", f"{large['cpu_main']:.2f} s", "", ""),
        ("", "CPU time, workers", f"{large['cpu_workers']:.2f} s", "", ""),
        ("", "peak memory, process tree (PSS)", f"{large['tree_peak_mb']:.0f} MB", "", ""),
        ("", "peak RSS, main process", f"{large['maxrss_mb']:.0f} MB", "", ""),
        ("", "peak RSS, largest worker", f"{large['worker_maxrss_mb']:.0f} MB", "", ""),
        ("(c) check_package (the build's validation)", "time", f"{check['seconds']:.2f} s", "", ""),
        ("", "rows/s", f"{check['rows'] / check['seconds']:.0f}", "", ""),
        ("", "problems", f"{len(check['problems'])}", "0", _yes(not check["problems"])),
        ("", f"cold build of {n} with it (e)", f"{cold_valid:.2f} s", f"<= {COLD_VALID} s", _yes(cold_valid <= COLD_VALID)),
        ("(c') validate_package (Frictionless, xxgk validate)", "time", f"{valid['seconds']:.2f} s", "", ""),
        ("", "rows", f"{valid['rows']}", "", ""),
        ("", "rows/s" + (" (until the crash)" if valid["error"] else ""), f"{valid['rows'] / valid['seconds']:.0f}", "", ""),
        ("", "problems", "crashed" if valid["error"] else f"{len(valid['problems'])}", "0",
         _yes(not valid["problems"] and not valid["error"])),
        (f"(d) package {small}, {args.jobs} jobs", "peak memory, process tree (PSS)", f"{small_run['tree_peak_mb']:.0f} MB", "", ""),
        ("", "peak RSS, main process", f"{small_run['maxrss_mb']:.0f} MB", "", ""),
        ("", "peak RSS, largest worker", f"{small_run['worker_maxrss_mb']:.0f} MB", "", ""),
        ("", f"tree memory growth {small} -> {n}", f"x{growth:.2f}", f"<= x{FLAT_RATIO}", _yes(growth <= FLAT_RATIO)),
        *[row for validate, label in ((True, "(e) rebuild, as xxgk package"), (False, "(f) rebuild, no validation"))
          for row in _incremental_rows(label, incremental[validate])],
        ("(g) 2 shards in turn, then assemble", "shard 1 + shard 2", " + ".join(f"{t:.2f}" for t in sharded["shards"]) + " s", "", ""),
        ("", "assemble (with validation)", f"{sharded['assemble']:.2f} s", "", ""),
        ("", "total / one machine (b + c)", f"{shard_total:.2f} / {large['seconds'] + check['seconds']:.2f} s", "", ""),
        ("", "package identical to (b)'s", "yes" if sharded["identical"] else "no", "yes", _yes(sharded["identical"])),
        ("figures exactly as generated", "reports", f"{exact}/{parse['reports']} ({100 * exact / parse['reports']:.1f} %)",
         "100 %", _yes(exact == parse["reports"])),
    ]
    print(f"\nBenchmark: {n} synthetic reports in {large_dir.relative_to(ROOT)}, {os.cpu_count()} CPUs, "
          f"{args.jobs} jobs, Python {sys.version.split()[0]}")
    print(f"package statuses ({n}): " + ", ".join(f"{k} {v}" for k, v in sorted(large["statuses"].items())))
    head = ("stage", "measure", "value", "target", "met")
    widths = [max(len(r[i]) for r in (head, *rows)) for i in range(5)]
    print()
    for r in [head, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(w) if i != 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths))).rstrip())

    if valid["error"]:
        print(f"\nvalidate_package crashed after {valid['seconds']:.2f} s: {valid['error']}")
    for problem in valid["problems"]:
        print(f"validation problem: {problem}")

    print(f"\n{'layout':10} {'reports':>7} {'exact':>6} {'share':>7} {'withheld':>9} {'wrong':>6} {'agency+year':>12} {'parse/s':>8}")
    print("  (withheld / wrong: figures the parser left empty / published with another value)")
    for layout, s in sorted(layouts.items()):
        metadata = f"{s['metadata']}/{s['reports']}"
        print(f"{layout:10} {s['reports']:7} {s['exact']:6} {100 * s['exact'] / s['reports']:6.1f}% "
              f"{s['withheld']:9} {s['wrong']:6} {metadata:>12} {s['reports'] / s['seconds']:8.0f}")
    for layout, s in sorted(layouts.items()):
        if s["sample"]:
            sample = s["sample"]
            print(f"\n{layout}: {s['reports'] - s['exact']} of {s['reports']} reports not exact; e.g. {sample['path']}"
                  f" ({sample['differing']} figures differ; findings: {', '.join(sample['findings']) or 'none'})")
            for key, want, got, status in sample["diffs"]:
                print(f"    {key}: generated {want}, parsed {got} ({status})")


if __name__ == "__main__":
    main()
