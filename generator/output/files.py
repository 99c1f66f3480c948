"""The files one build writes into an output, each with the key it was made from.

A key is whatever the build that made a file says it depends on (a digest:
``incremental/pagecache.py``); a build that keeps nothing of the last gives every
file an empty key and writes them all. The keys are recorded in the output
(``.catalogue-files.json``), so the next build can tell which files changed and
which are gone.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST_FILE = ".catalogue-files.json"  # in the output: each file's key
MANIFEST_FORMAT = 1
LOST = "\0lost"  # the key of a file the output lost since it was recorded: never a file's key
# In the output while an update changes it: a build killed before it finished left
# some files changed and its records not, so nothing recorded there can be trusted.
IN_PROGRESS_FILE = ".catalogue-in-progress"
SAVED_AT_ONCE = 4096  # files of the manifest turned into JSON at a time


def in_progress(out: Path) -> bool:
    """Did a build start changing ``out`` and never finish (killed, power cut)?"""
    return (out / IN_PROGRESS_FILE).exists()


def mark_in_progress(out: Path, marked: bool = True) -> None:
    """Mark ``out`` as being changed, durably, before the first change; or clear the mark.

    The mark is synced to disk with its folder, so that no change can reach the disk
    before it does."""
    mark = out / IN_PROGRESS_FILE
    if marked:
        with mark.open("w", encoding="utf-8") as stream:
            stream.write(f"{os.getpid()}\n")
            stream.flush()
            os.fsync(stream.fileno())
    else:
        mark.unlink(missing_ok=True)
    folder = os.open(out, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


@dataclass
class Manifest:
    """The files an output holds and the key each was made from."""

    build: str
    files: dict[str, str] = field(default_factory=dict)  # path in the output → key

    @classmethod
    def load(cls, out: Path) -> Manifest | None:
        """The manifest of ``out``; None when there is none or a build left ``out`` half-made."""
        if in_progress(out):
            return None
        try:
            data = json.loads((out / MANIFEST_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
            return None
        return cls(str(data.get("build", "")), dict(data.get("files", {})))

    def save(self, out: Path) -> None:
        """Write the manifest a few thousand files at a time, a file a line: at 100,000
        items it lists over 600,000, which as one JSON text held the text and every
        piece it was joined from at once, at the end of the build, when its memory peaks."""
        # In path order: processes rendering in parallel record their files in another.
        entries = ((path, self.files[path]) for path in sorted(self.files))
        with (out / MANIFEST_FILE).open("w", encoding="utf-8") as stream:
            head = json.dumps({"format": MANIFEST_FORMAT, "build": self.build})
            stream.write(head[:-1] + ', "files": {')
            separator = "\n"
            while chunk := dict(itertools.islice(entries, SAVED_AT_ONCE)):
                text = json.dumps(chunk, ensure_ascii=False, separators=(",\n", ": "))
                stream.write(separator + text[1:-1])
                separator = ",\n"
            stream.write("\n}}\n")

    def lost_from(self, out: Path) -> list[str]:
        """The files listed here that ``out`` no longer holds as plain files. The ledger is
        not trusted alone: a file may have been removed by hand since, or a link put in
        its place, which a deploy would follow to whatever it leads to.

        Counting what is held needs no set of the files (600,000 paths at 100,000 items):
        only when the count falls short does a second walk find which are lost."""
        listed = sum(1 for path in self.files if not path.endswith("/"))
        if sum(1 for path in plain_files(out) if path in self.files) == listed:
            return []
        held = {path for path in plain_files(out) if path in self.files}
        return [path for path in self.files if path not in held and not path.endswith("/")]

    def marked_lost(self, lost: list[str]) -> Manifest:
        """This manifest with the ``lost`` files, and the entry of a folder that held one (a
        search index's, which keys the index as a whole), under a key no build makes:
        each is made again, or set aside if this build no longer makes it (a link left
        where a withdrawn item's page was would otherwise stay in the output for good)."""
        folders = [path for path in self.files if path.endswith("/")]
        gone = {f for f in folders if any(path.startswith(f) for path in lost)}.union(lost)
        return Manifest(self.build, {p: LOST if p in gone else k for p, k in self.files.items()})

    def recorded_under(self, folder: str) -> list[tuple[str, str]]:
        """The files in ``folder`` (ending with "/"), each with its key, as recorded; not
        the folder's own entry (``build.outputs.write_search_index`` keys an index's items so)."""
        return [
            (path, key)
            for path, key in self.files.items()
            if path.startswith(folder) and path != folder
        ]


def plain_files(out: Path) -> Iterator[str]:
    """The plain files in the output's own folders (not those whose name starts with a
    dot, as a deploy's ``.git``), as paths relative to ``out`` ("/" between folders),
    links left out. Told apart by the type each folder entry carries, so most file
    systems need no ``stat`` per file: 74,000 files at 10,000 items take about 0.08 s."""
    try:
        with os.scandir(out) as entries:
            folders = [
                (entry.path, entry.name + "/")
                for entry in entries
                if entry.is_dir(follow_symlinks=False) and not entry.name.startswith(".")
            ]
    except OSError:
        return
    while folders:
        folder, prefix = folders.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append((entry.path, f"{prefix}{entry.name}/"))
                    elif entry.is_file(follow_symlinks=False):
                        yield prefix + entry.name
        except OSError:  # gone, or not a folder: it holds nothing
            continue


def holds_its_files(out: Path, record: Path) -> bool:
    """Does ``out`` still hold every file its ledger records, as a plain file?

    Removing, adding or replacing a file changes its folder's change time (which,
    unlike the modification time, cannot be set back), so where every folder's is as
    ``record_folders`` kept it in ``record``, a ``stat`` per folder answers (27,000 at
    100,000 items, about 0.1 s); otherwise the ledger is compared with every file
    (``lost_from``: about 2 s at 100,000 items), and when nothing was lost (a file added
    by hand) the folders' times are kept again. Only a change within the clock tick of
    the record (milliseconds; the build saves its caches after it) could go unseen."""
    if folders_as_recorded(out, record):
        return True
    manifest = Manifest.load(out)
    if manifest is None or manifest.lost_from(out):
        return False
    record_folders(out, manifest, record)
    return True


def record_folders(out: Path, manifest: Manifest, record: Path) -> None:
    """Keep in ``record`` (with the catalogue's caches: the output's bytes must not depend
    on when it was built) the change time of every folder holding a file ``manifest``
    records; the output's own top level aside, where a build keeps its records."""
    folders: set[str] = set()
    for path in manifest.files:
        folder = path.rstrip("/").rpartition("/")[0]
        while folder and folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    stamps = {}
    for folder in sorted(folders):
        with contextlib.suppress(OSError):  # none: a folder no file is in any more
            stamps[folder] = os.lstat(out / folder).st_ctime_ns
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(stamps), encoding="utf-8")


def folders_as_recorded(out: Path, record: Path) -> bool:
    """Is every folder's change time as ``record_folders`` kept it: no file of the output
    removed, added or replaced since?"""
    try:
        stamps = json.loads(record.read_text(encoding="utf-8"))
        return bool(stamps) and all(
            stat.S_ISDIR((status := os.lstat(out / folder)).st_mode) and status.st_ctime_ns == stamp
            for folder, stamp in stamps.items()
        )
    except (OSError, ValueError, AttributeError):
        return False


class OutputFiles:
    """The files one build makes and their keys: which must be written, which are gone.

    With no usable previous manifest (a cold build, or a change to the theme,
    catalog.yaml, the generator or the build day) every file must be written.
    """

    def __init__(self, build: str, previous: Manifest | None) -> None:
        self.manifest = Manifest(build)
        self.previous = previous.files if previous is not None and previous.build == build else {}
        self.reusing = bool(self.previous)
        self.writes = 0  # files found to need writing so far

    def record(self, path: str, key: str) -> bool:
        """Record ``path``'s key; returns whether it must be (re)written, as the caller then does.

        The output holds the key this build recorded last (an update writes an
        edit's pages in a step ahead of the rest), else the previous build's.
        """
        held = self.manifest.files.get(path, self.previous.get(path))
        self.manifest.files[path] = key
        if held == key:
            return False
        self.writes += 1
        return True

    def record_all(self, paths: list[str], key: str) -> bool:
        """Record one key for files made together; returns whether they must be (re)written."""
        return any([self.record(path, key) for path in paths])

    def keep_under(self, folder: str) -> None:
        """Keep every file the previous build recorded in ``folder`` (ending with "/"),
        as it is: they are not made again, and are not gone."""
        for path, key in self.previous.items():
            if path.startswith(folder) and path not in self.manifest.files:
                self.manifest.files[path] = key

    def gone(self) -> list[str]:
        """Files of the previous build this build no longer makes."""
        return sorted(set(self.previous) - set(self.manifest.files))

    def changed(self) -> list[str]:
        return sorted(p for p, k in self.manifest.files.items() if self.previous.get(p) != k)
