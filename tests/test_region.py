"""Region resolution with real printed names (the seeds and names known to repeat across China)."""

import pytest

from xxgk.identify.region import resolve


@pytest.mark.parametrize("name, province, prefecture, county, code", [
    ("兴安区", "黑龙江省", "鹤岗市", "兴安区", "230405"),
    ("洛龙区定鼎门街道办事处", "河南省", "洛阳市", "洛龙区", "410311"),
    ("北关区信访局", "河南省", "安阳市", "北关区", "410503"),
    ("韶关市武江区人民政府办公室", "广东省", "韶关市", "武江区", "440203"),
    ("平潭县交通局", "福建省", "福州市", "平潭县", "350128"),
])
def test_printed_names_resolve(name, province, prefecture, county, code):
    r = resolve(name, 2024)
    assert (r.status, r.province, r.prefecture, r.county, r.county_code) == ("resolved", province, prefecture, county, code)
    assert r.evidence == "name" and r.corrected_from == ""


def test_a_one_character_typo_is_corrected_and_recorded():
    # 灋 for 瀍: 顺河回族区 (开封) also differs by one character, but 顺 is no look-alike of 灋
    r = resolve("灋河回族区城市管理局", 2024)
    assert (r.province, r.prefecture, r.county, r.county_code) == ("河南省", "洛阳市", "瀍河回族区", "410304")
    assert r.evidence == "corrected" and r.corrected_from == "灋河回族区"


def test_ambiguous_names_are_not_guessed():
    for name in ("新华区人民政府", "鼓楼区", "城关区"):
        r = resolve(name, 2024)
        assert r.status == "ambiguous" and r.county == "" and len(r.candidates) >= 2


def test_the_report_settles_an_ambiguous_name():
    r = resolve("新华区人民政府办公室", 2024, context="……本报告的电子版可在石家庄市新华区人民政府网站下载……")
    assert (r.prefecture, r.county, r.county_code, r.evidence) == ("石家庄市", "新华区", "130105", "context")


def test_province_and_prefecture_level_bodies():
    assert resolve("河南省人民政府办公厅", 2024).level == "province"
    r = resolve("韶关市人民政府", 2024)
    assert (r.level, r.prefecture, r.county) == ("prefecture", "韶关市", "")


def test_a_name_with_no_division_stays_unresolved():
    r = resolve("市场监督管理局", 2024)
    assert r.status == "unresolved" and r.province == ""


def test_override_with_reason():
    r = resolve("平潭综合实验区公安局", 2021)
    assert (r.county, r.county_code, r.evidence) == ("平潭县", "350128", "override")
