"""Approvals judged against when their content entered git.

An approval's date is typed by hand, so two rules read git history instead:

- Backdating (A519): for approvals dated on or after
  ``approval.history_checks_since``, the date must not be earlier than the day
  (Asia/Shanghai, author date) of the earliest commit reachable from HEAD that
  holds the approved content. A warning; an error with ``--strict``.
- Rotated keys (A517): a key in ``previous_keys`` verifies only content first
  committed before its ``until`` date. Content not yet committed was not committed
  before it. Outside a git repository (an exported copy) only the approval's date
  can be compared, and ``checks.signatures`` already does that.

Both need full history: the workflows check out with ``fetch-depth: 0``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..problems import Problem
from ..source.config import Config
from ..source.items import Approval, Item
from .history import HISTORY_DEPTH, git, in_git, version_at
from .signatures import signature_problem, signed_with_rotated_keys

BUREAU_TIME = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")  # no daylight saving


def backdating_problems(root: Path, items: list[Item], config: Config) -> list[Problem]:
    """A519 for each backdated approval and A517 for each rotated key used on content
    committed after the key's end; one walk of each item's history serves both."""
    out = []
    in_repository: bool | None = None  # asked once, when an item first needs history
    for item in items:
        recent = _recent_approvals(item, config.approval.history_checks_since)
        rotated = signed_with_rotated_keys(item, config)
        if not (recent or rotated):
            continue
        if in_repository is None:
            in_repository = in_git(root)
        if not in_repository:
            return []
        digests = {a.digest for a in recent} | {a.digest for a, _ in rotated}
        first = first_committed(root, item, digests)
        out += [_backdated(item, a, first[a.digest]) for a in recent if _before(a, first)]
        for approval, until in rotated:
            committed = first.get(approval.digest)
            if committed is None or committed >= until:
                out.append(signature_problem("A517", item, approval, config, until=until))
    return out


def _recent_approvals(item: Item, since: dt.date | None) -> list[Approval]:
    if since is None:
        return []
    latest = latest_approval(item)
    if latest is None or latest < since:
        return []  # the item cache's items keep their approvals pickled: not read here
    return [a for a in item.meta.approvals if a.date and a.digest and a.date >= since]


def _before(approval: Approval, first: dict[str, dt.date]) -> bool:
    day = first.get(approval.digest)
    return day is not None and approval.date < day


def _backdated(item: Item, approval: Approval, committed: dt.date) -> Problem:
    line = approval.line_of("date")
    params = {"by": approval.by, "date": approval.date, "committed": committed}
    return Problem.make("A519", item.path, line, **params)


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
