"""The page generator: reads only the published data package and writes the site's Markdown.

Every string that comes from a report (agency names, titles, text) is escaped before it reaches
Markdown or HTML.
"""

from __future__ import annotations

import csv
import html
import json
import shutil
import zipfile
from collections import Counter
from pathlib import Path

from . import paths

_MD_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]()#+!|~>"})


def esc(text) -> str:
    """Safe inside Markdown text and table cells: HTML-escaped, Markdown syntax neutralised."""
    s = "" if text is None else str(text)
    s = html.escape(s.replace("\r", " ").replace("\n", " "), quote=True)
    return s.translate(_MD_SPECIAL)


def read_resource(package: Path, name: str) -> list[dict]:
    with open(package / "data" / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _copy_package(package: Path, target: Path) -> None:
    """Publish the package with the site: as it is, as one zip, and as CSV with a BOM for Excel/WPS."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(package, target)
    excel = target / "excel"
    excel.mkdir()
    for csv_path in sorted((package / "data").glob("*.csv")):
        (excel / csv_path.name).write_bytes(b"\xef\xbb\xbf" + csv_path.read_bytes())
    zip_path = target / "xxgk-datapackage.zip"
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for f in sorted(p for p in package.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"xxgk-datapackage/{f.relative_to(package).as_posix()}", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, f.read_bytes())


def _size(path: Path) -> str:
    n = path.stat().st_size
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


def _home(package: Path, descriptor: dict) -> str:
    reports = read_resource(package, "reports")
    agencies = read_resource(package, "agencies")
    checks = read_resource(package, "checks")
    years = Counter(r["year"] for r in reports if r["year"])
    statuses = Counter(r["status"] for r in reports)
    figures = sum(int(r["facts"] or 0) for r in reports)
    lines = [
        "# 政府信息公开工作年度报告数据",
        "",
        "各级行政机关每年都要发布《政府信息公开工作年度报告》，其中的统计表格（主动公开、依申请公开的办理结果、"
        "行政复议和行政诉讼）分散在各政府网站的网页、PDF 和文本中。本站把这些数字整理成可下载、可核对的开放数据：",
        "每个数字都注明来源文件和行号，每份报告的勾稽关系都经过检查，检查结果同样公开，数字本身从不被“修正”。",
        "",
        "## 数据概况",
        "",
        "| 项目 | 数量 |",
        "| --- | ---: |",
        f"| 报告 | {len(reports)} |",
        f"| 机关 | {len(agencies)} |",
        f"| 年度 | {esc(', '.join(sorted(years)) or '—')} |",
        f"| 数字（facts 行数） | {figures} |",
        f"| 检查发现的问题 | {len(checks)} |",
        "",
        "## 各年度报告数",
        "",
        "| 年度 | 报告数 |",
        "| --- | ---: |",
        *[f"| {esc(y)} | {n} |" for y, n in sorted(years.items())],
        "",
        "## 解析状态",
        "",
        "| 状态 | 报告数 |",
        "| --- | ---: |",
        *[f"| {esc(s)} | {n} |" for s, n in sorted(statuses.items())],
        "",
        "## 报告列表",
        "",
        "| 机关 | 年度 | 格式版本 | 状态 | 源文件 |",
        "| --- | ---: | --- | --- | --- |",
    ]
    for r in sorted(reports, key=lambda r: (r["agency_name"], r["year"], r["source_file"])):
        lines.append(f"| {esc(r['agency_name']) or '（未识别）'} | {esc(r['year'])} | {esc(r['template'])} | {esc(r['status'])} | `{html.escape(r['source_file'])}` |")
    lines += ["", f"数据包版本 {esc(descriptor.get('version', ''))}，[下载数据](downloads.md)。", ""]
    return "\n".join(lines)


def _downloads(target: Path, descriptor: dict) -> str:
    lines = [
        "# 下载数据",
        "",
        "全部数据是一个 [Frictionless 数据包](https://datapackage.org/)：每个表都有 CSV（UTF-8）和 Parquet 两种格式，"
        "`datapackage.json` 描述每个字段的类型、中文名称和说明。",
        "",
        f"- [整个数据包（zip）](data/xxgk-datapackage.zip)（{_size(target / 'xxgk-datapackage.zip')}）",
        f"- [datapackage.json](data/datapackage.json)（{_size(target / 'datapackage.json')}）",
        "",
        "| 表 | 说明 | 行数 | CSV | Excel/WPS 用 CSV（带 BOM） | Parquet |",
        "| --- | --- | ---: | --- | --- | --- |",
    ]
    for res in descriptor["resources"]:
        name = res["name"]
        lines.append(
            f"| `{name}` | {esc(res['title'])}：{esc(res['description'])} | {res.get('x_rows', '')} "
            f"| [{name}.csv](data/data/{name}.csv) ({_size(target / 'data' / f'{name}.csv')}) "
            f"| [{name}.csv](data/excel/{name}.csv) "
            f"| [{name}.parquet](data/data/{name}.parquet) ({_size(target / 'data' / f'{name}.parquet')}) |")
    lines += [
        "",
        "直接用 Excel 或 WPS 打开 CSV 时，请使用“Excel/WPS 用 CSV”一列的文件（UTF-8 带 BOM），中文才能正常显示。",
        "",
        "## 用法示例",
        "",
        "```python",
        "import pandas as pd",
        "facts = pd.read_parquet(\"facts.parquet\")",
        "reports = pd.read_csv(\"reports.csv\")",
        "new = facts.query(\"section == 'requests' and row == 'new' and column == 'total'\")",
        "print(new.merge(reports, on=\"report_id\")[[\"agency_name\", \"year\", \"value\"]])",
        "```",
        "",
        "```r",
        "library(arrow)",
        "facts <- read_parquet(\"facts.parquet\")",
        "subset(facts, section == \"requests\" & row == \"total\" & column == \"total\")",
        "```",
        "",
        "```sql",
        "-- DuckDB",
        "SELECT r.agency_name, r.year, f.value",
        "FROM 'facts.parquet' f JOIN 'reports.csv' r USING (report_id)",
        "WHERE f.section = 'requests' AND f.row = 'new' AND f.column = 'total';",
        "```",
        "",
        "## 许可与引用",
        "",
        "数据以 [CC BY 4.0](https://creativecommons.org/licenses/by/4.0/) 许可发布。原始报告由各行政机关公开发布，"
        "`reports.source_url` 记录原文网址（如有）。引用示例：",
        "",
        f"> xxgk：政府信息公开工作年度报告数据，版本 {esc(descriptor.get('version', ''))}。",
        "",
    ]
    return "\n".join(lines)


def write_pages(package: Path = paths.PACKAGE, docs: Path = paths.DOCS) -> int:
    package, docs = Path(package), Path(docs)
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    docs.mkdir(parents=True, exist_ok=True)
    target = docs / "data"
    _copy_package(package, target)
    (docs / "index.md").write_text(_home(package, descriptor), encoding="utf-8")
    (docs / "downloads.md").write_text(_downloads(target, descriptor), encoding="utf-8")
    return 2
