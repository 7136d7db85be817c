"""The findings catalogue (xxgk/findings.yaml) against the code: every code the code can emit is in
the catalogue and every catalogue code is emitted somewhere; every message variant has both
languages and formats with the parameters its call sites pass."""

import ast
import re
from pathlib import Path

import pytest

from xxgk.codebook import load
from xxgk.findings import SEVERITIES, WHERE, UnknownFinding, catalogue, finding, message, parameters

ROOT = Path(__file__).resolve().parent.parent
CODE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
# calls whose first argument is a finding code: finding() and message(), ReadError (its message is
# made by message()), and the Finding / Report.add forms that take messages already made
MAKERS = {"finding", "message", "ReadError"}
TAKERS = {"Finding", "add"}
# codes no call names with a literal, because the code comes from data: the identities of the
# codebook (xxgk/check/identities.py raises each under the code its identity declares)
FROM_DATA = {i["code"] for i in load().identities}


def _chinese(node) -> bool:
    """A message written out (a str or f-string constant with Chinese), not a variant's name."""
    parts = node.values if isinstance(node, ast.JoinedStr) else [node]
    return any(isinstance(p, ast.Constant) and isinstance(p.value, str) and re.search("[\u4e00-\u9fff]", p.value) for p in parts)


def _calls():
    """(path, line, function name, code, variant or None when not a literal, keyword names or None
    when the call passes **params) for every call in xxgk/ that names a finding code, and for
    every (code, zh, en) tuple written out."""
    out = []
    for path in sorted((ROOT / "xxgk").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = path.relative_to(ROOT).as_posix()
            if isinstance(node, ast.Tuple) and len(node.elts) >= 3 and isinstance(node.elts[0], ast.Constant) \
                    and isinstance(node.elts[0].value, str) and CODE.match(node.elts[0].value) and _chinese(node.elts[1]):
                out.append((where, node.lineno, "tuple", node.elts[0].value, "default", None))
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            first = node.args[0]
            if name not in MAKERS | TAKERS or not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            if name in TAKERS and len(node.args) < 2:  # set.add("x"): a finding is (code, severity, …)
                continue
            if not CODE.match(first.value):
                continue
            if name == "ReadError" and len(node.args) > 1 and _chinese(node.args[1]):
                name = "Finding"  # the older ReadError(code, zh, en): messages made by hand
            variant = "default"
            if name in MAKERS and len(node.args) > 1:
                second = node.args[1]
                variant = second.value if isinstance(second, ast.Constant) and isinstance(second.value, str) else None
            keywords = None if any(k.arg is None for k in node.keywords) else {k.arg for k in node.keywords}
            out.append((where, node.lineno, name, first.value, variant, keywords))
    return out


CALLS = _calls()


def test_every_code_emitted_is_in_the_catalogue_and_every_catalogue_code_is_emitted():
    emitted = {code for _, _, _, code, _, _ in CALLS} | FROM_DATA
    assert emitted - set(catalogue()) == set(), "codes raised that findings.yaml does not list"
    assert set(catalogue()) - emitted == set(), "codes in findings.yaml that nothing raises"


def test_the_scan_sees_the_findings_of_every_stage():
    seen = {code for _, _, _, code, _, _ in CALLS}
    assert {"implausible-year", "superseded-report", "missing-year", "duplicate-file", "outside-corpus",
            "region-corrected", "parse-crashed", "invalid-provenance", "empty-file", "missing-row"} <= seen


def test_every_variant_named_by_a_call_is_in_the_catalogue():
    for where, line, name, code, variant, _ in CALLS:
        if name in MAKERS and variant is not None:
            assert variant in catalogue()[code].messages, f"{where}:{line}: {code} has no variant {variant!r}"


def test_call_sites_pass_the_parameters_their_templates_name():
    for where, line, name, code, variant, keywords in CALLS:
        if name not in MAKERS or keywords is None:
            continue
        params = keywords - set(WHERE) - {"severity"} if name == "finding" else keywords
        variants = catalogue()[code].messages
        if variant is not None:
            names = parameters(variants[variant]["zh"]) | parameters(variants[variant]["en"])
            assert params == names, f"{where}:{line}: {code}/{variant} takes {sorted(names)}, given {sorted(params)}"
        else:  # the variant is chosen at run time: what is passed must be what some variant takes
            every = set().union(*(parameters(t["zh"]) | parameters(t["en"]) for t in variants.values()))
            assert params <= every, f"{where}:{line}: {code} has no parameter {sorted(params - every)}"


def _variants():
    return [(code, variant) for code, entry in catalogue().items() for variant in entry.messages]


@pytest.mark.parametrize("code,variant", _variants())
def test_every_template_formats_with_its_own_parameters(code, variant):
    templates = catalogue()[code].messages[variant]
    names = parameters(templates["zh"]) | parameters(templates["en"])
    assert not names & set(WHERE), "where-fields go to the Finding, not into a message"
    assert all(n.isidentifier() for n in names), names  # no {0}, {}, {a.b} or {a[0]}
    dummy = {n: f"<{n}>" for n in names}
    zh, en = message(code, variant, **dummy)
    for text, template in ((zh, templates["zh"]), (en, templates["en"])):
        assert "{" not in text and "}" not in text, text
        assert all(f"<{n}>" in text for n in parameters(template))
    g = finding(code, variant, **dummy, found="x", source_line=3)
    assert (g.code, g.message_zh, g.message_en, g.found, g.source_line) == (code, zh, en, "x", 3)


def test_every_entry_has_a_severity_and_zh_and_en_for_every_variant():
    for code, entry in catalogue().items():
        assert CODE.match(code), code
        assert entry.severity in SEVERITIES, code
        assert entry.zh and entry.en, code
        assert entry.messages, f"{code} has no messages"
        for variant, templates in entry.messages.items():
            assert isinstance(variant, str) and variant, code
            assert set(templates) == {"zh", "en"}, (code, variant)
            assert isinstance(templates["zh"], str) and templates["zh"].strip(), (code, variant)
            assert isinstance(templates["en"], str) and templates["en"].strip(), (code, variant)
            assert re.search("[\u4e00-\u9fff]", templates["zh"]), (code, variant)


def test_finding_takes_the_catalogues_severity_unless_told_and_keeps_where_fields_out_of_the_message():
    g = finding("missing-row", label="本年新收", row_code="new", section="requests", row="new")
    assert (g.code, g.severity, g.section, g.row) == ("missing-row", "warning", "requests", "new")
    assert g.message_zh == "未找到“本年新收”一行" and g.message_en == "row '本年新收' (new) was not found"
    assert finding("missing-row", "appeals", severity="error", section="appeals").severity == "error"


def test_unknown_codes_variants_and_parameters_are_refused():
    with pytest.raises(UnknownFinding):
        message("no-such-code")
    with pytest.raises(UnknownFinding):
        message("empty-file", "no-such-variant")
    with pytest.raises(TypeError):
        message("empty-file", size=3)  # a parameter no template names (a misspelt where-field, say)
    with pytest.raises(KeyError):
        message("unsupported-format")  # one a template names and the caller does not pass
