"""What a build remembers of itself for the next one: what each output selected
(``ViewCache``, viewcache.py) and listed (``Listings``, edits.py), by item path.

With it, the next build of an edit writes the edited items' pages and the
listings that show them without selecting and listing every item again.
``catalogue serve`` keeps it in memory between rebuilds; ``catalogue build``
keeps it with the catalogue's caches (``remembered_file``), sealed (sealed.py),
never in the output. A missing, damaged, foreign or unsealed file is not used: the build then selects and lists afresh, as
everything it reads from the file is checked against the catalogue first.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..parallel.collector import paused_collector
from .edits import Listings
from .sealed import opened_sealed, unpickled, write_sealed
from .viewcache import ViewCache

REMEMBERED_DIR = Path(".cache/catalogue/last-build")  # under the catalogue's root


def remembered_file(root: Path, out: Path) -> Path:
    """Where the record of the build that made ``out`` is kept: with the catalogue's other
    caches, never in the output, which is published (and shipped as a preview)."""
    name = hashlib.sha256(str(out.resolve()).encode("utf-8", "surrogateescape")).hexdigest()
    return root.resolve() / REMEMBERED_DIR / f"{name[:32]}.pickle"


def remembered_folders(root: Path, out: Path) -> Path:
    """Where the change times of ``out``'s folders are kept (``output.files.record_folders``)."""
    return remembered_file(root, out).with_suffix(".folders.json")


@dataclass
class LastBuild:
    """The record one build leaves for the next; empty before the first."""

    views: ViewCache = field(default_factory=ViewCache)
    listings: Listings = field(default_factory=Listings)

    @classmethod
    def load(cls, root: Path, out: Path) -> LastBuild:
        """What the build that made ``out`` remembered, or nothing."""
        try:  # unpickling many small objects is several times faster without collections
            with paused_collector(), opened_sealed(remembered_file(root, out)) as stream:
                last = unpickled(stream)  # written by ``save``; sealed.py
        except Exception:  # a missing, truncated, foreign or unsealed file is not used
            return cls()
        return last if isinstance(last, cls) else cls()

    def save(self, root: Path, out: Path) -> None:
        target = remembered_file(root, out)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_sealed(target, [self])

    @staticmethod
    def forget(root: Path, out: Path) -> None:
        """``out`` is about to change: what its last build remembered no longer holds."""
        remembered_file(root, out).unlink(missing_ok=True)
