"""Upload the built site to an S3-compatible object store (Alibaba OSS, Tencent COS, Cloudflare R2,
MinIO, Amazon S3) with rclone, with the headers a static host needs; or, with --dry-run, to a
local S3 server (moto) started for the purpose, then read every object back and check it.

An object store does no content negotiation and knows no types: each object carries its own
headers. So every file goes up under its own key with
  Content-Type    from its extension (text types with `; charset=utf-8`);
  Content-Encoding: gzip, its bytes being the `.gz` copy `xxgk site` wrote beside it (the .gz and
                  .br copies are not uploaded themselves); downloads (data/, CSV, Parquet, zip,
                  the original report files) stay as they are, so `curl -O` and the package's
                  published hashes see the published bytes;
  Cache-Control   a year and `immutable` for the theme's fingerprinted assets
                  (assets/…/*.<hash>.min.*), 300 s for pages, sitemaps, search files and unversioned
                  scripts and styles, a day for data and everything else.
Files with the same headers go up in one rclone run (`--header-upload`), the pages last, so a page
never names an asset not yet uploaded; `--checksum` skips objects whose bytes are unchanged.

Configuration (environment):
  XXGK_S3_BUCKET             the bucket (required; it must exist)
  XXGK_S3_ENDPOINT           e.g. https://oss-cn-hangzhou.aliyuncs.com, https://cos.ap-guangzhou.myqcloud.com,
                             https://<account>.r2.cloudflarestorage.com, http://localhost:9000 (MinIO)
  XXGK_S3_REGION             e.g. oss-cn-hangzhou, ap-guangzhou, auto (R2); default us-east-1
  XXGK_S3_ACCESS_KEY_ID, XXGK_S3_SECRET_ACCESS_KEY
  XXGK_S3_PREFIX             a folder in the bucket for the site (default: its top)
  XXGK_S3_PROVIDER           rclone's provider name: Alibaba, TencentCOS, Cloudflare, Minio, AWS, Other (default)
  XXGK_S3_ACL                e.g. public-read, for stores that grant reading per object (default: none;
                             the bucket's own policy decides)
  XXGK_S3_PUBLIC_URL         where the site is read from; with --check every object is read back there
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REMOTE = "xxgks3"  # the rclone remote, configured through RCLONE_CONFIG_XXGKS3_* only
TYPES = {
    ".html": "text/html", ".htm": "text/html", ".css": "text/css", ".js": "text/javascript", ".mjs": "text/javascript",
    ".json": "application/json", ".map": "application/json", ".webmanifest": "application/manifest+json",
    ".xml": "application/xml", ".svg": "image/svg+xml", ".txt": "text/plain", ".csv": "text/csv", ".tsv": "text/tab-separated-values",
    ".md": "text/markdown", ".yaml": "application/yaml", ".yml": "application/yaml",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
    ".ico": "image/x-icon", ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf",
    ".pdf": "application/pdf", ".zip": "application/zip", ".gz": "application/gzip", ".parquet": "application/vnd.apache.parquet",
    ".doc": "application/msword", ".wps": "application/vnd.ms-works", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
TEXT = {".html", ".htm", ".css", ".js", ".mjs", ".json", ".map", ".webmanifest", ".xml", ".svg", ".txt", ".csv", ".tsv", ".md", ".yaml", ".yml"}
DOWNLOADS = {".csv", ".tsv", ".parquet", ".zip", ".pdf", ".doc", ".docx", ".wps", ".xlsx", ".gz"}
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
DAY = "public, max-age=86400"
FINGERPRINTED = re.compile(r"(^|/)assets/(.+/)?[^/]+\.[0-9a-f]{8,}\.min\.(js|css)(\.map)?$")
SHORT_NAMES = re.compile(r"(^|/)(sitemap(-\d+)?\.xml|search[^/]*\.json|robots\.txt)$")
ENCODED = (".gz", ".br")


@dataclass(frozen=True)
class Upload:
    key: str  # the path under the prefix
    source: Path  # the bytes to upload: the file, or its .gz copy
    content_type: str
    cache_control: str
    encoding: str = ""  # "gzip" when `source` is the .gz copy


def is_download(rel: str) -> bool:
    """Files people fetch to keep: served as their bytes, never with a Content-Encoding."""
    return rel.startswith("data/") or ".orig." in rel.rsplit("/", 1)[-1] or Path(rel).suffix.lower() in DOWNLOADS


def content_type(rel: str, path: Path) -> str:
    suffix = Path(rel).suffix.lower()
    kind = TYPES.get(suffix, "application/octet-stream")
    if suffix not in TEXT:
        return kind
    if ".orig." in rel.rsplit("/", 1)[-1]:  # an agency's original file: UTF-8 only if it decodes as such
        try:
            path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            return kind
    return f"{kind}; charset=utf-8"


def cache_control(rel: str) -> str:
    suffix = Path(rel).suffix.lower()
    if FINGERPRINTED.search(rel):
        return IMMUTABLE
    if suffix in (".html", ".htm") or SHORT_NAMES.search(rel):
        return SHORT
    if suffix in (".js", ".mjs", ".css", ".webmanifest") and not is_download(rel):
        return SHORT  # unversioned: it changes with the pages that load it
    return DAY


def plan(site: Path) -> list[Upload]:
    """What goes up, sorted by key: every file of the site but the compressed copies of another."""
    uploads = []
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if not path.is_file() or any(part.startswith(".") for part in rel.split("/")):
            continue  # the build's marker and temporary files
        if path.suffix in ENCODED and path.with_suffix("").is_file():
            continue  # x.gz / x.br beside x: uploaded as x's bytes, or not at all
        gz = path.with_name(path.name + ".gz")
        encoded = gz.is_file() and not is_download(rel)
        uploads.append(Upload(rel, gz if encoded else path, content_type(rel, path), cache_control(rel), "gzip" if encoded else ""))
    return uploads


def rclone_env(remote: dict[str, str]) -> dict[str, str]:
    """The environment rclone runs in: the remote as RCLONE_CONFIG_XXGKS3_*, and no AWS_CA_BUNDLE
    (rclone's S3 client fails on it; rclone reads the system's certificates itself)."""
    env = {k: v for k, v in os.environ.items() if k != "AWS_CA_BUNDLE" and not k.startswith(f"RCLONE_CONFIG_{REMOTE.upper()}_")}
    env.update({f"RCLONE_CONFIG_{REMOTE.upper()}_{k.upper()}": v for k, v in remote.items() if v != ""})
    return env


def remote_from_env() -> tuple[dict[str, str], str, str]:
    """The remote, the bucket and the prefix, from XXGK_S3_*."""
    bucket = os.environ.get("XXGK_S3_BUCKET", "")
    if not bucket:
        sys.exit("deploy_s3: set XXGK_S3_BUCKET (and XXGK_S3_ENDPOINT, XXGK_S3_REGION, the keys; see the script's docstring)")
    remote = {"type": "s3", "provider": os.environ.get("XXGK_S3_PROVIDER", "Other"), "env_auth": "false",
              "endpoint": os.environ.get("XXGK_S3_ENDPOINT", ""), "region": os.environ.get("XXGK_S3_REGION", "us-east-1"),
              "access_key_id": os.environ.get("XXGK_S3_ACCESS_KEY_ID", ""), "secret_access_key": os.environ.get("XXGK_S3_SECRET_ACCESS_KEY", ""),
              "acl": os.environ.get("XXGK_S3_ACL", ""), "no_check_bucket": "true"}  # the keys need no right to create buckets
    return remote, bucket, os.environ.get("XXGK_S3_PREFIX", "").strip("/")


def rclone(args: list[str], remote: dict[str, str], config: Path) -> subprocess.CompletedProcess:
    if not shutil.which("rclone"):
        sys.exit("deploy_s3: rclone is not installed (make deploy-tools installs it)")
    return subprocess.run(["rclone", "--config", str(config), *args], env=rclone_env(remote), capture_output=True, text=True)


def deploy(site: Path, remote: dict[str, str], bucket: str, prefix: str = "", prune: bool = False) -> list[Upload]:
    """Upload the site; the uploads made. Files go up in groups of equal headers, the pages last;
    with `prune`, objects under the prefix that are no file of the site are deleted afterwards."""
    site = Path(site)
    if not (site / "index.html").is_file():
        sys.exit(f"deploy_s3: {site} holds no built site (make site)")
    uploads = plan(site)
    target = f"{REMOTE}:{bucket}/{prefix}".rstrip("/")
    with tempfile.TemporaryDirectory(prefix="xxgk-deploy-") as tmp:
        stage, config = Path(tmp) / "stage", Path(tmp) / "rclone.conf"
        config.write_text("")
        groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        for up in uploads:
            staged = stage / up.key  # each key holding the bytes that go up under it
            staged.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(up.source, staged)
            except OSError:
                shutil.copy2(up.source, staged)
            groups[(up.content_type, up.encoding, up.cache_control)].append(up.key)
        for (kind, encoding, cache), keys in sorted(groups.items(), key=lambda g: (g[0][0].startswith("text/html"), g[0])):
            listing = Path(tmp) / "files.txt"
            listing.write_text("".join(f"{key}\n" for key in keys), encoding="utf-8")
            headers = [f"Content-Type: {kind}", f"Cache-Control: {cache}"] + ([f"Content-Encoding: {encoding}"] if encoding else [])
            result = rclone(["copy", str(stage), target, "--files-from-raw", str(listing), "--checksum", "--transfers", "16",
                             "--no-traverse", *[arg for h in headers for arg in ("--header-upload", h)]], remote, config)
            if result.returncode:
                sys.exit(f"deploy_s3: rclone copy failed ({kind}, {len(keys)} files):\n{result.stderr}")
        if prune:
            keys = {up.key for up in uploads}
            listed = rclone(["lsf", "-R", "--files-only", target], remote, config)
            stale = sorted(set(listed.stdout.splitlines()) - keys) if listed.returncode == 0 else []
            if stale:
                (Path(tmp) / "stale.txt").write_text("".join(f"{key}\n" for key in stale), encoding="utf-8")
                rclone(["delete", target, "--files-from-raw", str(Path(tmp) / "stale.txt")], remote, config)
    return uploads


def check(uploads: list[Upload], public_url: str, listed: set[str] | None = None) -> list[str]:
    """Read every object back over plain HTTP as a browser would, and compare its status, headers
    and bytes with the plan; the mismatches (none: all well)."""
    problems = []
    base = public_url.rstrip("/") + "/"
    for up in uploads:
        request = urllib.request.Request(base + urllib.parse.quote(up.key), headers={"Accept-Encoding": "gzip"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                body, headers = response.read(), response.headers
        except urllib.error.URLError as exc:
            problems.append(f"{up.key}: {exc}")
            continue
        want = {"Content-Type": up.content_type, "Cache-Control": up.cache_control, "Content-Encoding": up.encoding or None}
        for name, value in want.items():
            if headers.get(name) != value:
                problems.append(f"{up.key}: {name} is {headers.get(name)!r}, not {value!r}")
        original = up.source.with_suffix("") if up.encoding else up.source
        decoded = gzip.decompress(body) if up.encoding == "gzip" and body[:2] == b"\x1f\x8b" else body
        if body != up.source.read_bytes() or decoded != original.read_bytes():
            problems.append(f"{up.key}: the object's bytes are not the file's")
    if listed is not None:
        problems += [f"{key}: uploaded, but no file of the site has this key" for key in sorted(listed - {up.key for up in uploads})]
    return problems


def list_keys(remote: dict[str, str], bucket: str, prefix: str = "") -> set[str]:
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "rclone.conf"
        config.write_text("")
        result = rclone(["lsf", "-R", "--files-only", f"{REMOTE}:{bucket}/{prefix}".rstrip("/")], remote, config)
    if result.returncode:
        sys.exit(f"deploy_s3: rclone lsf failed:\n{result.stderr}")
    return set(result.stdout.splitlines())


@contextmanager
def local_server() -> Iterator[str]:
    """A moto S3 server on a free local port for as long as the block runs; its endpoint."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tempfile.TemporaryFile()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if server.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"the local S3 server exited: {log.read().decode(errors='replace')[-2000:]}")
            try:
                urllib.request.urlopen(endpoint + "/moto-api/", timeout=1).close()
                break
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        else:
            raise RuntimeError("the local S3 server did not answer in 30 s")
        yield endpoint
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def local_remote(endpoint: str) -> dict[str, str]:
    """The remote for a local server: any keys, objects readable without them (so they can be
    read back as a browser reads them)."""
    return {"type": "s3", "provider": "Other", "env_auth": "false", "endpoint": endpoint, "region": "us-east-1",
            "access_key_id": "local", "secret_access_key": "local", "acl": "public-read"}


def make_bucket(remote: dict[str, str], bucket: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "rclone.conf"
        config.write_text("")
        result = rclone(["mkdir", f"{REMOTE}:{bucket}"], remote, config)
    if result.returncode:
        sys.exit(f"deploy_s3: rclone mkdir failed:\n{result.stderr}")


def dry_run(site: Path, prefix: str = "site") -> list[str]:
    """The real upload into a local S3 server, every object read back; the mismatches."""
    if not (Path(site) / "index.html").is_file():
        sys.exit(f"deploy_s3: {site} holds no built site (make site)")
    with local_server() as endpoint:
        remote = local_remote(endpoint)
        make_bucket(remote, "xxgk")
        uploads = deploy(site, remote, "xxgk", prefix)
        return check(uploads, f"{endpoint}/xxgk/{prefix}", list_keys(remote, "xxgk", prefix))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "build" / "site", help="the built site (build/site)")
    parser.add_argument("--dry-run", action="store_true", help="upload to a local S3 server (moto) and check every object")
    parser.add_argument("--prune", action="store_true", help="delete objects under the prefix that are no file of the site")
    parser.add_argument("--check", action="store_true", help="after the upload, read every object back at XXGK_S3_PUBLIC_URL")
    args = parser.parse_args(argv)
    start = time.monotonic()
    if args.dry_run:
        problems = dry_run(args.site)
        count = len(plan(args.site))
    else:
        remote, bucket, prefix = remote_from_env()
        uploads = deploy(args.site, remote, bucket, prefix, prune=args.prune)
        count = len(uploads)
        public = os.environ.get("XXGK_S3_PUBLIC_URL", "")
        if args.check and not public:
            sys.exit("deploy_s3: --check needs XXGK_S3_PUBLIC_URL")
        problems = check(uploads, public) if args.check else []
    for problem in problems:
        print(problem, file=sys.stderr)
    what = "checked on a local S3 server" if args.dry_run else "uploaded" + (" and checked" if args.check else "")
    print(f"deploy_s3: {count} objects {what} in {time.monotonic() - start:.1f} s; {len(problems)} mismatches")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
