"""Working out an output's item terms on two cores, before its index is written.

The index (``search/index.py``) asks for each item's terms in turn: at 10,000 items
a third of its time, in the build process, while the other core writes reports
(a build afresh) or has nothing to do (an update, once its reports are written).
Here the terms it will ask for are worked out at once, half of them in a forked
worker, and kept for it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..problems import Problem
from ..search.index import ItemTerms, item_source, joined_terms
from ..site.views import ItemView
from .processes import WorkerDied, map_in_processes, processes_for
from .rendering import WorkerFailed

# The page workers live until the indexes are written, so these run beside them: one
# process more than ``processes.MAX_WORKERS``, and only where that one's copy-on-write
# memory is small (at 10,000 items the build's peak was 844 MiB with it; 847 MiB at
# 543265d, without it).
UP_TO_ITEMS = 20_000


class ParallelTerms(ItemTerms):
    """Item terms an index is about to ask for, worked out in a forked worker."""

    def each(self, views: Sequence[ItemView]) -> Iterator[list[str]]:
        if not self.keep or len(views) > UP_TO_ITEMS:
            return super().each(views)
        sources = [item_source(view) for view in views]  # made once, for both passes
        self._work_out(sources)
        return (self.of(title, text) for title, text in sources)

    def _work_out(self, sources: list[tuple[str, str]]) -> None:
        missing = self.missing(sources)
        if processes_for(len(missing)) == 1:
            return
        try:
            self.learn(missing, map_in_processes(joined_terms, missing, most=2))
        except WorkerDied as died:
            raise WorkerFailed(Problem.make("B004", "build", 1, how=died.how)) from None
