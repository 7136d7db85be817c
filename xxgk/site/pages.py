"""The page generator: reads only the published data package (and the corpus files it names, to
publish them beside the figures) and writes the site's Markdown, chart specs and source pages.

Every string that comes from a report (agency names, titles, narrative, printed text) is escaped
before it reaches Markdown, HTML or JSON-in-HTML.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import html
import io
import json
import re
import shutil
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

from .. import paths
from ..package import publish
from ..parse import read
from .charts import Chart, bar, site_config, trend
from .published import (
    Published,
    ReportFigures,
    counted,
    problems,
    rate,
    superseded_by,
    total,
)

MIN_RANKED = 10  # requests handled before an agency's rates are compared
# Agency pages are many: MkDocs renders one template page, and `render_agencies` pours each
# agency's HTML into it (Markdown conversion would cost ~25 ms a page; this costs ~1 ms).
TEMPLATE_PAGE = "_agency"
TITLE_MARK = "XXGK-AGENCY-TITLE"
CONTENT_MARK = "XXGK-AGENCY-CONTENT"
TEMPLATE_MARKDOWN = f"""---
title: {TITLE_MARK}
hide:
  - toc
---

<h1>{TITLE_MARK}</h1>

<div class="xxgk-agency">{CONTENT_MARK}</div>
"""
_MD_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]()#+!|~>"})
CN_NUM = "一二三四五六七八九十"
TYPE_LABELS = {"government": "人民政府", "government_office": "政府办公室（厅）", "department": "政府部门", "subdistrict": "街道",
               "township": "乡镇", "zone": "开发区、片区等"}
LEVEL_LABELS = {"province": "省级", "prefecture": "地级", "county": "县级", "township": "乡镇街道级"}
EVIDENCE_NOTE = {"split": "连写数字拆分", "identity": "连写数字按勾稽关系拆分", "narrative": "连写数字按正文拆分"}


def esc(text) -> str:
    """Safe inside Markdown text and table cells: HTML-escaped, Markdown syntax neutralised."""
    s = "" if text is None else str(text)
    s = html.escape(s.replace("\r", " ").replace("\n", " "), quote=True)
    return s.translate(_MD_SPECIAL)


def h(text) -> str:
    """Safe inside raw HTML (element text or a quoted attribute)."""
    return html.escape("" if text is None else str(text), quote=True)


def json_in_html(data) -> str:
    """JSON that cannot close its <script> element or open another."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def fmt(v) -> str:
    if v is None:
        return ""
    return f"{v:g}" if isinstance(v, float) and v != int(v) else str(int(v))


def _size(path: Path) -> str:
    n = float(path.stat().st_size)
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return ""


def render_chart(chart: Chart, page_key: str) -> str:
    """A chart: title and description, the Vega-Lite spec (drawn by the site's script), and its
    numbers as a table."""
    cid = f"chart-{page_key}-{chart.key}"
    head = "".join(f"<th>{h(c)}</th>" for c in chart.columns)
    def td(v) -> str:
        return f'<td class="num">{h(fmt(v))}</td>' if isinstance(v, (int, float)) else f"<td>{h(v)}</td>"

    body = "".join("<tr>" + "".join(td(v) for v in row) + "</tr>" for row in chart.rows)
    return (f'<figure class="xxgk-chart" id="{h(cid)}">\n'
            f'<figcaption><strong>{h(chart.title)}</strong><br><span>{h(chart.description)}</span></figcaption>\n'
            f'<div class="xxgk-vega" role="img" aria-label="{h(chart.title)}：{h(chart.description)}"></div>\n'
            f'<script type="application/json" class="xxgk-spec">{json_in_html(chart.spec)}</script>\n'
            f'<details class="xxgk-chart-data"><summary>图表数据</summary><div class="xxgk-table-wrap"><table>'
            f'<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div></details>\n'
            f"</figure>\n")


# --- the report's tables, as printed ------------------------------------------------------------

class Tables:
    """Lays out one report's figures the way the official template prints them."""

    def __init__(self, pub: Published, report: dict, facts: dict, findings: list[dict], source_href: str | None):
        self.pub = pub
        self.report = report
        self.facts = facts
        self.source_href = source_href
        self.rows = {s: pub.labels("row", s) for s in ("proactive", "requests", "appeals")}
        self.columns = {s: pub.labels("column", s) for s in ("proactive", "requests", "appeals")}
        self.groups = pub.labels("group", "requests")
        self.flags: dict[tuple, list[dict]] = defaultdict(list)
        for f in findings:
            if f["section"] and f["row"]:
                self.flags[(f["section"], f["row"], f["column"] or "")].append(f)
                self.flags[(f["section"], f["row"], "")].append(f)

    def cell(self, section: str, row: str, column: str) -> str:
        fact = self.facts.get((section, row, column))
        flagged = self.flags.get((section, row, column)) or self.flags.get((section, row, ""))
        if fact is None:
            return '<td class="num absent" title="报告中没有这一格">×</td>'
        status, line = fact["status"], fact["source_line"]
        if status == "reported" and not flagged:  # the common case, kept cheap: ids and numbers need no escaping
            how = EVIDENCE_NOTE.get(fact["evidence"] or "")
            title = f"源文件第{line}行，印出“{h(fact['printed'])}”" + (f"（{how}）" if how else "")
            label = fmt(fact["value"])
            if self.source_href and line:
                return f'<td class="num"><a href="{self.source_href}#L{line}" title="{title}">{label}</a></td>'
            return f'<td class="num"><span title="{title}">{label}</span></td>'
        cls = ["num"] + (["flag"] if flagged else [])
        mark = '<span class="xxgk-flag" aria-label="有检查结果">⚠</span>' if flagged else ""
        link = f"{self.source_href}#L{line}" if self.source_href and line else None
        if status == "reported":
            label = fmt(fact["value"])
            how = EVIDENCE_NOTE.get(fact["evidence"] or "", "")
            title = f"源文件第{line}行，印出“{fact['printed']}”" + (f"（{how}）" if how else "")
        elif status == "blank":
            label, title = "空", "报告中此格空白（不是 0）"
            cls.append("blank")
        elif status == "absent":
            label, title = "×", "报告中缺少这一行"
            cls.append("absent")
        else:
            label, title = "?", "数字无法确定，未发布（见检查结果）"
            cls.append("unresolved")
        if flagged:
            title = f"{title}。检查：{'；'.join(f['message'] for f in flagged)}"
        inner = f'<a href="{h(link)}" title="{h(title)}">{h(label)}</a>' if link else f'<span title="{h(title)}">{h(label)}</span>'
        return f'<td class="{" ".join(cls)}">{inner}{mark}</td>'

    def has(self, section: str) -> bool:
        return any(k[0] == section for k in self.facts)

    def proactive(self) -> str:
        rows = [r for r in self.rows["proactive"].values() if any(k[:2] == ("proactive", r["code"]) for k in self.facts)]
        out, block = [], None
        for r in rows:
            cols = [k[2] for k in self.facts if k[:2] == ("proactive", r["code"])]
            if cols != block:
                if block is not None:
                    out.append("</tbody></table></div>")
                block = cols
                head = "".join(f"<th>{h(self.columns['proactive'][c]['label_zh'])}</th>" for c in cols)
                out.append(f'<div class="xxgk-table-wrap"><table class="xxgk-report"><thead><tr><th>信息内容</th>{head}</tr></thead><tbody>')
            cells = "".join(self.cell("proactive", r["code"], c) for c in cols)
            out.append(f'<tr><th scope="row">{h(r["label_zh"])}</th>{cells}</tr>')
        if block is not None:
            out.append("</tbody></table></div>")
        return "\n".join(out)

    def requests(self) -> str:
        cols = list(self.columns["requests"])
        present = [r for r in self.rows["requests"].values() if ("requests", r["code"], cols[0]) in self.facts]
        labels = self.columns["requests"]
        legal = [c for c in cols if labels[c]["parent"] == "legal_person"]
        head = (
            f'<tr><th colspan="3" rowspan="3" class="xxgk-note">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</th>'
            f'<th colspan="{len(cols)}">申请人情况</th></tr>'
            f'<tr><th rowspan="2">{h(labels[cols[0]]["label_zh"])}</th><th colspan="{len(legal)}">法人或其他组织</th>'
            f'<th rowspan="2">{h(labels["total"]["label_zh"])}</th></tr>'
            "<tr>" + "".join(f"<th>{h(labels[c]['label_zh'])}</th>" for c in legal) + "</tr>")
        outcome = [r for r in present if r["parent"] or r["code"] in ("total",)]
        # numbering of the outcome block: (一) (二) … per top-level entry, 1. 2. … inside a group
        entries: list[str] = []
        for r in outcome:
            key = r["code"] if r["parent"] in ("outcome", "", None) else r["parent"]
            if key not in entries:
                entries.append(key)
        group_size = Counter(r["parent"] for r in outcome if r["parent"] not in ("outcome", "", None))
        seen_group: Counter = Counter()
        body = []
        first_outcome = True
        top = {"new": "一、", "carried_over": "二、", "carried_forward": "四、"}
        for r in present:
            cells = "".join(self.cell("requests", r["code"], c) for c in cols)
            if r["code"] in top:
                body.append(f'<tr><th colspan="3" scope="row">{top[r["code"]]}{h(r["label_zh"])}</th>{cells}</tr>')
                continue
            lead = ""
            if first_outcome:
                lead = f'<th rowspan="{len(outcome)}" scope="rowgroup">三、本年度办理结果</th>'
                first_outcome = False
            parent = r["parent"]
            if parent in ("outcome", "", None):
                n = CN_NUM[entries.index(r["code"])]
                body.append(f'<tr>{lead}<th colspan="2" scope="row">（{n}）{h(r["label_zh"])}</th>{cells}</tr>')
            else:
                seen_group[parent] += 1
                group_cell = ""
                if seen_group[parent] == 1:
                    n = CN_NUM[entries.index(parent)]
                    group_cell = f'<th rowspan="{group_size[parent]}" scope="rowgroup">（{n}）{h(self.groups[parent]["label_zh"])}</th>'
                body.append(f'<tr>{lead}{group_cell}<th scope="row">{seen_group[parent]}. {h(r["label_zh"])}</th>{cells}</tr>')
        return f'<div class="xxgk-table-wrap"><table class="xxgk-report"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table></div>'

    def appeals(self) -> str:
        rows = list(self.rows["appeals"])
        cols = list(self.columns["appeals"])
        lab = self.columns["appeals"]
        rl = self.rows["appeals"]
        head = (f'<tr><th colspan="{len(cols)}">{h(rl[rows[0]]["label_zh"])}</th><th colspan="{len(cols) * 2}">行政诉讼</th></tr>'
                "<tr>" + "".join(f'<th rowspan="2">{h(lab[c]["label_zh"])}</th>' for c in cols)
                + "".join(f'<th colspan="{len(cols)}">{h(rl[r]["label_zh"])}</th>' for r in rows[1:]) + "</tr>"
                "<tr>" + "".join(f"<th>{h(lab[c]['label_zh'])}</th>" for _ in rows[1:] for c in cols) + "</tr>")
        cells = "".join(self.cell("appeals", r, c) for r in rows for c in cols)
        return f'<div class="xxgk-table-wrap"><table class="xxgk-report"><thead>{head}</thead><tbody><tr>{cells}</tr></tbody></table></div>'


# --- file names of pages made from the data ----------------------------------------------------

# Pages named after the data (agencies/<agency>, regions/<code>, sources/<report>) share their
# folders with pages the site names itself. These names are the site's own, in those folders and
# at the top: no page made from the data ever takes one of them.
RESERVED_NAMES = frozenset({"index", TEMPLATE_PAGE, "search", "search-index", "404", "sitemap", "rankings", "quality", "downloads",
                            "dictionary", "about", "agencies", "regions", "sources", "data", "excel", "assets", "javascripts",
                            "stylesheets"})
_PLAIN_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NOT_PLAIN = re.compile(r"[^a-z0-9]+")


def file_name(key: str) -> str:
    """The file name (no extension) of the page made for one agency_id, region code or report_id.

    A key of lower-case ASCII letters and digits joined by single hyphens (what the package
    makes), at most 120 characters and not a RESERVED_NAMES name, is its own file name, so links
    stay as they were. Any other key is named `_<its letters and digits>-<12 hex digits of its
    SHA-256>`: the leading `_` keeps these apart from every name of the first kind and the digest
    from one another, and no name of the site has that form, so no page made from the data can
    overwrite a page of the site or another data page, whatever the key. Every link to such a page
    goes through this function."""
    key = "" if key is None else str(key)
    if len(key) <= 120 and _PLAIN_NAME.fullmatch(key) and key not in RESERVED_NAMES:
        return key
    readable = _NOT_PLAIN.sub("-", key.lower()).strip("-")[:60]
    return f"_{readable}-{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()[:12]}"


def agency_href(aid: str, base: str = "../") -> str:
    """The link to an agency's page, from a page in a subfolder (base "../") or at the top ("")."""
    return f"{base}agencies/{file_name(aid)}.html"


def source_href(rid: str, base: str = "../", ext: str = ".html") -> str:
    """The link to a report's source page (".html"), its text as shown (".txt") or the original
    file (".orig.txt")."""
    return f"{base}sources/{file_name(rid)}{ext}"


def region_href(code: str, base: str = "../") -> str:
    return f"{base}regions/{file_name(code)}.html"


def outcomes_description(f: ReportFigures) -> str:
    """What a report's outcome bars add up to, and how that compares with its printed 总计."""
    text = f"各类办理结果的件数（总计列），数字取自报告第三部分；各条合计 {fmt(f.outcome_sum)} 件"
    if f.agrees:
        return text + "，等于报告印出的总计"
    if f.handled is None:
        return text + "；报告的“（七）总计”一格没有可发布的数字"
    return text + f"，报告印出的“（七）总计”却是 {fmt(f.handled)} 件，两者不符（见检查结果）"


# --- the site -----------------------------------------------------------------------------------

class Site:
    def __init__(self, package: Path, out: Path, corpus: Path | None, sources: Path = paths.DOCS):
        self.pub = Published.load(package)
        self.package = Path(package)
        self.out = Path(out)
        self.corpus = Path(corpus) if corpus else None
        self.sources = Path(sources)
        self.fragments = fragments_dir(self.out)
        self.by_agency = self.pub.reports_by_agency()
        self.agencies = {a["agency_id"]: a for a in self.pub.agencies}
        self.published_sources: set[str] = set()
        self.pages = 0
        self.reused = 0  # agency pages kept from the previous run (made from the same rows)
        by_id = {r["report_id"]: r for r in self.pub.reports}
        # secondary files (another file of an agency and year) under the agency of their primary
        self.secondary_by_agency: dict[str, list[dict]] = defaultdict(list)
        self.agency_of: dict[str, str] = {}  # report_id -> the agency whose page shows the file
        for r in self.pub.reports:
            primary = by_id.get(superseded_by(r))
            aid = (primary or {}).get("agency_id") or r["agency_id"]
            if aid in self.agencies:
                self.agency_of[r["report_id"]] = aid
                if superseded_by(r):
                    self.secondary_by_agency[aid].append(r)

    def figures(self, rid: str, facts: dict | None = None) -> ReportFigures:
        return self.pub.figures(rid, facts)

    # files -----------------------------------------------------------------------------------
    def write(self, rel: str, text: str) -> None:
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if rel.endswith(".md"):
            self.pages += 1

    def build(self) -> int:
        publish.check_target(self.out)  # never remove a folder xxgk did not write (`--out corpus`)
        if not ((self.fragments / KEYS).is_file() or publish.is_ours(self.fragments)):
            raise publish.NotOurs(self.fragments)  # its stale pages are deleted below
        if self.out.exists():
            shutil.rmtree(self.out)
        shutil.copytree(self.sources, self.out)
        publish.mark(self.out, "site pages")
        self.fragments.mkdir(parents=True, exist_ok=True)
        publish.mark(self.fragments, "agency pages")
        previous = _read_keys(self.fragments / KEYS)
        (self.fragments / KEYS).unlink(missing_ok=True)  # an interrupted run then leaves nothing to trust
        self.write(f"agencies/{TEMPLATE_PAGE}.md", TEMPLATE_MARKDOWN)
        vendor_vega(self.out / "javascripts" / "vega.js")
        (self.out / "javascripts" / "charts-config.js").write_text(
            f"window.XXGK_CHART_CONFIG = {json_in_html(site_config())};\n", encoding="utf-8")
        self.copy_package()
        for r in self.pub.reports:
            self.source_page(r)
        keys = {aid: self.agency_page(aid, previous.get(aid)) for aid in sorted(self.agencies)}
        names = {file_name(aid) for aid in keys}
        for stale in self.fragments.glob("*.html"):
            if stale.stem not in names:
                stale.unlink()
        (self.fragments / KEYS).write_text(json.dumps(keys, sort_keys=True, indent=0) + "\n", encoding="utf-8")
        self.agency_list()
        self.regions()
        self.home()
        self.rankings()
        self.quality()
        self.dictionary()
        self.downloads()
        self.search()
        return self.pages

    def copy_package(self) -> None:
        target = self.out / "data"
        shutil.copytree(self.package, target, ignore=shutil.ignore_patterns(".*"))  # not the build's marker
        excel = target / "excel"
        excel.mkdir()
        for csv_path in sorted((self.package / "data").glob("*.csv")):
            (excel / csv_path.name).write_bytes(b"\xef\xbb\xbf" + csv_path.read_bytes())
        with zipfile.ZipFile(target / "xxgk-datapackage.zip", "w", compression=zipfile.ZIP_DEFLATED) as z:
            for f in sorted(p for p in self.package.rglob("*") if p.is_file() and not p.name.startswith(".")):
                info = zipfile.ZipInfo(f"xxgk-datapackage/{f.relative_to(self.package).as_posix()}", date_time=(2020, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, f.read_bytes())

    # source pages ----------------------------------------------------------------------------
    def source_page(self, report: dict) -> None:
        """The report's text as the parser numbers its lines, and a page that shows it with one
        anchor per line, so every figure links to the line it was read from; beside them, the
        original file's bytes for download.

        - `sources/<name>.txt`: the text decoded as the parser decodes it (`read.decode`) and laid
          out by the parser's own line function (`read.source_text`): UTF-8 (with a byte-order
          mark, so that a browser opening it alone reads it right), one "\\n" after every line.
          Line n of it is source_line n, whatever breaks the file used (CR, U+2028, form feed…) and
          whatever its encoding (UTF-16, GB18030…); the page's script splits on "\\n" only.
        - `sources/<name>.orig.txt`: the file's bytes as they are (SHA-256 as in the package),
          named .txt so that a served HTML report is shown as text, never run.

        A file the parser refused to decode, or that changed since the package was built, gets
        no source page (its figures then link nowhere)."""
        if self.corpus is None:
            return
        path = self.corpus / report["source_file"]
        try:
            data = path.read_bytes()
        except OSError:
            return
        if hashlib.sha256(data).hexdigest() != report["sha256"]:
            return  # the corpus changed since the package was built: do not show another text
        fmt = read.FORMATS.get(path.suffix.lower())
        if fmt is None:
            return
        try:
            text, _ = read.decode(data, html=fmt == "html")
        except read.ReadError:
            return
        rid = report["report_id"]
        name = file_name(rid)
        (self.out / "sources").mkdir(exist_ok=True)
        (self.out / "sources" / f"{name}.txt").write_bytes(b"\xef\xbb\xbf" + read.source_text(text).encode("utf-8"))
        (self.out / "sources" / f"{name}.orig.txt").write_bytes(data)
        agency = report["agency_name"] or "（未识别机关）"
        aid = self.agency_of.get(rid)
        back = f'<a href="{h(agency_href(aid))}">返回 {h(agency)}</a>' if aid else '<a href="../index.html">返回首页</a>'
        # A small page: the script shows the text's lines (one anchor each) from the .txt beside it.
        page = f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>源文件：{h(agency)} {h(report["year"])} · {h(report["source_file"])}</title>
<link rel="stylesheet" href="../stylesheets/source.css"><script src="../javascripts/source.js"></script></head>
<body data-file="{h(name)}.txt"><header><p>{back} · <a href="{h(name)}.orig.txt" download>下载原始文件</a> · <a href="{h(name)}.txt">纯文本（UTF-8）</a> · <a href="../index.html">首页</a></p>
<h1>{h(report["title"] or report["source_file"])}</h1>
<p class="meta">源文件 <code>{h(report["source_file"])}</code> · SHA-256 <code>{h(report["sha256"])}</code>（原始文件） · 原始编码 {h(report["encoding"])}
{f' · 原文链接 <span class="url">{h(report["source_url"])}</span>' if report["source_url"] else ""}</p>
<p class="meta">每一行左侧是行号，与解析程序的行号相同；本站表格中的每个数字都链接到它所在的行。本页以 UTF-8 显示原文；原始文件按原样提供下载。</p></header>
<main class="src" id="src"><noscript>显示行号需要 JavaScript；可以<a href="{h(name)}.txt">直接打开纯文本</a>。</noscript></main></body></html>
"""
        (self.out / "sources" / f"{name}.html").write_text(page, encoding="utf-8")
        self.published_sources.add(rid)

    # agency pages ----------------------------------------------------------------------------
    def agency_page(self, aid: str, previous_key: str | None = None) -> str:
        """Write the agency's CSV and, unless the page made from the same rows is there already,
        its page (as HTML for `xxgk render`). Returns the digest of what the page is made from."""
        agency = self.agencies[aid]
        reports = self.by_agency.get(aid, [])  # counted reports only
        others = self.secondary_by_agency.get(aid, [])  # another file of one of its years: a note, not counted
        facts_by_report = {r["report_id"]: self.pub.facts(r["report_id"]) for r in reports}
        for rid, facts in facts_by_report.items():
            self.figures(rid, facts)
        self.write_agency_csv(aid, reports, facts_by_report)
        fragment = self.fragments / f"{file_name(aid)}.html"
        # a report's figures follow from its file (report_id, sha256) and the parser that read it
        figures = self.pub.descriptor.get("x_parser_digest") or [sorted(f.items()) for f in facts_by_report.values()]
        key = _digest([pages_version(), figures, agency, reports, others, [self.pub.checks.get(r["report_id"], []) for r in reports + others],
                       [r["report_id"] in self.published_sources for r in reports + others]])
        self.pages += 1
        if key == previous_key and fragment.exists():
            self.reused += 1
            return key
        years = sorted({r["year"] for r in reports if r["year"]})
        out = ['<div class="xxgk-meta">']
        kind = TYPE_LABELS.get(agency.get("agency_type", ""), "")
        level = LEVEL_LABELS.get(agency.get("level", ""), "")
        if kind or level:
            out.append(f"<p>{h(' · '.join(x for x in (level, kind) if x))}</p>")
        if "；" in (agency.get("names") or ""):
            out.append(f"<p>各年报告中印出的名称：{h(agency['names'])}</p>")
        if agency.get("region_status") == "resolved":
            place = " ".join(x for x in (agency["province"], agency["prefecture"] if agency["prefecture"] != agency["province"] else "", agency["county"]) if x)
            codes = agency["county_code"] or agency["prefecture_code"] or agency["province_code"]
            how = {"corrected": "（名称中有一个形近字与行政区划名称不同，按行政区划确定）", "context": "（依据报告中的其他信息确定）",
                   "override": "（人工指定，见代码库中的说明）"}.get(agency["region_evidence"], "")
            out.append(f'<p>所在地区：<a href="{h(region_href(agency["province_code"]))}">{h(place)}</a>（行政区划代码 {h(codes)}）{h(how)}</p>')
        elif agency.get("region_status") == "ambiguous":
            out.append("<p>所在地区：机关名称对应多个行政区划，无法确定（见检查结果）</p>")
        out.append(f"<p>报告年度：{h('、'.join(map(str, years)) or '—')} · 报告 {len(reports)} 份 · 机关编号 <code>{h(aid)}</code></p>")
        out.append(f'<p><a href="{h(file_name(aid))}.csv" download>下载本机关全部数字（CSV，Excel 可直接打开）</a></p>')
        out.append("</div>")
        with_requests = [r for r in reports if r["year"] and any(k[0] == "requests" for k in facts_by_report[r["report_id"]])]
        if len({r["year"] for r in with_requests}) >= 2:
            points = []
            for r in with_requests:
                f = self.figures(r["report_id"])
                for series, v in (("本年新收申请", f.new), ("办理总计", f.handled), ("行政复议", f.review), ("行政诉讼", f.litigation)):
                    if v is not None:
                        points.append((str(r["year"]), series, v))
            out += ['<h2 id="trend">历年变化</h2>', render_chart(trend("trend", "历年申请、复议和诉讼", f"{agency['name']}各年度报告中的本年新收申请、办理总计、行政复议和行政诉讼件数", points), aid)]
        placed = set()
        for r in sorted(reports, key=lambda r: (r["year"] or 0, r["source_file"]), reverse=True):
            notes = [o for o in others if superseded_by(o) == r["report_id"]]
            placed.update(o["report_id"] for o in notes)
            out += self.report_section(aid, r, facts_by_report[r["report_id"]], notes)
        unplaced = [o for o in others if o["report_id"] not in placed]
        if unplaced:  # a primary that is not among this agency's reports: still say the file exists
            out += ['<h2 id="other-files">其他文件</h2>', *self.secondary_notes(unplaced)]
        tmp = fragment.with_name(f".{fragment.name}.tmp")
        tmp.write_text(h(agency["name"]) + "\n" + "\n".join(out) + "\n", encoding="utf-8")
        tmp.replace(fragment)
        return key

    def secondary_notes(self, others: list[dict]) -> list[str]:
        """A small note for each other file of a year: named, linked to its source page and its
        findings, and said not to be used."""
        out = []
        for o in sorted(others, key=lambda o: o["source_file"]):
            orid = o["report_id"]
            parts = [f"本年度另有一个文件 <code>{h(o['source_file'])}</code>，未采用（不计入本站任何统计）"]
            codes = sorted({f["code"] for f in self.pub.checks.get(orid, []) if not f["section"]})
            if orid in self.pub.checks:
                label = "、".join(f"<code>{h(c)}</code>" for c in codes) or "全部"
                parts.append(f'<a href="../quality.html#q-{h(orid)}">见检查结果</a>（{label}）')
            if orid in self.published_sources:
                parts.append(f'<a href="{h(source_href(orid))}">源文件（带行号）</a>')
            out.append(f'<p class="xxgk-secondary" id="r-{h(orid)}"><small>{" · ".join(parts)}</small></p>')
        return out

    def report_section(self, aid: str, r: dict, facts: dict, others: list[dict] = ()) -> list[str]:
        rid = r["report_id"]
        findings = self.pub.checks.get(rid, [])
        source = source_href(rid) if rid in self.published_sources else None
        year = r["year"] or "年度不详"
        out = [f'<h2 id="r-{h(rid)}">{h(year)} 年度报告</h2>']
        out += self.secondary_notes(list(others))
        links = []
        if source:
            links.append(f'<a href="{h(source)}">源文件（带行号）</a>')
            links.append(f'<a href="{h(source_href(rid, ext=".orig.txt"))}" download>原始文件</a>')
        if r["source_url"]:
            links.append(f'原文链接 <span class="url">{h(r["source_url"])}</span>')
        out.append('<div class="xxgk-meta">')
        out.append(f"<p>{h(r['title'])}</p>")
        out.append(f"<p>格式版本 {h(r['template'] or '—')} · 解析状态 {h(r['status'])}"
                   + (f" · 发布日期 {h(r['publication_date'])}" if r["publication_date"] else "") + "</p>")
        if links:
            out.append("<p>" + " · ".join(links) + "</p>")
        out.append("</div>")
        serious = problems(findings)
        if findings:
            out.append(f'<div class="admonition {"warning" if serious else "info"}"><p class="admonition-title">检查结果（{len(findings)}）</p><ul>')
            for f in findings:
                where = "·".join(x for x in (f["section"], f["row"], f["column"]) if x)
                line = f' <a href="{h(source)}#L{h(f["source_line"])}">第{h(f["source_line"])}行</a>' if source and f["source_line"] else ""
                out.append(f'<li><code>{h(f["code"])}</code> {h(f["message"])}{f" <small>({h(where)})</small>" if where else ""}{line}</li>')
            out.append("</ul></div>")
        t = Tables(self.pub, r, facts, findings, source)
        if t.has("proactive"):
            out += ["<h3>二、主动公开政府信息情况</h3>", t.proactive()]
        if t.has("requests"):
            out += ["<h3>三、收到和处理政府信息公开申请情况</h3>", t.requests()]
            fig = self.figures(rid, facts)
            items = fig.outcomes
            if items:
                out += [render_chart(bar(f"outcomes-{rid}", f"{year}年申请的办理结果", outcomes_description(fig), items), aid)]
            items = fig.applicants
            if items:
                out += [render_chart(bar(f"applicants-{rid}", f"{year}年谁提出了申请", "本年新收申请按申请人类型的件数", items), aid)]
        if t.has("appeals"):
            out += ["<h3>四、政府信息公开行政复议、行政诉讼情况</h3>", t.appeals()]
            items = self.figures(rid, facts).appeals
            if items:
                out += [render_chart(bar(f"appeals-{rid}", f"{year}年行政复议和行政诉讼", "各类复议、诉讼结果的件数，数字取自报告第四部分", items), aid)]
        return out

    def write_agency_csv(self, aid: str, reports: list[dict], facts_by_report: dict) -> None:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["year", "report_id", "section", "row", "column", "value", "status", "evidence", "printed", "source_file", "source_line"])
        for r in reports:
            for (section, row, column), f in facts_by_report[r["report_id"]].items():
                w.writerow([r["year"], r["report_id"], section, row, column, fmt(f["value"]), f["status"], f["evidence"] or "",
                            f["printed"] or "", r["source_file"], f["source_line"] or ""])
        path = self.out / "agencies" / f"{file_name(aid)}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))

    def agency_list(self) -> None:
        out = ["# 机关", "", f"共 {len(self.agencies)} 个机关。输入机关名称的一部分即可筛选。", "",
               '<div class="xxgk-filter" markdown="0"><input type="search" id="xxgk-filter" placeholder="输入机关名称筛选，例如：公安局" aria-label="筛选机关"></div>',
               "", '<div class="xxgk-table-wrap" markdown="0"><table id="xxgk-agencies" class="xxgk-list"><thead><tr><th>机关</th><th>报告年度</th><th>报告数</th></tr></thead><tbody>']
        for aid, a in sorted(self.agencies.items(), key=lambda kv: kv[1]["name"]):
            reports = self.by_agency.get(aid, [])
            years = sorted({r["year"] for r in reports if r["year"]})
            out.append(f'<tr><td><a href="{h(agency_href(aid))}">{h(a["name"])}</a></td><td>{h("、".join(map(str, years)))}</td><td class="num">{len(reports)}</td></tr>')
        out.append("</tbody></table></div>")
        self.write("agencies/index.md", "\n".join(out) + "\n")

    def regions(self) -> None:
        """Province pages: the province's agencies by prefecture and county, with their latest
        figures side by side (peers), and an index of provinces."""
        by_province: dict[tuple[str, str], list[dict]] = defaultdict(list)
        unplaced = []
        for a in self.agencies.values():
            if a.get("province_code"):
                by_province[(a["province_code"], a["province"])].append(a)
            else:
                unplaced.append(a)
        out = ["# 地区", "", "按行政区划浏览机关（省级 → 地级 → 县级）。地区由机关名称和报告内容确定，无法唯一确定的留空，不作猜测。", "",
               "| 省级 | 机关数 |", "| --- | ---: |"]
        for (code, name), agencies in sorted(by_province.items()):
            out.append(f"| [{esc(name)}]({file_name(code)}.md) | {len(agencies)} |")
        if unplaced:
            out.append(f"| 地区未能确定 | {len(unplaced)} |")
        self.write("regions/index.md", "\n".join(out) + "\n")
        for (code, name), agencies in sorted(by_province.items()):
            page = [f"# {esc(name)}", "", f"{len(agencies)} 个机关。同一地区的机关按最近一份报告的数字并列，比例都给出分母（办理总计）。", ""]
            groups: dict[str, list[dict]] = defaultdict(list)
            for a in agencies:
                groups[a["prefecture"] or "（省级）"].append(a)
            for prefecture, members in sorted(groups.items()):
                page += [f"## {esc(prefecture)}", "",
                         '<div class="xxgk-table-wrap" markdown="0"><table class="xxgk-list xxgk-sortable"><thead><tr><th>机关</th><th>县级</th><th>最近年度</th>'
                         "<th>办理总计</th><th>予以公开＋部分公开</th><th>比例</th><th>检查问题（错误和警告）</th></tr></thead><tbody>"]
                for a in sorted(members, key=lambda a: (a["county"] or "", a["name"])):
                    reports = [r for r in self.by_agency.get(a["agency_id"], []) if r["year"]]
                    latest = reports[-1] if reports else None
                    f = self.figures(latest["report_id"]) if latest else None
                    handled, granted = (f.handled, f.granted) if f else (None, None)
                    wrong = len(problems(self.pub.checks.get(latest["report_id"], []))) if latest else 0
                    page.append(f'<tr><td><a href="{h(agency_href(a["agency_id"]))}">{h(a["name"])}</a></td><td>{h(a["county"])}</td>'
                                f'<td>{h(latest["year"] if latest else "")}</td><td class="num">{fmt(handled)}</td><td class="num">{fmt(granted)}</td>'
                                f'<td class="num">{rate(granted, handled)}</td><td class="num">{wrong}</td></tr>')
                page += ["</tbody></table></div>", ""]
            self.write(f"regions/{file_name(code)}.md", "\n".join(page))

    # overview pages --------------------------------------------------------------------------
    def home(self) -> None:
        ov = self.pub.overview()
        def row(key: str, label: str, value, note: str = "") -> str:
            note = f'<br><small>{note}</small>' if note else ""
            cls = ' class="num"' if isinstance(value, (int, float)) or key in ("handled", "outcome-sum") else ""
            return f'<tr data-figure="{key}"><th scope="row">{label}{note}</th><td{cls}>{h(value)}</td></tr>'

        dropped = []
        if ov.not_counted["duplicate"]:
            dropped.append(f"{ov.not_counted['duplicate']} 个与另一文件内容完全相同")
        if ov.not_counted["superseded"]:
            dropped.append(f"{ov.not_counted['superseded']} 个是同一机关同一年度的另一份文件")
        rows = [row("reports", "报告", ov.reports,
                    f"语料库共 {ov.files} 个文件，其中{'、'.join(dropped)}，不计入本站任何统计" if dropped else ""),
                row("agencies", "机关", ov.agencies),
                row("years", "年度", "、".join(map(str, sorted(ov.years))) or "—"),
                row("handled", "办理总计", fmt(ov.handled) or "—",
                    f"各报告第三部分印出的“（七）总计”（总计列）相加，{ov.handled_reports} 份报告印出了这一格"),
                row("outcome-sum", "办理结果各项之和", fmt(ov.outcome_sum) or "—",
                    "各报告逐项印出的办理结果（总计列）相加，即下方“办理结果”图各条之和"),
                row("findings", "检查发现的问题", ov.findings, "计入统计的报告的检查结果，见数据质量")]
        if ov.disagreeing:
            explain = (f"“办理总计”和“办理结果各项之和”按模板应当相等，但不是同一个数：有 {ov.disagreeing} 份报告印出的总计与其各项办理结果之和不符"
                       "（报告自身的勾稽关系有误，或某些数字无法确定而未发布），本站照印出的数字相加，不作修正。见[数据质量](quality.md)。")
        else:
            explain = "“办理总计”和“办理结果各项之和”在每份报告中都相等。"
        out = [
            "# 政府信息公开工作年度报告数据", "",
            "各级行政机关每年都要发布《政府信息公开工作年度报告》，其中的统计表格（主动公开、依申请公开的办理结果、"
            "行政复议和行政诉讼）分散在各政府网站的网页、PDF 和文本中。本站把这些数字整理成可下载、可核对的开放数据："
            "每个数字都链接到它在源文件中的那一行，每份报告的勾稽关系都经过检查，检查结果同样公开，数字本身从不被“修正”。", "",
            '<form class="xxgk-search-form" action="search.html" method="get" markdown="0"><input type="search" name="q" placeholder="输入机关名称查找，例如：公安局" aria-label="查找机关"><button type="submit">查找</button></form>', "",
            "## 数据概况", "",
            '<div class="xxgk-table-wrap" markdown="0"><table class="xxgk-list xxgk-overview"><thead><tr><th>项目</th><th>数量</th></tr></thead><tbody>',
            *rows, "</tbody></table></div>", "", explain, "",
            "## 各年度报告数", "",
            render_chart(bar("years", "各年度的报告数", "每个报告年度计入统计的报告份数（每个机关每年一份）", [(str(y), n) for y, n in sorted(ov.years.items())], unit="报告数"), "home"),
        ]
        if ov.outcomes:
            out.append(render_chart(bar("outcomes", "全部报告中申请的办理结果",
                                        f"各报告第三部分逐项印出的办理结果（总计列）相加；各条合计 {fmt(ov.outcome_sum)} 件，即上表的“办理结果各项之和”",
                                        list(ov.outcomes.items())), "home"))
        if ov.applicants:
            out.append(render_chart(bar("applicants", "全部报告中本年新收申请的申请人类型",
                                        f"各报告“本年新收政府信息公开申请数量”按申请人类型相加（合计 {fmt(total(ov.applicants.values()))} 件）；这是收到的申请，不是办理的申请",
                                        list(ov.applicants.items())), "home"))
        out += ["## 解析状态", "", "| 状态 | 报告数 |", "| --- | ---: |", *[f"| {esc(s)} | {n} |" for s, n in sorted(ov.statuses.items())], ""]
        if dropped:
            out += [f"另有 {ov.files - ov.reports} 个文件未计入：{'；'.join(dropped)}（各机关页面在相应年度下注明）。", ""]
        out += ["更多：[全部机关](agencies/index.md) · [地区](regions/index.md) · [比较](rankings.md) · [数据质量](quality.md) · [下载数据](downloads.md) · [数据字典](dictionary.md) · [关于](about.md)", ""]
        self.write("index.md", "\n".join(out))

    def rankings(self) -> None:
        rows = []
        for r in self.pub.counted:
            if not r["agency_id"] or not r["year"]:
                continue
            f = self.figures(r["report_id"])
            if f.handled is None or f.handled < MIN_RANKED:
                continue
            rows.append((r, f))
        out = ["# 比较", "",
               f"只比较办理申请不少于 {MIN_RANKED} 件的报告：件数太少时，比例没有意义。每个比例都同时给出分子和分母（办理总计，即报告印出的“（七）总计”）。"
               "表格按机关名称排列，点击表头可按该列排序；本页不列“最差十名”，因为各机关收到的申请在数量和性质上差别很大。", ""]
        if not rows:
            out.append(f"目前没有办理申请达到 {MIN_RANKED} 件的报告。")
        else:
            out += ['<div class="xxgk-table-wrap" markdown="0"><table class="xxgk-list xxgk-sortable"><thead><tr><th>机关</th><th>年度</th><th>办理总计</th>'
                    "<th>予以公开＋部分公开</th><th>比例</th><th>不予公开</th><th>比例</th><th>本机关不掌握</th><th>比例</th></tr></thead><tbody>"]
            for r, f in sorted(rows, key=lambda x: (x[0]["agency_name"] or "", x[0]["year"])):
                out.append(f'<tr><td><a href="{h(agency_href(r["agency_id"], ""))}#r-{h(r["report_id"])}">{h(r["agency_name"])}</a></td><td>{h(r["year"])}</td>'
                           f'<td class="num">{fmt(f.handled)}</td><td class="num">{fmt(f.granted)}</td><td class="num">{rate(f.granted, f.handled)}</td>'
                           f'<td class="num">{fmt(f.denied)}</td><td class="num">{rate(f.denied, f.handled)}</td><td class="num">{fmt(f.not_held)}</td><td class="num">{rate(f.not_held, f.handled)}</td></tr>')
            out.append("</tbody></table></div>")
        self.write("rankings.md", "\n".join(out) + "\n")

    def quality(self) -> None:
        pub = self.pub
        codes = {c["code"]: c for c in pub.codes if c["kind"] == "finding"}
        counts = pub.overview().findings_by_code
        reports = {r["report_id"]: r for r in pub.reports}
        out = ["# 数据质量", "",
               "每份报告都经过检查：报告自身的勾稽关系（第一项加第二项之和等于第三项加第四项之和、总计行、总计列、复议诉讼总计），"
               "以及无法读取的文件、缺失的部分和行、无法确定的连写数字。检查只指出问题，从不修改报告中的数字。", "",
               "## 问题类型", "", "计入统计的报告中各类问题的次数（合计即首页的“检查发现的问题”）；未计入的文件（重复文件、同一机关同一年度的另一份文件）的检查结果列在本页末尾。", "",
               "| 代码 | 严重程度 | 含义 | 次数 |", "| --- | --- | --- | ---: |"]
        for (code, sev), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            out.append(f"| `{esc(code)}` | {esc(sev)} | {esc(codes.get(code, {}).get('label_zh', ''))} | {n} |")
        order = sorted(pub.checks, key=lambda rid: (reports[rid]["agency_name"] or "", reports[rid]["year"] or 0, reports[rid]["source_file"]))
        main = [rid for rid in order if counted(reports[rid])]
        rest = [rid for rid in order if not counted(reports[rid])]
        out += ["", "## 各报告的问题", "", "下列每个问题都给出应有的值（按勾稽关系）和报告中印出的值，并链接到源文件的相应行。", ""]
        for rid in main:
            out += self.quality_entry(reports[rid])
        if rest:
            out += ["## 未计入的文件", "", "这些文件与另一文件内容相同，或是同一机关同一年度的另一份文件：它们的数字保留在数据包中作为佐证，但不计入本站任何统计。", ""]
            for rid in rest:
                out += self.quality_entry(reports[rid])
        self.write("quality.md", "\n".join(out) + "\n")

    def quality_entry(self, r: dict) -> list[str]:
        rid = r["report_id"]
        rank = {"error": 0, "warning": 1, "info": 2}
        fs = sorted(self.pub.checks[rid], key=lambda f: (rank.get(f["severity"], 3), int(f["finding_id"])))
        name = r["agency_name"] or "（未识别机关）"
        aid = self.agency_of.get(rid)
        title = f'<a href="{h(agency_href(aid, ""))}#r-{h(rid)}">{h(name)}</a>' if aid else h(name)
        source = source_href(rid, "") if rid in self.published_sources else None
        primary = superseded_by(r)
        note = f" <small>（未采用：本年度采用的是 <code>{h(primary)}</code>）</small>" if primary else ""
        out = [f'<h3 id="q-{h(rid)}">{title} · {h(r["year"] or "年度不详")} <small><code>{h(r["source_file"])}</code></small>{note}</h3>',
               '<div class="xxgk-table-wrap" markdown="0"><table class="xxgk-list"><thead><tr><th>代码</th><th>严重程度</th><th>位置</th><th>说明</th><th>应为</th><th>实为</th><th>源文件</th></tr></thead><tbody>']
        for f in fs:
            where = "·".join(x for x in (f["section"], f["row"], f["column"]) if x)
            link = f'<a href="{h(source)}#L{h(f["source_line"])}">第{h(f["source_line"])}行</a>' if source and f["source_line"] else (f'<a href="{h(source)}">查看</a>' if source else "")
            out.append(f'<tr><td><code>{h(f["code"])}</code></td><td>{h(f["severity"])}</td><td>{h(where)}</td><td>{h(f["message"])}</td>'
                       f'<td>{h(f["expected"])}</td><td>{h(f["found"])}</td><td>{link}</td></tr>')
        return out + ["</tbody></table></div>", ""]

    def dictionary(self) -> None:
        d = self.pub.descriptor
        out = ["# 数据字典", "", "本页由数据包的表结构（`datapackage.json`）和代码表（codebook）自动生成。", ""]
        for res in d["resources"]:
            out += [f"## `{esc(res['name'])}` · {esc(res['title'])}", "", esc(res["description"]), "",
                    "| 字段 | 中文名 | 类型 | 说明 | 取值 |", "| --- | --- | --- | --- | --- |"]
            for f in res["schema"]["fields"]:
                enum = f.get("constraints", {}).get("enum")
                values = "、".join(f"`{esc(v)}`" for v in enum if v) if enum and len(enum) <= 8 else ("见代码表" if enum else "")
                out.append(f"| `{esc(f['name'])}` | {esc(f['title'])} | {esc(f['type'])} | {esc(f['description'])} | {values} |")
            keys = res["schema"].get("primaryKey")
            if keys:
                out.append("")
                out.append(f"主键：{esc('、'.join(keys))}")
            out.append("")
        out += ["## 代码表", "", "行、列和问题代码的中英文名称（`codes` 表）。", ""]
        for kind, title in (("section", "部分"), ("row", "行"), ("column", "列"), ("group", "行组"), ("finding", "问题代码")):
            out += [f"### {title}", "", "| 部分 | 代码 | 中文名称 | English | 适用格式 |", "| --- | --- | --- | --- | --- |"]
            for c in self.pub.codes:
                if c["kind"] == kind:
                    out.append(f"| {esc(c['section'])} | `{esc(c['code'])}` | {esc(c['label_zh'])} | {esc(c['label_en'])} | {esc(c['template'] or c['severity'])} |")
            out.append("")
        self.write("dictionary.md", "\n".join(out))

    def downloads(self) -> None:
        d = self.pub.descriptor
        target = self.out / "data"
        lines = ["# 下载数据", "",
                 "全部数据是一个 [Frictionless 数据包](https://datapackage.org/)：每个表都有 CSV（UTF-8）和 Parquet 两种格式，"
                 "`datapackage.json` 描述每个字段的类型、中文名称和说明（见[数据字典](dictionary.md)）。", "",
                 f"- [整个数据包（zip）](data/xxgk-datapackage.zip)（{_size(target / 'xxgk-datapackage.zip')}）",
                 f"- [datapackage.json](data/datapackage.json)（{_size(target / 'datapackage.json')}）", "",
                 "| 表 | 说明 | 行数 | CSV | Excel/WPS 用 CSV（带 BOM） | Parquet |", "| --- | --- | ---: | --- | --- | --- |"]
        for res in d["resources"]:
            name = res["name"]
            lines.append(f"| `{name}` | {esc(res['title'])}：{esc(res['description'])} | {res.get('x_rows', '')} "
                         f"| [{name}.csv](data/data/{name}.csv) ({_size(target / 'data' / f'{name}.csv')}) | [{name}.csv](data/excel/{name}.csv) "
                         f"| [{name}.parquet](data/data/{name}.parquet) ({_size(target / 'data' / f'{name}.parquet')}) |")
        lines += ["", "直接用 Excel 或 WPS 打开 CSV 时，请使用“Excel/WPS 用 CSV”一列的文件（UTF-8 带 BOM），中文才能正常显示。"
                  "每个机关页面还提供该机关全部数字的 CSV。", "",
                  "## 用法示例", "", "Python（pandas）：", "", "```python", "import pandas as pd",
                  "facts = pd.read_parquet(\"facts.parquet\")", "reports = pd.read_csv(\"reports.csv\")",
                  "new = facts.query(\"section == 'requests' and row == 'new' and column == 'total'\")",
                  "print(new.merge(reports, on=\"report_id\")[[\"agency_name\", \"year\", \"value\"]])", "```", "",
                  "R（arrow）：", "", "```r", "library(arrow)", "facts <- read_parquet(\"facts.parquet\")",
                  "subset(facts, section == \"requests\" & row == \"total\" & column == \"total\")", "```", "",
                  "DuckDB：", "", "```sql", "SELECT r.agency_name, r.year, f.value", "FROM 'facts.parquet' f JOIN 'reports.csv' r USING (report_id)",
                  "WHERE f.section = 'requests' AND f.row = 'new' AND f.column = 'total';", "```", "",
                  "## 许可与引用", "",
                  "数据以 [CC BY 4.0](https://creativecommons.org/licenses/by/4.0/) 许可发布。原始报告由各行政机关公开发布，"
                  "`reports.source_url` 记录原文网址（如有）。引用示例：", "",
                  f"> xxgk：政府信息公开工作年度报告数据，数据包版本 {esc(d.get('version', ''))}。", ""]
        self.write("downloads.md", "\n".join(lines))

    def search(self) -> None:
        # each agency: its name, the link to its page (from the top of the site), its years
        index = [[a["name"], agency_href(aid, ""), "、".join(map(str, sorted({r["year"] for r in self.by_agency.get(aid, []) if r["year"]})))]
                 for aid, a in sorted(self.agencies.items())]
        (self.out / "search-index.json").write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        self.write("search.md", "# 查找机关\n\n输入机关名称的任意一部分（例如“武江”“公安局”）。\n\n"
                   '<div class="xxgk-search" markdown="0"><input type="search" id="xxgk-search" placeholder="输入机关名称" aria-label="查找机关" autofocus>'
                   '<p id="xxgk-search-status" aria-live="polite"></p><ul id="xxgk-results"></ul></div>\n')


KEYS = ".keys.json"  # beside the agency fragments: the digest each was made from


@functools.cache
def pages_version() -> str:
    """What an agency page is made by besides its rows: the parser (its figures and findings) and
    every source file of the site."""
    from importlib import resources

    from ..package.cache import parser_version

    h = hashlib.sha256(parser_version().encode())
    for item in sorted(resources.files("xxgk.site").iterdir(), key=lambda p: p.name):
        if item.is_file() and item.name.endswith((".py", ".yaml")):
            h.update(item.name.encode() + b"\0" + item.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


def _read_keys(path: Path) -> dict:
    try:
        keys = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return keys if isinstance(keys, dict) else {}


def fragments_dir(pages: Path) -> Path:
    """Where the agency pages' HTML waits for the rendered template (beside the pages, outside
    MkDocs' docs_dir so it is never copied into the site as it is)."""
    pages = Path(pages)
    return pages.with_name(pages.name + "-agencies")


def render_agencies(site: Path, pages: Path = paths.SITE_DOCS) -> int:
    """Write each agency's page into the rendered site through the theme's own rendering of the
    template page: the same header, navigation, styles and scripts as every other page."""
    site, fragments = Path(site), fragments_dir(pages)
    template_path = site / "agencies" / f"{TEMPLATE_PAGE}.html"
    template = template_path.read_text(encoding="utf-8")
    if template.count(CONTENT_MARK) != 1:
        raise ValueError(f"{template_path} does not hold the agency content mark once")
    before, after = template.split(CONTENT_MARK)
    written = 0
    for fragment in sorted(fragments.glob("*.html")):
        if fragment.stem in RESERVED_NAMES:  # file_name() never makes one: a stray file, not an agency's page
            raise ValueError(f"{fragment} would overwrite a page of the site")
        title, body = fragment.read_text(encoding="utf-8").split("\n", 1)  # the title is escaped already
        page = before.replace(TITLE_MARK, title) + body + after.replace(TITLE_MARK, title)
        (site / "agencies" / fragment.name).write_text(page, encoding="utf-8")
        written += 1
    template_path.unlink()
    for sitemap in (site / "sitemap.xml",):
        if sitemap.exists():
            text = sitemap.read_text(encoding="utf-8")
            text = re.sub(r"\s*<url>\s*<loc>[^<]*agencies/" + re.escape(TEMPLATE_PAGE) + r"\.html</loc>.*?</url>", "", text, flags=re.S)
            sitemap.write_text(text, encoding="utf-8")
    return written


def vendor_vega(target: Path) -> None:
    """Vega, Vega-Lite and vega-embed in one file, bundled from the vl-convert package (no CDN)."""
    import vl_convert

    version = getattr(vl_convert, "__version__", "") or "bundle"
    cache = paths.BUILD / "vendor" / f"vega-{version}.js"
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp")
        tmp.write_text(vl_convert.javascript_bundle(), encoding="utf-8")
        tmp.replace(cache)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cache, target)


def write_pages(package: Path = paths.PACKAGE, out: Path = paths.SITE_DOCS, corpus: Path | None = paths.CORPUS,
                sources: Path = paths.DOCS) -> Site:
    site = Site(package, out, corpus, sources)
    site.build()
    return site
