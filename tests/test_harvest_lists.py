"""Reading list pages, shape by shape, without a server: which links are reports, which are pages."""

import json

import pytest

from xxgk.harvest import lists
from xxgk.harvest.sites import is_report_title, title_year

COLUMN = "http://www.example.gov.cn/zwgk/zfxxgknb/"


@pytest.mark.parametrize(("title", "report"), [
    ("平潭综合实验区2025年度政府信息公开工作年度报告", True),
    ("某局2023年政府信息公开年报", True),
    ("政府信息公开工作年度报告（2023年）", True),  # the year after the name
    ("二〇二三年政府信息公开工作年度报告", True),  # the year in characters
    ("某市2022年度信息公开工作报告", True),
    ("2023年度报告", True),
    ("2024年政府工作报告", False),  # the government's work report
    ("2023年度法治政府建设工作报告", False),
    ("关于2014年政府信息公开工作要点落实情况的函", False),
    ("关于做好2024年政府信息公开工作年度报告编制工作的通知", False),
    ("图解：某区2023年政府信息公开工作年度报告", False),
    ("一图读懂2023年政府信息公开年报", False),
    ("政府信息公开年报", False),  # the column, no year
])
def test_report_titles(title, report):
    assert is_report_title(title) is report


def test_the_year_of_a_title_in_characters():
    assert title_year("二〇二三年政府信息公开工作年度报告") == "2023" and title_year("政府信息公开年报") == ""


def test_a_truncated_title_is_completed_by_the_links_title_and_a_row_by_its_text():
    page = ("<ul><li><a href='a.html' title='某某区人民政府办公室2024年政府信息公开工作年度报告'>某某区人民政府办公室2024年…</a></li></ul>"
            "<table><tr><td>某街道2023年政府信息公开工作年度报告</td><td>2024-01-02</td><td><a href='/v.jsp?id=9'>查看</a></td></tr>"
            "<tr><td>某街道2023年政府信息公开工作要点</td><td><a href='/v.jsp?id=10'>查看</a></td></tr></table>")
    links = lists.report_links(page, COLUMN + "index.html")
    assert [(x.title, x.url) for x in links] == [
        ("某某区人民政府办公室2024年政府信息公开工作年度报告", COLUMN + "a.html"),
        ("某街道2023年政府信息公开工作年度报告", "http://www.example.gov.cn/v.jsp?id=9")]


def test_links_are_relative_to_the_pages_base_and_javascript_links_to_what_they_open():
    page = ("<html><head><base href='http://www.example.gov.cn/art/'></head><body>"
            "<a href='2024/a.html'>某局2024年政府信息公开工作年度报告</a>"
            "<a href='javascript:void(0)' onclick=\"window.open('/art/2023/b.html')\">某局2023年政府信息公开工作年度报告</a>"
            "<a href=\"javascript:openDoc('/art/2022/c.html')\">某局2022年政府信息公开工作年度报告</a></body></html>")
    assert [x.url for x in lists.report_links(page, COLUMN)] == [
        "http://www.example.gov.cn/art/2024/a.html", "http://www.example.gov.cn/art/2023/b.html",
        "http://www.example.gov.cn/art/2022/c.html"]


def test_hanweb_records_in_cdata_are_links_and_its_proxy_is_asked_for_the_rest():
    store = ("<div id='3303541'><script type='text/xml'><datastore><nextgroup><![CDATA[<a href=\"/module/web/jpage/dataproxy.jsp?"
             "page=1&appid=1&webid=3179&path=/&columnid=1229440617&unitid=3303541&webname=x&permissiontype=0\"></a>]]></nextgroup>"
             "<recordset>" + "".join(f"<record><![CDATA[<li><a href='/art/{n}.html'>某局{2000 + n}年政府信息公开工作年度报告</a></li>]]>"
                                    "</record>" for n in range(1, 4)) + "</recordset></datastore></script></div>"
             "<script>$('#3303541').jpage({ totalRecord:40, perPage:5, groupSize:3, proxyUrl:'/module/web/jpage/dataproxy.jsp' });</script>")
    url = "http://www.example.gov.cn/col/col1229440617/index.html"
    assert len(lists.report_links(store, url)) == 3
    asks = lists.jpage_requests(store, url)
    assert [a for a, _ in asks] == [f"http://www.example.gov.cn/module/web/jpage/dataproxy.jsp?startrecord={s}&endrecord={e}&perpage=5"
                                    for s, e in ((4, 18), (19, 33), (34, 40))]
    assert asks[0][1]["columnid"] == "1229440617" and "page" not in asks[0][1] and asks[0][1]["col"] == "1"


@pytest.mark.parametrize(("script", "url", "pages"), [
    ('createPageHTML(3, 0, "index", "shtml");', COLUMN, ["index_1.shtml", "index_2.shtml"]),
    ("createPageHTML('page_div',3,1,'index','html',28);", COLUMN + "index.html", ["index_1.html", "index_2.html"]),
    ("var currentPage = 0;\nvar countPage = 2//共多少页\ncreatePageHTML(countPage, currentPage, \"index\", \"htm\");", COLUMN,
     ["index_1.htm"]),
    ("pagebar: { prepage: 10, recordCount: '25', pgCountMode: \"recordCount\" }", COLUMN + "index.htm", ["index_1.htm", "index_2.htm"]),
])
def test_pages_a_script_declares(script, url, pages):
    declared = lists.declared_pages(f"<html><body><script>{script}</script></body></html>", url, 20)
    assert [c[0].removeprefix(COLUMN) for c in declared] == pages


def test_a_declared_page_of_unknown_suffix_is_tried_in_turn_and_max_pages_holds():
    declared = lists.declared_pages("<script>var recordCount = 100; var pageSize = 10;</script>", COLUMN, 4)
    assert len(declared) == 3 and [c.removeprefix(COLUMN) for c in declared[0]] == ["index_1.htm", "index_1.html", "index_1.shtml"]


def test_page_links_by_next_and_number_within_the_column_only():
    page = ("<div class='page'><a href='list.jsp?page=1'>1</a><a href='list.jsp?page=2'>2</a><a href='list.jsp?page=2'>下一页 &gt;</a>"
            "<a href='index_5.html' title='尾页'>»</a></div><a href='/other/list.jsp?page=2'>2</a><a href='a_12.html'>某通知</a>"
            "<a href='/other/more.html'>更多</a><a href='all.html'>更多&gt;&gt;</a>")
    got = lists.page_links(page, COLUMN + "list.jsp?page=1", COLUMN + "list.jsp?page=1")
    assert got == [COLUMN + "list.jsp?page=2", COLUMN + "index_5.html", COLUMN + "all.html"]


def test_a_columns_tabs_by_year_are_list_pages():
    page = ("<div class='tabs'><a href='/zwgk/nb2024/'>2024年度</a><a href='/zwgk/nb2023/'>2023年</a>"
            "<a href='http://elsewhere.example/nb2022/'>2022年度</a><a href='/zwgk/zfgzbg/'>政府工作报告</a></div>")
    assert lists.page_links(page, COLUMN, COLUMN) == ["http://www.example.gov.cn/zwgk/nb2024/", "http://www.example.gov.cn/zwgk/nb2023/"]


def test_a_json_data_address_gives_its_reports_and_its_pages():
    body = json.dumps({"data": {"total": 45, "pageSize": 20, "rows": [
        {"title": "<font color=red>某局</font>2023年政府信息公开工作年度报告", "url": "/art/1.html"},
        {"title": "某局2024年工作要点", "url": "/art/2.html"},
        {"docTitle": "某局2022年政府信息公开年报", "docUrl": "https://www.example.gov.cn/art/3.pdf", "id": 3}]}}, ensure_ascii=False)
    api = "http://www.example.gov.cn/api/list?channel=9&page=1"
    assert [(x.title, x.url) for x in lists.data_links(body, api)] == [
        ("某局2023年政府信息公开工作年度报告", "http://www.example.gov.cn/art/1.html"),
        ("某局2022年政府信息公开年报", "https://www.example.gov.cn/art/3.pdf")]
    assert lists.data_pages(api, body, 20) == [api.replace("page=1", "page=2"), api.replace("page=1", "page=3")]


def test_an_rss_feed_gives_its_items():
    feed = ("<?xml version='1.0'?><rss><channel><item><title>某局2023年政府信息公开工作年度报告</title>"
            "<link>http://www.example.gov.cn/art/9.html</link></item><item><title>某局2024年工作动态</title>"
            "<link>http://www.example.gov.cn/art/10.html</link></item></channel></rss>")
    assert [x.url for x in lists.data_links(feed, COLUMN + "rss.xml")] == ["http://www.example.gov.cn/art/9.html"]


def test_data_addresses_named_in_scripts():
    page = ("<script src='/js/jquery.min.js'></script><script>var api = '/xxgk/api/nb/list?page=1';"
            "$.getJSON(\"data/list.json\", render); var css = '/x.css';</script>")
    assert lists.data_endpoints(page, COLUMN) == ["http://www.example.gov.cn/xxgk/api/nb/list?page=1", COLUMN + "data/list.json"]


def test_a_report_page_is_told_from_a_list_of_reports():
    assert lists.is_report_page("<body><h1>报告</h1><p>一、主动公开政府信息情况</p><p>三、收到和处理政府信息公开申请情况</p>"
                                "<p>四、政府信息公开行政复议、行政诉讼情况</p></body>")
    assert not lists.is_report_page("<body><ul><li><a href='a.html'>某局2023年政府信息公开工作年度报告</a></li></ul></body>")


def test_an_articles_report_file_comes_before_the_sites_forms_and_viewers_and_scripts_name_theirs():
    from xxgk.add import attachments

    page = ("<div class=head>" + "".join(f"<a href='/forms/f{n}.doc'>申请表{n}</a>" for n in range(6)) + "</div>"
            "<p>附件：<a href='/files/x1.pdf'>某局2024年政府信息公开工作年度报告.pdf</a></p>"
            "<iframe src='/pdfjs/web/viewer.html?file=/upload/nb2024.pdf'></iframe>"
            "<a href='/module/download/downfile.jsp?classid=0&filename=2024nb.docx'>下载</a><a href='/x.jsp?id=3'>x</a>")
    for encoding in ("utf-8", "gbk"):
        got = attachments(page.encode(encoding), "http://www.example.gov.cn/art/1.html")
        assert got[0] == "http://www.example.gov.cn/files/x1.pdf" and len(got) == 5, got
    got = attachments(page.replace("<div class=head>", "<div class=head hidden>").split("</div>", 1)[1].encode(), "http://www.example.gov.cn/a.html")
    assert got == ["http://www.example.gov.cn/files/x1.pdf", "http://www.example.gov.cn/upload/nb2024.pdf",
                   "http://www.example.gov.cn/module/download/downfile.jsp?classid=0&filename=2024nb.docx"]


@pytest.mark.parametrize(("text", "said"), [
    ("sites:\n  - name: a\n    url: http://x.gov.cn/\n  - name: a\n    url: http://y.gov.cn/\n", "used twice"),
    ("sites:\n  - name: a\n    url: ftp://x.gov.cn/\n", "http(s) `url`"),
    ("sites:\n  - url: http://x.gov.cn/\n", "needs a `name`"),
    ("sites:\n  - name: a\n    url: http://x.gov.cn/\n    agnecy: 某局\n", "unknown keys agnecy"),
    ("sites: [\n", "cannot be read"),
])
def test_a_sites_file_that_cannot_be_harvested_is_said_before_anything_is_fetched(tmp_path, text, said):
    from xxgk.harvest.sites import SitesError, load_sites

    path = tmp_path / "sites.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SitesError, match=said.replace("(", r"\(").replace(")", r"\)")):
        load_sites(path)


def test_the_bundled_sites_file_loads():
    from conftest import ROOT

    from xxgk.harvest.sites import load_sites

    sites = load_sites(ROOT / "harvest" / "sites.yaml")
    assert len(sites) >= 10 and all(s.agency and s.region for s in sites)


def test_a_download_link_named_only_by_its_text_is_an_attachment():
    from xxgk.add import attachments

    for encoding in ("utf-8", "gbk"):
        page = ("<p>附件：<a href='/attachment/download?fileId=12'><span>某局2024年政府信息公开工作年度报告.pdf</span></a></p>"
                "<a href='/attachment/download?fileId=13'>返回</a>").encode(encoding)
        assert attachments(page, "http://www.example.gov.cn/a.html") == ["http://www.example.gov.cn/attachment/download?fileId=12"]
