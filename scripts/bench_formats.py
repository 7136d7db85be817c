"""Benchmark of the PDF, Word and OCR readers: pages per second for PDFs with a text layer,
seconds per page for pages read by OCR, and files per second for DOCX and DOC, through the whole
parser (read, extract, check), on every core (`--jobs`).

    .venv/bin/python scripts/bench_formats.py [--jobs N] [--repeat R]

The files are the project's real fixtures (tests/fixtures/formats/), each parsed `--repeat` times
by a pool of worker processes, as `xxgk package` parses a corpus."""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ROOT / "tests" / "fixtures" / "formats"
sys.path.insert(0, str(ROOT))


def _parse(path: str) -> tuple[int, str]:
    from xxgk.report import parse_bytes

    p = Path(path)
    report = parse_bytes(p.read_bytes(), p.suffix)
    return sum(f.status == "reported" for f in report.facts), report.status


def _pages(path: Path) -> int:
    import pypdfium2 as pdfium

    return len(pdfium.PdfDocument(path.read_bytes()))


def _run(files: list[Path], jobs: int) -> float:
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(_parse, [str(files[0])] * jobs))  # workers started and their imports done
        start = time.perf_counter()
        results = list(pool.map(_parse, map(str, files)))
        elapsed = time.perf_counter() - start
    assert all(figures for figures, _ in results), "a benchmark file gave no figures"
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--repeat", type=int, default=10)
    args = ap.parse_args()
    text_pdfs = [p for p in sorted(FORMATS.glob("*.pdf")) if "scanned" not in p.name]
    scanned = sorted(FORMATS.glob("*scanned*.pdf"))
    rows = []
    files = text_pdfs * args.repeat
    pages = sum(_pages(p) for p in text_pdfs) * args.repeat
    t = _run(files, args.jobs)
    rows.append(("PDF, text layer", f"{len(files)} files, {pages} pages", f"{pages / t:.1f} pages/s", "goal >= 20 pages/s"))
    if scanned:
        pages = sum(_pages(p) for p in scanned)
        t = _run(scanned, args.jobs)
        rows.append(("PDF, every page OCR", f"{len(scanned)} files, {pages} pages", f"{t / pages:.2f} s/page (one file per worker)",
                     "goal <= 6 s/page"))
    for suffix, label in ((".docx", "DOCX (mammoth)"), (".doc", "DOC (LibreOffice, then mammoth)")):
        found = sorted(FORMATS.glob(f"*{suffix}"))
        if not found:
            continue
        found = [p for p in found if p.stat().st_size > 20000] or found  # the real reports, not the small quirk files
        files = found * (args.repeat if suffix == ".docx" else 2)
        t = _run(files, args.jobs)
        rows.append((label, f"{len(files)} files", f"{len(files) / t:.2f} files/s", ""))
    print(f"formats benchmark: {args.jobs} workers, whole parser (read, extract, check)")
    for row in rows:
        print("  " + " | ".join(f"{c:<28}" for c in row).rstrip())


if __name__ == "__main__":
    main()
