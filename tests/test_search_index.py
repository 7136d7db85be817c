"""The agency search index (xxgk/site/search.py) queried by the site's own client
(docs/javascripts/search.js, under node): a name's characters in order, a region, pinyin and a
misprinted name found by its region's correct name; the same agencies make the same bytes; a query
reads a few small files, not the whole index."""

import gzip
import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

from xxgk.site import search
from xxgk.site.links import agency_href

CLIENT = ROOT / "docs" / "javascripts" / "search.js"
NODE = shutil.which("node")
RUN = """
const fs = require("fs");
const { Searcher } = require(process.argv[2]);
const dir = process.argv[3];
(async () => {
  const out = {};
  for (const q of process.argv.slice(4)) {
    const files = [];
    const s = new Searcher(async (name) => { files.push(name); return JSON.parse(fs.readFileSync(dir + "/" + name)); });
    out[q] = Object.assign(await s.find(q), { files });
  }
  console.log(JSON.stringify(out));
})();
"""
FUJIAN = {"province": "福建省", "province_code": "350000", "prefecture": "福州市", "prefecture_code": "350100"}
PINGTAN = FUJIAN | {"county": "平潭县", "county_code": "350128"}
CHANHE = {"province": "河南省", "province_code": "410000", "prefecture": "洛阳市", "prefecture_code": "410300",
          "county": "瀍河回族区", "county_code": "410304"}
XIANGTAN = {"province": "湖南省", "province_code": "430000", "prefecture": "湘潭市", "prefecture_code": "430300"}


def agency(aid: str, name: str, region: dict | None = None, names: str = "") -> dict:
    row = dict.fromkeys(("province", "province_code", "prefecture", "prefecture_code", "county", "county_code"), "")
    return row | (region or {}) | {"agency_id": aid, "name": name, "names": names or name}


AGENCIES = [
    agency("fu-zhou-shi-ping-tan-xian-gong-an-ju", "福州市平潭县公安局", PINGTAN),
    agency("fu-zhou-shi-ping-tan-xian-jiao-tong-ju", "平潭综合实验区交通与建设局", PINGTAN, "平潭综合实验区交通与建设局；平潭县交通局"),
    agency("fu-zhou-shi-gong-an-ju", "福州市公安局", FUJIAN),
    agency("luo-yang-shi-chan-he-hui-zu-qu-cheng-shi-guan-li-ju", "灋河回族区城市管理局", CHANHE),
    agency("xiang-tan-shi-gong-an-ju", "湘潭市公安局", XIANGTAN),
    agency("xiang-tan-shi-ping-an-jie-dao", "湘潭市平安街道办事处", XIANGTAN),
    agency("ping-an-gong-si", "平安公司"),  # no region
    agency("INDEX", "北关区信访局<script>", {"province": "河南省", "province_code": "410000"}),
]
YEARS = {"fu-zhou-shi-ping-tan-xian-gong-an-ju": "2020、2021"}


@pytest.fixture(scope="module")
def node() -> str:
    if not NODE:
        pytest.fail("no node on PATH: the search client is checked with it (Debian: apt-get install nodejs)")
    return NODE


def find(folder: Path, *queries: str) -> dict:
    script = folder.parent / "run.js"
    script.write_text(RUN, encoding="utf-8")
    out = subprocess.run([NODE or "node", str(script), str(CLIENT), str(folder), *queries], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("search") / "search"
    search.write(folder, AGENCIES, YEARS)
    return folder


def names(result: dict) -> list[str]:
    return [hit["name"] for hit in result["hits"]]


def test_characters_in_order_find_an_agency_and_exact_substrings_rank_first(node, index):
    found = find(index, "平潭公安", "公安", "北关<script>")
    assert names(found["平潭公安"]) == ["福州市平潭县公安局"]
    hit = found["平潭公安"]["hits"][0]
    assert hit == {"name": "福州市平潭县公安局", "link": "agencies/fu-zhou-shi-ping-tan-xian-gong-an-ju.html",
                   "region": "福建省福州市平潭县", "years": "2020、2021"}
    # 公安 printed whole comes before 公…安 apart (湘潭市平安街道 has neither together; 平安公司 has 安 before 公)
    assert names(found["公安"]) == ["福州市公安局", "湘潭市公安局", "福州市平潭县公安局"]
    assert names(found["北关<script>"]) == ["北关区信访局<script>"]


def test_a_region_finds_its_agencies_by_name_or_code(node, index):
    found = find(index, "福建", "福州 公安", "350128", "35", "湖南")
    assert sorted(names(found["福建"])) == ["平潭综合实验区交通与建设局", "福州市公安局", "福州市平潭县公安局"]
    assert names(found["福州 公安"]) == ["福州市公安局", "福州市平潭县公安局"]
    assert sorted(names(found["350128"])) == ["平潭综合实验区交通与建设局", "福州市平潭县公安局"]
    assert len(found["35"]["hits"]) == 3
    assert sorted(names(found["湖南"])) == ["湘潭市公安局", "湘潭市平安街道办事处"]


def test_pinyin_finds_agencies(node, index):
    found = find(index, "pingtan", "pingtangongan", "xiangtan", "pingt", "PingTan")
    assert sorted(names(found["pingtan"])) == ["平潭综合实验区交通与建设局", "福州市平潭县公安局"]
    assert names(found["pingtangongan"]) == ["福州市平潭县公安局"]
    assert sorted(names(found["xiangtan"])) == ["湘潭市公安局", "湘潭市平安街道办事处"]
    assert "福州市平潭县公安局" in names(found["pingt"])  # the last syllable begun
    assert found["PingTan"]["hits"] == found["pingtan"]["hits"]


def test_a_misprinted_name_is_found_by_its_region_and_other_names(node, index):
    found = find(index, "瀍河", "瀍河城管", "灋河", "平潭县交通", "zzzz", "鑫")
    assert names(found["瀍河"]) == ["灋河回族区城市管理局"]
    assert names(found["瀍河城管"]) == ["灋河回族区城市管理局"]
    assert names(found["灋河"]) == ["灋河回族区城市管理局"]
    assert names(found["平潭县交通"]) == ["平潭综合实验区交通与建设局"]  # an earlier printing of its name
    assert found["zzzz"]["hits"] == [] and found["鑫"] == {"hits": [], "total": 0, "complete": True, "files": ["manifest.json"]}


def test_links_are_the_sites_and_regions_are_runs_of_ids(index):
    records = search.read_records(index)
    by_name = {a["name"]: a for a in AGENCIES}
    assert [r[1] for r in records] == [agency_href(by_name[r[0]]["agency_id"], "") for r in records]
    assert agency_href("INDEX", "").startswith("agencies/_index-")
    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    for code, name, _parent, start, end in manifest["g"]:
        inside = {i for i, r in enumerate(records) if r[2] >= 0 and any(
            manifest["g"][g][0] == code for g in _chain(manifest["g"], r[2]))}
        assert inside == set(range(start, end)), name
    assert records[-1][0] == "平安公司" and records[-1][2] == -1  # agencies with no region come last


def _chain(regions: list, g: int) -> list[int]:
    out = []
    while g >= 0:
        out.append(g)
        g = regions[g][2]
    return out


def test_the_same_agencies_make_the_same_bytes(tmp_path):
    shuffled = AGENCIES[:]
    random.Random(1).shuffle(shuffled)
    assert search.index_files(AGENCIES, YEARS) == search.index_files(shuffled, YEARS)
    search.write(tmp_path / "a", AGENCIES, YEARS)
    search.write(tmp_path / "b", list(reversed(AGENCIES)), YEARS)
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)


def many(n: int) -> list[dict]:
    """n agencies over 300 counties of 30 prefectures of 6 provinces, with the usual departments."""
    places = "安柏碧苍昌辰春翠丹德东峰福冈高歌谷桂海禾红湖华槐黄徽佳江金景菊康兰朗乐黎莲良林灵柳龙鹿梅明南宁盘浦秦青"
    bodies = ["公安局", "财政局", "教育局", "民政局", "司法局", "审计局", "统计局", "林业局", "水利局", "商务局", "信访局", "城市管理局",
              "人民政府办公室", "市场监督管理局", "卫生健康委员会", "交通运输局", "农业农村局", "自然资源局", "应急管理局", "医疗保障局"]
    rows = []
    for i in range(n):
        county, body = divmod(i, len(bodies))
        p, f, c = county % 6, county % 30, county % 300
        region = {"province": f"{places[p]}{places[p + 1]}省", "province_code": f"{11 + p}0000",
                  "prefecture": f"{places[f]}{places[(f + 7) % 50]}市", "prefecture_code": f"{11 + p}{f + 1:02d}00",
                  "county": f"{places[c % 50]}{places[(c // 50 + 3) % 50]}县", "county_code": f"{11 + p}{f + 1:02d}{c // 30 + 1:02d}"}
        rows.append(agency(f"a-{i}", region["county"] + bodies[body] + ("" if i < 6000 else str(i // 6000)), region))
    return rows


def test_a_query_reads_a_few_small_files(node, tmp_path):
    """20,000 agencies: the index is files of bounded size; a query reads the manifest and a
    few chunks, a small part of the index."""
    folder = tmp_path / "search"
    sizes = search.write(folder, many(20_000), {})
    whole = sum(sizes.values())
    assert max(size for name, size in sizes.items() if name.startswith("r")) < 40_000
    assert sizes["manifest.json"] < 60_000
    first = many(20_000)[12_345]
    found = find(folder, first["name"][:2] + first["name"][3:5], first["county"], "gonganju")
    for (q, result), share in zip(found.items(), (10, 10, 4), strict=True):  # a word every county has reads more
        read = sum(sizes[f] for f in result["files"])
        assert result["hits"], q
        assert read < whole / share and read < 1_000_000, (q, read, whole)
        assert len(result["hits"]) <= 200
    assert first["name"] in names(found[first["county"]])
    assert sum(len(gzip.compress((folder / f).read_bytes())) for f in found["gonganju"]["files"]) < 200_000
