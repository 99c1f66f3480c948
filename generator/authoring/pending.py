"""Where each item stands in the approval policy, and what waits for whom.

``step_states`` says, step by step, whether an item's approval is valid,
missing, stale (the item changed after it) or otherwise invalid.
``pending_for`` lists the items whose next step a given person may take, for
``catalogue approve --all-pending``; ``pr_summary`` uses the same states.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import click

from ..catalogue import Catalogue
from ..checks.approvals import (
    ApprovalRefused,
    Signer,
    approve_file,
    check_approvals,
    live_since,
    refusals,
    short,
)
from ..checks.history import find_approved_version
from ..problems import Problem, errors
from ..source.config import Config, Step
from ..source.items import Approval, Item

VALID, MISSING, STALE, INVALID = "valid", "missing", "stale", "invalid"
STATUS_LABELS = {VALID: "有效", MISSING: "尚未审批", STALE: "审批后已修改", INVALID: "审批无效"}
# Refusals that say the person may not take the step at all, whatever the date.
NOT_THEIRS = {"I307", "A503", "A504", "A505"}


@dataclass
class StepState:
    step: Step
    status: str
    approval: Approval | None = None
    issues: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.status == VALID


def step_states(item: Item, config: Config) -> list[StepState]:
    """The state of each step the policy requires of ``item``, in policy order."""
    problems = check_approvals(item, config)
    by_step: dict[str, Approval] = {}
    for approval in item.meta.approvals:
        by_step.setdefault(approval.step, approval)
    states = []
    for step in config.steps_for(item.meta.major):
        approval = by_step.get(step.key)
        if approval is None:
            states.append(StepState(step, MISSING))
            continue
        lines = {approval.line, *approval.key_lines.values()}
        issues = [p for p in problems if p.line in lines and p.is_error]
        if not issues:
            status = VALID
        elif all(p.code == "A507" for p in issues):
            status = STALE
        else:
            status = INVALID
        states.append(StepState(step, status, approval, issues))
    return states


def awaiting(item: Item, config: Config) -> StepState | None:
    """The earliest required step not validly approved (its earlier steps are valid)."""
    return next((s for s in step_states(item, config) if not s.valid), None)


def what_changed(catalogue: Catalogue, item: Item, state: StepState) -> str:
    """In Chinese: why this step needs (re-)approval."""
    if state.approval is None:
        return "尚未审批过" if not item.meta.approvals else f"“{state.step.name}”尚未审批"
    if state.status == STALE:
        version = find_approved_version(catalogue.root, item, state.approval.digest)
        if version is not None:
            return version.describe()
        return f"{state.approval.by} 审批后条目已修改（在 git 历史中找不到审批时的版本）"
    return "现有审批记录无效：" + "；".join(p.message for p in state.issues)


@dataclass
class Pending:
    item: Item
    state: StepState
    blocked: list[str]  # why ``approve`` would refuse now (other errors, dates)


def pending_for(catalogue: Catalogue, name: str, date: dt.date) -> list[Pending]:
    """Every item whose next required step ``name`` may take, in path order."""
    config = catalogue.config
    errors_by_path: dict[str, list[Problem]] = {}
    for problem in errors(catalogue.problems):
        errors_by_path.setdefault(problem.path, []).append(problem)
    out = []
    for item in sorted(catalogue.items, key=lambda i: i.path):
        state = awaiting(item, config)
        if state is None:
            continue
        known = config.all_steps()
        taken_by = {
            a.by: known[a.step].name
            for a in item.meta.approvals
            if a.step != state.step.key and a.step in known
        }
        found = refusals(item, config, state.step, name, date, taken_by, live_since(item))
        if any(code in NOT_THEIRS for code, _ in found):
            continue
        blocked = [Problem.make(code, item.path, 0, **params).message for code, params in found]
        policy = [s.key for s in config.steps_for(item.meta.major)]
        before = policy[: policy.index(state.step.key)]
        earlier = [a for a in item.meta.approvals if a.step in before and a.date]
        latest = max(earlier, key=lambda a: a.date, default=None)
        if latest is not None and date < latest.date:
            blocked.append(f"审批日期 {date} 早于上一步骤的审批日期 {latest.date}（{latest.by}）")
        others = [p for p in errors_by_path.get(item.path, []) if not p.code.startswith("A")]
        if others:
            blocked.append(
                f"条目还有 {len(others)} 个其他错误，修正后才能审批（运行 catalogue validate 查看）"
            )
        out.append(Pending(item, state, blocked))
    return out


def describe_person(config: Config, name: str) -> str:
    person = config.people.get(name)
    if person is None or person.section not in config.sections:
        return name
    return f"{name}（{config.sections[person.section].name}）"


def approve_pending(
    catalogue: Catalogue, name: str, date: dt.date, assume_yes: bool, sign: Signer | None = None
) -> int:
    """List what waits for ``name``, ask item by item, record approvals; 1 if any failed."""
    config = catalogue.config
    if name not in config.people:
        raise click.BadParameter(f"“{name}”未在 catalog.yaml 中登记。", param_hint="--by")
    pending = pending_for(catalogue, name, date)
    if not pending:
        click.echo(f"没有等待 {name} 审批的条目。")
        return 0
    click.echo(f"共 {len(pending)} 个条目等待 {name} 审批（审批日期 {date}）：\n")
    approved = skipped = failed = 0
    for number, entry in enumerate(pending, start=1):
        item, state = entry.item, entry.state
        click.echo(f"[{number}/{len(pending)}] {item.path}")
        click.echo(f"  名称：{item.meta.title}")
        click.echo(f"  索引号：{item.meta.index_no}")
        click.echo(f"  填报人：{describe_person(config, item.meta.drafted_by)}")
        click.echo(f"  待审步骤：{state.step.name}（{state.step.key}）")
        click.echo(f"  变化：{what_changed(catalogue, item, state)}")
        if entry.blocked:
            for reason in entry.blocked:
                click.echo(f"  ✗ 不能审批：{reason}")
            failed += 1
            click.echo("")
            continue
        if not assume_yes and not click.confirm("  批准该条目吗？", default=False):
            skipped += 1
            click.echo("  未审批。\n")
            continue
        try:
            approve_file(item, config, state.step.key, name, date, sign)
        except ApprovalRefused as refused:
            for reason in refused.reasons:
                click.echo(f"  ✗ 不能审批：{reason}")
            failed += 1
        else:
            approved += 1
            click.echo(f"  ✓ 已记录审批“{state.step.name}”（摘要 {short(item.digest)}）。")
        click.echo("")
    click.echo(f"已审批 {approved} 个，跳过 {skipped} 个，不能审批 {failed} 个。")
    return 1 if failed else 0
