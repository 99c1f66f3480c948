"""Reading item files on every core: forked workers parse shares of them."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from ..catalogue import ItemCheck, ItemReader, Read, ReadingFailed
from ..checks.backdating import latest_approval
from ..checks.signatures import verified
from ..checks.structure import structure_problems
from ..problems import Problem
from ..source.items import Item, read_item
from ..source.rendered import rendered
from .collector import paused_collector
from .processes import WorkerDied, map_in_processes


def read_items(root: Path, files: list[str]) -> list[Read]:
    """``read_item`` of each of ``files``, in shares over forked workers (``processes_for``).

    Reading makes many long-lived objects and few cycles, so the collector is paused.
    """
    try:
        with paused_collector():
            return map_in_processes(functools.partial(_read, root), files)
    except WorkerDied as died:
        raise ReadingFailed(died.how) from died


def check_items(items: list[Item], check: Callable[[Item], list[Problem]]) -> list[list[Problem]]:
    """``check`` of each of ``items``, in shares over forked workers (``processes_for``),
    which have every item already: forked after reading, they need nothing sent."""
    try:
        with paused_collector():
            return map_in_processes(check, items)
    except WorkerDied as died:
        raise ReadingFailed(died.how) from died


def _read(root: Path, file: str) -> Read:
    item, problems = read_item(root, Path(file))  # looked up when called, so tests can watch it
    if item is not None:
        verified(item)  # the signatures' cryptography, here on every core, kept with the item
        latest_approval(item)  # so a load from the item cache need not unpickle approvals
        if not any(structure_problems(item)):  # Markdown takes quadratic time on those
            rendered(item)  # the body as readers see it, for the check and derived text
    return item, problems


class ParallelReader(ItemReader):
    """Reads and checks a catalogue's item files in forked workers."""

    def read_all(self, root: Path, files: list[str]) -> list[Read]:
        return read_items(root, files)

    def check_all(self, items: list[Item], check: ItemCheck) -> list[Problem]:
        return [problem for found in check_items(items, check) for problem in found]
