"""索引号 collisions: which of two items sharing a number is the newer, and numbers
already taken on the branch a pull request merges into.

Two branches opened at once get the same number from ``catalogue new``. The item
that was there first keeps its number (it may be published already); the newer
one — added to git later, or not committed at all, else written later — gets
the error, so ``catalogue validate NEWFILE`` reports it on the file staff just made.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from pathlib import Path

from ..problems import Problem
from ..source.items import CONTENT_DIR, ITEM_SUFFIX, Item
from .history import git, in_git

# An ``index_no`` line as written, read even from files whose front matter does not parse.
INDEX_LINE = re.compile(
    r"^index_no\s*:\s*[\"']?\s*(?P<number>(?P<prefix>[^/\s\"']*)/(?P<year>\d{4})-(?P<serial>\d+))",
    re.MULTILINE,
)
GIT_TIMEOUT = 60


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    return git(root, *args, stdin=stdin, timeout=GIT_TIMEOUT)


def index_numbers(text: str) -> list[str]:
    """The 索引号 an item file's ``index_no`` lines name."""
    return [m["number"] for m in INDEX_LINE.finditer(text.replace("\r\n", "\n"))]


def added_at(root: Path, path: str) -> float:
    """When ``path`` reached this branch (Unix time); never committed: infinitely new.

    Along first parents, a file merged in from another branch arrives with the merge:
    on main, a pull request's item is newer than one main had before the merge,
    however early the pull request's own commit was made.
    """
    log = _git(root, "log", "--first-parent", "--diff-filter=A", "--format=%ct", "--", path)
    stamps = [int(s) for s in log.split()] if log else []
    return min(stamps) if stamps else math.inf


def newest_last(root: Path, items: list[Item], base: str | None = None) -> list[Item]:
    """``items`` (sharing a number), oldest first: an item with that number on ``base``
    (the branch a pull request merges into) first, then by git history, else by
    ``written``."""
    tracked = in_git(root)
    on_base = (base_numbers(root, base) or {}) if base and tracked else {}

    def age(item: Item) -> tuple[bool, float, str, str]:
        established = item.path in on_base.get(item.meta.index_no or "", ())
        when = added_at(root, item.path) if tracked else 0.0
        return (not established, when, str(item.meta.written or ""), item.path)

    return sorted(items, key=age)


def base_numbers(root: Path, base: str) -> dict[str, list[str]] | None:
    """Every 索引号 named by an item file on ``base`` (a git ref), with the files naming
    it; None when ``base`` cannot be read."""
    listing = _git(root, "ls-tree", "-r", "-z", "--name-only", base, "--", CONTENT_DIR)
    if listing is None:
        return None
    paths = [p for p in listing.decode("utf-8", "replace").split("\0") if p.endswith(ITEM_SUFFIX)]
    numbers: dict[str, list[str]] = {}
    if not paths:
        return numbers
    query = "".join(f"{base}:{p}\n" for p in paths).encode()
    out = _git(root, "cat-file", "--batch", stdin=query)
    if out is None:
        return None
    for path, text in zip(paths, _batch_blobs(out), strict=False):
        for number in index_numbers(text):
            numbers.setdefault(number, []).append(path)
    return numbers


def _batch_blobs(out: bytes) -> Iterable[str]:
    """The contents ``git cat-file --batch`` printed, in order ('' for a missing one)."""
    at = 0
    while at < len(out):
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) < 3 or header[1] != b"blob":
            yield ""
            continue
        size = int(header[2])
        yield out[at : at + size].decode("utf-8", "replace")
        at += size + 1


def renamed_from(root: Path, base: str) -> dict[str, str]:
    """Item files the working tree has under a new name since ``base``: new → old path."""
    out = _git(
        root, "diff", "-z", "-M", "--name-status", "--diff-filter=R", base, "--", CONTENT_DIR
    )
    if not out:
        return {}
    fields = out.decode("utf-8", "replace").split("\0")
    renames = {}
    for at in range(0, len(fields) - 2, 3):
        if fields[at].startswith("R"):
            renames[fields[at + 2]] = fields[at + 1]
    return renames


def base_collisions(root: Path, items: list[Item], base: str) -> list[Problem]:
    """I319 on each item whose 索引号 another file already uses on ``base``.

    An item renamed since ``base`` is still the file it was there; C213 when
    ``base`` cannot be read (a shallow clone, a mistyped ref).
    """
    numbers = base_numbers(root, base)
    if numbers is None:
        return [Problem.make("C213", CONTENT_DIR, 1, base=base)]
    renames = renamed_from(root, base)
    out = []
    for item in items:
        was = renames.get(item.path, item.path)
        others = [p for p in numbers.get(item.meta.index_no or "", []) if p != was]
        if others:
            line = item.line_of("index_no")
            out.append(
                Problem.make(
                    "I319", item.path, line, value=item.meta.index_no, base=base, other=others[0]
                )
            )
    return out
