"""Golden files: each case in tests/fixtures/golden/<case>/ is a real report (`input.*`) beside the
facts and findings expected from it (`expected.json`); MANIFEST.yaml there says in one line what
each case covers, and must name exactly the case folders.

    python scripts/golden.py --check    # compare, print the differences, exit 1 if any (or if the manifest is off)
    python scripts/golden.py --update   # rewrite expected.json from the parser (review the diff!)
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "fixtures" / "golden"
MANIFEST = GOLDEN / "MANIFEST.yaml"
sys.path.insert(0, str(ROOT))

from xxgk.report import parse_bytes

MARK = {"blank": "·", "absent": "-", "unresolved": "?"}


def _cell(f) -> str:
    if f.value is None:
        return MARK[f.status]
    return f"{f.value:g}" if isinstance(f.value, float) else str(f.value)


def snapshot(path: Path) -> dict:
    """What a golden file records of a parsed report: metadata, every cell, every finding."""
    report = parse_bytes(path.read_bytes(), path.suffix)
    rows: dict[str, list[str]] = {}
    evidence: dict[str, str] = {}
    lines: dict[str, int] = {}
    places: dict[str, str] = {}  # laid-out documents: where each row's first figure was printed
    offsets: dict[str, list[str]] = {}  # each cell's characters in its line, start-end ("-": not known)
    for f in report.facts:
        key = f"{f.section}.{f.row}"
        rows.setdefault(key, []).append(_cell(f))
        if f.evidence not in ("cell", ""):
            evidence[key] = f.evidence
        if f.source_line is not None and key not in lines:
            lines[key] = f.source_line
        offsets.setdefault(key, []).append("-" if f.source_char_start is None else f"{f.source_char_start}-{f.source_char_end}")
        if (f.source_page or f.source_cell) and key not in places:
            places[key] = " ".join(x for x in (f"p{f.source_page}" if f.source_page else "", f.source_cell, f.source_box) if x)
    snap = {
        "agency_name": report.agency_name,
        "year": report.year,
        "template": report.template,
        "status": report.status,
        "publication_date": report.publication_date,
        "facts": {k: " ".join(v) for k, v in rows.items()},
        "evidence": evidence,
        "source_lines": lines,
        "findings": [" ".join(x for x in (g.code, g.severity, ".".join(y for y in (g.section, g.row, g.column) if y)) if x)
                     for g in report.findings],
        "texts": sorted(t.section for t in report.texts),
    }
    if places:
        snap["places"] = places
    known = {k: " ".join(v) for k, v in offsets.items() if any(x != "-" for x in v)}
    if known:
        snap["offsets"] = known
    return snap


def cases() -> list[Path]:
    return sorted(p for p in GOLDEN.iterdir() if p.is_dir())


def manifest() -> dict[str, str]:
    """MANIFEST.yaml: each case's name and what it covers."""
    return (yaml.safe_load(MANIFEST.read_text(encoding="utf-8")) or {}).get("cases") or {}


def manifest_problems() -> list[str]:
    """Case folders the manifest does not describe, names it lists that are no case, empty lines."""
    listed = manifest()
    names = {c.name for c in cases()}
    return ([f"{n}: a case missing from {MANIFEST.name} (add a line saying what it covers)" for n in sorted(names - set(listed))]
            + [f"{n}: in {MANIFEST.name} but no case folder" for n in sorted(set(listed) - names)]
            + [f"{n}: no description in {MANIFEST.name}" for n in sorted(names & set(listed)) if not str(listed[n] or "").strip()])


def input_of(case: Path) -> Path:
    return next(case.glob("input.*"))


def dump(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--check", action="store_true")
    group.add_argument("--update", action="store_true")
    args = parser.parse_args()
    changed = 0
    for case in cases():
        expected_path = case / "expected.json"
        actual = dump(snapshot(input_of(case)))
        expected = expected_path.read_text(encoding="utf-8") if expected_path.exists() else ""
        if actual == expected:
            continue
        changed += 1
        if args.update:
            expected_path.write_text(actual, encoding="utf-8")
            print(f"updated {expected_path.relative_to(ROOT)}")
        else:
            sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                                       f"{case.name}/expected.json", f"{case.name} (parser now)"))
    problems = manifest_problems()
    for problem in problems:
        print(f"golden: {problem}", file=sys.stderr)
    if args.check:
        print(f"golden: {len(cases())} cases, {changed} differ" + (" (run `make golden` if the change is intended)" if changed else ""))
    return 1 if ((changed or problems) and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
