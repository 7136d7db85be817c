"""Table Schemas of the data package, generated from the codebook: the structure (names, types,
constraints, keys) is here; every title and description is in schema.yaml beside this file."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from ..codebook import load
from ..findings import catalogue
from ..identify import register
from . import wide

STATUSES = ["ok", "partial", "unsupported", "failed", "duplicate"]
TEMPLATES = ["2021", "2019", "mixed", "pre-2019", ""]
FACT_STATUSES = ["reported", "blank", "absent", "unresolved"]
EVIDENCE = ["cell", "split", "identity", "narrative", "ocr", "pairing", "copy", "previous", ""]
SEVERITIES = ["error", "warning", "info"]


@cache
def texts() -> dict:
    """schema.yaml: the titles and descriptions of the package, its resources and their fields (not to be modified)."""
    return yaml.safe_load(resources.files(__package__).joinpath("schema.yaml").read_text(encoding="utf-8"))


@cache
def titles_en() -> dict[str, str]:
    """schema.en.yaml: the English titles, by resource, `resource.field` or `shared.field`."""
    return yaml.safe_load(resources.files(__package__).joinpath("schema.en.yaml").read_text(encoding="utf-8"))


def title_en(resource: str, name: str = "") -> str:
    """The English title of a resource or of one of its fields (its own, else the shared one)."""
    en = titles_en()
    found = en.get(f"{resource}.{name}") or en.get(f"shared.{name}") if name else en.get(resource)
    if not found:
        raise KeyError(f"schema.en.yaml has no English title for {resource}{'.' + name if name else ''}")
    return found


def field_text(resource: str, name: str) -> dict[str, str]:
    """A field's titles and description: the resource's own, else the shared one."""
    words = texts()
    own = words["resources"][resource].get("fields") or {}
    text = own.get(name) or words["shared_fields"].get(name)
    if text is None:
        raise KeyError(f"schema.yaml describes no field {resource}.{name}")
    return {"title": text["title"], "x_title_en": title_en(resource, name), "description": text["description"]}


def resource_text(resource: str) -> tuple[str, str]:
    """A resource's title and description."""
    text = texts()["resources"][resource]
    return text["title"], text["description"]


def _f(name: str, type_: str, **extra) -> dict:
    field = {"name": name, "type": type_}
    constraints = extra.pop("constraints", None)
    if constraints:
        field["constraints"] = constraints
    field.update(extra)
    return field


def _described(resource: str, fields: list[dict]) -> list[dict]:
    """The fields with their title and description after name and type."""
    out = []
    for field in fields:
        rest = {k: v for k, v in field.items() if k not in ("name", "type")}
        words = {} if "title" in field else field_text(resource, field["name"])  # a figure's: from the codebook
        out.append({"name": field["name"], "type": field["type"], **words, **rest})
    return out


def _figure_fields() -> list[dict]:
    """report_figures' column of each figure: a count is an integer, an amount a number; titled
    with the codebook's labels, described in schema.yaml's words (`figure`)."""
    words = texts()["resources"]["report_figures"]["figure"]
    sections = {s["code"]: s for s in load().sections}
    out = []
    for f in wide.figures():
        templates = words["templates"][f.template]
        description = words["description"].format(
            label_zh=f.label_zh, label_en=f.label_en, section_zh=sections[f.section]["label"], section_en=sections[f.section]["en"],
            templates_zh=templates["zh"], templates_en=templates["en"])
        out.append(_f(f.name, "number" if f.decimal else "integer", title=f.label_zh, x_title_en=f.label_en, description=description))
    return out


def _enum(values, required=False):
    c = {"enum": list(values)}
    if required:
        c["required"] = True
    return c


def all_codes() -> dict[str, list[str]]:
    cb = load()
    rows, columns = [], []
    for section in ("proactive", "requests", "appeals"):
        rows += [r.code for r in cb.rows[section] if r.code not in rows]
        columns += [c.code for c in cb.columns[section] if c.code not in columns]
    return {
        "section": ["proactive", "requests", "appeals"],
        "row": rows,
        "column": columns,
        "finding": list(catalogue()),
        "text_section": ["overview", "problems", "other_matters"],
    }


REGION_FIELDS = ["province", "province_code", "prefecture", "prefecture_code", "county", "county_code"]


def _region_fields() -> list[dict]:
    out = [_f(name, "string", constraints={"pattern": "[0-9]{6}"} if name.endswith("_code") else None)
           for name in REGION_FIELDS]
    out.append(_f("region_status", "string", constraints=_enum(["resolved", "ambiguous", "unresolved", ""])))
    out.append(_f("region_evidence", "string", constraints=_enum(["name", "corrected", "context", "override", ""])))
    return out


def schemas() -> dict[str, dict]:
    """Each resource's Table Schema, its fields described from schema.yaml."""
    return {name: {**schema, "fields": _described(name, schema["fields"])} for name, schema in _structure().items()}


def _structure() -> dict[str, dict]:
    codes = all_codes()
    req = {"required": True}
    report_id = _f("report_id", "string", constraints=req)
    return {
        "reports": {
            "fields": [
                report_id,
                _f("agency_id", "string"),
                _f("agency_name", "string"),
                _f("year", "integer", constraints={"minimum": 2008, "maximum": 2100}),
                _f("title", "string"),
                _f("template", "string", constraints=_enum(TEMPLATES)),
                _f("status", "string", constraints=_enum(STATUSES, True)),
                _f("superseded_by", "string"),
                _f("format", "string"),
                _f("encoding", "string"),
                _f("source_file", "string", constraints=req),
                _f("source_url", "string"),
                _f("retrieved", "datetime"),
                _f("warc", "string"),
                _f("sha256", "string", constraints={"pattern": "[0-9a-f]{64}"}),
                _f("bytes", "integer"),
                _f("publication_date", "date"),
                _f("publication_date_source", "string", constraints=_enum(["page", "signature", ""])),
                *_region_fields(),
                _f("facts", "integer"),
                _f("findings", "integer"),
            ],
            "primaryKey": ["report_id"],
            "foreignKeys": [{"fields": ["agency_id"], "reference": {"resource": "agencies", "fields": ["agency_id"]}},
                            {"fields": ["superseded_by"], "reference": {"resource": "", "fields": ["report_id"]}}],
        },
        "agencies": {
            "fields": [
                _f("agency_id", "string", constraints={"required": True, "pattern": "[a-z0-9-]+"}),
                _f("name", "string", constraints=req),
                _f("names", "string"),
                _f("agency_type", "string", constraints=_enum(["government", "government_office", "department", "subdistrict", "township", "zone", "unknown"])),
                _f("level", "string", constraints=_enum(["province", "prefecture", "county", "township", ""])),
                _f("reports", "integer"),
                _f("first_year", "integer"),
                _f("last_year", "integer"),
                *_region_fields(),
            ],
            "primaryKey": ["agency_id"],
        },
        "facts": {
            "fields": [
                report_id,
                _f("section", "string", constraints=_enum(codes["section"], True)),
                _f("row", "string", constraints=_enum(codes["row"], True)),
                _f("column", "string", constraints=_enum(codes["column"], True)),
                _f("value", "number", bareNumber=True),
                _f("status", "string", constraints=_enum(FACT_STATUSES, True)),
                _f("evidence", "string", constraints=_enum(EVIDENCE)),
                _f("printed", "string"),
                _f("source_line", "integer"),
                _f("source_page", "integer"),
                _f("source_box", "string"),
                _f("source_cell", "string"),
                _f("source_char_start", "integer"),
                _f("source_char_end", "integer"),
            ],
            "primaryKey": ["report_id", "section", "row", "column"],
            "foreignKeys": [{"fields": ["report_id"], "reference": {"resource": "reports", "fields": ["report_id"]}}],
        },
        "checks": {
            "fields": [
                report_id,
                _f("finding_id", "integer", constraints=req),
                _f("code", "string", constraints=_enum(codes["finding"], True)),
                _f("severity", "string", constraints=_enum(SEVERITIES, True)),
                _f("section", "string", constraints=_enum(codes["section"] + [""])),
                _f("row", "string"),
                _f("column", "string"),
                _f("expected", "string"),
                _f("found", "string"),
                _f("message", "string", constraints=req),
                _f("message_en", "string", constraints=req),
                _f("source_line", "integer"),
            ],
            "primaryKey": ["report_id", "finding_id"],
            "foreignKeys": [{"fields": ["report_id"], "reference": {"resource": "reports", "fields": ["report_id"]}}],
        },
        "texts": {
            "fields": [
                report_id,
                _f("section", "string", constraints=_enum(codes["text_section"], True)),
                _f("text", "string"),
                _f("source_line", "integer"),
            ],
            "primaryKey": ["report_id", "section"],
            "foreignKeys": [{"fields": ["report_id"], "reference": {"resource": "reports", "fields": ["report_id"]}}],
        },
        "register": {
            "fields": [
                _f("agency_id", "string", constraints=req),
                _f("year", "integer", constraints=req),
                _f("in_corpus", "boolean", constraints=req),
                _f("status", "string", constraints=_enum(register.STATUSES, True)),
                _f("listed_url", "string"),
                _f("report_id", "string"),
                _f("publication_date", "date"),
                _f("publication_date_source", "string", constraints=_enum(["page", "signature", ""])),
                _f("agency_kind", "string", constraints=_enum(["government", "department", "township", "unknown"], True)),
                _f("deadline", "date"),
                _f("on_time", "boolean"),
                _f("deadline_basis", "string"),
            ],
            "primaryKey": ["agency_id", "year"],
            "foreignKeys": [{"fields": ["agency_id"], "reference": {"resource": "agencies", "fields": ["agency_id"]}},
                            {"fields": ["report_id"], "reference": {"resource": "reports", "fields": ["report_id"]}}],
        },
        "report_figures": {
            "fields": [
                report_id,
                _f("agency_id", "string", constraints=req),
                _f("agency_name", "string"),
                *[_f(name, "string", constraints={"pattern": "[0-9]{6}"} if name.endswith("_code") else None) for name in wide.REGION],
                _f("year", "integer", constraints={"required": True, "minimum": 2008, "maximum": 2100}),
                _f("template", "string", constraints=_enum(TEMPLATES)),
                _f("status", "string", constraints=_enum(STATUSES, True)),
                *_figure_fields(),
            ],
            "primaryKey": ["report_id"],
            "foreignKeys": [{"fields": ["report_id"], "reference": {"resource": "reports", "fields": ["report_id"]}},
                            {"fields": ["agency_id"], "reference": {"resource": "agencies", "fields": ["agency_id"]}}],
        },
        "figure_mapping": {
            "fields": [
                _f("code_2019", "string", constraints=req),
                _f("label_2019", "string"),
                _f("label_en_2019", "string"),
                _f("code_2021", "string"),
                _f("label_2021", "string"),
                _f("label_en_2021", "string"),
                _f("basis", "string", constraints=_enum(["same_cell", "same_as", "none"], True)),
            ],
            "primaryKey": ["code_2019"],
        },
        "codes": {
            "fields": [
                _f("kind", "string", constraints=_enum(["section", "row", "column", "group", "finding"], True)),
                _f("section", "string"),
                _f("code", "string", constraints=req),
                _f("label_zh", "string"),
                _f("label_en", "string"),
                _f("parent", "string"),
                _f("position", "integer"),
                _f("template", "string", constraints=_enum(["both", "2021", "2019", ""])),
                _f("severity", "string", constraints=_enum(SEVERITIES + [""])),
            ],
            "primaryKey": ["kind", "section", "code"],
        },
    }


def _code(kind: str, section: str, code: str, zh: str, en: str, parent: str | None, position: int, template: str, **extra) -> dict:
    return {"kind": kind, "section": section, "code": code, "label_zh": zh, "label_en": en, "parent": parent or "",
            "position": position, "template": template, **extra}


def codes_rows() -> list[dict]:
    """The `codes` resource: every section, row, column, group and finding code of the codebook."""
    cb = load()
    out: list[dict] = []
    for i, s in enumerate(cb.sections):
        out.append(_code("section", "", s["code"], s["label"], s["en"], "", i + 1, "both"))
    for section, rows in cb.rows.items():
        for i, r in enumerate(rows):
            out.append(_code("row", section, r.code, r.label, r.en, r.group, i + 1, r.template))
    for section, cols in cb.columns.items():
        for i, c in enumerate(cols):
            out.append(_code("column", section, c.code, c.label, c.en, c.parent, i + 1, c.template))
    for i, g in enumerate(cb.groups):
        out.append(_code("group", "requests", g["code"], g["label"], g["en"], "", i + 1, "both"))
    for i, f in enumerate(catalogue().values()):
        out.append(_code("finding", "", f.code, f.zh, f.en, "", i + 1, "", severity=f.severity))
    return out
