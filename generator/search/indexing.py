"""The search stage: which Pagefind index shards each output has, and running them.

Pagefind builds the public site's index; the intranet indexes only the pages the
public site lacks and merges copies of the public shards at search time; the
kiosk has its own script index (kiosk.py). Index runs go on in the background
while the rest of the build renders.
"""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..output.files import OutputFiles
from ..site.select import PUBLIC, Variant
from ..site.views import Site
from .pagefind import (
    PAGEFIND_DIR,
    PUBLIC_INDEX_DIR,
    IndexRun,
    shard_names,
    share_index,
    split_into_shards,
)


@dataclass
class IndexShard:
    """One Pagefind index folder of an output and the item pages it covers."""

    variant: str
    folder: str
    pages: list[str]
    copy_of: IndexShard | None = None  # a public shard that the intranet merges

    @property
    def path(self) -> str:
        return f"{self.variant}/{self.folder}/"

    def key(self, files: OutputFiles) -> str:
        """Equal keys: the same pages with the same content, so the same index."""
        if self.copy_of is not None:
            return self.copy_of.key(files)
        pages = [f"{url}={files.manifest.files[f'{self.variant}/{url}']}" for url in self.pages]
        return hashlib.sha256("\n".join([self.path, *pages]).encode()).hexdigest()


def merged_index(variant: Variant) -> Variant | None:
    """The output whose index ``variant`` searches with its own: the public site's, for
    every output but the public site and the kiosk (which has its own script index)."""
    return None if variant == PUBLIC or variant.touch else PUBLIC


def plan_search(sites: list[Site]) -> list[IndexShard]:
    """Every Pagefind index shard of the build; sets each site's ``merge_indexes``.

    Indexing is the slowest stage, so the public pages are indexed once and the
    intranet indexes only the pages the public site lacks, merging copies of the
    public shards at search time. The kiosk has its own script index.
    """
    public = next((s for s in sites if s.variant == PUBLIC), None)
    in_public = [v.url for v in public.items] if public else []
    shards = _shards(public.variant.name, PAGEFIND_DIR, in_public) if public else []
    public_shards = list(shards)
    for site in sites:
        if merged_index(site.variant) is None:
            continue
        own = [v.url for v in site.items if site.indexes(v)]
        mine = _shards(site.variant.name, PAGEFIND_DIR, own) if own else []
        names = shard_names(PUBLIC_INDEX_DIR, len(public_shards))
        if not mine:  # nothing of its own: the public index is its index
            names[0] = PAGEFIND_DIR
        copies = [
            IndexShard(site.variant.name, name, shard.pages, shard)
            for name, shard in zip(names, public_shards, strict=True)
        ]
        shards += mine + copies
    for site in sites:
        site.merge_indexes = [
            s.folder for s in shards if s.variant == site.variant.name and s.folder != PAGEFIND_DIR
        ]
    return shards


def _shards(variant: str, base: str, pages: list[str]) -> list[IndexShard]:
    groups = split_into_shards(pages)
    names = shard_names(base, len(groups))
    return [IndexShard(variant, name, group) for name, group in zip(names, groups, strict=True)]


class Indexing:
    """Pagefind runs in the background while the build goes on.

    One run at a time while pages are rendering on every core; then ``widen``
    lets as many run at once as processes rendered the pages (each run over a
    shard holds a few hundred MB: see pagefind.SHARD_PAGES).

    A public shard that the intranet merges is copied once it is indexed; the
    copies are made by ``wait``, after every index run has finished.

    ``earlier`` is the previous output, if any: a run reuses the files of its
    shard's earlier index that are still current (pagefind.IndexRun).
    """

    def __init__(
        self,
        pages_root: Path,
        write_root: Path,
        runs_at_once: int = 1,
        earlier: Path | None = None,
    ) -> None:
        self.pages_root, self.write_root, self.earlier = pages_root, write_root, earlier
        self.pool = ThreadPoolExecutor(max_workers=runs_at_once)
        self.slots = threading.Semaphore(1)
        self.held = runs_at_once - 1  # slots released by ``widen``
        self.runs: list[tuple[IndexRun, Future[None]]] = []  # each run, and its outcome
        self.copies: list[IndexShard] = []

    def __enter__(self) -> Indexing:
        return self

    def __exit__(self, *exc: object) -> None:
        self.pool.shutdown(cancel_futures=True)  # waits for the runs already started
        for run, _ in self.runs:  # the folders of runs cancelled before they started
            run.discard()

    def add(self, shard: IndexShard) -> None:
        """Index ``shard`` in the background; its files are linked for the run now."""
        if shard.copy_of is not None:
            self.copies.append(shard)
            return
        earlier = self.earlier / shard.path if self.earlier is not None else None
        site = self.pages_root / shard.variant
        run = IndexRun(site, shard.pages, self.write_root / shard.path, earlier)
        self.runs.append((run, self.pool.submit(self._index, run)))

    def _index(self, run: IndexRun) -> None:
        with self.slots:
            run.run()

    def widen(self) -> None:
        """The pages are written: let the runs use every core the pages used."""
        for _ in range(self.held):
            self.slots.release()
        self.held = 0

    def wait(self) -> None:
        """Until every shard is indexed or copied; raises the first index run's error."""
        for _, outcome in self.runs:
            outcome.result()
        for shard in self.copies:
            assert shard.copy_of is not None
            source = self.write_root / shard.copy_of.path
            if not source.is_dir():  # not indexed again: the output's copy is current
                source = self.pages_root / shard.copy_of.path
            share_index(source, self.write_root / shard.path)
