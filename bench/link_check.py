"""How long the build's link check of the public site takes (build/links.py).

    .venv/bin/python bench/link_check.py [--items 10000] [--work /tmp/catalogue-links] [--runs 3]

Writes the benchmark corpus (bench/corpus.py) into WORK unless it is there, builds it
once with ``catalogue build`` unless WORK/build/public exists, then checks the links of
WORK/build/public RUNS times in this process and prints the pages, the links and each
run's wall and CPU seconds. The build runs the same check once per cold build (and on
the changed pages of an update).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import corpus  # noqa: E402  (bench/ is not a package)

from generator.build.links import LinkCheck  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/catalogue-links"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if not (args.work / "catalog.yaml").exists():
        corpus.main([str(args.work), "--items", str(args.items)])
    public = args.work / "build" / "public"
    if not public.exists():
        day = corpus.TODAY.isoformat()
        catalogue = [sys.executable, "-m", "generator", "--root", str(args.work)]
        subprocess.run([*catalogue, "build", "--today", day, "--no-cache"], check=True)
    pages = LinkCheck(public, "build/public").pages()
    links = sum(len(re.findall(rb' (?:href|src)="', (public / p).read_bytes())) for p in pages)
    print(f"{len(pages)} pages, {links} links")
    for run in range(1, args.runs + 1):
        wall, cpu = time.perf_counter(), time.process_time()
        problems = LinkCheck(public, "build/public").problems()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"run {run}: {wall:.2f} s wall, {cpu:.2f} s CPU, {len(problems)} broken")


if __name__ == "__main__":
    main()
