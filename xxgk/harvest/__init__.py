"""Harvesting: the reports an agency lists in its own 政府信息公开年报 column, found, archived and
added to the corpus as `xxgk add` adds a file.

For each site of a sites file (`name`, the column's list `url`, optional `agency`, `region`,
`max_pages`), a Scrapy spider walks the list pages in whatever shape the site's CMS serves them
(`lists`: links, Hanweb datastores, pages a script declares, JSON/XML data addresses, columns of
columns), follows the articles whose titles name a report (a year and 年报/年度报告, not
要点/通知/指南…), and fetches the report files each article links. Scrapy brings the politeness and
robustness: robots.txt obeyed, a delay between requests to one host, auto-throttle, retries,
timeouts, a size cap, and an HTTP cache that revalidates with ETag/Last-Modified, so a weekly run
costs a conditional request per page. Every response is also written to a WARC file (warcio)
under `--archive`.

Then each article and attachment is added with the provenance of `xxgk add` (origin, the article
it was linked from, the list page, retrieval time, sha256): a file already held (same content, or
the same agency and year) is not added again. A run ends with a summary per site: pages seen,
reports found, added, already held, and every failure with its reason (robots.txt, refused,
timeout, not found); a site that fails never fails the run.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..add import MAX_BYTES, AddError, add_fetched, existing_reports, provenance
from .shards import select
from .sites import USER_AGENT, Site, Summary, load_sites, record_listed, record_walked

__all__ = ["Site", "Summary", "crawl", "discover", "harvest", "load_sites", "record_listed", "shards"]


def crawl(sites: list[Site], archive: Path | None, http_cache: Path | None, delay: float = 1.0, timeout: float = 30,
          spool: Path | None = None) -> list[Summary]:
    """Walk every site's column with Scrapy; returns each site's summary with what it fetched (the
    bytes in `spool`, a folder the caller removes; a new temporary folder when not given)."""
    from scrapy.crawler import CrawlerProcess

    from .spider import ColumnSpider, settings

    summaries = [Summary(site) for site in sites]
    process = CrawlerProcess(settings(archive, http_cache, delay, USER_AGENT, MAX_BYTES, timeout))
    process.crawl(ColumnSpider, summaries=summaries, spool=spool or Path(tempfile.mkdtemp(prefix="xxgk-harvest-")))
    process.start()
    return summaries


def discover(portal: str, http_cache: Path | None = None, delay: float = 1.0, timeout: float = 30) -> tuple[str, list[tuple[str, str, int]], list[str]]:
    """A portal's report columns, proposed: (the site's name, [(column name, address, reports it
    lists)] most reports first, failures). Follows the portal's 政府信息公开 links three levels deep."""
    from scrapy.crawler import CrawlerProcess

    from .spider import DiscoverSpider, settings

    found: dict[str, tuple[str, int]] = {}
    failed: list[str] = []
    about: dict[str, str] = {}
    process = CrawlerProcess(settings(None, http_cache, delay, USER_AGENT, MAX_BYTES, timeout))
    process.crawl(DiscoverSpider, portal=portal, found=found, failed=failed, about=about)
    process.start()
    columns = sorted(((name, url, count) for url, (name, count) in found.items()), key=lambda c: (-c[2], c[1]))
    return about.get("agency", ""), columns, failed


def harvest(sites_file: Path, corpus: Path, archive: Path | None = None, http_cache: Path | None = None,
            dry_run: bool = False, delay: float = 1.0, timeout: float = 30, shard: str = "all",
            cache: Path | None = None) -> list[Summary]:
    """Crawl, then add what is new to the corpus (or, with `dry_run`, only say what would be): each
    article with the files it links, as one report in several files (as `xxgk add` adds a page).
    `shard`: only the sites of one region (`shards.shards` names them), `all` for every site;
    `cache`: the parse cache through which the corpus already held is read."""
    # read before the crawl: the parse forks its workers, which must not inherit the crawler's threads and locks
    existing = existing_reports(Path(corpus), cache)
    with tempfile.TemporaryDirectory(prefix="xxgk-harvest-") as spool:
        summaries = crawl(select(load_sites(sites_file), shard), archive, http_cache, delay, timeout, Path(spool))
        _add(summaries, Path(corpus), existing, dry_run)
    return summaries


def _add(summaries: list[Summary], corpus: Path, existing: list[dict], dry_run: bool) -> None:
    """Each fetched article with the files it links, added as `xxgk add` adds a page; what each
    column listed and walked recorded."""
    if not dry_run:
        record_listed(Path(corpus), summaries)
        record_walked(Path(corpus), summaries)
    origins: dict[str, set[str]] = {}
    for source_file, record in provenance(Path(corpus)).items():
        origins.setdefault(record.get("origin", ""), set()).add(source_file)
    for summary in summaries:
        summary.dry_run = dry_run
        linked: dict[str, list] = {}  # an article's address → the files it links
        for f in summary.fetched:
            linked.setdefault(f.article_url, []).append(f)
        for article in linked.get("", []):
            files = [article, *linked.get(article.url, [])]
            same: list = []
            refused: list[str] = []
            for item in files:
                try:
                    earlier = frozenset(origins.get(item.url, ()))
                    added = add_fetched(item.url, item.body, item.suffix, Path(corpus), existing, page=item.article_url,
                                        list_url=item.list_url, retrieved=item.retrieved, same=same, dry_run=dry_run,
                                        earlier=earlier, warc=item.warc)
                    same.append(added.report)
                    again = f" (changed since {', '.join(sorted(earlier))}: a new version beside it)" if earlier else ""
                    summary.added.append(f"{added.path.relative_to(corpus).as_posix()} ← {item.url}{again}")
                except AddError as exc:
                    refused.append(str(exc))
            held = [r for r in refused if "already in the corpus" in r]
            summary.held += held
            if not same and not held:  # an article that only links its report is no failure once the report is held
                summary.failed += [r for r in refused if r not in held]
