"""catalog.yaml: the bureau, its sections and people, categories and approval policy.

``load_catalog`` reads the file, checks its shape with the declarative schema,
then checks the cross-references (a person's section exists, a step's role
exists, ...) and reports every problem at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..problems import Problem
from . import schema, signature
from .schema import (
    Bool,
    Choice,
    Context,
    Int,
    Invalid,
    KeyedMap,
    ListOf,
    Located,
    Nested,
    Option,
    Str,
    option,
)
from .yamlsource import LineMap, load_yaml

CATALOG_FILE = "catalog.yaml"

SCOPES = {"external": "对外公开", "internal": "对内公开"}
CHANNELS = {
    "external": {
        "website": "网站",
        "kiosk": "电子触摸屏",
        "media": "宣传媒体",
        "meeting": "会议",
        "document": "文件",
    },
    "internal": {"intranet": "局域网", "meeting": "会议", "document": "文件"},
}
REFRESH = {
    "long-term": "长期公开",
    "quarterly": "每季度公开",
    "per-stage": "逐段公开",
    "timely": "及时公开",
}
VALIDITY = {"current": "现行有效", "amended": "已修改", "repealed": "已废止"}
OWNER = "owner"  # in an approval step's ``of``: the item's own section

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_CODE_PATTERN = r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}|[0-9A-Z]{8}[0-9X]"
# GitHub usernames: letters, digits and single inner hyphens, at most 39 characters.
GITHUB_USER_PATTERN = r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}"


def uscc_check_char(code17: str) -> str:
    """The 18th character of a 统一社会信用代码 (GB 32100-2015)."""
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(code17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


@dataclass(kw_only=True)
class Footer:
    sponsor: str = option(Str(required=True))  # 主办单位
    site_code: str = option(Str(required=True))  # 网站标识码
    icp: str = option(Str(required=True))  # ICP备案号
    police: str = option(Str(required=True))  # 公安机关备案号
    # 政府网站与政务新媒体检查指标: the 党政机关网站标识 (an image file under the theme's
    # static/ folder, shipped with the site, never fetched) and where it links to; the
    # national 我为政府网站找错 page for this site.
    badge: str | None = option(
        Str(pattern=r"[A-Za-z0-9_-]+\.(png|jpg|gif|svg)", pattern_hint="static/ 下的图片文件名")
    )
    badge_url: str | None = option(Str(pattern=r"https://\S+", pattern_hint="https:// 开头的网址"))
    report_error_url: str | None = option(
        Str(pattern=r"https://\S+", pattern_hint="https:// 开头的网址")
    )


@dataclass(kw_only=True)
class Complaints:
    phone: str = option(Str(required=True))
    email: str = option(Str(required=True))
    mailbox: str = option(Str(required=True))  # postal address for letters
    note: str | None = option(Str())
    # 网上举报信箱: a web form's address, or mailto:; without it, mailto: ``email``.
    online: str | None = option(
        Str(pattern=r"(https://\S+|mailto:\S+@\S+)", pattern_hint="https:// 或 mailto: 开头")
    )

    @property
    def online_url(self) -> str:
        """Where the 网上举报信箱 link leads."""
        return self.online or f"mailto:{self.email}"

    @property
    def online_label(self) -> str:
        """The link's words: the address written to, or 在线举报 for a web form."""
        return (
            self.online_url.removeprefix("mailto:")
            if self.online_url.startswith("mailto:")
            else "在线举报"
        )


@dataclass(kw_only=True)
class Organisation:
    name: str = option(Str(required=True))
    short_name: str | None = option(Str())
    code: str = option(
        Str(required=True, pattern=ORG_CODE_PATTERN, pattern_hint="18 位统一社会信用代码")
    )
    address: str = option(Str(required=True))
    postcode: str | None = option(Str())
    office_hours: str = option(Str(required=True))
    phone: str = option(Str(required=True))
    fax: str = option(Str(required=True))
    email: str = option(Str(required=True))
    footer: Footer = option(Nested(Footer, required=True))
    complaints: Complaints = option(Nested(Complaints, required=True))


@dataclass(kw_only=True)
class Section:
    key: str = ""
    name: str = option(Str(required=True))
    duties: str | None = option(Str())


@dataclass(kw_only=True)
class Role:
    key: str = ""
    name: str = option(Str(required=True))
    per_section: bool = option(Bool(default=False))


@dataclass(frozen=True)
class Grant:
    """A role a person holds; ``sections`` is None for 'my own section'; held from
    ``start`` to ``end`` (inclusive; None: open), so a past approval is checked against
    the roles held on its date, not today's."""

    role: str
    sections: tuple[str, ...] | None
    line: int
    start: dt.date | None = None
    end: dt.date | None = None

    def held_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


_GRANT_DATES = ("from", "until")


class Grants(Option):
    """``roles: [section_head, {supervisor: [budget, treasury]}]``."""

    def __init__(self, **kw: Any) -> None:
        kw.setdefault("default", [])
        super().__init__(**kw)

    def convert(self, value: Any, key: str, line: int, ctx: Context) -> list[Grant]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise Invalid("S103", key=key, expected="列表", actual=schema.type_name(value))
        grants = []
        for index, entry in enumerate(value):
            entry_line = value.line_of(index) if hasattr(value, "line_of") else line
            if isinstance(entry, str):
                grants.append(Grant(entry, None, entry_line))
            elif isinstance(entry, LineMap) and len(_role_keys(entry)) == 1:
                role = _role_keys(entry)[0]
                sections = entry[role]
                sections = [sections] if isinstance(sections, str) else sections
                if sections is not None and (
                    not isinstance(sections, list) or not all(isinstance(s, str) for s in sections)
                ):
                    actual = schema.type_name(sections)
                    ctx.report(
                        "S103",
                        entry_line,
                        key=f"{key}.{role}",
                        expected="科室键列表",
                        actual=actual,
                    )
                    continue
                start, end = (
                    _grant_date(entry, k, f"{key}.{k}", entry_line, ctx) for k in _GRANT_DATES
                )
                if start and end and end < start:
                    ctx.report("C209", entry_line, role=role, start=start, end=end)
                held = tuple(sections) if sections is not None else None
                grants.append(Grant(str(role), held, entry_line, start, end))
            else:
                ctx.report(
                    "S107", entry_line, key=key, value=entry, expected="角色键，或“角色: [科室, …]”"
                )
        return grants


def _public_key(required: bool = False) -> Str:
    return Str(
        required=required,
        pattern=signature.PUBLIC_KEY_PATTERN,
        pattern_hint="OpenSSH 公钥一行，如 ssh-ed25519 AAAA… 姓名",
    )


@dataclass(kw_only=True)
class PreviousKey(Located):
    """A signing key the person no longer uses: it verifies only approvals of content
    first committed before ``until`` (docs/decisions/0004-signed-approvals.md)."""

    key: str = option(_public_key(required=True))
    until: dt.date = option(schema.Date(required=True))


def _role_keys(entry: LineMap) -> list[str]:
    return [str(k) for k in entry if k not in _GRANT_DATES]


def _grant_date(entry: LineMap, name: str, key: str, line: int, ctx: Context) -> dt.date | None:
    if entry.get(name) is None:
        return None
    return schema.convert_reporting(schema.Date(), entry[name], key, line, ctx)


@dataclass(kw_only=True)
class Person(Located):
    key: str = ""  # the person's name, as written in front matter
    section: str | None = option(Str())
    title: str | None = option(Str())  # 职务
    roles: list[Grant] = option(Grants())
    github: str | None = option(  # GitHub username, for .github/CODEOWNERS
        Str(pattern=GITHUB_USER_PATTERN, pattern_hint="GitHub 用户名，如 qian-lixin")
    )
    signing_key: str | None = option(_public_key())  # the approver's SSH public key
    previous_keys: list[PreviousKey] = option(ListOf(Nested(PreviousKey)))
    revoked_keys: list[str] = option(ListOf(_public_key()))  # never verify again
    left: dt.date | None = option(schema.Date())  # 离职/调离: no approval after this day


@dataclass(kw_only=True)
class Step(Located):
    """One approval step: who may take it, relative to the item's owner where ``of`` says so."""

    key: str = option(Str(required=True, pattern=r"[a-z][a-z0-9_-]*", pattern_hint="英文小写键"))
    name: str = option(Str(required=True))
    role: str = option(Str(required=True))
    of: list[str] = option(ListOf(Str()))  # [owner] | section keys | [] for anyone with the role


SIGNATURES = {"required": "每条审批必须有有效签名", "optional": "有签名时核验"}


@dataclass(kw_only=True)
class ApprovalPolicy:
    steps: list[Step] = option(ListOf(Nested(Step), required=True))
    major_steps: list[Step] = option(ListOf(Nested(Step)))
    signatures: str = option(Choice(SIGNATURES, default="optional"))
    # Approvals dated on or after this day are checked against git history (backdating).
    history_checks_since: dt.date | None = option(schema.Date())


# Inspection rules (issue 24 parts 4-6): 预决算公开, website indicators, standard catalogue.
DAY_KINDS = {"calendar": "日", "workday": "个工作日"}
# 政府网站与政务新媒体检查指标: 动态/要闻 stale after two weeks, 通知公告/政策文件 after six
# months, 机构职能 and the like never.
UPDATE_KINDS = {"dynamic": "动态要闻类", "notices": "通知公告类", "static": "相对静态类"}
UPDATE_KIND_OF_REFRESH = {
    "timely": "dynamic",
    "quarterly": "notices",
    "per-stage": "notices",
    "long-term": "static",
}
DISCLOSURE_MODES = ["主动", "依申请"]


@dataclass(kw_only=True)
class StandardEntry:
    """A row's own columns in the 基层政务公开标准目录 where the defaults do not fit."""

    first_level: str | None = option(Str())  # 一级事项 (default: standard_catalogue's)
    second_level: str | None = option(Str())  # 二级事项 (default: the name)
    content: str | None = option(Str())  # 公开内容（要素） (default: the description)
    basis: str | None = option(Str())  # 公开依据
    time_limit: str | None = option(Str())  # 公开时限
    subject: str | None = option(Str())  # 公开主体 (default: the organisation)
    audience: str | None = option(Str())  # 公开对象
    mode: str | None = option(Choice(DISCLOSURE_MODES))  # 公开方式
    level: str | None = option(Str())  # 公开层级


@dataclass(kw_only=True)
class StandardCatalogue:
    """Defaults for the standard catalogue's columns (基层政务公开标准目录)."""

    first_level: str = option(Str(default="财政信息"))
    basis: str = option(Str(default="《中华人民共和国政府信息公开条例》"))
    level: str = option(Str(default="县级"))
    audience: str = option(Str(default="全社会"))
    internal_audience: str = option(Str(default="本局干部职工"))


@dataclass(kw_only=True)
class BudgetDocType(Located):
    """A kind of 预决算 document: what it must contain, who approves it."""

    key: str = ""
    name: str = option(Str(required=True))  # 政府预算, 部门决算, ...
    approved_by: str = option(Str(required=True))  # 区人民代表大会, 区财政局批复, ...
    final: bool = option(Bool(default=False))  # a 决算: its year is the one before approval
    tables: list[str] = option(ListOf(Str()))
    debt_tables: list[str] = option(ListOf(Str()))  # 政府债务 (财预〔2018〕209号)
    explanations: list[str] = option(ListOf(Str()))  # headings the body must have
    standard: StandardEntry | None = option(Nested(StandardEntry))


@dataclass(kw_only=True)
class BudgetDisclosure:
    """预决算公开 (预算法 第十四条): published within ``deadline_days`` of approval."""

    deadline_days: int = option(Int(default=20, minimum=1))
    day_kind: str = option(Choice(DAY_KINDS, default="calendar"))
    warn_days: int = option(Int(default=5, minimum=0))
    doc_types: dict[str, BudgetDocType] = option(KeyedMap(BudgetDocType))


@dataclass(kw_only=True)
class WebsiteIndicators:
    """Thresholds of the 政府网站与政务新媒体检查指标 (国办秘函〔2019〕19号)."""

    home_stale_days: int = option(Int(default=14, minimum=1))
    dynamic_stale_days: int = option(Int(default=14, minimum=1))
    notices_stale_months: int = option(Int(default=6, minimum=1))
    blank_veto: int = option(Int(default=5, minimum=1))  # 空白栏目 that fail the site
    # Items added in commits before this day were moved in from an older system with
    # their real dates: their ``published`` is not compared with the commit.
    backdating_from: dt.date | None = option(schema.Date())


@dataclass(kw_only=True)
class Category(Located):
    key: str = ""
    name: str = option(Str(required=True))
    description: str = option(Str(required=True))
    refresh: str = option(Choice(REFRESH, required=True))
    channels: list[str] = option(ListOf(Str(), required=True))
    article: str | None = option(Str())  # 细则条款, e.g. 第四条第3项
    after_expiry: str = option(Choice(["archive", "remove"], default="archive"))
    # Website inspection indicators and the standard catalogue (issue 24 parts 5, 6).
    update_kind: str | None = option(Choice(UPDATE_KINDS))  # default: from ``refresh``
    standard: StandardEntry | None = option(Nested(StandardEntry))

    def kind_of_update(self) -> str:
        """How inspectors judge the column's freshness (``UPDATE_KINDS``)."""
        return self.update_kind or UPDATE_KIND_OF_REFRESH[self.refresh]


@dataclass(kw_only=True)
class Categories:
    external: dict[str, Category] = option(KeyedMap(Category, required=True))
    internal: dict[str, Category] = option(KeyedMap(Category, required=True))


@dataclass(kw_only=True)
class PlanEntry(Located):
    """One line of a section's 年度政务公开计划."""

    year: int = option(Int(required=True, minimum=2000))
    owner: str = option(Str(required=True))
    category: str = option(Str(required=True))
    title: str = option(Str(required=True))
    due: dt.date | None = option(schema.Date())


@dataclass(kw_only=True)
class Site:
    title: str | None = option(Str())
    base_url: str = option(Str(default="https://example.gov.cn/", pattern=r"https?://\S+/"))
    kiosk_idle_seconds: int = option(Int(default=120, minimum=1))
    page_size: int = option(Int(default=20, minimum=5))
    kiosk_page_size: int = option(Int(default=6, minimum=3))
    # The kiosk shows a PDF as images of its pages, made at build time: at most this many
    # per document (a 300-page report would make the kiosk copy large and slow to build).
    kiosk_pdf_pages: int = option(Int(default=20, minimum=1))
    # Days after the build day when the kiosk's home screen tells staff it is out of date.
    kiosk_stale_days: int = option(Int(default=30, minimum=1))
    # After the idle timeout, cycle through the newest items instead of resting on home.
    kiosk_attract: bool = option(Bool(default=False))
    # 常用查询: the kiosk's quick buttons, each a search term shown on home and search.
    kiosk_quick: list[str] = option(ListOf(Str(max_len=12)))


@dataclass(kw_only=True)
class Confidentiality:
    """Numbers the bureau publishes on purpose (its hotlines), never reported by the
    confidentiality check (confidential.py); compared ignoring spaces and hyphens."""

    allow: list[str] = option(ListOf(Str()))
    # Attachment types published although the check cannot read them all (``.zip``,
    # ``.ofd``): any other unknown type is an error (P709). Written with or without the
    # dot, in any case; the types a browser runs script in stay refused (P710).
    allowed_types: list[str] = option(ListOf(Str(pattern=r"\.?[A-Za-z0-9]{1,10}")))

    def __post_init__(self) -> None:
        self.allowed_types = ["." + t.lstrip(".").lower() for t in (self.allowed_types or []) if t]


# --- 依申请公开 and the annual report (issue 24 parts 1-2) ---------------------------


@dataclass(kw_only=True)
class RequestRules:
    """Deadlines of the 依申请公开 register (条例第三十三条), in working days."""

    reply_workdays: int = option(Int(default=20, minimum=1))
    extension_workdays: int = option(Int(default=20, minimum=0))  # at most, once
    due_soon_workdays: int = option(Int(default=5, minimum=1))  # ``status`` lists them


@dataclass(kw_only=True)
class AnnualReportRules:
    """The 政府信息公开工作年度报告 (条例第五十条): published by ``deadline`` (MM-DD) of
    the next year; 31 January for a 县级以上政府部门, 31 March for a county government."""

    deadline: str = option(
        Str(
            default="01-31",
            pattern=r"(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])",
            pattern_hint="MM-DD",
        )
    )
    owner: str | None = option(Str())  # the section that writes it; status lists it there
    # What section 六 is prompted for: unverified, so the bureau may change it.
    other_matters: list[str] = option(
        ListOf(
            Str(),
            default=[
                "依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）收取信息处理费的情况",
                "本年度政务公开工作要点落实情况",
            ],
        )
    )

    def due(self, year: int) -> dt.date:
        """The last day to publish the report for ``year``."""
        month, day = (int(part) for part in self.deadline.split("-"))
        try:
            return dt.date(year + 1, month, day)
        except ValueError:  # 02-30 and the like: the month's last day
            return dt.date(year + 1, month % 12 + 1, 1) - dt.timedelta(days=1)


@dataclass(kw_only=True)
class Config:
    organisation: Organisation = option(Nested(Organisation, required=True))
    site: Site = option(Nested(Site))
    sections: dict[str, Section] = option(KeyedMap(Section, required=True))
    roles: dict[str, Role] = option(KeyedMap(Role, required=True))
    people: dict[str, Person] = option(KeyedMap(Person, required=True, ascii_keys=False))
    categories: Categories = option(Nested(Categories, required=True))
    approval: ApprovalPolicy = option(Nested(ApprovalPolicy, required=True))
    plan: list[PlanEntry] = option(ListOf(Nested(PlanEntry)))
    confidentiality: Confidentiality | None = option(Nested(Confidentiality))
    # Inspection rules (issue 24 parts 4-6)
    budget_disclosure: BudgetDisclosure = option(Nested(BudgetDisclosure))
    website_indicators: WebsiteIndicators = option(Nested(WebsiteIndicators))
    standard_catalogue: StandardCatalogue = option(Nested(StandardCatalogue))
    requests: RequestRules = option(Nested(RequestRules))
    annual_report: AnnualReportRules = option(Nested(AnnualReportRules))
    path: str = CATALOG_FILE
    # Whose keys verify approval signatures: this file's people, or in a pull request
    # the base branch's (trust.py). Set by ``load_catalogue``; None means this file's.
    trusted: Any = None

    def __post_init__(self) -> None:
        if self.site is None:
            self.site = Site()
        if self.budget_disclosure is None:
            self.budget_disclosure = BudgetDisclosure()
        if self.website_indicators is None:
            self.website_indicators = WebsiteIndicators()
        if self.standard_catalogue is None:
            self.standard_catalogue = StandardCatalogue()
        if self.requests is None:
            self.requests = RequestRules()
        if self.annual_report is None:
            self.annual_report = AnnualReportRules()

    def categories_of(self, scope: str) -> dict[str, Category]:
        return getattr(self.categories, scope)

    def steps_for(self, major: bool) -> list[Step]:
        return self.approval.steps + (self.approval.major_steps if major else [])

    def all_steps(self) -> dict[str, Step]:
        return {s.key: s for s in self.approval.steps + self.approval.major_steps}

    def step_named(self, text: str) -> Step | None:
        """The step staff name by its key (initial) or its name (科室负责人审核)."""
        steps = self.all_steps().values()
        return next((s for s in steps if text.strip() in (s.key, s.name)), None)

    def may_take(self, person: str, step: Step, owner: str, on: dt.date | None = None) -> bool:
        """Does ``person`` hold the role ``step`` requires, for an item owned by ``owner``,
        on the day ``on`` (default today)? Nobody holds a role after they ``left``."""
        who = self.people.get(person)
        if who is None:
            return False
        day = on or dt.date.today()
        if who.left is not None and day > who.left:
            return False
        wanted = {owner if s == OWNER else s for s in step.of}
        for grant in who.roles:
            if grant.role != step.role or not grant.held_on(day):
                continue
            held = set(grant.sections) if grant.sections is not None else {who.section}
            if not wanted or wanted & held or not self.roles[step.role].per_section:
                return True
        return False

    def role_description(self, step: Step) -> str:
        role = self.roles[step.role].name if step.role in self.roles else step.role
        if OWNER in step.of:
            return f"责任科室的{role}"
        if step.of:
            names = "或".join(self.sections[s].name for s in step.of if s in self.sections)
            return f"{names}的{role}"
        return role


@dataclass
class Loaded:
    config: Config | None
    problems: list[Problem] = field(default_factory=list)


def load_catalog(root: Path) -> Loaded:
    """Read and check ``root/catalog.yaml``; ``catalog`` is None when it cannot be used."""
    path = root / CATALOG_FILE
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return Loaded(None, [Problem.make("C203", CATALOG_FILE, 1)])
    except (OSError, UnicodeDecodeError) as exc:
        return Loaded(None, [Problem.make("F002", CATALOG_FILE, 1, detail=exc)])
    return parse_catalog(text)


def parse_catalog(text: str) -> Loaded:
    """Check catalog.yaml's text (also an earlier commit's, for its trusted keys)."""
    parsed = load_yaml(text, CATALOG_FILE)
    problems = parsed.problems
    if not isinstance(parsed.data, LineMap):
        if parsed.data is not None or not problems:
            problems.append(Problem.make("F003", CATALOG_FILE, 1))
        return Loaded(None, problems)
    ctx = Context(CATALOG_FILE, problems)
    config = schema.load(Config, parsed.data, ctx)
    if any(p.is_error for p in problems):
        return Loaded(None, problems)
    _check_references(config, parsed.data, ctx)
    return Loaded(None if any(p.is_error for p in problems) else config, problems)


def _check_references(config: Config, data: LineMap, ctx: Context) -> None:
    """Cross-references the schema cannot see: every key named must be defined."""

    def known(kind: str, value: str, table: dict[str, Any], line: int) -> bool:
        if value in table:
            return True
        ctx.report("C201", line, kind=kind, value=value, known="、".join(table) or "无")
        return False

    org = config.organisation
    if len(org.code) == 18 and uscc_check_char(org.code[:17]) != org.code[17]:
        line = data["organisation"].line_of("code")
        ctx.report("C202", line, value=org.code, expected=uscc_check_char(org.code[:17]))

    keys: dict[str, str] = {}
    for person in config.people.values():
        _check_keys(person, keys, ctx)
        if person.section is not None:
            known("科室", person.section, config.sections, person.line_of("section"))
        for grant in person.roles:
            if not known("角色", grant.role, config.roles, grant.line):
                continue
            for section in grant.sections or ():
                known("科室", section, config.sections, grant.line)
            if (
                config.roles[grant.role].per_section
                and grant.sections is None
                and not person.section
            ):
                ctx.report("C205", grant.line, role=grant.role)

    seen: set[str] = set()
    for step in config.approval.steps + config.approval.major_steps:
        if step.key in seen:
            ctx.report("C204", step.line, step=step.key)
        seen.add(step.key)
        known("角色", step.role, config.roles, step.line_of("role"))
        for section in step.of:
            if section != OWNER:
                known("科室", section, config.sections, step.line_of("of"))

    for scope in SCOPES:
        for category in config.categories_of(scope).values():
            for channel in category.channels:
                known(
                    f"{SCOPES[scope]}公开方式",
                    channel,
                    CHANNELS[scope],
                    category.line_of("channels"),
                )

    for doc_type in config.budget_disclosure.doc_types.values():
        names = doc_type.tables + doc_type.debt_tables
        for name in sorted({n for n in names if names.count(n) > 1}):
            ctx.report("C223", doc_type.line, doc_type=doc_type.key, name=name)
    report_owner = config.annual_report.owner
    if report_owner is not None:
        line = data["annual_report"].line_of("owner")
        known("科室", report_owner, config.sections, line)

    for entry in config.plan:
        known("科室", entry.owner, config.sections, entry.line_of("owner"))
        all_categories = {**config.categories.external, **config.categories.internal}
        known("分类", entry.category, all_categories, entry.line_of("category"))


def _check_keys(person: Person, owners: dict[str, str], ctx: Context) -> None:
    """Each key line must be a usable public key, and one person's alone (C207, C208)."""
    lines = [(person.signing_key, person.line_of("signing_key"))]
    lines += [(p.key, p.line) for p in person.previous_keys]
    lines += [(k, person.line_of("revoked_keys")) for k in person.revoked_keys]
    for line, at in lines:
        if line is None:
            continue
        try:
            key = signature.key_id(line)
        except signature.BadKey as bad:
            ctx.report("C207", at, name=person.key, why=bad)
            continue
        owner = owners.setdefault(key, person.key)
        if owner != person.key:
            ctx.report("C208", at, name=person.key, other=owner)
