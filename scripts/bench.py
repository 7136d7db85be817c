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
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "build" / "bench"
SMALL = 500
TARGET_RATE = 1000  # reports/s end to end
FLAT_RATIO = 1.2  # memory is "flat" if the large run peaks at most this much above the small one

sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]


def _maxrss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


# --- stages (each in its own process) ----------------------------------------------------------

def stage_parse(folder: Path, expected: Path) -> dict:
    from xxgk.parse import parse_bytes

    truth = json.loads(expected.read_text(encoding="utf-8"))
    keys = truth["keys"]
    items = sorted(truth["reports"].items())
    first = folder / items[0][0]
    parse_bytes(first.read_bytes(), first.suffix)  # loads the codebook and compiles the patterns once
    layouts: dict[str, dict] = defaultdict(lambda: dict(reports=0, exact=0, facts=0, withheld=0, wrong=0, metadata=0, sample=None))
    seconds = 0.0
    for rel, want in items:
        path = folder / rel
        data = path.read_bytes()
        start = time.perf_counter()
        report = parse_bytes(data, path.suffix)
        seconds += time.perf_counter() - start
        got = {f"{f.section}/{f.row}/{f.column}": f for f in report.facts}
        diffs = []
        for key, value in zip(keys, want["values"]):
            fact = got.get(key)
            if fact is None or fact.value != value:
                diffs.append((key, value, None if fact is None else fact.value, "missing" if fact is None else fact.status))
        stats = layouts[want["layout"]]
        stats["reports"] += 1
        stats["exact"] += not diffs
        stats["facts"] += len(keys)
        stats["withheld"] += sum(1 for _, want_v, got_v, _ in diffs if got_v is None and want_v is not None)
        stats["wrong"] += sum(1 for _, want_v, got_v, _ in diffs if got_v is not None or want_v is None)
        stats["metadata"] += report.agency_name == want["agency"] and report.year == want["year"]
        if diffs and stats["sample"] is None:
            stats["sample"] = {"path": str(path.relative_to(ROOT)), "diffs": diffs[:3], "differing": len(diffs),
                               "findings": sorted({g.code for g in report.findings if g.severity != "info"})}
    return {"reports": len(items), "seconds": seconds, "maxrss_mb": _maxrss_mb(resource.RUSAGE_SELF), "layouts": layouts}


def stage_package(folder: Path, out: Path, jobs: int) -> dict:
    from xxgk.package import build

    start = time.perf_counter()
    summary = build(folder, out, jobs=jobs, validate=False)
    seconds = time.perf_counter() - start
    return {"reports": summary.reports, "seconds": seconds, "statuses": dict(summary.statuses),
            "maxrss_mb": _maxrss_mb(resource.RUSAGE_SELF), "worker_maxrss_mb": _maxrss_mb(resource.RUSAGE_CHILDREN)}


def stage_validate(out: Path) -> dict:
    from xxgk.package import validate_package

    start = time.perf_counter()
    problems = validate_package(out)
    seconds = time.perf_counter() - start
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    rows = sum(r["x_rows"] for r in descriptor["resources"])
    return {"seconds": seconds, "rows": rows, "problems": problems[:5], "maxrss_mb": _maxrss_mb(resource.RUSAGE_SELF)}


STAGES = {"parse": stage_parse, "package": stage_package, "validate": stage_validate}


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


def run_stage(name: str, *args, watch: bool = False) -> dict:
    cmd = [sys.executable, __file__, "--stage", name, *map(str, args)]
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

    from xxgk.package import corpus_files

    expected = folder.with_name(folder.name + ".expected.json")  # beside the corpus, never in it
    if not (folder.is_dir() and expected.exists() and len(corpus_files(folder)) == n):
        print(f"generating {n} reports in {folder.relative_to(ROOT)} …", file=sys.stderr)
        generate(folder, n, seed=0, expected=expected)
    return expected


# --- the report --------------------------------------------------------------------------------

def _yes(ok: bool) -> str:
    return "yes" if ok else "NO"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=2000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--stage", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.stage:
        name, *rest = args.stage
        fn = STAGES[name]
        params = [Path(r) for r in rest]
        if name == "package":
            params[2] = int(rest[2])
        print(json.dumps(fn(*params), ensure_ascii=False))
        return

    n, small = args.reports, min(SMALL, max(1, args.reports // 4))
    large_dir, small_dir = BENCH / "corpus", BENCH / f"corpus-{small}"
    expected = ensure_corpus(large_dir, n)
    ensure_corpus(small_dir, small)

    print("parsing (1 process) …", file=sys.stderr)
    parse = run_stage("parse", large_dir, expected)
    print(f"packaging {n} reports ({args.jobs} jobs) …", file=sys.stderr)
    large = run_stage("package", large_dir, BENCH / f"package-{n}", args.jobs, watch=True)
    print("validating …", file=sys.stderr)
    valid = run_stage("validate", BENCH / f"package-{n}")
    print(f"packaging {small} reports ({args.jobs} jobs) …", file=sys.stderr)
    small_run = run_stage("package", small_dir, BENCH / f"package-{small}", args.jobs, watch=True)

    rate = large["reports"] / large["seconds"]
    growth = large["tree_peak_mb"] / small_run["tree_peak_mb"] if small_run["tree_peak_mb"] else float("inf")
    layouts = parse["layouts"]
    exact = sum(s["exact"] for s in layouts.values())
    rows = [
        ("(a) parse only, 1 process", "reports/s", f"{parse['reports'] / parse['seconds']:.0f}", "", ""),
        ("", "peak RSS", f"{parse['maxrss_mb']:.0f} MB", "", ""),
        (f"(b) package {n}, {args.jobs} jobs, no validation", "wall time (build call)", f"{large['seconds']:.2f} s", "", ""),
        ("", "wall time (whole process)", f"{large['process_seconds']:.2f} s", "", ""),
        ("", "reports/s", f"{rate:.0f}", f">= {TARGET_RATE}", _yes(rate >= TARGET_RATE)),
        ("", "peak memory, process tree (PSS)", f"{large['tree_peak_mb']:.0f} MB", "", ""),
        ("", "peak RSS, main process", f"{large['maxrss_mb']:.0f} MB", "", ""),
        ("", "peak RSS, largest worker", f"{large['worker_maxrss_mb']:.0f} MB", "", ""),
        ("(c) validate_package", "time", f"{valid['seconds']:.2f} s", "", ""),
        ("", "rows", f"{valid['rows']}", "", ""),
        ("", "rows/s", f"{valid['rows'] / valid['seconds']:.0f}", "", ""),
        ("", "problems", f"{len(valid['problems'])}", "0", _yes(not valid["problems"])),
        (f"(d) package {small}", "peak memory, process tree (PSS)", f"{small_run['tree_peak_mb']:.0f} MB", "", ""),
        ("", "peak RSS, main process", f"{small_run['maxrss_mb']:.0f} MB", "", ""),
        (f"    package {n}", "peak memory, process tree (PSS)", f"{large['tree_peak_mb']:.0f} MB", "", ""),
        ("", "peak RSS, main process", f"{large['maxrss_mb']:.0f} MB", "", ""),
        ("", f"growth {small} -> {n}", f"x{growth:.2f}", f"<= x{FLAT_RATIO}", _yes(growth <= FLAT_RATIO)),
        ("figures exactly as generated", "reports", f"{exact}/{parse['reports']} ({100 * exact / parse['reports']:.1f} %)",
         "100 %", _yes(exact == parse["reports"])),
    ]
    print(f"\nBenchmark: {n} synthetic reports in {large_dir.relative_to(ROOT)}, {os.cpu_count()} CPUs, "
          f"{args.jobs} jobs, Python {sys.version.split()[0]}")
    print(f"package statuses ({n}): " + ", ".join(f"{k} {v}" for k, v in sorted(large["statuses"].items())))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    head = ("stage", "measure", "value", "target", "met")
    print()
    for r in [head, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(w) if i != 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths))).rstrip())

    print(f"\n{'layout':10} {'reports':>7} {'exact':>6} {'share':>7} {'withheld':>9} {'wrong':>6} {'agency+year':>12}")
    print("  (withheld / wrong: figures the parser left empty / published with another value)")
    for layout, s in sorted(layouts.items()):
        print(f"{layout:10} {s['reports']:7} {s['exact']:6} {100 * s['exact'] / s['reports']:6.1f}% "
              f"{s['withheld']:9} {s['wrong']:6} {s['metadata']:7}/{s['reports']}")
    for layout, s in sorted(layouts.items()):
        if s["sample"]:
            sample = s["sample"]
            print(f"\n{layout}: {s['reports'] - s['exact']} of {s['reports']} reports not exact; e.g. {sample['path']}"
                  f" ({sample['differing']} figures differ; findings: {', '.join(sample['findings']) or 'none'})")
            for key, want, got, status in sample["diffs"]:
                print(f"    {key}: generated {want}, parsed {got} ({status})")


if __name__ == "__main__":
    main()
