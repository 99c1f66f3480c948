"""Rendering a cold build's pages on every core.

After the catalogue is loaded and its sites planned, the build forks worker
processes; the build's own process and each worker render a share of every
site's pages (render.Share). An item's pages in all outputs fall in one share,
so each body is still rendered once. A worker reports each site when its share
of it is written, with the keys of the files it wrote.

Then the workers write the sites' reports (the staff pages take as long as an
index) while the build process writes the indexes and exports: each site's
reports go to one worker, which sends back the pages they listed, since the
sitemap and the data's key count them. An update (incremental/update.py) writes
its changed pages in the build process, so its workers only write the reports,
starting as the pages do; the build adds the pages a worker listed after its own.
When to fork: processes.py.
"""

from __future__ import annotations

import gc
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from ..output.files import OutputFiles
from ..problems import Problem
from ..site.pages import SitePages
from ..site.render import WHOLE, Share
from .processes import WorkerDied, fork, stop


class WorkerFailed(Exception):
    """A worker could not render its share; ``problem`` says why, or ``trace`` for a bug."""

    def __init__(self, problem: Problem | None, trace: str = "") -> None:
        super().__init__(trace or (problem.message if problem else "worker failed"))
        self.problem = problem
        self.trace = trace


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection
    sites: set[str] = field(default_factory=set)  # the sites it has finished
    reports: dict[str, list[str]] = field(default_factory=dict)  # site → the pages they listed


ProblemFor = Callable[[BaseException], Problem | None]
Reports = Callable[[SitePages], None]  # writes the reports of a site whose pages are written


class PageWorkers:
    """The worker processes of one build; a context manager that forks them on entry.

    ``share`` is the build's own share. Workers record their files' keys in
    ``files``. ``problem_for`` turns an exception raised in a worker into the
    problem to report (None: a bug, reported with its trace). ``reports`` writes
    a site's reports, in a worker where there is one (``write_reports``).
    ``pages_written``: the build process writes the sites' pages (an update's),
    workers write only reports.
    """

    def __init__(
        self,
        sites: list[SitePages],
        files: OutputFiles,
        processes: int,
        problem_for: ProblemFor,
        reports: Reports,
        pages_written: bool = False,
    ) -> None:
        self.sites = sites
        self.files = files
        self.count = processes
        self.problem_for = problem_for
        self.reports = reports
        self.pages_written = pages_written
        self.share = Share(0, processes) if processes > 1 else WHOLE
        self.workers: list[_Worker] = []

    def __enter__(self) -> PageWorkers:
        if self.count > 1:
            gc.freeze()  # until the build ends: collecting would write to every shared object
            for index in range(1, self.count):
                self.workers.append(_Worker(*fork(self._render, Share(index, self.count))))
        return self

    def __exit__(self, *exc: object) -> None:
        stop([(w.process, w.connection) for w in self.workers])

    def _render(self, share: Share, connection: Connection) -> None:
        """In a worker: render ``share`` of every site, reporting each with its files' keys;
        then write the reports given to this worker, each sent with the pages it listed."""
        written = self.files.manifest.files
        try:
            for pages in [] if self.pages_written else self.sites:
                written.clear()
                pages.write(share)
                connection.send(("site", (pages.site.variant.name, dict(written))))
            for pages in self.sites:
                if self._reporter(pages) == share.index - 1:
                    written.clear()
                    listed = len(pages.site.pages)
                    self.reports(pages)
                    report = (pages.site.variant.name, dict(written), pages.site.pages[listed:])
                    connection.send(("reports", report))
        except BaseException as exc:  # reported to the build, which stops
            problem = self.problem_for(exc)
            if problem is not None:
                connection.send(("problem", problem))
            else:
                connection.send(("bug", traceback.format_exc()))
        finally:
            connection.close()

    def wait_for(self, variant: str) -> None:
        """Until every worker has written its share of ``variant``'s pages; their
        files' keys are added to the build's manifest as they report."""
        while pending := [w for w in self.workers if variant not in w.sites]:
            ready = wait([w.connection for w in pending])
            for worker in pending:
                if worker.connection in ready:
                    self._receive(worker)

    def _reporter(self, pages: SitePages) -> int:
        """Which worker writes the reports of ``pages``: the sites go round them in turn."""
        return self.sites.index(pages) % (self.count - 1)

    def write_reports(self, pages: SitePages) -> None:
        """The reports of ``pages`` written: by the worker they went to (waiting for it,
        and listing the pages it listed here too), or here if there are no workers."""
        if not self.workers:
            self.reports(pages)
            return
        worker = self.workers[self._reporter(pages)]
        variant = pages.site.variant.name
        while variant not in worker.reports:
            self._receive(worker)
        pages.site.pages += worker.reports.pop(variant)

    def _receive(self, worker: _Worker) -> None:
        try:
            kind, payload = worker.connection.recv()
        except EOFError:
            died = WorkerDied(worker.process)
            raise WorkerFailed(Problem.make("B004", "build", 1, how=died.how)) from None
        if kind == "site":
            variant, keys = payload
            self.files.manifest.files.update(keys)
            worker.sites.add(variant)
        elif kind == "reports":
            variant, keys, listed = payload
            self.files.manifest.files.update(keys)
            worker.reports[variant] = listed
        elif kind == "problem":
            raise WorkerFailed(payload)
        else:
            raise WorkerFailed(None, payload)
