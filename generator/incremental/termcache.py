"""Each item text's index terms, kept between builds for the next build's indexes.

An index needs the terms of every item it shows, and an edit changes a few items'
texts: at 10,000 items, working out every item's terms again took about 5 s of an
edit build's 14 (bench/README.md, "Build cost"). ``search.index.ItemTerms`` keys terms
by a digest of the title and text they were made of, so a kept entry is used only
for the same text. The file keeps the entries the last build used and is sealed
like every cache (sealed.py): terms from a file anyone else wrote would make the
search find what the pages do not say. A new generator version starts afresh.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from ..parallel.collector import paused_collector
from ..search.index import ItemTerms, Known
from .sealed import opened_sealed, unpickled, write_sealed
from .sources import generator_digest

CACHE_FILE = Path(".cache/catalogue/terms.pickle")  # under the catalogue's root
SAVED_CHUNK = 1_000  # texts' terms pickled together


class KeptTerms:
    """The terms file of the catalogue at ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.file = self.root / CACHE_FILE
        self.header = {"root": str(self.root), "version": generator_digest()}
        self.loaded: set[bytes] = set()  # the keys the file held when loaded

    def load(self) -> Known:
        """The terms the last build used; none if the file is missing, stale or foreign."""
        try:
            with paused_collector(), opened_sealed(self.file) as stream:
                header = unpickled(stream)
                if not isinstance(header, dict) or header.get("build") != self.header:
                    return {}
                known: Known = {}
                for _ in range(header["chunks"]):
                    known.update(unpickled(stream))
        except Exception:  # missing, truncated, foreign or unsealed: worked out again
            return {}
        self.loaded = set(known)
        return known

    def save(self, terms: ItemTerms) -> None:
        """Keep the terms ``terms`` was asked for (those of texts since changed go)."""
        kept = [key for key in terms.used if key in terms.known]
        if self.loaded.issuperset(kept) and len(kept) == len(self.loaded):
            return  # the file holds them already
        # In chunks, each pickled on its own: a pickler keeps what it wrote until it ends.
        chunks = [kept[i : i + SAVED_CHUNK] for i in range(0, len(kept), SAVED_CHUNK)]
        header = {"build": self.header, "chunks": len(chunks)}
        parts = ({key: terms.known[key] for key in chunk} for chunk in chunks)
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            write_sealed(self.file, itertools.chain([header], parts))
        except OSError:  # a read-only checkout: the next build works them out again
            pass
