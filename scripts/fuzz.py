"""Coverage-guided fuzzing (atheris/libFuzzer) of the readers and the extractor.

    .venv/bin/python scripts/fuzz.py [--seconds 600] [--runs N]

Starts from the golden inputs and from small reports whose figures are printed in other number
forms (`1,234`, `1e9`, `3万`, `50%`, `(5)` …), mutates them, and checks every input with
xxgk.fuzz.check_input: no unhandled exception, no figure that is not printed whole in the input. An input that breaks either
is saved under tests/fixtures/fuzz/ (named by its hash, with its suffix), where the test suite
replays it from then on; the run then fails.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOUND = ROOT / "tests" / "fixtures" / "fuzz"
SUFFIXES = (".txt", ".html", ".md")


def target(data: bytes) -> None:
    from xxgk.fuzz import check_input

    # the first byte chooses the reader, the rest is the file
    suffix = SUFFIXES[data[0] % len(SUFFIXES)] if data else ".txt"
    try:
        check_input(data[1:], suffix)
    except BaseException:
        FOUND.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha256(data[1:]).hexdigest()[:16]
        (FOUND / f"{name}{suffix}").write_bytes(data[1:])
        raise


# small real reports, one per layout, whose figures after the labels are printed in other forms
FORM_BASES = ("seed-000/input.txt", "26-gwh-2025/input.txt", "seed-002-markdown/input.md", "25-jjp-2024-html/input.html")


def number_form_seeds() -> list[tuple[str, bytes]]:
    """Seeds that print figures after labels as `1,234`, `1，234`, `1e9`, `0x10`, `3万`, `50%`, `(5)` and
    the like (xxgk.fuzz.NUMBER_FORMS), replacing a figure or glued after it: the mutations start
    from the forms the parser must read or withhold."""
    sys.path.insert(0, str(ROOT))
    from xxgk.fuzz import (
        NUMBER_FORMS,
        NUMBER_SUFFIXES,
        label_figures,
        with_number_forms,
    )

    out = []
    for base in FORM_BASES:
        path = ROOT / "tests" / "fixtures" / "golden" / base
        data, first = path.read_bytes(), bytes([SUFFIXES.index(path.suffix)])
        count = len(label_figures(data))
        for k, form in enumerate(NUMBER_FORMS):  # every third label, starting at a different one
            edits = [(i, form, True) for i in range(k % 3, count, 3)]
            out.append((f"forms-{path.parent.name}-{k:02d}", first + with_number_forms(data, edits)))
        for k, glued in enumerate(NUMBER_SUFFIXES):
            edits = [(i, glued, False) for i in range(k % 3, count, 3)]
            out.append((f"glued-{path.parent.name}-{k:02d}", first + with_number_forms(data, edits)))
    return out


def fuzz(args: list[str]) -> None:
    import importlib

    import atheris

    with atheris.instrument_imports(include=["xxgk"]):  # coverage for every xxgk module the target reaches
        importlib.import_module("xxgk.fuzz")
    atheris.Setup([sys.argv[0], *args], target)
    atheris.Fuzz()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int, default=600)
    ap.add_argument("--runs", type=int, default=0, help="stop after N inputs (instead of --seconds)")
    ap.add_argument("--seed", type=int, default=0, help="libFuzzer's random seed (0: a new one each run); a fixed seed "
                    "makes a run repeatable, as the bounded run in make test must be")
    ap.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        fuzz(args.child)
        return 0
    with tempfile.TemporaryDirectory(prefix="xxgk-fuzz-") as work:
        seeds = Path(work) / "seeds"
        seeds.mkdir()
        for path in sorted((ROOT / "tests" / "fixtures" / "golden").glob("*/input.*")):
            if path.suffix in SUFFIXES:
                (seeds / f"{path.parent.name}").write_bytes(bytes([SUFFIXES.index(path.suffix)]) + path.read_bytes())
        for name, data in number_form_seeds():
            (seeds / name).write_bytes(data)
        limit = [f"-runs={args.runs}"] if args.runs else [f"-max_total_time={args.seconds}"]
        limit += [f"-seed={args.seed}"] if args.seed else []
        cmd = [sys.executable, __file__, "--child", *limit, "-max_len=65536", "-timeout=30", "-rss_limit_mb=2048",
               f"-artifact_prefix={work}/", "-print_final_stats=1", str(seeds)]
        result = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
        log = result.stdout.splitlines()
        # libFuzzer reports every new coverage point; show its summary, or the end of the log on failure
        print("\n".join(log[-60:] if result.returncode else [l for l in log if l.startswith(("Done", "stat::"))]))
        artifacts = [p for p in Path(work).iterdir() if p.is_file()]
        for p in artifacts:  # crashes, timeouts and out-of-memory inputs libFuzzer saved itself
            data = p.read_bytes()
            suffix = SUFFIXES[data[0] % len(SUFFIXES)] if data else ".txt"
            FOUND.mkdir(parents=True, exist_ok=True)
            (FOUND / f"{hashlib.sha256(data[1:]).hexdigest()[:16]}{suffix}").write_bytes(data[1:])
    if result.returncode:
        print(f"fuzz: an input broke the parser; saved in {FOUND.relative_to(ROOT)}/ (now a test fixture)", file=sys.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
