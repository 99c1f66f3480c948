"""How many processes a cold build uses, and mapping a function over forked workers.

Forking shares everything already loaded without copying or pickling it. It
is only safe from a process with a single thread (``catalogue serve`` rebuilds
in a thread, so it works alone), and each worker's memory grows towards a copy
of what it touches, so very large catalogues stay in one process.
"""

from __future__ import annotations

import ctypes
import functools
import multiprocessing
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import TypeVar

MAX_WORKERS = 4  # processes in all, the build's own included
MIN_ITEMS = 1_000  # below this, forking costs more than it saves
# Beyond this many items a worker's copy-on-write memory could break the memory
# target (4 GB for 100,000 items); one process does the work.
MAX_ITEMS = 40_000


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def processes_for(items: int) -> int:
    """How many processes should read or render ``items`` items, this one included."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return 1
    if not MIN_ITEMS <= items <= MAX_ITEMS:
        return 1
    return min(cores(), MAX_WORKERS)


In = TypeVar("In")
Out = TypeVar("Out")


Worker = tuple[BaseProcess, Connection]  # a forked process and the pipe end it reports to


class WorkerDied(Exception):
    """A forked worker ended without reporting back: killed, most likely for want of memory."""

    def __init__(self, process: BaseProcess) -> None:
        process.join()
        code = process.exitcode or 0
        self.how = f"被系统信号 {-code} 终止" if code < 0 else f"退出码 {code}"  # for B004
        super().__init__(self.how)


def fork(target: Callable[..., None], *args: object) -> Worker:
    """Start ``target(*args, connection)`` in a forked process; ``connection`` is
    the end of a pipe the caller reads from."""
    assert threading.current_thread() is threading.main_thread(), "see _with_parent"
    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe(duplex=False)
    process = context.Process(target=_with_parent, args=(os.getpid(), target, *args, theirs))
    process.start()
    theirs.close()
    return process, ours


PR_SET_PDEATHSIG = 1  # prctl(2): the signal this process gets when its parent dies
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


def _with_parent(parent: int, target: Callable[..., None], *args: object) -> None:
    """Run ``target(*args)`` in a worker that ends when the build that forked it does.

    A build killed with ``kill -9`` runs no ``stop``: its worker would go on writing into
    the build's folder beside the output (a step of an update), which the next build
    removes as stale and the worker could make again. On Linux the kernel ends it with
    its parent: strictly, with the thread that forked it, so ``fork`` is called from the
    main thread alone (``processes_for`` forks nothing once there are others). Elsewhere,
    or if the kernel refuses, it still finishes its work first."""
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # -1 on refusal: no worse than before
    if os.getppid() != parent:  # the build died before the kernel was asked
        os._exit(1)
    target(*args)


def stop(workers: Sequence[Worker]) -> None:
    """End ``workers``: those still running (after a failure elsewhere) are killed."""
    for process, connection in workers:
        if process.is_alive():
            process.kill()
        process.join()
        connection.close()


def map_in_processes(
    function: Callable[[In], Out], inputs: Sequence[In], most: int = MAX_WORKERS
) -> list[Out]:
    """``[function(x) for x in inputs]``, in shares over forked workers (``map_shares``)."""
    shares = map_shares(functools.partial(_map, function), inputs, most)
    return [out for share in shares for out in share]


def map_shares(
    function: Callable[[Sequence[In]], Out], inputs: Sequence[In], most: int = MAX_WORKERS
) -> list[Out]:
    """``function`` of each share of ``inputs`` (consecutive runs, in order): the
    first in this process, the others in forked workers (``processes_for``, at most
    ``most`` processes in all) that send their results back."""
    count = min(processes_for(len(inputs)), most)
    if count == 1:
        return [function(inputs)]
    size = -(-len(inputs) // count)
    shares = [inputs[i : i + size] for i in range(0, len(inputs), size)]
    workers = [fork(_share, function, share) for share in shares[1:]]
    try:
        results = [function(shares[0])]
        for process, connection in workers:
            try:
                kind, payload = connection.recv()
            except EOFError:
                raise WorkerDied(process) from None
            if kind != "done":
                raise RuntimeError(payload)
            results.append(payload)
        return results
    finally:
        stop(workers)


def _map(function: Callable[[In], Out], share: Sequence[In]) -> list[Out]:
    return [function(x) for x in share]


def _share(
    function: Callable[[Sequence[In]], Out], share: Sequence[In], connection: Connection
) -> None:
    try:
        connection.send(("done", function(share)))
    except BaseException:
        connection.send(("bug", traceback.format_exc()))
    finally:
        connection.close()
