"""What the project says about itself stays true: every `make` target and every `xxgk` command (with
its flags) the README names exists, `make help` lists every target, the README's layout names
modules that exist, the codebook is consistent (and no YAML file has a value cut short), schema.yaml describes exactly the schemas' fields
(and schema.py and descriptor.py hold no Chinese text), and the golden manifest names exactly the
golden cases."""

import ast
import importlib.util
import re
import subprocess
from collections import defaultdict
from dataclasses import fields

import pytest
import yaml
from conftest import ROOT

from xxgk.cli import main
from xxgk.codebook import Column, Row, load
from xxgk.findings import catalogue
from xxgk.package.schema import schemas, texts
from xxgk.text import normalise

README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.DOTALL | re.MULTILINE)

spec = importlib.util.spec_from_file_location("golden", ROOT / "scripts" / "golden.py")
assert spec and spec.loader
golden = importlib.util.module_from_spec(spec)
spec.loader.exec_module(golden)


# --- the README's commands -----------------------------------------------------------------------

def _code(text: str) -> list[str]:
    """The README's code: each inline code span, and each command of its fenced blocks with the
    comment lines that follow it (they may name more of its flags)."""
    out: list[str] = []
    for block in FENCE.findall(text):
        for line in block.splitlines():
            if line.lstrip().startswith("#") and out:
                out[-1] += " " + line
            else:
                out.append(line)
    out += re.findall(r"`([^`\n]+)`", FENCE.sub("", text))
    return out


def readme_make_targets() -> set[str]:
    return {m for snippet in _code(README) for m in re.findall(r"(?:^|\s)make ([a-z][a-z0-9-]*)", snippet)}


def readme_commands() -> dict[str, set[str]]:
    """Each `xxgk <command>` the README names, with every flag named with it."""
    out: dict[str, set[str]] = defaultdict(set)
    for snippet in _code(README):
        m = re.search(r"(?:^|[\s/])xxgk ([a-z][a-z-]*)(.*)", snippet)
        if m:
            out[m.group(1)].update(re.findall(r"(?<![\w-])--[a-z][a-z-]*", m.group(2)))
    return dict(out)


def makefile_targets() -> set[str]:
    return set(re.findall(r"^([a-z][a-z0-9-]*)\s*:(?!=)", MAKEFILE, re.MULTILINE))


def phony_targets() -> set[str]:
    line = re.search(r"^\.PHONY:(.*)$", MAKEFILE, re.MULTILINE)
    assert line, "the Makefile has no .PHONY line"
    return set(line.group(1).split())


def test_the_readme_names_commands():
    assert {"test", "check", "unit", "help", "site", "package"} <= readme_make_targets()
    assert {"package", "parse", "validate", "pages", "site", "add"} <= set(readme_commands())
    assert {"--corpus", "--out", "--jobs", "--no-validate", "--cache", "--no-cache"} <= readme_commands()["package"]


@pytest.mark.parametrize("target", sorted(readme_make_targets()))
def test_every_make_target_in_the_readme_exists(target):
    assert target in makefile_targets(), f"the README names `make {target}`, which the Makefile does not define"


def test_every_target_is_phony_and_described():
    assert makefile_targets() == phony_targets()
    described = set(re.findall(r"^([a-z][a-z0-9-]*)\s*:[^=\n][^\n]*## \S", MAKEFILE, re.MULTILINE))
    assert phony_targets() - described == set(), "a target without a `## description` for make help"


def test_make_help_lists_every_target():
    out = subprocess.run(["make", "-s", "--no-print-directory", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    listed = {line.split()[0] for line in out.splitlines() if line.strip()}
    assert listed == phony_targets()


def test_make_test_runs_check_and_ci_runs_make_test():
    assert re.search(r"^test:[^#\n]*\bcheck\b", MAKEFILE, re.MULTILINE)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def _help(capsys, *args: str) -> str:
    with pytest.raises(SystemExit) as exit:
        main([*args, "--help"])
    assert exit.value.code == 0, f"xxgk {' '.join(args)} --help failed"
    return capsys.readouterr().out


@pytest.mark.parametrize("command", sorted(readme_commands()))
def test_every_xxgk_command_in_the_readme_exists_with_its_flags(command, capsys):
    assert command in _help(capsys), f"the README names `xxgk {command}`, which the CLI does not have"
    flags = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", _help(capsys, command)))
    assert readme_commands()[command] - flags == set(), f"flags of `xxgk {command}` named in the README"


def test_the_layout_names_modules_that_exist():
    section = README.split("## Layout", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|") for line in section.splitlines() if line.startswith("| `")]
    for row in rows:
        path = row[1].strip().strip("`")
        if row[2].strip() == "output":
            continue  # made by a build: a fresh clone has none
        assert (ROOT / path).exists(), path
        if path.startswith("xxgk/") and path.endswith("/"):
            for name in re.findall(r"`([a-z_]+(?:\.(?:py|yaml))?)`", row[3]):
                assert (ROOT / path / name).is_file() or (ROOT / path / f"{name}.py").is_file(), f"{path}{name}"


# --- the codebook ---------------------------------------------------------------------------------

def _nulls(node, where: str) -> list[str]:
    if isinstance(node, dict):
        return [x for k, v in node.items() for x in ([f"{where}.{k}"] if v is None else _nulls(v, f"{where}.{k}"))]
    if isinstance(node, list):
        return [x for i, v in enumerate(node) for x in ([f"{where}[{i}]"] if v is None else _nulls(v, f"{where}[{i}]"))]
    return []


@pytest.mark.parametrize("path", sorted((ROOT / "xxgk").rglob("*.yaml")), ids=lambda p: str(p.relative_to(ROOT / "xxgk")))
def test_no_yaml_file_has_an_empty_value(path):
    """An empty value is almost always a comma in an unquoted value of a flow mapping
    (`{en: Fees (10,000 yuan)}`), or a colon and a space in a plain one, which cuts the value short
    and makes a stray key of the rest (published truncated in the codes resource)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert _nulls(raw, path.name) == []


def test_rows_and_columns_have_only_known_keys():
    raw = yaml.safe_load((ROOT / "xxgk" / "codebook.yaml").read_text(encoding="utf-8"))
    for kind, cls in (("rows", Row), ("columns", Column)):
        known = {f.name for f in fields(cls)} - {"section"}
        for section, entries in raw[kind].items():
            for entry in entries:
                assert set(entry) <= known, f"{kind}.{section}.{entry.get('code')}: {set(entry) - known}"


def test_codes_are_unique():
    cb = load()
    for name, codes in (("sections", [s["code"] for s in cb.sections]), ("groups", [g["code"] for g in cb.groups]),
                        ("identities", [i.code for i in cb.rules])):
        assert len(codes) == len(set(codes)), name
    for kind, table in (("rows", cb.rows), ("columns", cb.columns)):
        for section, items in table.items():
            codes = [i.code for i in items]
            assert len(codes) == len(set(codes)), f"{kind} of {section}: {sorted(c for c in codes if codes.count(c) > 1)}"


def test_no_label_or_alias_means_two_codes():
    """Labels are matched after normalisation, so two codes of one section must not share one."""
    cb = load()
    for kind, table in (("rows", cb.rows), ("columns", cb.columns)):
        for section, items in table.items():
            meaning = defaultdict(set)
            for item in items:
                for label in (item.label, *item.aliases):
                    meaning[normalise(label)].add(item.code)
            assert {label: codes for label, codes in meaning.items() if len(codes) > 1} == {}, f"{kind} of {section}"


def test_every_reference_is_to_an_existing_code():
    cb = load()
    sections = {s["code"] for s in cb.sections}
    groups = {g["code"] for g in cb.groups}
    rows = {s: {r.code for r in items} for s, items in cb.rows.items()}
    columns = {s: {c.code for c in items} for s, items in cb.columns.items()}
    assert set(rows) <= sections and set(columns) <= sections
    for section, items in cb.rows.items():
        for r in items:
            assert r.group is None or r.group in groups, f"row {section}.{r.code}: group {r.group}"
            assert set(r.columns) | set(r.columns_2019) <= columns[section], f"row {section}.{r.code}"
    for section, items in cb.columns.items():
        for c in items:
            assert set(c.sum_of) <= columns[section], f"column {section}.{c.code}"
    for rule in cb.rules:
        assert rule.section in rows, rule.code
        own, other = (rows, columns) if rule.axis == "rows" else (columns, rows)
        codes = set(rule.total).union(*rule.parts.values())
        assert codes <= own[rule.section], f"identity {rule.code}: {sorted(codes - own[rule.section])}"
        assert set(rule.only) <= other[rule.section], f"identity {rule.code}: {sorted(set(rule.only) - other[rule.section])}"
        assert rule.code in catalogue(), f"identity {rule.code} has no finding in findings.yaml"
    for section, marker in cb.template_markers.items():
        assert set(marker.get("rows", ())) <= rows[section], f"template_markers.{section}"
    for section, left_out in cb.not_in_2019.items():
        assert set(left_out) <= rows[section], f"not_in_2019.{section}"


# --- the package's words --------------------------------------------------------------------------

def test_schema_yaml_describes_exactly_the_fields():
    words = texts()
    schema = schemas()
    assert set(words["resources"]) == set(schema)
    used_shared = set()
    for name, sch in schema.items():
        names = [f["name"] for f in sch["fields"]]
        own = words["resources"][name].get("fields") or {}
        assert set(own) <= set(names), f"schema.yaml describes fields {name} does not have: {set(own) - set(names)}"
        used_shared |= set(names) - set(own)
        for f in sch["fields"]:
            assert f["title"].strip() and f["description"].strip(), f"{name}.{f['name']}"
        assert words["resources"][name]["title"].strip() and words["resources"][name]["description"].strip()
    assert set(words["shared_fields"]) <= used_shared, "shared_fields no table uses"
    assert {"title", "description", "licenses", "sources", "keywords"} <= set(words["package"])


@pytest.mark.parametrize("name", ["schema.py", "descriptor.py"])
def test_no_chinese_text_in_the_package_code(name):
    """The package's titles and descriptions live in schema.yaml, not in its code."""
    tree = ast.parse((ROOT / "xxgk" / "package" / name).read_text(encoding="utf-8"))
    chinese = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
               and re.search("[\u4e00-\u9fff]", n.value)]
    assert chinese == []


# --- the golden manifest --------------------------------------------------------------------------

def test_the_golden_manifest_names_exactly_the_cases():
    assert golden.manifest_problems() == []
    assert set(golden.manifest()) == {c.name for c in golden.cases()}


def test_golden_check_fails_on_a_case_missing_from_the_manifest(tmp_path, monkeypatch, capsys):
    case = tmp_path / "quirk-new"
    case.mkdir()
    (case / "input.txt").write_text("x", encoding="utf-8")
    (case / "expected.json").write_text(golden.dump({"facts": {}}), encoding="utf-8")
    manifest = tmp_path / "MANIFEST.yaml"
    manifest.write_text("cases: {}\n", encoding="utf-8")
    monkeypatch.setattr(golden, "GOLDEN", tmp_path)
    monkeypatch.setattr(golden, "MANIFEST", manifest)
    monkeypatch.setattr(golden, "snapshot", lambda path: {"facts": {}})  # the parser is not what this tests
    monkeypatch.setattr("sys.argv", ["golden.py", "--check"])
    assert golden.main() == 1
    assert "quirk-new" in capsys.readouterr().err
    manifest.write_text("cases:\n  quirk-new: a new quirk\n", encoding="utf-8")
    assert golden.main() == 0
    manifest.write_text("cases:\n  quirk-new: a new quirk\n  quirk-gone: a case since removed\n", encoding="utf-8")
    assert golden.main() == 1
