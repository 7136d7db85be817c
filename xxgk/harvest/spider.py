"""The harvest's Scrapy parts: the spider that walks one site's report column, the settings that
make it polite and cheap to repeat, and the middleware that archives every response as WARC.
(Imported only when a harvest runs: Scrapy and Twisted are heavy to load.)"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError

from ..add import CONTENT_TYPES, attachments
from .sites import NEXT_PAGE, PAGED, TRS_PAGES, Fetched, Summary, is_report_title, now_utc, suffix_of

_SCRIPTED = re.compile(rb"\$\.ajax|\.json|/api/|XMLHttpRequest|fetch\(", re.IGNORECASE)


def settings(archive: Path | None, http_cache: Path | None, delay: float, user_agent: str, max_bytes: int,
             timeout: float = 30) -> dict:
    out = {
        "ROBOTSTXT_OBEY": True,
        "USER_AGENT": user_agent,
        "DOWNLOAD_DELAY": delay,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": delay,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": 2,
        "DOWNLOAD_TIMEOUT": timeout,
        "DOWNLOAD_MAXSIZE": max_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "REDIRECT_MAX_TIMES": 5,
        "LOG_LEVEL": "WARNING",
        "LOG_INSTALL_ROOT_HANDLER": False,
        "TELNETCONSOLE_ENABLED": False,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        "DOWNLOADER_MIDDLEWARES": {"xxgk.harvest.spider.WarcArchive": 950},
        "XXGK_ARCHIVE": str(archive) if archive else "",
    }
    if http_cache is not None:  # revalidated with ETag / Last-Modified: a repeated run costs conditional requests
        out.update({"HTTPCACHE_ENABLED": True, "HTTPCACHE_DIR": str(Path(http_cache).resolve()),
                    "HTTPCACHE_POLICY": "scrapy.extensions.httpcache.RFC2616Policy",
                    "HTTPCACHE_STORAGE": "scrapy.extensions.httpcache.FilesystemCacheStorage"})
    return out


class WarcArchive:
    """Every response that came over the network (not from the cache), with its request, appended
    to `<archive>/<site>-<UTC time>.warc.gz`."""

    def __init__(self, folder: str):
        self.folder = Path(folder) if folder else None
        self.writers: dict[str, tuple] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("XXGK_ARCHIVE", ""))

    def _writer(self, folder: Path, name: str):
        from warcio.warcwriter import WARCWriter

        if name not in self.writers:
            folder.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            safe = re.sub(r"[^\w.-]+", "_", name)
            f = open(folder / f"{safe}-{stamp}.warc.gz", "ab")
            self.writers[name] = (f, WARCWriter(f, gzip=True))
        return self.writers[name][1]

    def process_response(self, request, response, spider):
        if self.folder is None or "cached" in response.flags:
            return response
        from warcio.statusandheaders import StatusAndHeaders

        name = spider.summaries[request.meta.get("site", 0)].site.name
        writer = self._writer(self.folder, name)
        headers = [(k.decode("latin-1"), b", ".join(v).decode("latin-1")) for k, v in response.headers.items()]
        status = f"{response.status} {'OK' if response.status == 200 else ''}".strip()
        record = writer.create_warc_record(response.url, "response", payload=io.BytesIO(response.body),
                                           http_headers=StatusAndHeaders(status, headers, protocol="HTTP/1.1"))
        sent = [(k.decode("latin-1"), b", ".join(v).decode("latin-1")) for k, v in request.headers.items()]
        path = request.url.split("/", 3)[3] if request.url.count("/") >= 3 else ""
        asked = writer.create_warc_record(request.url, "request", payload=io.BytesIO(b""),
                                          http_headers=StatusAndHeaders(f"GET /{path} HTTP/1.1", sent, is_http_request=True))
        writer.write_record(asked)
        writer.write_record(record)
        self.writers[name][0].flush()
        return response

    def close(self):
        for f, _ in self.writers.values():
            f.close()


class ColumnSpider(scrapy.Spider):
    """One spider for every site: one downloader, whose slot per host keeps the delay between
    requests to a host even when several sites (an agency's departments) share it."""

    name = "xxgk-columns"

    def __init__(self, summaries: list[Summary], **kw):
        super().__init__(**kw)
        self.summaries = summaries
        self.pages: list[set[str]] = [set() for _ in summaries]
        self.articles: set[str] = set()

    async def start(self):
        for request in self.start_requests():
            yield request

    def start_requests(self):
        for k, summary in enumerate(self.summaries):
            yield scrapy.Request(summary.site.url, callback=self.parse_list, errback=self.failed, meta={"site": k},
                                 dont_filter=True)

    def closed(self, reason):
        for m in getattr(self.crawler.engine.downloader.middleware, "middlewares", ()):
            if isinstance(m, WarcArchive):
                m.close()

    def parse_list(self, response):
        k = response.meta["site"]
        summary, pages = self.summaries[k], self.pages[k]
        pages.add(response.url)
        summary.pages += 1
        found = 0
        for a in response.css("a"):
            href = a.attrib.get("href", "")
            title = " ".join(a.css("::text").getall()).strip() or a.attrib.get("title", "")
            if not href or href.startswith(("javascript:", "#")):
                continue
            if is_report_title(title + " " + a.attrib.get("title", "")):
                found += 1
                url = response.urljoin(href)
                if url not in {x[1] for x in summary.listed}:
                    summary.listed.append((a.attrib.get("title", "") or title, url, response.url))
                if url not in self.articles:  # not the dupe filter: a redirect loop must reach the redirect limit
                    self.articles.add(url)
                    yield scrapy.Request(url, self.parse_article, errback=self.failed, dont_filter=True,
                                         meta={"site": k, "list": response.url})
            elif NEXT_PAGE.match(title) or PAGED.search(href.split("?")[0]):
                yield from self._page(k, response.urljoin(href))
        m = TRS_PAGES.search(response.text)
        if m and response.url == summary.site.url:
            for n in range(1, int(m.group(1))):
                yield from self._page(k, response.urljoin(f"{m.group(3)}_{n}.{m.group(4)}"))
        if not found and len(pages) == 1 and not m and response.css("script") and _SCRIPTED.search(response.body):
            summary.failed.append(f"{response.url}: the list is built by JavaScript after the page loads (needs a browser or its data address)")

    def _page(self, k: int, url: str):
        pages = self.pages[k]
        if url not in pages and len(pages) < self.summaries[k].site.max_pages:
            pages.add(url)
            yield scrapy.Request(url, callback=self.parse_list, errback=self.failed, meta={"site": k})

    def parse_article(self, response):
        fetched = self._keep(response, "")
        if fetched is None:
            return
        self.summaries[response.meta["site"]].articles += 1
        if fetched.suffix == ".html":
            for link in attachments(response.body, response.url):
                yield scrapy.Request(link, callback=self.parse_attachment, errback=self.failed,
                                     meta={"site": response.meta["site"], "list": response.meta["list"], "article": response.url})

    def parse_attachment(self, response):
        self._keep(response, response.meta["article"])

    def _keep(self, response, article: str) -> Fetched | None:
        """A fetched article or attachment, kept for the add phase, if its content type is one a
        report comes in (`xxgk add`'s list)."""
        summary = self.summaries[response.meta["site"]]
        kind = response.headers.get("Content-Type", b"").decode("latin-1").split(";")[0].strip().lower()
        if kind and kind not in CONTENT_TYPES:
            summary.failed.append(f"{response.url}: not a report's content type ({kind})")
            return None
        fetched = Fetched(response.url, response.body, suffix_of(response.url, kind), response.meta["list"], article, now_utc())
        summary.fetched.append(fetched)
        return fetched

    def failed(self, failure):
        url = failure.request.url
        summary = self.summaries[failure.request.meta.get("site", 0)]
        said = str(failure.value)
        if failure.check(HttpError):
            status = failure.value.response.status
            why = "refused (HTTP 403: the site may serve only mainland China)" if status == 403 else f"HTTP {status}"
        elif failure.check(IgnoreRequest):
            why = ("blocked by robots.txt" if "robots" in said.lower()
                   else "a redirect loop (more redirections than allowed)" if "redirect" in said.lower() else f"not fetched ({said})")
        elif failure.check(TimeoutError, TCPTimedOutError) or "Timeout" in failure.type.__name__:
            why = "timed out"
        elif "max size" in said:
            why = "larger than the size cap"
        elif failure.check(DNSLookupError):
            why = "the host name does not resolve"
        else:
            why = f"{failure.type.__name__}: {said}"
        summary.failed.append(f"{url}: {why}")
