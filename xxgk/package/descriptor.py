"""The package's descriptor (datapackage.json): each resource's path, schema, size and hashes of its
CSV and Parquet files, the licence, the sources, and the versions of the codebook and parser."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .. import __version__
from ..codebook import load
from .cache import parser_version
from .schema import RESOURCE_INFO
from .tables import ORDER, TableWriter


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_descriptor(folder: Path, writers: dict[str, TableWriter], sch: dict) -> None:
    cb = load()
    resources = []
    for name in ORDER:
        w = writers[name]
        title, description = RESOURCE_INFO[name]
        resources.append({
            "name": name,
            "title": title,
            "description": description,
            "path": f"data/{name}.csv",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": w.csv_path.stat().st_size,
            "hash": f"sha256:{w.csv_hash.hexdigest()}",
            "dialect": {"header": True, "delimiter": ","},
            "schema": sch[name],
            "x_rows": w.rows,
            "x_parquet": {"path": f"data/{name}.parquet", "bytes": w.parquet_path.stat().st_size,
                          "hash": f"sha256:{_sha256(w.parquet_path)}"},
        })
    descriptor = {
        "name": "xxgk-annual-reports",
        "title": "政府信息公开工作年度报告数据 (xxgk)",
        "description": ("中国各级行政机关政府信息公开工作年度报告中的统计表格（主动公开、依申请公开、行政复议和行政诉讼）、"
                        "正文及其核对结果。每个数字都注明来源文件和行号。Figures, narrative text and arithmetic checks "
                        "of China's government information-disclosure annual reports, each figure traced to its source line."),
        "version": __version__,
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                      "title": "Creative Commons Attribution 4.0"}],
        "sources": [{"title": "各级行政机关在其政府网站公开发布的政府信息公开工作年度报告",
                     "description": "Annual reports published by each agency on its government website; reports.source_url gives the page when recorded."}],
        "keywords": ["政府信息公开", "年度报告", "open government", "China", "FOI"],
        "x_codebook_version": cb.version,
        "x_codebook_digest": cb.digest,
        "x_parser_version": __version__,
        "x_parser_digest": parser_version(),  # of the parser's source files and codebook: the same digest, the same rows
        "resources": resources,
    }
    text = json.dumps(descriptor, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    (folder / "datapackage.json").write_text(text, encoding="utf-8")
