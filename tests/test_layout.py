"""The pipeline in the layout: stages are subpackages, no stage imports a later one, there is no
import cycle, and the parse cache is keyed only by what can change a parse."""

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

XXGK = ROOT / "xxgk"
# the order of the pipeline: a module may import only modules of its own rank or below
RANKS = {"__init__": 0, "files": 0, "memory": 0, "paths": 0, "text": 0, "model": 0, "codebook": 0, "findings": 0,
         "corpus": 1, "parse": 2, "check": 3, "identify": 4, "report": 5, "package": 6, "site": 7,
         "add": 8, "fuzz": 8, "harvest": 8, "cli": 9}


def _module(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """The xxgk modules `path` imports (relative imports resolved), at any depth of the file."""
    name = _module(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("xxgk"):
                subs = [f"{target}.{a.name}" for a in node.names]
                out.update(s for s in subs if _exists(s)) if any(_exists(s) for s in subs) else out.add(target)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("xxgk"))
    return out


def _exists(module: str) -> bool:
    rel = Path(*module.split("."))
    return (ROOT / rel.with_suffix(".py")).is_file() or (ROOT / rel / "__init__.py").is_file()


def _rank(module: str) -> int:
    parts = module.split(".")
    return RANKS[parts[1]] if len(parts) > 1 else 0


def _graph() -> dict[str, set[str]]:
    return {_module(p): _imports(p) for p in sorted(XXGK.rglob("*.py"))}


def test_no_stage_imports_a_later_one():
    graph = _graph()
    assert set(RANKS) >= {m.split(".")[1] for m in graph if "." in m}, "a new top-level module needs its place in RANKS"
    wrong = sorted((m, i) for m, deps in graph.items() for i in deps if _rank(i) > _rank(m))
    assert wrong == [], wrong


def test_no_import_cycle():
    graph = {m: {d if d in _graph_names() else d.rsplit(".", 1)[0] for d in deps} for m, deps in _graph().items()}
    state: dict[str, int] = {}

    def visit(m, path):
        state[m] = 1
        for d in graph.get(m, ()):
            if d == m or d not in graph:
                continue
            if state.get(d) == 1:
                raise AssertionError("import cycle: " + " -> ".join(path + [d]))
            if d not in state:
                visit(d, path + [d])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])


def _graph_names() -> set[str]:
    return {_module(p) for p in XXGK.rglob("*.py")}


def test_every_stage_says_what_comes_in_and_goes_out():
    for stage in ("corpus", "parse", "check", "identify", "package", "site"):
        doc = ast.get_docstring(ast.parse((XXGK / stage / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "In:" in doc and "Out:" in doc, stage


def _parser_version(root: Path) -> str:
    code = "from xxgk.package.cache import parser_version; print(parser_version())"
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True, cwd=root).stdout.strip()


def test_editing_the_site_keeps_the_parse_cache(tmp_path):
    copy = tmp_path / "src"
    shutil.copytree(XXGK, copy / "xxgk", ignore=shutil.ignore_patterns("__pycache__"))
    before = _parser_version(copy)
    assert before == _parser_version(ROOT)
    for path in sorted((copy / "xxgk" / "site").rglob("*")):
        if path.suffix in (".py", ".yaml"):
            with open(path, "a", encoding="utf-8") as f:
                f.write("\n# an edit of the site\n")
    for name in ("cli.py", "add.py", "package/assemble.py", "package/validate.py", "package/descriptor.py", "package/publish.py"):
        with open(copy / "xxgk" / name, "a", encoding="utf-8") as f:
            f.write("\n# an edit after the parse\n")
    assert _parser_version(copy) == before
    with open(copy / "xxgk" / "parse" / "extract.py", "a", encoding="utf-8") as f:
        f.write("\n# an edit of the parser\n")
    assert _parser_version(copy) != before


def test_a_site_edit_rebuilds_from_the_cache(tmp_path):
    """As the issue measures it: comment every site module, package again: every file from the cache."""
    copy = tmp_path / "src"
    shutil.copytree(XXGK, copy / "xxgk", ignore=shutil.ignore_patterns("__pycache__"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "golden" / "seed-000" / "input.txt", corpus / "a.txt")
    env = {**os.environ, "PYTHONPATH": str(copy)}
    command = [sys.executable, "-m", "xxgk.cli", "package", "--corpus", str(corpus), "--out", str(tmp_path / "out"),
               "--cache", str(tmp_path / "cache")]
    subprocess.run(command, capture_output=True, text=True, env=env, check=True, cwd=copy)
    for path in sorted((copy / "xxgk" / "site").rglob("*.py")):
        with open(path, "a", encoding="utf-8") as f:
            f.write("\n# an edit of the site\n")
    again = subprocess.run(command, capture_output=True, text=True, env=env, check=True, cwd=copy).stdout
    assert "parsed: 0 (from the cache: 1)" in again


def test_no_module_is_over_450_lines():
    long = {str(p.relative_to(ROOT)): n for p in XXGK.rglob("*.py") if (n := len(p.read_text(encoding="utf-8").splitlines())) > 450}
    assert long == {}, long
