"""Writing the output so that a failed build never touches the previous one.

Everything is written into a staging folder beside the output; only when every
stage has succeeded is the staging folder swapped into place. An update of an
existing output marks it as in progress before its first change
(``files.IN_PROGRESS_FILE``), so that a build killed half-way (``kill -9``, a
power cut) leaves an output no later build trusts. Staging folders are named
``.<output>-<kind>-<pid>-<random>``: a build removes those its killed
predecessors left behind (``remove_stale_folders``).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..source.guard import path_fault
from .files import mark_in_progress

STAGING_KINDS = ("stage", "step", "previous", "retired")


def staging_folder(out: Path, kind: str) -> Path:
    """A new empty folder beside ``out``, named for ``out``, ``kind`` and this process.

    Made with ``mkdir``, so its mode is what the umask allows (``tempfile.mkdtemp``
    would make it 0700, and a staging folder becomes the output: a web server
    running as another user could read none of it).
    """
    assert kind in STAGING_KINDS
    while True:
        folder = out.with_name(f".{out.name}-{kind}-{os.getpid()}-{secrets.token_hex(4)}")
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_stale_folders(out: Path) -> list[Path]:
    """Remove the staging folders beside ``out`` that builds killed before they could
    clean up left behind; returns them. A folder of a process still running (another
    build) is kept. Names of earlier versions (``tempfile.mkdtemp``'s, the retired
    output's) count as stale."""
    out = out.resolve()
    if not out.parent.is_dir():
        return []
    name = re.escape(out.name)
    ours = re.compile(rf"\.{name}-(?:{'|'.join(STAGING_KINDS)})-(\d+)-[0-9a-f]{{8}}")
    earlier = re.compile(rf"\.{name}-(?:(?:previous-)?[a-z0-9_]{{8}}|retired-\d+)")
    removed = []
    for entry in sorted(out.parent.iterdir()):
        if entry.is_symlink() or not entry.is_dir():
            continue
        match = ours.fullmatch(entry.name)
        if match is not None:
            pid = int(match.group(1))
            if pid == os.getpid() or _alive(pid):
                continue
        elif not earlier.fullmatch(entry.name):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


@contextmanager
def staged_output(out: Path) -> Iterator[Path]:
    """Yield an empty folder; on success it replaces ``out``, on failure it is removed."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = staging_folder(out, "stage")
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    retired = staging_folder(out, "retired")
    if out.exists():
        os.replace(out, retired / out.name)
    os.replace(stage, out)
    shutil.rmtree(retired, ignore_errors=True)


class UnsafeOutputPath(ValueError):
    """A file an output would write lies outside it: a bug, or input validation missed."""


def output_path(root: Path, relative: str) -> Path:
    """Where the file at ``relative`` (a root-relative URL path) goes under ``root``.

    Every output path built from what items say (pages, attachments) goes through here:
    a path that is not a plain relative path (``guard.path_fault``) could land outside
    the output, so it is refused before anything is written. Validation refuses such
    paths first; this makes sure no other way around it can write elsewhere.
    """
    fault = path_fault(relative)
    if fault is not None:
        raise UnsafeOutputPath(f"{relative!r}: {fault}")
    return root.joinpath(*relative.split("/"))


def write_text(path: Path, text: str) -> None:
    with created(path) as file:
        file.write(text)


def write_pieces(path: Path, pieces: Iterable[str]) -> None:
    """``write_text`` of the text ``pieces`` make, never held whole."""
    with created(path) as file:
        file.writelines(pieces)


def write_bytes(path: Path, data: bytes) -> None:
    with created(path, "wb") as file:
        file.write(data)


def created(
    path: Path, mode: str = "w", *, encoding: str = "utf-8", newline: str = "\n"
) -> IO[Any]:
    """``path`` opened to write (text in ``encoding``, ``newline`` ending its lines),
    its folder made if missing. Most are there already: making each first cost a
    failed ``mkdir`` and a ``stat`` per file (0.2 s of CPU for the 43,000 of 10,000
    items)."""
    text = {} if "b" in mode else {"encoding": encoding, "newline": newline}
    try:
        return path.open(mode, **text)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open(mode, **text)


@dataclass
class Overlay:
    """Changed files waiting in ``folder`` to replace their namesakes in the output."""

    folder: Path
    gone: list[str] = field(default_factory=list)  # to remove; a folder ends with "/"


class OutputUpdate:
    """Changes to an existing output, made in steps that can all be undone.

    Each step's files are written into a fresh folder beside the output; when the
    step succeeds they are moved into the output, and whatever they replace or
    remove is moved aside. ``undo`` puts the previous output back exactly,
    ``finish`` throws the old files away. So an update that fails at any step
    leaves the previous output as it was, like a full build.

    A process killed mid-update runs no ``undo``: before its first change the
    output is marked as in progress (``files.mark_in_progress``), and only the
    build that completes the update, or an ``undo``, clears the mark.
    """

    def __init__(self, out: Path) -> None:
        self.out = out.resolve()
        self.aside = staging_folder(self.out, "previous")
        self.marked = False  # the output is marked as in progress by this update
        self._added: dict[str, None] = {}  # paths (relative to out) this update wrote, in order
        self._moved: list[str] = []  # paths of the previous output now under ``aside``

    @contextmanager
    def step(self) -> Iterator[Overlay]:
        """Yield an empty overlay; on success its files and ``gone`` paths are applied."""
        overlay = Overlay(staging_folder(self.out, "step"))
        try:
            yield overlay
            if not self.marked:
                mark_in_progress(self.out)
                self.marked = True
            for path in overlay.gone:
                self._set_aside(path.rstrip("/"))
                self._remove_emptied(path.rstrip("/"))
            self._move_in(overlay.folder)
        finally:
            shutil.rmtree(overlay.folder, ignore_errors=True)

    def undo(self) -> None:
        for relative in reversed(self._added):
            target = self.out / relative
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target, ignore_errors=True)
            else:
                target.unlink(missing_ok=True)
        for relative in reversed(self._moved):
            (self.out / relative).parent.mkdir(parents=True, exist_ok=True)  # if left empty
            os.replace(self.aside / relative, self.out / relative)
        self._added, self._moved = {}, []
        if self.marked:  # the previous output is back, whole
            mark_in_progress(self.out, False)
            self.marked = False

    def finish(self) -> None:
        shutil.rmtree(self.aside, ignore_errors=True)

    def _remove_emptied(self, relative: str) -> None:
        """Remove the folders above ``relative`` that its removal left empty: a build
        afresh would not make them (an item's ``files/`` once its attachments are gone)."""
        parts = relative.split("/")[:-1]
        while parts:
            folder = self.out.joinpath(*parts)
            try:
                folder.rmdir()  # only if empty
            except OSError:
                return
            parts.pop()

    def _set_aside(self, relative: str) -> None:
        source = self.out / relative
        if not source.exists() and not source.is_symlink():
            return
        if relative in self._added:  # written by an earlier step: the original is aside already
            if source.is_dir() and not source.is_symlink():
                shutil.rmtree(source)
            else:
                source.unlink()
            return
        target = self.aside / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
        self._moved.append(relative)

    def _move_in(self, folder: Path, prefix: str = "") -> None:
        """Move ``folder``'s files into the output. Nothing is written through a link
        found in the output (put there by hand: it could lead anywhere); the link, or a
        file where a folder goes, is set aside like any file replaced."""
        for entry in sorted(folder.iterdir()):
            relative = prefix + entry.name
            destination = self.out / relative
            if entry.is_dir():
                if destination.is_symlink() or destination.is_file():
                    self._set_aside(relative)
                if not destination.is_dir():
                    destination.mkdir()
                    self._added[relative] = None
                self._move_in(entry, relative + "/")
                continue
            self._set_aside(relative)
            os.replace(entry, destination)
            self._added[relative] = None
