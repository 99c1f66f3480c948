"""Working out an output's postings on two cores, before its index is written.

The index (``search/index.py``) maps each term to the items holding it: most of an
index's time at 10,000 items. Here each of two processes works out the terms and
postings of a consecutive share of the items, and the build joins them: a share's
ids all come before the next share's, so each term's ids stay in ascending order.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence

from ..problems import Problem
from ..search.index import ItemTerms, Known, Postings
from ..site.views import ItemView
from .processes import WorkerDied, map_shares
from .rendering import WorkerFailed

# The page workers live until the indexes are written, so these run beside them: one
# process more than ``processes.MAX_WORKERS``, and only where that one's copy-on-write
# memory is small. It reads its share's views and sends back their postings and terms:
# at 10,000 items the build's peak was 736 and 804 MiB in two runs of compare.py
# (48c8b8c, 20d0e10; 694 MiB at dff5b64, when it sent back terms alone).
UP_TO_ITEMS = 20_000


class ParallelTerms(ItemTerms):
    """Postings of an output's items, worked out in shares, one in a forked worker."""

    def postings(self, views: Sequence[ItemView]) -> Postings:
        if not self.keep or len(views) > UP_TO_ITEMS:
            return super().postings(views)
        share = functools.partial(share_postings, self)  # looked up now: tests watch it
        try:
            parts = map_shares(share, list(enumerate(views)), most=2)
        except WorkerDied as died:
            raise WorkerFailed(Problem.make("B004", "build", 1, how=died.how)) from None
        for _, learned, used in parts:
            self.known.update(learned)  # for the other outputs that show these items
            self.used |= used
        return joined([found for found, _, _ in parts])


def share_postings(
    terms: ItemTerms, numbered: Sequence[tuple[int, ItemView]]
) -> tuple[Postings, Known, set[bytes]]:
    """The postings of a share of an output's items (with their ids), the terms the
    share worked out and the keys of the texts used: a worker's copy of ``terms``
    would keep both to itself."""
    before = len(terms.known)
    found = terms.numbered_postings(numbered)
    # What ``of`` added to ``known``: its last keys, as a dict keeps them in order.
    return found, dict(itertools.islice(terms.known.items(), before, None)), terms.used


def joined(parts: list[Postings]) -> Postings:
    """The postings of consecutive shares as one: each term's ids in share order."""
    found, *rest = parts
    for part in rest:
        for term, ids in part.items():
            earlier = found.get(term)
            if earlier is None:
                found[term] = ids
            else:
                earlier.extend(ids)
    return found
