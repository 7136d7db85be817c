"""Reading a report column's list pages, whatever CMS serves them: which links are report
articles, which are further list pages, how many pages a script declares, and where a list that
JavaScript builds takes its data from. Pure functions of a page's text and address (the spider
does the fetching), so every shape is tested without a server.

Shapes read: links in the page (a truncated title completed by the link's `title`, or a row whose
only link says 查看); Hanweb (大汉) lists, whose records sit as HTML in CDATA inside a
`<script type="text/xml">` datastore and whose further records a `jpage` call fetches from
`dataproxy.jsp`; TRS page counts (`createPageHTML(…)`, `countPage = N`, `recordCount`/`prepage`);
下一页 / numbered page links; JSON and RSS/XML data addresses named in a page's scripts."""

from __future__ import annotations

import json
import math
import re
import urllib.parse
from dataclasses import dataclass

from parsel import Selector

from .sites import NEXT_PAGE, is_report_title

_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
_GENERIC = re.compile(r"^\s*(?:查看|详情|详细|点击查看|阅读全文|全文|下载|查看详情|more|\.\.\.|>>)\s*$", re.IGNORECASE)
_SCRIPT_URL = re.compile(r"""(['"])((?:https?://|/|\./)?[\w./%-]*?"""
                         r"""(?:\.json|\.xml|/api/[\w./-]*|dataproxy\.jsp|list\.do|getList[\w.]*)(?:\?[^'"\s<>]*)?)\1""")
_JS_TARGET = re.compile(r"""['"]([^'"\s]+?\.(?:s?html?|jsp|pdf|docx?|wps)(?:\?[^'"\s]*)?)['"]""", re.IGNORECASE)
_PAGE_PARAM = re.compile(r"([?&](?:page|pageNo|pageNum|pageIndex|curPage|currentPage|p)=)(\d+)", re.IGNORECASE)
_PAGED = re.compile(r"(?:^|/)(?:index|list|default|nlist)_\d+\.\w+$", re.IGNORECASE)
_NUMBERED = re.compile(r"/(?:page/)?\d{1,3}/?$|_\d{1,3}\.s?html?$", re.IGNORECASE)
_TRS_CALL = re.compile(r"createPageHTML\(([^)]*)\)")
_COUNT_VAR = re.compile(r"\b(?:countPage|pageCount|totalPage|page_count)\s*[=:]\s*['\"]?(\d+)")
_RECORDS = re.compile(r"\brecordCount\s*[=:]\s*['\"]?(\d+)")
_PER_PAGE = re.compile(r"\b(?:prepage|perPage|pageSize)\s*[=:]\s*['\"]?(\d+)")
_JPAGE = re.compile(r"\.jpage\(\s*\{(.*?)\}\s*\)", re.DOTALL)
_SUFFIXES = ("htm", "html", "shtml")
# a report's own text: a list page of reports has titles, not these headings of the template
_REPORT_BODY = ("主动公开", "依申请公开", "行政复议", "行政诉讼", "收到和处理政府信息公开申请")


@dataclass(frozen=True)
class Link:
    title: str
    url: str


def _absolute(base: str, href: str) -> str:
    href = href.strip().replace("&amp;", "&")
    if href.lower().startswith("javascript:") or href.startswith("#") or re.match(r"[\w.]+\(", href):  # script: what it opens
        m = _JS_TARGET.search(href)
        if not m:
            return ""
        href = m.group(1)
    url = urllib.parse.urljoin(base, href).split("#")[0]
    return url if url.startswith(("http://", "https://")) else ""


def page_base(html: str, url: str) -> str:
    """The address a page's links are relative to: its `<base href>` when it has one."""
    m = re.search(r"<base\b[^>]*\bhref\s*=\s*[\"']?([^\"'\s>]+)", html[:20000], re.IGNORECASE)
    return urllib.parse.urljoin(url, m.group(1)) if m else url


def _anchors(html: str) -> list[tuple[str, str, str, str]]:
    """(href, text, title attribute, the text of its row when the row has no other link) of every
    anchor, including those a Hanweb datastore keeps in CDATA; a `javascript:` link gives the
    address its `onclick` opens."""
    out = []
    for part in [html, *_CDATA.findall(html)]:
        sel = Selector(text=part, type="html")
        for a in sel.css("a"):
            href = a.attrib.get("href", "")
            if not href or href.lower().startswith("javascript:") and not _JS_TARGET.search(href):
                href = a.attrib.get("onclick", "") or href
            if not href or href.startswith("#"):
                continue
            text = " ".join(" ".join(a.css("::text").getall()).split())
            title = a.attrib.get("title", "")
            row = ""
            if _GENERIC.match(text) or not text:
                parent = a.xpath("ancestor::*[self::li or self::tr or self::dl][1]")
                if parent and len(parent[0].css("a")) == 1:
                    texts = [" ".join(x.split()) for x in parent[0].css("::text").getall() if x.strip()]
                    row = next((x for x in texts if is_report_title(x)), " ".join(texts))[:200]
            out.append((href, text, title, row))
    return out


def report_links(html: str, base: str) -> list[Link]:
    """The report articles (or files) a list page links, in page order, each once."""
    out: dict[str, Link] = {}
    base = page_base(html, base)
    for href, text, attr, row in _anchors(html):
        both = f"{text} {attr}".strip()
        title = (attr if is_report_title(attr) else both) if is_report_title(both) else row if is_report_title(row) else ""
        url = _absolute(base, href) if title else ""
        if url and url not in out and url != base:
            out[url] = Link(" ".join(title.split()), url)
    return list(out.values())


def _folder(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path.rsplit('/', 1)[0]}/"


_YEAR_TAB = re.compile(r"^(?:19|20)\d{2}\s*(?:年|年度|年度报告|年报)?$")
_MORE = re.compile(r"^\s*(?:更多|查看更多|更多信息|more)\s*[>»]*\s*$", re.IGNORECASE)


def page_links(html: str, base: str, column: str) -> list[str]:
    """Further list pages the page links: 下一页 / 尾页 / 更多 / a page number, or an address that
    pages (`index_2.html`, `?page=2`), within the column's folder; and a column's tabs by year
    (2023年度), on the same site."""
    out: list[str] = []
    within = _folder(column)
    page = base
    base = page_base(html, base)
    for href, text, attr, _ in _anchors(html):
        url = _absolute(base, href)
        if not url or url in out or url == page:
            continue
        if _YEAR_TAB.match(" ".join(text.split())) and urllib.parse.urlsplit(url).netloc == urllib.parse.urlsplit(column).netloc:
            out.append(url)
            continue
        if not url.startswith(within):
            continue
        path = urllib.parse.urlsplit(url).path
        paged = bool(_PAGED.search(path)) or bool(_PAGE_PARAM.search(url))
        numbered = paged or bool(_NUMBERED.search(path))
        if (NEXT_PAGE.match(text) or NEXT_PAGE.match(attr) or _MORE.match(text) or (text.isdigit() and int(text) < 1000 and numbered)
                or (paged and not is_report_title(f"{text} {attr}"))):
            out.append(url)
    return out


def declared_pages(text: str, url: str, max_pages: int) -> list[list[str]]:
    """The list pages a script declares but does not link (TRS: `createPageHTML(count, current,
    "index", "html")`, `countPage = N`, `recordCount`/`prepage` of a static-and-dynamic list).
    Each page as its candidate addresses: the suffix is the page's own, else tried in turn."""
    count, name, suffix = 0, "", ""
    m = _TRS_CALL.search(text)
    if m:
        args = [a.strip().strip("'\"") for a in m.group(1).split(",")]
        ints = [int(a) for a in args if a.isdigit()]
        if ints:
            count = ints[0]
        for k, a in enumerate(args):
            if a.lower() in _SUFFIXES and k > 0:
                name, suffix = args[k - 1], a.lower()
    if not count:
        var = _COUNT_VAR.search(text)
        records, per = _RECORDS.search(text), _PER_PAGE.search(text)
        if var:
            count = int(var.group(1))
        elif records and per and int(per.group(1)) > 0:
            count = math.ceil(int(records.group(1)) / int(per.group(1)))
    if count <= 1:
        return []
    path = urllib.parse.urlsplit(url).path
    last = path.rsplit("/", 1)[-1]
    stem, _, own = last.rpartition(".") if "." in last else ("", "", "")
    stem = re.sub(r"_\d+$", "", stem) or name or "index"
    suffixes = [suffix] if suffix else ([own.lower()] if own.lower() in _SUFFIXES else list(_SUFFIXES))
    folder = _folder(url)
    return [[f"{folder}{stem}_{n}.{s}" for s in suffixes] for n in range(1, min(count, max_pages))]


def jpage_requests(text: str, url: str) -> list[tuple[str, dict[str, str]]]:
    """A Hanweb list's further records: `jpage({totalRecord, perPage, groupSize, proxyUrl})` posts the
    parameters of the datastore's `nextgroup` link to `proxyUrl?startrecord=&endrecord=&perpage=`."""
    call = _JPAGE.search(text)
    if not call:
        return []
    conf = dict(re.findall(r"(\w+)\s*:\s*['\"]?([^,'\"\n}]+)", call.group(1)))
    try:
        total, per = int(conf.get("totalRecord", "0")), int(conf.get("perPage", "15"))
        group = int(conf.get("groupSize", "3"))
    except ValueError:
        return []
    nextgroup = re.search(r"<nextgroup>\s*<!\[CDATA\[\s*<a[^>]*href=['\"]([^'\"]+)", text)
    held = len(re.findall(r"<record>", text))
    if not nextgroup or total <= held or per <= 0:
        return []
    link = urllib.parse.urljoin(url, nextgroup.group(1).replace("&amp;", "&"))
    proxy = urllib.parse.urljoin(url, conf.get("proxyUrl", "").strip() or link.split("?")[0])
    form = {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(link).query, keep_blank_values=True).items() if k != "page"}
    form.setdefault("col", "1")
    step = per * max(group, 1)
    return [(f"{proxy}?startrecord={s}&endrecord={min(s + step - 1, total)}&perpage={per}", form)
            for s in range(held + 1, total + 1, step)]


def data_endpoints(html: str, base: str) -> list[str]:
    """Data addresses (JSON, XML, an API path) named in a page's scripts: where a list that JavaScript
    builds after load takes its items from."""
    out: list[str] = []
    for script in Selector(text=html, type="html").css("script::text").getall():
        for m in _SCRIPT_URL.finditer(script):
            url = _absolute(base, m.group(2))
            if url and url not in out and not url.endswith((".js", ".css")):
                out.append(url)
    return out[:5]


def _json_items(node, base: str, out: dict[str, Link]) -> None:
    if isinstance(node, list):
        for x in node:
            _json_items(x, base, out)
    elif isinstance(node, dict):
        strings = {k: v for k, v in node.items() if isinstance(v, str)}
        title = next((v for v in strings.values() if is_report_title(re.sub(r"<[^>]+>", "", v))), "")
        href = next((v for k, v in strings.items() if re.search(r"url|link|href|path", k, re.IGNORECASE)
                     and re.search(r"\.(?:s?html?|jsp|pdf|docx?|wps)\b|^https?://", v)), "")
        url = _absolute(base, href) if title and href else ""
        if url and url not in out:
            out[url] = Link(" ".join(re.sub(r"<[^>]+>", "", title).split()), url)
        for v in node.values():
            if isinstance(v, dict | list):
                _json_items(v, base, out)


def data_links(body: str, base: str) -> list[Link]:
    """The report items a data address answers with: JSON objects holding a report title and an
    address, Hanweb records, RSS/XML items (title + link), or plain links."""
    stripped = body.lstrip()
    if stripped[:1] in "[{":
        try:
            data = json.loads(stripped)
        except ValueError:
            return []
        out: dict[str, Link] = {}
        _json_items(data, base, out)
        return list(out.values())
    found = report_links(body, base)
    for item in re.findall(r"<(?:item|entry|record|row)\b.*?</(?:item|entry|record|row)>", body, re.DOTALL | re.IGNORECASE):
        title = re.search(r"<title>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?</title>", item, re.DOTALL)
        link = re.search(r"<(?:link|url|href)>(?:<!\[CDATA\[)?\s*(.*?)\s*(?:\]\]>)?</(?:link|url|href)>", item, re.DOTALL)
        if title and link and is_report_title(title.group(1)):
            url = _absolute(base, link.group(1))
            if url and all(f.url != url for f in found):
                found.append(Link(" ".join(title.group(1).split()), url))
    return found


def data_pages(url: str, body: str, max_pages: int) -> list[str]:
    """Further pages of a JSON data address that pages by a parameter (`page=1`) and states its
    page count (`totalPage`, `pageCount`, `pages`, or a total and a page size)."""
    m = _PAGE_PARAM.search(url)
    if not m or int(m.group(2)) > 1 or body.lstrip()[:1] not in "[{":
        return []
    count = re.search(r'"(?:totalPages?|pageCount|pages|pageTotal|totalPage)"\s*:\s*"?(\d+)', body)
    total = re.search(r'"(?:total|totalCount|totalRecord|recordCount|count)"\s*:\s*"?(\d+)', body)
    size = re.search(r'"(?:pageSize|size|perPage|rows)"\s*:\s*"?(\d+)', body)
    pages = int(count.group(1)) if count else math.ceil(int(total.group(1)) / int(size.group(1))) if total and size and int(size.group(1)) else 0
    first = int(m.group(2))
    return [url[:m.start(2)] + str(n) + url[m.end(2):] for n in range(first + 1, first + min(pages, max_pages))]


def is_report_page(html: str) -> bool:
    """Whether a page holds a report's own text (the template's headings), not only links to reports."""
    text = " ".join(Selector(text=html, type="html").css("body ::text").getall())
    return sum(h in text for h in _REPORT_BODY) >= 2


# a portal's way to its disclosure pages, and a report column's name (no year: the column, not a report)
_DISCLOSURE = re.compile(r"政府信息公开|信息公开|政务公开|法定主动公开|部门信息公开|部门公开")
_COLUMN = re.compile(r"(?:政府)?信息公开(?:工作)?(?:年度报告|年报)|^年度报告$|^年报$")
_COLUMN_PATH = re.compile(r"/(?:zfxxgknb|xxgknb|zfxxgkndbg|gknb|ndbg|xxgkndbg|zfxxgkbg)(?:/|$|[._])", re.IGNORECASE)


def portal_links(html: str, base: str) -> tuple[list[str], list[Link]]:
    """On a portal's page: the links toward its disclosure pages (to follow), and the links that
    name a report column (政府信息公开年报, or an address such as `…/zfxxgknb/`)."""
    host = urllib.parse.urlsplit(base).netloc
    follow: list[str] = []
    columns: dict[str, Link] = {}
    for href, text, attr, _ in _anchors(html):
        url = _absolute(base, href)
        if not url or urllib.parse.urlsplit(url).netloc != host:
            continue
        name = re.sub(r"\s+", "", f"{text}{attr}" if not attr or attr in text else text or attr)
        if is_report_title(name):
            continue
        if _COLUMN.search(name) or _COLUMN_PATH.search(urllib.parse.urlsplit(url).path):
            columns.setdefault(url, Link(name, url))
        elif _DISCLOSURE.search(name) and url not in follow:
            follow.append(url)
    return follow, list(columns.values())


def site_name(html: str) -> str:
    """The name a page gives its site (`<meta name="SiteName">`, else the last part of its title)."""
    sel = Selector(text=html, type="html")
    meta = sel.css('meta[name="SiteName"]::attr(content), meta[name="sitename"]::attr(content)').get()
    if meta:
        return meta.strip()
    title = " ".join(sel.css("title::text").getall()).strip()
    return re.split(r"[_|\-—\uff0d]", title)[-1].strip() if title else ""
