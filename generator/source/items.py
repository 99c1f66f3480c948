"""Reading items: one Markdown file with YAML front matter each.

``read_item`` never raises on bad input: it returns what it could read and the
problems it found, each located at ``path:line``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar, TypeVar

import frontmatter

from ..problems import Problem
from . import schema
from .config import REFRESH, SCOPES, VALIDITY, Category, Config
from .digest import file_sha256, item_digest
from .guard import (
    drop_incomplete,
    path_fault,
    read_item_bytes,
    resolve_under,
    shares_containers,
)
from .schema import Bool, Choice, Context, Date, Int, ListOf, Located, Nested, Str, option
from .signature import SIGNATURE_PATTERN
from .yamlsource import SYNTAX_CODES, LineMap, load_yaml

T = TypeVar("T")

CONTENT_DIR = "content"
ITEM_SUFFIX = ".md"
SUMMARY_LIMIT = 300
DIGEST_PATTERN = r"sha256:[0-9a-f]{64}"
# Counted separately in the annual report (政府信息公开工作年度报告).
DOC_TYPES = {"regulation": "规章", "normative": "行政规范性文件"}
# Guide pages (issue 24 part 3): an item with ``page`` is shown at the site's fixed
# address for that page instead of among the items.
GUIDE_PAGES = {"guide": "guide.html", "request": "request.html", "complaints": "complaints.html"}


@dataclass(kw_only=True)
class Attachment(Located):
    path: str = option(Str(required=True))
    title: str = option(Str(required=True))


@dataclass(kw_only=True)
class Change(Located):
    date: dt.date = option(Date(required=True))
    note: str = option(Str(required=True))


@dataclass(kw_only=True)
class Stage(Located):
    """One stage of a per-stage (逐段公开) item: what is disclosed, by when, and when it was."""

    name: str = option(Str(required=True))
    due: dt.date = option(Date(required=True))
    done: dt.date | None = option(Date())


@dataclass(kw_only=True)
class Table(Located):
    """One table a 预决算 document publishes (front matter ``tables``); a table with no
    data is still published, empty, with ``empty_note`` saying why."""

    name: str = option(Str(required=True, max_len=100))
    file: str | None = option(Str())  # the attachment holding it, if not the body
    empty: bool = option(Bool(default=False))
    empty_note: str | None = option(Str(max_len=300))


@dataclass(kw_only=True)
class Approval(Located):
    step: str = option(Str(required=True))
    by: str = option(Str(required=True))
    date: dt.date = option(Date(required=True))
    digest: str = option(
        Str(required=True, pattern=DIGEST_PATTERN, pattern_hint="sha256: 加 64 位十六进制数")
    )
    # The approver's SSH signature of the approval (signature.py), base64 on one line.
    signature: str | None = option(
        Str(pattern=SIGNATURE_PATTERN, pattern_hint="base64 文本，由 catalogue approve 写入")
    )


@dataclass(kw_only=True)
class Exemption(Located):
    """A reviewed exception to the confidentiality check (confidential.py): ``value`` is the
    exact text the check reported, ``reason`` why publishing it is lawful."""

    value: str = option(Str(required=True))
    reason: str = option(Str(required=True, max_len=200))


@dataclass(kw_only=True)
class Withdrawal(Located):
    """An emergency takedown (``catalogue withdraw``): who withdrew the item, when, why.

    A withdrawn item leaves every public and kiosk output; the intranet and the
    approval register keep it with this record."""

    date: dt.date = option(Date(required=True))
    by: str = option(Str(required=True))
    reason: str = option(Str(required=True, max_len=200))


class LazilyUnpickled:
    """Pickled (the item cache, reading workers), the attributes named in ``lazily``
    go into one pickle of their own, unpickled when any of them is first read.

    Unpickling the item cache is most of what an edit's rebuild does before its first
    page, and such a build reads these attributes of few items. Each must be one the
    class has no default for, or reading it would find the default instead.
    """

    lazily: ClassVar[tuple[str, ...]] = ()

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        later = {name: state.pop(name) for name in self.lazily if name in state}
        if later:
            state[_LATER] = pickle.dumps(later, pickle.HIGHEST_PROTOCOL)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)  # else unpickling asks ``__getattr__`` for it, in vain

    def __getattr__(self, name: str) -> Any:
        """Called only for a missing attribute: one of ``lazily``, not yet unpickled."""
        if name not in self.lazily or _LATER not in self.__dict__:
            raise AttributeError(name)
        self.__dict__.update(pickle.loads(self.__dict__.pop(_LATER)))
        return self.__dict__[name]


_LATER = "_unpickled_when_read"


@dataclass(kw_only=True)
class FrontMatter(LazilyUnpickled):
    """The contract's front matter (content-contract.md), one field per key."""

    # Read for every item only when its views are made, after an edit's first pages
    # (``stages`` and ``changes`` are not: the day's findings read them before).
    lazily = ("keywords", "attachments", "approvals", "exemptions", "tables")

    title: str = option(Str(required=True, max_len=200))
    index_no: str = option(Str(required=True))
    category: str = option(Str(required=True))
    owner: str = option(Str(required=True))
    drafted_by: str = option(Str(required=True))
    summary: str | None = option(Str(max_len=SUMMARY_LIMIT))
    doc_no: str | None = option(Str())
    keywords: list[str] = option(ListOf(Str(max_len=30)))
    written: dt.date = option(Date(required=True))
    published: dt.date = option(Date(required=True))
    expires: dt.date | None = option(Date())
    refresh: str | None = option(Choice(REFRESH))
    validity: str = option(Choice(VALIDITY, default="current"))
    superseded_by: str | None = option(Str())
    channels: list[str] | None = option(ListOf(Str(), default=None))
    major: bool = option(Bool(default=False))
    attachments: list[Attachment] = option(ListOf(Nested(Attachment)))
    changes: list[Change] = option(ListOf(Nested(Change)))
    series: str | None = option(Str(max_len=60))  # periodic items refreshing one another
    stages: list[Stage] = option(ListOf(Nested(Stage)))
    doc_type: str | None = option(Str())  # DOC_TYPES or catalog.yaml's budget doc_types
    # 预决算 documents (issue 24 part 4): when 人大 approved them or 财政 批复, their tables,
    # and the budget year they are about (default: from ``approved_on``).
    approved_on: dt.date | None = option(Date())
    budget_year: int | None = option(Int(minimum=2000))
    tables: list[Table] = option(ListOf(Nested(Table)))
    # Issue 24 (annual report): the day a repealed document stopped being in force, and
    # the year an item is the 政府信息公开工作年度报告 of (checked in the national format).
    repealed_on: dt.date | None = option(Date())
    report_year: int | None = option(Int(minimum=2000))
    page: str | None = option(Choice(GUIDE_PAGES))  # guide | request | complaints
    approvals: list[Approval] = option(ListOf(Nested(Approval)))
    exemptions: list[Exemption] = option(ListOf(Nested(Exemption)))
    withdrawn: Withdrawal | None = option(Nested(Withdrawal))


@dataclass
class Item(LazilyUnpickled):
    """One disclosure item as read from disk."""

    path: str  # posix path relative to the catalogue root, as shown in messages
    file: Path
    scope: str  # "external" | "internal", from the folder it sits in
    meta: FrontMatter
    raw: LineMap  # the front matter as written, for line numbers and the digest
    body: str
    body_line: int  # the file line the body starts on
    digest: str
    attachment_files: dict[str, Path | None] = field(default_factory=dict)  # None: escapes
    # Values computed from the item alone, kept with it (and in the item cache): an
    # item is never changed once read, a changed file is read into a new Item.
    derived: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    @property
    def folder(self) -> Path:
        return self.file.parent

    # Only checking an item again, or reporting a problem's line, reads its line map: a
    # third of the objects a cache load makes. Its file's Path (rebuilt from its parts,
    # a sixth of a load) is kept as a string until asked for: ``file_name`` reads that.
    lazily = ("raw",)

    def __getstate__(self) -> dict[str, object]:
        state = super().__getstate__()
        if "file" in state:
            state[_FILE_NAME] = str(state.pop("file"))
        return state

    def __getattr__(self, name: str) -> Any:
        if name == "file" and _FILE_NAME in self.__dict__:
            self.file = Path(self.__dict__.pop(_FILE_NAME))
            return self.file
        return super().__getattr__(name)

    @property
    def file_name(self) -> str:
        """``str(self.file)``; an unpickled item's Path is not made for it."""
        pickled = self.__dict__.get(_FILE_NAME)
        return pickled if pickled is not None else str(self.file)

    def page_digest(self) -> str:
        """Everything the item's file says and its attachments' contents (the approved
        ``digest`` covers all but the approvals and a withdrawal): what its pages are made of."""
        return self.remember(
            "page digest",
            lambda: hashlib.sha256(
                f"{self.path}|{self.digest}|{self.meta.approvals!r}|{self.meta.withdrawn!r}".encode(
                    "utf-8", "surrogatepass"
                )
            ).hexdigest(),
        )

    def remember(self, name: str, make: Callable[[], T]) -> T:
        """``make()``, computed once for this item."""
        if name not in self.derived:
            self.derived[name] = make()
        return self.derived[name]  # type: ignore[return-value]

    def line_of(self, key: str) -> int:
        return self.raw.line_of(key)

    def category(self, config: Config) -> Category | None:
        return config.categories_of(self.scope).get(self.meta.category)

    def refresh(self, config: Config) -> str | None:
        category = self.category(config)
        return self.meta.refresh or (category.refresh if category else None)

    def channels(self, config: Config) -> list[str]:
        if self.meta.channels is not None:
            return self.meta.channels
        category = self.category(config)
        return category.channels if category else []


_FILE_NAME = "_file_name"  # an unpickled item's file, until its Path is asked for

_BOUNDARY = re.compile(r"^-{3,}\s*$", re.MULTILINE)


class _LineYAMLHandler(frontmatter.YAMLHandler):
    """python-frontmatter's YAML handler, loading through our line-aware loader."""

    def __init__(self, path: str, line_offset: int) -> None:
        super().__init__()
        self.path = path
        self.line_offset = line_offset
        self.problems: list[Problem] = []

    def load(self, fm: str, **kwargs: object) -> object:
        parsed = load_yaml(fm, self.path, self.line_offset)
        self.problems.extend(parsed.problems)
        return parsed.data if parsed.data is not None else LineMap()


def attachment_file(folder: Path, relative: str) -> Path | None:
    """The file an attachment path names, or None when the path is not a plain relative
    path (``guard.path_fault``) or leads out of the item's folder. The path is also where
    the file is copied to in each output, so it must be safe to join there too."""
    if path_fault(relative) is not None:
        return None
    target = resolve_under(folder, relative)
    return target if target is not None and target.is_relative_to(folder.resolve()) else None


def scope_of(relative: PurePosixPath) -> str | None:
    """content/external/… → external; anything else → None."""
    parts = relative.parts
    if len(parts) >= 3 and parts[0] == CONTENT_DIR and parts[1] in SCOPES:
        return parts[1]
    return None


class ContentFiles(list[str]):
    """The files under content/, and the symlinked folders the walk did not enter
    (reported, F011: a folder that silently vanished would hide its items)."""

    symlinked: list[str]

    def __init__(self) -> None:
        super().__init__()
        self.symlinked = []


def content_files(root: Path) -> ContentFiles:
    """Every file under content/ (symlinked folders are not entered, but listed in
    ``symlinked``), in the order of sorted Paths.

    Plain strings: with tens of thousands of files, making Path objects costs more
    than walking the folders, and most callers only stat or digest them.
    """
    found = ContentFiles()
    _add_files(os.path.join(root, CONTENT_DIR), found)
    return found


def _add_files(folder: str, found: ContentFiles) -> None:
    """Walk in name order, so the files come sorted; the directory entries tell files
    from folders without a stat each (os.walk and Path.rglob are several times slower)."""
    try:
        with os.scandir(folder) as entries:
            ordered = sorted(entries, key=lambda entry: entry.name)
    except OSError:
        return
    for entry in ordered:
        if entry.is_dir(follow_symlinks=False):
            _add_files(entry.path, found)
        elif entry.is_file():
            found.append(entry.path)
        elif entry.is_dir():  # a symlink to a folder: never entered
            found.symlinked.append(entry.path)


def item_files(root: Path, files: list[str] | None = None) -> list[str]:
    """Every item file under content/ (of ``files``, if given), in a stable order."""
    scopes = tuple(os.path.join(root, CONTENT_DIR, scope) + os.sep for scope in SCOPES)
    return [
        p
        for p in (content_files(root) if files is None else files)
        if p.endswith(ITEM_SUFFIX) and p.startswith(scopes)
    ]


def find_item_files(root: Path) -> list[Path]:
    return [Path(p) for p in item_files(root)]


def decode(data: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 (a BOM is tolerated) with LF line endings; anything else is F002."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        detail = f"第 {exc.start} 字节无法按 UTF-8 解码"
        return None, [Problem.make("F002", path, line, detail=detail)]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


AttachmentHasher = Callable[[str], str]  # attachment path as written → sha256 hex


def read_item(root: Path, file: Path) -> tuple[Item | None, list[Problem]]:
    """Read one item file. The item is None only when the front matter is unusable."""
    path = file.relative_to(root).as_posix()
    data, refused = read_item_bytes(root, file, path)
    if data is None:
        return None, refused
    text, problems = decode(data, path)
    if text is None:
        return None, problems
    item, more = parse_item(
        text, path, file, lambda rel: file_sha256(attachment_file(file.parent, rel))
    )
    return item, problems + more


def parse_item(
    text: str, path: str, file: Path, hash_attachment: AttachmentHasher
) -> tuple[Item | None, list[Problem]]:
    """Parse decoded item text; attachments are hashed by ``hash_attachment``."""
    problems: list[Problem] = []
    stripped = text.lstrip()
    leading_lines = text[: len(text) - len(stripped)].count("\n")
    boundaries = list(_BOUNDARY.finditer(stripped))
    if len(boundaries) < 2 or boundaries[0].start() != 0:
        return None, [Problem.make("F001", path, leading_lines + 1)]
    opening, closing = boundaries[0], boundaries[1]
    handler = _LineYAMLHandler(path, leading_lines + stripped[: opening.end()].count("\n"))
    # frontmatter.parse() would copy the metadata into a plain dict and lose the line numbers.
    fm_text, body = handler.split(stripped)
    raw, body = handler.load(fm_text), body.strip()
    problems += handler.problems
    if not isinstance(raw, LineMap):
        return None, [*problems, Problem.make("F003", path, leading_lines + 2)]
    if any(p.code in SYNTAX_CODES for p in problems):
        return None, problems
    if shares_containers(raw):
        return None, [*problems, Problem.make("Y005", path, raw.line)]

    meta = schema.load(FrontMatter, raw, Context(path, problems))
    drop_incomplete(meta)  # reported above; later rules may rely on every entry's dates
    rest = stripped[closing.end() :]
    blank_prefix = rest[: len(rest) - len(rest.lstrip())]
    body_line = leading_lines + stripped[: closing.end()].count("\n") + 1 + blank_prefix.count("\n")
    written = [a.path for a in meta.attachments if a.path]
    item = Item(
        path=path,
        file=file,
        scope=scope_of(PurePosixPath(path)) or "external",
        meta=meta,
        raw=raw,
        body=body,
        body_line=body_line,
        digest=item_digest(raw, body, [(p, hash_attachment(p)) for p in written]),
        attachment_files={p: attachment_file(file.parent, p) for p in written},
    )
    return item, problems
