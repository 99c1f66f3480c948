"""The approval policy applied to an item: checking its record and adding to it.

The same rules serve ``validate`` (report every breach) and ``approve``
(refuse an approval that would breach them), so the two can never disagree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..problems import Problem
from ..source.config import Config, Step
from ..source.items import Approval, Item
from ..source.suggest import person_hint
from .approvers import named_approvers
from .signatures import signature_problems


def live_since(item: Item) -> dt.date | None:
    """The date the current version went public: ``published``, or the latest change note.

    A correction recorded in ``changes`` is re-approved when it is made, so
    approvals may be dated up to that day.
    """
    dates = [c.date for c in item.meta.changes]
    if item.meta.published:
        dates.append(item.meta.published)
    return max(dates) if dates else None


def check_approvals(item: Item, config: Config) -> list[Problem]:
    """Every breach of the approval policy in ``item``'s record."""
    meta = item.meta
    out: list[Problem] = []

    def report(code: str, line: int, **params: object) -> None:
        out.append(Problem.make(code, item.path, line, **params))

    required = config.steps_for(meta.major)
    known = config.all_steps()
    taken_by: dict[str, str] = {}
    recorded: dict[str, Approval] = {}
    deadline = live_since(item)
    for approval in meta.approvals:
        if approval.step is None or approval.by is None or approval.date is None:
            continue  # the schema has reported the missing field
        step = known.get(approval.step)
        if step is None:
            report(
                "A508",
                approval.line,
                step=approval.step,
                choices="、".join(f"{s.key}（{s.name}）" for s in required),
            )
            continue
        if approval.step in recorded:
            report("A509", approval.line, step=step.name)
            continue
        recorded[approval.step] = approval
        if step not in required:
            report("A510", approval.line, step=step.name)
        for code, params in refusals(
            item, config, step, approval.by, approval.date, taken_by, deadline
        ):
            report(code, approval.line_of(_REFUSAL_KEYS[code]), **params)
        taken_by.setdefault(approval.by, step.name)
        if approval.digest and approval.digest != item.digest:
            report(
                "A507",
                approval.line_of("digest"),
                by=approval.by,
                date=approval.date,
                approved=short(approval.digest),
                current=short(item.digest),
            )

    missing_line = item.line_of("approvals") if "approvals" in item.raw else item.raw.line
    for step in required:
        if step.key not in recorded:
            who = named_approvers(config, step, meta.owner or "", meta.drafted_by)
            report("A501", missing_line, step=step.key, name=step.name, who=who)
    out.extend(_order_problems(item, required, recorded))
    out.extend(signature_problems(item, config))
    return out


# The key of an approval entry each refusal is about, for its line number.
_REFUSAL_KEYS = {
    "I307": "by",
    "A503": "by",
    "A504": "by",
    "A505": "by",
    "A518": "date",
    "A506": "date",
    "A511": "date",
}


def refusals(
    item: Item,
    config: Config,
    step: Step,
    by: str,
    date: dt.date,
    taken_by: dict[str, str],
    deadline: dt.date | None,
) -> list[tuple[str, dict[str, object]]]:
    """Why ``by`` may not take ``step`` on ``date``: (code, params) pairs, empty if allowed."""
    meta = item.meta
    out: list[tuple[str, dict[str, object]]] = []
    person = config.people.get(by)
    if person is None:
        hint = person_hint(by, list(config.people))
        out.append(("I307", {"key": "approvals.by", "value": by, "hint": hint}))
    elif person.left is not None and date > person.left:
        out.append(("A518", {"by": by, "date": date, "left": person.left}))
    elif meta.owner in config.sections and not config.may_take(by, step, meta.owner, date):
        out.append(("A503", {"by": by, "name": step.name, "role": config.role_description(step)}))
    if by == meta.drafted_by:
        out.append(("A505", {"by": by}))
    if by in taken_by and taken_by[by] != step.name:
        out.append(("A504", {"by": by, "other": taken_by[by]}))
    if deadline and date > deadline:
        out.append(("A506", {"date": date, "published": deadline}))
    if meta.written and date < meta.written:
        out.append(("A511", {"date": date, "written": meta.written}))
    return out


def _order_problems(
    item: Item, required: list[Step], recorded: dict[str, Approval]
) -> list[Problem]:
    """Steps must be recorded, and dated, in policy order."""
    policy = [s.key for s in required]
    present = [a for a in recorded.values() if a.step in policy]
    expected = sorted(present, key=lambda a: policy.index(a.step))
    order = " → ".join(s.name for s in required)
    for earlier, later in itertools.pairwise(expected):
        if later.date < earlier.date:
            return [Problem.make("A502", item.path, later.line, order=order)]
    for actual, wanted in zip(present, expected, strict=True):
        if actual is not wanted:
            return [Problem.make("A502", item.path, actual.line, order=order)]
    return []


def short(digest: str) -> str:
    return digest.removeprefix("sha256:")[:12]


# Writing approvals -----------------------------------------------------------------

_BOUNDARY = re.compile(r"^-{3,}\s*$")
_APPROVALS_KEY = re.compile(r"^approvals\s*:")


@dataclass(frozen=True)
class NewApproval:
    step: str
    by: str
    date: dt.date
    digest: str
    signature: str | None = None


def approvals_block(entries: list[NewApproval], newline: str) -> list[str]:
    lines = ["approvals:"]
    for entry in entries:
        lines += [
            f"  - step: {entry.step}",
            f"    by: {entry.by}",
            f"    date: {entry.date.isoformat()}",
            f"    digest: {entry.digest}",
        ]
        if entry.signature:
            lines.append(f"    signature: {entry.signature}")
    return [line + newline for line in lines]


def rewrite_approvals(text: str, entries: list[NewApproval]) -> str:
    """Replace the ``approvals`` block of the front matter, leaving every other byte alone."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    fences = [i for i, line in enumerate(lines) if _BOUNDARY.match(line)][:2]
    opening, closing = fences
    start = next((i for i in range(opening + 1, closing) if _APPROVALS_KEY.match(lines[i])), None)
    if start is None:
        start = end = closing
    else:
        end = start + 1
        while end < closing and (lines[end][:1] in (" ", "\t", "-") or not lines[end].strip()):
            end += 1
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1
    return "".join(lines[:start] + approvals_block(entries, newline) + lines[end:])


class ApprovalRefused(Exception):
    """``approve`` will not record this approval; ``reasons`` are in Chinese for the user."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


# The new approval's signature, if any (authoring/signing.py makes one).
Signer = Callable[[Item, NewApproval], "str | None"]


def record_approval(
    item: Item,
    text: str,
    config: Config,
    step_key: str,
    by: str,
    date: dt.date,
    sign: Signer | None = None,
) -> str:
    """The item's file text with ``by``'s approval of ``step_key`` recorded.

    Refuses, with every reason at once, what ``validate`` would reject: an unknown
    or unneeded step, a person without the role, the drafter, someone who took
    another step, a date outside the item's dates, or earlier steps not yet valid.
    """
    required = config.steps_for(item.meta.major)
    step = next((s for s in required if s.key == step_key), None)
    if step is None:
        named = config.step_named(step_key)
        asked = named.name if named else step_key
        choices = "、".join(s.name for s in required)
        raise ApprovalRefused([f"该条目不需要审批步骤“{asked}”；须完成的步骤：{choices}"])
    others = [a for a in item.meta.approvals if a.step != step_key]
    taken_by = {a.by: known.name for a in others if (known := config.all_steps().get(a.step))}
    reasons = [
        Problem.make(code, item.path, 0, **params).message
        for code, params in refusals(item, config, step, by, date, taken_by, live_since(item))
    ]
    for earlier in required[: required.index(step)]:
        recorded = next((a for a in others if a.step == earlier.key), None)
        if recorded is None or recorded.digest != item.digest:
            reasons.append(f"须先完成“{earlier.name}”（现有审批记录缺失或已失效）")
        elif recorded.date is not None and date < recorded.date:
            reasons.append(
                f"审批日期 {date} 早于前一步骤“{earlier.name}”的审批日期 {recorded.date}"
            )
    if reasons:
        raise ApprovalRefused(reasons)

    policy = [s.key for s in required]
    entries = [NewApproval(a.step, a.by, a.date, a.digest, a.signature) for a in others]
    entry = NewApproval(step.key, by, date, item.digest)
    entries.append(dataclasses.replace(entry, signature=sign(item, entry)) if sign else entry)
    entries.sort(key=lambda e: policy.index(e.step) if e.step in policy else len(policy))
    return rewrite_approvals(text, entries)


BOM = "\ufeff"


def approve_file(
    item: Item,
    config: Config,
    step_key: str,
    by: str,
    date: dt.date,
    sign: Signer | None = None,
) -> None:
    """Record an approval in ``item``'s file, keeping its BOM and line endings as they are."""
    text = item.file.read_bytes().decode("utf-8")
    bom = BOM if text.startswith(BOM) else ""
    new_text = record_approval(item, text.removeprefix(BOM), config, step_key, by, date, sign)
    item.file.write_bytes((bom + new_text).encode("utf-8"))
