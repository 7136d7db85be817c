"""Deploying to an S3-compatible store: rclone uploads a small built site into a real local S3
server (moto), and every object is read back over HTTP as a browser reads it."""

import gzip
import importlib.util
import os
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request

import pytest
from conftest import ROOT

from xxgk.site.finish import finish

if not shutil.which("rclone"):
    pytest.skip("rclone is not installed and could not be (make deploy-tools installs it from the system's packages)", allow_module_level=True)
pytest.importorskip("moto.server", reason="moto[server] is in the dev extra (make install)")

spec = importlib.util.spec_from_file_location("deploy_s3", ROOT / "scripts" / "deploy_s3.py")
deploy_s3 = importlib.util.module_from_spec(spec)
sys.modules["deploy_s3"] = deploy_s3  # its dataclass looks its module up
spec.loader.exec_module(deploy_s3)

PAGE = "<!doctype html><html lang=zh><link rel=stylesheet href=assets/stylesheets/main.57a0d79d.min.css><h1>机关</h1>" + "<p>第一行数字</p>" * 300


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("deploy") / "site"
    files = {
        "index.html": PAGE, "agencies/bei-guan-qu.html": PAGE, "404.html": PAGE,
        "assets/stylesheets/main.57a0d79d.min.css": "body{margin:0}" * 200,
        "assets/javascripts/bundle.a5f9d56c.min.js": "var x=1;" * 400,
        "assets/javascripts/lunr/min/lunr.zh.min.js": "var lunr=1;" * 300,  # the theme's, unversioned
        "stylesheets/xxgk.css": ".x{color:red}" * 200, "search-index.json": '{"a":"北关区"}' * 200,
        "agencies/bei-guan-qu.csv": "year,value\n" + "2024,1\n" * 400, "data/datapackage.json": '{"name":"x"}' * 200,
        "tiny.txt": "small",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / "sources").mkdir()
    (root / "sources" / "r1.orig.txt").write_bytes("政府信息公开工作年度报告".encode("gb18030") * 100)  # an agency's file, not UTF-8
    (root / "assets" / "images").mkdir()
    (root / "assets" / "images" / "favicon.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (root / ".xxgk-output").write_text("")
    counts = finish(root, "https://example.org/", config=None)
    assert counts["sitemap_urls"] == 2 and (root / "index.html.gz").is_file() and (root / "sitemap-1.xml").is_file()
    return root


@pytest.fixture(scope="module")
def server():
    with deploy_s3.local_server() as endpoint:
        remote = deploy_s3.local_remote(endpoint)
        deploy_s3.make_bucket(remote, "xxgk")
        yield endpoint, remote


@pytest.fixture(scope="module")
def uploaded(site, server):
    endpoint, remote = server
    uploads = deploy_s3.deploy(site, remote, "xxgk", "www")
    return f"{endpoint}/xxgk/www/", uploads


def get(url, key):
    request = urllib.request.Request(url + urllib.parse.quote(key), headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        return response.headers, response.read()


def test_pages_go_up_gzip_encoded_under_their_own_key(site, uploaded):
    headers, body = get(uploaded[0], "agencies/bei-guan-qu.html")
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Content-Encoding"] == "gzip" and headers["Cache-Control"] == "public, max-age=300"
    assert body == (site / "agencies/bei-guan-qu.html.gz").read_bytes()
    assert gzip.decompress(body).decode("utf-8") == PAGE


def test_fingerprinted_assets_are_immutable_and_others_short_lived(uploaded):
    headers, _ = get(uploaded[0], "assets/stylesheets/main.57a0d79d.min.css")
    assert (headers["Content-Type"], headers["Cache-Control"], headers["Content-Encoding"]) == \
        ("text/css; charset=utf-8", "public, max-age=31536000, immutable", "gzip")
    headers, _ = get(uploaded[0], "assets/javascripts/bundle.a5f9d56c.min.js")
    assert headers["Content-Type"] == "text/javascript; charset=utf-8" and "immutable" in headers["Cache-Control"]
    for key in ("stylesheets/xxgk.css", "assets/javascripts/lunr/min/lunr.zh.min.js", "search-index.json", "sitemap.xml", "sitemap-1.xml"):
        headers, _ = get(uploaded[0], key)
        assert headers["Cache-Control"] == "public, max-age=300", key


def test_data_and_originals_go_up_as_their_bytes_for_a_day(site, uploaded):
    headers, body = get(uploaded[0], "agencies/bei-guan-qu.csv")
    assert (site / "agencies/bei-guan-qu.csv.gz").is_file()  # compressed beside it, but a download keeps its bytes
    assert headers["Content-Encoding"] is None and body == (site / "agencies/bei-guan-qu.csv").read_bytes()
    assert (headers["Content-Type"], headers["Cache-Control"]) == ("text/csv; charset=utf-8", "public, max-age=86400")
    headers, body = get(uploaded[0], "sources/r1.orig.txt")
    assert headers["Content-Type"] == "text/plain" and headers["Content-Encoding"] is None  # GB 18030: no utf-8 claimed
    assert body == (site / "sources/r1.orig.txt").read_bytes()
    headers, _ = get(uploaded[0], "data/datapackage.json")
    assert headers["Content-Encoding"] is None and headers["Cache-Control"] == "public, max-age=86400"
    headers, body = get(uploaded[0], "assets/images/favicon.png")
    assert headers["Content-Type"] == "image/png" and body.startswith(b"\x89PNG")
    headers, body = get(uploaded[0], "tiny.txt")
    assert headers["Content-Encoding"] is None and body == b"small"


def test_compressed_copies_are_not_objects_of_their_own(site, server, uploaded):
    keys = deploy_s3.list_keys(server[1], "xxgk", "www")
    assert "index.html" in keys and "sitemap.xml" in keys
    assert not [key for key in keys if key.endswith((".gz", ".br"))]
    assert list(site.rglob("*.br")) or not deploy_s3.ENCODED  # the copies exist locally all the same
    assert ".xxgk-output" not in keys
    assert keys == {up.key for up in uploaded[1]}


def test_check_reads_every_object_back_and_finds_a_wrong_header(site, server, uploaded):
    url, uploads = uploaded
    assert deploy_s3.check(uploads, url) == []
    # one object put back with the wrong type and no encoding: the check must say so
    remote = server[1]
    result = subprocess.run(["rclone", "copyto", str(site / "index.html"), "xxgks3:xxgk/www/index.html", "--header-upload", "Content-Type: text/plain"],
                            env=deploy_s3.rclone_env(remote), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    problems = deploy_s3.check(uploads, url)
    assert any(p.startswith("index.html: Content-Type is 'text/plain'") for p in problems)
    assert any(p.startswith("index.html: Content-Encoding is None") for p in problems)
    deploy_s3.deploy(site, remote, "xxgk", "www")  # a redeploy puts the object right
    assert deploy_s3.check(uploads, url) == []


def test_prune_deletes_what_the_site_no_longer_has(site, server, uploaded):
    remote = server[1]
    stale = site.parent / "stale"
    stale.mkdir(exist_ok=True)
    (stale / "old.html").write_text("old")
    subprocess.run(["rclone", "copy", str(stale), "xxgks3:xxgk/www/gone"], env=deploy_s3.rclone_env(remote), check=True, capture_output=True)
    assert "gone/old.html" in deploy_s3.list_keys(remote, "xxgk", "www")
    deploy_s3.deploy(site, remote, "xxgk", "www")
    assert "gone/old.html" in deploy_s3.list_keys(remote, "xxgk", "www")  # kept without --prune
    deploy_s3.deploy(site, remote, "xxgk", "www", prune=True)
    assert deploy_s3.list_keys(remote, "xxgk", "www") == {up.key for up in uploaded[1]}


def test_the_dry_run_command_passes_on_a_built_site(site):
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "deploy_s3.py"), "--dry-run", "--site", str(site)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "0 mismatches" in result.stdout


def test_the_dry_run_refuses_a_folder_without_a_site(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "deploy_s3.py"), "--dry-run", "--site", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode != 0 and "no built site" in result.stderr


def test_the_deploy_command_reads_its_store_from_the_environment(site, server):
    endpoint = server[0]
    env = {k: v for k, v in os.environ.items() if not k.startswith("XXGK_S3_")}
    env.update(XXGK_S3_ENDPOINT=endpoint, XXGK_S3_BUCKET="xxgk", XXGK_S3_PREFIX="/mirror/", XXGK_S3_ACCESS_KEY_ID="k",
               XXGK_S3_SECRET_ACCESS_KEY="s", XXGK_S3_ACL="public-read", XXGK_S3_PUBLIC_URL=f"{endpoint}/xxgk/mirror")
    command = [sys.executable, str(ROOT / "scripts" / "deploy_s3.py"), "--site", str(site), "--check", "--prune"]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "uploaded and checked" in result.stdout and "0 mismatches" in result.stdout
    assert "index.html" in deploy_s3.list_keys(server[1], "xxgk", "mirror")
    env["XXGK_S3_PUBLIC_URL"] = f"{endpoint}/xxgk/elsewhere"  # nothing there: every object is a mismatch
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    assert result.returncode == 1 and "index.html: HTTP Error 404" in result.stderr
    del env["XXGK_S3_BUCKET"]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "set XXGK_S3_BUCKET" in result.stderr
