"""Each output's encoded postings, kept between builds: an edit changes a few of them.

An index's postings (search/index.py) follow from its items' titles and texts in id
order and nothing else. An edit usually changes texts in place (items are numbered by
date, and a body changed), so only the postings of the terms those texts lost or
gained change. At 10,000 items, working out and encoding every posting again took
about 3 s of a 9 s edit build (bench/README.md, "Build cost").

The file keeps, per output, the digests of its texts in id order and its encoded
postings. Where the digests differ only in place, the kept terms (termcache.py) say
what the old texts held and at most ``TERMS_CHANGED_UP_TO`` terms changed, those terms'
postings are changed; otherwise (a new item moves every older one) all are made
afresh. The result is what a build afresh makes, byte for byte: the same ids go
through the same ``encode_posting``. Sealed like every cache (sealed.py): postings
from a file anyone else wrote would make the search find what the pages do not say.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from ..parallel.terms import ParallelTerms
from ..search.index import (
    SOURCE_KEY_SIZE,
    Encoded,
    Known,
    decode_posting,
    encode_posting,
    item_source,
    source_key,
)
from ..site.views import ItemView
from .sealed import KeptEntries

CACHE_FILE = Path(".cache/catalogue/postings.pickle")  # under the catalogue's root
# Beyond this many changed terms, making every posting afresh is quicker. A posting
# changed costs 0.05 ms (a rare term) to 0.7 ms (one in half the items, a bitmap) at
# 10,000 items; making an output's postings afresh takes about 1.7 s.
TERMS_CHANGED_UP_TO = 5_000

Kept = dict[str, tuple[bytes, Encoded]]  # output → its texts' digests in id order, postings


class KeptPostings:
    """The postings file of the catalogue at ``root``."""

    def __init__(self, root: Path) -> None:
        self.sealed = KeptEntries(root, CACHE_FILE, 1)  # an output's postings at a time

    def load(self) -> Kept:
        """The postings the last build made; none if the file is missing, stale or foreign."""
        kept: Kept = self.sealed.load()
        return kept

    def save(self, kept: Kept) -> None:
        self.sealed.save(list(kept.items()))


class TermsAndKeptPostings(ParallelTerms):
    """Item terms that change the postings the last build kept, where they can."""

    def __init__(self, known: Known, kept: Kept) -> None:
        super().__init__(True, known)
        self.kept = kept  # the last build's; each is used (and dropped) once
        self.made: Kept = {}  # this build's, for the next

    def encoded_postings(self, name: str, views: Sequence[ItemView]) -> Encoded:
        keys = [source_key(*item_source(view)) for view in views]
        found = self._updated(self.kept.pop(name, None), keys, views)
        if found is None:
            found = super().encoded_postings(name, views)
        self.made[name] = (b"".join(keys), found)
        return found

    def to_keep(self) -> Kept:
        """This build's postings, and the last build's of outputs whose index it did not
        make (still right for their texts: nothing else goes into them)."""
        return self.kept | self.made

    def _updated(
        self, last: tuple[bytes, Encoded] | None, keys: list[bytes], views: Sequence[ItemView]
    ) -> Encoded | None:
        """The last build's postings changed for ``keys``; None where they are to be made
        afresh (items came or went, or too many terms changed)."""
        if last is None:
            return None
        order, encoded = last
        if len(order) != SOURCE_KEY_SIZE * len(keys):
            return None  # items came or went: every id after them moved
        size = SOURCE_KEY_SIZE
        was = [order[start : start + size] for start in range(0, len(order), size)]
        changed = [n for n, key in enumerate(keys) if was[n] != key]
        if any(was[n] not in self.known for n in changed):
            return None
        edits = self._term_edits(changed, was, views)
        if edits is None:
            return None
        self.used.update(keys)
        for term, holds in edits.items():
            ids = set(decode_posting(encoded[term])) if term in encoded else set()
            ids.difference_update(n for n, held in holds.items() if not held)
            ids.update(n for n, held in holds.items() if held)
            if ids:
                encoded[term] = encode_posting(sorted(ids), len(keys))
            else:
                encoded.pop(term, None)
        return encoded

    def _term_edits(
        self, changed: list[int], was: list[bytes], views: Sequence[ItemView]
    ) -> dict[str, dict[int, bool]] | None:
        """Term → id → whether that item now holds it, for each term the ``changed`` texts
        lost or gained; None once there are more than ``TERMS_CHANGED_UP_TO``."""
        edits: defaultdict[str, dict[int, bool]] = defaultdict(dict)
        for n in changed:
            before = set(self.known[was[n]].split("\x00"))
            after = set(self.of(*item_source(views[n])))
            for term in before - after:
                edits[term][n] = False
            for term in after - before:
                edits[term][n] = True
            if len(edits) > TERMS_CHANGED_UP_TO:
                return None
        return edits
