"""Views and selections kept from one build to the next."""

from __future__ import annotations

from typing import Any

from ..catalogue import Catalogue
from ..site.select import VARIANTS
from ..site.views import Shown, Views, selection_facts


class ViewCache(Views):
    """Views of items and what each output shows, kept while the items are.

    A view is made from its item, catalog.yaml and the day only, so within one
    build every output shares it, and ``catalogue serve`` keeps it between
    rebuilds for an unchanged item (the same object, from the item cache) while
    the build digest is the same. What an output shows is kept too, with the
    ``selection_facts`` of every item it was selected from: an edit usually
    changes nothing selection looks at, and then the next build swaps the edited
    items into the last selection instead of selecting afresh. ``catalogue build``
    keeps the selections beside its output (lastbuild.py), by item path.
    """

    def __init__(self) -> None:
        super().__init__()
        self.build = ""
        self.builds = 0  # builds started: what a build remembers can tell it was the last
        self.changed: set[str] = set()  # items new or changed since the last build, by path
        self.selects_as_before = False  # the selections of the last build still hold
        # Each item of the catalogue the kept selections were made of: its page digest
        # (items.py) and its selection facts, by path.
        self._basis: dict[str, tuple[str, str]] = {}
        self._failing: set[str] = set()
        # The same, as a saved cache holds them: shown items by path, and ``replaced``.
        self._kept: dict[str, tuple[list[str], dict[str, list[str]]]] = {}

    def start(self, build: str, catalogue: Catalogue) -> None:
        """Begin a build with digest ``build`` (pagecache.build_digest) of ``catalogue``."""
        self.builds += 1
        if build != self.build:
            self.build, self._views, self._basis, self._shown, self._kept = build, {}, {}, {}, {}
        current, known = catalogue.by_path, self._basis
        self._views = {path: v for path, v in self._views.items() if path in current}
        self.changed = {
            path
            for path, item in current.items()
            if path not in known or known[path][0] != item.page_digest()
        }
        failing = catalogue.failing()
        self.selects_as_before = self._selects_as_before(catalogue, failing)
        if not self.selects_as_before:
            self._shown, self._kept = {}, {}
        elif self._kept:  # read from a saved cache
            variants = {v.name: v for v in VARIANTS}
            self._shown = {
                name: Shown(catalogue, variants[name], [current[p] for p in paths], replaced, paths)
                for name, (paths, replaced) in self._kept.items()
            }
            self._kept = {}
        else:
            new = {path: current[path] for path in self.changed}
            self._shown = {n: shown.swapped(catalogue, new) for n, shown in self._shown.items()}
        if len(known) + len(self.changed - known.keys()) != len(current):
            self._basis = known = {p: b for p, b in known.items() if p in current}
        for path in self.changed:
            item = current[path]
            known[path] = (item.page_digest(), selection_facts(item, catalogue.config))
        self._failing = failing

    def _selects_as_before(self, catalogue: Catalogue, failing: set[str]) -> bool:
        """Whether the kept selections hold for ``catalogue``: the same files, the same
        failing ones, and each changed item with the facts of the one it replaces."""
        config, current, known = catalogue.config, catalogue.by_path, self._basis
        return (
            len(current) == len(known)
            and all(path in known for path in self.changed)
            and failing == self._failing
            and len(self.changed) <= SWAP_AT_MOST
            and all(
                selection_facts(current[path], config) == known[path][1] for path in self.changed
            )
        )

    # Kept beside the output of ``catalogue build`` (lastbuild.py): the selections by
    # item path, for ``start`` to look up in the next build's catalogue.
    def __getstate__(self) -> dict[str, object]:
        return {
            "build": self.build,
            "builds": self.builds,
            "basis": dict(sorted(self._basis.items())),
            "failing": sorted(self._failing),
            "kept": {n: ([i.path for i in s.items], s.replaced) for n, s in self._shown.items()},
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        ViewCache.__init__(self)
        self.build, self.builds, self._basis = state["build"], state["builds"], state["basis"]
        self._failing, self._kept = set(state["failing"]), state["kept"]


SWAP_AT_MOST = 20  # more changed items than this: selecting afresh is as quick
