"""Guards for untrusted content files: what is refused before a file is parsed.

Item files come from many hands (in pull requests, from outside the office), so
each is treated as hostile until read: a symlink could publish a file from
outside the repository, a huge or binary file could stall the build, and YAML
aliases can expand exponentially once the front matter is serialised for the
digest. Everything here reports a coded problem instead of raising.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..problems import Problem
from .schema import options

# Real items are a few KB; 5 MB leaves room for long tables while a mistaken
# export (a 50 MB PDF renamed .md) is refused after reading only this much.
ITEM_SIZE_LIMIT = 5 * 1024 * 1024


def human_size(size: int, byte_unit: str = "字节") -> str:
    """``size`` bytes for people: in KB or MB from 1 KB up, else in ``byte_unit``
    (problems say 字节; an item page's attachment table says B, beside KB and MB)."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} {byte_unit}"


def symlinked(base: Path, target: Path) -> bool:
    """Is ``target`` or any folder between ``base`` and it a symlink?

    ``base`` itself may be a symlink (a checkout under a linked home folder);
    only what lies below it is the content's business.
    """
    try:
        parts = target.relative_to(base).parts
    except ValueError:
        return True  # outside base: treat like a link that escapes
    current = base
    for part in parts:
        current = current / part
        try:
            if current.is_symlink():
                return True
        except (OSError, ValueError):
            return False  # no such path can exist (NUL, name too long): nothing links
    return False


def is_regular_file(path: Path | None) -> bool:
    """``Path.is_file`` that answers False instead of raising on hostile names
    (too long, NUL bytes)."""
    if path is None:
        return False
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def path_fault(relative: str) -> str | None:
    """What keeps ``relative`` from being a plain relative path ("files/表.pdf"), in
    Chinese; None when it is one. Such a path joined to any folder stays inside it,
    whatever the folder or the file system: no "..", no absolute or drive path, no
    backslash, no empty or "." segment, no control character."""
    if not relative:
        return "路径为空"
    if any(ord(c) < 32 or ord(c) == 127 for c in relative):
        return "含有控制字符"
    if "\\" in relative:
        return "含有反斜杠“\\”，应使用“/”分隔"
    if relative.startswith("/"):
        return "以“/”开头（绝对路径）"
    if ":" in relative:
        return "含有“:”（如盘符）"
    segments = relative.split("/")
    if ".." in segments:
        return "含有“..”"
    if any(s in ("", ".") for s in segments):
        return "含有空的或“.”路径段"
    return None


def resolve_under(folder: Path, relative: str) -> Path | None:
    """``folder / relative`` resolved, or None when no such path can exist."""
    if "\x00" in relative:
        return None
    try:
        return (folder / relative).resolve()
    except (OSError, ValueError, RuntimeError):
        return None


def read_item_bytes(root: Path, file: Path, path: str) -> tuple[bytes | None, list[Problem]]:
    """The bytes of an item file, or None with the problem that refuses it."""
    if symlinked(root, file):
        return None, [Problem.make("F006", path, 1, file=path)]
    try:
        with file.open("rb") as handle:
            data = handle.read(ITEM_SIZE_LIMIT + 1)  # never more, whatever the size
    except OSError as exc:
        return None, [Problem.make("F004", path, 1, detail=exc.strerror or exc)]
    if len(data) > ITEM_SIZE_LIMIT:
        try:
            size = file.stat().st_size
        except OSError:
            size = len(data)
        limit = human_size(ITEM_SIZE_LIMIT)
        return None, [Problem.make("F005", path, 1, size=human_size(size), limit=limit)]
    if not data:
        return None, [Problem.make("F008", path, 1)]
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        return None, [Problem.make("F007", path, line, offset=nul + 1)]
    return data, []


def shares_containers(data: object) -> bool:
    """Does a parsed YAML tree reuse a list or mapping (an alias ``*name``)?

    Aliases are the only way a few KB of YAML become gigabytes when walked, and
    no item needs them.
    """
    seen: set[int] = set()
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict | list):
            if id(node) in seen:
                return True
            seen.add(id(node))
            stack.extend(node.values() if isinstance(node, dict) else node)
    return False


def drop_incomplete(obj: object) -> None:
    """Remove list entries (attachments, changes, stages, approvals, exemptions) that lack a
    required value.

    The schema has already reported them (S102, S104, ...); what remains of such an
    entry is a half-object with ``None`` where every later rule expects a date or a
    path, and each of those rules would otherwise have to remember to check.
    """
    for field in dataclasses.fields(obj):  # type: ignore[arg-type]
        entries = getattr(obj, field.name)
        if isinstance(entries, list) and any(dataclasses.is_dataclass(e) for e in entries):
            setattr(obj, field.name, [e for e in entries if _complete(e)])


def _complete(entry: object) -> bool:
    required = [attr for attr, opt in options(type(entry)).values() if opt.required]
    return all(getattr(entry, attr, None) is not None for attr in required)
