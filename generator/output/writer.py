"""Writing the output so that a failed build never touches the previous one.

Everything is written into a staging folder beside the output; only when every
stage has succeeded is the staging folder swapped into place.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..source.guard import path_fault


@contextmanager
def staged_output(out: Path) -> Iterator[Path]:
    """Yield an empty folder; on success it replaces ``out``, on failure it is removed."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    retired = out.with_name(f".{out.name}-retired-{os.getpid()}")
    if out.exists():
        os.replace(out, retired)
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
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


@dataclass
class Overlay:
    """Changed files waiting in ``folder`` to replace their namesakes in the output."""

    folder: Path
    gone: list[str] = field(default_factory=list)  # to remove; a folder ends with "/"
    whole: set[str] = field(default_factory=set)  # folders that replace the old one whole


class OutputUpdate:
    """Changes to an existing output, made in steps that can all be undone.

    Each step's files are written into a fresh folder beside the output; when the
    step succeeds they are moved into the output, and whatever they replace or
    remove is moved aside. ``undo`` puts the previous output back exactly,
    ``finish`` throws the old files away. So an update that fails at any step
    leaves the previous output as it was, like a full build.
    """

    def __init__(self, out: Path) -> None:
        self.out = out.resolve()
        self.aside = Path(tempfile.mkdtemp(prefix=f".{out.name}-previous-", dir=self.out.parent))
        self._added: dict[str, None] = {}  # paths (relative to out) this update wrote, in order
        self._moved: list[str] = []  # paths of the previous output now under ``aside``

    @contextmanager
    def step(self) -> Iterator[Overlay]:
        """Yield an empty overlay; on success its files and ``gone`` paths are applied."""
        overlay = Overlay(Path(tempfile.mkdtemp(prefix=f".{self.out.name}-", dir=self.out.parent)))
        try:
            yield overlay
            for path in overlay.gone:
                self._set_aside(path.rstrip("/"))
            self._move_in(overlay.folder, overlay.whole)
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
            os.replace(self.aside / relative, self.out / relative)
        self._added, self._moved = {}, []

    def finish(self) -> None:
        shutil.rmtree(self.aside, ignore_errors=True)

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

    def _move_in(self, folder: Path, whole: set[str], prefix: str = "") -> None:
        """Move ``folder``'s files into the output; ``whole`` folders replace their namesakes."""
        for entry in sorted(folder.iterdir()):
            relative = prefix + entry.name
            destination = self.out / relative
            if entry.is_dir() and relative not in whole:
                if not destination.is_dir():
                    destination.mkdir()
                    self._added[relative] = None
                self._move_in(entry, whole, relative + "/")
                continue
            self._set_aside(relative)
            os.replace(entry, destination)
            self._added[relative] = None
