"""`--corpus` as a manifest over a content-addressed store (fsspec): the package is the one built
from the same files in a folder, byte for byte, whether the store is in memory or a local folder,
one machine or sharded; `xxgk add --manifest` puts added reports into the store."""

import shutil
import uuid
from pathlib import Path

import fsspec
import pytest
from conftest import seed, xxgk
from test_package import digests

from xxgk.corpus.store import CorruptObject, Store, import_folder, read_manifest
from xxgk.package import assemble_shards, build, build_shard

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("folder") / "corpus"
    shutil.copytree(CORPUS, root)  # real reports of several years, PDFs, provenance
    return root


@pytest.fixture(scope="module")
def from_folder(folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("from-folder") / "package"
    build(folder, out, jobs=2)
    return out


@pytest.fixture
def memory():
    root = f"memory://xxgk-{uuid.uuid4().hex}"
    yield root
    fsspec.filesystem("memory").rm(root.removeprefix("memory://"), recursive=True)


def test_a_manifest_over_a_memory_store_builds_the_folders_package(folder, from_folder, memory, tmp_path):
    manifest, notes = import_folder(folder, Store(f"{memory}/store"), f"{memory}/corpus.manifest.tsv")
    assert notes == [] and len(manifest.entries) == len([p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")])
    summary = build(f"{memory}/corpus.manifest.tsv", tmp_path / "package", jobs=2, checkout=tmp_path / "checkout")
    assert summary.warnings == []
    assert digests(tmp_path / "package") == digests(from_folder)


def test_a_manifest_in_a_folder_through_the_command_line_and_its_rebuild(folder, from_folder, tmp_path):
    manifest = tmp_path / "reports.manifest.tsv"
    import_folder(folder, Store(str(tmp_path / "store")), str(manifest))
    assert read_manifest(str(manifest)).store_url == str(tmp_path / "store")
    args = ("--corpus", manifest, "--checkout", tmp_path / "checkout", "--cache", tmp_path / "cache")
    done = xxgk("package", *args, "--out", tmp_path / "package")
    assert done.returncode == 0, done.stderr
    assert digests(tmp_path / "package") == digests(from_folder)
    done = xxgk("package", *args, "--out", tmp_path / "package")  # nothing fetched or parsed again
    assert done.returncode == 0 and "parsed: 0 " in done.stdout, done.stdout
    # an object damaged in the store: the file already checked out is kept, a missing one is refused
    shutil.rmtree(tmp_path / "checkout")
    target = next((tmp_path / "store" / "sha256").rglob("*"), None)
    while target is not None and target.is_dir():
        target = next(target.iterdir())
    target.write_bytes(b"not the report")
    done = xxgk("package", *args, "--out", tmp_path / "package")
    assert done.returncode == 2 and target.name in done.stderr
    assert digests(tmp_path / "package") == digests(from_folder)  # the published package stays


def test_a_sharded_build_from_a_manifest_fetches_each_shard_only(folder, from_folder, memory, tmp_path):
    import_folder(folder, Store(f"{memory}/store"), f"{memory}/c.manifest.tsv")
    shards = []
    for k in (1, 2):
        checkout = tmp_path / f"checkout-{k}"
        build_shard(f"{memory}/c.manifest.tsv", tmp_path / str(k), f"{k}/2", jobs=1, checkout=checkout)
        shards.append(tmp_path / str(k))
        fetched = [p for p in checkout.rglob("*") if p.is_file() and not p.name.startswith(".")]
        assert 0 < len(fetched) < len(read_manifest(f"{memory}/c.manifest.tsv").entries)
    assemble_shards(shards, f"{memory}/c.manifest.tsv", tmp_path / "package", checkout=tmp_path / "checkout")
    assert digests(tmp_path / "package") == digests(from_folder)


def test_a_damaged_object_is_refused(folder, memory, tmp_path):
    store = Store(f"{memory}/store")
    manifest, _ = import_folder(folder, store, f"{memory}/c.manifest.tsv")
    first = manifest.entries[0]
    with fsspec.open(f"{memory}/store/{store.key(first.sha256)}", "wb") as f:
        f.write(b"tampered")
    with pytest.raises(CorruptObject, match=first.sha256):
        build(f"{memory}/c.manifest.tsv", tmp_path / "package", jobs=1, checkout=tmp_path / "checkout")
    assert not (tmp_path / "package").exists()


def test_add_puts_the_report_into_the_store_and_its_manifest(tmp_path):
    corpus, manifest, store = tmp_path / "corpus", tmp_path / "new.manifest.tsv", tmp_path / "store"
    corpus.mkdir()
    done = xxgk("add", seed("001"), "--corpus", corpus, "--manifest", manifest, "--no-cache")
    assert done.returncode == 2 and "--store" in done.stderr  # a new manifest needs its store
    done = xxgk("add", seed("001"), "--corpus", corpus, "--manifest", manifest, "--store", store, "--no-cache")
    assert done.returncode == 0, done.stderr
    entries = read_manifest(str(manifest)).entries
    assert len(entries) == 1 and Store(str(store)).get(entries[0].sha256) == seed("001").read_bytes()
    assert (corpus / entries[0].path).read_bytes() == seed("001").read_bytes()
    done = xxgk("add", seed("002"), "--corpus", corpus, "--manifest", manifest, "--no-cache")  # the store it names
    assert done.returncode == 0, done.stderr
    assert len(read_manifest(str(manifest)).entries) == 2
    out = tmp_path / "package"
    assert xxgk("package", "--corpus", manifest, "--out", out, "--checkout", tmp_path / "checkout", "--no-cache").returncode == 0
    build(corpus, tmp_path / "from-folder", jobs=1)
    assert digests(out) == digests(tmp_path / "from-folder")
