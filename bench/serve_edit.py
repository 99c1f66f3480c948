"""How fast `catalogue serve` shows an edit: from saving an item to its pages on disk.

    .venv/bin/python bench/serve_edit.py [--items 10000] [--edits 5] [--work /tmp/catalogue-bench]

Starts the preview server (in this process, as `catalogue serve` does) on the
benchmark corpus (made by bench/corpus.py, shared with compare.py), waits for its
first build, then edits one published item --edits times. Each edit appends a
sentence to the body and re-approves it in a scratch copy, then moves the copy
over the item in one step, as an editor's save does. It prints, per edit and as
medians, the seconds from the save until

  item pages   the edited item's own pages are written (the open page reloads)
  all pages    every changed page is written (listings showing the item too):
               the last new generation of the site before the build ends
  indexes      reports, exports and the search index shard are updated

The first two include the server's debounce (the time it waits for a burst of
saves to end). The item is restored afterwards.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from compare import TODAY, ensure_corpus, pick_item, reapprove, sync_corpus

from generator.authoring.serve import DEBOUNCE_SECONDS, PreviewServer


def approved_edit(corpus: Path, file: Path, marker: str) -> Path:
    """A scratch copy of ``file`` (ignored by the server) with a new sentence, re-approved."""
    scratch = file.with_name(file.name + ".tmp")
    scratch.write_text(
        file.read_text(encoding="utf-8") + f"\n{marker}本段为预览性能测试追加的说明。\n",
        encoding="utf-8",
    )
    reapprove(corpus, scratch)
    return scratch


def wait_for(condition: Callable[[], bool], timeout: float = 600.0) -> float:
    """Poll every 5 ms; the time when ``condition()`` first held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return time.monotonic()
        time.sleep(0.005)
    raise SystemExit("timed out waiting for the preview")


def measure(preview: PreviewServer, corpus: Path, file: Path, k: int) -> dict[str, float]:
    generation = preview.status.generation
    scratch = approved_edit(corpus, file, f"（预览第{k}次修改）")
    saved = time.monotonic()
    os.replace(scratch, file)
    item_pages = wait_for(lambda: preview.status.generation >= generation + 1)
    # Each batch of pages written is a new generation; the last comes before the indexes.
    seen, all_pages = preview.status.generation, item_pages
    while True:
        building = preview.status.building
        if preview.status.generation != seen:
            seen, all_pages = preview.status.generation, time.monotonic()
        if not building:
            break
        time.sleep(0.005)
    indexes = time.monotonic()
    return {
        "item pages": item_pages - saved,
        "all pages": all_pages - saved,
        "indexes": indexes - saved,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/catalogue-bench"))
    args = parser.parse_args()
    corpus = ensure_corpus(args.work, args.items)
    sync_corpus(corpus)
    file = pick_item(corpus)
    original = file.read_bytes()
    preview = PreviewServer(corpus, port=0, today=TODAY, echo=lambda _: None)
    try:
        started = time.monotonic()
        preview.start()
        print(f"first build of {args.items} items: {time.monotonic() - started:.1f} s")
        print(f"editing {file.relative_to(corpus)}; debounce {DEBOUNCE_SECONDS} s")
        runs = []
        for k in range(1, args.edits + 1):
            runs.append(measure(preview, corpus, file, k))
            print(f"  edit {k}: " + ", ".join(f"{n} {s:.2f} s" for n, s in runs[-1].items()))
        medians = {n: statistics.median(r[n] for r in runs) for n in runs[0]}
        print("median: " + ", ".join(f"{n} {s:.2f} s" for n, s in medians.items()))
    finally:
        preview.stop()
        file.write_bytes(original)


if __name__ == "__main__":
    main()
