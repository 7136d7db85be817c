"""The harvest's vocabulary: a sites file's entries, what makes a link a report article, and what a
run fetched and says per site."""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

from ..add import ATTACHMENT_SUFFIXES, CONTENT_TYPES

USER_AGENT = "xxgk-harvest/1 (+https://github.com/xxgk; open data of government information disclosure annual reports)"
REPORT_TITLE = re.compile(r"(?:19|20)\d{2}.{0,40}?(?:年报|年度报告|工作报告)")
NOT_REPORT = re.compile(r"要点|通知|指南|目录|办法|规定")
NEXT_PAGE = re.compile(r"^\s*(?:下一页|下页|>|»)\s*$")
PAGED = re.compile(r"index_(\d+)\.s?html?$")
TRS_PAGES = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"']([^\"']+)[\"']\s*,\s*[\"']([^\"']+)[\"']")


@dataclass
class Site:
    name: str
    url: str
    agency: str = ""
    region: str = ""
    max_pages: int = 20


@dataclass
class Fetched:
    url: str
    body: bytes
    suffix: str
    list_url: str
    article_url: str  # the article an attachment was linked from ("" for the article itself)
    retrieved: str


@dataclass
class Summary:
    site: Site
    pages: int = 0
    articles: int = 0
    fetched: list[Fetched] = field(default_factory=list)
    listed: list[tuple[str, str, str]] = field(default_factory=list)  # (title, article URL, list URL) of every report listed
    added: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    dry_run: bool = False

    def lines(self) -> list[str]:
        head = (f"{self.site.name}: {self.pages} list pages, {self.articles} report articles, "
                f"{len(self.added)} files {'to add' if self.dry_run else 'added'}, {len(self.held)} already held, "
                f"{len(self.failed)} failed")
        out = [head]
        out += [f"  {'to add' if self.dry_run else 'added'} {a}" for a in self.added] + [f"  held {h}" for h in self.held] + [f"  failed {f}" for f in self.failed]
        return out


def load_sites(path: Path) -> list[Site]:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    entries = raw.get("sites", raw) if isinstance(raw, dict) else raw
    return [Site(**{k: v for k, v in e.items() if k in Site.__dataclass_fields__}) for e in entries]


def is_report_title(title: str) -> bool:
    title = re.sub(r"\s+", "", title)
    return bool(REPORT_TITLE.search(title)) and not NOT_REPORT.search(title)


def suffix_of(url: str, content_type: str) -> str:
    kind = CONTENT_TYPES.get(content_type.split(";")[0].strip().lower(), "")
    path = urllib.parse.unquote(urllib.parse.urlsplit(url).path).lower()
    ext = next((s for s in (*ATTACHMENT_SUFFIXES, ".html", ".htm", ".shtml", ".txt") if path.endswith(s)), "")
    return kind or (".html" if ext in (".htm", ".shtml") else ext)


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


LISTED = ".listed.tsv"  # in the corpus folder, hidden like the provenance: what each column listed
LISTED_FIELDS = ["site", "agency", "region", "year", "title", "article", "list", "seen"]
_YEAR = re.compile(r"((?:19|20)\d{2})")


def record_listed(corpus: Path, summaries: list[Summary]) -> int:
    """Append what each column listed (every report article, parsed or not, added or held): the
    evidence of which years an agency published, even for a report the parser cannot read.
    One line per site and article address; an address already recorded is not repeated."""
    import csv

    path = Path(corpus) / LISTED
    known: set[tuple[str, str]] = set()
    if path.exists():
        with open(path, encoding="utf-8", newline="") as f:
            known = {(r.get("site", ""), r.get("article", "")) for r in csv.DictReader(f, delimiter="\t")}
    rows = []
    for s in summaries:
        for title, article, listing in s.listed:
            if (s.site.name, article) in known:
                continue
            known.add((s.site.name, article))
            year = _YEAR.search(re.sub(r"\s+", "", title))
            rows.append([s.site.name, s.site.agency, s.site.region, year.group(1) if year else "", " ".join(title.split()),
                         article, listing, now_utc()])
    if rows:
        Path(corpus).mkdir(parents=True, exist_ok=True)
        new = not path.exists()
        with open(path, "a", encoding="utf-8", newline="") as f:
            w = csv.writer(f, delimiter="\t", lineterminator="\n")
            if new:
                w.writerow(LISTED_FIELDS)
            w.writerows(rows)
    return len(rows)
