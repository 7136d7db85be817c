"""The harvest's vocabulary: a sites file's entries, what makes a link a report article, and what a
run fetched and says per site."""

from __future__ import annotations

import csv
import re
import urllib.parse
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

from ..add import ATTACHMENT_SUFFIXES, CONTENT_TYPES
from ..identify.listed import HARVESTED, HARVESTED_FIELDS, LISTED, LISTED_FIELDS

USER_AGENT = "xxgk-harvest/1 (+https://github.com/xxgk; open data of government information disclosure annual reports)"
# a year and the report's name; 工作报告 only as 信息公开工作报告 (a 政府工作报告 is another report)
REPORT_TITLE = re.compile(r"(?:19|20)\d{2}.{0,40}?(?:年报|年度报告|信息公开.{0,6}工作报告)|(?:年报|年度报告|信息公开.{0,6}工作报告).{0,12}?(?:19|20)\d{2}")
# notices about the report, its summaries and pictures, and the other annual documents of a government
NOT_REPORT = re.compile(r"要点|通知|指南|目录|办法|规定|政府工作报告|法治政府|统计公报|决算|预算|审计|解读|图解|一图读懂|征集|评议")
NEXT_PAGE = re.compile(r"^\s*(?:下一页|下页|后页|尾页|末页|最后一页|>|>>|»|\u203a|next|last)\s*[>»\u203a]*\s*$", re.IGNORECASE)
_HAN = "〇零一二三四五六七八九○\uff2f"  # the digits of a year written in characters (and the look-alikes typed for the zero)
_HAN_DIGITS = str.maketrans(_HAN, "00123456789" + "00")


@dataclass
class Site:
    name: str
    url: str
    agency: str = ""
    region: str = ""
    max_pages: int = 20


@dataclass
class Fetched:
    """A fetched article or attachment; its bytes wait on disk (`spooled`) for the add phase, so a
    harvest of many sites holds none of them in memory."""

    url: str
    spooled: Path
    suffix: str
    list_url: str
    article_url: str  # the article an attachment was linked from ("" for the article itself)
    retrieved: str
    warc: str = ""  # `<file>#<record id>` of the WARC record that archives it ("" when it came from the HTTP cache)

    @property
    def body(self) -> bytes:
        return Path(self.spooled).read_bytes()


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
    walked: bool = False  # the column's first page was read
    capped: int = 0  # list pages not asked for: `max_pages` reached

    def lines(self) -> list[str]:
        head = (f"{self.site.name}: {self.pages} list pages, {len(self.listed)} reports listed, {self.articles} report articles, "
                f"{len(self.added)} files {'to add' if self.dry_run else 'added'}, {len(self.held)} already held, "
                f"{len(self.failed)} failed")
        out = [head]
        if self.capped:
            out.append(f"  stopped at max_pages ({self.site.max_pages}): {self.capped} more list pages not walked, "
                       "which may list more reports (raise the site's max_pages)")
        out += [f"  {'to add' if self.dry_run else 'added'} {a}" for a in self.added] + [f"  held {h}" for h in self.held] + [f"  failed {f}" for f in self.failed]
        return out


class SitesError(ValueError):
    """A sites file that cannot be harvested as it is (said before anything is fetched)."""


def load_sites(path: Path) -> list[Site]:
    """The entries of a sites file, checked: each a mapping with a unique `name` and an http(s) `url`."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise SitesError(f"{path}: cannot be read ({exc})") from exc
    entries = raw.get("sites", []) if isinstance(raw, dict) else raw
    out: list[Site] = []
    for n, e in enumerate(entries if isinstance(entries, list) else [], 1):
        if not isinstance(e, dict) or not e.get("name") or not str(e.get("url", "")).startswith(("http://", "https://")):
            raise SitesError(f"{path}: entry {n} needs a `name` and an http(s) `url`: {e!r}")
        unknown = sorted(set(e) - set(Site.__dataclass_fields__))
        if unknown:
            raise SitesError(f"{path}: entry {n} ({e['name']}) has unknown keys {', '.join(unknown)}")
        if any(s.name == str(e["name"]) for s in out):
            raise SitesError(f"{path}: the name {e['name']} is used twice (it names the site's WARC file and summary)")
        out.append(Site(**{**e, "name": str(e["name"]), "url": str(e["url"]), "max_pages": int(e.get("max_pages", 20))}))
    return out


def _plain(title: str) -> str:
    title = re.sub(r"\s+", "", title)
    return re.sub(f"[{_HAN}]{{4}}(?=年)", lambda m: m.group(0).translate(_HAN_DIGITS), title)


def title_year(title: str) -> str:
    """The year a report title names ("" when none)."""
    m = re.search(r"((?:19|20)\d{2})", _plain(title))
    return m.group(1) if m else ""


def is_report_title(title: str) -> bool:
    title = _plain(title)
    return bool(REPORT_TITLE.search(title)) and not NOT_REPORT.search(title)


def suffix_of(url: str, content_type: str) -> str:
    kind = CONTENT_TYPES.get(content_type.split(";")[0].strip().lower(), "")
    path = urllib.parse.unquote(urllib.parse.urlsplit(url).path).lower()
    ext = next((s for s in (*ATTACHMENT_SUFFIXES, ".html", ".htm", ".shtml", ".txt") if path.endswith(s)), "")
    return kind or (".html" if ext in (".htm", ".shtml") else ext)


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def tsv_rows(path: Path) -> list[dict]:
    """The rows of one of the harvest's record files (a tab-separated file with a header); none if absent."""
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def tsv_write(path: Path, fields: list[str], rows: list[dict], append: bool = True) -> None:
    """Rows appended to a record file (its header written when the file is new), or the file written anew."""
    if append and not rows:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists() or not append
    with open(path, "a" if append else "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        if new:
            w.writerow(fields)
        w.writerows([[r.get(k, "") for k in fields] for r in rows])


def record_walked(corpus: Path, summaries: list[Summary]) -> int:
    """Record, once per site, that its column was walked (its first page read): from then on, a
    year its column does not list is a report not found on the agency's site, not one never looked for."""
    path = Path(corpus) / HARVESTED
    known = {r.get("site", "") for r in tsv_rows(path)}
    rows = [{"site": s.site.name, "agency": s.site.agency, "region": s.site.region, "url": s.site.url, "since": now_utc()}
            for s in summaries if s.walked and s.site.name not in known]
    tsv_write(path, HARVESTED_FIELDS, rows)
    return len(rows)


def record_listed(corpus: Path, summaries: list[Summary]) -> int:
    """Append what each column listed (every report article, parsed or not, added or held): the
    evidence of which years an agency published, even for a report the parser cannot read.
    One line per site and article address; an address already recorded is not repeated."""
    path = Path(corpus) / LISTED
    known = {(r.get("site", ""), r.get("article", "")) for r in tsv_rows(path)}
    rows = []
    for s in summaries:
        for title, article, listing in s.listed:
            if (s.site.name, article) in known:
                continue
            known.add((s.site.name, article))
            rows.append({"site": s.site.name, "agency": s.site.agency, "region": s.site.region, "year": title_year(title),
                         "title": " ".join(title.split()), "article": article, "list": listing, "seen": now_utc()})
    tsv_write(path, LISTED_FIELDS, rows)
    return len(rows)
