"""What the reports added since BASE contain: one row per new corpus file (agency, year, template,
status, figures) and its findings, as Markdown for a pull request's job summary.

    python scripts/pr_summary.py --base origin/main   # appends to $GITHUB_STEP_SUMMARY when set
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xxgk import paths
from xxgk.corpus.walk import refusal
from xxgk.model import Finding, Report
from xxgk.package.worker import parse_within_limits


def added_files(base: str) -> list[str]:
    out = subprocess.run(["git", "diff", "--name-only", "--diff-filter=AM", f"{base}...HEAD", "--", str(paths.CORPUS)],
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout
    return [line for line in out.splitlines() if line.strip()]


def cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def summary(files: list[str], root: Path = ROOT) -> str:
    lines = ["## New reports", ""]
    if not files:
        return "\n".join(lines + ["No report file is added or changed under `corpus/`.", ""])
    lines += ["| file | agency | year | template | status | figures | findings |", "| --- | --- | --- | --- | --- | ---: | --- |"]
    details = []
    for name in files:
        path = root / name
        refused = refusal(str(path), str(root / paths.CORPUS))  # links out of the corpus, huge files: not read
        if refused:
            report = Report.failed(path.suffix, Finding(refused[0], "error", refused[1], refused[2]))
        else:
            report, _ = parse_within_limits(path.read_bytes(), path.suffix)
        codes = Counter(g.code for g in report.findings)
        figures = sum(f.status == "reported" for f in report.facts)
        lines.append(f"| `{cell(name)}` | {cell(report.agency_name or '?')} | {report.year or '?'} | {report.template or '-'} "
                     f"| {report.status} | {figures} | {cell(', '.join(f'{k} {v}' for k, v in sorted(codes.items())) or '—')} |")
        serious = [g for g in report.findings if g.severity != "info"]
        if serious:
            details += [f"### `{cell(name)}`", ""] + [f"- **{g.code}** ({g.severity}) {cell(g.message_zh)}" for g in serious] + [""]
    return "\n".join(lines + [""] + details)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", default="origin/main")
    args = ap.parse_args()
    text = summary(added_files(args.base))
    print(text)
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
