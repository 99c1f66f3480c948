"""The CPU that checking approval signatures costs a build, cold and warm.

Cold: every approval of the corpus is checked (``checks.signatures.verified``, the call the
reading workers make). This process reads its share of the items as the workers read
theirs, so the checks it times are that share: their count and CPU are printed, and the
CPU per check gives the whole. Warm: the corpus is read a second time through the same
item cache, which keeps each item's verified signatures; only what is not kept is checked.

    .venv/bin/python bench/verify_signatures.py --items 10000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from compare import ensure_corpus

from generator.catalogue import load_catalogue
from generator.checks import signatures
from generator.incremental.itemcache import ItemCache


class Timed:
    """Wraps ``signatures._verify`` to add up its process CPU and count its calls."""

    def __init__(self) -> None:
        self.cpu = 0.0
        self.calls = 0
        self.real = signatures._verify

    def __call__(self, item, approval):  # type: ignore[no-untyped-def]
        start = time.process_time()
        try:
            return self.real(item, approval)
        finally:
            self.cpu += time.process_time() - start
            self.calls += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/catalogue-bench"))
    args = parser.parse_args()
    corpus = ensure_corpus(args.work, args.items)
    cache = ItemCache(corpus)  # kept between the two loads, as ``catalogue serve`` keeps it
    for label in ("cold", "warm"):
        timed = Timed()
        signatures._verify = timed  # in this process only: the serial reader below
        catalogue = load_catalogue(corpus, cache)
        for item in catalogue.items:
            signatures.verified(item)
        approvals = sum(len(i.meta.approvals) for i in catalogue.items)
        print(
            f"{label}: {approvals} approvals, {timed.calls} signatures checked, "
            f"{timed.cpu:.2f} s CPU ({1000 * timed.cpu / max(timed.calls, 1):.3f} ms each)"
        )
        signatures._verify = timed.real


if __name__ == "__main__":
    main()
