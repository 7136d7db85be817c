"""The harvest's Scrapy parts: the spider that walks one site's report column, the settings that
make it polite and cheap to repeat, and the middleware that archives every response as WARC.
(Imported only when a harvest runs: Scrapy and Twisted are heavy to load.)"""

from __future__ import annotations

import io
import re
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError

from ..add import CONTENT_TYPES, attachments
from . import lists
from .sites import Fetched, Summary, now_utc, suffix_of, title_year

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
        self.writers: dict[str, tuple] = {}  # site name → (file, writer, file name)

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
            self.writers[name] = (f, WARCWriter(f, gzip=True), Path(f.name).name)
        return self.writers[name]

    def process_response(self, request, response, spider):
        if self.folder is None or "cached" in response.flags:
            return response
        from warcio.statusandheaders import StatusAndHeaders

        name = spider.summaries[request.meta.get("site", 0)].site.name
        _, writer, file_name = self._writer(self.folder, name)
        headers = [(k.decode("latin-1"), b", ".join(v).decode("latin-1")) for k, v in response.headers.items()]
        status = f"{response.status} {'OK' if response.status == 200 else ''}".strip()
        record = writer.create_warc_record(response.url, "response", payload=io.BytesIO(response.body),
                                           http_headers=StatusAndHeaders(status, headers, protocol="HTTP/1.1"))
        sent = [(k.decode("latin-1"), b", ".join(v).decode("latin-1")) for k, v in request.headers.items()]
        path = request.url.split("/", 3)[3] if request.url.count("/") >= 3 else ""
        asked = writer.create_warc_record(request.url, "request", payload=io.BytesIO(request.body or b""),
                                          http_headers=StatusAndHeaders(f"{request.method} /{path} HTTP/1.1", sent, is_http_request=True))
        writer.write_record(asked)
        writer.write_record(record)
        self.writers[name][0].flush()
        request.meta["warc"] = f"{file_name}#{record.rec_headers.get_header('WARC-Record-ID').strip('<>')}"  # the provenance's `warc`
        return response

    def close(self):
        for f, *_ in self.writers.values():
            f.close()


class ColumnSpider(scrapy.Spider):
    """One spider for every site: one downloader, whose slot per host keeps the delay between
    requests to a host even when several sites (an agency's departments) share it."""

    name = "xxgk-columns"

    def __init__(self, summaries: list[Summary], spool: Path, **kw):
        super().__init__(**kw)
        self.summaries = summaries
        self.spool = Path(spool)
        self.spooled: list[Path] = []
        self.pages: list[set[str]] = [set() for _ in summaries]
        self.listed: list[set[str]] = [set() for _ in summaries]  # the article addresses each site's summary lists
        self.articles: set[str] = set()
        self.scripted: dict[int, str] = {}  # the first page of a list JavaScript builds

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.spider_error, signal=signals.spider_error)
        return spider

    def spider_error(self, failure, response, spider):
        """A page this spider could not read (a shape no rule expected): said in its site's summary."""
        k = response.meta.get("site", 0) if response is not None else 0
        self.summaries[k].failed.append(f"{getattr(response, 'url', '')}: could not be read ({failure.type.__name__}: {failure.value})")

    async def start(self):
        for request in self.start_requests():
            yield request

    def start_requests(self):
        for k, summary in enumerate(self.summaries):
            yield scrapy.Request(summary.site.url, callback=self.parse_list, errback=self.failed, meta={"site": k, "first": True},
                                 dont_filter=True)

    def closed(self, reason):
        for k, summary in enumerate(self.summaries):
            if summary.listed or not summary.walked:
                continue
            if k in self.scripted:
                summary.failed.append(f"{self.scripted[k]}: the list is built by JavaScript after the page loads, from no data "
                                      "address the page names that answers with reports (needs a browser)")
            else:
                summary.failed.append(f"{summary.site.url}: lists no report article (an empty column, or a list this harvest "
                                      "cannot read: look at it in a browser)")
        for m in getattr(self.crawler.engine.downloader.middleware, "middlewares", ()):
            if isinstance(m, WarcArchive):
                m.close()

    def parse_list(self, response):
        """A list page (or a data address's answer): its report links followed, its further pages
        asked for, and, when the first page lists nothing, the data addresses its scripts name."""
        k = response.meta["site"]
        summary, pages = self.summaries[k], self.pages[k]
        pages.add(response.url)
        summary.pages += 1
        text = response.text
        kind = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        data = response.meta.get("data") or "json" in kind or "xml" in kind and "html" not in kind  # a feed or a data address
        links = lists.data_links(text, response.url) if data else lists.report_links(text, response.url)
        yield from self._articles(k, links, response.url)
        first = response.meta.get("first", False)  # the column's own page, wherever it redirected
        summary.walked = summary.walked or first
        for url in lists.page_links(text, response.url, summary.site.url):
            yield from self._page(k, [url])
        if first:
            for candidates in lists.declared_pages(text, response.url, 1000):  # max_pages holds in _page, which says so
                yield from self._page(k, candidates)
            for url, form in lists.jpage_requests(text, response.url):
                yield from self._page(k, [url], form)
        if data:
            for url in lists.data_pages(response.url, text, 1000):
                yield from self._page(k, [url], data=True)
        elif first and not links and response.css("script") and _SCRIPTED.search(response.body):
            self.scripted[k] = response.url
            for url in lists.data_endpoints(text, response.url):
                yield from self._page(k, [url], data=True)

    def _articles(self, k: int, links: list[lists.Link], listing: str):
        summary, listed = self.summaries[k], self.listed[k]
        for link in links:
            if link.url not in listed:
                listed.add(link.url)
                summary.listed.append((link.title, link.url, listing))
            if link.url not in self.articles:  # not the dupe filter: a redirect loop must reach the redirect limit
                self.articles.add(link.url)
                yield scrapy.Request(link.url, self.parse_article, errback=self.failed, dont_filter=True,
                                     meta={"site": k, "list": listing})

    def _page(self, k: int, candidates: list[str], form: dict | None = None, data: bool = False):
        """One list page, asked for once; `candidates` are its possible addresses (a page a script
        declares, whose suffix is not known), tried in turn while the site answers 404."""
        pages = self.pages[k]
        url = candidates[0]
        if url in pages:
            return
        if len(pages) >= self.summaries[k].site.max_pages:
            self.summaries[k].capped += 1
            pages.add(url)  # counted once
            return
        pages.add(url)
        meta = {"site": k, "candidates": candidates[1:], "data": data}
        if form is not None:
            yield scrapy.FormRequest(url, formdata=form, callback=self.parse_list, errback=self.page_failed, meta=meta)
        else:
            yield scrapy.Request(url, callback=self.parse_list, errback=self.page_failed, meta=meta)

    def page_failed(self, failure):
        meta = failure.request.meta
        k = meta.get("site", 0)
        if meta.get("candidates") and failure.check(HttpError) and failure.value.response.status == 404:
            self.pages[k].discard(failure.request.url)
            yield from self._page(k, meta["candidates"], data=meta.get("data", False))
            return
        if meta.get("data"):  # a data address that does not answer: said once at the end, with the JS-only list
            return
        self.failed(failure)

    def parse_article(self, response):
        k = response.meta["site"]
        kind = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        if "html" in kind and not lists.is_report_page(response.text):
            links = [x for x in lists.report_links(response.text, response.url) if x.url != response.url]
            attached = {urllib.parse.unquote(u) for u in attachments(response.body, response.url)}
            files = [x for x in links if urllib.parse.unquote(x.url) in attached]
            # a column of columns (one per year or per department) lists report pages, or files of several years;
            # an article without the report's text links the report's file(s) of its one year
            if len(files) < len(links) or len({title_year(x.title) for x in files}) > 1:
                summary = self.summaries[k]
                summary.listed = [x for x in summary.listed if x[1] != response.url]
                self.listed[k].discard(response.url)
                summary.pages += 1
                yield from self._articles(k, links, response.url)
                return
        fetched = self._keep(response, "")
        if fetched is None:
            return
        self.summaries[k].articles += 1
        if fetched.suffix == ".html":
            for link in attachments(response.body, response.url):
                yield scrapy.Request(link, callback=self.parse_attachment, errback=self.failed,
                                     meta={"site": k, "list": response.meta["list"], "article": response.url})

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
        spooled = self.spool / f"{len(self.spooled):06d}"
        self.spooled.append(spooled)
        spooled.write_bytes(response.body)
        suffix = suffix_of(response.url, kind)
        if not suffix:  # bytes of no stated kind at an address of no suffix: the name the server gives the download
            named = re.search(r"filename\*?=(?:[\w-]+'[\w-]*')?\"?([^\";]+)", response.headers.get("Content-Disposition", b"").decode("latin-1"))
            name = urllib.parse.unquote(named.group(1)) if named else ""
            suffix = next((x for x in CONTENT_TYPES.values() if x and name.lower().endswith(x)), "")
        fetched = Fetched(response.url, spooled, suffix, response.meta["list"], article, now_utc(), response.meta.get("warc", ""))
        summary.fetched.append(fetched)
        return fetched

    def failed(self, failure):
        summary = self.summaries[failure.request.meta.get("site", 0)]
        summary.failed.append(f"{failure.request.url}: {reason(failure)}")


def reason(failure) -> str:
    """Why a request failed, in the words of a run's summary."""
    said = str(failure.value)
    if failure.check(HttpError):
        status = failure.value.response.status
        if status == 403:
            return "refused (HTTP 403: the site may serve only mainland China)"
        if status in (412, 521):  # the status codes of the anti-bot checks that answer with a script to run
            return f"refused by an anti-bot check (HTTP {status}: needs a browser)"
        return f"HTTP {status}"
    if failure.check(IgnoreRequest):
        return ("blocked by robots.txt" if "robots" in said.lower()
                else "a redirect loop (more redirections than allowed)" if "redirect" in said.lower() else f"not fetched ({said})")
    if failure.check(TimeoutError, TCPTimedOutError) or "Timeout" in failure.type.__name__:
        return "timed out"
    if "max size" in said:
        return "larger than the size cap"
    if failure.check(DNSLookupError):
        return "the host name does not resolve"
    return f"{failure.type.__name__}: {said}"


class DiscoverSpider(scrapy.Spider):
    """From a portal's home page, the links toward its disclosure pages (政府信息公开, 政务公开…)
    followed a few levels deep, and every link that names a report column checked: how many
    report articles its page lists."""

    name = "xxgk-discover"

    def __init__(self, portal: str, found: dict, failed: list, about: dict, max_pages: int = 40, depth: int = 3, **kw):
        super().__init__(**kw)
        self.portal, self.found, self.failures, self.about = portal, found, failed, about
        self.max_pages, self.depth = max_pages, depth
        self.seen: set[str] = set()

    async def start(self):
        self.seen.add(self.portal)
        yield scrapy.Request(self.portal, callback=self.parse, errback=self.failed, meta={"depth": 0}, dont_filter=True)

    def parse(self, response):
        self.about.setdefault("agency", lists.site_name(response.text))
        follow, columns = lists.portal_links(response.text, response.url)
        for column in columns:
            if column.url not in self.found:
                self.found[column.url] = (column.title, -1)
                yield scrapy.Request(column.url, callback=self.check, errback=self.failed, meta={"name": column.title})
        if response.meta["depth"] < self.depth:
            for url in follow:
                if url not in self.seen and len(self.seen) < self.max_pages:
                    self.seen.add(url)
                    yield scrapy.Request(url, callback=self.parse, errback=self.failed, meta={"depth": response.meta["depth"] + 1})

    def check(self, response):
        text = response.text
        count = len(lists.report_links(text, response.url)) or len(re.findall(r"<record>", text))
        self.found[response.request.url] = (response.meta["name"], count)

    def failed(self, failure):
        self.failures.append(f"{failure.request.url}: {reason(failure)}")
