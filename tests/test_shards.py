"""A sharded build (`xxgk package --shard K/N` on each machine, then `xxgk assemble`) publishes the
package a one-machine build publishes, byte for byte; fragments that cannot make the corpus's
package are refused with the reason."""

import json
import shutil
from pathlib import Path

import pytest
from conftest import xxgk
from test_package import digests

from xxgk.package import assemble_shards, build, build_shard
from xxgk.package.fragments import FragmentsError, in_shard

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, mixed_corpus):
    """The bundled corpus (real reports of several years, copies of one report in two formats, PDFs,
    provenance) and the mixed corpus's bad files and duplicates."""
    root = tmp_path_factory.mktemp("sharded") / "corpus"
    shutil.copytree(CORPUS, root)
    shutil.copytree(mixed_corpus, root / "mixed")
    return root


@pytest.fixture(scope="module")
def one_machine(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("one") / "package"
    build(corpus, out, jobs=2)
    return out


def test_a_two_shard_build_is_the_one_machine_build(corpus, one_machine, tmp_path):
    shards = [tmp_path / "fragments" / str(k) for k in (1, 2)]
    for k, folder in enumerate(shards, start=1):
        done = xxgk("package", "--shard", f"{k}/2", "--corpus", corpus, "--out", folder, "--no-cache")
        assert done.returncode == 0, done.stderr
        assert f"shard {k}/2" in done.stdout
    counts = [json.loads((f / "shard.json").read_text(encoding="utf-8"))["files"] for f in shards]
    assert all(counts) and sum(counts) == sum(1 for p in corpus.rglob("*") if p.is_file() and not p.name.startswith("."))
    out = tmp_path / "package"
    done = xxgk("assemble", *shards, "--corpus", corpus, "--out", out)
    assert done.returncode == 0, done.stderr
    assert digests(out) == digests(one_machine)


def test_three_shards_in_any_order_and_through_the_cache(corpus, one_machine, tmp_path):
    shards = [tmp_path / f"shard-{k}" for k in (1, 2, 3)]
    for k, folder in enumerate(shards, start=1):
        build_shard(corpus, folder, f"{k}/3", jobs=1, cache=tmp_path / "cache")
    build_shard(corpus, shards[1], "2/3", jobs=1, cache=tmp_path / "cache")  # again, from the cache
    assemble_shards(list(reversed(shards)), corpus, tmp_path / "package")
    assert digests(tmp_path / "package") == digests(one_machine)
    for _ in range(2):  # the parts kept by the first assemble are copied by the second
        assemble_shards(shards, corpus, tmp_path / "package", cache=tmp_path / "parts")
        assert digests(tmp_path / "package") == digests(one_machine)
    assert any((tmp_path / "parts").rglob("*.valid"))


def test_shards_split_the_files_by_their_path():
    paths = [f"{year}/report-{i}.txt" for year in range(2021, 2025) for i in range(50)]
    for n in (1, 2, 5):
        owners = [[k for k in range(1, n + 1) if in_shard(p, k, n)] for p in paths]
        assert all(len(o) == 1 for o in owners)  # each file in exactly one shard
        assert len({o[0] for o in owners}) == n  # and every shard gets some


def test_fragments_that_cannot_make_the_package_are_refused(corpus, tmp_path):
    small = tmp_path / "corpus"
    shutil.copytree(corpus / "mixed" / "2024", small)
    first, second = tmp_path / "1", tmp_path / "2"
    build_shard(small, first, "1/2", jobs=1)
    build_shard(small, second, "2/2", jobs=1)
    with pytest.raises(FragmentsError, match="every shard"):
        assemble_shards([first], small, tmp_path / "out")
    with pytest.raises(FragmentsError, match="every shard"):
        assemble_shards([first, first], small, tmp_path / "out")
    (small / "new.txt").write_bytes((corpus / "mixed" / "gaj-2021.txt").read_bytes())
    with pytest.raises(FragmentsError, match="not of this corpus"):
        assemble_shards([first, second], small, tmp_path / "out")
    (small / "new.txt").unlink()
    shard = json.loads((first / "shard.json").read_text(encoding="utf-8"))
    (first / "shard.json").write_text(json.dumps({**shard, "parser": "0000"}), encoding="utf-8")
    with pytest.raises(FragmentsError, match="another parser"):
        assemble_shards([first, second], small, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    done = xxgk("assemble", first, second, "--corpus", small, "--out", tmp_path / "out")
    assert done.returncode == 2 and "another parser" in done.stderr
    done = xxgk("package", "--shard", "3/2", "--corpus", small, "--out", tmp_path / "x")
    assert done.returncode == 2 and "between 1 and N" in done.stderr
