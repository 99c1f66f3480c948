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


@dataclass(kw_only=True)
class Complaints:
    phone: str = option(Str(required=True))
    email: str = option(Str(required=True))
    mailbox: str = option(Str(required=True))  # postal address for letters
    note: str | None = option(Str())


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
    """A role a person holds; ``sections`` is None for 'my own section'."""

    role: str
    sections: tuple[str, ...] | None
    line: int


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
            elif isinstance(entry, LineMap) and len(entry) == 1:
                role, sections = next(iter(entry.items()))
                sections = [sections] if isinstance(sections, str) else sections
                if not isinstance(sections, list) or not all(isinstance(s, str) for s in sections):
                    actual = schema.type_name(sections)
                    ctx.report(
                        "S103",
                        entry_line,
                        key=f"{key}.{role}",
                        expected="科室键列表",
                        actual=actual,
                    )
                    continue
                grants.append(Grant(str(role), tuple(sections), entry_line))
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


@dataclass(kw_only=True)
class Category(Located):
    key: str = ""
    name: str = option(Str(required=True))
    description: str = option(Str(required=True))
    refresh: str = option(Choice(REFRESH, required=True))
    channels: list[str] = option(ListOf(Str(), required=True))
    article: str | None = option(Str())  # 细则条款, e.g. 第四条第3项
    after_expiry: str = option(Choice(["archive", "remove"], default="archive"))


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
    path: str = CATALOG_FILE
    # Whose keys verify approval signatures: this file's people, or in a pull request
    # the base branch's (trust.py). Set by ``load_catalogue``; None means this file's.
    trusted: Any = None

    def __post_init__(self) -> None:
        if self.site is None:
            self.site = Site()

    def categories_of(self, scope: str) -> dict[str, Category]:
        return getattr(self.categories, scope)

    def steps_for(self, major: bool) -> list[Step]:
        return self.approval.steps + (self.approval.major_steps if major else [])

    def all_steps(self) -> dict[str, Step]:
        return {s.key: s for s in self.approval.steps + self.approval.major_steps}

    def may_take(self, person: str, step: Step, owner: str) -> bool:
        """Does ``person`` hold the role ``step`` requires, for an item owned by ``owner``?"""
        who = self.people.get(person)
        if who is None:
            return False
        wanted = {owner if s == OWNER else s for s in step.of}
        for grant in who.roles:
            if grant.role != step.role:
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
