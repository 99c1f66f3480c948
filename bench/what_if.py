"""Where the cold build's gap to Hugo + Pagefind comes from: builds with parts swapped out.

    .venv/bin/python bench/what_if.py [--items 10000] [--runs 3] [--work /tmp/catalogue-bench]

Each round times Hugo + Pagefind on the corpus's Hugo copy (as compare.py does), then
cold builds of the corpus with this generator, as it is and with parts of the work
swapped out. Rounds interleave them, so a busy spell of the shared box is spread over
them rather than falling on one:

  as-is          the real build
  no-markdown    every body as one escaped paragraph: a Markdown engine that costs nothing
  public-only    the public website alone, without the kiosk and the intranet
  all-two        both of the above, the nearest to Hugo + Pagefind's work (it still reads
                 and checks every item and writes listings, feeds, exports and reports)

It prints the medians and each build's ratio to Hugo + Pagefind. These builds are
experiments; nothing here is a way to build the catalogue. (The native-search swap
went with Pagefind: the build now writes its own index, docs/decisions/0002.)
"""

from __future__ import annotations

import argparse
import html
import os
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from compare import (
    SAFE_MIB,
    TODAY,
    Tools,
    cold_hugo,
    ensure_corpus,
    ensure_tools,
    export_sites,
    measure,
    remove_earlier,
    set_aside,
    sync_corpus,
)

SWAPS = ("no-markdown", "public-only")
BUILDS = {
    "as-is": (),
    "no-markdown": ("no-markdown",),
    "public-only": ("public-only",),
    "all-two": SWAPS,
}
Timed = tuple[float, float]  # wall and CPU seconds


def swap_out(swaps: set[str]) -> None:
    """Patch this process's generator (and the page workers it forks) for ``swaps``."""
    from generator.build import outputs
    from generator.site import pages
    from generator.source import rendered

    if "no-markdown" in swaps:
        # Reading converts each body once (for the checks, the derived text and, where
        # no link needs resolving, every output's page); item pages convert the rest.
        rendered._markdown_html = lambda body: f"<p>{html.escape(body)}</p>"
        pages.render_body = lambda body, *_, **__: f"<p>{html.escape(body)}</p>"
    if "public-only" in swaps:
        outputs.VARIANTS = outputs.VARIANTS[:1]


def build_swapped(corpus: Path, out: Path, swaps: set[str]) -> None:
    """In a child process: one cold build of ``corpus`` into ``out`` with ``swaps``."""
    swap_out(swaps)
    from generator.build import BuildContext, build_catalogue
    from generator.incremental.update import Reuse

    build_catalogue(BuildContext(corpus, out, TODAY), Reuse(reuse_output=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/catalogue-bench"))
    parser.add_argument("--build", nargs=3, metavar=("CORPUS", "OUT", "SWAPS"), help="(internal)")
    args = parser.parse_args()
    if args.build:
        corpus, out, swaps = args.build
        build_swapped(Path(corpus), Path(out), set(filter(None, swaps.split(","))))
        return
    work = args.work
    corpus = ensure_corpus(work, args.items)
    sync_corpus(corpus)
    hugo_site, _ = export_sites(corpus, work, args.items)
    tools = ensure_tools(work, {"hugo", "pagefind"})
    if not tools.hugo or not tools.pagefind:
        sys.exit(f"Hugo or Pagefind is not available: {tools.problems}")
    out, logs = work / f"what-if-{args.items}", work / "logs"
    times: dict[str, list[Timed]] = {"hugo+pagefind": []}
    with set_aside(work):  # no run follows a mass deletion (compare.remove_earlier)
        for k in range(1, args.runs + 1):
            print(f"run {k}: load average {os.getloadavg()[0]:.1f} at its start", flush=True)
            times["hugo+pagefind"].append(hugo_and_pagefind(tools, hugo_site, logs, k))
            for name, swaps in BUILDS.items():
                cmd = [sys.executable, __file__, "--build", corpus, out, ",".join(swaps)]
                remove_earlier(out)
                times.setdefault(name, []).append(timed(name, k, cmd, work, logs))
        remove_earlier(out)
        report(times, args.items, args.runs)  # before the set-aside outputs are deleted


def timed(name: str, k: int, cmd: Sequence[str | Path], cwd: Path, logs: Path) -> Timed:
    """Run ``cmd`` (run ``k`` of ``name``); its wall and CPU seconds, or exit if it failed."""
    log = logs / f"what-if-{name}-{k}.log"
    sample = measure(cmd, cwd, log, kill_above_mib=SAFE_MIB, timeout=3600, memory=False)
    if not sample.ok:
        sys.exit(f"{name} failed, see {log}")
    print(f"run {k}: {name:14} {sample.wall:6.1f} s wall {sample.cpu:6.1f} s CPU", flush=True)
    return sample.wall, sample.cpu


def hugo_and_pagefind(tools: Tools, site: Path, logs: Path, k: int) -> Timed:
    """Hugo cold, then Pagefind on its pages, as compare.py runs them; their sums."""
    assert tools.hugo and tools.pagefind
    hugo = timed("hugo", k, cold_hugo(tools.hugo, site), site, logs)
    pagefind = timed("pagefind", k, [*tools.pagefind, "--site", "public"], site, logs)
    return hugo[0] + pagefind[0], hugo[1] + pagefind[1]


def report(times: dict[str, list[Timed]], items: int, runs: int) -> None:
    medians = {n: [statistics.median(t[i] for t in ts) for i in (0, 1)] for n, ts in times.items()}
    reference = medians["hugo+pagefind"][0]
    print(f"\n{items} items, {runs} run(s) each, medians; ratio = wall / (Hugo + Pagefind)")
    print(f"{'build':15} {'wall s':>7} {'CPU s':>7} {'ratio':>6}")
    for name, (wall, cpu) in medians.items():
        print(f"{name:15} {wall:7.1f} {cpu:7.1f} {wall / reference:6.2f}")


if __name__ == "__main__":
    main()
