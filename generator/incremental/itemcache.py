"""Items read by earlier builds, reused while their files are unchanged.

Reading and checking 10,000 items takes seconds (YAML, the schema, the
confidentiality scan); an edit changes one of them. The cache keeps each item
as read, keyed by the SHA-256 of its file's bytes and the state of its
attachments (their stamps, and the files their paths lead to), and each item's
check problems keyed by everything else they depend on: catalog.yaml, the keys
approvals are verified with, the day, and what the check looks up of other files
(where the item's links and attachment paths lead: ``ItemCheck.looked_up``), so a
new item checks no other item again. A file whose size, modification time and
inode are unchanged is not even re-read, as git does for its index.

``catalogue serve`` keeps one cache in memory; ``catalogue build`` keeps it in
``.cache/catalogue/items.pickle`` (never committed: see docs/security.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..catalogue import ItemCheck, ItemReader, Read
from ..parallel.reading import check_items, read_items
from ..problems import Problem
from ..source.config import CATALOG_FILE
from ..source.items import Item, attachment_file
from ..source.trust import trust_context
from .sealed import KeptEntries

CACHE_FILE = Path(".cache/catalogue/items.pickle")  # under the catalogue's root
SAVED_CHUNK = 1_000  # entries pickled together (``ItemCache.save``)

Stamp = tuple[int, ...]


def _stamp(path: Path | str | None, stat: Callable[..., os.stat_result] = os.lstat) -> Stamp:
    """What changes when a file is replaced or written: mode, size, times, inode."""
    if path is None:
        return ()
    try:
        st = stat(path)
    except (OSError, ValueError):
        return ()
    return (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def followed_stamp(path: str) -> Stamp:
    """A file's stamp through any symbolic link."""
    return _stamp(path, os.stat)


# A file changed again within the clock's granularity after it was hashed can keep
# its size and time; like git's "racily clean" entries, such stamps are not trusted.
RACY_NS = 2_000_000_000


def _settled(stamp: Stamp, hashed_at: int) -> bool:
    """Was the file last modified well before it was hashed (or is it missing)?"""
    return not stamp or stamp[2] < hashed_at - RACY_NS


@dataclass
class CachedItem:
    stamp: Stamp  # of the item file, when it was last read or hashed
    hashed_at: int  # time.time_ns() when its content was hashed
    content: str  # SHA-256 of the file's bytes
    attachments: tuple[Stamp, ...]  # stamps of the attachment files the item names
    item: Item | None
    problems: list[Problem]  # found while reading
    checked: str = ""  # the check context ``check_problems`` hold for
    check_problems: list[Problem] = field(default_factory=list)


def _content_digest(file: str) -> str:
    try:
        with open(file, "rb") as stream:
            return hashlib.sha256(stream.read()).hexdigest()
    except OSError:
        return ""


def file_stamps(files: list[str]) -> dict[str, Stamp]:
    """``_stamp`` of each of ``files``: a build stats its inputs once."""
    return {file: _stamp(file) for file in files}


def _attachment_stamps(item: Item | None) -> tuple[Stamp, ...]:
    if item is None or not item.attachment_files:  # most items: skip the sorting
        return ()
    return tuple(_stamp(item.attachment_files[p]) for p in sorted(item.attachment_files))


def _attachments_lead_where_read(item: Item | None) -> bool:
    """Does each attachment path still name the file it named when the item was read?
    A symlinked folder replaced by a real one (or the reverse) moves it without
    changing any stamp the cache keeps."""
    if item is None or not item.attachment_files:
        return True
    return all(attachment_file(item.folder, p) == f for p, f in item.attachment_files.items())


class ItemCache(ItemReader):
    """A reader (catalogue.py) that keeps what it read and checked for the next load."""

    def __init__(self, root: Path, saved: bool = False) -> None:
        """An empty cache, or the one ``saved`` under ``root``, read when first needed."""
        self.root = root.resolve()
        self._entries: dict[str, CachedItem] | None = None if saved else {}
        self._kept = KeptEntries(self.root, CACHE_FILE, SAVED_CHUNK)
        self._as_read: dict[str, tuple[CachedItem, int]] = {}  # and its entries, as read
        self._changed: set[str] = set()  # entries changed in place since
        self._seen: set[str] = set()
        self._context = ""  # what the next load's checks depend on (``check_context``)
        # The ``file_stamps`` of the next load's files, if its caller has them already.
        self.stamps: Mapping[str, Stamp] = {}

    def start(self, root: Path, files: list[str]) -> None:
        assert root.resolve() == self.root, "an item cache serves one catalogue"
        self._context = check_context(self.root)

    def read_all(self, root: Path, files: list[str]) -> list[Read]:
        """``read_item`` of each of ``files`` (absolute paths under the root, as
        ``content_files`` gives them), unless a file and its attachments are as last
        read; those read afresh are parsed on every core."""
        stamps, self.stamps = self.stamps, {}
        found: dict[str, Read] = {}
        fresh: list[tuple[str, str, Stamp, int, str]] = []
        under = len(os.path.join(self.root, ""))  # os.path.relpath is slow on 10,000s
        for file in files:
            path = file[under:].replace(os.sep, "/")
            self._seen.add(path)
            entry = self.entries.get(path)
            stamp = stamps[file] if file in stamps else _stamp(file)
            if (
                entry is not None
                and entry.stamp == stamp
                and _settled(stamp, entry.hashed_at)
                and self._attachments_same(entry)
            ):
                found[file] = entry.item, entry.problems
                continue
            hashed_at = time.time_ns()
            content = _content_digest(file)
            if entry is not None and entry.content == content and self._attachments_same(entry):
                entry.stamp, entry.hashed_at = stamp, hashed_at
                self._changed.add(path)
                found[file] = entry.item, entry.problems
                continue
            fresh.append((file, path, stamp, hashed_at, content))
        parsed = read_items(self.root, [f[0] for f in fresh])
        for (file, path, stamp, hashed_at, content), (item, problems) in zip(
            fresh, parsed, strict=True
        ):
            attachments = _attachment_stamps(item)
            self.entries[path] = CachedItem(stamp, hashed_at, content, attachments, item, problems)
            found[file] = item, problems
        return [found[file] for file in files]

    @property
    def entries(self) -> dict[str, CachedItem]:
        if self._entries is None:
            self._entries = self._read_saved()
        return self._entries

    @entries.setter
    def entries(self, entries: dict[str, CachedItem]) -> None:
        self._entries = entries

    def _attachments_same(self, entry: CachedItem) -> bool:
        current = _attachment_stamps(entry.item)
        return (
            entry.content != ""
            and entry.attachments == current
            and all(_settled(stamp, entry.hashed_at) for stamp in current)
            and _attachments_lead_where_read(entry.item)
        )

    def check(self, item: Item, check: ItemCheck) -> list[Problem]:
        """``check(item)``, unless it ran on the same item in the same check context."""
        return self._checked(item, self._context_of(item, check), lambda: check(item))

    def check_all(self, items: list[Item], check: ItemCheck) -> list[Problem]:
        """As ``check`` of each item; those not checked in their context, on every core."""
        contexts = [self._context_of(item, check) for item in items]
        due = [
            item for item, context in zip(items, contexts, strict=True) if self._due(item, context)
        ]
        found = dict(zip(map(id, due), check_items(due, check), strict=True))
        return [
            problem
            for item, context in zip(items, contexts, strict=True)
            for problem in self._checked(item, context, lambda i=item: found[id(i)])
        ]

    def _context_of(self, item: Item, check: ItemCheck) -> str:
        """What ``item``'s check problems depend on: the load's ``check_context`` and
        what the check looks up for it (where its links lead, its attachments)."""
        looked_up = check.looked_up(item)
        if not looked_up:  # most items: one string for all, pickled once per chunk
            return self._context
        facts = f"{self._context}\n{looked_up}".encode("utf-8", "surrogateescape")
        return hashlib.sha256(facts).hexdigest()

    def _due(self, item: Item, context: str) -> bool:
        """Must ``item`` be checked (not answered from the cache) in ``context``?"""
        entry = self.entries.get(item.path)
        return entry is None or entry.item is not item or entry.checked != context

    def _checked(self, item: Item, context: str, run: Callable[[], list[Problem]]) -> list[Problem]:
        """The problems kept for ``item`` in ``context``, or those ``run`` finds (kept)."""
        entry = self.entries.get(item.path)
        if entry is None or entry.item is not item:
            return run()
        if entry.checked != context:
            entry.check_problems, entry.checked = run(), context
            self._changed.add(item.path)
        return entry.check_problems

    def finish(self) -> None:
        self.forget_unseen()

    def forget_unseen(self) -> None:
        """End a load: drop files it did not read (deleted or renamed items)."""
        self.entries = {p: e for p, e in self.entries.items() if p in self._seen}
        self._seen = set()

    # Kept between ``catalogue build`` runs ------------------------------------------------

    @classmethod
    def load(cls, root: Path) -> ItemCache:
        """The cache saved under ``root``; a build with nothing to do never reads it."""
        return cls(root, saved=True)

    def _read_saved(self) -> dict[str, CachedItem]:
        """The saved entries, or none if the file is missing or stale."""
        entries: dict[str, CachedItem] = self._kept.load()
        self._as_read = {path: (entry, _remembered(entry)) for path, entry in entries.items()}
        return entries

    def save(self) -> None:
        """Write the entries, in chunks (``sealed.write_sealed_entries``); a chunk of the
        saved file whose entries are all as read is copied, not pickled again (an edit
        build at 10,000 items: 0.3-0.6 s instead of 1.2 s). Unlike ``KeptEntries.save``,
        a failure to write it reaches the build."""
        if self._entries is None:
            return  # never read, so the saved file is still what it holds
        self._kept.write(list(self.entries.items()), self._as_it_was)

    def _as_it_was(self, path: str) -> bool:
        """Is ``path``'s entry the one read, unchanged: not read again, checked again,
        given a new remembered value (``Item.remember``), nor forgotten?"""
        entry, remembered = self._as_read.get(path, (None, 0))
        return (
            entry is not None
            and self.entries.get(path) is entry
            and path not in self._changed
            and _remembered(entry) == remembered
        )


def _remembered(entry: CachedItem) -> int:
    """How many values the entry's item remembers: ``Item.remember`` only adds them."""
    return 0 if entry.item is None else len(entry.item.derived)


def check_context(root: Path) -> str:
    """What every item's check problems depend on besides the item and the files its
    check looks up (``ItemCheck.looked_up``): catalog.yaml, the keys approvals are
    verified with, and the day (an ID number's birth date may not lie in the future)."""
    digest = hashlib.sha256(dt.date.today().isoformat().encode())
    digest.update((root / CATALOG_FILE).read_bytes())
    digest.update(trust_context(root).encode())
    return digest.hexdigest()
