"""Why an approval is stale: find the approved version in git and compare.

An approval stores only a digest. To tell a reviewer *what* changed since they
signed, walk the item's git history, recompute each version's digest, and diff
the version that matches against the current one.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

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


def _git(root: Path, *args: str) -> bytes | None:
    try:
        result = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, check=False, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


def find_approved_version(root: Path, item: Item, digest: str) -> ApprovedVersion | None:
    """The newest committed version of ``item`` whose digest is ``digest``, if any."""
    log = _git(root, "log", f"-{HISTORY_DEPTH}", "--format=%H", "--", item.path)
    if not log:
        return None
    folder = PurePosixPath(item.path).parent
    for commit in log.decode().split():
        blob = _git(root, "show", f"{commit}:{item.path}")
        if blob is None:
            continue
        try:
            text = blob.decode("utf-8-sig")
        except UnicodeDecodeError:
            continue

        def hash_at_commit(rel: str, commit: str = commit) -> str:
            return bytes_sha256(_git(root, "show", f"{commit}:{folder / rel}"))

        old, _ = parse_item(text, item.path, item.file, hash_at_commit)
        if old is not None and old.digest == digest:
            return _compare(commit, old, item, hash_at_commit)
    return None


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
