"""What a build remembers of itself for the next one: what each output selected
(``ViewCache``, viewcache.py) and listed (``Listings``, edits.py), by item path.

With it, the next build of an edit writes the edited items' pages and the
listings that show them without selecting and listing every item again.
``catalogue serve`` keeps it in memory between rebuilds; ``catalogue build``
keeps it beside its output, in ``REMEMBERED_FILE``. A missing, damaged or
foreign file is not used: the build then selects and lists afresh, as
everything it reads from the file is checked against the catalogue first.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from pathlib import Path

from ..output.writer import write_pickles
from ..parallel.collector import paused_collector
from .edits import Listings
from .viewcache import ViewCache

REMEMBERED_FILE = ".catalogue-last-build.pickle"  # in the output, beside its manifest


@dataclass
class LastBuild:
    """The record one build leaves for the next; empty before the first."""

    views: ViewCache = field(default_factory=ViewCache)
    listings: Listings = field(default_factory=Listings)

    @classmethod
    def load(cls, out: Path) -> LastBuild:
        """What the build that made ``out`` remembered, or nothing."""
        try:  # unpickling many small objects is several times faster without collections
            with paused_collector(), (out / REMEMBERED_FILE).open("rb") as stream:
                last = pickle.load(stream)  # written by ``save``; see docs/security.md
        except Exception:  # a missing, truncated or foreign file is just not used
            return cls()
        return last if isinstance(last, cls) else cls()

    def save(self, out: Path) -> None:
        write_pickles(out / REMEMBERED_FILE, [self])
