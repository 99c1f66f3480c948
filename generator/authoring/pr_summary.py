"""``catalogue pr-summary --base REF``: the items a pull request adds or changes, as Markdown.

CI appends the output to the job summary ($GITHUB_STEP_SUMMARY), so reviewers
see at a glance which items changed and whose approval each still needs. The
changes are ``git diff BASE...HEAD`` (what the pull request adds to its base);
an attachment's change is shown against the items that list it.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import click

from ..catalogue import Catalogue, CatalogUnusable, load_catalogue
from ..parallel.reading import ParallelReader
from ..problems import errors
from ..source.config import CATALOG_FILE, SCOPES
from ..source.items import CONTENT_DIR, ITEM_SUFFIX, Item
from .cliutil import CatalogueError
from .pending import STATUS_LABELS, StepState, step_states

CHANGE_LABELS = {"A": "新增", "M": "修改", "D": "删除", "T": "修改"}


@dataclass(frozen=True)
class Change:
    status: str  # a CHANGE_LABELS key
    path: str  # posix, relative to the catalogue root


def git_changes(root: Path, base: str) -> list[Change]:
    """Files under content/ and catalog.yaml that differ between ``base`` and HEAD."""
    command = [
        "git",
        "diff",
        "--name-status",
        "-z",
        "--no-renames",  # an item is its 索引号: a moved file shows as deleted plus added
        "--relative",
        f"{base}...HEAD",
        "--",
        CONTENT_DIR,
        CATALOG_FILE,
    ]
    try:
        result = subprocess.run(command, cwd=root, capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        raise CatalogueError(f"无法运行 git：{exc}") from exc
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip()
        raise CatalogueError(f"无法与 {base} 比较：{detail}")
    fields = result.stdout.decode("utf-8").split("\0")
    return [Change(fields[i][:1], fields[i + 1]) for i in range(0, len(fields) - 1, 2)]


def title_at(root: Path, base: str, path: str) -> str:
    """The ``title:`` line of ``path`` as it was at ``base`` (for deleted items)."""
    result = subprocess.run(
        ["git", "show", f"{base}:{path}"], cwd=root, capture_output=True, check=False, timeout=60
    )
    text = result.stdout.decode("utf-8", "replace") if result.returncode == 0 else ""
    match = re.search(r"^title\s*:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip().strip("\"'") if match else ""


@dataclass
class Row:
    change: str
    path: str
    item: Item | None
    note: str = ""


def _rows(catalogue: Catalogue, changes: list[Change]) -> list[Row]:
    by_path = {item.path: item for item in catalogue.items}
    rows: dict[str, Row] = {}
    for change in changes:
        if not change.path.startswith(f"{CONTENT_DIR}/"):
            continue
        label = CHANGE_LABELS.get(change.status, "修改")
        if change.path.endswith(ITEM_SUFFIX):
            rows[change.path] = Row(label, change.path, by_path.get(change.path))
            continue
        target = (catalogue.root / change.path).resolve()
        for item in catalogue.items:
            if item.path in rows:
                continue
            if any(f is not None and f == target for f in item.attachment_files.values()):
                name = PurePosixPath(change.path).name
                rows[item.path] = Row("附件修改", item.path, item, f"附件 {name} {label}")
    return sorted(rows.values(), key=lambda r: r.path)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _approval_cell(catalogue: Catalogue, item: Item) -> tuple[str, bool]:
    """The item's approval status in Markdown, and whether it is complete."""
    config = catalogue.config
    states = step_states(item, config)
    others = [p for p in errors(catalogue.problems) if p.path == item.path]
    others = [p for p in others if not p.code.startswith("A")]
    parts = []
    if others:
        first = others[0]
        parts.append(f"❌ {len(others)} 个错误，如第 {first.line} 行 {first.code} {first.message}")
    waiting: StepState | None = next((s for s in states if not s.valid), None)
    if waiting is None:
        done = "、".join(f"{s.step.name} {s.approval.by}" for s in states if s.approval)
        parts.append(f"✅ 已完成审批（{done}）")
    else:
        drafter = item.meta.drafted_by
        names = [
            p
            for p in config.people
            if p != drafter and config.may_take(p, waiting.step, item.meta.owner)
        ]
        who = f"，可由 {'、'.join(names)} 审批" if names else ""
        parts.append(f"⏳ 待{waiting.step.name}（{STATUS_LABELS[waiting.status]}{who}）")
        later = [s.step.name for s in states[states.index(waiting) + 1 :]]
        if later:
            parts.append("之后：" + " → ".join(later))
    return "<br>".join(_cell(p) for p in parts), waiting is None and not others


def pr_summary_markdown(root: Path, base: str) -> str:
    """The job summary for the pull request of HEAD against ``base``."""
    changes = git_changes(root, base)
    lines = [f"## 条目变更（对比 `{base}`）", ""]
    try:
        catalogue = load_catalogue(root, ParallelReader())
    except CatalogUnusable:
        lines.append("❌ catalog.yaml 有错误，无法列出条目的审批状态；请查看“校验”步骤的注释。")
        return "\n".join(lines) + "\n"
    if any(c.path == CATALOG_FILE for c in changes):
        lines += ["⚠️ 本次修改了 `catalog.yaml`（科室、人员、分类或审批制度）。", ""]
    rows = _rows(catalogue, changes)
    if not rows:
        lines.append("本次合并请求没有新增或修改条目。")
        return "\n".join(lines) + "\n"
    lines += [
        "| 变更 | 条目 | 范围 | 发布日期 | 审批状态 |",
        "| --- | --- | --- | --- | --- |",
    ]
    complete = pending = 0
    for row in rows:
        where = f"`{row.path}`" + (f"<br>{_cell(row.note)}" if row.note else "")
        if row.item is None:
            if row.change == "删除":
                title = _cell(title_at(root, base, row.path))
                lines.append(f"| 删除 | **{title}**<br>{where} | | | |")
                continue
            problem = next((p for p in catalogue.problems if p.path == row.path), None)
            detail = f"第 {problem.line} 行 {problem.code} {problem.message}" if problem else ""
            lines.append(f"| {row.change} | {where} | | | ❌ 无法读取：{_cell(detail)} |")
            pending += 1
            continue
        meta = row.item.meta
        title = f"**{_cell(meta.title or '')}**<br>{meta.index_no or ''}<br>{where}"
        status, done = _approval_cell(catalogue, row.item)
        complete += done
        pending += not done
        lines.append(
            f"| {row.change} | {title} | {SCOPES[row.item.scope]} | {meta.published or ''} | {status} |"
        )
    lines += [
        "",
        f"共 {complete + pending} 个条目：{complete} 个已完成审批，{pending} 个尚未完成。",
    ]
    return "\n".join(lines) + "\n"


@click.command(
    "pr-summary", help="以 Markdown 列出相对 --base 新增或修改的条目及其审批状态（CI 作业摘要）。"
)
@click.option("--base", required=True, help="比较的基准，如 origin/main。")
@click.pass_obj
def pr_summary(root: Path, base: str) -> None:
    click.echo(pr_summary_markdown(root, base), nl=False)
