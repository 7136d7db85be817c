"""Table Schemas of the data package, generated from the codebook."""

from __future__ import annotations

from ..codebook import load
from ..findings import catalogue

STATUSES = ["ok", "partial", "unsupported", "failed", "duplicate"]
TEMPLATES = ["2021", "2019", "mixed", "pre-2019", ""]
FACT_STATUSES = ["reported", "blank", "absent", "unresolved"]
EVIDENCE = ["cell", "split", "identity", "narrative", ""]
SEVERITIES = ["error", "warning", "info"]


def _f(name, type_, title, description, **extra):
    field = {"name": name, "type": type_, "title": title, "description": description}
    constraints = extra.pop("constraints", None)
    if constraints:
        field["constraints"] = constraints
    field.update(extra)
    return field


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


REGION_FIELDS = [
    ("province", "省级", "省、自治区、直辖市名称。Province-level division."),
    ("province_code", "省级代码", "省级行政区划代码（6位）。6-digit code."),
    ("prefecture", "地级", "地级市、地区、自治州、盟名称（直辖市为其本身）。Prefecture-level division."),
    ("prefecture_code", "地级代码", "地级行政区划代码（6位）。6-digit code."),
    ("county", "县级", "县、县级市、市辖区名称。County-level division."),
    ("county_code", "县级代码", "县级行政区划代码（6位）。6-digit code."),
]


def _region_fields() -> list[dict]:
    out = [_f(name, "string", title, desc, constraints={"pattern": "[0-9]{6}"} if name.endswith("_code") else None)
           for name, title, desc in REGION_FIELDS]
    out.append(_f("region_status", "string", "地区识别", "resolved 已确定；ambiguous 多个可能（留空）；unresolved 名称中没有行政区划。Whether the region was settled.",
                  constraints=_enum(["resolved", "ambiguous", "unresolved", ""])))
    out.append(_f("region_evidence", "string", "地区依据", "name 名称；corrected 名称有一个形近字错误；context 报告中的其他信息；override 人工指定（附理由）。How the region was settled.",
                  constraints=_enum(["name", "corrected", "context", "override", ""])))
    return out


def schemas() -> dict[str, dict]:
    codes = all_codes()
    req = {"required": True}
    report_id = _f("report_id", "string", "报告编号", "报告文件内容的 SHA-256 前16位（同一内容始终得到同一编号；未读取的文件按其路径编号）。Report id: the first 16 hex digits of the file's SHA-256 (of its path, for a file that was not read).", constraints=req)
    return {
        "reports": {
            "fields": [
                report_id,
                _f("agency_id", "string", "机关编号", "由机关名称生成的稳定 ASCII 编号（拼音）。Stable ASCII agency id (pinyin of the printed name)."),
                _f("agency_name", "string", "机关名称", "报告标题中印出的机关名称。Agency name as printed in the title."),
                _f("year", "integer", "报告年度", "报告所述年度（2008 年起；标题中的年度早于 2008 年或晚于构建年份时留空，见 checks 中的 implausible-year）。The year the report covers (from 2008; a printed year before 2008 or after the build's year is left empty, see implausible-year).", constraints={"minimum": 2008, "maximum": 2100}),
                _f("title", "string", "标题", "报告标题。Report title."),
                _f("template", "string", "格式版本", "报告所用格式：2021（国办公开办函〔2021〕30号）、2019、mixed（混用）、pre-2019（2019年以前的自由格式）。Template the report follows.", constraints=_enum(TEMPLATES)),
                _f("status", "string", "解析状态", "ok 完整；partial 部分数字未能发布（见 checks）；unsupported 格式不支持提取数字；failed 无法读取或未找到表格；duplicate 与另一文件重复。Parse status.", constraints=_enum(STATUSES, True)),
                _f("superseded_by", "string", "被取代",
                   "同一机关同一年度有多份报告文件时，只有一份作为该年度的报告（解析出的数字最多、错误最少的一份）；其余各份在此注明采用的那份的编号，数字仍保留作为证据。"
                   "When one agency has several files for one year, one is that year's report (the most complete parse); the others name it here and keep their figures as evidence."),
                _f("format", "string", "文件格式", "text、crawl-text（爬虫文本）、html、markdown。File format."),
                _f("encoding", "string", "文字编码", "读取文件所用的文字编码。Text encoding the file was read with."),
                _f("source_file", "string", "源文件", "相对于语料库根目录的文件路径。Path of the file relative to the corpus root.", constraints=req),
                _f("source_url", "string", "原文链接", "原始网页地址（如有）。Original web address, when recorded."),
                _f("retrieved", "datetime", "收录时间", "用 xxgk add 收录的时间（UTC），见 corpus/.provenance.tsv。When `xxgk add` added the file (UTC)."),
                _f("sha256", "string", "SHA-256", "文件内容的 SHA-256；未读取的文件（链接到语料库以外、超过大小上限、无法打开）为空。SHA-256 of the file's bytes; empty for a file that was not read.", constraints={"pattern": "[0-9a-f]{64}"}),
                _f("bytes", "integer", "字节数", "文件大小。File size in bytes."),
                _f("publication_date", "date", "发布日期", "网页所示发布时间或报告落款日期（如有印出）。Publication date when printed."),
                _f("publication_date_source", "string", "发布日期来源", "page（网页发布时间）或 signature（报告落款）。Where the date was read.", constraints=_enum(["page", "signature", ""])),
                *_region_fields(),
                _f("facts", "integer", "数字个数", "本报告在 facts 中的行数。Number of rows in facts."),
                _f("findings", "integer", "问题个数", "本报告在 checks 中的行数。Number of rows in checks."),
            ],
            "primaryKey": ["report_id"],
            "foreignKeys": [{"fields": ["agency_id"], "reference": {"resource": "agencies", "fields": ["agency_id"]}},
                            {"fields": ["superseded_by"], "reference": {"resource": "", "fields": ["report_id"]}}],
        },
        "agencies": {
            "fields": [
                _f("agency_id", "string", "机关编号", "由机关名称生成的稳定 ASCII 编号（拼音）。Stable ASCII agency id.", constraints={"required": True, "pattern": "[a-z0-9-]+"}),
                _f("name", "string", "机关名称", "最近一份报告中印出的机关名称。Agency name as printed in its latest report.", constraints=req),
                _f("names", "string", "各报告中的名称", "各报告中印出的全部名称（以“；”分隔）。Every printing of the name, separated by ；."),
                _f("agency_type", "string", "机关类型", "government 人民政府；government_office 政府办公室（厅）；department 部门（局、委、办等）；subdistrict 街道；township 乡镇；zone 开发区、片区等；unknown 未能确定。Type of agency.",
                   constraints=_enum(["government", "government_office", "department", "subdistrict", "township", "zone", "unknown"])),
                _f("level", "string", "层级", "province 省级；prefecture 地级；county 县级；township 乡镇街道；空 未能确定。Level of government.",
                   constraints=_enum(["province", "prefecture", "county", "township", ""])),
                _f("reports", "integer", "报告数", "语料库中该机关的年度报告数（每年一份；被取代的文件不计）。This agency's reports in the corpus (one per year; superseded files not counted)."),
                _f("first_year", "integer", "最早年度", "最早的报告年度。First report year."),
                _f("last_year", "integer", "最近年度", "最近的报告年度。Last report year."),
                *_region_fields(),
            ],
            "primaryKey": ["agency_id"],
        },
        "facts": {
            "fields": [
                report_id,
                _f("section", "string", "部分", "proactive 主动公开（第二部分）；requests 依申请公开（第三部分）；appeals 行政复议和行政诉讼（第四部分）。Section.", constraints=_enum(codes["section"], True)),
                _f("row", "string", "行", "行代码，见 codes。Row code (see codes).", constraints=_enum(codes["row"], True)),
                _f("column", "string", "列", "列代码，见 codes。Column code (see codes).", constraints=_enum(codes["column"], True)),
                _f("value", "number", "数值", "报告中印出的数字；空白、缺失或无法确定时为空（不是0）。The printed figure; empty when blank, absent or withheld (never 0 by default).", bareNumber=True),
                _f("status", "string", "状态", "reported 已印出；blank 单元格空白；absent 该行缺失；unresolved 无法确定（见 checks）。Status of the cell.", constraints=_enum(FACT_STATUSES, True)),
                _f("evidence", "string", "读取依据", "cell 单独印出；split 连写数字唯一拆分；identity 依表格勾稽关系拆分；narrative 依正文相同数字拆分。How the figure was read.", constraints=_enum(EVIDENCE)),
                _f("printed", "string", "印出文字", "该数字所依据的印出文字。The printed text the figure was read from."),
                _f("source_line", "integer", "源文件行号", "源文件中的行号（从1开始）。Line in the source file (1-based)."),
            ],
            "primaryKey": ["report_id", "section", "row", "column"],
            "foreignKeys": [{"fields": ["report_id"], "reference": {"resource": "reports", "fields": ["report_id"]}}],
        },
        "checks": {
            "fields": [
                report_id,
                _f("finding_id", "integer", "序号", "本报告内问题的序号。Sequence number of the finding within its report.", constraints=req),
                _f("code", "string", "问题代码", "问题代码（见 codes 中 kind=finding）。Finding code.", constraints=_enum(codes["finding"], True)),
                _f("severity", "string", "严重程度", "error 数字未能发布或文件不可用；warning 报告本身的数字不一致；info 说明。Severity.", constraints=_enum(SEVERITIES, True)),
                _f("section", "string", "部分", "相关部分。Section concerned.", constraints=_enum(codes["section"] + [""])),
                _f("row", "string", "行", "相关行。Row concerned."),
                _f("column", "string", "列", "相关列。Column concerned."),
                _f("expected", "string", "应为", "按勾稽关系应有的值或可能的拆分。What the arithmetic expects, or the candidate splits."),
                _f("found", "string", "实为", "报告中印出的值。What the report prints."),
                _f("message", "string", "说明", "中文说明。Message in Chinese.", constraints=req),
                _f("message_en", "string", "说明（英文）", "English message.", constraints=req),
                _f("source_line", "integer", "源文件行号", "源文件中的行号。Line in the source file."),
            ],
            "primaryKey": ["report_id", "finding_id"],
            "foreignKeys": [{"fields": ["report_id"], "reference": {"resource": "reports", "fields": ["report_id"]}}],
        },
        "texts": {
            "fields": [
                report_id,
                _f("section", "string", "部分", "overview 总体情况；problems 存在的主要问题及改进情况；other_matters 其他需要报告的事项。Narrative section.", constraints=_enum(codes["text_section"], True)),
                _f("text", "string", "正文", "该部分的正文。The section's text."),
                _f("source_line", "integer", "源文件行号", "该部分开始的行号。Line where the section starts."),
            ],
            "primaryKey": ["report_id", "section"],
            "foreignKeys": [{"fields": ["report_id"], "reference": {"resource": "reports", "fields": ["report_id"]}}],
        },
        "register": {
            "fields": [
                _f("agency_id", "string", "机关编号", "机关编号。Agency id.", constraints=req),
                _f("year", "integer", "报告年度", "语料库年度范围内的每一年。Every year of the corpus range.", constraints=req),
                _f("in_corpus", "boolean", "已收录", "该年度的报告是否在语料库中。Whether the year's report is in the corpus.", constraints=req),
                _f("report_id", "string", "报告编号", "收录的报告（如有）。The report, when in the corpus."),
                _f("publication_date", "date", "发布日期", "网页发布时间或报告落款日期（如有印出）。Publication date when printed."),
                _f("publication_date_source", "string", "发布日期来源", "page 或 signature。Where the date was read.", constraints=_enum(["page", "signature", ""])),
                _f("agency_kind", "string", "机关类别", "government 县级以上人民政府（年报由其政府信息公开工作主管部门发布）；department 县级以上人民政府部门；township 乡镇、街道；unknown 未能确定。Kind of agency, for the deadline.",
                   constraints=_enum(["government", "department", "township", "unknown"], True)),
                _f("deadline", "date", "法定期限", "条例第四十九条规定的发布期限：部门为次年1月31日，县级以上人民政府为次年3月31日；乡镇街道无规定。Deadline set by article 49 of the 2019 regulation."),
                _f("on_time", "boolean", "按时发布", "发布日期不晚于期限；没有期限或没有日期时为空。Published by the deadline; empty when either is unknown."),
                _f("deadline_basis", "string", "期限依据", "期限的法规依据。Legal basis of the deadline."),
            ],
            "primaryKey": ["agency_id", "year"],
            "foreignKeys": [{"fields": ["agency_id"], "reference": {"resource": "agencies", "fields": ["agency_id"]}},
                            {"fields": ["report_id"], "reference": {"resource": "reports", "fields": ["report_id"]}}],
        },
        "codes": {
            "fields": [
                _f("kind", "string", "类别", "section 部分；row 行；column 列；group 行组；finding 问题代码。Kind of code.", constraints=_enum(["section", "row", "column", "group", "finding"], True)),
                _f("section", "string", "部分", "所属部分。Section the code belongs to."),
                _f("code", "string", "代码", "代码。Code.", constraints=req),
                _f("label_zh", "string", "中文名称", "模板中的中文名称。Chinese label as printed in the template."),
                _f("label_en", "string", "英文名称", "英文名称。English label."),
                _f("parent", "string", "上级", "上级代码（行组或列组）。Parent code."),
                _f("position", "integer", "顺序", "在模板中的顺序。Order in the template."),
                _f("template", "string", "适用格式", "both、2021 或 2019。Template(s) that print it.", constraints=_enum(["both", "2021", "2019", ""])),
                _f("severity", "string", "严重程度", "问题代码的默认严重程度。Default severity of a finding code.", constraints=_enum(SEVERITIES + [""])),
            ],
            "primaryKey": ["kind", "section", "code"],
        },
    }


RESOURCE_INFO = {
    "reports": ("报告", "Reports: one row per report file in the corpus, with its parse status."),
    "agencies": ("机关", "Agencies that published the reports."),
    "facts": ("数字", "Every figure of sections 二, 三 and 四 of every report, with its provenance."),
    "checks": ("检查结果", "Findings of the checks: identities that do not hold, figures that could not be read, files that could not be used."),
    "texts": ("正文", "The narrative sections (总体情况, 存在的主要问题及改进情况, 其他需要报告的事项)."),
    "register": ("发布登记", "For every agency and year of the corpus range: whether the report is in the corpus, when it was published, and whether on time (regulation of 2019, article 49)."),
    "codes": ("代码表", "The codebook: every section, row, column and finding code with Chinese and English labels."),
}


def codes_rows() -> list[dict]:
    cb = load()
    out: list[dict] = []
    for i, s in enumerate(cb.sections):
        out.append(dict(kind="section", section="", code=s["code"], label_zh=s["label"], label_en=s["en"], parent="", position=i + 1, template="both"))
    for section, rows in cb.rows.items():
        for i, r in enumerate(rows):
            out.append(dict(kind="row", section=section, code=r.code, label_zh=r.label, label_en=r.en, parent=r.group or "", position=i + 1, template=r.template))
    for section, cols in cb.columns.items():
        for i, c in enumerate(cols):
            out.append(dict(kind="column", section=section, code=c.code, label_zh=c.label, label_en=c.en, parent=c.parent or "", position=i + 1, template=c.template))
    for i, g in enumerate(cb.groups):
        out.append(dict(kind="group", section="requests", code=g["code"], label_zh=g["label"], label_en=g["en"], parent="", position=i + 1, template="both"))
    for i, f in enumerate(catalogue().values()):
        out.append(dict(kind="finding", section="", code=f.code, label_zh=f.zh, label_en=f.en, parent="", position=i + 1, template="", severity=f.severity))
    return out
