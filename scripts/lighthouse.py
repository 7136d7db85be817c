"""Lighthouse (mobile: a mid-range phone on a slow 4G link, simulated) over pages of the built
site, served from a local HTTP server; prints each page's performance, accessibility and best
practices scores and the bytes it loads, and fails when performance is under the target.

    .venv/bin/python scripts/lighthouse.py [--site build/site] [--target 90] [PAGE ...]

Lighthouse comes from the npm registry (build/tools, pinned by the Makefile) and drives Debian's
chromium (XXGK_CHROMIUM or /usr/bin/chromium): no browser download.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = ROOT / "build" / "tools" / "node_modules" / "lighthouse" / "cli" / "index.js"
# the page types the site is judged on: home, an agency, the data-quality and the downloads page
PAGES = ("index.html", "agencies/fu-zhou-shi-ping-tan-xian-xing-zheng-shen-pi-ju.html", "quality.html", "downloads.html")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    """Files as a static host serves them: gzip for text when the browser accepts it (GitHub
    Pages does; a host without it would be measured as no reader meets it)."""

    def log_message(self, *args) -> None:  # one line per request would bury the table
        pass

    def send_head(self):  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        text = path.suffix in (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".csv", ".map")
        if not (text and path.is_file() and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def audit(url: str, chromium: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        subprocess.run(["node", str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
                        "--only-categories=performance,accessibility,best-practices,seo",
                        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking"],
                       check=True, env={**os.environ, "CHROME_PATH": chromium}, timeout=300)
        report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    scripts = sum(item.get("transferSize", 0) for item in audits["network-requests"]["details"]["items"] if item.get("resourceType") == "Script")
    metrics = {k: audits[k]["displayValue"] for k in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
                                                     "cumulative-layout-shift", "speed-index")}
    return {"scores": {k: round(100 * (v["score"] or 0)) for k, v in report["categories"].items()}, "metrics": metrics,
            "fcp_ms": audits["first-contentful-paint"]["numericValue"], "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
            "bytes": audits["total-byte-weight"]["numericValue"], "script_bytes": scripts}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", type=Path, default=ROOT / "build" / "site")
    ap.add_argument("--target", type=int, default=90)
    ap.add_argument("--verbose", action="store_true", help="each page's metrics")
    ap.add_argument("pages", nargs="*", default=list(PAGES))
    args = ap.parse_args()
    chromium = os.environ.get("XXGK_CHROMIUM", "/usr/bin/chromium")
    server, base = serve(args.site)
    failed = 0
    try:
        print(f"{'page':58} {'perf':>4} {'a11y':>4} {'best':>4} {'seo':>4} {'FCP':>7} {'LCP':>7} {'bytes':>9} {'JS':>8}")
        for rel in args.pages:
            r = audit(f"{base}/{rel}", chromium)
            s = r["scores"]
            failed += s["performance"] < args.target
            print(f"{rel[:58]:58} {s['performance']:4} {s['accessibility']:4} {s['best-practices']:4} {s['seo']:4} "
                  f"{r['fcp_ms'] / 1000:6.1f}s {r['lcp_ms'] / 1000:6.1f}s {r['bytes'] / 1024:8.0f}K {r['script_bytes'] / 1024:7.0f}K")
            if args.verbose:
                print("    " + " · ".join(f"{k} {v}" for k, v in r["metrics"].items()))
    finally:
        server.shutdown()
    print(f"performance ≥ {args.target}: {'PASS' if not failed else f'FAIL ({failed} pages)'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
