"""Each output's encoded postings, kept between builds: an edit changes a few of them.

An index's postings (search/index.py) follow from its items' titles and texts in id
order and nothing else. An edit usually changes texts in place (items are numbered by
date, and a body changed), so only the postings of the terms those texts lost or
gained change. At 10,000 items, working out and encoding every posting again took
about 3 s of a 9 s edit build (bench/README.md, "Build cost").

The file keeps, per output, the digests of its texts in id order and its encoded
postings. Where the digests differ only in place, the kept terms (termcache.py) say
what the old texts held and at most ``TERMS_CHANGED_UP_TO`` terms changed, those terms'
postings are changed. Where items came or went (a new item, the newest, moves every
older one by one id), every posting is moved (``Move``) and the new texts' terms
added, if at most ``MOVED_UP_TO`` texts lie between the first and the last that
changed; otherwise all are made afresh. The result is what a build afresh makes,
byte for byte: the same ids go through the same ``encode_posting``. Sealed like every
cache (sealed.py): postings from a file anyone else wrote would make the search find
what the pages do not say.
"""

from __future__ import annotations

import base64
import bisect
import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..parallel.terms import ParallelTerms
from ..search.index import (
    SOURCE_KEY_SIZE,
    Encoded,
    Known,
    decode_posting,
    encode_bits,
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
# Beyond this many texts between the first and the last changed, where items came or
# went, making every posting afresh is quicker. Moving every posting takes about
# 0.3 s at 10,000 items; making them afresh 1.5 s.
MOVED_UP_TO = 200

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
        afresh (too many texts or terms changed)."""
        if last is None:
            return None
        order, encoded = last
        size = SOURCE_KEY_SIZE
        was = [order[start : start + size] for start in range(0, len(order), size)]
        if len(was) != len(keys):
            return self._moved(encoded, Move.between(was, keys), keys, views)
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

    def _moved(
        self, encoded: Encoded, move: Move, keys: list[bytes], views: Sequence[ItemView]
    ) -> Encoded | None:
        """The last build's postings moved to this build's ids, with the terms of the texts
        now in the span that changed; None where that span is too long, or the kept terms
        lack a text outside it (the next edit of it would need them)."""
        if move.new_end - move.start > MOVED_UP_TO or move.old_end - move.start > MOVED_UP_TO:
            return None
        outside = itertools.chain(keys[: move.start], keys[move.new_end :])
        if any(key not in self.known for key in outside):
            return None  # the kept terms lack some: made afresh, which works them out for later
        added: defaultdict[str, list[int]] = defaultdict(list)
        for n in range(move.start, move.new_end):
            for term in dict.fromkeys(self.of(*item_source(views[n]))):
                added[term].append(n)
        self.used.update(keys)
        count = len(keys)
        moved: Encoded = {}
        for term, posting in encoded.items():
            if (found := move.posting(posting, added.pop(term, []), count)) is not None:
                moved[term] = found
        for term, ids in added.items():  # terms no text held before
            moved[term] = encode_posting(ids, count)
        return moved

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


@dataclass(frozen=True)
class Move:
    """From the last build's ids to this build's: the items before ``start`` keep their
    ids, those from ``old_end`` on move by ``new_end - old_end``, and those between are
    gone; the items now between ``start`` and ``new_end`` are new (or changed)."""

    start: int
    old_end: int
    new_end: int

    @classmethod
    def between(cls, was: Sequence[bytes], keys: Sequence[bytes]) -> Move:
        """The shortest span outside which ``was`` and ``keys`` (texts' digests in id
        order) hold the same texts in the same order."""
        most = min(len(was), len(keys))
        start = 0
        while start < most and was[start] == keys[start]:
            start += 1
        end = 0
        while end < most - start and was[-1 - end] == keys[-1 - end]:
            end += 1
        return cls(start, len(was) - end, len(keys) - end)

    def posting(self, posting: str, added: list[int], count: int) -> str | None:
        """``posting`` moved, with the ``added`` ids (ascending, in the new span), encoded
        for ``count`` items; None if it holds no id."""
        data = base64.b64decode(posting)
        if data[0] == 0:  # a bitmap moves as one large integer: no step per id
            bits = int.from_bytes(data[1:], "little")
            bits = bits & ((1 << self.start) - 1) | bits >> self.old_end << self.new_end
            for n in added:
                bits |= 1 << n
            return encode_bits(bits, count) if bits else None
        ids = decode_posting(posting)
        low, high = bisect.bisect_left(ids, self.start), bisect.bisect_left(ids, self.old_end)
        by = self.new_end - self.old_end
        ids = ids[:low] + added + [n + by for n in ids[high:]]
        return encode_posting(ids, count) if ids else None
