"""Why an approval is stale: find the approved version in git and compare.

An approval stores only a digest. To tell a reviewer *what* changed since they
signed, walk the item's git history, recompute each version's digest, and diff
the version that matches against the current one.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..problems import Problem
from ..source.digest import bytes_sha256, file_sha256
from ..source.items import AttachmentHasher, Item, parse_item

HISTORY_DEPTH = 200


@dataclass(frozen=True)
class ApprovedVersion:
    commit: str
    changed_keys: list[str]
    body_changed: bool
    changed_attachments: list[str]

    def describe(self) -> str:
        parts = []
        if self.changed_keys:
            parts.append("元数据 " + "、".join(self.changed_keys))
        if self.body_changed:
            parts.append("正文")
        if self.changed_attachments:
            parts.append("附件 " + "、".join(self.changed_attachments))
        changed = "；".join(parts) or "（未能定位差异）"
        return f"审批时的版本为提交 {self.commit[:10]}，此后修改了：{changed}"


def git(root: Path, *args: str, stdin: bytes | None = None, timeout: float = 30) -> bytes | None:
    """What ``git ARGS`` prints in ``root`` (fed ``stdin``), or None if it fails."""
    try:
        result = subprocess.run(
            ["git", *args],
            cwd=root,
            input=stdin,
            capture_output=True,
            check=False,
            timeout=timeout,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


def in_git(root: Path) -> bool:
    return git(root, "rev-parse", "--is-inside-work-tree") is not None


def find_approved_version(root: Path, item: Item, digest: str) -> ApprovedVersion | None:
    """The newest committed version of ``item`` whose digest is ``digest``, if any."""
    log = git(root, "log", f"-{HISTORY_DEPTH}", "--format=%H", "--", item.path)
    if not log:
        return None
    for commit in log.decode().split():
        version = version_at(root, item, commit)
        if version is not None and version[0].digest == digest:
            return _compare(commit, version[0], item, version[1])
    return None


def version_at(root: Path, item: Item, commit: str) -> tuple[Item, AttachmentHasher] | None:
    """``item`` as ``commit`` holds it, and how to hash its attachments there; None if
    that version is missing or unreadable."""
    blob = git(root, "show", f"{commit}:{item.path}")
    if blob is None:
        return None
    try:
        text = blob.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    folder = PurePosixPath(item.path).parent

    def hash_at_commit(rel: str) -> str:
        return bytes_sha256(git(root, "show", f"{commit}:{folder / rel}"))

    old, _ = parse_item(text, item.path, item.file, hash_at_commit)
    return None if old is None else (old, hash_at_commit)


def _compare(commit: str, old: Item, new: Item, old_hash: AttachmentHasher) -> ApprovedVersion:
    keys = sorted((set(old.raw) | set(new.raw)) - {"approvals"})
    changed_keys = [k for k in keys if old.raw.get(k) != new.raw.get(k)]
    old_attachments = {a.path: old_hash(a.path) for a in old.meta.attachments if a.path}
    new_attachments = {p: file_sha256(f) for p, f in new.attachment_files.items()}
    changed = sorted(
        p
        for p in set(old_attachments) | set(new_attachments)
        if old_attachments.get(p) != new_attachments.get(p)
    )
    return ApprovedVersion(commit, changed_keys, old.body != new.body, changed)


# 伪造发稿日期 (检查指标, 严重错误): a date earlier than the item's arrival in the repository.


@dataclass(frozen=True)
class Added:
    """The commit that added a file: its committer's date and short hash."""

    date: dt.date
    commit: str


def added_commits(root: Path) -> dict[str, Added]:
    """Each file under content/ (paths relative to ``root``) → the newest commit that
    added it; empty outside a git repository. One ``git log`` for the whole catalogue."""
    log = git(
        root,
        "-c",
        "core.quotepath=false",
        "log",
        "--diff-filter=A",
        "--relative",
        "--format=@@%h %cs",
        "--name-only",
        "--",
        "content",
    )
    added: dict[str, Added] = {}
    current: Added | None = None
    for line in (log or b"").decode("utf-8", "replace").splitlines():
        if line.startswith("@@"):
            commit, _, day = line[2:].partition(" ")
            current = Added(dt.date.fromisoformat(day), commit)
        elif line and current is not None:
            added.setdefault(line, current)  # newest first: the file as it is now
    return added


def predated_publication_problems(
    items: list[Item], root: Path, since: dt.date | None
) -> list[Problem]:
    """G845 for each item published before the commit that added it; items added before
    ``since`` (moved in from an older system with their real dates) are not compared."""
    added = added_commits(root)
    out = []
    for item in items:
        commit = added.get(item.path)
        if commit is None or (since is not None and commit.date < since):
            continue
        if item.meta.published < commit.date:
            out.append(
                Problem.make(
                    "G845",
                    item.path,
                    item.line_of("published"),
                    published=item.meta.published,
                    added=commit.date,
                    commit=commit.commit,
                )
            )
    return out
