"""A harvest split over machines: the sites file's entries in shards by `region` (a GitHub Actions
matrix runs one job per shard), each job's new files and records written as a delta folder, and
the deltas merged into the corpus by one job that opens the pull request.

A delta folder mirrors the corpus: the files a shard added, under their corpus paths, and the rows
it appended to `.provenance.tsv`, `.listed.tsv` and `.harvested.tsv` (each with its header). The
merge copies each file the corpus does not hold and appends each row whose key is not there yet
(provenance: the file; listed: site and article; harvested: site), deltas taken in name order, so
the merged corpus is the same whichever job finished first."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..corpus import provenance
from ..corpus.provenance import FIELDS as PROVENANCE_FIELDS
from ..corpus.provenance import PROVENANCE
from ..identify.listed import HARVESTED, HARVESTED_FIELDS, LISTED, LISTED_FIELDS
from .sites import Site, tsv_rows, tsv_write

SHARD_ABOVE = 40  # a sites file this long or shorter runs as one job: a job's setup costs more than its sites
NO_REGION = "no-region"
# each record file, its columns and the columns that make a row's key
RECORDS = {PROVENANCE: (PROVENANCE_FIELDS, ("source_file",)), LISTED: (LISTED_FIELDS, ("site", "article")),
           HARVESTED: (HARVESTED_FIELDS, ("site",))}


def shards(sites: list[Site], above: int = SHARD_ABOVE) -> list[str]:
    """The shard names of a sites file: `all` when it is short, else one per region (in order)."""
    if len(sites) <= above:
        return ["all"]
    return sorted({s.region or NO_REGION for s in sites})


def select(sites: list[Site], shard: str) -> list[Site]:
    """The sites of one shard (`all`: every site)."""
    if shard in ("", "all"):
        return sites
    return [s for s in sites if (s.region or NO_REGION) == shard]


def snapshot(corpus: Path) -> dict[str, set[tuple[str, ...]]]:
    """The keys of the records a corpus holds (taken before a harvest, to write its delta after)."""
    return {name: {tuple(r.get(k, "") for k in keys) for r in tsv_rows(Path(corpus) / name)} for name, (_, keys) in RECORDS.items()}


def write_delta(corpus: Path, before: dict[str, set[tuple[str, ...]]], delta: Path) -> int:
    """The files and rows a harvest added to `corpus` since `before`, written to the folder `delta`;
    returns the number of files."""
    corpus, delta = Path(corpus), Path(delta)
    files = 0
    for name, (fields, keys) in RECORDS.items():
        rows = [r for r in tsv_rows(corpus / name) if tuple(r.get(k, "") for k in keys) not in before[name]]
        tsv_write(delta / name, fields, rows, append=False)
        if name == PROVENANCE:
            for r in rows:
                (delta / r["source_file"]).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(corpus / r["source_file"], delta / r["source_file"])
                files += 1
    return files


def merge(deltas: list[Path], corpus: Path) -> int:
    """Each delta's files and rows into the corpus, once (see the module's text); returns the number
    of files copied."""
    corpus = Path(corpus)
    copied = 0
    for delta in sorted(Path(d) for d in deltas):
        held = snapshot(corpus)
        for name, (fields, keys) in RECORDS.items():
            rows = [r for r in tsv_rows(delta / name) if tuple(r.get(k, "") for k in keys) not in held[name]]
            if name != PROVENANCE:
                if rows:
                    tsv_write(corpus / name, fields, rows, append=True)
                continue
            for r in rows:
                rel = Path(r["source_file"])
                if rel.is_absolute() or ".." in rel.parts or not (delta / rel).is_file():
                    continue  # a row whose file the delta does not hold (or that would land outside the corpus)
                if not (corpus / rel).exists():
                    (corpus / rel).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(delta / rel, corpus / rel)
                    copied += 1
                provenance.append(corpus, {k: r.get(k, "") for k in PROVENANCE_FIELDS})
    return copied
