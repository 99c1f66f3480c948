"""Where a cold build's memory goes: the largest resident set of each stage.

Runs `catalogue build` in this process (no earlier output, no item cache) and prints,
at each of the build's stage lines and around each output's reports, exports and
search index, the largest resident set since the line before and the set now; then
the same for the end of the build (its records and the item cache saved), and the
process's peak (`ru_maxrss`). A sampling thread reads the resident set
every 50 ms; while it runs the build uses one process, as it does anyway above 40,000
items (`parallel/processes.py`).

    .venv/bin/python bench/memory_stages.py CORPUS OUT [--today YYYY-MM-DD]

At 100,000 items this is the figure the 4 GiB target is about (README, "Build cost").
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.build import context, outputs, pipeline  # noqa: E402
from generator.cli import main  # noqa: E402
from generator.incremental.fingerprint import INPUTS_FILE  # noqa: E402
from generator.incremental.itemcache import CACHE_FILE  # noqa: E402
from generator.search.index import IndexWriter  # noqa: E402
from generator.site import exports  # noqa: E402

SAMPLE_SECONDS = 0.05


def resident_mib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


class Sampler:
    """The largest resident set since ``lap`` was last called."""

    def __init__(self) -> None:
        self.largest = resident_mib()
        self.start = time.monotonic()
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while True:
            self.largest = max(self.largest, resident_mib())
            time.sleep(SAMPLE_SECONDS)

    def lap(self, what: str) -> None:
        now = resident_mib()
        largest, self.largest = max(self.largest, now), now
        seconds = time.monotonic() - self.start
        print(f"{seconds:7.1f} s  largest {largest:6d} MiB  now {now:6d} MiB  {what}", flush=True)


def watched(sampler: Sampler, function: Callable[..., Any], what: str) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        sampler.lap(f"(before {what})")
        result = function(*args, **kwargs)
        sampler.lap(f"  {what}")
        return result

    return run


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--today", default="2026-11-26")
    args = parser.parse_args()
    if args.out.exists() and not (args.out / INPUTS_FILE).is_file():
        parser.error(f"{args.out} exists and is not a build's output: not removing it")
    shutil.rmtree(args.out, ignore_errors=True)
    (args.corpus / CACHE_FILE).unlink(missing_ok=True)  # a cold build: every item read
    sampler = Sampler()
    context.BuildContext.stage_done = lambda self, text: sampler.lap(text)  # type: ignore[method-assign]
    pipeline._write_site_reports = watched(sampler, pipeline._write_site_reports, "reports")
    exports.write_exports = watched(sampler, exports.write_exports, "exports")
    outputs.write_exports = exports.write_exports
    IndexWriter.write = watched(sampler, IndexWriter.write, "search index")  # type: ignore[method-assign]
    build = ["--root", str(args.corpus), "build", "--today", args.today, "--out", str(args.out)]
    try:
        main(build, standalone_mode=False)
    finally:
        sampler.lap("end (the build records and the item cache saved)")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(f"peak resident set (ru_maxrss): {peak} MiB", flush=True)


if __name__ == "__main__":
    run()
