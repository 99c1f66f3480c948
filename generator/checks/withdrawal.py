"""Emergency takedown (``catalogue withdraw``): when something that must not be public
was published anyway, the item leaves every public and kiosk output at the next
build, with a record of who withdrew it, when and why.

The item stays in the repository, in the intranet and in the approval register.
Its approvals stay valid: withdrawing changes what is shown, not what was approved
(the ``withdrawn`` key is outside the signed digest, digest.py).
"""

from __future__ import annotations

import datetime as dt
import json

from ..problems import Problem
from ..source.config import Config
from ..source.items import Item
from ..source.suggest import person_hint

_BOUNDARY = "---"


class WithdrawalRefused(Exception):
    """``withdraw`` will not record this withdrawal; the message is in Chinese."""


def withdrawal_problems(item: Item, config: Config) -> list[Problem]:
    """A withdrawal names a person in catalog.yaml, on or after the item was written."""
    record = item.meta.withdrawn
    if record is None:
        return []
    out = []
    if record.by not in config.people:
        out.append(
            Problem.make(
                "I307",
                item.path,
                record.line,
                key="withdrawn.by",
                value=record.by,
                hint=person_hint(record.by, list(config.people)),
            )
        )
    return out


def record_withdrawal(
    item: Item, text: str, config: Config, by: str, reason: str, date: dt.date
) -> str:
    """The item's file text with a ``withdrawn`` record added at the end of its front matter."""
    if item.meta.withdrawn is not None:
        raise WithdrawalRefused(f"条目已于 {item.meta.withdrawn.date} 撤回，无需再次撤回。")
    if by not in config.people:
        raise WithdrawalRefused(f"“{by}”未在 catalog.yaml 中登记。")
    reason = " ".join(reason.split())
    if not reason or len(reason) > 200:
        raise WithdrawalRefused("请用 200 字以内写明撤回原因。")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    fences = [i for i, line in enumerate(lines) if line.rstrip() == _BOUNDARY][:2]
    if len(fences) < 2:
        raise WithdrawalRefused("找不到前言的结束标记“---”。")
    block = [
        "withdrawn:",
        f"  date: {date.isoformat()}",
        f"  by: {json.dumps(by, ensure_ascii=False)}",  # a JSON string is a YAML string
        f"  reason: {json.dumps(reason, ensure_ascii=False)}",
    ]
    closing = fences[1]
    return "".join(lines[:closing] + [line + newline for line in block] + lines[closing:])
