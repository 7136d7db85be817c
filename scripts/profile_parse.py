"""Where the parse spends its time: cProfile over a synthetic corpus, in one process.

    .venv/bin/python scripts/profile_parse.py [--reports 300] [--top 25] [--out build/profile/parse.prof]

The corpus comes from scripts/synth.py (every layout the text readers accept); each file is read
into memory first, so the profile holds the parse only. The printed tables (by own time and by
cumulative time) say which functions to make faster; the saved .prof file opens in snakeviz or
`python -m pstats`.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=300)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "profile" / "parse.prof")
    args = ap.parse_args()
    corpus = ROOT / "build" / "profile" / f"synth-{args.reports}"
    if not corpus.is_dir():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "synth.py"), str(corpus), str(args.reports)], check=True,
                       stdout=subprocess.DEVNULL)
    from xxgk.report import parse_bytes

    files = [(p.read_bytes(), p.suffix) for p in sorted(corpus.rglob("*")) if p.is_file()]
    parse_bytes(*files[0])  # the codebook loaded and the patterns compiled once, outside the profile
    start = time.perf_counter()
    for data, suffix in files:
        parse_bytes(data, suffix)
    plain = time.perf_counter() - start
    profile = cProfile.Profile()
    profile.enable()
    for data, suffix in files:
        parse_bytes(data, suffix)
    profile.disable()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    profile.dump_stats(args.out)
    print(f"{len(files)} reports: {plain / len(files) * 1000:.2f} ms/report without the profiler; profile in {args.out}")
    stats = pstats.Stats(profile)
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
