"""A site built again changes only what changed: the pages `xxgk pages` writes keep their files
when their bytes are the same, MkDocs renders again only the pages whose Markdown changed, and
`xxgk site` puts into the site only the files that differ from what is there, removing those no
longer made."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import BIN, SITE_URL

from xxgk.site.sync import SourceFile, move_changed, put_files


def _state(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and modification time: what tells a file left alone from one written."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")}


def test_move_changed_keeps_the_files_of_unchanged_pages(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    for folder, files in ((old, {"a.md": "same", "b.md": "before", "gone/c.md": "stale"}), (new, {"a.md": "same", "b.md": "after", "d/e.md": "added"})):
        for rel, text in files.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(text, encoding="utf-8")
    kept = _state(old)["a.md"]
    assert move_changed(new, old) == (2, 1)
    assert {p.relative_to(old).as_posix(): p.read_text() for p in old.rglob("*") if p.is_file()} == {"a.md": "same", "b.md": "after", "d/e.md": "added"}
    assert _state(old)["a.md"] == kept  # the same file, its time too
    assert not (old / "gone").exists()  # a folder its files left
    assert not [p for p in new.rglob("*") if p.is_file()]


def test_put_files_links_copies_and_removes_only_what_changed(tmp_path):
    source, target = tmp_path / "source", tmp_path / "target"
    source.mkdir()
    for name in ("linked.html", "copied.html", "other.css"):
        (source / name).write_text(name, encoding="utf-8")
    (target / "old").mkdir(parents=True)
    (target / "old" / "stale.html").write_text("x", encoding="utf-8")
    (target / "sitemap.xml").write_text("kept by keep", encoding="utf-8")
    (target / ".marker").write_text("hidden: never touched", encoding="utf-8")
    wanted = {"linked.html": SourceFile(source / "linked.html", linked=True), "copied.html": SourceFile(source / "copied.html", linked=False),
              "css/other.css": SourceFile(source / "other.css", linked=True)}
    assert put_files(target, wanted, keep=lambda rel: rel == "sitemap.xml") == (3, 1)
    assert os.path.samefile(source / "linked.html", target / "linked.html")
    assert not os.path.samefile(source / "copied.html", target / "copied.html")
    assert (target / "copied.html").stat().st_mtime_ns == (source / "copied.html").stat().st_mtime_ns
    assert sorted(_state(target)) == ["copied.html", "css/other.css", "linked.html", "sitemap.xml"] and (target / ".marker").exists()
    before = _state(target)
    assert put_files(target, wanted, keep=lambda rel: rel == "sitemap.xml") == (0, 0)
    assert _state(target) == before
    (source / "copied.html").write_text("changed", encoding="utf-8")
    os.utime(source / "copied.html", ns=(1, 10**18))
    assert put_files(target, wanted, keep=lambda rel: rel == "sitemap.xml") == (1, 0)
    assert (target / "copied.html").read_text() == "changed"


def _xxgk_site(config: Path, target: Path, docs: Path) -> None:
    result = subprocess.run([str(BIN / "xxgk"), "site", "--config", str(config), "--site", str(target), "--pages", str(docs)],
                            capture_output=True, text=True, env={**os.environ, "XXGK_SITE_URL": SITE_URL, "XXGK_PRECOMPRESS": "0"})
    assert result.returncode == 0, result.stderr


def test_a_site_built_again_rewrites_only_the_pages_that_changed(site, tmp_path):
    """Two builds from the same pages leave every page's file as it was; a changed page is
    rendered again and the others not; a page no longer made leaves the site."""
    work = site.parent
    docs, fragments = tmp_path / "docs", tmp_path / "docs-agencies"
    shutil.copytree(work / "docs", docs)
    shutil.copytree(work / "docs-agencies", fragments)
    config = tmp_path / "mkdocs.yml"
    config.write_text((work / "mkdocs.yml").read_text(encoding="utf-8").replace(str(work / "docs"), str(docs)), encoding="utf-8")
    target = tmp_path / "site"
    _xxgk_site(config, target, docs)
    first = _state(target)
    assert "about.html" in first and any(rel.startswith("agencies/") and rel.endswith(".html") for rel in first)
    # the Chinese site (the fixture's English one, under en/, is not built here)
    assert {rel for rel in first if not rel.startswith("sitemap")} >= {rel for rel in _state(site) if not rel.startswith(("sitemap", "en/"))}

    _xxgk_site(config, target, docs)
    again = _state(target)
    rewritten = {rel for rel in first if again.get(rel) != first[rel]}
    assert rewritten <= {"404.html", "sitemap.xml", "sitemap.xml.gz", "sitemap-1.xml"}, rewritten  # made on every build

    about = docs / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n\nOne more line.\n", encoding="utf-8")
    region = next(p for p in sorted((docs / "regions").glob("*.md")) if p.name != "index.md")
    region.unlink()
    _xxgk_site(config, target, docs)
    changed = _state(target)
    html = {rel for rel in first if rel.endswith(".html") and rel not in ("404.html",)}
    assert {rel for rel in html if changed.get(rel) != first[rel]} == {"about.html", f"regions/{region.stem}.html"}
    assert "One more line." in (target / "about.html").read_text(encoding="utf-8")
    assert not (target / "regions" / f"{region.stem}.html").exists()
