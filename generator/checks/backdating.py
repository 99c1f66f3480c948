"""Backdated approvals: an approval dated before its content existed in git.

An approval's date is typed by hand. For approvals dated on or after
``approval.history_checks_since``, the date must not be earlier than the day
(Asia/Shanghai, author date) of the earliest commit reachable from HEAD that
holds the approved content (A519, a warning; an error with ``--strict``). Content
not yet committed cannot be backdated against anything, so it is not checked.
The check needs full history: the workflows check out with ``fetch-depth: 0``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..problems import Problem
from ..source.config import Config
from ..source.items import Item
from .history import HISTORY_DEPTH, git, in_git, version_at

BUREAU_TIME = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")  # no daylight saving


def backdating_problems(root: Path, items: list[Item], config: Config) -> list[Problem]:
    since = config.approval.history_checks_since
    if since is None:
        return []
    out = []
    in_repository: bool | None = None  # asked once, when an item first needs history
    for item in items:
        latest = latest_approval(item)
        if latest is None or latest < since:
            continue  # the item cache's items keep their approvals pickled: not read here
        recent = [a for a in item.meta.approvals if a.date and a.digest and a.date >= since]
        if not recent:
            continue
        if in_repository is None:
            in_repository = in_git(root)
        if not in_repository:
            return []
        first = first_committed(root, item, {a.digest for a in recent})
        for approval in recent:
            day = first.get(approval.digest)
            if day is not None and approval.date < day:
                line = approval.line_of("date")
                out.append(
                    Problem.make(
                        "A519", item.path, line, by=approval.by, date=approval.date, committed=day
                    )
                )
    return out


def latest_approval(item: Item) -> dt.date | None:
    """The latest date among the item's approvals, remembered with the item as read."""
    return item.remember(
        "latest approval",
        lambda: max((a.date for a in item.meta.approvals if a.date), default=None),
    )


def first_committed(root: Path, item: Item, digests: set[str]) -> dict[str, dt.date]:
    """For each of ``digests``, the day of the earliest commit whose version of the
    item has that digest (oldest first, so the first match is the earliest)."""
    log = git(root, "log", "--reverse", f"-{HISTORY_DEPTH}", "--format=%H %at", "--", item.path)
    found: dict[str, dt.date] = {}
    if not log:
        return found
    for line in log.decode().splitlines():
        commit, _, stamp = line.partition(" ")
        version = version_at(root, item, commit)
        old = version[0] if version else None
        if old is not None and old.digest in digests and old.digest not in found:
            found[old.digest] = dt.datetime.fromtimestamp(int(stamp), BUREAU_TIME).date()
        if len(found) == len(digests):
            break
    return found
