"""Reading the published data package: the site is generated from this and nothing else."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq


def read_csv(package: Path, name: str) -> list[dict]:
    with open(package / "data" / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@dataclass
class Published:
    package: Path
    descriptor: dict
    reports: list[dict]
    agencies: list[dict]
    codes: list[dict]
    checks: dict[str, list[dict]] = field(default_factory=dict)
    _facts: object = None
    _offsets: dict[str, tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def load(cls, package: Path) -> "Published":
        package = Path(package)
        descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
        pub = cls(package, descriptor, read_csv(package, "reports"), read_csv(package, "agencies"), read_csv(package, "codes"))
        for c in read_csv(package, "checks"):
            pub.checks.setdefault(c["report_id"], []).append(c)
        facts = pq.read_table(package / "data" / "facts.parquet")
        pub._facts = facts
        # facts are written report by report: remember where each report's rows start and end
        if facts.num_rows:
            encoded = pc.dictionary_encode(facts.column("report_id")).combine_chunks()
            idx = encoded.indices.to_numpy()
            names = encoded.dictionary.to_pylist()
            bounds = np.flatnonzero(np.diff(idx)) + 1
            starts = np.concatenate(([0], bounds))
            ends = np.concatenate((bounds, [len(idx)]))
            for s, e in zip(starts.tolist(), ends.tolist()):
                pub._offsets[names[idx[s]]] = (s, e)
        return pub

    def facts(self, report_id: str) -> dict[tuple[str, str, str], dict]:
        """One report's facts keyed by (section, row, column)."""
        if report_id not in self._offsets:
            return {}
        s, e = self._offsets[report_id]
        rows = self._facts.slice(s, e - s).to_pylist()
        for r in rows:  # Parquet stores every figure as a double; show counts as integers
            v = r["value"]
            if v is not None and v == int(v):
                r["value"] = int(v)
        return {(r["section"], r["row"], r["column"]): r for r in rows}

    def labels(self, kind: str, section: str = "") -> dict[str, dict]:
        return {c["code"]: c for c in self.codes if c["kind"] == kind and (not section or c["section"] == section)}

    def reports_by_agency(self) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = defaultdict(list)
        for r in self.reports:
            if r["agency_id"]:
                out[r["agency_id"]].append(r)
        for rs in out.values():
            rs.sort(key=lambda r: (r["year"] or "0", r["source_file"]))
        return out
