"""The site's wording is data: every word of the site's own is in xxgk/site/strings.zh.yaml, each
key the code uses is there with the parameters the code fills, and the code holds no Chinese."""

import ast
import re
import string
from pathlib import Path

from conftest import ROOT

from xxgk.package.schema import schemas
from xxgk.site.strings import table

SITE = ROOT / "xxgk" / "site"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")  # ideographs and full-width punctuation


def calls(name: str) -> list[tuple[Path, ast.Call]]:
    """Every call of `name("key", ...)` in the site's modules."""
    out = []
    for path in sorted(SITE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name and node.args:
                out.append((path, node))
    return out


def test_the_code_holds_no_chinese():
    found = []
    for path in sorted(SITE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CJK.search(node.value):
                found.append(f"{path.name}:{node.lineno} {node.value[:40]!r}")
    assert found == []


def test_every_key_used_is_there_and_every_key_there_is_used():
    used = set()
    for name in ("t", "words", "word"):
        for path, call in calls(name):
            key = call.args[0]
            assert isinstance(key, ast.Constant) and isinstance(key.value, str), f"{path.name}:{call.lineno}: a key is a literal"
            assert key.value in table(), f"{path.name}:{call.lineno}: no string {key.value!r}"
            used.add(key.value)
    assert set(table()) - used == set()


def test_every_template_gets_exactly_its_parameters():
    for path, call in calls("t"):
        template = table()[call.args[0].value]
        assert isinstance(template, str), call.args[0].value
        fields = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
        given = {k.arg for k in call.keywords}
        assert given == fields, f"{path.name}:{call.lineno}: {call.args[0].value} takes {fields}, is given {given}"
    for path, call in calls("words"):
        assert isinstance(table()[call.args[0].value], (list, dict)), f"{path.name}:{call.lineno}"
    for path, call in calls("word"):
        assert isinstance(table()[call.args[0].value], dict), f"{path.name}:{call.lineno}"


def test_words_for_published_values_name_values_the_schema_allows():
    def enum(resource: str, field: str) -> set:
        return set(next(f for f in schemas()[resource]["fields"] if f["name"] == field)["constraints"]["enum"])

    assert set(table()["agency_types"]) <= enum("agencies", "agency_type")
    assert set(table()["agency_levels"]) <= enum("agencies", "level")
    assert set(table()["region_evidence"]) <= enum("agencies", "region_evidence")
    assert set(table()["evidence"]) <= enum("facts", "evidence")
    assert set(table()["code_kinds"]) == enum("codes", "kind")
    # every value a reader meets in a table of the site, in words
    assert set(table()["report_status"]) == enum("reports", "status")
    assert set(table()["severity"]) == enum("checks", "severity")


def test_coded_values_read_in_the_pages_language_with_their_code():
    from xxgk.site.strings import word

    assert word("severity", "error") == f"{table()['severity']['error']}（error）"
    assert word("report_status", "partial").endswith("（partial）") and word("report_status", "partial") != "partial"
    assert word("severity", "unheard-of") == "unheard-of" and word("severity", None) == ""  # never dropped, never invented


def test_every_table_and_field_is_described_in_chinese_first():
    """The downloads page and the data dictionary show the schema's descriptions on a Chinese site:
    each says it in Chinese, then in English."""
    from xxgk.package.schema import resource_text, texts

    assert all(CJK.search(source["description"][:40]) for source in texts()["package"]["sources"])
    for name, schema in schemas().items():
        assert CJK.search(resource_text(name)[1][:40]), name
        for f in schema["fields"]:
            assert CJK.search(f["description"][:40]), f"{name}.{f['name']}: {f['description'][:60]}"


# Chinese in the English wording, each for a reason: a sentence that names a label as the report
# prints it, glossed in English, so that a reader finds it in the printed report (the report's title,
# “（七）总计”); the examples of searching and filtering, since agencies are found by their Chinese names.
EN_CJK = {"language_names", "home_intro", "home_handled_note", "outcomes_no_total", "outcomes_disagree", "rankings_intro",
          "home_search_placeholder", "agencies_filter_placeholder", "search_intro", "search_hint"}


def placeholders(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}


def differences(zh, en, path: str = "") -> list[str]:
    """Where the English wording is not shaped like the Chinese: keys, list lengths, links, the
    parameters of each template."""
    if isinstance(zh, str) and isinstance(en, dict) and set(en) == {"one", "other"}:  # English forms by number (strings.t)
        return [d for form in ("one", "other") for d in differences(zh, en[form], f"{path}.{form}")]
    if type(zh) is not type(en):
        return [f"{path}: {type(zh).__name__} in zh, {type(en).__name__} in en"]
    if isinstance(zh, dict):
        out = [f"{path}.{k}: {'only in zh' if k in zh else 'only in en'}" for k in sorted(set(zh) ^ set(en))]
        for k in sorted(set(zh) & set(en)):
            out += differences(zh[k], en[k], f"{path}.{k}")
        if "href" in zh and zh["href"] != en["href"]:
            out.append(f"{path}.href: {zh['href']} in zh, {en['href']} in en")
        return out
    if isinstance(zh, list):
        if len(zh) != len(en):
            return [f"{path}: {len(zh)} items in zh, {len(en)} in en"]
        return [d for k, (a, b) in enumerate(zip(zh, en)) for d in differences(a, b, f"{path}[{k}]")]
    if isinstance(zh, str) and placeholders(zh) != placeholders(en):
        return [f"{path}: {sorted(placeholders(zh))} in zh, {sorted(placeholders(en))} in en"]
    return []


def strings_of(value, key: str = ""):
    """Every string of a value with the top-level key it is under."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from strings_of(v, key or k)
    elif isinstance(value, list):
        for v in value:
            yield from strings_of(v, key)
    elif isinstance(value, str):
        yield key, value


def test_the_english_wording_has_every_key_and_parameter_of_the_chinese():
    assert table("en")["lang"] == "en"
    # region_kinds: the suffixes of Chinese region names a language names in its own words (none in Chinese)
    assert differences({**table("zh"), "region_kinds": {}}, {**table("en"), "region_kinds": {}}) == []
    assert table("zh")["region_kinds"] == {} and all(CJK.search(k) and not CJK.search(v) for k, v in table("en")["region_kinds"].items())


def test_differences_are_found():
    """The comparison above can fail: a missing key, a short list, another link, a lost parameter."""
    zh = {"a": "{x}年", "b": [{"text": "一", "href": "a.html"}], "c": ["一", "二"]}
    assert differences(zh, {"a": "year {x}", "b": [{"text": "one", "href": "a.html"}], "c": ["1", "2"]}) == []
    assert set(differences(zh, {"a": "year", "b": [{"text": "one", "href": "b.html"}], "c": ["1"], "d": ""})) == {
        ".a: ['x'] in zh, [] in en", ".d: only in en", ".b[0].href: a.html in zh, b.html in en", ".c: 2 items in zh, 1 in en"}


def test_every_english_template_can_be_filled():
    for key, text in strings_of(table("en")):
        text.format_map({name: "x" for name in placeholders(text)})


def test_the_english_wording_holds_chinese_only_where_it_quotes_the_chinese():
    """Chinese only in the listed keys, and there only words that the Chinese wording of the same
    key prints too (a label of the report, an agency's name in an example)."""
    cjk_run = re.compile(CJK.pattern + "+")
    with_cjk = set()
    for key, text in strings_of({k: v for k, v in table("en").items() if k != "region_kinds"}):
        for run in cjk_run.findall(text):
            with_cjk.add(key)
            assert run in str(table("zh")[key]), f"{key}: {run} is not in the Chinese wording"
    assert with_cjk == EN_CJK


def test_english_says_one_and_many_apart():
    """A template in forms by number is chosen by its count ("1 agency", "2 agencies"), and each
    such template takes a count."""
    from xxgk.site import strings

    forms = {k: v for k, v in table("en").items() if isinstance(v, dict) and set(v) == {"one", "other"}}
    assert forms and all("{count}" in v["one"] and "{count}" in v["other"] for v in forms.values())
    previous = strings.LANG
    strings.use("en")
    try:
        assert strings.t("region_intro", count=1).startswith("1 agency.")
        assert strings.t("region_intro", count=2).startswith("2 agencies.")
        assert "1 problem in" in strings.t("headline_findings", count=1, link="x")
    finally:
        strings.use(previous)
