import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fixtures" / "golden"
BIN = Path(sys.executable).parent
HOSTILE_NAME = "<script>window.__xss=1</script>北关区信访局"


def seed(n: str) -> Path:
    return SEEDS / f"seed-{n}" / "input.txt"


def glued_requests() -> str:
    """A real crawler dump whose rows new and total are glued digits that only the identities
    between rows settle."""
    text = (SEEDS / "26-gwh-2025" / "input.txt").read_text(encoding="utf-8")
    for old, new in [("申请数量320000032", "申请数量110000011"), ("予以公开8000008", "予以公开6000006"),
                     ("不计其他情形）7000007", "不计其他情形）5000005"), ("内部事务信息1000001", "内部事务信息0000000"),
                     ("过程性信息2000002", "过程性信息0000000"), ("相关政府信息120000012", "相关政府信息0000000"),
                     ("另行制作2000002", "另行制作0000000"), ("总计320000032", "总计110000011")]:
        assert old in text
        text = text.replace(old, new)
    return text


def xxgk(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "xxgk"), *map(str, args)], capture_output=True, text=True, **kw)


@pytest.fixture(scope="session")
def mixed_corpus(tmp_path_factory) -> Path:
    """The five seeds, two real pingtan reports in other layouts, and one bad file of each kind."""
    root = tmp_path_factory.mktemp("corpus")
    (root / "2024").mkdir()
    for n in ("000", "001", "002", "003", "004"):
        shutil.copy(seed(n), root / "2024" / f"seed-{n}.txt")
    shutil.copy(SEEDS / "26-gwh-2025-html" / "input.html", root / "2024" / "gwh 2025 «html».html")
    shutil.copy(SEEDS / "05-gaj-2021" / "input.txt", root / "gaj-2021.txt")
    bad = root / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (bad / "not-a-report.html").write_text("<html><body><p>网站首页</p></body></html>", encoding="utf-8")
    (bad / "scan.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    shutil.copy(seed("003"), bad / "copy-of-003.txt")
    return root


@pytest.fixture(scope="session")
def package(mixed_corpus, tmp_path_factory) -> Path:
    from xxgk.package import build

    out = tmp_path_factory.mktemp("pkg") / "datapackage"
    build(mixed_corpus, out, jobs=2)
    return out


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """A real site: seeds, one agency over several years (pingtan 行政审批局 2021 + 2025), a
    report whose agency name and text carry script payloads; built by the real MkDocs."""
    work = tmp_path_factory.mktemp("site")
    corpus = work / "corpus"
    corpus.mkdir()
    for n in ("000", "001", "002", "004"):
        shutil.copy(seed(n), corpus / f"{n}.txt")
    shutil.copy(SEEDS / "07-hzs-2021" / "input.txt", corpus / "hzs-2021.txt")
    shutil.copy(SEEDS / "27-hzs-2025-html" / "input.html", corpus / "hzs-2025.html")
    shutil.copy(SEEDS / "05-gaj-2021" / "input.txt", corpus / "gaj-2021.txt")
    hostile = seed("003").read_text(encoding="utf-8").replace("北关区信访局 2024 年", HOSTILE_NAME + " 2024 年", 1)
    hostile = hostile.replace("(一) 主动公开。", "(一) 主动公开。<img src=x onerror=\"window.__xss=2\">**粗体**[链接](javascript:alert(1))</script><script>window.__xss=3</script>{{ x }}", 1)
    (corpus / "hostile.txt").write_text(hostile, encoding="utf-8")
    site = build_site(corpus, work)
    assert (work / "datapackage" / "data" / "agencies.csv").read_text(encoding="utf-8").count("\n") == 1 + 7
    return site


SITE_URL = "https://xxgk.example.org/site/"  # the address test sites are built for (sitemaps, canonical links)


def build_site(corpus: Path, work: Path, edit=None, files: Path | None = None, langs=("zh", "en")) -> Path:
    """The real build, as the `site` fixture does it: the package from `corpus`, then (if given)
    `edit(package)` to change the published tables, the pages, MkDocs, the agency pages; in each
    of `langs` (the English site under site/en/)."""
    from xxgk.package import build
    from xxgk.paths import in_language
    from xxgk.site.finish import finish
    from xxgk.site.pages import render_agencies, write_pages
    from xxgk.site.render import mkdocs_dir

    build(corpus, work / "datapackage", jobs=1)
    if edit:
        edit(work / "datapackage")
    for lang in langs:
        with pytest.MonkeyPatch.context() as env:
            env.setenv("XXGK_SITE_URL", SITE_URL)
            site = write_pages(work / "datapackage", work / "docs", corpus, ROOT / "docs", lang=lang)
        name = "mkdocs.yml" if lang == "zh" else f"mkdocs.{lang}.yml"
        config = (ROOT / name).read_text(encoding="utf-8")
        config = config.replace("docs_dir: build/docs-en", f"docs_dir: {work / 'docs-en'}").replace("site_dir: build/site/en", f"site_dir: {work / 'site' / 'en'}")
        config = config.replace("docs_dir: build/docs", f"docs_dir: {work / 'docs'}").replace("site_dir: build/site", f"site_dir: {work / 'site'}")
        config = config.replace("custom_dir: overrides", f"custom_dir: {ROOT / 'overrides'}")
        (work / name).write_text(config, encoding="utf-8")
        made = mkdocs_dir(in_language(work / "site", lang))
        result = subprocess.run([str(BIN / "python"), "-m", "xxgk.site.mkdocs_build", str(work / name), str(made)],
                                capture_output=True, text=True, cwd=work, env={**os.environ, "XXGK_SITE_URL": SITE_URL})
        assert result.returncode == 0, result.stderr
        top = work / "site" / ("" if lang == "zh" else f"{lang}/")
        assert render_agencies(top, in_language(work / "docs", lang), files if lang == "zh" else None, made) == len(site.agencies)
    finish(work / "site", SITE_URL, compress=False)  # the sitemaps (compression is tested on its own)
    return work / "site"
