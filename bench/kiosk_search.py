"""Kiosk search speed: milliseconds per keystroke on a large catalogue, in headless Chromium.

    .venv/bin/python bench/kiosk_search.py [--items 10000] [--work /tmp/kiosk-bench]

Generates a corpus (bench/corpus.py), builds its kiosk output, opens the home screen
and then search.html from file:// (timing each until it is usable) and types queries one key at a time, the way a visitor does on the
on-screen keyboard. Each keystroke is timed inside the page, from the key to
the result list being updated. Prints the index size and per-keystroke figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).parent))

from headless import CHROMIUM, CHROMIUM_ARGS

from generator.build import make_site
from generator.catalogue import load_catalogue
from generator.search.index import INDEX_DIR, IndexWriter
from generator.site.pages import write_site
from generator.site.select import KIOSK

TODAY = dt.date(2026, 11, 26)
QUERIES = ["czys", "yusuan", "zhengfucaigou", "政府采购", "专项资金", "2025", "xm"]
# One keystroke: append a key, fire the input event the on-screen keyboard fires,
# and measure until the result list shows that query (the index answers asynchronously).
KEYSTROKE = """key => new Promise(resolve => {
  const input = document.getElementById('kiosk-q');
  const list = document.getElementById('kiosk-results');
  const started = performance.now();
  input.value += key;
  const wanted = input.value;
  new MutationObserver((_, observer) => {
    if (list.getAttribute('data-query') === wanted) {
      observer.disconnect();
      resolve(performance.now() - started);
    }
  }).observe(list, { attributes: true, attributeFilter: ['data-query'] });
  input.dispatchEvent(new Event('input'));
})"""


def build_kiosk(root: Path, out: Path) -> float:
    started = time.perf_counter()
    catalogue = load_catalogue(root)
    assert not catalogue.failed(), "corpus does not validate"
    site = make_site(catalogue, KIOSK, TODAY, out)
    write_site(catalogue, site)
    IndexWriter().write(site)
    return time.perf_counter() - started


def measure(kiosk: Path) -> tuple[dict[str, list[float]], float, float]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        started = time.perf_counter()
        page.goto((kiosk / "index.html").as_uri())  # until its load event
        home = time.perf_counter() - started
        started = time.perf_counter()
        page.goto((kiosk / "search.html").as_uri())
        page.evaluate("() => window.kioskSearchReady.then(() => true)")
        load = time.perf_counter() - started  # the screen answers: its index files are read
        timings: dict[str, list[float]] = {}
        for query in QUERIES:
            page.evaluate("() => { document.getElementById('kiosk-q').value = ''; }")
            timings[query] = [page.evaluate(KEYSTROKE, key) for key in query]
        browser.close()
    return timings, load, home


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/kiosk-bench"))
    parser.add_argument("--kiosk", type=Path, help="measure this built kiosk folder instead")
    args = parser.parse_args()
    if args.kiosk:
        report(args.kiosk, args.items, None)
        return 0
    corpus = args.work / f"corpus-{args.items}"
    if not (corpus / "content").is_dir():
        here = Path(__file__).resolve().parent
        subprocess.run(
            [sys.executable, str(here / "corpus.py"), str(corpus), "--items", str(args.items)],
            check=True,
        )
    out = args.work / "kiosk"
    return report(out, args.items, build_kiosk(corpus, out))


def report(out: Path, items: int, seconds: float | None) -> int:
    size = sum(f.stat().st_size for f in (out / INDEX_DIR).glob("*.js"))
    timings, load, home = measure(out)
    every = [t for ts in timings.values() for t in ts]
    print(f"items: {items}  kiosk build: " + (f"{seconds:.1f} s" if seconds else "(given)"))
    print(f"home screen shown (load event) after {home:.2f} s")
    print(
        f"kiosk index read at start: {size / 1024 / 1024:.1f} MiB ({INDEX_DIR}/*.js); "
        f"search screen answers after {load:.2f} s"
    )
    for query, ts in timings.items():
        print(f"  {query:16} per key: " + " ".join(f"{t:5.1f}" for t in ts) + " ms")
    print(
        f"per keystroke: median {statistics.median(every):.1f} ms, "
        f"p95 {sorted(every)[int(len(every) * 0.95) - 1]:.1f} ms, max {max(every):.1f} ms "
        f"(target < 50 ms)"
    )
    return 0 if max(every) < 50 else 1


if __name__ == "__main__":
    raise SystemExit(main())
