"""What the pages of one build share. In: the package folder, the folder the pages go to, the
corpus and the hand-written pages. Out: `Site`: the package read once (`Published`), the agencies
and their counted reports, which agency's page shows which file (secondary files under the agency
of their primary), which source pages were published, and `write`, which writes a page and counts
it. The page writers (`sources`, `agency`, `aggregate`) take a `Site`; `pages.build` runs them."""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

from .. import paths
from .published import Published, superseded_by
from .render import fragments_dir


class Site:
    """One build of the pages: the package and what every page needs to know of the others."""

    def __init__(self, package: Path, out: Path, corpus: Path | None, sources: Path = paths.DOCS, rows: bool = True):
        """`rows=False`: the package's descriptor and codes only (a page worker's: workers.py)."""
        self.pub = Published.load(package, rows)
        self.package = Path(package)
        self.out = Path(out)
        self.corpus = Path(corpus) if corpus else None
        self.sources = Path(sources)
        self.fragments = fragments_dir(self.out)
        self.by_agency = self.pub.reports_by_agency()
        self.agencies = {a["agency_id"]: a for a in self.pub.agencies}
        self.published_sources: set[str] = set()
        # where the harvest's WARC files are published (README, "Harvesting"): the source pages link the archived copy there
        self.warc_url = os.environ.get("XXGK_WARC_URL", "")
        self.pages = 0
        self.reused = 0  # agency pages kept from the previous run (made from the same rows)
        self.reports_by_id = {r["report_id"]: r for r in self.pub.reports}
        # secondary files (another file of an agency and year) under the agency of their primary
        self.secondary_by_agency: dict[str, list[dict]] = defaultdict(list)
        self.register_by_agency: dict[str, list[dict]] = defaultdict(list)
        for row in self.pub.register:
            self.register_by_agency[row["agency_id"]].append(row)
        self.agency_of: dict[str, str] = {}  # report_id -> the agency whose page shows the file
        for r in self.pub.reports:
            primary = self.reports_by_id.get(superseded_by(r))
            aid = (primary or {}).get("agency_id") or r["agency_id"]
            if aid in self.agencies:
                self.agency_of[r["report_id"]] = aid
                if superseded_by(r):
                    self.secondary_by_agency[aid].append(r)

    @property
    def downloads(self) -> Path:
        """Where the package's files for download are made (`data/`): beside the pages written
        whole, kept from build to build while the package is the same; from there `build` links
        them in with the pages or `render.render_agencies` sends them to their own folder
        (XXGK_FILES_URL)."""
        return self.fragments / "data"

    def write(self, rel: str, text: str) -> None:
        """Write a file of the pages; a Markdown file is a page, and counted."""
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if rel.endswith(".md"):
            self.pages += 1
