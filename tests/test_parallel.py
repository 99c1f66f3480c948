"""Forked workers read and render a cold build exactly as one process does."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import BUILD_DAY, REPO, copy_sample
from sitetext import files_of

from generator import catalogue
from generator.build import BuildContext, BuildRefused, build_catalogue, pipeline
from generator.build.outputs import make_site
from generator.catalogue import load_catalogue
from generator.incremental import fingerprint
from generator.incremental.itemcache import ItemCache
from generator.incremental.postingcache import KeptPostings
from generator.incremental.update import Reuse
from generator.parallel import processes, reading, terms
from generator.parallel.reading import ParallelReader
from generator.problems import Problem
from generator.search import index
from generator.search.index import ItemTerms, Known, Postings
from generator.site import render
from generator.site.pages import SitePages
from generator.site.select import VARIANTS
from generator.source.items import Item

ITEM_TEMPLATE = "themes/default/templates/item.html"


def use_processes(monkeypatch: pytest.MonkeyPatch, count: int) -> None:
    monkeypatch.setattr(pipeline, "processes_for", lambda items: count)


def test_workers_write_the_bytes_one_process_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both builds record their inputs (.catalogue-inputs), however long after the copy
    # they start: otherwise a build more than RACY_NS after it records them and one less
    # does not, and the outputs differ by how fast the machine was.
    monkeypatch.setattr(fingerprint, "RACY_NS", 0)
    root = copy_sample(tmp_path / "s")
    use_processes(monkeypatch, 1)
    build_catalogue(BuildContext(root, tmp_path / "one", BUILD_DAY), Reuse())
    writers = tmp_path / "writers.log"

    def logged(write: Callable[[Path, Any], None]) -> Callable[[Path, Any], None]:
        def write_logged(path: Path, text: Any) -> None:
            with writers.open("a") as log:  # forked workers cannot report through a list
                staged = path.relative_to(tmp_path).parts[1:]  # under the build's staging folder
                log.write(f"{os.getpid()} {Path(*staged).as_posix()}\n")
            write(path, text)

        return write_logged

    monkeypatch.setattr(render, "write_text", logged(render.write_text))
    monkeypatch.setattr(render, "write_pieces", logged(render.write_pieces))  # the register
    termers = tmp_path / "termers.log"
    real_postings = terms.share_postings

    def logged_postings(*args: Any) -> object:
        with termers.open("a") as log:
            log.write(f"{os.getpid()}\n")
        return real_postings(*args)

    monkeypatch.setattr(terms, "share_postings", logged_postings)
    use_processes(monkeypatch, 3)
    read_in_processes(monkeypatch, 3)  # items read in three; the index's terms in two
    KeptPostings(root).sealed.file.unlink()  # else the first build's postings leave none to make
    build_catalogue(BuildContext(root, tmp_path / "three", BUILD_DAY), Reuse())
    writer_of = dict(line.split()[::-1] for line in writers.read_text().splitlines())
    assert len(set(writer_of.values())) == 3  # the build and two workers rendered
    termed = set(termers.read_text().split())  # this process and a worker for each index
    assert str(os.getpid()) in termed and len(termed) >= 3
    # The reports, while the build writes the indexes: the sites take the workers in turn.
    reports = ["public/budget.html", "kiosk/budget.html", "intranet/register.html"]
    assert [writer_of[page] == str(os.getpid()) for page in reports] == [False] * 3
    assert writer_of["public/budget.html"] != writer_of["kiosk/budget.html"]
    three, one = tmp_path / "three", tmp_path / "one"
    assert files_of(three) == files_of(one)
    assert (one / fingerprint.INPUTS_FILE).is_file()  # compared too


def built_before_a_worker_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample built once; the next build renders every page in its one worker."""
    root = copy_sample(tmp_path / "s")
    build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse())
    use_processes(monkeypatch, 2)
    monkeypatch.setattr(render.Share, "owns", lambda share, page: share.index == 1)
    return root


def test_a_template_error_in_a_worker_names_the_template_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = built_before_a_worker_fails(tmp_path, monkeypatch)
    before = files_of(root / "build")
    template = root / ITEM_TEMPLATE
    lines = template.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(5, "{{ item.no_such_field }}\n")
    template.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(BuildRefused) as refused:
        build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse())
    (problem,) = refused.value.problems
    assert (problem.code, problem.path, problem.line) == ("B001", ITEM_TEMPLATE, 6)
    assert "no_such_field" in problem.message
    assert files_of(root / "build") == before


def test_a_template_error_in_a_report_names_the_template_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reported as the build's own error, from the worker the reports went to."""
    root = copy_sample(tmp_path / "s")
    build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse())
    before = files_of(root / "build")
    use_processes(monkeypatch, 2)  # the one worker writes every report
    template = root / "themes/default/templates/budget.html"
    lines = template.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(3, "{{ years.no_such_field.nor_this }}\n")
    template.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(BuildRefused) as refused:
        build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse(reuse_output=False))
    (problem,) = refused.value.problems
    assert (problem.code, problem.path, problem.line) == (
        "B001",
        "themes/default/templates/budget.html",
        4,
    )
    assert files_of(root / "build") == before


def test_a_worker_that_dies_is_reported_and_the_output_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = built_before_a_worker_fails(tmp_path, monkeypatch)
    before = files_of(root / "build")
    real = SitePages.write

    def killed(pages: SitePages, share: render.Share = render.WHOLE) -> None:
        if share.index == 1:
            os._exit(9)  # as if the system had killed it for memory
        real(pages, share)

    monkeypatch.setattr(SitePages, "write", killed)
    (root / "content/external/rules/2026-budget-performance.md").touch()  # not a no-op
    with pytest.raises(BuildRefused) as refused:
        build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse(reuse_output=False))
    (problem,) = refused.value.problems
    assert problem.code == "B004" and "9" in problem.message
    assert files_of(root / "build") == before


@pytest.mark.parametrize(
    ("module", "stage", "where"),
    [
        (reading, "read_item", "content"),
        (catalogue, "check_item", "content"),
        (terms, "share_postings", "build"),  # the index's postings
    ],
)
def test_a_reading_checking_or_term_worker_that_dies_is_reported_and_the_output_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: Any, stage: str, where: str
) -> None:
    root = copy_sample(tmp_path / "s")
    build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse())
    before = files_of(root / "build")
    builder, real = os.getpid(), getattr(module, stage)

    def killed(*args: Any) -> object:
        if os.getpid() != builder:
            os._exit(9)  # as if the system had killed it for memory
        return real(*args)

    monkeypatch.setattr(module, stage, killed)
    read_in_processes(monkeypatch, 2)
    (root / "content/external/rules/2026-budget-performance.md").touch()  # not a no-op
    with pytest.raises(BuildRefused) as refused:  # the whole output written again
        build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse(reuse_output=False))
    (problem,) = refused.value.problems
    assert (problem.code, problem.path) == ("B004", where) and "9" in problem.message
    assert files_of(root / "build") == before


def read_in_processes(monkeypatch: pytest.MonkeyPatch, count: int) -> None:
    """Items are read in ``count`` processes, however few the sample has."""
    monkeypatch.setattr(processes, "MIN_ITEMS", 1)
    monkeypatch.setattr(processes, "cores", lambda: count)
    monkeypatch.setattr(processes.threading, "active_count", lambda: 1)  # other tests' threads


def test_only_a_single_threaded_process_of_a_fitting_size_forks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:  # as in `catalogue serve`, which rebuilds beside its server threads
        assert processes.processes_for(processes.MIN_ITEMS) == 1
    finally:
        release.set()
        other.join()
    monkeypatch.setattr(processes.threading, "active_count", lambda: 1)  # other tests' threads
    assert processes.processes_for(processes.MIN_ITEMS - 1) == 1
    assert processes.processes_for(processes.MAX_ITEMS + 1) == 1
    assert processes.processes_for(processes.MIN_ITEMS) == min(
        processes.cores(), processes.MAX_WORKERS
    )


def test_items_read_by_workers_equal_items_read_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_sample(tmp_path / "s")
    alone = load_catalogue(root)  # the default reader: one item after another
    readers = tmp_path / "readers.log"
    checkers = tmp_path / "checkers.log"
    real_read = reading.read_item

    def logged(root: Path, file: Path) -> object:
        with readers.open("a") as log:
            log.write(f"{os.getpid()}\n")
        return real_read(root, file)

    real_check = catalogue.check_item

    def logged_check(item: Item, *args: Any) -> list[Problem]:
        with checkers.open("a") as log:
            log.write(f"{os.getpid()}\n")
        return real_check(item, *args)

    monkeypatch.setattr(reading, "read_item", logged)
    monkeypatch.setattr(catalogue, "check_item", logged_check)
    read_in_processes(monkeypatch, 3)
    together = load_catalogue(root, ParallelReader())
    assert len(set(readers.read_text().split())) == 3  # this process and two workers
    assert len(set(checkers.read_text().split())) == 3  # checked where they were read
    checkers.unlink()
    cached = load_catalogue(root, ItemCache(root))
    assert len(set(checkers.read_text().split())) == 3
    for other in (together, cached):
        assert other.items == alone.items and other.problems == alone.problems
    assert len(alone.items) == len(list((root / "content").rglob("*.md")))


def test_postings_worked_out_in_shares_equal_one_process_and_their_terms_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogue = load_catalogue(copy_sample(tmp_path / "s"))
    views = make_site(catalogue, VARIANTS[0], BUILD_DAY, tmp_path / "out").items
    one = ItemTerms()
    alone, reversed_alone = one.postings(views), ItemTerms().postings(views[::-1])
    read_in_processes(monkeypatch, 2)
    sharers = tmp_path / "sharers.log"
    real_postings = terms.share_postings

    def logged_postings(*args: Any) -> tuple[Postings, Known, set[bytes]]:
        with sharers.open("a") as log:
            log.write(f"{os.getpid()}\n")
        return real_postings(*args)

    monkeypatch.setattr(terms, "share_postings", logged_postings)
    shared = terms.ParallelTerms()
    assert shared.postings(views) == alone
    assert len(set(sharers.read_text().split())) == 2  # a worker worked out a share
    assert shared.used == one.used and len(one.used) == len(views)  # what a saved store keeps
    # The worker's terms came back: another output showing these items, in another
    # order, works out none of them again (in either process).
    monkeypatch.setattr(index, "terms_of", lambda title, text: pytest.fail(title))
    assert shared.postings(views[::-1]) == reversed_alone


BUILD_THAT_FORKS = """
import os, signal
from generator.parallel.processes import fork

def worker(connection):
    print(os.getpid(), flush=True)
    signal.pause()

fork(worker)
signal.pause()
"""


def _ended_within(pid: int, seconds: float) -> bool:
    """Did process ``pid`` (no child of ours) end within ``seconds``? Its pidfd becomes
    readable when it does, reaped or not."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([handle], [], [], seconds)[0])
    finally:
        os.close(handle)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel's parent-death signal")
def test_a_worker_ends_with_the_build_killed_under_it() -> None:
    """``kill -9`` of a build must not leave its worker writing beside the output."""
    command = [sys.executable, "-c", BUILD_THAT_FORKS]
    build = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
    worker = 0
    try:
        assert build.stdout is not None
        assert select.select([build.stdout], [], [], 120)[0], "no worker started"
        worker = int(build.stdout.readline())
        assert not _ended_within(worker, 0)
        build.kill()
        build.wait(timeout=120)
        assert _ended_within(worker, 120), "the worker outlived its build"
    finally:
        build.kill()
        build.wait(timeout=120)
        if worker and not _ended_within(worker, 0):
            os.kill(worker, signal.SIGKILL)
