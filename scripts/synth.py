"""A deterministic synthetic corpus of 政府信息公开工作年度报告 in every layout the readers accept.

Each report follows the 2021 template with the exact labels and much of the narrative wording of
real reports; agencies, years and figures vary. The figures obey the template's arithmetic, so a
correct parser reads back exactly what was generated. Report i depends only on (seed, i): the
first k reports of a larger corpus are the corpus of k reports.

    python scripts/synth.py OUT_DIR N [--seed S] [--expected FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import random
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

LAYOUTS = ("tsv", "pipe", "tabcell", "crawl", "html", "markdown")
EXTENSIONS = {"tsv": "txt", "pipe": "txt", "tabcell": "txt", "crawl": "txt", "html": "html", "markdown": "md"}
YEARS = range(2021, 2026)

# --- agencies ----------------------------------------------------------------------------------

COUNTIES = (
    ("河南省", "洛阳市", "洛龙区"), ("河南省", "洛阳市", "涧西区"), ("河南省", "洛阳市", "偃师区"), ("河南省", "洛阳市", "栾川县"),
    ("河南省", "郑州市", "金水区"), ("河南省", "郑州市", "中原区"), ("河南省", "安阳市", "北关区"), ("河南省", "安阳市", "林州市"),
    ("河南省", "新乡市", "卫辉市"), ("河南省", "南阳市", "西峡县"), ("广东省", "韶关市", "武江区"), ("广东省", "韶关市", "浈江区"),
    ("广东省", "韶关市", "乐昌市"), ("广东省", "广州市", "天河区"), ("广东省", "广州市", "番禺区"), ("广东省", "佛山市", "南海区"),
    ("广东省", "梅州市", "梅县区"), ("广东省", "清远市", "连州市"), ("广西壮族自治区", "桂林市", "兴安县"), ("广西壮族自治区", "南宁市", "青秀区"),
    ("广西壮族自治区", "柳州市", "柳江区"), ("福建省", "福州市", "闽侯县"), ("福建省", "福州市", "长乐区"), ("福建省", "泉州市", "晋江市"),
    ("福建省", "厦门市", "思明区"), ("福建省", "漳州市", "龙海区"), ("浙江省", "杭州市", "西湖区"), ("浙江省", "杭州市", "余杭区"),
    ("浙江省", "宁波市", "鄞州区"), ("浙江省", "温州市", "瑞安市"), ("浙江省", "金华市", "义乌市"), ("江苏省", "南京市", "江宁区"),
    ("江苏省", "苏州市", "昆山市"), ("江苏省", "无锡市", "江阴市"), ("江苏省", "徐州市", "沛县"), ("山东省", "济南市", "历下区"),
    ("山东省", "青岛市", "黄岛区"), ("山东省", "潍坊市", "寿光市"), ("山东省", "临沂市", "兰山区"), ("湖北省", "武汉市", "江汉区"),
    ("湖北省", "宜昌市", "夷陵区"), ("湖北省", "襄阳市", "枣阳市"), ("湖南省", "长沙市", "岳麓区"), ("湖南省", "株洲市", "醴陵市"),
    ("湖南省", "湘西土家族苗族自治州", "凤凰县"), ("四川省", "成都市", "武侯区"), ("四川省", "成都市", "郫都区"), ("四川省", "绵阳市", "江油市"),
    ("四川省", "凉山彝族自治州", "西昌市"), ("河北省", "石家庄市", "正定县"), ("河北省", "保定市", "涿州市"), ("河北省", "邯郸市", "武安市"),
    ("山西省", "太原市", "小店区"), ("山西省", "大同市", "云冈区"), ("陕西省", "西安市", "雁塔区"), ("陕西省", "宝鸡市", "岐山县"),
    ("甘肃省", "兰州市", "城关区"), ("甘肃省", "天水市", "秦州区"), ("云南省", "昆明市", "五华区"), ("云南省", "大理白族自治州", "大理市"),
    ("贵州省", "贵阳市", "观山湖区"), ("贵州省", "遵义市", "仁怀市"), ("江西省", "南昌市", "青山湖区"), ("江西省", "赣州市", "瑞金市"),
    ("安徽省", "合肥市", "蜀山区"), ("安徽省", "芜湖市", "鸠江区"), ("安徽省", "黄山市", "歙县"), ("辽宁省", "沈阳市", "浑南区"),
    ("辽宁省", "大连市", "金州区"), ("吉林省", "长春市", "朝阳区"), ("黑龙江省", "哈尔滨市", "道里区"), ("内蒙古自治区", "呼和浩特市", "赛罕区"),
    ("宁夏回族自治区", "银川市", "兴庆区"), ("青海省", "西宁市", "城中区"), ("海南省", "海口市", "美兰区"), ("重庆市", "", "渝中区"),
    ("重庆市", "", "万州区"), ("北京市", "", "海淀区"), ("上海市", "", "闵行区"), ("天津市", "", "滨海新区"),
)
BODIES = (
    "人民政府办公室", "发展和改革局", "教育局", "科学技术局", "工业和信息化局", "公安局", "民政局", "司法局", "财政局",
    "人力资源和社会保障局", "自然资源局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局",
    "文化广电和旅游局", "卫生健康委员会", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局",
    "医疗保障局", "城市管理局", "信访局", "林业局", "行政审批服务局", "数据局", "民族宗教事务局",
)
TOWNS = ("城关", "东城", "西城", "南关", "北街", "新华", "人民路", "解放路", "定鼎门", "龙门", "开元", "太平", "长安",
         "东风", "胜利", "和平", "建设路", "文化路", "红旗", "永安", "石桥", "白沙", "青龙", "凤凰山")


@dataclass(frozen=True)
class Agency:
    name: str
    province: str
    city: str
    county: str
    we: str  # how the report refers to itself: 我局, 我办, 我街道 …


def _agency(rng: random.Random) -> Agency:
    province, city, county = rng.choice(COUNTIES)
    kind = rng.random()
    if kind < 0.12:
        town = rng.choice(TOWNS)
        body, we = rng.choice(((f"{town}街道办事处", "我街道"), (f"{town}镇人民政府", "我镇"), (f"{town}乡人民政府", "我乡")))
    elif kind < 0.18:
        body, we = "人民政府", "我" + county[-1]
    else:
        body = rng.choice(BODIES)
        we = "我办" if body.endswith("办公室") else "我委" if body.endswith("委员会") else "我局"
    prefix = city + county if city and rng.random() < 0.3 else county
    if kind >= 0.18 and city and rng.random() < 0.1:
        prefix = city  # a city-level department
    return Agency(prefix + body, province, city, county, we)


# --- figures -----------------------------------------------------------------------------------

APPLICANTS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org", "legal_service_org", "other_org")
REQUEST_COLUMNS = (*APPLICANTS, "total")
OUTCOMES = {
    "granted": 40, "partial": 6,
    "denied_state_secret": 0.3, "denied_law_forbidden": 0.5, "denied_three_safety": 0.3, "denied_third_party": 1,
    "denied_internal_affairs": 1.5, "denied_process_info": 2, "denied_enforcement_file": 0.8, "denied_inquiry": 1.5,
    "unable_not_held": 22, "unable_need_creation": 4, "unable_unclear": 3,
    "unprocessed_complaint": 4, "unprocessed_repeat": 3, "unprocessed_publication": 0.5, "unprocessed_massive": 0.5,
    "unprocessed_confirm": 1, "other_overdue_correction": 4, "other_overdue_fee": 0.3, "other_other": 5,
}
REQUEST_ROWS = ("new", "carried_over", *OUTCOMES, "total", "carried_forward")
BLANKABLE = ("other_overdue_fee", "other_other")  # real reports leave these rows empty at times
APPEAL_ROWS = ("review", "litigation_direct", "litigation_after_review")
APPEAL_COLUMNS = ("upheld", "corrected", "other", "pending", "total")
PROACTIVE = (("rules", ("issued", "repealed", "in_force")), ("normative_documents", ("issued", "repealed", "in_force")),
             ("licensing", ("decisions",)), ("penalty", ("decisions",)), ("coercion", ("decisions",)), ("fees", ("amount",)))
KEYS = ([f"proactive/{row}/{col}" for row, cols in PROACTIVE for col in cols]
        + [f"requests/{row}/{col}" for row in REQUEST_ROWS for col in REQUEST_COLUMNS]
        + [f"appeals/{row}/{col}" for row in APPEAL_ROWS for col in APPEAL_COLUMNS])


def _count(rng: random.Random, p_zero: float, scale: float) -> int:
    return 0 if rng.random() < p_zero else 1 + int(rng.expovariate(1 / scale))


def _figures(rng: random.Random) -> dict[str, int | float | None]:
    v: dict[str, int | float | None] = {}
    prior = _count(rng, 0.9, 6)
    issued, repealed = min(_count(rng, 0.9, 1), 3), min(_count(rng, 0.95, 1), prior)
    v |= {"proactive/rules/issued": issued, "proactive/rules/repealed": repealed, "proactive/rules/in_force": prior + issued - repealed}
    prior = _count(rng, 0.3, 40)
    issued, repealed = _count(rng, 0.45, 4), min(_count(rng, 0.6, 3), prior)
    v |= {"proactive/normative_documents/issued": issued, "proactive/normative_documents/repealed": repealed,
          "proactive/normative_documents/in_force": prior + issued - repealed}
    v["proactive/licensing/decisions"] = _count(rng, 0.55, 300)
    v["proactive/penalty/decisions"] = _count(rng, 0.5, 60)
    v["proactive/coercion/decisions"] = _count(rng, 0.8, 8)
    v["proactive/fees/amount"] = 0 if rng.random() < 0.9 else round(rng.uniform(0.1, 900), rng.choice((0, 1, 2)))

    blank = rng.random() < 0.05
    weights = {k: (0 if blank and k in BLANKABLE else w) for k, w in OUTCOMES.items()}
    level = rng.choices((0, 1, 2, 3), (35, 40, 18, 7))[0]
    for col in APPLICANTS:
        if col == "natural_person":
            handled = (0, _count(rng, 0.3, 3), _count(rng, 0.05, 20), _count(rng, 0, 150))[level]
        else:
            handled = _count(rng, 1 - (0, 0.05, 0.2, 0.5)[level], 1 + level)
        counts = Counter(rng.choices(list(weights), list(weights.values()), k=handled))
        for row in OUTCOMES:
            v[f"requests/{row}/{col}"] = counts[row]
        forward = rng.randint(0, max(1, handled // 8)) if rng.random() < 0.2 else 0
        over = rng.randint(0, min(handled + forward, max(1, handled // 8))) if rng.random() < 0.2 else 0
        v |= {f"requests/total/{col}": handled, f"requests/carried_forward/{col}": forward,
              f"requests/carried_over/{col}": over, f"requests/new/{col}": handled + forward - over}
    for row in REQUEST_ROWS:
        v[f"requests/{row}/total"] = sum(v[f"requests/{row}/{c}"] for c in APPLICANTS)
    if blank:
        for row in BLANKABLE:
            for col in REQUEST_COLUMNS:
                v[f"requests/{row}/{col}"] = None

    litigious = rng.random() < 0.15
    for row in APPEAL_ROWS:
        parts = [_count(rng, 0.6, 1.5) if litigious else 0 for _ in range(4)]
        parts[1] = min(parts[1], 1)
        v |= {f"appeals/{row}/{c}": n for c, n in zip(APPEAL_COLUMNS, parts)}
        v[f"appeals/{row}/total"] = sum(parts)
    return v


# --- the printed tables ------------------------------------------------------------------------

@dataclass(frozen=True)
class C:
    """One printed cell; `parts` are printed on separate lines where the layout allows."""

    parts: tuple[str, ...]
    rs: int = 1
    cs: int = 1

    @property
    def text(self) -> str:
        return "".join(self.parts)


def c(text, rs: int = 1, cs: int = 1) -> C:
    return C(tuple(text) if isinstance(text, tuple) else (text,), rs, cs)


def _num(value) -> str:
    if value is None:
        return ""
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _split(rng: random.Random, word: str) -> tuple[str, ...]:
    """Narrow header cells wrap: 商业企业 → 商业 / 企业."""
    if len(word) == 4 and rng.random() < 0.5:
        return (word[:2], word[2:])
    return (word,)


def _proactive_table(v, full: bool) -> tuple[list[list[C]], int]:
    lp, rp = ("（", "）") if full else ("(", ")")
    unit = "本年收费金额（单位：万元）" if full else "本年收费金额(单位:万元)"
    val = lambda key, cs=1: c(_num(v[f"proactive/{key}"]), cs=cs)
    rows = [[c(f"第二十条第{lp}一{rp}项", cs=4)],
            [c("信息内容"), c("本年制发件数"), c("本年废止件数"), c("现行有效件数")]]
    for code, label in (("rules", "规章"), ("normative_documents", "行政规范性文件")):
        rows.append([c(label)] + [val(f"{code}/{col}") for col in ("issued", "repealed", "in_force")])
    for item, header, entries in (("五", "本年处理决定数量", (("licensing/decisions", "行政许可"),)),
                                  ("六", "本年处理决定数量", (("penalty/decisions", "行政处罚"), ("coercion/decisions", "行政强制"))),
                                  ("八", unit, (("fees/amount", "行政事业性收费"),))):
        rows += [[c(f"第二十条第{lp}{item}{rp}项", cs=4)], [c("信息内容"), c(header, cs=3)]]
        rows += [[c(label), val(key, 3)] for key, label in entries]
    return rows, 4


GROUPS = (("三", "不予公开", ("属于国家秘密", "其他法律行政法规禁止公开", "危及“三安全一稳定”", "保护第三方合法权益",
                            "属于三类内部事务信息", "属于四类过程性信息", "属于行政执法案卷", "属于行政查询事项")),
          ("四", "无法提供", ("本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确")),
          ("五", "不予处理", ("信访举报投诉类申请", "重复申请", "要求提供公开出版物", "无正当理由大量反复申请",
                            "要求行政机关确认或重新出具已获取信息")),
          ("六", "其他处理", ("申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                            "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "其他")))


def _requests_table(v, full: bool, rng: random.Random) -> tuple[list[list[C]], int]:
    sub = (lambda n, t: f"（{n}）{t}") if full else (lambda n, t: f"({n}) {t}")
    item = (lambda k, t: f"{k}.{t}") if full else (lambda k, t: f"{k}. {t}")
    partial = "部分公开（区分处理的，只计这一情形，不计其他情形）" if full else "部分公开 (区分处理的, 只计这一情形, 不计其他情形)"
    values = lambda row: [c(_num(v[f"requests/{row}/{col}"])) for col in REQUEST_COLUMNS]
    note = "本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和"
    rows = [[c(f"（{note}）" if full else f"({note})", rs=3, cs=3), c("申请人情况", cs=7)],
            [c("自然人", rs=2), c("法人或其他组织", cs=5), c("总计", rs=2)],
            [c(_split(rng, w)) for w in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
            [c("一、本年新收政府信息公开申请数量", cs=3), *values("new")],
            [c("二、上年结转政府信息公开申请数量", cs=3), *values("carried_over")],
            [c("三、本年度办理结果", rs=22), c(sub("一", "予以公开"), cs=2), *values("granted")],
            [c(sub("二", partial), cs=2), *values("partial")]]
    codes = iter(list(OUTCOMES)[2:])
    for numeral, label, items in GROUPS:
        for k, text in enumerate(items, start=1):
            head = [c(sub(numeral, label), rs=len(items))] if k == 1 else []
            rows.append([*head, c(item(k, text)), *values(next(codes))])
    rows += [[c(sub("七", "总计"), cs=2), *values("total")],
             [c("四、结转下年度继续办理", cs=3), *values("carried_forward")]]
    return rows, 10


def _appeals_table(v, rng: random.Random) -> tuple[list[list[C]], int]:
    heads = [c(_split(rng, w)) for w in ("结果维持", "结果纠正", "其他结果", "尚未审结")] + [c("总计")]
    rows = [[c("行政复议", cs=5), c("行政诉讼", cs=10)],
            [C(h.parts, rs=2) for h in heads] + [c("未经复议直接起诉", cs=5), c("复议后起诉", cs=5)],
            heads * 2,
            [c(_num(v[f"appeals/{row}/{col}"])) for row in APPEAL_ROWS for col in APPEAL_COLUMNS]]
    return rows, 15


# --- narrative (wording of real reports) -------------------------------------------------------

PREAMBLES = (
    "{agency}根据《中华人民共和国政府信息公开条例》规定,特向社会公布{year}年度{agency}政府信息公开工作报告。本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项共六个部分组成。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
    "本年报根据《中华人民共和国政府信息公开条例》及《{city}政府信息公开办法》要求编制，由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议及行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六个部分组成。本报告统计期限自{year}年1月1日起至{year}年12月31日止。",
    "本报告系根据《中华人民共和国政府信息公开条例》（国务院令第711号）、《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）等文件要求编制。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。本报告的电子版可在“{county}人民政府”网站上下载。如对本报告有任何疑问、意见，请与{agency}联系。",
    "",
)
LEADS = (
    "{year}年，{we}以习近平新时代中国特色社会主义思想为指导，认真学习贯彻落实党的二十大和二十届三中全会精神，按照《中华人民共和国政府信息公开条例》的要求，进一步加强组织领导，明确责任分工，细化分解任务，加大督导力度，信息公开工作的积极性、主动性不断提高，信息公开的广度和深度不断增强，进一步提高了工作透明度，有效地保障了公民知情权，促进了政府公信力的提升。",
    "{year}年，{we}严格遵循上级相关文件精神与具体要求，健全完善政府信息公开工作制度，梳理规范政务公开内容，创新政务公开形式，提高政务公开水平，致力于构建并优化政府信息公开的工作体系。现将{we}{year}年度政府信息公开工作报告如下：",
    "{year}年，{we}严格落实《中华人民共和国政府信息公开条例》等相关要求，认真履行职责，突出工作重点，强化工作措施，全力做好政府信息公开工作，取得了较好成绩。",
    "{year}年，{we}坚决遵循习近平新时代中国特色社会主义思想的引领，严格执行《中华人民共和国政府信息公开条例》。秉持“公开为原则，不公开为例外”的理念，不断完善政务公开制度，提升公开质量，确保政务公开各项核心任务得到有效实施。",
)
PROACTIVE_TEXT = (
    "（一）主动公开情况。{year}年，{we}主要通过政府门户网站等渠道进行政府信息公开。全年共主动公开政府信息{items}条，其中政务（工作）动态类信息{news}条。",
    "（一）主动公开：{year}年，{we}持续深化政府信息公开工作，持续优化公开平台，拓宽信息公开途径，以便公众能够更便捷地获取相关政府信息。所公开的信息均严格遵守政府信息公开的保密要求，不含机密内容。",
    "（一）主动公开情况。{year}年{we}通过多种方式和渠道公开政府信息{items}条，涉及安全生产、环境卫生、社会治理、普法宣传等与群众生活密切相关的各类内容。同时，及时公开各类信息，切实保障居民的知情权、参与权、监督权。",
)
REQUEST_TEXT = (
    "（二）依申请公开。{year}年{we}新收到政府信息公开申请数量{new}件，上年度结转数量{over}件，{year}年度办结数量{done}件，转下一年办结数量{forward}件。",
    "（二）依申请公开情况。进一步规范依申请公开办理工作，完善依申请公开登记、审核、办理、答复、归档等全流程闭环管理机制，所有依申请公开事项均按规范办理。",
)
REQUEST_TEXT_NONE = "（二）依申请公开：{year}年{we}未接收到政府信息公开申请。"
MANAGEMENT_TEXT = (
    "（三）政府信息管理：严格履行政府信息公开审批程序，持续强化公开信息内容管理，切实加强公开信息审核把关，同时做好动态信息更新维护工作，保证公开信息时效和质量，方便公众查询使用。",
    "（三）政府信息管理情况。{year}年，{we}严格遵循《中华人民共和国政府信息公开条例》，明确信息公开范围、形式与内容，规范工作流程，强化审查机制，确保信息准确及时公开，实现信息公开经常化、制度化、规范化。",
    "（三）政府信息管理方面。持续做好政策文件库、规范性文件库动态更新，进一步开展文件清理，及时调整效力状态。{year}年，{we}制发行政规范性文件{issued}件，按程序确认失效或废止文件{repealed}件，现行有效行政规范性文件共{in_force}件。",
)
PLATFORM_TEXT = (
    "（四）政府信息公开平台建设：{we}把政府信息公开专栏建设作为切入点，致力于数据来源的一致性，并严格执行政府门户网站中各责任栏目的维护与更新标准，同时，规范化地进行信息公开指南及目录的更新维护工作。",
    "（四）政府信息公开平台建设情况。一是及时做好政府信息公开目录更新、依申请公开及网站在线咨询等工作，深化政府信息公开内容。二是依托政府网站、便民服务大厅宣传屏、社区宣传栏等媒介，对群众关注度高、社会效益大的信息进行及时公开，优化信息公开服务，提升群众的满意度和获得感。",
    "（四）政府信息公开平台建设情况。加强政府信息公开平台管理，优化整合栏目设置，根据上级文件精神，结合{county}实际情况，整合“工作动态”栏目，将工作动态信息集中统一发布到动态要闻类栏目，突出栏目特色。",
)
OVERSIGHT_TEXT = (
    "（五）监督保障：{we}建立了政府信息公开工作监督机制，定期开展信息核查和专项检查，确保政府信息公开工作的规范性和有效性。同时，加强了对政务公开工作人员的业务技能培训，提升了政务公开工作人员的专业知识技能水平。",
    "（五）监督保障情况。一是对政府信息公开的保密审查、信息送交、统计报送等具体工作进行培训教育，认真学习《中华人民共和国政府信息公开条例》，规范信息公开。二是持续强化监督机制，严格审查把关，保证信息来源可靠、内容准确权威。",
    "（五）监督保障情况。加强信息发布审核，严格落实信息公开内容核查制度，按要求先审后发。加强对政府网站日常工作的监督指导，落实常态化巡网，做好月度监测和随机抽查。",
)
PROBLEMS_TEXT = (
    ("（一）存在的主要问题：{year}年，{we}政务公开工作虽然取得了一定的成效，但仍存在一些问题和不足。主要表现在以下三个方面：一是部分信息更新不够及时，影响了信息的时效性和准确性；二是信息公开的主动性和全面性有待于进一步提高，部分领域的信息公开还不够深入；三是信息公开的培训和宣传力度不够，部分工作人员对信息公开的认识和重视程度不足。",
     "（二）改进措施：一是加强政府信息更新的时效性管理，建立信息更新提醒机制，确保信息及时发布和更新；二是扩大政府信息公开的覆盖面和深度，加强重点领域的信息公开，提高政府信息工作的透明度；三是加大信息公开的培训和宣传力度，提高工作人员对信息公开的认识和重视程度，增强工作主动性和责任感。"),
    ("{year}年，{we}政务公开工作取得一定成效，但也存在一些不足：一是政务公开统筹指导和监督考核工作有待进一步改进；二是政务公开队伍建设有待进一步健全。",
     "下一步，{we}将持续重点抓好以下几方面的工作：一是加强统筹协调，完善监督机制。二是健全队伍建设，提升服务质效。三是丰富公开形式，确保信息时效。不断丰富信息公开内容，拓宽信息公开渠道，围绕政府工作重点和群众关注热点，做到公开及时，信息准确，满足群众需求。"),
    ("（一）存在问题。一是政府信息主动公开力度仍需进一步加强；二是创新技术手段应用不足，网站政策检索、智能问答服务水平有待加强；三是政务公开队伍建设有待提升。",
     "（二）改进措施。继续严格落实《条例》和新时代政务公开工作要求，一是充分利用政府门户网站、政府新媒体及时公开社会高度关注的政策，促进政府信息权威发布；二是优化智能问答、智能搜索等服务，有效提升互动质效；三是开展政务公开工作培训，加强队伍素质建设。"),
)
OTHER_TEXT = ("无。", "{year}年度本机关未收取信息处理费。", "收取信息处理费的情况：本年度无发出收费通知，无收取信息处理费用。")


def _blocks(rng: random.Random, agency: Agency, year: int, v) -> tuple[str, list]:
    """The report as a list of blocks: ("p", text), ("h", heading) or ("table", rows, width)."""
    full = rng.random() < 0.6
    new, over = v["requests/new/total"], v["requests/carried_over/total"]
    fill = dict(agency=agency.name, year=year, we=agency.we, county=agency.county, city=agency.city or agency.province,
                items=rng.randint(2, 3000), new=new, over=over, done=v["requests/total/total"],
                forward=v["requests/carried_forward/total"],
                **{k: v[f"proactive/normative_documents/{k}"] for k in ("issued", "repealed", "in_force")})
    fill["news"] = rng.randint(0, fill["items"])
    say = lambda text: text.format(**fill)
    title = rng.choice(("{agency}{year}年政府信息公开工作年度报告", "{agency}{year}年度政府信息公开工作年度报告",
                        "{agency} {year} 年政府信息公开工作年度报告")).format(**fill)
    blocks: list = []
    if preamble := rng.choice(PREAMBLES):
        blocks.append(("p", say(preamble)))
    requests = REQUEST_TEXT_NONE if new == over == 0 and rng.random() < 0.7 else rng.choice(REQUEST_TEXT)
    blocks += [("h", "一、总体情况"), ("p", say(rng.choice(LEADS)))]
    blocks += [("p", say(t)) for t in (rng.choice(PROACTIVE_TEXT), requests, rng.choice(MANAGEMENT_TEXT),
                                       rng.choice(PLATFORM_TEXT), rng.choice(OVERSIGHT_TEXT))]
    blocks += [("h", "二、主动公开政府信息情况"), ("table", *_proactive_table(v, full)),
               ("h", "三、收到和处理政府信息公开申请情况"), ("table", *_requests_table(v, full, rng)),
               ("h", rng.choice(("四、政府信息公开行政复议、行政诉讼情况", "四、政府信息公开行政复议及行政诉讼情况"))),
               ("table", *_appeals_table(v, rng)),
               ("h", "五、存在的主要问题及改进情况"), *[("p", say(t)) for t in rng.choice(PROBLEMS_TEXT)],
               ("h", "六、其他需要报告的事项"), ("p", say(rng.choice(OTHER_TEXT)))]
    return title, blocks


# --- layouts -----------------------------------------------------------------------------------

def _grid(rows: list[list[C]], width: int) -> list[list[str]]:
    """The table with spans expanded: a spanned position is an empty string."""
    grid: list[list[str | None]] = [[None] * width for _ in rows]
    for r, row in enumerate(rows):
        col = 0
        for cell in row:
            while grid[r][col] is not None:
                col += 1
            for dr in range(cell.rs):
                for dc in range(cell.cs):
                    grid[r + dr][col + dc] = ""
            grid[r][col] = " ".join(cell.parts)
            col += cell.cs
    return [[t or "" for t in row] for row in grid]


def _signature(agency: Agency, year: int, rng: random.Random) -> list[str]:
    return [agency.name, f"{year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日"]


def _text(rng: random.Random, layout: str, title: str, blocks: list, agency: Agency, year: int) -> str:
    spaced = layout != "pipe" and rng.random() < 0.8
    lines: list[str] = []
    if layout == "tabcell" and rng.random() < 0.5:
        cut = title.index("年") + 1
        lines += [title[:cut], title[cut:]]
    else:
        lines.append(title)
    for block in blocks:
        if spaced:
            lines.append("")
        if block[0] != "table":
            lines.append(block[1])
            continue
        rows, width = block[1], block[2]
        if layout == "tsv":
            lines += ["\t".join(row) for row in _grid(rows, width)]
        elif layout == "pipe":
            for row in rows:
                lines += [f"{' '.join(cell.parts)} |" if cell.text else "|" for cell in row]
                if width > len(row):
                    lines.append("|" * (width - len(row)))
        else:
            for row in rows:
                for cell in row:
                    lines.append("\t" + "\n".join(cell.parts))
                lines.append("")
    lines += [""] * spaced + _signature(agency, year, rng)
    return "\n".join(lines) + "\n"


def _markdown(rng: random.Random, title: str, blocks: list, agency: Agency, year: int) -> str:
    out = [f"# {title}"]
    for block in blocks:
        if block[0] == "h":
            out.append(f"## {block[1]}")
        elif block[0] == "p":
            out.append(block[1])
        else:
            grid = _grid(block[1], block[2])
            table = ["| " + " | ".join(row) + " |" for row in grid]
            table.insert(1, "|" + "---|" * block[2])
            out.append("\n".join(table))
    out.append("\n\n".join(_signature(agency, year, rng)))
    return "\n\n".join(out) + "\n"


def _crawl(rng: random.Random, title: str, blocks: list, agency: Agency, year: int, index: int) -> str:
    published = f"{year + 1}-01-{rng.randint(5, 31):02d} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}"
    month = published[:7].replace("-", "")
    local = f"zwgk/zfxxgk/zfxxgknb/{month}/{80000 + index}_{title.replace(' ', '')}"
    head = [f"标题: {title}", f"发布时间: {published}", "文号: ", f"发布机构: {agency.name if rng.random() < 0.5 else ''}",
            "栏目: 政府信息公开年报", f"原文链接: https://www.example.gov.cn/{local.split('_')[0]}.htm",
            f"本地目录: {local}", "页面链接与图片详见 links.tsv(同目录)", "==================== 正文 ===================="]
    body = []
    for block in blocks:
        if block[0] == "table":
            body.append("".join(cell.text for row in block[1] for cell in row))
        else:
            body.append(block[1] + (" " if block[0] == "h" and rng.random() < 0.3 else ""))
    return "\n".join(head) + "\n" + "".join(body) + "".join(_signature(agency, year, rng)) + "\n"


TD_STYLES = ('style="border-width: 1px; border-style: solid; border-color: rgb(0, 0, 0);" valign="center"',
             'valign="center" style="padding:0px 7px;border:1px solid windowtext;"')
P_OPEN = ('<p>', '<p class="MsoNormal" align="center" style="text-align:center;line-height:20px">')
SPAN_OPEN = ('<span>', '<span style="font-family:宋体;font-size:13px">')
NAV = ("首页", "政务公开", "政务服务", "互动交流", "走进{county}", "专题专栏")
SUBNAV = ("政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报", "依申请公开", "政策文件", "政策解读",
          "财政预决算", "人事信息", "重点领域信息公开", "建议提案办理", "规划计划", "统计信息", "应急管理", "公示公告")
STYLE = "".join(f".nav{i} li{{float:left;width:{90 + i}px;line-height:44px;text-align:center}}\n" for i in range(40))
SCRIPT = "".join(f"$('.nav{i} li').hover(function(){{$(this).addClass('on')}},function(){{$(this).removeClass('on')}});\n" for i in range(40))


def _runs(rng: random.Random, text: str, word: int) -> str:
    """Editors cut a cell's text into <span> runs at arbitrary points."""
    if not text:
        return f"{SPAN_OPEN[word]}&nbsp;</span>"
    k = min(len(text) - 1, rng.choice((0, 0, 1, 2)))
    cuts = sorted(rng.sample(range(1, len(text)), k)) if k > 0 else []
    return "".join(f"{SPAN_OPEN[word]}{html.escape(text[a:b], quote=False)}</span>"
                   for a, b in zip([0, *cuts], [*cuts, len(text)]))


def _html_cell(rng: random.Random, cell: C, word: int) -> str:
    attrs = (f' rowspan="{cell.rs}"' if cell.rs > 1 else "") + (f' colspan="{cell.cs}"' if cell.cs > 1 else "")
    runs = [_runs(rng, part, word) for part in cell.parts]
    tail = "<o:p></o:p>" if word else ""
    if len(runs) > 1 and rng.random() < 0.5:
        inner = f"{P_OPEN[word]}{'<br/>'.join(runs)}{tail}</p>"  # a wrapped header: one paragraph, <br/> between lines
    else:
        inner = "".join(f"{P_OPEN[word]}{r}{tail}</p>" for r in runs)
    return f'<td{attrs} {TD_STYLES[word]} width="{rng.randint(26, 120)}">{inner}</td>'


def _html(rng: random.Random, title: str, blocks: list, agency: Agency, year: int, index: int) -> str:
    word = int(rng.random() < 0.5)  # Word-pasted markup or the site editor's
    published = f"{year + 1}-01-{rng.randint(5, 31):02d} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}"
    site = f"{agency.city}{agency.county}人民政府" if agency.city else f"{agency.county}人民政府"
    nav = "".join(f'<li><a href="/{i}/">{name.format(county=agency.county)}</a><ul class="sub">'
                  + "".join(f'<li><a href="/{i}/{j}/">{s}</a></li>' for j, s in enumerate(rng.sample(SUBNAV, 8)))
                  + "</ul></li>\n" for i, name in enumerate(NAV))
    body = []
    for block in blocks:
        if block[0] == "table":
            rows = "\n".join("<tr>" + "".join(_html_cell(rng, cell, word) for cell in row) + "</tr>" for row in block[1])
            body.append(f'<table style="border-collapse: collapse; width: 600px;" cellspacing="0" align="center" border="1"><tbody>\n{rows}\n</tbody></table>')
        else:
            text = html.escape(block[1], quote=False)
            body.append(f'<p style="text-indent: 2em;"><strong>{text}</strong></p>' if block[0] == "h" and word
                        else f'<p style="text-indent: 2em;">{text}</p>')
        if rng.random() < 0.2:
            body.append("<p>&nbsp;</p>")
    body += [f'<p style="text-align: right;">{line}</p>' for line in _signature(agency, year, rng)]
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{html.escape(title)}_{site}</title>
<meta name="SiteName" content="{site}"><meta name="ArticleTitle" content="{html.escape(title)}">
<meta name="PubDate" content="{published}"><meta name="ContentSource" content="{agency.name}">
<style>{STYLE}</style><script>{SCRIPT}</script></head>
<body>
<div class="top"><a href="/">{site}</a> <a href="/wza/">无障碍</a> <a href="/en/">English</a> <a href="/sitemap/">网站地图</a></div>
<div class="nav"><ul class="nav0">
{nav}</ul></div>
<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/nb/">政府信息公开年报</a></div>
<div class="article"><h1 class="title">{html.escape(title)}</h1>
<div class="info"><span>发布时间：{published}</span><span>来源：{agency.name}</span><span>字号：<a>大</a> <a>中</a> <a>小</a></span></div>
<div class="TRS_Editor" data-doc="{index}">
{chr(10).join(body)}
</div>
<div class="share">分享到：<a>微信</a> <a>微博</a> <a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>
</div>
<div class="footer"><p><a href="/about/">关于我们</a> | <a href="/contact/">联系我们</a> | <a href="/sitemap/">网站地图</a></p>
<p>主办单位：{site}办公室 承办：{site}政务服务和大数据管理中心</p>
<p>网站标识码：{4100000000 + index} 备案号：ICP备{rng.randint(10000000, 99999999)}号-1 公安机关备案号：{rng.randint(41000000000000, 41999999999999)}</p></div>
<script>var _hmt = _hmt || [];(function() {{var hm = document.createElement("script");hm.src = "https://hm.example.com/hm.js";}})();</script>
</body></html>
"""


# --- the corpus --------------------------------------------------------------------------------

def report(seed: int, index: int, attempt: int = 0) -> tuple[str, int, str, str, dict]:
    """Report `index`: (layout, year, agency name, file text, expected facts by key)."""
    rng = random.Random(f"{seed}:{index}:{attempt}")
    layout = LAYOUTS[index % len(LAYOUTS)]
    year = rng.choice(YEARS)
    agency = _agency(rng)
    v = _figures(rng)
    title, blocks = _blocks(rng, agency, year, v)
    if layout == "html":
        text = _html(rng, title, blocks, agency, year, index)
    elif layout == "markdown":
        text = _markdown(rng, title, blocks, agency, year)
    elif layout == "crawl":
        text = _crawl(rng, title, blocks, agency, year, index)
    else:
        text = _text(rng, layout, title, blocks, agency, year)
    return layout, year, agency.name, text, v


def generate(folder: Path, n: int, seed: int = 0, expected: Path | None = None) -> list[Path]:
    """Write n reports to folder/<year>/<index>.<ext> (the folder is replaced). With `expected`,
    also write there, as JSON, what a parser should read back from each file."""
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    paths, seen, truth = [], set(), {}
    for i in range(n):
        attempt = 0
        while True:  # byte-identical files would be published once, as duplicates
            layout, year, agency, text, values = report(seed, i, attempt)
            digest = hashlib.sha256(text.encode()).digest()
            if digest not in seen:
                break
            attempt += 1
        seen.add(digest)
        path = folder / str(year) / f"{i:05d}.{EXTENSIONS[layout]}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
        truth[path.relative_to(folder).as_posix()] = {"layout": layout, "agency": agency, "year": year,
                                                       "values": [values[k] for k in KEYS]}
    if expected is not None:
        Path(expected).parent.mkdir(parents=True, exist_ok=True)
        Path(expected).write_text(json.dumps({"seed": seed, "keys": KEYS, "reports": truth}, ensure_ascii=False), encoding="utf-8")
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--expected", type=Path, help="also write the generated figures here (JSON; keep it outside OUT)")
    args = ap.parse_args()
    paths = generate(args.out, args.n, args.seed, args.expected)
    print(f"{len(paths)} reports written to {args.out}")


if __name__ == "__main__":
    main()
