"""The 依申请公开 register: requests for information, one YAML file a year.

``content/internal/requests/YYYY.yaml`` lists the requests received in year YYYY
(细则第十六至十九条, 条例第三十三条). It is internal: no output shows it, and the
public site sees only the figures an approved annual report carries.

It has no field for who asked (no name, no ID, no address, no phone): the annual
report counts applicants by type only, and a register that could hold an
identity would end up holding one. Its free text (``subject``, ``note``) is
searched by the confidentiality check like any item.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import Problem
from . import schema
from .guard import read_item_bytes, shares_containers
from .schema import Choice, Context, Date, Int, ListOf, Located, Nested, Str, option
from .yamlsource import LineMap, load_yaml

REGISTER_DIR = ("content", "internal", "requests")

CHANNELS = {
    "in-person": "当面提交",
    "post": "信函",
    "fax": "传真",
    "online": "网上申请",
    "email": "电子邮件",
}
# Table 三's columns: 自然人 and the five kinds of 法人或其他组织, in the format's order.
APPLICANT_TYPES = {
    "person": "自然人",
    "business": "商业企业",
    "research": "科研机构",
    "charity": "社会公益组织",
    "legal": "法律服务机构",
    "other": "其他",
}

# Table 三's outcome rows (国办公开办函〔2021〕30号): group → (name, {key: row label}).
OUTCOME_GROUPS: dict[str, tuple[str, dict[str, str]]] = {
    "disclosed": ("（一）予以公开", {}),
    "partial": ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", {}),
    "refused": (
        "（三）不予公开",
        {
            "refused-secret": "1.属于国家秘密",
            "refused-law": "2.其他法律行政法规禁止公开",
            "refused-safety": "3.危及“三安全一稳定”",
            "refused-third-party": "4.保护第三方合法权益",
            "refused-internal": "5.属于三类内部事务信息",
            "refused-process": "6.属于四类过程性信息",
            "refused-enforcement": "7.属于行政执法案卷",
            "refused-query": "8.属于行政查询事项",
        },
    ),
    "unavailable": (
        "（四）无法提供",
        {
            "unavailable-none": "1.本机关不掌握相关政府信息",
            "unavailable-make": "2.没有现成信息需要另行制作",
            "unavailable-unclear": "3.补正后申请内容仍不明确",
        },
    ),
    "declined": (
        "（五）不予处理",
        {
            "declined-petition": "1.信访举报投诉类申请",
            "declined-repeat": "2.重复申请",
            "declined-publication": "3.要求提供公开出版物",
            "declined-mass": "4.无正当理由大量反复申请",
            "declined-confirm": "5.要求行政机关确认或重新出具已获取信息",
        },
    ),
    "other": (
        "（六）其他处理",
        {
            "other-no-correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "other-no-fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "other-other": "3.其他",
        },
    ),
}


def outcome_labels() -> dict[str, str]:
    """Every outcome a request may be recorded with: a group without rows, or a row."""
    out: dict[str, str] = {}
    for key, (name, rows) in OUTCOME_GROUPS.items():
        out.update({key: name} if not rows else {k: f"{name}：{v}" for k, v in rows.items()})
    return out


OUTCOMES = outcome_labels()


def outcome_group(outcome: str) -> str:
    return next(key for key, (_, rows) in OUTCOME_GROUPS.items() if outcome in (key, *rows))


@dataclass(kw_only=True)
class Extension(Located):
    """延期 (条例第三十三条): approved by the office's head, at most 20 more working days."""

    approved: dt.date = option(Date(required=True))
    workdays: int = option(Int(required=True, minimum=1))


@dataclass(kw_only=True)
class Suspension(Located):
    """A period that does not count (征求第三方意见 and the like), both days included."""

    start: dt.date = option(Date(required=True), yaml_key="from")
    end: dt.date = option(Date(required=True), yaml_key="to")
    reason: str = option(Str(required=True, max_len=100))


@dataclass(kw_only=True)
class Request(Located):
    number: str = option(Str(required=True, max_len=30))  # 登记号
    received: dt.date = option(Date(required=True))
    corrected: dt.date | None = option(Date())  # 补正: the time counts from the corrected request
    channel: str = option(Choice(CHANNELS, required=True))
    applicant: str = option(Choice(APPLICANT_TYPES, required=True))
    section: str = option(Str(required=True))  # 承办科室
    subject: str = option(Str(required=True, max_len=200))  # what was asked, briefly
    outcome: str | None = option(Choice(OUTCOMES))
    replied: dt.date | None = option(Date())
    extension: Extension | None = option(Nested(Extension))
    suspensions: list[Suspension] = option(ListOf(Nested(Suspension)))
    note: str | None = option(Str(max_len=200))


@dataclass(kw_only=True)
class RegisterFile:
    requests: list[Request] = option(ListOf(Nested(Request)))


@dataclass
class Register:
    """Every request of every year's register file, and the problems reading them."""

    requests: list[tuple[str, Request]] = field(default_factory=list)  # (path, request)
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def register_files(root: Path) -> list[Path]:
    folder = root.joinpath(*REGISTER_DIR)
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def load_register(root: Path) -> Register:
    """Read every register file under ``root``; never raises on bad input."""
    register = Register()
    for file in register_files(root):
        path = file.relative_to(root).as_posix()
        register.files.append(path)
        data, refused = read_item_bytes(root, file, path)
        register.problems += refused
        if data is None:
            continue
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            register.problems.append(Problem.make("F002", path, 1, detail=exc))
            continue
        parsed = load_yaml(text, path)
        register.problems += parsed.problems
        if parsed.data is None:
            continue
        if not isinstance(parsed.data, LineMap):
            register.problems.append(Problem.make("F003", path, 1))
            continue
        if shares_containers(parsed.data):
            register.problems.append(Problem.make("Y005", path, parsed.data.line))
            continue
        loaded = schema.load(RegisterFile, parsed.data, Context(path, register.problems))
        register.requests += [(path, r) for r in loaded.requests if _complete(r)]
    return register


def _complete(request: Request) -> bool:
    """Has every required value (those missing are reported already)."""
    return all(
        getattr(request, name) is not None
        for name in ("number", "received", "channel", "applicant", "section", "subject")
    )
