"""How much of a cold build is Pagefind: every index run's CPU, beside the build's own.

    .venv/bin/python bench/pagefind_share.py [--items 10000] [--work /tmp/catalogue-bench]

Builds the benchmark corpus (made by bench/corpus.py, shared with compare.py) cold,
in this process, with each Pagefind run timed as it ends (``os.wait4``: the run's
CPU, its own and its children's). It prints the build's wall time and CPU time (this
process and every child: page workers and Pagefind runs) and how much of that CPU the
Pagefind runs took. Compare the Pagefind share with Hugo + Pagefind's whole CPU time
from compare.py: the cold-build target cannot be met while the first exceeds the second.

It then builds the next day over that output, which makes every file again but lets
Pagefind reuse the index files still current (search.IndexRun): what Pagefind saves
there is about what writing (gzipping) its files costs in a cold build.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from compare import TODAY, ensure_corpus, sync_corpus

from generator import build
from generator.build import BuildContext
from generator.incremental.update import Reuse
from generator.search import pagefind as search


class TimedRuns:
    """Stands in for ``subprocess.run`` while the build runs, recording each Pagefind
    run's CPU seconds; any other command runs as it would."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self.wall: list[float] = []
        self.real_run = subprocess.run

    def __call__(self, command: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
        if "pagefind" not in command:
            return self.real_run(command, **options)
        started = time.monotonic()
        with tempfile.TemporaryFile() as output:
            # Reaped here, not by Popen: wait4 is what reports a finished child's CPU.
            process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            output.seek(0)
            text = output.read().decode("utf-8", "replace")
        self.seconds.append(usage.ru_utime + usage.ru_stime)
        self.wall.append(time.monotonic() - started)
        return subprocess.CompletedProcess(command, process.returncode, text, text)


def cpu_seconds() -> float:
    """This process's CPU time and that of every child it has waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_build(corpus: Path, out: Path, day: dt.date, reuse: bool) -> None:
    """Build ``corpus`` into ``out`` in this process; print its times and Pagefind's share."""
    runs = TimedRuns()
    search.subprocess.run = runs  # type: ignore[assignment]  # the module, for every caller
    cpu, started = cpu_seconds(), time.monotonic()
    try:
        build.build_catalogue(BuildContext(corpus, out, day), Reuse(reuse_output=reuse))
    finally:
        search.subprocess.run = runs.real_run  # type: ignore[assignment]
    wall, cpu = time.monotonic() - started, cpu_seconds() - cpu
    pagefind = sum(runs.seconds)
    print(f"  {wall:.1f} s wall, {cpu:.1f} s CPU")
    print(
        f"  Pagefind: {len(runs.seconds)} runs, {pagefind:.1f} s CPU ({pagefind / cpu:.0%}), "
        f"{sum(runs.wall):.1f} s of runs end to end"
    )
    print(f"  everything else (reading, checking, rendering, writing): {cpu - pagefind:.1f} s CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/catalogue-bench"))
    args = parser.parse_args()
    corpus = ensure_corpus(args.work, args.items)
    sync_corpus(corpus)
    out = args.work / f"pagefind-share-{args.items}"
    shutil.rmtree(out, ignore_errors=True)
    print(f"cold build of {args.items} items:")
    timed_build(corpus, out, TODAY, reuse=False)
    print("the next day's build over it (every file made again, current index files reused):")
    timed_build(corpus, out, TODAY + dt.timedelta(days=1), reuse=True)
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
