"""Benchmark of the agency search at scale: our chunked index (`xxgk/site/search.py`, queried by
the site's own `docs/javascripts/search.js` under node) against Pagefind, on N synthetic agencies
with real region names and codes (the region table the parser resolves names with) and the usual
department names, plus the agencies of the four kinds of query.

For each N: the index's build time, files and bytes (raw and gzip), and for each query the bytes a
first visit fetches (manifest included) and the first result. With --pagefind CMD (e.g.
"/path/venv/bin/python -m pagefind"), also Pagefind over N minimal HTML pages (name and region):
its build time, bundle bytes, and the bytes the browser fetches (Debian chromium) to show a
query's first 10 results.

    .venv/bin/python scripts/bench_search.py [--sizes 10000 100000] [--pagefind CMD] [--keep DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
import os
import random
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xxgk.identify.agency import agency_slug
from xxgk.identify.region import index as region_index
from xxgk.site import search

CHROMIUM = os.environ.get("XXGK_CHROMIUM", "/usr/bin/chromium")
BODIES = ("人民政府", "人民政府办公室", "发展和改革局", "教育局", "科学技术局", "工业和信息化局", "公安局", "民政局", "司法局", "财政局",
          "人力资源和社会保障局", "自然资源局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化广电和旅游局",
          "卫生健康委员会", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局", "城市管理局", "信访局",
          "林业局", "行政审批服务局", "生态环境分局")
TOWNS = ("城关", "东城", "西城", "南关", "北街", "新华", "人民路", "解放路", "龙门", "开元", "太平", "长安", "东风", "胜利", "和平",
         "建设路", "文化路", "红旗", "永安", "石桥", "白沙", "青龙", "凤凰山")
QUERIES = (("in order", "平潭公安", "平潭县公安局"), ("region", "福建", None), ("pinyin", "pingtan", "平潭"),
           ("misprint", "瀍河", "灋河回族区城市管理局"), ("common word", "公安局", None))

NODE = """
const fs = require("fs"), zlib = require("zlib");
const { Searcher } = require(process.argv[2]);
const dir = process.argv[3];
(async () => {
  const out = [];
  for (const q of process.argv.slice(4)) {
    const files = [];
    const s = new Searcher(async (name) => { files.push(name); return JSON.parse(fs.readFileSync(dir + "/" + name)); });
    const t0 = Date.now();
    const r = await s.find(q);
    const raw = files.reduce((a, f) => a + fs.statSync(dir + "/" + f).size, 0);
    const gz = files.reduce((a, f) => a + zlib.gzipSync(fs.readFileSync(dir + "/" + f), { level: 6 }).length, 0);
    out.push({ q, files: files.length, raw, gz, ms: Date.now() - t0, total: r.total, complete: r.complete,
               first: r.hits.length ? r.hits[0].name : "", names: r.hits.map((h) => h.name) });
  }
  console.log(JSON.stringify(out));
})();
"""


def agencies(n: int, seed: int = 0) -> list[dict]:
    """N agencies as rows of the agencies table: the departments of real counties, prefectures and
    provinces (each name printed with its county, or its prefecture and county), street offices,
    and the agencies the queries look for (平潭县公安局, a 灋河 misprint of 瀍河回族区)."""
    rng = random.Random(seed)
    divisions = sorted(region_index(2023).divisions, key=lambda d: d.county_code)
    seen: set[str] = set()
    rows: list[dict] = []

    def add(name: str, d, level: str, aid: str | None = None) -> None:
        aid = aid or agency_slug(name if level != "county" or name.startswith(d.prefecture) else d.prefecture + name)
        if aid in seen:
            return
        seen.add(aid)
        codes = {"province": d.province, "province_code": d.province_code}
        if level in ("prefecture", "county"):
            codes |= {"prefecture": d.prefecture, "prefecture_code": d.prefecture_code}
        if level == "county":
            codes |= {"county": d.county, "county_code": d.county_code}
        rows.append({"agency_id": aid, "name": name, "names": name, **{k: "" for k in ("province", "province_code", "prefecture",
                     "prefecture_code", "county", "county_code")}, **codes})

    by_code = {d.county_code: d for d in divisions}
    add("平潭县公安局", by_code["350128"], "county")
    add("灋河回族区城市管理局", by_code["410304"], "county", "luo-yang-shi-chan-he-hui-zu-qu-cheng-shi-guan-li-ju")
    kinds = [(d, body) for d in divisions for body in BODIES] + [(d, town + "街道办事处") for d in divisions for town in TOWNS]
    rng.shuffle(kinds)
    for d, body in kinds:
        if len(rows) >= n:
            break
        roll = rng.random()
        if roll < 0.08:
            add(d.prefecture + body.replace("街道办事处", "局"), d, "prefecture")
        elif roll < 0.10:
            add(d.province + body.replace("局", "厅").replace("街道办事处", "厅"), d, "province")
        else:
            add((d.prefecture if roll < 0.5 else "") + d.county + body, d, "county")
    return rows[:n]


def tree_bytes(folder: Path) -> tuple[int, int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files), sum(len(gzip.compress(p.read_bytes(), 6)) for p in files)


def ours(rows: list[dict], work: Path) -> dict:
    years = {a["agency_id"]: "2023、2024" for a in rows}
    folder = work / "search"
    t0 = time.perf_counter()
    search.write(folder, rows, years)
    seconds = time.perf_counter() - t0
    files, raw, gz = tree_bytes(folder)
    manifest = (folder / "manifest.json").read_bytes()
    harness = work / "harness.js"
    harness.write_text(NODE, encoding="utf-8")
    result = subprocess.run(["node", str(harness), str(ROOT / "docs" / "javascripts" / "search.js"), str(folder), *(q for _, q, _ in QUERIES)],
                            capture_output=True, text=True, check=True)
    return {"seconds": seconds, "files": files, "raw": raw, "gz": gz, "manifest": len(manifest), "manifest_gz": len(gzip.compress(manifest, 6)),
            "queries": json.loads(result.stdout)}


@contextlib.contextmanager
def serve(directory: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


def pagefind(rows: list[dict], work: Path, command: str) -> dict:
    """Pagefind over one minimal page per agency (its name as the title, its region as text)."""
    site = work / "pf"
    (site / "agencies").mkdir(parents=True)
    for a in rows:
        region = "".join(dict.fromkeys(x for x in (a["province"], a["prefecture"], a["county"]) if x))
        (site / "agencies" / f"{a['agency_id']}.html").write_text(
            f'<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{a["name"]}</title></head>'
            f'<body><main data-pagefind-body><h1>{a["name"]}</h1><p>{region}</p></main></body></html>', encoding="utf-8")
    (site / "index.html").write_text('<!doctype html><html lang="zh"><head><meta charset="utf-8"></head><body>'
                                     '<script src="pagefind/pagefind.js" type="module"></script></body></html>', encoding="utf-8")
    t0 = time.perf_counter()
    subprocess.run([*shlex.split(command), "--site", str(site), "--quiet"], check=True)
    seconds = time.perf_counter() - t0
    files, raw, gz = tree_bytes(site / "pagefind")
    from playwright.sync_api import sync_playwright

    queries = []
    with serve(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        for _, q, _ in QUERIES:
            context = browser.new_context()
            page = context.new_page()
            sizes: list[int] = []
            page.on("requestfinished", lambda r, sizes=sizes: sizes.append(r.sizes()["responseBodySize"]) if "/pagefind/" in r.url else None)
            page.goto(f"{url}/index.html")
            found = page.evaluate("""async (q) => {
                const pf = await import('/pagefind/pagefind.js');
                const r = await pf.search(q);
                const top = await Promise.all(r.results.slice(0, 10).map(x => x.data()));
                return { total: r.results.length, first: top.length ? top[0].meta.title : '' };
            }""", q)
            page.wait_for_load_state("networkidle")
            fetched, files_fetched = sum(sizes), len(sizes)
            # whether the agency sought is among the first 200 (not counted in the bytes above)
            found["names"] = page.evaluate("""async (q) => {
                const pf = await import('/pagefind/pagefind.js');
                const r = await pf.search(q);
                return (await Promise.all(r.results.slice(0, 200).map(x => x.data()))).map(d => d.meta.title);
            }""", q)
            queries.append({"q": q, "raw": fetched, "files": files_fetched, **found})
            context.close()
        browser.close()
    return {"seconds": seconds, "files": files, "raw": raw, "gz": gz, "queries": queries}


def kb(n: float) -> str:
    return f"{n / 1024:,.0f} KB" if n < 10 * 2**20 else f"{n / 2**20:,.1f} MB"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--pagefind", help="the command that runs Pagefind, e.g. '/venv/bin/python -m pagefind'")
    ap.add_argument("--keep", type=Path, help="keep the indexes in this folder")
    args = ap.parse_args()
    for n in args.sizes:
        work = Path(tempfile.mkdtemp(prefix=f"bench-search-{n}-", dir=args.keep))
        try:
            rows = agencies(n)
            r = ours(rows, work)
            print(f"\n## N = {len(rows):,}\n\nour index: built in {r['seconds']:.1f} s; {r['files']} files, {kb(r['raw'])} "
                  f"({kb(r['gz'])} gzip); manifest {kb(r['manifest'])} ({kb(r['manifest_gz'])} gzip)")
            print("query | kind | files | fetched | gzip | found | first result | the agency sought shown")
            for (kind, _, sought), x in zip(QUERIES, r["queries"], strict=True):
                shown = "" if sought is None else "yes" if any(sought in name for name in x["names"]) else "NO"
                print(f"{x['q']} | {kind} | {x['files']} | {kb(x['raw'])} | {kb(x['gz'])} | {x['total']}{'' if x['complete'] else '+'} | "
                      f"{x['first']} | {shown}")
            if args.pagefind:
                pf = pagefind(rows, work, args.pagefind)
                print(f"\nPagefind: built in {pf['seconds']:.1f} s; {pf['files']} files, {kb(pf['raw'])} ({kb(pf['gz'])} gzip)")
                print("query | files | fetched | found | first result | the agency sought shown")
                for (_, _, sought), x in zip(QUERIES, pf["queries"], strict=True):
                    shown = "" if sought is None else "yes" if any(sought in name for name in x["names"]) else "NO"
                    print(f"{x['q']} | {x['files']} | {kb(x['raw'])} | {x['total']} | {x['first']} | {shown}")
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
