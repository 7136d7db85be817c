"""The content-addressed store and its manifest, on real fsspec file systems (a local folder and
memory://): objects are verified, manifests are deterministic and read leniently, and a folder
corpus imported into a store gives the same provenance as the folder."""

import hashlib
import shutil

import fsspec
import pytest
from conftest import ROOT

from xxgk.add import Added, keep_in_store
from xxgk.corpus import provenance
from xxgk.corpus.store import (
    MANIFEST_FIELDS,
    CorruptObject,
    Entry,
    Manifest,
    MissingObject,
    Store,
    StoreError,
    add_to_store,
    checkout,
    import_folder,
    is_manifest,
    manifest_bytes,
    open_store,
    provenance_records,
    read_manifest,
    resolve_store,
    verify,
    write_manifest,
)
from xxgk.corpus.walk import corpus_files
from xxgk.model import Report

CORPUS = ROOT / "corpus"
PDF = "2024/huai-an-shi-hong-ze-qu-ren-min-zheng-fu-82ba40ad.pdf"
SAMPLE = [PDF, "2020/pingtan-gaj.txt", "2024/pingtan-jjp.html", "2025/pingtan-spp.txt"]


@pytest.fixture(autouse=True)
def empty_memory():
    """fsspec's memory file system is one per process: each test starts and ends with it empty."""
    memory = fsspec.filesystem("memory")
    memory.store.clear()
    memory.pseudo_dirs[:] = [""]
    yield
    memory.store.clear()
    memory.pseudo_dirs[:] = [""]


@pytest.fixture(params=["folder", "memory"])
def store(request, tmp_path) -> Store:
    return Store(str(tmp_path / "objects") if request.param == "folder" else "memory://objects")


@pytest.fixture
def folder_corpus(tmp_path):
    """Four files of the bundled corpus (PDF, text, HTML) and a provenance line for one of them."""
    root = tmp_path / "corpus"
    for rel in SAMPLE:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / rel, root / rel)
    digest = hashlib.sha256((root / PDF).read_bytes()).hexdigest()
    provenance.append(root, {"source_file": PDF, "origin": "https://www.hongze.gov.cn/a/hzq-2024.pdf", "retrieved": "2026-12-01T19:31:58Z",
                             "sha256": digest, "format": "pdf", "page": "https://www.hongze.gov.cn/a/1.html", "list": "", "warc": ""})
    return root


def test_put_then_get_gives_the_bytes_back_under_their_digest(store):
    data = "政府信息公开工作年度报告".encode()
    digest = store.put(data)
    assert digest == hashlib.sha256(data).hexdigest()
    assert store.exists(digest) and store.get(digest) == data
    assert store.put(data) == digest  # written once
    assert store.key(digest) == f"sha256/{digest[:2]}/{digest}"
    assert store.open_url(digest).endswith(f"/objects/sha256/{digest[:2]}/{digest}")
    with fsspec.open(store.open_url(digest), "rb") as f:  # the address is one a reader can open
        assert f.read() == data


def test_a_local_object_leaves_no_temporary_file_and_has_one_location(tmp_path):
    store = Store(str(tmp_path / "objects"))
    digest = store.put(b"report")
    assert [p.name for p in (tmp_path / "objects" / "sha256" / digest[:2]).iterdir()] == [digest]
    assert Store(f"file://{tmp_path}/objects").url == store.url == str(tmp_path / "objects")


def test_a_missing_or_damaged_object_raises_its_own_error(store):
    absent = hashlib.sha256(b"absent").hexdigest()
    assert not store.exists(absent)
    with pytest.raises(MissingObject, match=absent):
        store.get(absent)
    digest = store.put(b"the report as downloaded")
    store.fs.pipe_file(f"{store.root}/{store.key(digest)}", b"the report, one byte changed!")
    with pytest.raises(CorruptObject, match="damaged"):
        store.get(digest)
    assert isinstance(CorruptObject("x"), StoreError) and isinstance(MissingObject("x"), StoreError)
    with pytest.raises(ValueError):
        store.get("../../etc/passwd")


def test_putting_again_repairs_an_object_cut_short(store):
    data = b"x" * 1000
    digest = store.put(data)
    store.fs.pipe_file(f"{store.root}/{store.key(digest)}", data[:10])
    store.put(data)
    assert store.get(digest) == data


def test_a_public_address_is_the_readers_way_to_one_file(tmp_path):
    store = Store(str(tmp_path), public_url="https://xxgk-objects.example.org/")
    digest = store.put(b"report")
    assert store.open_url(digest) == f"https://xxgk-objects.example.org/sha256/{digest[:2]}/{digest}"


def _entry(path: str, data: bytes, **fields) -> Entry:
    record = dict.fromkeys(provenance.FIELDS, "") | fields | {"source_file": path, "sha256": hashlib.sha256(data).hexdigest()}
    return Entry(record, len(data))


def test_a_manifest_is_the_same_bytes_whatever_order_it_is_given_in(tmp_path):
    entries = [_entry("2024/b.pdf", b"b", origin="https://x.gov.cn/b.pdf", retrieved="2026-01-02T03:04:05Z", format="pdf",
                      warc="h-00000.warc.gz#<urn:uuid:1>"),
               _entry("2024/a.txt", b"a", origin="a.txt\twith a tab", format="text"),
               _entry("2023/c.html", b"c", page="https://x.gov.cn/c.html")]
    one = manifest_bytes(Manifest(entries, "../objects"))
    assert one == manifest_bytes(Manifest(entries[::-1], "../objects"))
    lines = one.decode("utf-8").split("\n")
    assert lines[0] == "# store: ../objects" and lines[1].split("\t") == MANIFEST_FIELDS and lines[-1] == ""
    assert [line.split("\t")[0] for line in lines[2:-1]] == ["2023/c.html", "2024/a.txt", "2024/b.pdf"]
    assert b"\r" not in one
    write_manifest(str(tmp_path / "c.manifest.tsv"), Manifest(entries, "../objects"))
    again = read_manifest(str(tmp_path / "c.manifest.tsv"))
    assert again.problems == [] and again.store == "../objects"
    assert [(e.record, e.size) for e in again.entries] == [(e.record, e.size) for e in sorted(entries, key=lambda e: e.path)]
    write_manifest(str(tmp_path / "d.manifest.tsv"), again)
    assert (tmp_path / "d.manifest.tsv").read_bytes() == (tmp_path / "c.manifest.tsv").read_bytes() == one
    with pytest.raises(ValueError):
        manifest_bytes(Manifest(entries + entries[:1]))


def test_a_manifest_is_read_leniently_and_says_what_is_wrong(tmp_path):
    good, other = "a" * 64, "b" * 64
    text = ("# store: s3://xxgk-objects/corpus\n"
            "path\tsha256\tbytes\torigin\tretrieved\tformat\n"
            f"2024/z.pdf\t{good}\t-5\thttps://x.gov.cn/z.pdf\t2026-01-02T03:04:05Z\tpdf\n"
            f"2024/a.pdf\t{good.upper()}\t12\tx\tyesterday\tpdf\n"
            "2024/bad.pdf\tnot-a-digest\t1\tx\t\tpdf\n"
            f"2024/a.pdf\t{other}\t1\tx\t\tpdf\n"
            f"../outside.pdf\t{other}\t1\tx\t\tpdf\n"
            f"2024/.hidden\t{other}\t1\n"
            f"\t{other}\t1\tx\t\tpdf\n"
            f"2024/short.txt\t{other}\n"
            "\n")
    (tmp_path / "m.manifest.tsv").write_text(text, encoding="utf-8")
    m = read_manifest(str(tmp_path / "m.manifest.tsv"))
    assert m.store == "s3://xxgk-objects/corpus" and m.store_url == "s3://xxgk-objects/corpus"
    assert [e.path for e in m.entries] == ["2024/a.pdf", "2024/short.txt", "2024/z.pdf"]
    a, short, z = m.entries
    assert a.sha256 == good and a.size == 12 and a.record["retrieved"] == ""  # digests are lowercase; a bad time left empty
    assert z.size is None and z.record["origin"] == "https://x.gov.cn/z.pdf"
    assert short.size is None and short.record["format"] == ""
    said = [(p.source_file, p.en) for p in m.problems]
    assert ("2024/z.pdf", "line 3 of the manifest: size '-5' is no count of bytes; left empty") in said
    assert any(s == "2024/a.pdf" and "retrieved 'yesterday'" in e for s, e in said)
    assert any(s == "2024/bad.pdf" and "'not-a-digest' is not 64 hexadecimal digits" in e for s, e in said)
    assert ("2024/a.pdf", "line 6 of the manifest names the same path as line 4; only the first is used") in said
    assert any(s == "../outside.pdf" and "no relative path" in e for s, e in said)
    assert any(s == "2024/.hidden" for s, _ in said)
    assert ("", "line 9 of the provenance file names no file; not used") in said
    assert any(s == "2024/short.txt" and "2 fields, not 6" in e for s, e in said)
    assert all(p.zh for p in m.problems)


def test_a_manifest_without_its_columns_lists_nothing(tmp_path):
    (tmp_path / "x.manifest.tsv").write_bytes("文件\t摘要\n2024/a.pdf\tx\n".encode("gb18030"))
    m = read_manifest(str(tmp_path / "x.manifest.tsv"))
    assert m.entries == [] and m.store == ""
    assert [p.en for p in m.problems] == ["the provenance file x.manifest.tsv is not UTF-8; it was read as GB18030",
                                          "the manifest x.manifest.tsv has no 'path' or no 'sha256' header; its lines are not used"]
    with pytest.raises(StoreError, match="names no store"):
        open_store(m)
    with pytest.raises(FileNotFoundError):
        read_manifest(str(tmp_path / "absent.manifest.tsv"))


def test_a_manifest_is_read_from_memory_and_names_its_store_relative_to_itself(tmp_path):
    store = Store("memory://objects")
    store.put(b"a")
    with fsspec.open("memory://corpus/2024.manifest.tsv", "wb") as f:
        f.write(manifest_bytes(Manifest([_entry("2024/a.txt", b"a")], "../objects")))
    m = read_manifest("memory://corpus/2024.manifest.tsv")
    assert m.problems == [] and m.entries[0].path == "2024/a.txt" and m.entries[0].size == 1
    assert m.store_url == "memory://objects" and open_store(m).get(m.entries[0].sha256) == b"a"
    with pytest.raises(MissingObject):  # --store names another store
        open_store(m, str(tmp_path)).get(m.entries[0].sha256)


def test_relative_store_references():
    assert resolve_store("../objects", "/srv/xxgk/corpus/2024.manifest.tsv") == "/srv/xxgk/objects"
    assert resolve_store("objects", "s3://bucket/m/c.manifest.tsv") == "s3://bucket/m/objects"
    assert resolve_store("s3://b/o", "/x/c.manifest.tsv") == "s3://b/o"
    assert resolve_store("/abs/o", "memory://c.manifest.tsv") == "/abs/o"


def test_is_manifest():
    assert is_manifest("corpus.manifest.tsv") and is_manifest("s3://b/2024.MANIFEST.tsv")
    assert not is_manifest("corpus") and not is_manifest("corpus/.provenance.tsv") and not is_manifest("x.tsv")


def test_a_folder_corpus_and_its_import_give_the_same_files_and_provenance(folder_corpus, store, tmp_path):
    manifest = str(tmp_path / "corpus.manifest.tsv")
    imported, notes = import_folder(folder_corpus, store, manifest)
    assert notes == []
    assert [e.path for e in imported.entries] == [p.relative_to(folder_corpus).as_posix() for p in corpus_files(folder_corpus)]
    m = read_manifest(manifest)
    assert m.problems == [] and open_store(m).url == store.url
    assert provenance_records(m) == provenance.read(folder_corpus)[0]
    for e in m.entries:
        data = (folder_corpus / e.path).read_bytes()
        assert store.get(e.sha256) == data and e.size == len(data)
    # …and back: a checkout of the manifest is the folder again
    written, others = checkout(m, store, tmp_path / "checkout")
    assert written == len(SAMPLE) and others == []
    assert provenance.read(tmp_path / "checkout")[0] == provenance.read(folder_corpus)[0]
    for p in corpus_files(folder_corpus):
        rel = p.relative_to(folder_corpus)
        assert (tmp_path / "checkout" / rel).read_bytes() == p.read_bytes()
    assert checkout(m, store, tmp_path / "checkout") == (0, [])  # files already right are kept
    assert verify(m, store) == []
    damaged = m.entries[0]
    store.fs.pipe_file(f"{store.root}/{store.key(damaged.sha256)}", b"damaged")
    store.fs.rm(f"{store.root}/{store.key(m.entries[1].sha256)}")
    m.entries[2].size = 1
    wrong = verify(m, store)
    assert [path for path, _ in wrong] == [e.path for e in m.entries[:3]]
    assert "damaged" in wrong[0][1] and "no object" in wrong[1][1] and "says 1 bytes" in wrong[2][1]
    for e in m.entries[:2]:
        store.put((folder_corpus / e.path).read_bytes())  # repaired from the folder
    import_folder(folder_corpus, store, str(tmp_path / "again.manifest.tsv"))
    assert (tmp_path / "again.manifest.tsv").read_bytes() == (tmp_path / "corpus.manifest.tsv").read_bytes()


def test_an_import_says_what_it_does_not_carry_over(folder_corpus, tmp_path):
    provenance.append(folder_corpus, {"source_file": "2019/gone.pdf", "origin": "gone.pdf", "retrieved": "", "sha256": "",
                                      "format": "pdf", "page": "", "list": "", "warc": ""})
    provenance.append(folder_corpus, {"source_file": SAMPLE[1], "origin": "gaj.txt", "retrieved": "", "sha256": "0" * 64,
                                      "format": "text", "page": "", "list": "", "warc": ""})
    _, notes = import_folder(folder_corpus, Store(str(tmp_path / "objects")), str(tmp_path / "c.manifest.tsv"))
    assert any("2019/gone.pdf is recorded but not in the corpus" in n for n in notes)
    assert any(n.startswith(f"{SAMPLE[1]}: .provenance.tsv records the digest 000") for n in notes)
    m = read_manifest(str(tmp_path / "c.manifest.tsv"))
    assert {e.path: e.sha256 for e in m.entries}[SAMPLE[1]] == hashlib.sha256((folder_corpus / SAMPLE[1]).read_bytes()).hexdigest()


def test_adding_to_a_store_twice_changes_nothing(store, tmp_path):
    data = (CORPUS / PDF).read_bytes()
    record = {"source_file": PDF, "origin": "hzq-2024.pdf", "retrieved": "2026-12-01T19:31:58Z", "format": "pdf"}
    manifest = str(tmp_path / "corpus.manifest.tsv")
    entry = add_to_store(store, manifest, data, record)
    assert entry.sha256 == hashlib.sha256(data).hexdigest() and entry.size == len(data)
    first = (tmp_path / "corpus.manifest.tsv").read_bytes()
    assert add_to_store(store, manifest, data, record) == entry
    assert (tmp_path / "corpus.manifest.tsv").read_bytes() == first
    m = read_manifest(manifest)
    assert open_store(m).url == store.url and store.get(m.entries[0].sha256) == data
    assert provenance_records(m)[PDF]["origin"] == "hzq-2024.pdf"
    # the same path with new content replaces the line
    add_to_store(store, manifest, b"republished", record | {"retrieved": "2026-12-02T00:00:00Z"})
    m = read_manifest(manifest)
    assert len(m.entries) == 1 and store.get(m.entries[0].sha256) == b"republished"
    with pytest.raises(ValueError, match="digest"):
        add_to_store(store, manifest, b"x", record | {"sha256": "0" * 64})
    with pytest.raises(ValueError, match="relative path"):
        add_to_store(store, manifest, b"x", record | {"source_file": "../x.pdf"})


def test_a_manifest_in_memory_gets_its_lines_added(store):
    add_to_store(store, "memory://corpus.manifest.tsv", b"a", {"source_file": "2024/a.txt", "origin": "a.txt"})
    add_to_store(store, "memory://corpus.manifest.tsv", b"b", {"source_file": "2023/b.txt", "origin": "b.txt"})
    m = read_manifest("memory://corpus.manifest.tsv")
    assert [e.path for e in m.entries] == ["2023/b.txt", "2024/a.txt"] and open_store(m).url == store.url


def test_a_manifest_is_not_rewritten_over_problems_or_into_another_store(tmp_path):
    manifest = str(tmp_path / "c.manifest.tsv")
    add_to_store(Store(str(tmp_path / "one")), manifest, b"a", {"source_file": "a.txt"})
    with pytest.raises(StoreError, match="not of"):
        add_to_store(Store(str(tmp_path / "two")), manifest, b"b", {"source_file": "b.txt"})
    with open(manifest, "a", encoding="utf-8") as f:
        f.write("b.txt\tnot-a-digest\t1\n")
    before = (tmp_path / "c.manifest.tsv").read_bytes()
    with pytest.raises(StoreError, match="problems"):
        add_to_store(Store(str(tmp_path / "one")), manifest, b"c", {"source_file": "c.txt"})
    assert (tmp_path / "c.manifest.tsv").read_bytes() == before


def test_keep_in_store_records_what_add_added(folder_corpus, tmp_path):
    store = Store(str(tmp_path / "objects"))
    added = Added(folder_corpus / PDF, Report(), [Added(folder_corpus / SAMPLE[1], Report())])
    entries = keep_in_store(added, folder_corpus, store, str(tmp_path / "c.manifest.tsv"))
    assert [e.path for e in entries] == [PDF, SAMPLE[1]]
    m = read_manifest(str(tmp_path / "c.manifest.tsv"))
    assert provenance_records(m) == {PDF: provenance.read(folder_corpus)[0][PDF]}
