"""Approval signatures: is each approval signed by the key of the person it names?

Checking has two halves. The costly one, the cryptography, needs only the item:
``verified`` checks each signature against the key it names, once per item as read
(in the reading workers, and kept with the item in the item cache, so a warm build
verifies only what changed). The cheap one, ``signature_problems``, compares those
keys with the trusted keys of the person named (``source.trust``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from ..problems import Problem, Severity
from ..source import signature
from ..source.config import SCOPES, Config
from ..source.items import Approval, Item
from ..source.trust import TrustedKeys, keyrings

REQUIRED = "required"
SIGNATURE_CODES = frozenset({"A512", "A513", "A514", "A515", "A516", "A517"})


def approval_statement(item: Item, step: str, by: str, date: dt.date, digest: str) -> bytes:
    """What the approver of ``step`` signs: the approved digest, the step, the name,
    the date, and where the item is published (scope, 索引号). Not the path: staff may
    reorganise sub-folders; moving an item between external and internal voids it."""
    return signature.statement(
        digest=digest,
        step=step,
        by=by,
        date=date.isoformat(),
        scope=item.scope,
        index_no=item.meta.index_no or "",
    )


def verified(item: Item) -> tuple[signature.Verified | None, ...]:
    """Each approval's signature checked against the key it names (None: unsigned or
    incomplete), computed once per item as read."""
    return item.remember("signatures", lambda: tuple(_verify(item, a) for a in item.meta.approvals))


def _verify(item: Item, approval: Approval) -> signature.Verified | None:
    if not (approval.signature and approval.step and approval.by and approval.date):
        return None
    if not approval.digest:
        return None
    message = approval_statement(item, approval.step, approval.by, approval.date, approval.digest)
    return signature.verify(approval.signature, message)


def trusted(config: Config) -> TrustedKeys:
    return config.trusted or TrustedKeys("catalog.yaml", keyrings(config))


def signature_problems(item: Item, config: Config) -> list[Problem]:
    """A problem for each approval whose signature is missing (when required), does not
    verify, or was made with a key that is not the approver's."""
    required = config.approval.signatures == REQUIRED
    keys = trusted(config)
    out: list[Problem] = []
    for approval, result in zip(item.meta.approvals, verified(item), strict=True):
        if not (approval.step and approval.by and approval.date and approval.digest):
            continue  # the schema has reported it
        found = _judge(approval, result, keys, required)
        if found is None:
            continue
        code, params = found
        line = approval.line_of("signature")
        problem = Problem.make(code, item.path, line, by=approval.by, step=approval.step, **params)
        out.append(problem if required else dataclasses.replace(problem, severity=Severity.WARNING))
    return out


def _judge(
    approval: Approval,
    result: signature.Verified | None,
    keys: TrustedKeys,
    required: bool,
) -> tuple[str, dict[str, object]] | None:
    """(code, params) of what is wrong with one approval's signature, or None."""
    if result is None:
        return ("A512", {}) if required else None
    if not result.ok:
        return "A513", {"why": result.why}
    ring = keys.of(approval.by)
    key = result.key
    shown = signature.fingerprint(key)
    if key in ring.revoked:
        return "A516", {"key": shown}
    if key == ring.current:
        return None
    until = dict(ring.previous).get(key)
    if until is not None:
        return None if approval.date < until else ("A517", {"until": until})
    if not ring.has_keys():
        return "A515", {"source": keys.source}
    return "A514", {"key": shown}


def explain(approval: Approval, item: Item, config: Config) -> str:
    """Why one approval's signature fails, in words staff can act on (``approve --check``)."""
    index = item.meta.approvals.index(approval)
    result = verified(item)[index]
    if result is None:
        return "该审批没有签名：请审批人本人用自己的密钥运行 catalogue approve 重新审批。"
    keys = trusted(config)
    if not result.ok:
        moved = _signed_in_other_scope(item, approval)
        if moved:
            return (
                f"签名时条目属于“{SCOPES[moved]}”，现在位于“{SCOPES[item.scope]}”："
                "移动条目会使原审批失效，须按新的公开范围重新审批。"
            )
        return (
            f"{result.why}。签名覆盖审批摘要、步骤、审批人、审批日期、公开范围和索引号，"
            "签名后其中任何一项被改动（包括手工改写审批日期或索引号），签名即失效；"
            "请审批人本人重新审批。"
        )
    owner = next((n for n, r in keys.people.items() if result.key == r.current), None)
    if owner and owner != approval.by:
        return f"签名用的是“{owner}”的密钥，而审批记录写的是“{approval.by}”：审批只能由本人签名。"
    return describe(approval, item, config)


def _signed_in_other_scope(item: Item, approval: Approval) -> str | None:
    for scope in SCOPES:
        if scope == item.scope:
            continue
        moved = dataclasses.replace(item, scope=scope)
        message = approval_statement(
            moved, approval.step, approval.by, approval.date, approval.digest
        )
        if approval.signature and signature.verify(approval.signature, message).ok:
            return scope
    return None


def describe(approval: Approval, item: Item, config: Config) -> str:
    """The state of one approval's signature, in Chinese, for people (the register,
    ``approve --check``)."""
    index = item.meta.approvals.index(approval)
    result = verified(item)[index]
    required = config.approval.signatures == REQUIRED
    found = _judge(approval, result, trusted(config), required)
    if found is None:
        return "签名有效" if result is not None else "未签名"
    code, params = found
    return Problem.make(code, item.path, 0, by=approval.by, step=approval.step, **params).message
