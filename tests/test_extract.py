"""Behaviour of the extractor and the checks on real reports (variants made from the seeds)."""

import pytest
from conftest import SEEDS, glued_requests, seed

from xxgk.report import parse_bytes


def parse_text(text: str, suffix: str = ".txt"):
    return parse_bytes(text.encode("utf-8"), suffix)


def fact(report, section, row, column):
    return next(f for f in report.facts if (f.section, f.row, f.column) == (section, row, column))


def codes(report):
    return sorted({g.code for g in report.findings})


def test_broken_arithmetic_is_reported_not_fixed():
    text = seed("002").read_text(encoding="utf-8")
    # the total row claims 2 requests from natural persons; everything else says 1
    text = text.replace("(七) 总计\t\t1\t0\t0\t0\t0\t0\t1", "(七) 总计\t\t2\t0\t0\t0\t0\t0\t1")
    report = parse_text(text)
    assert fact(report, "requests", "total", "natural_person").value == 2
    assert {"requests-balance", "requests-total-row", "requests-total-column"} <= set(codes(report))
    bad = [g for g in report.findings if g.code == "requests-total-column"]
    assert bad[0].row == "total" and bad[0].expected == "2" and bad[0].found == "1"


def test_blank_cell_is_empty_not_zero():
    text = seed("002").read_text(encoding="utf-8").replace("2. 重复申请\t0\t0", "2. 重复申请\t0\t")
    report = parse_text(text)
    f = fact(report, "requests", "unprocessed_repeat", "commercial_enterprise")
    assert f.value is None and f.status == "blank"
    assert fact(report, "requests", "unprocessed_repeat", "research_institution").value == 0


def test_full_width_digits_and_dashes():
    text = seed("000").read_text(encoding="utf-8").replace("行政处罚\t44", "行政处罚\t４４").replace("行政强制\t0", "行政强制\t—")
    report = parse_text(text)
    assert fact(report, "proactive", "penalty", "decisions").value == 44
    assert fact(report, "proactive", "coercion", "decisions").status == "blank"


def test_glued_digits_with_two_readings_publish_nothing():
    report = parse_bytes((SEEDS / "13-lyy-2022" / "input.txt").read_bytes(), ".txt")
    cells = [f for f in report.facts if f.row == "normative_documents"]
    assert all(f.value is None and f.status == "unresolved" for f in cells)
    finding = next(g for g in report.findings if g.code == "ambiguous-digits")
    assert "9 | 2 | 34" in finding.expected and "9 | 23 | 4" in finding.expected


def test_glued_digits_settled_by_arithmetic_say_so():
    report = parse_bytes((SEEDS / "26-gwh-2025" / "input.txt").read_bytes(), ".txt")
    assert [fact(report, "requests", "new", c).value for c in ("natural_person", "total")] == [32, 32]
    assert fact(report, "requests", "new", "total").evidence == "identity"
    assert fact(report, "proactive", "normative_documents", "in_force").value == 253
    assert fact(report, "proactive", "normative_documents", "in_force").evidence == "narrative"


def test_html_shows_the_blank_cell_the_text_dump_hides():
    txt = parse_bytes((SEEDS / "25-jjp-2024" / "input.txt").read_bytes(), ".txt")
    html = parse_bytes((SEEDS / "25-jjp-2024-html" / "input.html").read_bytes(), ".html")
    assert "cell-count-mismatch" in codes(txt)
    assert fact(txt, "requests", "carried_forward", "natural_person").value is None
    assert fact(html, "requests", "carried_forward", "commercial_enterprise").status == "blank"
    assert fact(html, "requests", "carried_forward", "natural_person").value == 0


def test_the_same_report_in_four_layouts_gives_the_same_figures():
    def grid(path):
        r = parse_bytes(path.read_bytes(), path.suffix)
        return {(f.section, f.row, f.column): f.value for f in r.facts}

    base = grid(SEEDS / "seed-002" / "input.txt")
    assert grid(SEEDS / "seed-002-markdown" / "input.md") == base
    assert grid(SEEDS / "seed-002-word-html" / "input.html") == base


def test_2019_template_is_recognised_and_not_forced():
    report = parse_bytes((SEEDS / "02-jjf-2020" / "input.txt").read_bytes(), ".txt")
    assert report.template == "2019" and "older-template" in codes(report)
    columns = {f.column for f in report.facts if f.section == "proactive"}
    assert {"made", "published", "total_published", "prior_items"} <= columns
    assert "issued" not in columns
    assert any(f.row == "other" for f in report.facts if f.section == "requests")
    assert not any(f.row == "other_other" for f in report.facts)


def test_free_form_report_keeps_text_only():
    report = parse_bytes((SEEDS / "35-jtj-2009" / "input.txt").read_bytes(), ".txt")
    assert report.status == "unsupported" and report.template == "pre-2019" and report.facts == []


def test_page_with_no_body_fails_cleanly():
    report = parse_bytes((SEEDS / "01-gaj-2020" / "input.txt").read_bytes(), ".txt")
    assert report.status == "failed" and codes(report) == ["no-tables-found"]
    assert report.agency_name == "平潭综合实验区公安局" and report.year == 2020


def test_label_in_prose_is_not_taken_for_the_row():
    # a sentence naming 规范性文件 stands between the section heading and the table
    report = parse_bytes((SEEDS / "22-jjf-2024" / "input.txt").read_bytes(), ".txt")
    assert [fact(report, "proactive", "rules", c).value for c in ("issued", "repealed", "in_force")] == [0, 0, 0]


def test_rows_settled_by_the_other_rows():
    report = parse_text(glued_requests())
    # 110000011 reads 1|10|0|0|0|0|11 or 11|0|0|0|0|0|11: only the second agrees with the outcome rows
    assert [fact(report, "requests", "total", c).value for c in ("natural_person", "commercial_enterprise")] == [11, 0]
    assert [fact(report, "requests", "new", c).value for c in ("natural_person", "commercial_enterprise")] == [11, 0]
    assert fact(report, "requests", "new", "total").evidence == "identity"
    assert "ambiguous-digits" not in codes(report)


def test_rows_stay_withheld_when_the_other_rows_cannot_decide():
    text = (SEEDS / "26-gwh-2025" / "input.txt").read_text(encoding="utf-8")
    text = text.replace("申请数量320000032", "申请数量110000011")  # new no longer matches anything else
    report = parse_text(text)
    assert fact(report, "requests", "new", "natural_person").status == "unresolved"
    assert "ambiguous-digits" in codes(report)


def test_narrative_settles_a_split_column_by_column():
    text = (SEEDS / "13-lyy-2022" / "input.txt").read_text(encoding="utf-8")
    assert "行政规范性文件9234" in text
    settled = text.replace("一、总体情况", "一、总体情况本年制发行政规范性文件9件，废止2件，现行有效34件。", 1)
    report = parse_text(settled)
    assert [fact(report, "proactive", "normative_documents", c).value for c in ("issued", "repealed", "in_force")] == [9, 2, 34]
    # the same figures without saying which column is which settle nothing
    vague = text.replace("一、总体情况", "一、总体情况涉及行政规范性文件9件、2件、34件、23件、4件。", 1)
    assert fact(parse_text(vague), "proactive", "normative_documents", "issued").status == "unresolved"


# --- number forms ------------------------------------------------------------------------------

def with_penalty(printed: str):
    text = seed("000").read_text(encoding="utf-8")
    assert "行政处罚\t44" in text
    return parse_text(text.replace("行政处罚\t44", "行政处罚\t" + printed))


def findings_of(report, code):
    return [g for g in report.findings if g.code == code]


@pytest.mark.parametrize("printed, value, shown", [("1,234", 1234, "1,234"), ("1，234", 1234, "1,234"), ("１，２３４", 1234, "1,234"),
                                                   ("12,345,678", 12345678, "12,345,678")])
def test_thousands_separators_are_read(printed, value, shown):
    # full-width digits and comma are NFKC-normalised by the reader
    report = with_penalty(printed)
    f = fact(report, "proactive", "penalty", "decisions")
    assert (f.value, f.status, f.printed) == (value, "reported", shown)
    assert report.status == "ok" and codes(report) == ["region-corrected"]


@pytest.mark.parametrize("printed, found", [("1e9", "1e9"), ("0x10", "0x10"), ("1.5e3", "1.5e3"), ("3万", "3万"), ("3 万", "3 万"),
                                            ("2亿", "2亿"), ("50%", "50%"), ("50％", "50%"), ("44abc", "44abc"), ("(5)", "(5)"),
                                            ("（5）", "(5)"), ("1,234,5", "1,234,5"), ("1,2345", "1,2345"), ("1、234", "1、234"),
                                            ("0,000", "0,000"), ("5(3)", "5(3)"), ("3万元", "3万元")])
def test_a_figure_that_is_not_plain_is_withheld_with_a_finding(printed, found):
    report = with_penalty(printed)
    f = fact(report, "proactive", "penalty", "decisions")
    assert f.value is None and f.status == "unresolved"
    (g,) = findings_of(report, "unreadable-figure")
    assert (g.severity, g.section, g.row, g.found) == ("error", "proactive", "penalty", found)
    assert found in g.message_zh and found in g.message_en and "不予发布" in g.message_zh and "not published" in g.message_en
    assert g.source_line == f.source_line and g.source_line is not None
    assert "unrecognised-label" not in codes(report) and report.status == "partial"
    # the other rows are untouched
    assert fact(report, "proactive", "coercion", "decisions").value == 0


def test_label_note_in_brackets_is_still_a_note():
    # `(单位：万元)` after a label is a note, not a figure; `(5)` is a figure
    report = parse_text(seed("000").read_text(encoding="utf-8").replace("行政处罚\t44", "行政处罚（单位：件）\t44"))
    assert fact(report, "proactive", "penalty", "decisions").value == 44


def test_a_count_word_after_a_figure_does_not_change_it():
    # 件 (a count word) does not change the figure: kept, with the note it always had
    report = with_penalty("44件")
    assert fact(report, "proactive", "penalty", "decisions").value == 44
    assert "unrecognised-label" in codes(report) and "unreadable-figure" not in codes(report)


def test_fees_units():
    text = seed("000").read_text(encoding="utf-8")
    assert "行政事业性收费\t0" in text

    def fee(printed):
        report = parse_text(text.replace("行政事业性收费\t0", "行政事业性收费\t" + printed))
        return fact(report, "proactive", "fees", "amount"), codes(report)

    assert fee("12.5")[0].value == 12.5  # decimals for fees stay readable
    assert fee("1,234.5")[0].value == 1234.5
    assert fee("3万元")[0].value == 3  # the column's own unit
    assert fee("1.5万")[0].value == 1.5  # its multiplier alone: 1.5 万元
    for printed in ("3万件", "3元", "5000元", "12.5%", "3亿"):  # 元 is not the column's 万元
        f, found = fee(printed)
        assert f.status == "unresolved" and "unreadable-figure" in found, printed


def test_thousands_in_a_row_of_seven_cells():
    text = seed("002").read_text(encoding="utf-8")
    old = "一、本年新收政府信息公开申请数量\t\t1\t0\t0\t0\t0\t0\t1"
    assert old in text
    report = parse_text(text.replace(old, "一、本年新收政府信息公开申请数量\t\t1,234\t0\t0\t0\t0\t0\t1,234"))
    assert [fact(report, "requests", "new", c).value for c in ("natural_person", "total")] == [1234, 1234]
    bad = parse_text(text.replace(old, "一、本年新收政府信息公开申请数量\t\t1\t0\t0\t0\t0\t0\t1%"))
    assert fact(bad, "requests", "new", "natural_person").status == "unresolved"
    assert [g.row for g in findings_of(bad, "unreadable-figure")] == ["new"]


def test_number_forms_in_the_appeals_section():
    text = seed("000").read_text(encoding="utf-8")
    zeros = "\t".join(["0"] * 15)
    assert zeros in text
    report = parse_text(text.replace(zeros, "\t".join(["1,234", "0", "0", "0", "1,234"] + ["0"] * 10)))
    assert fact(report, "appeals", "review", "upheld").value == 1234 and fact(report, "appeals", "review", "total").value == 1234
    bad = parse_text(text.replace(zeros, "\t".join(["1e9"] + ["0"] * 14)))
    assert all(f.status == "unresolved" for f in bad.facts if f.section == "appeals")
    (g,) = findings_of(bad, "unreadable-figure")
    assert g.section == "appeals" and g.found == "1e9"


def test_glued_label_after_figures_is_no_number_form():
    # a crawler dump runs cells together: `0第二十条…`, `0000000(三)不予公开` are figures then labels
    report = parse_bytes((SEEDS / "05-gaj-2021" / "input.txt").read_bytes(), ".txt")
    assert "unreadable-figure" not in codes(report)


# --- dates -------------------------------------------------------------------------------------

def signed_on(date: str):
    return parse_text(seed("000").read_text(encoding="utf-8") + f"\n\n灋河回族区城市管理局\n{date}\n")


@pytest.mark.parametrize("printed", ["2025年2月30日", "2023-02-29", "2025年13月1日", "2025.0.10", "2025-04-31"])
def test_impossible_signature_date_is_left_empty(printed):
    report = signed_on(printed)
    assert report.publication_date == "" and report.publication_date_source == ""
    (g,) = findings_of(report, "invalid-date")
    assert g.severity == "warning" and g.found == printed and printed in g.message_zh and printed in g.message_en
    assert g.source_line is not None


@pytest.mark.parametrize("printed, iso", [("2024年2月29日", "2024-02-29"), ("2025年1月30日", "2025-01-30"), ("2025-12-31", "2025-12-31")])
def test_real_dates_are_kept(printed, iso):
    report = signed_on(printed)
    assert report.publication_date == iso and report.publication_date_source == "signature"
    assert "invalid-date" not in codes(report)


def test_impossible_page_date_from_the_crawler_header():
    text = (SEEDS / "26-gwh-2025" / "input.txt").read_text(encoding="utf-8")
    assert "发布时间: 2026-01-30 09:49" in text
    good = parse_text(text)
    assert good.publication_date == "2026-01-30" and good.publication_date_source == "page"
    report = parse_text(text.replace("发布时间: 2026-01-30 09:49", "发布时间: 2025-13-01 09:49"))
    assert report.publication_date == "" and report.publication_date_source == ""
    (g,) = findings_of(report, "invalid-date")
    assert g.found == "2025-13-01" and "页面" in g.message_zh and "page" in g.message_en


def test_numbering_in_arabic_brackets_is_no_figure():
    # `(1)属于国家秘密`, `(3)不予公开`, `(2) 部分公开`: the numbering of the label after it
    glued = (SEEDS / "26-gwh-2025" / "input.txt").read_text(encoding="utf-8")
    base = parse_text(glued)
    for old, new in [("不予公开1.属于国家秘密", "不予公开(1)属于国家秘密"), ("（三）不予公开", "(3)不予公开"),
                     ("7000007（三）", "7000007 (3) ")]:
        assert old in glued
        report = parse_text(glued.replace(old, new))
        assert "unreadable-figure" not in codes(report), new
        assert {(f.row, f.column): f.value for f in report.facts} == {(f.row, f.column): f.value for f in base.facts}, new
    tabbed = seed("002").read_text(encoding="utf-8")
    assert "\t(二) 部分公开" in tabbed
    report = parse_text(tabbed.replace("\t(二) 部分公开", "\t(2) 部分公开"))
    assert codes(report) == [] and fact(report, "requests", "granted", "natural_person").value == 1


def test_a_figure_in_brackets_before_furniture_is_withheld():
    # a crawler dump: `行政许可(5)第二十条第(六)项…`: furniture is never numbered, so (5) is the figure
    glued = (SEEDS / "26-gwh-2025" / "input.txt").read_text(encoding="utf-8")
    assert "行政许可0第二十条" in glued
    report = parse_text(glued.replace("行政许可0第二十条", "行政许可(5)第二十条"))
    assert fact(report, "proactive", "licensing", "decisions").status == "unresolved"
    assert [g.found for g in report.findings if g.code == "unreadable-figure"] == ["(5)"]


def test_narrative_figures_are_read_whole():
    # the narrative evidence for glued digits takes a stated figure whole: not the 234 of 1,234,
    # not the 3 of 3万件
    from xxgk.codebook import load
    from xxgk.parse.resolve import narrative_pairs

    row = load().row("proactive", "normative_documents")
    columns = ("issued", "repealed", "in_force")
    pairs = narrative_pairs("本年制发行政规范性文件9件,废止3万件,现行有效1,234件", row, columns)
    assert pairs == {("issued", "9"), ("in_force", "1,234")}


def test_a_decimal_in_a_column_that_counts_items_is_withheld():
    # fees are amounts (万元): 12.5 is a figure; a request count of 1.5 is no plain figure
    text = seed("002").read_text(encoding="utf-8")
    line = "一、本年新收政府信息公开申请数量\t\t1\t0\t0\t0\t0\t0\t1"
    assert line in text and "行政事业性收费\t0" in text
    report = parse_text(text.replace(line, line.replace("\t1\t0\t0", "\t1.5\t0\t0", 1)).replace("行政事业性收费\t0", "行政事业性收费\t12.5"))
    assert fact(report, "requests", "new", "natural_person").status == "unresolved"
    assert [g.found for g in report.findings if g.code == "unreadable-figure"] == ["1.5"]
    assert fact(report, "proactive", "fees", "amount").value == 12.5
    assert fact(report, "requests", "carried_over", "total").status == "reported"


def _tr(label: str, *cells: str) -> str:
    return "<tr><td>" + label + "</td>" + "".join(f"<td>{c or '&nbsp;'}</td>" for c in cells) + "</tr>\n"


BLANK_CELLS_2019 = (
    "<html><head><title>某某县某某局2019年政府信息公开工作年度报告</title></head><body>\n"
    "<h1>某某县某某局2019年政府信息公开工作年度报告</h1>\n<p>二、主动公开政府信息情况</p>\n<table border=\"1\">\n"
    + _tr("第二十条第（一）项") + _tr("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量")
    + _tr("规章", "", "", "") + _tr("规范性文件", "3", "3", "")
    + _tr("第二十条第（五）项") + _tr("信息内容", "上一年项目数量", "本年增/减", "处理决定数量")
    + _tr("行政许可", "", "5", "") + _tr("其他对外管理服务事项", "", "", "")
    + "</table>\n<p>三、收到和处理政府信息公开申请情况</p>\n<table border=\"1\">\n"
    + _tr("一、本年新收政府信息公开申请数量", "4", "", "", "", "", "", "4")
    + _tr("（一）予以公开", "3", "", "", "", "", "", "")
    + _tr("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "1", "", "", "", "", "", "")
    + "</table>\n<p>四、政府信息公开行政复议、行政诉讼情况</p></body></html>\n")


def test_a_rows_empty_cells_in_its_own_table_row_are_its_blank_cells():
    """A 2019-template page that leaves zeros empty (`&nbsp;`) and the 总计 column blank in the
    result rows: the empty cells at a row's ends are its cells, published blank (not 0)."""
    report = parse_text(BLANK_CELLS_2019, ".html")
    assert report.template == "2019"
    rows: dict = {}
    for f in report.facts:
        rows.setdefault((f.section, f.row), []).append((f.value, f.status))
    assert rows[("proactive", "normative_documents")] == [(3, "reported"), (3, "reported"), (None, "blank")]
    assert rows[("proactive", "licensing")] == [(None, "blank"), (5, "reported"), (None, "blank")]
    assert [v for v, _ in rows[("requests", "granted")]] == [3, None, None, None, None, None, None]
    assert [v for v, _ in rows[("requests", "partial")]] == [1, None, None, None, None, None, None]
    assert not [g for g in report.findings if g.code == "cell-count-mismatch"]


def test_empty_cells_on_another_line_than_the_label_are_layout():
    """A row of figures in the table row under its label's, its first (label) cell empty: that cell
    is the label column, not the row's first figure, so the row's cells cannot be told apart and
    it is withheld, not read as (empty, 3, …)."""
    text = BLANK_CELLS_2019.replace("（一）予以公开", "（一）予以公开</td></tr><tr><td>")
    report = parse_text(text, ".html")
    granted = [(f.value, f.status) for f in report.facts if f.row == "granted"]
    assert granted == [(None, "unresolved")] * 7
    assert ("cell-count-mismatch", "granted") in [(g.code, g.row) for g in report.findings]
