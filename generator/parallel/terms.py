"""Working out an output's item terms on every core, before its index is written.

The index (``search/index.py``) asks for each item's terms in turn; at 10,000 items
that is a third of a cold build's indexing, on one core while the other has
nothing left to do. Here the terms it will ask for are worked out at once, in
shares over forked workers (``processes_for``), and kept for it.
"""

from __future__ import annotations

from ..search.index import ItemTerms, joined_terms
from .processes import map_in_processes, processes_for


class ParallelTerms(ItemTerms):
    """Item terms an index is about to ask for, worked out in forked workers."""

    def prepare(self, sources: list[tuple[str, str]]) -> None:
        if not self.keep:
            return  # a catalogue this large stays in one process (processes.py)
        missing = self.missing(sources)
        if processes_for(len(missing)) > 1:
            self.learn(missing, map_in_processes(joined_terms, missing))
