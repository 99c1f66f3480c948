"""What an approver sees before ``catalogue approve`` records anything.

An approval vouches for exactly what it covers, so the approver is shown it: the
body as readers will read it (or, when an earlier version was approved, a
word-level diff of front matter and body against that version from git
history), the attachments with their sizes, and the confidentiality findings.
Then a confirmation, which ``--yes`` gives for scripts. The step may be left
out when the approver holds exactly one role the next missing step needs.
"""

from __future__ import annotations

import difflib
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import click

from ..catalogue import Catalogue
from ..checks.approvers import named_approvers
from ..checks.confidential import confidentiality_problems
from ..checks.history import find_approved_version
from ..source.config import Config, Step
from ..source.items import Item, parse_item
from ..source.rendered import reading_lines
from .cliutil import CatalogueError

BODY_LINES = 40  # of a first approval's rendered body; the rest is counted, not shown
GIT_TIMEOUT = 30


# Which step -------------------------------------------------------------------------------


def missing_steps(item: Item, config: Config) -> list[Step]:
    """The required steps without a valid (current) approval, in policy order."""
    current = {a.step for a in item.meta.approvals if a.digest == item.digest}
    return [s for s in config.steps_for(item.meta.major) if s.key not in current]


def infer_step(item: Item, config: Config, by: str) -> Step:
    """The step ``by`` takes when ``--step`` is left out: the next missing step, if
    ``by`` may take it; a Chinese explanation otherwise."""
    if by not in config.people:
        raise CatalogueError(f"“{by}”未在 catalog.yaml 中登记。")
    missing = missing_steps(item, config)
    if not missing:
        raise CatalogueError(f"{item.path} 的审批步骤都已完成，无需再审批。")
    owner = item.meta.owner or ""
    step = missing[0]
    if config.may_take(by, step, owner) and by != item.meta.drafted_by:
        return step
    theirs = [s.name for s in missing if config.may_take(by, s, owner)]
    later = f"；{by} 可审批的是“{'”“'.join(theirs)}”，须等前面的步骤完成" if theirs else ""
    raise CatalogueError(
        f"{item.path} 下一步是“{step.name}”（需要{config.role_description(step)}），"
        f"{by} 不能审批{later}。可由 {who_may_take(config, step, item)} 审批。"
    )


def who_may_take(config: Config, step: Step, item: Item) -> str:
    return named_approvers(config, step, item.meta.owner or "", item.meta.drafted_by)


# What is being approved ---------------------------------------------------------------------


def preview_lines(catalogue: Catalogue, item: Item) -> list[str]:
    """In Chinese: the content, attachments and confidentiality findings being approved."""
    lines = [f"名称：{item.meta.title}", f"索引号：{item.meta.index_no}"]
    earlier = approved_text(catalogue.root, item)
    if earlier is None:
        lines.append("正文（读者看到的文字）：")
        body = reading_lines(item.body)
        lines += [f"  {line}" for line in body[:BODY_LINES]]
        if len(body) > BODY_LINES:
            lines.append(f"  ……（另有 {len(body) - BODY_LINES} 行）")
    else:
        commit, old = earlier
        lines.append(f"与上次审批的版本（提交 {commit[:10]}）相比的改动（[-删除-]{{+新增+}}）：")
        changed = list(word_diff(old, reviewable_text(item)))
        lines += [f"  {line}" for line in changed] or ["  （文字没有变化：附件或审批记录有变化）"]
    lines.append("附件：" if item.meta.attachments else "附件：无")
    for attachment in item.meta.attachments:
        file = item.attachment_files.get(attachment.path or "")
        size = _size(file) if file is not None else "找不到文件"
        lines.append(f"  {attachment.title}（{attachment.path}，{size}）")
    findings = confidentiality_problems(item, catalogue.config)
    if findings:
        lines.append("保密检查：")
        lines += [f"  {p.code} {p.message}" for p in findings]
    else:
        lines.append("保密检查：未发现身份证号、手机号、银行卡号和密级标志。")
    return lines


def confirm(catalogue: Catalogue, item: Item, assume_yes: bool, question: str) -> bool:
    """Show ``preview_lines`` and ask; ``assume_yes`` shows and answers yes."""
    for line in preview_lines(catalogue, item):
        click.echo(f"  {line}")
    return assume_yes or click.confirm(question, default=False)


def _size(file: Path) -> str:
    try:
        size = file.stat().st_size
    except OSError:
        return "找不到文件"
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def reviewable_text(item: Item) -> str:
    """Front matter (without the approvals) and body, as the approver compares them."""
    front = [f"{k}: {v}" for k, v in item.raw.items() if k != "approvals"]
    return "\n".join([*front, "", *item.body.splitlines()])


def approved_text(root: Path, item: Item) -> tuple[str, str] | None:
    """The commit and ``reviewable_text`` of the latest earlier approved version, if
    an approval of another digest is recorded and git history holds that version."""
    digests = [a.digest for a in reversed(item.meta.approvals) if a.digest]
    for digest in dict.fromkeys(d for d in digests if d != item.digest):
        version = find_approved_version(root, item, digest)
        if version is None:
            continue
        blob = _git_show(root, f"{version.commit}:{item.path}")
        if blob is None:
            continue
        old, _ = parse_item(blob, item.path, item.file, lambda _rel: "")
        if old is not None:
            return version.commit, reviewable_text(old)
    return None


def _git_show(root: Path, spec: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "show", spec], cwd=root, capture_output=True, check=False, timeout=GIT_TIMEOUT
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", "replace").removeprefix("\ufeff")


# A Latin word or number, one CJK character, or any other single character.
_TOKEN = re.compile(r"[A-Za-z0-9_.,%-]+|\s+|.", re.DOTALL)


def word_diff(old: str, new: str) -> Iterator[str]:
    """The lines of ``new`` that differ from ``old``, changes marked word by word
    (each Chinese character is a word): ``[-removed-]{+added+}``."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before, after = old_lines[i1:i2], new_lines[j1:j2]
        if tag == "replace" and len(before) == len(after):
            yield from (_marked(a, b) for a, b in zip(before, after, strict=True))
            continue
        yield from (f"[-{line}-]" for line in before)
        yield from (f"{{+{line}+}}" for line in after)


def _marked(old: str, new: str) -> str:
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("delete", "replace"):
            out.append(f"[-{''.join(a[i1:i2])}-]")
        if tag in ("insert", "replace"):
            out.append(f"{{+{''.join(b[j1:j2])}+}}")
        if tag == "equal":
            out.append("".join(a[i1:i2]))
    return "".join(out)
