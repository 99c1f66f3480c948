"""Generate a realistic synthetic disclosure catalogue of any size, for benchmarks.

    .venv/bin/python bench/corpus.py OUT_DIR --items N [--seed S] [--internal-share 0.1]

writes OUT_DIR/catalog.yaml and OUT_DIR/themes/ (copies of this repository's) and N items under
OUT_DIR/content/{external,internal}/<category>/<year>/. Every item carries approvals that
validate against catalog.yaml's policy. The same N, seed and share give byte-identical output.

Digests are computed by parsing each item's text once with ``generator.source.items.parse_item``
(never by loading the whole catalogue), so 100,000 items take a few minutes at most.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import functools
import io
import itertools
import re
import shutil
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

from generator.checks.approvals import NewApproval, rewrite_approvals
from generator.checks.signatures import approval_statement
from generator.source import signature
from generator.source.config import Config, load_catalog
from generator.source.digest import bytes_sha256
from generator.source.items import Item, parse_item

REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 26)  # the reference "build date": ~98% of items are published by then
FIRST_DAY = dt.date(2019, 1, 2)
LAST_DAY = dt.date(2026, 12, 31)
ORG = "澄江区财政局"
ORG_FULL = "青禾市澄江区财政局"
ADDRESS = "青禾市澄江区府前路18号区行政中心3号楼"
PHONE = "0571-8765 4321"
COMPLAINT_PHONE = "0571-8765 4399"

# --------------------------------------------------------------------------------------------
# Which categories, owners and years items fall into.

EXTERNAL_WEIGHTS = {
    "duties": 2,
    "rules": 8,
    "budget": 12,
    "decisions": 5,
    "support": 8,
    "projects": 8,
    "procurement": 18,
    "licensing": 8,
    "funds": 14,
    "procedures": 7,
    "complaints": 3,
    "other": 9,
}
INTERNAL_WEIGHTS = {"reports": 15, "personnel": 35, "integrity": 15, "staff-affairs": 35}

OWNERS = {
    "duties": ["office", "office", "personnel"],
    "rules": [
        "budget",
        "treasury",
        "procurement",
        "accounting",
        "nontax",
        "supervision",
        "office",
        "agriculture",
        "social",
        "construction",
    ],
    "budget": ["treasury", "budget", "budget"],
    "decisions": ["budget", "budget", "office", "construction", "agriculture", "social"],
    "support": ["agriculture", "social", "construction"],
    "projects": ["construction"],
    "procurement": ["procurement"],
    "licensing": ["accounting", "accounting", "nontax"],
    "funds": ["agriculture", "social", "social", "construction"],
    "procedures": ["treasury", "procurement", "nontax", "accounting", "office"],
    "complaints": ["supervision", "discipline", "office"],
    "other": ["office", "office", "office", "treasury", "supervision", "accounting", "nontax"],
    "reports": ["office", "personnel", "discipline"],
    "personnel": ["personnel"],
    "integrity": ["discipline"],
    "staff-affairs": ["office", "office", "personnel"],
}
YEAR_WEIGHTS = {2019: 6, 2020: 8, 2021: 10, 2022: 12, 2023: 14, 2024: 16, 2025: 18, 2026: 16}
DOC_PREFIX = {
    "office": "办",
    "budget": "预",
    "treasury": "库",
    "procurement": "采",
    "accounting": "会",
    "agriculture": "农",
    "construction": "建",
    "social": "社",
    "supervision": "监",
    "nontax": "综",
    "personnel": "人",
    "discipline": "纪",
}

# --------------------------------------------------------------------------------------------
# Phrase banks.

TOWNS = [
    "青石镇",
    "禾丰镇",
    "柳溪镇",
    "双桥镇",
    "白沙镇",
    "云岭镇",
    "滨江街道",
    "澄江街道",
    "府前街道",
    "东湖街道",
]
ROADS = ["府前路", "滨江大道", "青石路", "禾丰大道", "柳溪路", "东湖路", "双桥路", "文昌路"]
ROADS += ["云岭路", "江南大道", "望江路", "凤凰路", "学院路", "工业大道"]
DEPARTMENTS = [
    "区财政局",
    "区教育局",
    "区卫生健康局",
    "区农业农村局",
    "区民政局",
    "区人力社保局",
    "区住房和城乡建设局",
    "区交通运输局",
    "区市场监督管理局",
    "区文化和广电旅游体育局",
    "区机关事务管理中心",
    "区城市管理局",
    "区生态环境分局",
    "区档案馆",
    "区人民医院",
    "区中医院",
    "澄江中学",
    "滨江实验学校",
]
SUBUNITS = ["局机关", "区会计核算中心", "区财政投资评审中心", "区国库支付中心"]
SUBUNITS += ["区非税收入征收管理中心", "区政府采购中心", "区财政局机关党支部"]
AWARDS = ["先进工作者", "优秀共产党员", "优秀公务员", "“财政先锋”岗位能手", "巾帼建功标兵"]
AWARDS += ["优秀青年干部", "信息宣传先进个人", "政务公开工作先进个人"]
CHECK_DOMAINS = ["代理记账机构", "行政事业单位", "区属国有企业", "医疗卫生机构", "中小学校"]
CHECK_DOMAINS += ["民营企业", "社会组织", "村级集体经济组织"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜钟陆汪范金石廖夏方邹孟秦邱江薛段雷侯史陶贺顾毛龚邵钱严戴孔汤章"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力永健志兴良海山波宁福生龙国胜学祥新利清飞彬昌成康星光达安中林博诚振乐松庆民浩亮宏晨鹏泽琳婷倩雯颖晓燕慧"
COMPANY_PREFIX = ["青禾", "澄江", "钱塘", "浙东", "江南", "云岭", "滨江", "东湖", "禾丰", "柳溪"]
COMPANY_PREFIX += ["华数", "恒远", "博远", "天衡", "中诚", "正信", "安泰", "金桥", "瑞丰", "嘉和"]
COMPANY_CORE = {
    "it": ["数智科技", "信息技术", "软件", "网络科技", "智能科技", "数据服务"],
    "build": ["建设工程", "市政工程", "建工集团", "路桥工程", "园林绿化工程", "水利水电工程"],
    "service": ["物业管理", "保安服务", "餐饮管理", "环境服务", "后勤服务", "档案服务"],
    "consult": ["工程咨询", "造价咨询", "项目管理", "招标代理", "财务咨询"],
    "goods": ["办公设备", "医疗器械", "教学设备", "商贸", "家具制造", "电子科技"],
    "agri": ["农业开发", "生态农业", "农业科技", "茶业", "食品", "果蔬"],
}
PROCUREMENT_ITEMS = [
    ("预算管理一体化系统运维服务", "it", "三年"),
    ("政务外网安全运维服务", "it", "一年"),
    ("网络安全等级保护测评服务", "it", "一年"),
    ("档案数字化加工服务", "service", "六个月"),
    ("机关物业管理服务", "service", "三年"),
    ("食堂食材配送服务", "service", "两年"),
    ("安保服务", "service", "两年"),
    ("道路保洁服务", "service", "三年"),
    ("绿化养护服务", "service", "两年"),
    ("法律顾问服务", "consult", "两年"),
    ("财政投资评审造价咨询服务", "consult", "两年"),
    ("全过程工程咨询服务", "consult", "至项目竣工验收"),
    ("信创办公终端采购", "goods", "合同签订后30日内交货"),
    ("课桌椅采购", "goods", "合同签订后45日内交货"),
    ("医疗设备采购", "goods", "合同签订后60日内交货"),
    ("多媒体教学设备采购", "goods", "合同签订后40日内交货"),
    ("LED显示屏采购及安装", "goods", "合同签订后30日内完成安装"),
    ("校服采购", "goods", "开学前交货"),
    ("公务用车租赁服务", "service", "一年"),
    ("智慧停车系统建设", "it", "合同签订后90日内完工"),
]
METHODS = ["公开招标", "公开招标", "公开招标", "竞争性磋商", "竞争性磋商", "竞争性谈判", "询价"]
PROJECT_KINDS = [
    ("{road}综合改造工程", "road"),
    ("{road}拓宽提升工程", "road"),
    ("{road}雨污分流改造工程", "road"),
    ("{town}污水管网提升工程", "water"),
    ("{town}农村饮用水提标工程", "water"),
    ("{town}中心小学改扩建工程", "school"),
    ("{town}农贸市场改造工程", "market"),
    ("{town}卫生院迁建工程", "hospital"),
    ("滨江实验学校新建工程", "school"),
    ("澄江体育中心建设工程", "venue"),
    ("东湖公园生态修复工程", "park"),
    ("区人民医院门急诊综合楼工程", "hospital"),
    ("柳溪大桥拓宽改造工程", "bridge"),
    ("区档案馆新馆建设工程", "venue"),
    ("城北防洪排涝提升工程", "water"),
    ("{town}美丽城镇建设工程", "town"),
]
EXPENDITURE_ITEMS = [
    ("教育支出", 0.23),
    ("社会保障和就业支出", 0.16),
    ("城乡社区支出", 0.13),
    ("一般公共服务支出", 0.10),
    ("卫生健康支出", 0.09),
    ("农林水支出", 0.07),
    ("公共安全支出", 0.05),
    ("科学技术支出", 0.04),
    ("节能环保支出", 0.03),
    ("交通运输支出", 0.03),
    ("住房保障支出", 0.02),
    ("文化旅游体育与传媒支出", 0.02),
]
NEXT_STEPS = [
    "加强收入形势研判，做好重点税源跟踪服务，依法依规组织收入",
    "加快预算支出进度，督促项目单位尽早形成实物工作量",
    "严格落实过紧日子要求，从严控制一般性支出和“三公”经费",
    "兜牢基层“三保”底线，优先保障基本民生和工资发放",
    "强化政府债务管理，按时足额偿还到期债务本息",
    "深化预算绩效管理，加强绩效评价结果应用",
    "盘活存量资金，统筹用于重点领域和急需支出",
    "加强直达资金监控，确保资金及时精准直达基层",
]

# Fund topics: (name, owner, object, unit, quantity range per town, yuan per unit range, slug).
FUND_TOPICS = [
    ("耕地地力保护补贴资金", "agriculture", "补贴面积", "亩", (2000, 50000), (95, 115), "farmland"),
    (
        "农机购置补贴资金",
        "agriculture",
        "补贴机具",
        "台（套）",
        (20, 300),
        (3000, 12000),
        "agri-machinery",
    ),
    (
        "农村公路养护资金",
        "agriculture",
        "养护里程",
        "公里",
        (20, 180),
        (7000, 12000),
        "rural-roads",
    ),
    (
        "高标准农田建设资金",
        "agriculture",
        "建设面积",
        "亩",
        (500, 6000),
        (1500, 3000),
        "farmland-build",
    ),
    (
        "村级集体经济发展扶持资金",
        "agriculture",
        "扶持村",
        "个",
        (2, 12),
        (300000, 800000),
        "village-economy",
    ),
    (
        "农业保险保费补贴资金",
        "agriculture",
        "参保面积",
        "亩",
        (3000, 40000),
        (20, 60),
        "agri-insurance",
    ),
    ("城乡居民最低生活保障资金", "social", "保障对象", "人", (300, 3000), (9000, 12000), "dibao"),
    ("城乡居民医疗救助资金", "social", "救助人次", "人次", (500, 6000), (600, 1500), "medical-aid"),
    (
        "困难残疾人生活补贴和重度残疾人护理补贴资金",
        "social",
        "补贴对象",
        "人",
        (200, 2000),
        (1500, 3500),
        "disability",
    ),
    ("居家养老服务补贴资金", "social", "服务对象", "人", (150, 1500), (1200, 3600), "elderly-care"),
    (
        "义务教育经费保障机制资金",
        "social",
        "在校学生",
        "人",
        (2000, 12000),
        (800, 1400),
        "education",
    ),
    ("就业补助资金", "social", "补助人次", "人次", (100, 1500), (1000, 3000), "employment"),
    ("学前教育发展资金", "social", "在园幼儿", "人", (600, 4000), (400, 900), "preschool"),
    (
        "老旧小区改造补助资金",
        "construction",
        "改造户数",
        "户",
        (200, 2500),
        (8000, 20000),
        "old-housing",
    ),
    (
        "城乡生活污水治理资金",
        "construction",
        "治理管网",
        "公里",
        (2, 40),
        (800000, 1500000),
        "sewage",
    ),
    (
        "美丽乡村建设资金",
        "construction",
        "建设村",
        "个",
        (1, 6),
        (500000, 2000000),
        "beautiful-village",
    ),
    (
        "生态环境保护专项资金",
        "construction",
        "治理项目",
        "个",
        (1, 8),
        (300000, 1500000),
        "ecology",
    ),
    (
        "地质灾害防治资金",
        "construction",
        "治理隐患点",
        "处",
        (1, 10),
        (100000, 600000),
        "geohazard",
    ),
]

# Rules topics per owner: (topic, slug).
RULE_TOPICS = {
    "budget": [
        ("区级财政专项资金管理办法", "special-funds"),
        ("部门预算编制审查办法", "budget-review"),
        ("预算绩效管理实施办法", "performance"),
        ("区级预备费管理办法", "reserve-fund"),
    ],
    "treasury": [
        ("国库集中支付管理办法", "treasury-payment"),
        ("财政专户管理办法", "special-accounts"),
        ("公务卡管理实施办法", "official-card"),
        ("预算单位银行账户管理办法", "bank-accounts"),
    ],
    "procurement": [
        ("政府采购内部控制管理办法", "procurement-control"),
        ("政府采购评审专家管理办法", "procurement-experts"),
        ("政府采购代理机构监督检查办法", "procurement-agencies"),
    ],
    "accounting": [
        ("会计人员继续教育管理办法", "accountant-training"),
        ("代理记账机构监督管理办法", "bookkeeping"),
        ("行政事业单位内部控制规范实施细则", "internal-control"),
    ],
    "nontax": [
        ("政府非税收入收缴管理办法", "nontax-collection"),
        ("财政票据管理办法", "fiscal-bills"),
        ("行政事业性收费减免管理办法", "fee-waiver"),
    ],
    "supervision": [
        ("财会监督工作实施办法", "accounting-supervision"),
        ("财政资金监督检查工作规程", "inspection-rules"),
    ],
    "office": [
        ("政务公开工作实施细则", "disclosure-rules"),
        ("公务接待管理办法", "reception"),
        ("机关差旅费管理办法", "travel-expenses"),
    ],
    "agriculture": [
        ("涉农资金统筹整合管理办法", "agri-integration"),
        ("农业产业化专项资金管理办法", "agri-industry"),
    ],
    "social": [
        ("社会保障资金监督管理办法", "social-security"),
        ("教育专项资金管理办法", "education-funds"),
        ("科技创新券管理办法", "innovation-vouchers"),
    ],
    "construction": [
        ("政府投资项目财政评审管理办法", "investment-review"),
        ("基本建设项目资金管理办法", "capital-projects"),
    ],
}
RULE_SUBJECTS = {
    "special-funds": "财政专项资金",
    "budget-review": "部门预算编制审查",
    "performance": "预算绩效",
    "reserve-fund": "预备费",
    "treasury-payment": "国库集中支付",
    "special-accounts": "财政专户",
    "official-card": "公务卡",
    "bank-accounts": "预算单位银行账户",
    "procurement-control": "政府采购内部控制",
    "procurement-experts": "政府采购评审专家",
    "procurement-agencies": "政府采购代理机构",
    "accountant-training": "会计人员继续教育",
    "bookkeeping": "代理记账机构",
    "internal-control": "单位内部控制",
    "nontax-collection": "政府非税收入收缴",
    "fiscal-bills": "财政票据",
    "fee-waiver": "行政事业性收费减免",
    "accounting-supervision": "财会监督",
    "inspection-rules": "财政资金监督检查",
    "disclosure-rules": "政务公开",
    "reception": "公务接待",
    "travel-expenses": "机关差旅费",
    "agri-integration": "涉农资金统筹整合",
    "agri-industry": "农业产业化专项资金",
    "social-security": "社会保障资金",
    "education-funds": "教育专项资金",
    "innovation-vouchers": "科技创新券",
    "investment-review": "政府投资项目财政评审",
    "capital-projects": "基本建设项目资金",
}
RULE_ARTICLES = {
    "总则": [
        "为加强{subject}管理，规范{subject}行为，提高财政资金使用效益，根据《中华人民共和国预算法》《中华人民共和国预算法实施条例》等有关规定，结合本区实际，制定本办法。",
        "本办法适用于区级行政事业单位、各镇（街道）及使用区级财政资金的其他单位。",
        "{subject}工作遵循统筹兼顾、公开透明、权责一致、注重绩效的原则。",
        "区财政局负责{subject}的统筹协调和监督管理，主管部门负责本部门（系统）{subject}的具体实施。",
    ],
    "管理职责": [
        "区财政局主要职责：制定{subject}制度和办法；审核下达资金预算；组织开展监督检查和绩效评价。",
        "主管部门主要职责：提出资金分配建议；组织项目实施；对资金使用的合规性和有效性负责。",
        "资金使用单位是资金使用的责任主体，应当建立健全内部管理制度，按规定用途使用资金。",
        "各镇（街道）应当配备专门人员，做好本辖区{subject}的审核、汇总和报送工作。",
    ],
    "资金管理": [
        "资金支付按照国库集中支付制度有关规定执行；属于政府采购范围的，应当按照政府采购有关规定执行。",
        "任何单位和个人不得截留、挤占、挪用资金，不得擅自改变资金用途或扩大开支范围。",
        "年度终了，资金使用单位应当编制资金使用情况报告，报主管部门和区财政局备案。",
        "结转结余资金按照区级财政结转结余资金管理有关规定执行，连续两年未用完的，由区财政局收回统筹使用。",
        "资金分配结果应当在下达后20日内向社会公开，涉及个人隐私的除外。",
    ],
    "监督检查": [
        "区财政局会同主管部门对{subject}情况进行监督检查，检查结果作为以后年度预算安排的重要依据。",
        "对违反本办法规定的单位和个人，依照《财政违法行为处罚处分条例》等有关规定追究责任；涉嫌犯罪的，移送司法机关处理。",
        "有关单位和个人应当配合监督检查，如实提供有关资料，不得拒绝、阻挠或者拖延。",
        "建立绩效评价结果与预算安排挂钩机制，对绩效评价结果较差的项目，相应调减或取消预算。",
    ],
    "附则": [
        "本办法由区财政局负责解释。",
        "各主管部门可根据本办法制定具体实施细则，报区财政局备案。",
    ],
}


def cn(n: int) -> str:
    """1..99 in Chinese numerals (第十二条, 第二十一条)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def cdate(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def md(d: dt.date) -> str:
    return f"{d.month}月{d.day}日"


def num(x: int | float, places: int = 0) -> str:
    return f"{x:,.{places}f}"


def pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f}" if whole else "0.0"


# --------------------------------------------------------------------------------------------
# The plan: every item's scope, category, owner, dates and number, decided before any text.


@dataclass
class Spec:
    scope: str
    category: str
    owner: str
    written: dt.date
    published: dt.date
    major: bool
    attach: bool
    seed: int
    year: int = 0
    serial: int = 0
    topic: tuple[str, str] | None = None  # rules: (topic, slug)
    revision: bool = False
    superseded_by: Spec | None = None
    validity: str = "current"
    repealed_on: dt.date | None = None

    @property
    def index_no(self) -> str:
        return f"{CODE}/{self.year}-{self.serial:05d}"

    @property
    def stem(self) -> str:
        return f"{self.year}-{self.serial:05d}"


CODE = "11330109002468135T"


def weighted(rng: Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def random_day(rng: Random) -> dt.date:
    year = int(weighted(rng, {str(y): w for y, w in YEAR_WEIGHTS.items()}))
    start = FIRST_DAY if year == FIRST_DAY.year else dt.date(year, 1, 1)
    end = TODAY - dt.timedelta(days=2) if year == TODAY.year else dt.date(year, 12, 31)
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def plan(n: int, seed: int, internal_share: float) -> list[Spec]:
    rng = Random(seed)
    internal = round(n * internal_share)
    scopes = ["internal"] * internal + ["external"] * (n - internal)
    rng.shuffle(scopes)
    seen: dict[str, list[str]] = {
        "external": list(EXTERNAL_WEIGHTS),
        "internal": list(INTERNAL_WEIGHTS),
    }
    specs = []
    for scope in scopes:
        # The first items of each scope cover every category once; the rest follow the weights.
        pending = seen[scope]
        if pending:
            category = pending.pop(0)
        else:
            category = weighted(rng, EXTERNAL_WEIGHTS if scope == "external" else INTERNAL_WEIGHTS)
        owner = rng.choice(OWNERS[category])
        if rng.random() < 0.02:  # scheduled: published after the reference date
            written = TODAY - dt.timedelta(days=rng.randrange(0, 12))
            published = TODAY + dt.timedelta(days=rng.randrange(1, 30))
        else:
            written = random_day(rng)
            # At most 20 calendar days, so 及时公开 items meet the 20-working-day limit (R601).
            delay = rng.choice([0, 1, 1, 2, 3, 3, 4, 5, 6, 7, 8, 10, 12, 15, 18, 20])
            published = min(written + dt.timedelta(days=delay), TODAY)
        major = owner != "office" and rng.random() < 0.01
        specs.append(
            Spec(
                scope=scope,
                category=category,
                owner=owner,
                written=written,
                published=published,
                major=major,
                attach=rng.random() < 0.05,
                seed=rng.getrandbits(64),
            )
        )
        if category == "rules":
            specs[-1].topic = rng.choice(RULE_TOPICS[owner])

    specs.sort(key=lambda s: (s.written, s.published, s.seed))
    serials: Counter[int] = Counter()
    for spec in specs:
        spec.year = spec.written.year
        serials[spec.year] += 1
        spec.serial = serials[spec.year]
        if spec.serial > 99999:
            raise SystemExit(f"more than 99,999 items written in {spec.year}")

    # A rule revised later is repealed (or amended) by its newer version.
    chains: dict[tuple[str, str], list[Spec]] = defaultdict(list)
    for spec in specs:
        if spec.topic:
            chains[(spec.owner, spec.topic[0])].append(spec)
    for chain in chains.values():
        for older, newer in itertools.pairwise(chain):
            newer.revision = True
            on = newer.published
            if on <= TODAY and on > older.published and Random(older.seed).random() < 0.6:
                older.superseded_by = newer
                older.validity = "repealed" if Random(newer.seed).random() < 0.7 else "amended"
                older.repealed_on = on
    return specs


# --------------------------------------------------------------------------------------------
# Drafting one item: templates fill a Draft.


@dataclass
class Attachment:
    name: str  # file name in files/
    title: str
    data: bytes


@dataclass
class Draft:
    spec: Spec
    r: Random
    title: str = ""
    slug: str = "notice"
    summary: str | None = None
    keywords: list[str] = field(default_factory=list)
    doc_no: str | None = None
    expires: dt.date | None = None
    series: str | None = None  # quarterly items that refresh one another (R602)
    refresh: str | None = None  # when it differs from the category's
    doc_type: str | None = None
    parts: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    sections: int = 0

    # Dates and facts every template uses.
    @property
    def y(self) -> int:
        return self.spec.written.year

    @property
    def w(self) -> dt.date:
        return self.spec.written

    @property
    def pub(self) -> dt.date:
        return self.spec.published

    def after(self, start: dt.date, low: int, high: int) -> dt.date:
        return min(start + dt.timedelta(days=self.r.randint(low, high)), LAST_DAY)

    def pick(self, seq: Sequence, k: int | None = None) -> list:
        return self.r.sample(list(seq), k if k is not None else self.r.randint(2, len(seq)))

    # Body building.
    def sec(self, heading: str) -> None:
        self.sections += 1
        self.parts.append(f"## {cn(self.sections)}、{heading}")

    def p(self, text: str) -> None:
        self.parts.append(text)

    def ul(self, items: Sequence[str]) -> None:
        self.parts.append("\n".join(f"- {x}" for x in items))

    def ol(self, items: Sequence[str]) -> None:
        """A numbered list; clauses end with "；" and the last with "。"."""
        clean = [x.rstrip("；。") for x in items]
        marks = ["；"] * (len(clean) - 1) + ["。"]
        lines = [f"{i}. {x}{m}" for i, (x, m) in enumerate(zip(clean, marks, strict=True), 1)]
        self.parts.append("\n".join(lines))

    def table(self, header: Sequence[str], rows: Sequence[Sequence[object]], align: str) -> None:
        rule = ["---:" if a == "r" else "---" for a in align]
        lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
        lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
        self.parts.append("\n".join(lines))

    def offer_csv(
        self, title: str, header: Sequence[str], rows: Sequence[Sequence[object]], link: str
    ) -> None:
        """Attach the table as CSV when this item is one of those with attachments."""
        if not self.spec.attach or self.attachments:
            return
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([str(c).replace("**", "").replace(",", "") for c in row])
        name = f"{self.spec.stem}-{self.slug}.csv"
        self.attachments.append(Attachment(name, f"{title}（CSV）", out.getvalue().encode()))
        if self.r.random() < 0.7:
            self.p(f"详细数据见附件[{link}](files/{name})。")

    def body(self) -> str:
        return "\n\n".join(self.parts)

    def set_doc_no(self, counters: Counter[tuple[str, int]]) -> None:
        prefix = DOC_PREFIX[self.spec.owner]
        counters[(prefix, self.y)] += 1
        self.doc_no = f"澄财{prefix}〔{self.y}〕{counters[(prefix, self.y)]}号"


def person(r: Random) -> str:
    return r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2, 2))))


def people(r: Random, k: int) -> list[str]:
    names: list[str] = []
    while len(names) < k:
        name = person(r)
        if name not in names:
            names.append(name)
    return names


def company(r: Random, kind: str) -> str:
    core = r.choice(COMPANY_CORE[kind])
    prefix = r.choice(COMPANY_PREFIX)
    if core == "果蔬" or (kind == "agri" and r.random() < 0.3):
        return f"{ORG[:3]}{r.choice(TOWNS)[:2]}{prefix}{core}专业合作社"
    if kind == "consult" and r.random() < 0.25:
        return f"青禾{prefix}会计师事务所（普通合伙）"
    suffix = "股份有限公司" if r.random() < 0.2 else "有限公司"
    return f"青禾{prefix}{core}{suffix}" if r.random() < 0.5 else f"浙江{prefix}{core}{suffix}"


def money_wan(r: Random, low: float, high: float) -> float:
    """An amount in 万元 with two decimals."""
    return round(r.uniform(low, high), 2)


def period_of(written: dt.date) -> tuple[int, str, float, str]:
    """The reporting period an execution report written on ``written`` covers."""
    m, y = written.month, written.year
    if m <= 3:
        return y - 1, "全年", 1.0, "1—12月"
    if m <= 6:
        return y, "第一季度", 0.26, "1—3月"
    if m <= 9:
        return y, "上半年", 0.53, "1—6月"
    return y, "前三季度", 0.77, "1—9月"


def growth(r: Random) -> tuple[str, float]:
    g = round(r.uniform(-3.5, 9.5), 1)
    return ("增长" if g >= 0 else "下降"), abs(g)


def annual_revenue(r: Random, year: int) -> int:
    return round(380000 * 1.05 ** (year - 2019) * r.uniform(0.96, 1.04), -2)


# --- external: budget -------------------------------------------------------------------------


def t_budget(d: Draft) -> None:
    r = d.r
    if d.spec.owner == "treasury":
        kind = r.choices(["execution", "town"], [85, 15])[0]
    elif d.w.month <= 3:
        kind = r.choices(["draft", "department", "execution"], [50, 30, 20])[0]
    else:
        kind = r.choices(["department", "execution", "town", "final"], [35, 35, 15, 15])[0]
    {
        "execution": budget_execution,
        "draft": budget_draft,
        "department": budget_department,
        "town": budget_town,
        "final": budget_execution,
    }[kind](d)


def expenditure_rows(r: Random, total: int) -> list[list[object]]:
    chosen = sorted(r.sample(EXPENDITURE_ITEMS, r.randint(6, 9)), key=lambda x: -x[1])
    rows: list[list[object]] = []
    left = total
    for name, share in chosen:
        amount = round(total * share * r.uniform(0.85, 1.15), -1)
        rows.append([name, num(amount)])
        left -= amount
    rows.append(["其他各项支出", num(max(left, 0))])
    rows.append(["**合计**", f"**{num(total)}**"])
    return rows


def budget_execution(d: Draft) -> None:
    r = d.r
    y, period, frac, months = period_of(d.w)
    if d.w.month <= 3 or r.random() < 0.15:
        y, period, frac, months = d.y - 1, "全年", 1.0, "1—12月"
    elif d.w.month not in (1, 4, 7, 10) and r.random() < 0.4:  # a monthly report
        months = f"1—{d.w.month - 1}月"
        period, frac = months, (d.w.month - 1) / 12
    annual = annual_revenue(r, y)
    spend_annual = round(annual * r.uniform(1.08, 1.18), -2)
    rev = round(annual * frac * r.uniform(0.95, 1.06), -1)
    spend = round(spend_annual * frac * r.uniform(0.88, 1.03), -1)
    tax = round(rev * r.uniform(0.78, 0.87), -1)
    nontax = rev - tax
    trend, g = growth(r)
    trend2, g2 = growth(r)
    fund_rev = round(annual * r.uniform(0.25, 0.45) * frac, -1)
    fund_spend = round(fund_rev * r.uniform(0.9, 1.15), -1)
    label = f"{y}年全年" if period == "全年" else f"{y}年{months}"
    tag = "" if period == "全年" else period
    d.slug = {"全年": "annual-execution", "第一季度": "q1-execution"}.get(period, "execution")
    d.series = "区本级预算执行情况"
    variants = [
        f"{y}年{tag}区本级预算执行情况",
        f"{y}年{months}全区一般公共预算收支情况",
        f"澄江区{y}年{tag}财政预算执行情况",
        f"{y}年{tag}区本级财政收支执行情况",
    ]
    if period == "全年":
        variants += [f"关于澄江区{y}年财政预算执行情况的报告", f"{y}年区本级财政决算（草案）情况"]
    d.title = r.choice(variants)
    d.keywords = ["预算执行", "一般公共预算"] + ([period] if period != "全年" else ["财政决算"])
    d.summary = (
        f"{label}，区本级一般公共预算收入{num(rev)}万元，完成年度预算的{pct(rev, annual)}%，"
        f"同比{trend}{g}%，其中税收收入占比{pct(tax, rev)}%；一般公共预算支出{num(spend)}万元，"
        f"完成年度预算的{pct(spend, spend_annual)}%，同比{trend2}{g2}%。"
        f"政府性基金预算收入{num(fund_rev)}万元，支出{num(fund_spend)}万元。"
    )
    vat, cit, pit = (
        round(tax * r.uniform(a, b), -1) for a, b in ((0.38, 0.46), (0.18, 0.25), (0.06, 0.09))
    )
    d.sec("一般公共预算收支执行情况")
    d.p(
        f"**（一）收入情况。** {label}，区本级一般公共预算收入完成{num(rev)}万元，"
        f"完成年度预算{num(annual)}万元的{pct(rev, annual)}%，同比{trend}{g}%。其中："
    )
    d.ul(
        [
            f"税收收入{num(tax)}万元，占一般公共预算收入的{pct(tax, rev)}%。主体税种中，"
            f"增值税{num(vat)}万元，企业所得税{num(cit)}万元，个人所得税{num(pit)}万元。",
            f"非税收入{num(nontax)}万元，其中国有资源（资产）有偿使用收入"
            f"{num(round(nontax * r.uniform(0.3, 0.4), -1))}万元，专项收入"
            f"{num(round(nontax * r.uniform(0.2, 0.3), -1))}万元，行政事业性收费收入"
            f"{num(round(nontax * r.uniform(0.1, 0.2), -1))}万元。",
        ]
    )
    d.p(
        f"**（二）支出情况。** {label}，区本级一般公共预算支出{num(spend)}万元，完成年度预算"
        f"{num(spend_annual)}万元的{pct(spend, spend_annual)}%，同比{trend2}{g2}%。主要支出科目如下："
    )
    rows = expenditure_rows(r, spend)
    header = ["科目", f"{months}执行数（万元）"]
    d.table(header, rows, "lr")
    d.sec("政府性基金预算收支执行情况")
    d.p(
        f"{label}，政府性基金预算收入{num(fund_rev)}万元，完成年度预算的"
        f"{r.uniform(0.7, 1.1) * frac * 100:.1f}%；政府性基金预算支出{num(fund_spend)}万元，"
        f"其中专项债券安排支出{num(round(fund_spend * r.uniform(0.2, 0.5), -1))}万元。"
    )
    if r.random() < 0.5:
        d.sec("国有资本经营预算执行情况")
        soe = round(annual * r.uniform(0.005, 0.015), -1)
        d.p(
            f"{label}，国有资本经营预算收入{num(soe)}万元，主要为区属国有企业上缴利润；"
            f"国有资本经营预算支出{num(round(soe * r.uniform(0.4, 0.9), -1))}万元，"
            f"调出{num(round(soe * 0.3, -1))}万元用于一般公共预算。"
        )
    d.sec("下阶段工作" if period != "全年" else "主要工作和下一步打算")
    steps = d.pick(NEXT_STEPS, r.randint(3, 5))
    d.p("；".join(f"{'一二三四五'[i]}是{s}" for i, s in enumerate(steps)) + "。")
    d.offer_csv(f"{y}年{period}一般公共预算支出执行情况表", header, rows[:-1], "支出执行情况表")


def budget_draft(d: Draft) -> None:
    r, y = d.r, d.y
    annual = annual_revenue(r, y)
    last = round(annual / r.uniform(1.02, 1.07), -2)
    spend = round(annual * r.uniform(1.08, 1.16), -2)
    d.slug = "draft-budget"
    d.refresh = "timely"
    d.title = r.choice(
        [
            f"关于澄江区{y - 1}年预算执行情况和{y}年预算草案的报告",
            f"澄江区{y}年区本级财政预算草案",
            f"{y}年区本级一般公共预算和政府性基金预算草案",
            f"澄江区{y}年财政预算草案编制说明",
        ]
    )
    d.keywords = ["预算草案", "一般公共预算", f"{y}年预算"]
    d.summary = (
        f"{y}年区本级一般公共预算收入预期{num(annual)}万元，比上年执行数增长"
        f"{pct(annual - last, last)}%；一般公共预算支出安排{num(spend)}万元。"
        f"预算编制坚持“以收定支、零基预算”，优先保障“三保”支出和重点项目。"
    )
    d.sec(f"{y - 1}年预算执行情况")
    d.p(
        f"{y - 1}年，区本级一般公共预算收入完成{num(last)}万元，为调整预算的"
        f"{r.uniform(100.2, 103.5):.1f}%；一般公共预算支出完成"
        f"{num(round(last * r.uniform(1.08, 1.15), -2))}万元。全年预算执行情况总体平稳，"
        "“三保”支出得到有效保障，政府债务风险总体可控。"
    )
    d.sec(f"{y}年预算草案")
    d.p("**（一）编制原则。** " + "；".join(d.pick(NEXT_STEPS, 3)) + "。")
    d.p("**（二）收入预算。** 主要收入项目安排如下：")
    tax = round(annual * r.uniform(0.8, 0.86), -2)
    rows = [
        ["税收收入", num(tax), f"{r.uniform(2, 7):.1f}"],
        ["非税收入", num(annual - tax), f"{r.uniform(-6, 4):.1f}"],
        ["**一般公共预算收入合计**", f"**{num(annual)}**", f"**{pct(annual - last, last)}**"],
    ]
    d.table(["项目", f"{y}年预算数（万元）", "比上年增长（%）"], rows, "lrr")
    d.p("**（三）支出预算。** 按功能分类，主要支出科目安排如下：")
    srows = expenditure_rows(r, spend)
    d.table(["科目", f"{y}年预算数（万元）"], srows, "lr")
    d.sec("完成预算的主要措施")
    d.ol(d.pick(NEXT_STEPS, 4))
    d.offer_csv(
        f"{y}年区本级一般公共预算支出预算表", ["科目", "预算数（万元）"], srows[:-1], "支出预算表"
    )


def budget_department(d: Draft) -> None:
    r = d.r
    dept = r.choice(DEPARTMENTS)
    final = d.w.month >= 7 and r.random() < 0.4
    y = d.y - 1 if final else d.y
    word = "决算" if final else "预算"
    d.slug = "department-final" if final else "department-budget"
    d.refresh = "timely"
    d.title = r.choice(
        [
            f"{dept}{y}年部门{word}公开",
            f"{dept}{y}年度部门财政{word}及“三公”经费{word}说明",
            f"{dept}{y}年部门{word}及“三公”经费情况说明",
        ]
    )
    basic = round(r.uniform(800, 30000), 1)
    project = round(basic * r.uniform(0.3, 2.5), 1)
    total = round(basic + project, 1)
    travel = round(r.uniform(0, 12), 2)
    cars = round(r.uniform(2, 40), 2)
    host = round(r.uniform(0.5, 15), 2)
    three = round(travel + cars + host, 2)
    d.keywords = [f"部门{word}", "三公经费", dept]
    d.summary = (
        f"{dept}{y}年部门{word}收支总额{num(total, 1)}万元，其中基本支出{num(basic, 1)}万元、"
        f"项目支出{num(project, 1)}万元；“三公”经费{word}{num(three, 2)}万元，"
        f"比上年{'减少' if r.random() < 0.7 else '增加'}{r.uniform(0.5, 12):.1f}%。"
    )
    d.sec("部门基本情况")
    d.p(
        f"{dept}纳入{y}年部门{word}编制范围的单位共{r.randint(1, 12)}家，其中行政单位"
        f"{r.randint(1, 2)}家、事业单位若干家。年末实有人员{r.randint(25, 900)}人，"
        f"离退休人员{r.randint(5, 300)}人。"
    )
    d.sec(f"收支{word}总体情况")
    rows = [
        ["基本支出", num(basic, 1), pct(basic, total)],
        ["其中：人员经费", num(round(basic * r.uniform(0.7, 0.85), 1), 1), "—"],
        ["项目支出", num(project, 1), pct(project, total)],
        ["**合计**", f"**{num(total, 1)}**", "**100.0**"],
    ]
    d.table(["项目", f"{word}数（万元）", "占比（%）"], rows, "lrr")
    d.sec(f"“三公”经费{word}情况")
    d.table(
        ["项目", f"{y}年（万元）", f"{y - 1}年（万元）"],
        [
            ["因公出国（境）费", num(travel, 2), num(travel * r.uniform(0.8, 1.3), 2)],
            ["公务用车购置及运行维护费", num(cars, 2), num(cars * r.uniform(0.9, 1.2), 2)],
            ["公务接待费", num(host, 2), num(host * r.uniform(0.9, 1.25), 2)],
            ["**合计**", f"**{num(three, 2)}**", "—"],
        ],
        "lrr",
    )
    d.p(
        "“三公”经费变动的主要原因是严格落实过紧日子要求，压减公务接待和公务用车运行费用，"
        "因公出国（境）按计划从严安排。"
    )
    d.sec("其他重要事项说明")
    d.ul(
        [
            f"政府采购{word}{num(project * r.uniform(0.05, 0.3), 1)}万元。",
            f"机关运行经费{num(basic * r.uniform(0.03, 0.08), 1)}万元。",
            f"纳入绩效目标管理的项目{r.randint(3, 40)}个，涉及资金{num(project * r.uniform(0.6, 0.95), 1)}万元。",
            "名词解释及部门职能详见本部门门户网站“部门预决算”专栏。",
        ]
    )


def budget_town(d: Draft) -> None:
    r, y = d.r, d.y
    town = r.choice(TOWNS)
    rev = round(r.uniform(6000, 60000), -1)
    spend = round(rev * r.uniform(0.95, 1.3), -1)
    d.slug = "town-budget"
    d.refresh = "timely"
    d.title = r.choice(
        [
            f"{town}{y}年财政预算安排情况",
            f"{town}{y}年度财政预算及“三公”经费公开",
            f"{town}{y}年财政预算执行情况",
        ]
    )
    d.keywords = [town, "镇级预算", "财政预算"]
    d.summary = f"{town}{y}年一般公共预算收入{num(rev)}万元，一般公共预算支出{num(spend)}万元，重点保障基层运转、民生和乡村振兴支出。"
    d.sec("收入预算")
    d.p(
        f"{y}年{town}一般公共预算收入{num(rev)}万元，加上级补助收入"
        f"{num(round(rev * r.uniform(0.2, 0.6), -1))}万元、上年结转"
        f"{num(round(rev * r.uniform(0.01, 0.08), -1))}万元。"
    )
    d.sec("支出预算")
    rows = expenditure_rows(r, spend)
    d.table(["科目", "预算数（万元）"], rows, "lr")
    d.sec("“三公”经费")
    d.p(
        f"{town}{y}年“三公”经费预算{r.uniform(3, 40):.2f}万元，其中公务用车运行维护费"
        f"{r.uniform(2, 20):.2f}万元、公务接待费{r.uniform(0.5, 8):.2f}万元，因公出国（境）费0万元。"
    )
    d.offer_csv(
        f"{town}{y}年一般公共预算支出表", ["科目", "预算数（万元）"], rows[:-1], "支出预算表"
    )


# --- external: funds ------------------------------------------------------------------------


def t_funds(d: Draft) -> None:
    r, y = d.r, d.y
    topics = [t for t in FUND_TOPICS if t[1] == d.spec.owner]
    name, _, obj, unit, qty_range, rate_range, slug = r.choice(topics)
    d.slug = slug
    d.series = f"{name}分配情况"
    towns = sorted(r.sample(TOWNS, r.randint(5, len(TOWNS))), key=TOWNS.index)
    rate = r.randint(*rate_range)
    if rate >= 100000:
        rate = round(rate, -3)
        standard = f"{rate / 10000:g}万元"
    else:
        standard = f"{num(rate)}元"
    rows, total_qty, total_amt = [], 0, 0.0
    for town in towns:
        qty = r.randint(*qty_range)
        amount = round(qty * rate / 10000, 2)
        total_qty += qty
        total_amt += amount
        rows.append([town, num(qty), num(amount, 2)])
    total_amt = round(total_amt, 2)
    rows.append(["**合计**", f"**{num(total_qty)}**", f"**{num(total_amt, 2)}**"])
    batch = r.randint(1, 3)
    publicity = r.random() < 0.3
    variants = [
        f"{y}年{name}分配情况",
        f"{y}年{name}分镇（街道）分配表",
        f"关于下达{y}年{name}的公告",
        f"{towns[0]}等{len(towns)}个镇（街道）{y}年{name}分配情况",
        f"{y}年{name}（{num(total_amt, 2)}万元）分配结果",
    ]
    if publicity:
        variants = [f"{y}年第{cn(batch)}批{name}分配结果公示", f"关于{y}年{name}拟分配方案的公示"]
        d.expires = d.after(d.pub, 5, 10)
    d.title = r.choice(variants)
    short = name.removesuffix("资金")
    d.keywords = [short, "专项资金", "资金分配"]
    upper = round(total_amt * r.uniform(0.3, 0.8), 2)
    d.summary = (
        f"{y}年全区{name}共{num(total_amt, 2)}万元，涉及{len(towns)}个镇（街道），"
        f"{obj}{num(total_qty)}{unit}，补助标准每{unit}{standard}。"
        f"其中上级转移支付{num(upper, 2)}万元，区级配套{num(total_amt - upper, 2)}万元。"
    )
    d.sec("资金来源")
    d.p(
        f"根据上级财政部门下达的转移支付文件和区级{y}年预算安排，{y}年{name}共计"
        f"{num(total_amt, 2)}万元，其中上级转移支付资金{num(upper, 2)}万元，"
        f"区级财政配套{num(total_amt - upper, 2)}万元。"
    )
    d.sec("分配依据和标准")
    d.p(
        f"资金按因素法分配，以各镇（街道）核定的{obj}为主要因素，补助标准为每{unit}"
        f"{standard}，{r.choice(['与上年持平', '比上年有所提高', '按省定标准执行'])}。"
        f"{obj}经村（社区）公示、镇（街道）审核、主管部门复核后确定。"
    )
    d.sec("分配结果")
    header = ["镇（街道）", f"{obj}（{unit}）", "分配金额（万元）"]
    d.table(header, rows, "lrr")
    d.sec("资金拨付")
    paid = d.after(d.w, -12, -2) if d.w > FIRST_DAY + dt.timedelta(days=14) else d.w
    how = r.choice(
        [
            "通过“惠民惠农财政补贴资金一卡通”直接发放到户",
            "通过国库集中支付拨付至各镇（街道）",
            "按项目实施进度拨付至项目实施单位",
        ]
    )
    d.p(
        f"资金已于{cdate(paid)}{how}，不经过任何中间环节。各镇（街道）应于资金到账后30日内完成兑付。"
    )
    d.sec("监督管理")
    d.p(
        "资金使用单位应专款专用，严禁截留、挤占、挪用。区财政局将会同主管部门开展专项检查和绩效评价。"
        f"对分配结果有异议的，可向所在镇（街道）咨询，也可拨打区财政局监督投诉电话{COMPLAINT_PHONE}反映。"
    )
    if publicity and d.expires:
        d.p(f"公示期为{cdate(d.pub)}至{cdate(d.expires)}。")
    d.offer_csv(f"{y}年{name}分镇（街道）分配表", header, rows[:-1], "分镇（街道）分配表")


# --- external: procurement --------------------------------------------------------------------


def t_procurement(d: Draft) -> None:
    kind = d.r.choices(
        ["result", "intention", "contract", "catalogue", "supervision"], [55, 15, 15, 5, 10]
    )[0]
    {
        "result": procurement_result,
        "intention": procurement_intention,
        "contract": procurement_contract,
        "catalogue": procurement_catalogue,
        "supervision": procurement_supervision,
    }[kind](d)


def procurement_project(d: Draft) -> tuple[str, str, str, str, str]:
    r = d.r
    item, kind, term = r.choice(PROCUREMENT_ITEMS)
    buyer = r.choice(DEPARTMENTS).removeprefix("区")
    buyer = "澄江区" + buyer if not buyer.startswith(("澄江", "滨江")) else buyer
    code = f"CJCG-{d.y}-{r.randint(1, 480):03d}"
    return buyer, item, kind, term, code


def procurement_result(d: Draft) -> None:
    r, y = d.r, d.y
    buyer, item, kind, term, code = procurement_project(d)
    method = r.choice(METHODS)
    lots = r.choices([1, 2, 3], [70, 20, 10])[0]
    budget = money_wan(r, 30, 2500)
    rows, total = [], 0.0
    for lot in range(1, lots + 1):
        amount = round(budget / lots * r.uniform(0.78, 0.98), 2)
        total += amount
        label = f"{item}（标项{cn(lot)}）" if lots > 1 else item
        rows.append([label, method, company(r, kind), f"{num(amount, 2)}万元"])
    word = "成交" if method != "公开招标" else "中标"
    d.slug = "procurement-result"
    d.title = r.choice(
        [
            f"{buyer}{item}项目{word}结果公告",
            f"{buyer}{item}项目中标（成交）结果公告",
            f"{buyer}{item}项目（{code}）{word}结果公示",
            f"{y}年{item}项目{word}结果公告（{num(total, 2)}万元）",
        ]
    )
    d.expires = d.after(d.pub, 5, 7)
    d.keywords = ["政府采购", f"{word}结果", "公示"]
    d.summary = (
        f"{buyer}{item}项目（项目编号{code}）采用{method}方式，经评审确定{rows[0][2]}"
        f"{'等' if lots > 1 else ''}为{word}供应商，{word}金额合计{num(total, 2)}万元。"
        f"公示期为{cdate(d.pub)}至{cdate(d.expires)}。"
    )
    notice = d.after(d.w, -40, -15)
    opening = d.after(d.w, -10, -2)
    d.sec("项目基本情况")
    d.ul(
        [
            f"项目编号：{code}",
            f"采购人：{buyer}",
            f"采购代理机构：{r.choice(['青禾市澄江区公共资源交易中心', company(r, 'consult')])}",
            f"预算金额：{num(budget, 2)}万元",
            f"采购公告发布日期：{cdate(notice)}",
            f"{'开标' if method == '公开招标' else '响应文件提交截止'}日期：{cdate(opening)}",
        ]
    )
    d.sec(f"{word}信息")
    d.table(["项目名称", "采购方式", f"{word}供应商", f"{word}金额"], rows, "lllr")
    d.p(
        f"{word}供应商地址：青禾市澄江区{r.choice(ROADS)}{r.randint(1, 300)}号。服务期限（交货期）：{term}。"
    )
    d.sec("评审专家名单")
    experts = people(r, r.choice([3, 5, 5, 7]))
    d.p("、".join(experts[:-1]) + f"、{experts[-1]}（采购人代表）。")
    d.sec("公示期限")
    d.p(f"本公告公示期自{cdate(d.pub)}起至{cdate(d.expires)}止。")
    d.sec("质疑与投诉")
    d.p(
        f"参加本项目的供应商认为{word}结果使自己的权益受到损害的，可以在知道或者应知其权益受到损害之日起"
        "7个工作日内，以书面形式向采购人或采购代理机构提出质疑。对质疑答复不满意的，可以在答复期满后"
        f"15个工作日内向区财政局（政府采购管理科，电话{PHONE}）提出投诉。"
    )


def procurement_intention(d: Draft) -> None:
    r, y = d.r, d.y
    buyer = r.choice(DEPARTMENTS)
    month = d.w.month
    rows, total = [], 0.0
    for item, _, _ in r.sample(PROCUREMENT_ITEMS, r.randint(2, 6)):
        amount = money_wan(r, 10, 900)
        total += amount
        when = min(12, month + r.randint(0, 3))
        rows.append(
            [
                item,
                f"满足{item.removesuffix('采购')}需求，详见采购文件",
                num(amount, 2),
                f"{y}年{when}月",
            ]
        )
    d.slug = "procurement-intention"
    d.title = r.choice(
        [
            f"{buyer}{y}年{month}月政府采购意向公开",
            f"{buyer}{y}年第{cn((month - 1) // 3 + 1)}季度政府采购意向",
        ]
    )
    d.keywords = ["政府采购", "采购意向", buyer]
    d.summary = f"{buyer}公开{y}年{month}月至{min(12, month + 3)}月政府采购意向{len(rows)}项，预算金额合计{num(total, 2)}万元。"
    d.p(
        "为便于供应商及时了解政府采购信息，根据《财政部关于开展政府采购意向公开工作的通知》（财库〔2020〕10号）"
        f"等有关规定，现将{buyer}{y}年{month}月至{min(12, month + 3)}月采购意向公开如下："
    )
    d.table(["采购项目名称", "采购需求概况", "预算金额（万元）", "预计采购时间"], rows, "llrl")
    d.p(
        "本次公开的采购意向是本单位政府采购工作的初步安排，具体采购项目情况以相关采购公告和采购文件为准。"
    )
    d.offer_csv(
        f"{buyer}{y}年{month}月政府采购意向表",
        ["采购项目名称", "采购需求概况", "预算金额（万元）", "预计采购时间"],
        rows,
        "采购意向表",
    )


def procurement_contract(d: Draft) -> None:
    r = d.r
    buyer, item, kind, term, code = procurement_project(d)
    supplier = company(r, kind)
    amount = money_wan(r, 20, 2000)
    signed = d.after(d.w, -6, -1)
    d.slug = "procurement-contract"
    d.title = r.choice([f"{buyer}{item}项目合同公告", f"{item}项目（{code}）政府采购合同公告"])
    d.keywords = ["政府采购", "合同公告"]
    d.summary = f"{buyer}与{supplier}于{cdate(signed)}签订{item}项目政府采购合同，合同金额{num(amount, 2)}万元，履约期限{term}。"
    d.sec("合同基本信息")
    d.ul(
        [
            f"合同编号：{code}-HT{r.randint(1, 9):02d}",
            f"合同名称：{item}项目合同",
            f"项目编号：{code}",
            f"采购人：{buyer}，地址：{ADDRESS if r.random() < 0.3 else '青禾市澄江区' + r.choice(ROADS) + str(r.randint(1, 200)) + '号'}",
            f"供应商：{supplier}",
            f"合同金额：{num(amount, 2)}万元",
            f"履约期限：{term}",
            f"签订日期：{cdate(signed)}",
        ]
    )
    d.sec("合同主要条款")
    d.p(
        f"付款方式：合同签订后支付{r.choice([20, 30, 40])}%预付款，验收合格后支付至{r.choice([95, 97, 100])}%，"
        "余款作为质保金于质保期满后无息支付。采购人应当在收到发票后10个工作日内完成资金支付。"
    )
    d.p("合同的履约验收由采购人组织，验收结果将在验收完成后7个工作日内公告。")


def procurement_catalogue(d: Draft) -> None:
    r, y = d.r, d.y
    threshold = r.choice([100, 200, 400])
    small = r.choice([10, 20, 30, 50])
    d.slug = "procurement-catalogue"
    d.title = r.choice(
        [
            f"澄江区{y}年政府集中采购目录及限额标准（{d.w.month}月调整）",
            f"关于印发澄江区{y}—{y + 1}年政府集中采购目录及标准的通知",
        ]
    )
    d.keywords = ["政府采购", "集中采购目录", "限额标准"]
    d.summary = f"明确{y}年澄江区政府集中采购目录、分散采购限额标准（货物和服务{small}万元、工程{small * 2}万元）和公开招标数额标准（{threshold}万元）。"
    d.sec("集中采购机构采购项目")
    rows = [
        ["A02010104", "台式计算机", "批量集中采购"],
        ["A02010105", "便携式计算机", "批量集中采购"],
        ["A02021001", "复印纸", "协议供货"],
        ["A020305", "乘用车", "协议供货"],
        ["C1804", "车辆维修和保养服务", "定点采购"],
        ["C0204", "印刷服务", "定点采购"],
        ["C2301", "工程造价咨询服务", "网上服务市场"],
        ["C0807", "互联网接入服务", "电子卖场"],
    ]
    d.table(["品目编码", "品目名称", "采购组织形式"], d.pick(rows, r.randint(4, 8)), "lll")
    d.sec("分散采购限额标准")
    d.p(
        f"除集中采购目录以内的项目外，单项或批量金额达到{small}万元以上的货物和服务项目、{small * 2}万元以上的工程项目，应当按照《中华人民共和国政府采购法》有关规定实行分散采购。"
    )
    d.sec("公开招标数额标准")
    d.p(
        f"政府采购货物或服务项目，单项采购金额达到{threshold}万元以上的，必须采用公开招标方式。政府采购工程以及与工程建设有关的货物、服务公开招标数额标准，按照国家有关规定执行。"
    )
    d.sec("其他事项")
    d.p(
        f"本目录及标准自{y}年{r.choice([1, 1, 2])}月1日起执行，原目录及标准同时废止。执行中的问题请与区财政局政府采购管理科联系。"
    )


def procurement_supervision(d: Draft) -> None:
    r = d.r
    y, period, _, _ = period_of(d.w)
    projects = r.randint(60, 900)
    amount = money_wan(r, 5000, 120000)
    saved = amount * r.uniform(0.03, 0.09)
    d.slug = "procurement-supervision"
    d.title = r.choice(
        [f"{y}年{period}政府采购监督管理情况", f"澄江区{y}年{period}政府采购执行情况通报"]
    )
    d.keywords = ["政府采购", "监督检查"]
    d.summary = f"{y}年{period}全区完成政府采购项目{projects}个，采购金额{num(amount, 2)}万元，节约资金{num(saved, 2)}万元，节约率{pct(saved, amount + saved)}%。"
    d.sec("总体情况")
    d.p(d.summary + f"其中授予中小企业合同金额占比{r.uniform(60, 90):.1f}%。")
    d.sec("采购方式构成")
    shares = [r.uniform(40, 70), r.uniform(10, 25), r.uniform(3, 10), r.uniform(5, 15)]
    total = sum(shares)
    rows = [
        [m, num(amount * s / total, 2), f"{100 * s / total:.1f}"]
        for m, s in zip(["公开招标", "竞争性磋商", "竞争性谈判", "电子卖场"], shares, strict=True)
    ]
    d.table(["采购方式", "采购金额（万元）", "占比（%）"], rows, "lrr")
    d.sec("监督检查情况")
    d.p(
        f"本期共受理质疑{r.randint(0, 12)}件、投诉{r.randint(0, 4)}件，均在法定期限内办结。对{r.randint(5, 30)}家采购代理机构开展执业情况检查，"
        f"发现问题{r.randint(3, 40)}个，已督促整改。"
    )
    d.sec("下一步工作")
    d.p(
        "持续推进政府采购全流程电子化，加强采购需求和履约验收管理，落实支持中小企业发展政策，优化政府采购营商环境。"
    )


# --- external: projects -----------------------------------------------------------------------


def project_name(d: Draft) -> str:
    template, _ = d.r.choice(PROJECT_KINDS)
    return template.format(road=d.r.choice(ROADS), town=d.r.choice(TOWNS))


def t_projects(d: Draft) -> None:
    r, y = d.r, d.y
    name = project_name(d)
    invest = money_wan(r, 800, 60000)
    kind = r.choices(["progress", "tender", "funds", "review"], [40, 25, 20, 15])[0]
    d.keywords = ["重点项目", name.removesuffix("工程")]
    if kind == "progress":
        y2, period, frac, _ = period_of(d.w)
        done = min(100, round(frac * 100 * r.uniform(0.4, 1.2)))
        d.slug = "project-progress"
        d.title = r.choice(
            [
                f"{name}进展情况（{y2}年{period}）",
                f"{name}{y2}年{period}建设进展",
                f"{y2}年{period}{name}工程进度公开",
            ]
        )
        d.summary = f"{name}总投资{num(invest, 2)}万元，截至{y2}年{period}末累计完成投资{num(invest * done / 100, 2)}万元，占总投资的{done}%。"
        d.sec("项目概况")
        d.p(
            f"{name}总投资{num(invest, 2)}万元，资金来源为区级财政资金和地方政府专项债券。项目建设单位为{r.choice(DEPARTMENTS)}，施工单位为{company(r, 'build')}，计划工期{r.randint(10, 36)}个月。"
        )
        d.sec("建设进展")
        stages = ["前期工作", "基础工程", "主体工程", "附属工程", "竣工验收"]
        rows = []
        for i, stage in enumerate(stages):
            state = "已完成" if done >= (i + 1) * 20 else ("进行中" if done > i * 20 else "未开始")
            rows.append([stage, state, f"{max(0, min(100, done * 5 - i * 100))}%"])
        d.table(["阶段", "状态", "完成比例"], rows, "llr")
        d.sec("资金拨付")
        paid = invest * done / 100 * r.uniform(0.7, 0.95)
        d.p(
            f"累计拨付工程款{num(paid, 2)}万元，均按合同约定和工程进度通过国库集中支付直接拨付至施工单位账户。"
        )
        d.sec("存在问题及下步安排")
        d.p(
            r.choice(
                [
                    "受雨季影响，部分路段施工进度滞后，建设单位已增加作业面加快推进。",
                    "管线迁改协调难度较大，已建立多部门联席机制。",
                    "项目总体按计划推进，下阶段重点做好质量安全管理。",
                ]
            )
        )
    elif kind == "tender":
        amount = round(invest * r.uniform(0.6, 0.92), 2)
        winner = company(r, "build")
        d.slug = "project-tender"
        d.title = r.choice(
            [
                f"{name}施工招标中标候选人公示",
                f"{name}（{num(amount, 2)}万元）施工中标结果公示",
                f"{name}监理服务招标结果公示",
            ]
        )
        d.expires = d.after(d.pub, 3, 5)
        d.summary = f"{name}施工招标经评标委员会评审，第一中标候选人为{winner}，投标报价{num(amount, 2)}万元。公示期为{cdate(d.pub)}至{cdate(d.expires)}。"
        d.sec("招标项目概况")
        d.p(
            f"{name}位于澄江区{r.choice(TOWNS)}，概算总投资{num(invest, 2)}万元，招标控制价{num(amount * r.uniform(1.05, 1.15), 2)}万元。"
        )
        d.sec("中标候选人")
        rows = [
            [
                str(i),
                company(r, "build") if i > 1 else winner,
                num(amount * (1 + (i - 1) * r.uniform(0.005, 0.02)), 2),
                f"{r.randint(300, 720)}日历天",
            ]
            for i in (1, 2, 3)
        ]
        d.table(["排序", "中标候选人", "投标报价（万元）", "工期"], rows, "llrl")
        d.sec("公示期")
        d.p(
            f"公示期自{cdate(d.pub)}至{cdate(d.expires)}。投标人或其他利害关系人对评标结果有异议的，应当在公示期内向招标人提出。"
        )
    elif kind == "funds":
        d.slug = "project-funds"
        d.title = r.choice([f"{name}资金到位和使用情况", f"{y}年{name}财政资金使用情况"])
        sources = [
            ("区级财政资金", r.uniform(0.2, 0.6)),
            ("地方政府专项债券", r.uniform(0.2, 0.5)),
            ("上级补助资金", r.uniform(0.05, 0.2)),
        ]
        tot = sum(s for _, s in sources)
        rows = [
            [n, num(invest * s / tot, 2), num(invest * s / tot * r.uniform(0.3, 0.95), 2)]
            for n, s in sources
        ]
        d.summary = f"{name}总投资{num(invest, 2)}万元，截至{cdate(d.w)}已到位资金{num(sum(float(x[1].replace(',', '')) for x in rows), 2)}万元。"
        d.sec("项目基本情况")
        d.p(
            f"{name}由{r.choice(DEPARTMENTS)}负责建设，总投资{num(invest, 2)}万元，计划于{y + r.randint(0, 2)}年竣工。"
        )
        d.sec("资金到位和支付情况")
        d.table(["资金来源", "计划安排（万元）", "已支付（万元）"], rows, "lrr")
        d.sec("资金监管")
        d.p(
            "项目资金实行专户管理、专款专用，财政部门按工程进度审核拨付，并对专项债券资金使用情况实施穿透式监测。"
        )
        d.offer_csv(
            f"{name}资金到位和支付情况表",
            ["资金来源", "计划安排（万元）", "已支付（万元）"],
            rows,
            "资金情况表",
        )
    else:
        submitted = invest
        approved = round(submitted * r.uniform(0.85, 0.97), 2)
        d.slug = "project-review"
        d.title = r.choice([f"{name}预算评审结果", f"{name}工程结算评审结果公开"])
        d.summary = f"{name}送审金额{num(submitted, 2)}万元，审定金额{num(approved, 2)}万元，审减{num(submitted - approved, 2)}万元，审减率{pct(submitted - approved, submitted)}%。"
        d.sec("评审情况")
        d.p(
            f"受区政府委托，区财政局委托{company(r, 'consult')}对{name}进行了评审。评审依据为国家和省有关计价规范、施工图纸及有关合同文件。"
        )
        d.table(
            ["项目", "金额（万元）"],
            [
                ["送审金额", num(submitted, 2)],
                ["审定金额", num(approved, 2)],
                ["审减金额", num(submitted - approved, 2)],
            ],
            "lr",
        )
        d.sec("主要审减原因")
        d.ol(
            d.pick(
                [
                    "工程量计算偏差",
                    "材料价格偏高",
                    "定额套用不当",
                    "重复计取费用",
                    "未按合同约定计价",
                ],
                3,
            )
        )


# --- external: support --------------------------------------------------------------------------

SUPPORT_PROGRAMS = {
    "agriculture": [
        "农业产业化发展专项资金",
        "现代农业园区建设补助",
        "农业“机器换人”示范项目补助",
        "农产品品牌建设奖励",
    ],
    "social": ["科技创新券", "企业研发投入补助", "高技能人才培训补贴", "普惠性托育机构建设补助"],
    "construction": ["绿色建筑示范项目补助", "既有建筑节能改造补助", "节能降碳技术改造补助"],
}


def t_support(d: Draft) -> None:
    r, y = d.r, d.y
    program = r.choice(SUPPORT_PROGRAMS[d.spec.owner])
    kind = "agri" if d.spec.owner == "agriculture" else r.choice(["it", "goods", "build"])
    d.keywords = ["项目申报", program]
    if r.random() < 0.55:
        start = d.after(d.pub, 1, 5)
        end = d.after(start, 15, 40)
        cap = r.choice([10, 20, 30, 50, 100, 200])
        d.slug = "support-call"
        d.title = r.choice(
            [
                f"关于组织申报{y}年度{program}项目的通知",
                f"{y}年度{program}申报指南",
                f"关于开展{y}年{program}申报工作的通知",
            ]
        )
        d.summary = f"组织申报{y}年度{program}项目，单个项目补助最高不超过{cap}万元。申报时间为{cdate(start)}至{cdate(end)}。"
        d.sec("支持对象和范围")
        d.p(
            f"在澄江区内依法登记注册、具有独立法人资格的{'农业经营主体' if kind == 'agri' else '企业和社会组织'}，项目实施地点在本区范围内。"
        )
        d.sec("申报条件")
        d.ol(
            [
                "申报单位财务管理制度健全，近三年无重大违法违规记录；",
                "项目符合国家产业政策和本区发展规划，已完成备案等前期手续；",
                "同一项目未获得其他区级财政资金支持；",
                f"项目计划在{y + 1}年底前完工并达到预期绩效目标。",
            ]
        )
        d.sec("支持标准")
        d.p(
            f"按项目实际投资额的{r.choice([10, 15, 20, 30])}%给予补助，单个项目最高不超过{cap}万元。"
        )
        d.sec("申报材料")
        d.ol(
            [
                "项目申报表；",
                "营业执照（登记证书）复印件；",
                "项目可行性报告或实施方案；",
                "项目投资发票、合同等证明材料；",
                "信用承诺书。",
            ]
        )
        d.sec("申报时间和方式")
        d.p(
            f"申报时间为{cdate(start)}至{cdate(end)}，逾期不予受理。申报单位通过“浙里办”财政惠企平台在线申报，纸质材料一式两份报送所在镇（街道）。"
        )
        d.sec("联系方式")
        d.p(f"区财政局{SECTION_NAMES[d.spec.owner]}，电话{PHONE}。")
    else:
        n = r.randint(4, 14)
        rows, total = [], 0.0
        for i in range(1, n + 1):
            amount = money_wan(r, 2, 80)
            total += amount
            rows.append(
                [
                    str(i),
                    company(r, kind),
                    f"{r.choice(TOWNS)}{r.choice(['示范', '提升', '改造', '建设'])}项目",
                    num(amount, 2),
                ]
            )
        d.slug = "support-shortlist"
        d.title = r.choice(
            [
                f"{y}年度{program}拟扶持项目名单公示",
                f"{y}年{program}拟补助对象公示（第{cn(r.randint(1, 3))}批）",
            ]
        )
        d.expires = d.after(d.pub, 5, 7)
        d.summary = f"经专家评审和部门审核，{y}年度{program}拟扶持项目{n}个，拟补助资金{num(total, 2)}万元。公示期为{cdate(d.pub)}至{cdate(d.expires)}。"
        d.p(
            f"根据{y}年度{program}申报通知要求，经企业申报、镇（街道）初审、专家评审和部门联审，现将拟扶持项目名单予以公示："
        )
        d.table(["序号", "申报单位", "项目名称", "拟补助金额（万元）"], rows, "lllr")
        d.p(
            f"公示期为{cdate(d.pub)}至{cdate(d.expires)}。对公示内容有异议的，请在公示期内以书面形式实名向区财政局反映，电话{COMPLAINT_PHONE}。"
        )
        d.offer_csv(
            f"{y}年度{program}拟扶持项目名单",
            ["序号", "申报单位", "项目名称", "拟补助金额（万元）"],
            rows,
            "拟扶持项目名单",
        )


# --- external: licensing ---------------------------------------------------------------------


def t_licensing(d: Draft) -> None:
    r, y = d.r, d.y
    if d.spec.owner == "accounting":
        kind = r.choices(["exam", "passed", "senior", "bookkeeping"], [35, 25, 15, 25])[0]
    else:
        kind = r.choice(["waiver", "fees"])
    level = r.choice(["初级", "中级"])
    if kind == "exam":
        start = d.after(d.pub, 3, 10)
        end = d.after(start, 10, 14)
        d.slug = "accounting-exam"
        d.title = r.choice(
            [
                f"关于{y}年度全国会计专业技术{level}资格考试报名有关事项的公告",
                f"{y}年度会计专业技术资格考试（{level}）澄江考区报名公告",
                f"关于{y}年度会计专业技术{level}资格考试{r.choice(['补报名', '考务安排', '报名资格审核'])}有关事项的通知",
                f"{y}年度会计专业技术{level}资格考试澄江考区第{cn(r.randint(1, 5))}号公告",
            ]
        )
        d.keywords = ["会计资格考试", "报名", level]
        d.summary = f"{y}年度全国会计专业技术{level}资格考试网上报名时间为{cdate(start)}至{cdate(end)}，考试费每科{r.choice([56, 60, 66])}元，报名人员须通过全国会计资格评价网报名。"
        d.sec("报名条件")
        d.ol(
            [
                "坚持原则，具备良好的职业道德品质；",
                "认真执行《中华人民共和国会计法》和国家统一的会计制度，以及有关财经法律、法规、规章制度，无严重违反财经纪律的行为；",
                "履行岗位职责，热爱本职工作；",
                f"具备{'国家教育部门认可的高中毕业（含高中、中专、职高、技校）及以上学历' if level == '初级' else '大学专科学历，从事会计工作满5年等条件之一'}。",
            ]
        )
        d.sec("报名时间和方式")
        d.p(
            f"网上报名时间为{cdate(start)}至{cdate(end)}（每天8:00—22:00）。报考人员登录全国会计资格评价网进行报名，并按要求完成网上缴费。"
        )
        d.sec("考试时间")
        d.p(
            f"考试时间为{y}年{r.choice([5, 6, 9])}月中旬，具体以准考证为准。准考证打印时间另行通知。"
        )
        d.sec("咨询电话")
        d.p(f"区财政局会计科：{PHONE}（工作日）。")
    elif kind == "passed":
        n = r.randint(8, 24)
        rows = [
            [
                str(i),
                name,
                f"{r.randint(10, 99)}****{r.randint(1000, 9999)}",
                r.choice(TOWNS) if r.random() < 0.3 else r.choice(DEPARTMENTS),
            ]
            for i, name in enumerate(people(r, n), 1)
        ]
        d.slug = "accounting-passed"
        d.title = f"{y - 1}年度会计专业技术资格考试（{level}）澄江考区合格人员名单公示"
        d.expires = d.after(d.pub, 5, 7)
        d.keywords = ["会计资格考试", "合格人员", "公示"]
        d.summary = f"{y - 1}年度会计专业技术{level}资格考试澄江考区合格人员共{n}名，现予公示。公示期为{cdate(d.pub)}至{cdate(d.expires)}。"
        d.p(
            f"根据考试成绩和资格审核结果，现将{y - 1}年度会计专业技术{level}资格考试澄江考区合格人员名单公示如下："
        )
        d.table(["序号", "姓名", "准考证号", "工作单位"], rows, "llll")
        d.p(
            f"公示期为{cdate(d.pub)}至{cdate(d.expires)}。对公示人员有异议的，请在公示期内向区财政局会计科反映，电话{PHONE}。"
        )
    elif kind == "senior":
        n = r.randint(3, 10)
        rows = [
            [name, r.choice(DEPARTMENTS), r.choice(["通过", "通过", "通过", "未通过"])]
            for name in people(r, n)
        ]
        d.slug = "senior-accountant"
        d.title = f"{y}年度{r.choice(['高级', '正高级'])}会计师资格评审结果公示（第{cn(r.randint(1, 3))}批，{n}人）"
        d.expires = d.after(d.pub, 5, 7)
        d.keywords = ["高级会计师", "评审结果"]
        d.summary = f"{y}年度澄江区申报高级会计师资格评审{n}人，经省高级会计师评审委员会评审，现将评审结果公示，公示期至{cdate(d.expires)}。"
        d.p("根据省人力社保厅、省财政厅有关评审工作安排，现将本区申报人员评审结果公示如下：")
        d.table(["姓名", "工作单位", "评审结果"], rows, "lll")
        d.p(f"公示期为{cdate(d.pub)}至{cdate(d.expires)}。")
    elif kind == "bookkeeping":
        firm = company(r, "consult").replace("会计师事务所（普通合伙）", "财务咨询有限公司")
        d.slug = "bookkeeping-license"
        d.title = r.choice(
            [
                f"关于准予{firm}从事代理记账业务的公告",
                f"{y}年第{cn(r.randint(1, 4))}批代理记账机构执业许可审批结果",
            ]
        )
        d.keywords = ["代理记账", "行政许可"]
        d.summary = f"经审查，{firm}符合《代理记账管理办法》规定的条件，准予从事代理记账业务，发放代理记账许可证书。"
        d.sec("审批事项")
        d.ul(
            [
                f"申请人：{firm}",
                f"住所：青禾市澄江区{r.choice(ROADS)}{r.randint(1, 300)}号",
                f"主管代理记账业务负责人：{person(r)}",
                f"许可证书编号：DLJZ3301090{r.randint(10000, 99999)}",
                f"批准日期：{cdate(d.w)}",
            ]
        )
        d.sec("审批依据")
        d.p("《中华人民共和国会计法》第三十六条，《代理记账管理办法》（财政部令第98号）。")
        d.sec("有关要求")
        d.p(
            "代理记账机构应当于每年4月30日之前，向区财政局报送代理记账机构基本情况表及专职从业人员变动情况。"
        )
    else:
        if kind == "waiver":
            firm = company(r, r.choice(["build", "goods", "agri"]))
            fee = r.choice(
                ["城市基础设施配套费", "防空地下室易地建设费", "土地复垦费", "水土保持补偿费"]
            )
            amount = money_wan(r, 1, 300)
            d.slug = "fee-waiver"
            d.title = f"关于{firm}申请减免{fee}的审批结果公告"
            d.keywords = ["非税收入", "减免", fee]
            d.summary = f"{firm}申请减免{fee}{num(amount, 2)}万元，经审核符合政策规定，准予减免。"
            d.sec("申请事项")
            d.p(
                f"{firm}因{r.choice(['建设保障性住房项目', '建设学校、医院等公益性项目', '受灾恢复重建'])}，申请减免{fee}{num(amount, 2)}万元。"
            )
            d.sec("审批结果")
            d.p(
                f"经区财政局会同有关部门审核，该申请符合相关减免政策规定，准予减免{fee}{num(amount, 2)}万元。"
            )
            d.sec("救济途径")
            d.p(
                "申请人对审批结果不服的，可以自收到本决定之日起60日内向区人民政府申请行政复议，或者在6个月内向人民法院提起行政诉讼。"
            )
        else:
            rows = [
                [
                    f,
                    r.choice(
                        [
                            "区自然资源和规划分局",
                            "区住房和城乡建设局",
                            "区市场监督管理局",
                            "区人力社保局",
                        ]
                    ),
                    r.choice(["按国家规定标准", "按省定标准", "按成本核定"]),
                ]
                for f in r.sample(
                    [
                        "不动产登记费",
                        "城市基础设施配套费",
                        "考试考务费",
                        "污水处理费",
                        "证照工本费",
                        "防空地下室易地建设费",
                        "土地复垦费",
                    ],
                    5,
                )
            ]
            d.slug = "fee-list"
            d.title = r.choice(
                [
                    f"澄江区行政事业性收费目录清单（{y}年{d.w.month}月更新）",
                    f"{rows[0][1]}等部门行政事业性收费项目及标准（{y}年）",
                ]
            )
            d.keywords = ["行政事业性收费", "目录清单"]
            d.summary = f"公布{y}年澄江区行政事业性收费目录清单，清单之外一律不得收费。"
            d.p("根据国家和省有关规定，现将本区行政事业性收费目录清单公布如下，接受社会监督。")
            d.table(["收费项目", "执收单位", "收费标准"], rows, "lll")
            d.p(
                f"清单之外的行政事业性收费一律不得执收。对违规收费行为，可向区财政局举报，电话{COMPLAINT_PHONE}。"
            )


# --- external: procedures -----------------------------------------------------------------

MATTERS = {
    "treasury": [
        ("预算单位银行账户开立审批", "bank-account"),
        ("国库集中支付用款申请", "payment"),
        ("公务卡办理", "official-card"),
    ],
    "procurement": [
        ("政府采购进口产品审核", "import-approval"),
        ("政府采购变更采购方式审批", "method-change"),
        ("政府采购供应商投诉处理", "supplier-complaint"),
    ],
    "nontax": [
        ("非税收入退付", "nontax-refund"),
        ("财政票据领购", "fiscal-bills"),
        ("行政事业性收费减免申请", "fee-waiver"),
    ],
    "accounting": [
        ("代理记账机构执业许可", "bookkeeping-license"),
        ("会计人员信息采集", "accountant-info"),
        ("行政事业单位国有资产处置审批", "asset-disposal"),
    ],
    "office": [("政府信息公开申请", "info-request"), ("财政监督投诉受理", "complaint")],
}


def t_procedures(d: Draft) -> None:
    r, y = d.r, d.y
    matter, slug = r.choice(MATTERS[d.spec.owner])
    days = r.choice([3, 5, 7, 10, 15, 20])
    section = SECTION_NAMES[d.spec.owner]
    d.slug = slug
    d.title = r.choice(
        [
            f"{matter}办事指南（{y}年{d.w.month}月修订）",
            f"{matter}办事指南（{y}年版）",
            f"{matter}业务流程和办理程序（{y}年）",
        ]
    )
    d.keywords = ["办事指南", matter]
    d.summary = f"{matter}的办事依据、申请材料、办理程序和时限。受理后{days}个工作日内办结，不收取任何费用。责任科室：区财政局{section}。"
    d.sec("办事依据")
    d.ol(
        r.sample(
            [
                "《中华人民共和国预算法》；",
                "《中华人民共和国政府采购法》及其实施条例；",
                "《中华人民共和国会计法》；",
                "《政府非税收入管理办法》（财税〔2016〕33号）；",
                "《行政事业单位国有资产管理办法》；",
                "《中华人民共和国政府信息公开条例》；",
                f"《澄江区{matter}管理暂行办法》。",
            ],
            3,
        )
    )
    d.sec("受理条件")
    d.p(f"符合{matter}相关规定的区级预算单位、企业和个人，材料齐全、符合法定形式的，予以受理。")
    d.sec("申请材料")
    d.ol(
        d.pick(
            [
                f"《{matter}申请表》（加盖单位公章）；",
                "单位法人证书或营业执照复印件；",
                "经办人身份证明；",
                "相关情况说明及证明材料；",
                "主管部门审核意见；",
                "其他需要提供的材料。",
            ],
            r.randint(3, 5),
        )
    )
    d.sec("办理程序和时限")
    rows = [
        ["提出申请", "申请人通过窗口或网上提交", "—"],
        ["受理审查", f"{section}审查材料", f"{r.randint(1, 3)}个工作日"],
        ["审核决定", "科室负责人审核、分管领导审批", f"{r.randint(2, days)}个工作日"],
        ["送达结果", "窗口领取或网上送达", "1个工作日"],
    ]
    d.table(["步骤", "办理主体", "时限"], rows, "lll")
    d.p(f"受理后{days}个工作日内办结。本事项不收费。")
    d.sec("办公时间、地点和联系方式")
    d.ul(
        [
            "办公时间：周一至周五 上午8:30—12:00，下午14:00—17:30（法定节假日除外）",
            f"地点：青禾市澄江区府前路18号区行政服务中心一楼{r.randint(1, 30)}号窗口",
            f"责任科室：区财政局{section}",
            f"联系电话：{PHONE}",
        ]
    )


# --- external: rules --------------------------------------------------------------------------


def rule_title(spec: Spec) -> str:
    assert spec.topic
    base = f"{ORG}{spec.topic[0]}"
    return f"{base}（{spec.year}年{spec.written.month}月修订）" if spec.revision else base


def t_rules(d: Draft) -> None:
    r, spec = d.r, d.spec
    assert spec.topic
    topic, slug = spec.topic
    subject = RULE_SUBJECTS[slug]
    d.slug = slug
    d.title = rule_title(spec)
    d.doc_type = "normative"
    d.keywords = [subject[:12], "管理办法" if "办法" in topic else "规章制度"]
    effective = d.after(d.pub, 3, 30)
    d.summary = (
        f"规范{subject}，明确管理职责、资金管理和监督检查要求。本办法自{cdate(effective)}起施行。"
    )
    if spec.superseded_by:
        word = "废止" if spec.validity == "repealed" else "修改"
        d.summary += f"本办法已于{cdate(spec.repealed_on or spec.superseded_by.published)}{word}。"
    n = 0
    chapters = ["总则", "管理职责", "资金管理", "监督检查", "附则"]
    if r.random() < 0.3:
        chapters.remove("管理职责")
    for i, chapter in enumerate(chapters, 1):
        d.parts.append(f"## 第{cn(i)}章　{chapter}")
        articles = RULE_ARTICLES[chapter]
        chosen = (
            articles
            if chapter in ("总则", "附则")
            else r.sample(articles, r.randint(2, len(articles)))
        )
        for text in chosen:
            n += 1
            d.p(f"**第{cn(n)}条**　{text.format(subject=subject)}")
        if chapter == "附则":
            n += 1
            extra = f"，原《{ORG}{topic}》同时废止" if spec.revision else ""
            d.p(f"**第{cn(n)}条**　本办法自{cdate(effective)}起施行{extra}。")
    if spec.superseded_by:
        new = spec.superseded_by
        word = "废止" if spec.validity == "repealed" else "修改"
        link = f"../{new.year}/{new.stem}-{new.topic[1] if new.topic else slug}.md"
        d.p(
            f"> 本办法已于{cdate(spec.repealed_on or new.published)}{word}。现行规定见[《{rule_title(new)}》]({link})。"
        )


# --- external: decisions ----------------------------------------------------------------------

PLAN_AREAS = ["财政发展", "政府债务管理", "预算管理改革", "财政支持乡村振兴", "财政支持科技创新"]
PLAN_AREAS += ["民生财政保障", "财政数字化改革", "国有资产管理"]
DECISION_TOPICS = {
    "budget": [
        ("深化零基预算改革", "zero-base"),
        ("加强预算绩效管理", "performance"),
        ("推进财政支出标准化建设", "standards"),
    ],
    "office": [("推进政务公开标准化规范化", "disclosure"), ("优化财政营商环境", "business-env")],
    "construction": [
        ("加强政府投资项目管理", "investment"),
        ("规范地方政府专项债券管理", "special-bonds"),
    ],
    "agriculture": [("财政支持乡村振兴", "rural"), ("推进涉农资金统筹整合", "agri-integration")],
    "social": [("财政支持稳就业保民生", "employment"), ("加强教育经费投入保障", "education")],
}
TASKS = [
    "建立健全预算管理制度，推进预算管理一体化建设",
    "优化财政支出结构，集中财力保障重大决策部署",
    "健全政府债务管理制度，有效防范化解债务风险",
    "完善转移支付制度，增强镇（街道）财政保障能力",
    "强化财会监督，严肃财经纪律",
    "推进财政数字化改革，提升财政治理效能",
    "加大民生投入，稳步提高基本公共服务保障水平",
    "落实减税降费政策，助力市场主体纾困发展",
    "盘活国有资产资源，拓宽财政收入来源",
    "完善绩效评价体系，强化评价结果应用",
]


def t_decisions(d: Draft) -> None:
    r, y = d.r, d.y
    topic, slug = r.choice(DECISION_TOPICS[d.spec.owner])
    d.slug = slug
    plan = y in (2021, 2026) and r.random() < 0.3
    if plan:
        five = "十四五" if y == 2021 else "十五五"
        area = r.choice(PLAN_AREAS)
        d.title = f"澄江区“{five}”{area}规划"
        d.keywords = [f"“{five}”规划", area]
    else:
        d.title = r.choice(
            [
                f"关于进一步{topic}的实施意见（{y}年）",
                f"区财政局 {r.choice(DEPARTMENTS)}关于进一步{topic}的实施意见",
                f"关于{y}年{topic}的若干措施",
                f"澄江区{y}—{y + 2}年{topic}三年行动计划",
                f"澄江区{topic}实施方案（{y}年）",
            ]
        )
        d.keywords = [topic, "实施意见"]
    d.summary = f"围绕{topic}，提出总体要求、{cn(r.randint(4, 8))}方面主要任务和保障措施，由区财政局会同有关部门组织实施。"
    d.sec("总体要求")
    d.p(
        f"坚持稳中求进工作总基调，完整、准确、全面贯彻新发展理念，围绕{topic}，以提高财政资源配置效率和资金使用效益为目标，为全区经济社会高质量发展提供坚实财力保障。"
    )
    d.sec("主要任务")
    for i, task in enumerate(d.pick(TASKS, r.randint(4, 7)), 1):
        d.p(
            f"**（{cn(i)}）{task}。** {r.choice(['到' + str(y + 2) + '年，形成较为完善的制度体系。', '各部门要按照职责分工，细化工作措施，确保任务落到实处。', '建立工作台账，实行清单化管理、项目化推进。'])}"
        )
    d.sec("保障措施")
    d.ol(
        [
            "加强组织领导。区财政局牵头建立工作协调机制，定期研究解决重大问题。",
            "强化督查考核。将任务落实情况纳入部门年度综合考核。",
            "注重宣传引导。及时总结推广典型经验做法，营造良好氛围。",
        ]
    )
    d.p(f"本{'规划' if plan else '意见'}自印发之日起施行，由区财政局负责解释。")


# --- external: complaints, duties, other -------------------------------------------------------


def t_complaints(d: Draft) -> None:
    r, y = d.r, d.y
    kind = r.choice(["methods", "commitments", "report"])
    if kind == "report":
        _, period, _, _ = period_of(d.w)
        y2 = period_of(d.w)[0]
        rows = [
            [c, str(n), str(n - r.randint(0, min(n, 2)))]
            for c, n in [
                (c, r.randint(0, 25))
                for c in [
                    "政府采购",
                    "惠民补贴发放",
                    "非税收入收缴",
                    "会计管理",
                    "政务服务态度",
                    "其他",
                ]
            ]
        ]
        total = sum(int(x[1]) for x in rows)
        d.slug = "complaints-report"
        d.title = f"{y2}年{period}投诉举报受理情况通报"
        d.keywords = ["投诉举报", "情况通报"]
        d.summary = f"{y2}年{period}区财政局共受理投诉举报{total}件，已办结{sum(int(x[2]) for x in rows)}件，群众满意率{r.uniform(92, 100):.1f}%。"
        d.p(d.summary)
        d.table(["类别", "受理（件）", "办结（件）"], rows, "lrr")
        d.p(
            "对受理的投诉举报，严格执行登记、交办、督办、反馈、归档制度，做到件件有着落、事事有回音。"
        )
        return
    if kind == "methods":
        d.slug = "complaint-methods"
        d.title = r.choice(
            [
                f"{ORG}政务公开监督投诉办法（{y}年{d.w.month}月修订）",
                f"{ORG}违诺违纪投诉追究办法（{y}年修订）",
                f"{ORG}{r.choice(SECTION_NAMES_LIST)}首问负责制和限时办结制度",
            ]
        )
        d.keywords = ["投诉", "责任追究"]
        d.summary = "明确投诉受理范围、受理渠道、办理时限和责任追究方式，接受社会各界监督。"
        d.sec("受理范围")
        d.ul(
            [
                "应当公开而未公开，或公开内容不真实、不及时的；",
                "工作人员不履行服务承诺、推诿扯皮、吃拿卡要的；",
                "违反财经纪律和廉洁自律规定的；",
                "其他违诺违纪行为。",
            ]
        )
        d.sec("受理渠道")
        d.ul(
            [
                f"投诉电话：{COMPLAINT_PHONE}",
                "电子邮箱：czjjb@chengjiang.example.gov.cn",
                "来信地址：青禾市澄江区府前路18号区财政局纪检组（邮编310999）",
            ]
        )
        d.sec("办理时限")
        d.p(
            f"一般投诉自受理之日起{r.choice([5, 10, 15])}个工作日内办结并反馈；情况复杂的，经分管领导批准可延长，延长期限不超过15个工作日。"
        )
        d.sec("责任追究")
        d.p(
            "经查实的违诺违纪行为，视情节轻重给予批评教育、诫勉谈话、通报批评，构成违纪的依规依纪给予处分。"
        )
        return
    d.slug = "service-commitments"
    d.title = f"{ORG}{r.choice(SECTION_NAMES_LIST)}{y}年服务承诺"
    d.keywords = ["服务承诺", "作风建设"]
    d.summary = f"{ORG}向社会公开{y}年服务承诺{cn(r.randint(6, 10))}项，接受群众监督，违诺可投诉。"
    d.p("为进一步转变工作作风、提高服务效能，本局向社会作出如下承诺：")
    d.ol(
        d.pick(
            [
                "一次性告知办事所需全部材料；",
                "符合条件的事项当场受理；",
                "首问责任，不推诿扯皮；",
                "限时办结，超时默认；",
                "文明服务，礼貌待人；",
                "廉洁自律，不收受礼品礼金；",
                "公开办事依据、程序和结果；",
                "节假日提供预约服务。",
            ],
            r.randint(5, 8),
        )
    )
    d.p(f"违反上述承诺的，可拨打投诉电话{COMPLAINT_PHONE}。")


SECTION_NAMES: dict[str, str] = {}


def t_duties(d: Draft) -> None:
    r, y = d.r, d.y
    kind = r.choice(["functions", "structure", "leaders", "guide"])
    if kind == "structure" or d.spec.owner == "personnel":
        rows = [
            [
                section.name,
                (section.duties or "").removeprefix("负责").removesuffix("。"),
                f"0571-8765 {4300 + i * 7:04d}",
                f"3号楼{r.randint(2, 5)}{i:02d}室",
            ]
            for i, section in enumerate(CONFIG.sections.values(), 1)
        ]
        d.slug = "internal-structure"
        d.title = f"{ORG}内设机构及联系方式（{y}年{d.w.month}月更新）"
        d.keywords = ["内设机构", "联系方式"]
        d.summary = f"{ORG}设{len(rows)}个内设机构，公布各科室名称、主要职责、联系电话和办公地点。"
        d.p(f"根据区委机构编制委员会批复，{ORG}内设机构及其主要职责、联系方式如下：")
        d.table(["内设机构", "主要职责", "联系电话", "办公地点"], rows, "llll")
        d.p(f"办公地址：{ADDRESS}。办公时间：周一至周五 上午8:30—12:00，下午14:00—17:30。")
        return
    if kind == "leaders":
        d.slug = "leadership-division"
        d.title = f"{ORG}领导班子成员分工（{y}年）"
        d.keywords = ["领导分工"]
        d.summary = "公布局领导班子成员工作分工及分管科室。"
        for name, duty in LEADERS:
            d.p(f"**{name}**　{duty}")
        return
    if kind == "guide":
        d.slug = "disclosure-guide"
        d.title = f"{ORG}政府信息公开指南（{y}年修订）"
        d.keywords = ["政府信息公开", "指南"]
        d.summary = "说明本局主动公开的范围、方式和时限，依申请公开的受理机构、申请方式和处理程序。"
        d.sec("主动公开")
        d.p(
            "本局通过政府门户网站、电子触摸屏、新闻发布会等方式主动公开政府信息，属于主动公开范围的信息自形成或变更之日起20个工作日内予以公开。"
        )
        d.sec("依申请公开")
        d.p(
            f"申请人可通过在线申请、信函、当面提交等方式提出申请。受理机构：区财政局办公室，电话{PHONE}。本局收到申请后能够当场答复的当场答复，不能当场答复的自收到申请之日起20个工作日内答复。"
        )
        d.sec("监督方式")
        d.p(
            f"公民、法人或者其他组织认为本局未依法履行政府信息公开义务的，可以向区政务公开工作主管部门投诉、举报，也可以拨打{COMPLAINT_PHONE}反映。"
        )
        return
    d.slug = "functions"
    d.title = r.choice(
        [f"{ORG}主要职责（{y}年{d.w.month}月更新）", f"{ORG}职能配置和主要职责（{y}年调整）"]
    )
    d.keywords = ["工作职责", "机构职能"]
    d.summary = f"{ORG}是区政府工作部门，负责全区财政收支、财税政策、国有资本管理等工作。本文公布本局主要职责及其调整情况。"
    d.p(
        f"{ORG}贯彻落实党中央关于财政工作的方针政策和决策部署，在履行职责过程中坚持和加强党对财政工作的集中统一领导。主要职责是："
    )
    d.ol(
        d.pick(
            [
                "拟订全区财政发展规划、政策和改革方案并组织实施；",
                "负责管理区级各项财政收支，编制年度区级预决算草案并组织执行；",
                "负责政府非税收入管理和政府性基金管理；",
                "负责区级国库集中收付管理，组织制定国库管理制度；",
                "负责政府采购监督管理工作；",
                "负责管理区级财政社会保障和就业及医疗卫生支出；",
                "负责审核和汇总编制全区国有资本经营预决算草案；",
                "负责办理和监督区级财政的经济发展支出、区级政府性投资项目的财政拨款；",
                "负责管理全区会计工作，监督和规范会计行为；",
                "负责政府债务管理，防范化解地方政府债务风险；",
                "完成区委、区政府交办的其他任务。",
            ],
            r.randint(6, 11),
        )
    )


LEADERS = [
    ("陈建国", "主持局全面工作，分管办公室。"),
    (
        "林志远",
        "负责预算、国库、非税收入管理和机关日常工作，分管预算科、国库科、非税收入管理科、办公室。",
    ),
    (
        "周慧敏",
        "负责政府采购、经济建设、农业农村和社会保障等工作，分管政府采购管理科、经济建设科、农业农村科、社会保障科。",
    ),
    (
        "郑国平",
        "负责党风廉政建设、财政监督和会计管理，分管财政监督科、会计科、人事科、机关党委（纪检组）。",
    ),
]


def t_other(d: Draft) -> None:
    r, y = d.r, d.y
    if d.spec.owner == "office" and d.w.month <= 3 and r.random() < 0.5:
        active = r.randint(120, 600)
        requests = r.randint(3, 60)
        d.slug = "annual-report"
        d.title = f"{ORG}{y - 1}年政府信息公开工作年度报告"
        d.keywords = ["政府信息公开", "年度报告"]
        d.summary = f"{y - 1}年本局主动公开政府信息{active}条，受理政府信息公开申请{requests}件，全部按期答复，未发生因政府信息公开引起的行政复议、行政诉讼败诉案件。"
        d.sec("总体情况")
        d.p(d.summary)
        d.sec("主动公开政府信息情况")
        d.table(
            ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            [
                ["规章", "0", "0", "0"],
                [
                    "行政规范性文件",
                    str(r.randint(1, 8)),
                    str(r.randint(0, 3)),
                    str(r.randint(5, 30)),
                ],
            ],
            "lrrr",
        )
        d.sec("收到和处理政府信息公开申请情况")
        d.p(
            f"全年新收政府信息公开申请{requests}件，其中予以公开{r.randint(0, requests)}件，其余为部分公开、不予公开或信息不存在等情形，均依法作出答复。"
        )
        d.sec("存在的主要问题及改进情况")
        d.p(
            "主动公开的深度和解读质量有待提高。下一步，将加强政策解读，推进预决算、政府采购等重点领域信息公开。"
        )
        return
    m = d.w.month
    options = ["upgrade", "comment", "inventory", "inspection", "quality"]
    if m >= 11:
        options += ["year-end"] * 4
    if m in HOLIDAYS:
        options += ["holiday"] * 3
    kind = r.choice(options)
    d.slug = kind
    OTHER_NOTICES[kind](d)


HOLIDAYS = {1: "春节", 2: "春节", 3: "清明节", 4: "劳动节", 5: "端午节", 6: "端午节", 9: "国庆节"}
HOLIDAYS[12] = "元旦"
NOTICE_DUTIES = [
    "高度重视，明确专人负责",
    "严格按照规定时限办理，确保工作质量",
    "加强与代理银行的沟通衔接",
    "做好资金安全和数据备份工作",
    "如遇问题，及时与区财政局联系",
]


def notice_year_end(d: Draft) -> None:
    r, y = d.r, d.y
    plan_day = dt.date(y, 12, r.choice([15, 18, 20]))
    pay_day = dt.date(y, 12, r.choice([25, 26, 28]))
    d.title = r.choice(
        [f"关于做好{y}年年终国库集中支付业务的通知", f"关于{y}年度财政年终结算有关事项的通知"]
    )
    d.keywords = ["国库集中支付", "年终结算", "通知公告"]
    d.summary = (
        f"{y}年12月用款计划申报截止日为{cdate(plan_day)}，国库集中支付业务办理截止日为"
        f"{cdate(pay_day)}，逾期未支付的资金按结转结余资金有关规定处理。"
    )
    d.p("各预算单位、各镇（街道）财政所，各代理银行：")
    d.p(
        f"为做好{y}年年终国库集中支付和财政结算工作，确保年度预算执行平稳有序，现将有关事项通知如下："
    )
    d.sec("用款计划申报")
    d.p(
        f"各预算单位应于{cdate(plan_day)}前完成{y}年12月用款计划的申报，逾期不再受理。"
        "用款计划应与预算指标、项目实施进度相匹配，不得突击申报、突击花钱。"
    )
    d.sec("支付业务办理")
    d.p(
        f"国库集中支付业务办理截止时间为{cdate(pay_day)}16:00。截止时间后，除工资、社保缴费等刚性支出外，"
        "原则上不再办理支付业务。代理银行应于每日营业终了前完成资金清算。"
    )
    d.sec("结转结余处理")
    d.p(
        "年终未支付的预算指标，按照区级结转结余资金管理有关规定处理：基本支出结转资金原则上在下年继续用于基本支出；"
        "项目支出结转资金由区财政局审核确认，连续两年未用完的一律收回统筹使用。"
    )
    d.sec("工作要求")
    d.ol(d.pick(NOTICE_DUTIES, 3))
    d.p(f"联系人：区财政局国库科，电话{PHONE}。")


def notice_upgrade(d: Draft) -> None:
    r = d.r
    start = d.after(d.pub, 1, 6)
    end = d.after(start, 1, 3)
    what = r.choice(
        ["预算管理一体化系统", "非税收入收缴系统", "政府采购云平台", "财政电子票据系统"]
    )
    action = r.choice(["升级", "迁移", "切换"])
    d.title = f"关于{md(start)}至{md(end)}{what}{action}暂停服务的公告"
    d.keywords = [what, "系统升级", "通知公告"]
    d.summary = (
        f"因{what}{action}，{cdate(start)}18:00至{cdate(end)}8:30暂停服务，其间相关业务暂停办理。"
    )
    d.p(
        f"为进一步提升系统运行效率和安全防护能力，{ORG}定于{cdate(start)}18:00至{cdate(end)}8:30"
        f"对{what}进行{action}。其间系统暂停服务，现将有关事项公告如下："
    )
    d.sec("影响范围")
    d.ul(
        d.pick(
            [
                "用款计划申报、支付申请提交和审核",
                "单位资金账户查询和对账",
                "非税收入缴款书开具和网上缴款",
                "财政电子票据开具、查验和入账",
                "政府采购计划备案和合同备案",
                "预算指标查询和调剂申请",
            ],
            r.randint(2, 4),
        )
    )
    d.sec("注意事项")
    d.ol(
        [
            "请各单位提前做好业务安排，紧急支付业务请于暂停服务前办理完毕",
            "系统恢复后，请及时核对在途业务数据，发现异常及时反馈",
            "升级期间如遇紧急情况，请联系区财政局值班电话",
        ]
    )
    d.p(f"给各单位带来的不便，敬请谅解。咨询电话：{PHONE}。")


def notice_comment(d: Draft) -> None:
    r = d.r
    draft = f"{ORG}{r.choice(['预算绩效管理实施办法', '政府采购内部控制管理办法', '非税收入收缴管理办法', '财会监督工作实施办法'])}（{d.y}年征求意见稿）"
    d.title = f"关于公开征求《{draft}》意见的公告"
    d.keywords = ["征求意见", "规范性文件"]
    d.expires = d.after(d.pub, 30, 30)
    d.summary = f"就《{draft}》向社会公开征求意见，意见反馈截止日期为{cdate(d.expires)}。"
    d.p(f"为提高制度制定的科学性和透明度，现将《{draft}》全文公布，征求社会各界意见。")
    d.sec("起草背景")
    d.p(
        "为贯彻落实上级关于深化财政管理改革的部署要求，结合本区实际，区财政局在深入调研、广泛听取有关部门意见的基础上，"
        "起草了本征求意见稿，共五章若干条，主要包括总则、职责分工、管理要求、监督检查和附则等内容。"
    )
    d.sec("反馈方式")
    d.ul(
        [
            f"意见反馈截止时间：{cdate(d.expires)}",
            "电子邮箱：czjgk@chengjiang.example.gov.cn",
            f"通信地址：{ADDRESS}区财政局办公室（邮编310999）",
            f"联系电话：{PHONE}",
        ]
    )
    d.p("征求意见结束后，本局将对意见采纳情况进行汇总，并在门户网站反馈。")


def notice_holiday(d: Draft) -> None:
    r, y = d.r, d.y
    holiday = HOLIDAYS[d.w.month]
    hy = y + 1 if d.w.month == 12 else y
    last = d.after(d.pub, 1, 6)
    d.title = r.choice(
        [
            f"{hy}年{holiday}期间财政业务办理安排",
            f"关于{hy}年{holiday}假期财政资金支付业务安排的通知",
        ]
    )
    d.keywords = [holiday, "节假日安排", "国库集中支付"]
    d.summary = f"{hy}年{holiday}假期前最后一个国库集中支付业务办理日为{cdate(last)}，假期内网上缴款和电子票据查验正常受理。"
    d.p("各预算单位、各代理银行：")
    d.p(
        f"根据国务院办公厅关于{hy}年部分节假日安排的通知，现将{holiday}期间财政业务办理有关事项通知如下："
    )
    d.sec("国库集中支付业务")
    d.p(
        f"节前最后一个支付业务办理日为{cdate(last)}，请各单位提前做好工资、社保缴费等资金支付安排。"
        "假期内如遇防汛救灾、疫情防控等紧急支付，请联系值班人员按应急程序办理。"
    )
    d.sec("非税收入收缴")
    d.p("假期内缴款人可通过网上银行、手机银行和“浙里办”正常缴纳非税收入，电子缴款凭证可在线查验。")
    d.sec("值班安排")
    d.p(f"假期值班电话：{PHONE}（8:30—17:30），其余时间转值班手机。")


def notice_inventory(d: Draft) -> None:
    r, y = d.r, d.y
    base = dt.date(y - 1, 12, 31) if d.w.month <= 6 else dt.date(y, r.choice([6, 9]), 30)
    due = d.after(d.pub, 20, 45)
    target = r.choice(
        ["行政事业单位", "区属国有企业", "镇（街道）", "公立学校", "公立医院", "公共基础设施"]
    )
    d.title = f"关于开展{y}年度{target}资产清查工作的通知"
    d.keywords = ["资产清查", "国有资产", "通知公告"]
    d.summary = (
        f"以{cdate(base)}为清查基准日，开展全区{target}资产清查，{cdate(due)}前报送清查结果。"
    )
    d.p("各预算单位、各镇（街道）：")
    d.p(
        f"为全面摸清{target}国有资产家底，提高资产管理水平，决定在全区开展资产清查工作。现将有关事项通知如下："
    )
    d.sec("清查范围和基准日")
    d.p(f"清查范围为全区{target}及其所属单位，清查基准日为{cdate(base)}。")
    d.sec("清查内容")
    d.ol(["基本情况清理", "账务清理", "财产清查", "损溢认定", "资金核实"])
    d.sec("时间安排")
    d.p(f"各单位于{cdate(due)}前完成自查并通过资产管理信息系统报送清查报表和清查报告。")
    d.sec("工作要求")
    d.ol(d.pick(NOTICE_DUTIES, 3))


def notice_inspection(d: Draft) -> None:
    r, y = d.r, d.y
    units = r.sample(DEPARTMENTS, r.randint(3, 7))
    issues = [
        "会计核算不规范",
        "公务卡使用不规范",
        "资产管理不到位",
        "政府采购程序不规范",
        "往来款项长期未清理",
        "票据管理不规范",
    ]
    rows = [
        [u, r.choice(issues), r.choice(["责令整改", "责令整改并调整账务", "通报批评并责令整改"])]
        for u in units
    ]
    yy = y if d.w.month >= 7 else y - 1
    d.title = r.choice(
        [
            f"关于{units[0]}等{len(units)}家单位{yy}年度财会监督检查结果的公告",
            f"{yy}年第{cn(r.randint(1, 4))}批财会监督检查结果公告",
        ]
    )
    d.keywords = ["财会监督", "检查结果", "通知公告"]
    d.summary = f"{yy}年度区财政局对{len(units)}家单位开展财会监督检查，发现问题均已责令整改，现将检查结果予以公告。"
    d.p(
        f"根据《中华人民共和国会计法》和年度财会监督工作计划，区财政局于{yy}年对{len(units)}家单位开展了财会监督检查。"
        "现将检查结果公告如下："
    )
    d.table(["被检查单位", "主要问题", "处理意见"], rows, "lll")
    d.p("被检查单位应于收到处理决定之日起30日内完成整改，并将整改情况书面报送区财政局。")


def notice_quality(d: Draft) -> None:
    r, y = d.r, d.y
    n = r.randint(10, 40)
    start = d.after(d.pub, 10, 30)
    domain = r.choice(CHECK_DOMAINS)
    d.title = f"关于开展{y}年度{domain}会计信息质量检查的公告"
    d.keywords = ["会计信息质量", "检查", "通知公告"]
    d.summary = f"{y}年度会计信息质量检查从{cdate(start)}起实施，随机抽取{n}家{domain}，重点检查会计核算、内部控制和财务报告质量。"
    d.p(
        "根据《中华人民共和国会计法》和财政部会计信息质量检查工作规程，现将本年度检查有关事项公告如下："
    )
    d.sec("检查对象")
    d.p(
        f"通过“双随机、一公开”方式，从{domain}检查对象名录库中随机抽取{n}家单位，抽取结果已在本网站公示。"
    )
    d.sec("检查内容")
    d.ol(
        [
            "会计核算和会计资料的真实性、完整性",
            "内部控制制度建立和执行情况",
            "财务报告编制和对外提供情况",
            "会计人员从业情况",
        ]
    )
    d.sec("时间安排")
    d.p(f"检查工作自{cdate(start)}起实施，检查结果将于检查结束后在本网站公告。")


OTHER_NOTICES: dict[str, Callable[[Draft], None]] = {
    "year-end": notice_year_end,
    "upgrade": notice_upgrade,
    "comment": notice_comment,
    "holiday": notice_holiday,
    "inventory": notice_inventory,
    "inspection": notice_inspection,
    "quality": notice_quality,
}


# --- internal ------------------------------------------------------------------------------------


def t_reports(d: Draft) -> None:
    r, y = d.r, d.y
    who = r.choice([n for n, p in CONFIG.people.items() if p.title != "科员"])
    title = CONFIG.people[who].title
    d.slug = "duty-report"
    d.title = r.choice(
        [
            f"{title}{who}同志{y - 1}年度述职述廉报告",
            f"{who}同志{y - 1}年度个人述职述廉报告",
            f"{r.choice(SUBUNITS)}领导班子{y - 1}年度述职述廉报告",
        ]
    )
    d.keywords = ["述职述廉", f"{y - 1}年度"]
    d.summary = f"{y - 1}年度履行岗位职责、落实党风廉政建设“一岗双责”和个人廉洁自律情况，以及存在的不足和{y}年工作打算。"
    d.sec("履行岗位职责情况")
    d.p(
        f"{y - 1}年，本人认真履行{title}岗位职责，"
        + "；".join(d.pick(NEXT_STEPS, 3))
        + "，较好完成了年度各项目标任务。"
    )
    d.sec("落实党风廉政建设责任制情况")
    d.p(
        "严格落实“一岗双责”，与分管科室负责人开展廉政谈话，定期研究分管领域党风廉政建设工作，及时排查廉政风险点并落实防控措施。"
    )
    d.sec("个人廉洁自律情况")
    d.p(
        "严格遵守中央八项规定及其实施细则精神，按规定报告个人有关事项，未发生违反廉洁自律规定的行为。"
    )
    d.sec("存在的不足")
    d.ol(
        d.pick(
            [
                "理论学习的深度和系统性还不够；",
                "深入基层调研的次数偏少；",
                "对分管科室的日常监督还需加强；",
                "创新工作方法不多。",
            ],
            2,
        )
    )
    d.sec(f"{y}年工作打算")
    d.p(
        "进一步加强政治理论学习，提高履职能力；严格落实党风廉政建设责任制；带头转变作风，主动接受监督。"
    )


def t_personnel(d: Draft) -> None:
    r, y = d.r, d.y
    kind = r.choice(["promotion", "assessment", "rotation", "award"])
    staff = [n for n, p in CONFIG.people.items() if p.title == "科员"]
    if kind in ("promotion", "award"):
        chosen = r.sample(staff, r.randint(2, 5))
        rows = [
            [
                n,
                f"{SECTION_NAMES[CONFIG.people[n].section]}科员",
                r.choice(["一级科员", "四级主任科员", "三级主任科员"]),
            ]
            for n in chosen
        ]
        d.expires = d.after(d.pub, 5, 7)
        if kind == "promotion":
            d.slug = "promotion"
            d.title = r.choice(
                [
                    f"关于{chosen[0]}等{len(chosen)}名同志拟晋升职级的公示",
                    f"{y}年拟晋升职级人员任前公示（第{cn(r.randint(1, 3))}批）",
                ]
            )
            d.keywords = ["职级晋升", "任前公示"]
            d.summary = f"经局党组会议研究，拟晋升{'、'.join(chosen)}等{len(chosen)}名同志的职级，现予局内公示，公示期至{cdate(d.expires)}。"
            d.p(
                "根据《公务员职务与职级并行规定》和区委组织部有关要求，经民主推荐、考察和局党组会议研究，拟晋升以下同志的职级："
            )
            d.table(["姓名", "现任职务", "拟晋升职级"], rows, "lll")
        else:
            d.slug = "awards"
            d.title = f"{y - 1}年度{r.choice(SUBUNITS)}{r.choice(AWARDS)}拟表彰人员公示"
            d.keywords = ["评先评优", "公示"]
            d.summary = f"经科室推荐、民主测评和局党组研究，拟表彰{len(chosen)}名{y - 1}年度先进工作者，公示期至{cdate(d.expires)}。"
            d.p("经科室推荐、民主测评和局党组研究，拟表彰以下同志为年度先进工作者：")
            d.table(["姓名", "所在科室", "现任职级"], rows, "lll")
        d.p(
            f"公示时间：{cdate(d.pub)}至{cdate(d.expires)}。对公示对象有异议的，请在公示期内向人事科或纪检组反映，反映问题应实事求是。"
        )
        return
    if kind == "assessment":
        good = r.sample(staff, r.randint(2, 4))
        d.slug = "annual-assessment"
        d.title = f"{r.choice(SUBUNITS)}{y - 1}年度{r.choice(['公务员', '事业人员', '干部职工'])}年度考核结果"
        d.keywords = ["年度考核", "考核结果"]
        d.summary = f"{y - 1}年度局机关公务员年度考核确定优秀等次{len(good)}人，其余均为称职等次。"
        d.p(
            f"根据《公务员考核规定》，经个人总结、科室评议、考核委员会审核和局党组研究，{y - 1}年度考核结果如下："
        )
        d.ul(
            [
                f"优秀等次：{'、'.join(good)}",
                "称职等次：其余参加考核人员",
                "基本称职、不称职等次：无",
            ]
        )
        d.p(
            "考核结果作为调整职级、级别、工资以及奖励、培训、辞退的依据。对考核结果有异议的，可在收到通知之日起30日内申请复核。"
        )
        return
    d.slug = "rotation"
    d.title = r.choice(
        [
            f"{y}年度{r.choice(SUBUNITS)}重点岗位干部轮岗交流方案",
            f"{y}年第{cn(r.randint(1, 3))}批干部轮岗交流方案（{r.randint(3, 10)}人）",
        ]
    )
    d.keywords = ["轮岗交流", "干部管理"]
    d.summary = f"对在同一岗位工作满{r.choice([5, 6, 8])}年的干部和重点岗位人员实施轮岗交流，{y}年计划交流{r.randint(3, 10)}人。"
    d.sec("轮岗范围")
    d.p(
        "在同一科室重点岗位（预算编审、资金拨付、政府采购监管、非税收入管理等）连续工作满5年的干部。"
    )
    d.sec("实施步骤")
    d.ol(
        [
            "摸底排查（科室上报名单）；",
            "拟定方案（人事科提出建议）；",
            "党组研究（确定交流人选）；",
            "组织实施（办理工作交接）。",
        ]
    )
    d.sec("工作要求")
    d.p("轮岗人员应在规定时间内完成工作交接，确保工作不断档；有关科室不得以任何理由拖延。")


def t_integrity(d: Draft) -> None:
    r, y = d.r, d.y
    if r.random() < 0.5:
        rows = [
            [name, str(r.randint(86, 99)), r.choice(["好", "好", "较好"])]
            for name in r.sample(list(SECTION_NAMES.values()), r.randint(6, 12))
        ]
        d.slug = "assessment"
        d.title = f"{r.choice(SUBUNITS)}{y - 1}年度党风廉政建设责任制考核情况通报"
        d.keywords = ["党风廉政建设", "责任制考核"]
        d.summary = f"{y - 1}年度对{len(rows)}个科室落实党风廉政建设责任制情况进行考核，考核等次均为“好”或“较好”。"
        d.p(
            f"根据局党风廉政建设责任制考核办法，局党组于{y}年{r.randint(1, 3)}月对各科室{y - 1}年度落实党风廉政建设责任制情况进行了考核，结果如下："
        )
        d.table(["科室", "考核得分", "考核等次"], rows, "lrl")
        d.p("考核中发现的问题已反馈相关科室，请于30日内完成整改并报纪检组。")
        return
    d.slug = "tasks"
    d.title = r.choice(
        [
            f"{y}年党风廉政建设和反腐败工作任务分解",
            f"关于开展{y}年{r.choice(['元旦春节', '端午', '中秋国庆'])}前廉政提醒的通知",
            f"{y}年警示教育月活动方案",
        ]
    )
    d.keywords = ["党风廉政建设", "任务分解"]
    d.summary = "明确年度党风廉政建设重点任务、牵头领导、责任科室和完成时限。"
    for i, task in enumerate(
        d.pick(
            [
                "落实全面从严治党主体责任",
                "加强财政资金分配使用监督",
                "开展廉政风险点排查防控",
                "深化作风建设",
                "加强廉政教育",
                "严格执行中央八项规定精神",
            ],
            r.randint(3, 6),
        ),
        1,
    ):
        d.p(
            f"**（{cn(i)}）{task}。** 牵头领导：{r.choice([n for n, _ in LEADERS])}；责任科室：{r.choice(list(SECTION_NAMES.values()))}；完成时限：{y}年{r.randint(3, 12)}月底前。"
        )


def t_staff_affairs(d: Draft) -> None:
    r, y = d.r, d.y
    kind = r.choice(["checkup", "training", "duty", "canteen"])
    if kind == "duty":
        holiday = r.choice(["春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"])
        names = list(CONFIG.people)
        days = r.randint(3, 8)
        rows = [
            [f"第{cn(i)}天", r.choice(names[:5]), r.choice(names[5:])] for i in range(1, days + 1)
        ]
        d.slug = "holiday-duty"
        d.title = f"{y}年{holiday}假期值班安排"
        d.keywords = ["值班安排", holiday]
        d.summary = (
            f"{y}年{holiday}假期共{days}天，安排局领导带班和科室人员值班，值班人员须保持通讯畅通。"
        )
        d.table(["日期", "带班领导", "值班人员"], rows, "lll")
        d.p("值班时间为每日8:30至次日8:30。遇有重大紧急情况，值班人员应立即报告带班领导。")
        return
    if kind == "training":
        d.slug = "training-plan"
        d.title = f"{y}年度{r.choice(SUBUNITS)}干部职工教育培训计划"
        d.keywords = ["教育培训", "干部培训"]
        rows = [
            [t, f"{m}月", r.choice(SECTION_NAMES_LIST)]
            for t, m in zip(
                d.pick(
                    [
                        "预算管理一体化系统操作",
                        "政府采购法律法规",
                        "会计准则和内部控制",
                        "财会监督实务",
                        "公文写作",
                        "保密知识",
                    ],
                    4,
                ),
                sorted(r.sample(range(min(d.w.month + 1, 9), 13), 4)),
                strict=True,
            )
        ]
        d.summary = f"{y}年计划组织集中培训{len(rows)}期，每名干部职工年度参训学时不少于{r.choice([40, 48, 56])}学时。"
        d.p(
            f"为提高干部职工业务能力和综合素质，根据局党组工作安排，现将{y}年度集中培训计划印发如下："
        )
        d.table(["培训主题", "时间", "承办科室"], rows, "lll")
        d.p("各科室应合理安排工作，确保参训人员按时参加培训。培训情况纳入年度考核。")
        return
    if kind == "checkup":
        d.slug = "health-checkup"
        d.title = f"关于组织{y}年度{r.choice(SUBUNITS)}干部职工健康体检的通知（第{cn(r.randint(1, 4))}批）"
        d.keywords = ["健康体检", "职工福利"]
        start = d.after(d.pub, 5, 15)
        d.summary = (
            f"{y}年度干部职工健康体检自{cdate(start)}起分批进行，地点为区人民医院健康管理中心。"
        )
        d.sec("体检对象")
        d.p("局机关和直属单位在编在职干部职工、退休干部。")
        d.sec("体检时间和地点")
        d.p(f"{cdate(start)}起，每周一至周五上午7:30—10:00，青禾市澄江区人民医院健康管理中心。")
        d.sec("注意事项")
        d.ol(["体检前一日晚10点后禁食；", "携带身份证；", "女性职工可选择加项套餐，费用自理。"])
        return
    d.slug = "canteen"
    d.title = r.choice(
        [
            f"关于调整机关食堂就餐时间的通知（{y}年{d.w.month}月）",
            f"{y}年机关食堂伙食费标准调整说明",
        ]
    )
    d.keywords = ["机关食堂", "机关事务"]
    d.summary = f"自{cdate(d.after(d.pub, 1, 10))}起调整机关食堂就餐时间和伙食费标准。"
    d.p(f"根据干部职工意见和{y}年食材价格变化，经局办公会议研究，现就机关食堂有关事项通知如下：")
    d.ul(
        [
            f"早餐{r.choice(['7:00—8:20', '7:10—8:15'])}，午餐{r.choice(['11:30—12:30', '11:40—12:40'])}，晚餐（加班）{r.choice(['17:30—18:30', '17:40—18:20'])}；",
            f"午餐每人每餐{r.choice([10, 12, 15])}元，由个人承担部分按月从工资中代扣；",
            "来客就餐须提前报办公室登记。",
        ]
    )


TEMPLATES: dict[str, Callable[[Draft], None]] = {
    "duties": t_duties,
    "rules": t_rules,
    "budget": t_budget,
    "decisions": t_decisions,
    "support": t_support,
    "projects": t_projects,
    "procurement": t_procurement,
    "licensing": t_licensing,
    "funds": t_funds,
    "procedures": t_procedures,
    "complaints": t_complaints,
    "other": t_other,
    "reports": t_reports,
    "personnel": t_personnel,
    "integrity": t_integrity,
    "staff-affairs": t_staff_affairs,
}
CHANGE_NOTES = [
    "更正表格中的合计数",
    "更正个别文字表述",
    "更新咨询电话",
    "补充资金拨付时间",
    "更正公示期表述",
    "补充政策解读",
    "调整表格格式",
]
CONFIG: Config
SECTION_NAMES_LIST: list[str] = []

# Supplementary sections: (heading, paragraph). Items shorter than their target length get
# some of these, chosen at random, so bodies typically run 300–1500 Chinese characters.
EXTRA = {
    "policy": [
        (
            "政策依据",
            "本事项依据《中华人民共和国预算法》《中华人民共和国预算法实施条例》《中华人民共和国政府信息公开条例》以及省、市关于全面推进预决算公开和财政信息公开的有关规定办理，相关文件可在{org}门户网站“政策文件”栏目查阅。",
        ),
        (
            "工作背景",
            "近年来，{org}围绕区委、区政府中心工作，坚持“过紧日子”思想，持续优化支出结构，集中财力保障重点民生和重大项目。{y}年，全区财政工作以深化预算管理制度改革为主线，进一步提高财政资金配置效率和使用效益。",
        ),
        (
            "政策解读",
            "本次公开的内容涉及群众切身利益，{org}同步发布政策解读，对适用范围、标准口径和办理流程作了说明。公众如对有关内容理解有疑问，可在工作日通过咨询电话或政务服务窗口咨询。",
        ),
        (
            "公开说明",
            "本信息按照“公开为常态、不公开为例外”的原则主动公开。表中数据均为初步统计数，如与决算数有差异，以年度决算数据为准；金额单位除特别注明外均为万元，合计数因四舍五入可能存在尾差。",
        ),
    ],
    "supervision": [
        (
            "监督管理",
            "各相关单位要严格执行财经纪律，确保资金安全、规范、有效使用。区财政局将会同审计、纪检监察等部门加强日常监督和专项检查，对发现的虚报冒领、截留挪用等问题，依法依规严肃处理，并追回相关资金。",
        ),
        (
            "绩效管理",
            "资金使用单位应当按照批复的绩效目标组织实施，做好绩效运行监控。年度终了，区财政局将组织开展绩效评价，评价结果作为以后年度预算安排和政策调整的重要依据，并按规定向社会公开。",
        ),
        (
            "社会监督",
            "欢迎社会各界对本信息公开内容进行监督。发现有关单位和个人存在违规行为的，可通过{org}监督投诉电话0571-8765 4399、电子邮箱czjjb@chengjiang.example.gov.cn或来信等方式反映，我们将依法依规及时处理并反馈。",
        ),
        (
            "信息更新",
            "本信息公开后，如有关内容发生变化，{org}将在变化之日起20个工作日内予以更新，并在本页“更新记录”中注明更新日期和更新内容。",
        ),
    ],
    "contact": [
        (
            "联系方式",
            "联系单位：{org}；地址：青禾市澄江区府前路18号区行政中心3号楼；邮编：310999；办公时间：周一至周五上午8:30—12:00，下午14:00—17:30（法定节假日除外）；咨询电话：0571-8765 4321。",
        ),
        (
            "咨询渠道",
            "公众可通过以下渠道咨询：一是拨打{org}咨询电话；二是登录区政府门户网站“政民互动”栏目留言；三是到区行政服务中心财政窗口现场咨询。我们将在5个工作日内予以答复。",
        ),
    ],
    "internal": [
        (
            "工作要求",
            "各科室要高度重视，认真组织落实，主要负责人要切实履行第一责任人职责，确保各项工作按时保质完成。执行中遇到的问题，请及时向局办公室反映。",
        ),
        (
            "纪律要求",
            "全体干部职工要严格遵守工作纪律和保密纪律，不得将局内公开信息转发至互联网或与工作无关的微信群、QQ群。对违反规定造成不良影响的，将依规依纪追究相关人员责任。",
        ),
        (
            "有关说明",
            "本信息仅在局域网和局内会议公开，供全局干部职工知悉和监督。干部职工对公开内容有意见建议的，可向局政务公开领导小组办公室反映，也可通过局域网“意见信箱”提出。",
        ),
        (
            "监督反馈",
            "局纪检组负责对本事项办理情况进行监督。干部职工发现有关问题的，可当面、电话或书面向纪检组反映，纪检组将按规定予以登记、核实和反馈，并对反映人信息严格保密。",
        ),
        (
            "学习讨论",
            "各支部要结合“三会一课”和主题党日活动，组织党员干部认真学习有关内容，联系岗位实际开展讨论，把学习成果转化为推动财政工作高质量发展的实际成效。",
        ),
        (
            "落实安排",
            "局办公室负责统筹协调，人事科、机关党委（纪检组）按照职责分工做好相关工作，有关情况于每季度末汇总报局党组。{y}年有关工作完成情况将在局内公开栏和局域网同步公布。",
        ),
    ],
}
# Characters of text as a reader counts them: Chinese, full-width punctuation and digits.
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef0-9]")


def top_up(d: Draft) -> None:
    """Add supplementary sections until the body reaches a length drawn for this item."""
    r = d.r
    target = r.randint(300, 520) if r.random() < 0.9 else r.randint(520, 1300)
    body = d.body()
    length = len(_CJK.findall(body))
    if length >= target:
        return
    banks = ["internal"] if d.spec.scope == "internal" else ["policy", "supervision", "contact"]
    pool = [entry for bank in banks for entry in EXTRA[bank]]
    r.shuffle(pool)
    for heading, text in pool:
        if length >= target:
            break
        if f"、{heading}" in body:
            continue
        paragraph = text.format(org=ORG, y=d.y)
        d.sec(heading)
        d.p(paragraph)
        length += len(_CJK.findall(heading + paragraph))


# --------------------------------------------------------------------------------------------
# Front matter and files.

_YAML_SPECIAL = set(":#[]{},&*!|>'\"%@`")


def q(value: str) -> str:
    """A YAML scalar for ``value``: plain when safe, else double-quoted (JSON is valid YAML)."""
    if (
        value
        and not (_YAML_SPECIAL & set(value))
        and value[0] not in "-?"
        and value == value.strip()
    ):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def front_matter(
    d: Draft,
    category_refresh: str,
    channels: list[str] | None,
    changes: list[tuple[dt.date, str]],
    drafter: str,
) -> str:
    s = d.spec
    lines = [
        "---",
        f"title: {q(d.title)}",
        f"index_no: {s.index_no}",
        f"category: {s.category}",
        f"owner: {s.owner}",
        f"drafted_by: {drafter}",
    ]
    if d.summary:
        lines.append(f"summary: {q(d.summary)}")
    if d.doc_no:
        lines.append(f"doc_no: {q(d.doc_no)}")
    if d.doc_type:
        lines.append(f"doc_type: {d.doc_type}")
    if d.keywords:
        lines.append("keywords: [" + ", ".join(q(k) for k in d.keywords) + "]")
    lines += [f"written: {s.written.isoformat()}", f"published: {s.published.isoformat()}"]
    if d.expires:
        lines.append(f"expires: {d.expires.isoformat()}")
    lines.append(f"refresh: {d.refresh or category_refresh}")
    if d.series:
        lines.append(f"series: {q(d.series)}")
    if s.superseded_by:
        lines += [f"validity: {s.validity}", f"superseded_by: {s.superseded_by.index_no}"]
    if channels:
        lines.append("channels: [" + ", ".join(channels) + "]")
    if s.major:
        lines.append("major: true")
    if d.attachments:
        lines.append("attachments:")
        for a in d.attachments:
            lines += [f"  - path: files/{a.name}", f"    title: {q(a.title)}"]
    if changes:
        lines.append("changes:")
        for date, note in changes:
            lines += [f"  - date: {date.isoformat()}", f"    note: {q(note)}"]
    lines += ["---", "", d.body(), ""]
    return "\n".join(lines)


def trim_summary(text: str, limit: int = 300) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind("。"), cut.rfind("；"))
    return cut[: end + 1] if end > 0 else cut[: limit - 1] + "…"


@dataclass
class Approvers:
    """Who may take each step for each owner (from catalog.yaml), and each section's drafters."""

    config: Config
    drafters: dict[str, list[str]] = field(default_factory=dict)
    eligible: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        c = self.config
        for section in c.sections:
            self.drafters[section] = [
                n for n, p in c.people.items() if p.section == section and p.title == "科员"
            ]
            if not self.drafters[section]:
                raise SystemExit(f"catalog.yaml has no 科员 in section {section}")
            for step in c.approval.steps + c.approval.major_steps:
                self.eligible[(step.key, section)] = [
                    n for n in c.people if c.may_take(n, step, section)
                ]

    def approvals(self, rng: Random, spec: Spec, drafter: str, digest: str) -> list[NewApproval]:
        steps = self.config.steps_for(spec.major)
        span = (spec.published - spec.written).days
        offsets = sorted(rng.randint(0, span) for _ in steps)
        used = {drafter}
        out = []
        for step, offset in zip(steps, offsets, strict=True):
            candidates = [n for n in self.eligible[(step.key, spec.owner)] if n not in used]
            if not candidates:
                raise SystemExit(f"no one may take step {step.key} for owner {spec.owner}")
            by = rng.choice(candidates)
            used.add(by)
            out.append(NewApproval(step.key, by, spec.written + dt.timedelta(days=offset), digest))
        return out


def generate(out: Path, n: int, seed: int, internal_share: float, force: bool) -> dict[str, int]:
    global CONFIG
    if (out / "content").exists():
        if not force:
            raise SystemExit(f"{out}/content exists; use --force to replace it")
        shutil.rmtree(out / "content")
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO / "catalog.yaml", out / "catalog.yaml")
    if (out / "themes").exists():
        shutil.rmtree(out / "themes")
    shutil.copytree(REPO / "themes", out / "themes")
    loaded = load_catalog(out)
    if loaded.config is None:
        raise SystemExit(
            "catalog.yaml does not load: " + "; ".join(p.message for p in loaded.problems)
        )
    CONFIG = config = loaded.config
    if config.organisation.code != CODE:
        raise SystemExit(f"this corpus is written for organisation code {CODE}")
    SECTION_NAMES.update({k: s.name for k, s in config.sections.items()})
    SECTION_NAMES_LIST[:] = list(SECTION_NAMES.values())
    approvers = Approvers(config)

    stats: Counter[str] = Counter()
    doc_numbers: Counter[tuple[str, int]] = Counter()
    made: set[Path] = set()
    for spec in plan(n, seed, internal_share):
        rng = Random(spec.seed)
        d = Draft(spec, rng)
        TEMPLATES[spec.category](d)
        if spec.category != "rules":
            top_up(d)
        category = config.categories_of(spec.scope)[spec.category]
        if spec.category in ("rules", "decisions") or rng.random() < 0.12:
            d.set_doc_no(doc_numbers)
        if spec.attach and not d.attachments:
            name = f"{spec.stem}-{d.slug}.txt"
            text = f"{d.title}\n\n{d.summary or ''}\n\n{ORG_FULL}\n{cdate(spec.written)}\n"
            d.attachments.append(Attachment(name, f"{d.title[:40]}（文字版）", text.encode()))
        d.summary = trim_summary(d.summary) if d.summary and rng.random() > 0.03 else None
        channels = None
        if rng.random() < 0.08:
            extra = "media" if spec.scope == "external" else "meeting"
            channels = sorted({*category.channels, extra, "document"})
        changes: list[tuple[dt.date, str]] = []
        room = (TODAY - spec.published).days
        if room > 2 and rng.random() < 0.06:
            for _ in range(rng.choice((1, 1, 2))):
                when = spec.published + dt.timedelta(days=rng.randint(1, min(room, 180)))
                changes.append((when, rng.choice(CHANGE_NOTES)))
        if spec.superseded_by and spec.repealed_on:
            word = "已废止" if spec.validity == "repealed" else "已修改"
            note = f"有效性改为“{word}”，并链接修订后的办法"
            changes.append((spec.repealed_on, note))
        changes.sort()
        drafter = rng.choice(approvers.drafters[spec.owner])

        folder = out / "content" / spec.scope / spec.category / str(spec.year)
        if folder not in made:
            (folder / "files").mkdir(parents=True, exist_ok=True)
            made.add(folder)
        hashes = {}
        for a in d.attachments:
            (folder / "files" / a.name).write_bytes(a.data)
            hashes[f"files/{a.name}"] = bytes_sha256(a.data)
        file = folder / f"{spec.stem}-{d.slug}.md"
        rel = file.relative_to(out).as_posix()
        text = front_matter(d, category.refresh, channels, changes, drafter)
        item, problems = parse_item(text, rel, file, lambda p, h=hashes: h.get(p, "missing"))
        errors = [p for p in problems if p.is_error]
        if item is None or errors:
            raise SystemExit(
                f"{rel}: generated an invalid item: " + "; ".join(p.message for p in problems)
            )
        entries = [signed(item, e) for e in approvers.approvals(rng, spec, drafter, item.digest)]
        file.write_text(rewrite_approvals(text, entries), encoding="utf-8")
        stats["items"] += 1
        stats["internal"] += spec.scope == "internal"
        stats["attachments"] += len(d.attachments)
        stats["major"] += spec.major
    # Remove empty files/ folders (only created where attachments were written).
    for folder in sorted(made):
        files = folder / "files"
        if not any(files.iterdir()):
            files.rmdir()
    return stats


@functools.cache
def sample_key(name: str) -> object:
    """The sample's demo key of ``name`` (sample-keys/), whose public half catalog.yaml lists."""
    return signature.load_private_key((REPO / "sample-keys" / name).read_bytes())


def signed(item: Item, entry: NewApproval) -> NewApproval:
    """``entry`` signed as ``catalogue approve`` signs it (deterministic: Ed25519)."""
    message = approval_statement(item, entry.step, entry.by, entry.date, entry.digest)
    return dataclasses.replace(entry, signature=signature.sign(sample_key(entry.by), message))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="the catalogue repository to write")
    parser.add_argument("--items", type=int, required=True, help="number of items")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--internal-share", type=float, default=0.1, help="share of internal items (default 0.1)"
    )
    parser.add_argument("--force", action="store_true", help="replace OUT_DIR/content and themes")
    args = parser.parse_args(argv)
    if args.items < 0 or not 0 <= args.internal_share <= 1:
        parser.error("--items must be ≥ 0 and --internal-share within 0..1")
    start = time.perf_counter()
    stats = generate(args.out_dir, args.items, args.seed, args.internal_share, args.force)
    seconds = time.perf_counter() - start
    print(
        f"items={stats['items']} internal={stats['internal']} attachments={stats['attachments']} "
        f"major={stats['major']} seconds={seconds:.1f} out={args.out_dir}"
    )


if __name__ == "__main__":
    sys.exit(main())
