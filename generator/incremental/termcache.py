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

from pathlib import Path

from ..search.index import ItemTerms, Known
from .sealed import KeptEntries

CACHE_FILE = Path(".cache/catalogue/terms.pickle")  # under the catalogue's root
SAVED_CHUNK = 1_000  # texts' terms pickled together


class KeptTerms:
    """The terms file of the catalogue at ``root``."""

    def __init__(self, root: Path) -> None:
        self.sealed = KeptEntries(root, CACHE_FILE, SAVED_CHUNK)
        self.loaded: set[bytes] = set()  # the keys the file held when loaded

    def load(self) -> Known:
        """The terms the last build used; none if the file is missing, stale or foreign."""
        known: Known = self.sealed.load()
        self.loaded = set(known)
        return known

    def save(self, terms: ItemTerms) -> None:
        """Keep the terms ``terms`` was asked for (those of texts since changed go)."""
        kept = [(key, terms.known[key]) for key in terms.used if key in terms.known]
        if len(kept) == len(self.loaded) and all(key in self.loaded for key, _ in kept):
            return  # the file holds them already
        keys = {key for key, _ in kept}  # a key's terms never change: its text's digest
        self.sealed.save(kept, keys.__contains__)
