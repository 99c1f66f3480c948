"""Approval signatures: is each approval signed by the key of the person it names?

Checking has two halves. The costly one, the cryptography, needs only the item:
``verified`` checks each signature against the key it names, once per item as read
(in the reading workers, and kept with the item in the item cache, so a warm build
verifies only what changed). The cheap one, ``signature_problems``, compares those
keys with the trusted keys of the person named (``source.trust``).

A rotated key (``previous_keys``) verifies only content first committed before its
end date. That needs git history, so ``checks.backdating`` finishes the judgement:
here an approval signed with a rotated key passes only if it is dated before the end.
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
        out.append(signature_problem(code, item, approval, config, **params))
    return out


def signature_problem(
    code: str, item: Item, approval: Approval, config: Config, **params: object
) -> Problem:
    """Problem ``code`` at the approval's signature: an error when signatures are
    required, else a warning (bureaus not yet signing keep today's behaviour)."""
    line = approval.line_of("signature")
    step = _step_name(config, approval.step)
    problem = Problem.make(code, item.path, line, by=approval.by, step=step, **params)
    if config.approval.signatures == REQUIRED:
        return problem
    return dataclasses.replace(problem, severity=Severity.WARNING)


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
    until = ring.retired_until(key)
    if until is not None:
        return None if approval.date < until else ("A517", {"until": until})
    if not ring.has_keys():
        return "A515", {"source": keys.source}
    return "A514", {"key": shown}


def signed_with_rotated_keys(item: Item, config: Config) -> list[tuple[Approval, dt.date]]:
    """Each approval validly signed with a rotated key of its approver and dated before
    that key's end, with the end date: ``checks.backdating`` asks git whether the
    approved content was first committed before it."""
    keys = trusted(config)
    results = verified(item)  # remembered with the item: approvals are read only if needed
    if not any(r is not None and r.ok and r.key in keys.rotated for r in results):
        return []
    out = []
    for approval, result in zip(item.meta.approvals, results, strict=True):
        if result is None or not result.ok or not approval.by or not approval.date:
            continue
        until = keys.of(approval.by).retired_until(result.key)
        if until is not None and approval.date < until:
            out.append((approval, until))
    return out


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
    step = _step_name(config, approval.step)
    return Problem.make(code, item.path, 0, by=approval.by, step=step, **params).message


def _step_name(config: Config, key: str | None) -> str:
    """The step as staff know it (科室负责人审核), not its key."""
    known = config.all_steps().get(key or "")
    return known.name if known else key or ""


def signer_and_status(approval: Approval, item: Item, config: Config) -> tuple[str, str, bool]:
    """For the approval register: whose trusted key made the signature ("" if none),
    its state in Chinese, and whether it verifies as the approver's."""
    index = item.meta.approvals.index(approval)
    result = verified(item)[index]
    keys = trusted(config)
    signer = ""
    if result is not None and result.ok:
        signer = next(
            (
                name
                for name, ring in keys.people.items()
                if result.key == ring.current or result.key in dict(ring.previous)
            ),
            "",
        )
    found = _judge(approval, result, keys, required=True)
    if found is None:
        return signer, "签名有效", True
    if result is None:
        return "", "未签名", False
    return signer, describe(approval, item, config), False
