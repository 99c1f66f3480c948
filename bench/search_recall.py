"""Recall and precision of the search index on a large corpus, in headless Chromium.

    .venv/bin/python bench/search_recall.py [--items 10000] [--queries 240] [--work /tmp/catalogue-bench]

Reads the public site of `ours-N/` (built by search_latency.py), takes every item's
searchable text from its index file, samples queries from those texts as
tests/browser/test_search.py does on the sample (Chinese substrings of 1–6 characters,
Latin words and prefixes, forms with punctuation, invisible or full-width characters),
and compares every result of each query (window.catalogueSearch.searchAll) with the items
whose text matches by the issue's definition (tests/searchoracle.py). A bench script, not a
test: at 10,000 items it loads most of the 8,833 item files into the page once.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from generator.search.index import read_script

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from headless import CHROMIUM, CHROMIUM_ARGS
from search_latency import serve
from searchoracle import oracle, sampled_queries


def texts_of(site: Path) -> dict[str, str]:
    """URL → searchable text, from the index's item files."""
    out = {}
    for path in (site / "search/f").glob("*.js"):
        data = read_script(path.read_text(encoding="utf-8"))
        out[data["url"]] = "\n".join(data["parts"])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=240)
    parser.add_argument("--work", type=Path, default=Path("/tmp/catalogue-bench"))
    args = parser.parse_args()
    site = args.work / f"ours-{args.items}" / "public"
    if not (site / "search/meta.js").is_file():
        sys.exit(f"{site} has no search index: run bench/search_latency.py first")
    texts = texts_of(site)
    queries = sampled_queries(list(texts.values()), args.queries)
    server, url = serve(site)
    relevant = found_total = hits = 0
    wrong: list[tuple[str, list[str], list[str]]] = []
    started = time.perf_counter()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url + "search.html")
        page.evaluate("() => window.catalogueSearch.ready.then(() => true)")
        for query in queries:
            found = set(
                page.evaluate(
                    "q => window.catalogueSearch.searchAll(q).then(ds => ds.map(d => d.url))",
                    query,
                )
            )
            expected = {u for u, text in texts.items() if oracle(text, query)}
            relevant += len(expected)
            found_total += len(found)
            hits += len(found & expected)
            if found != expected:
                wrong.append((query, sorted(expected - found)[:3], sorted(found - expected)[:3]))
        browser.close()
    server.shutdown()
    recall = hits / relevant if relevant else 1.0
    precision = hits / found_total if found_total else 1.0
    print(
        f"{len(texts)} items, {len(queries)} queries, {relevant} relevant results: "
        f"recall {recall:.4f}, precision {precision:.4f} ({time.perf_counter() - started:.0f} s)"
    )
    for query, missed, extra in wrong:
        print(f"  {query!r}: missed {missed}, extra {extra}")
    return 0 if not wrong else 1


if __name__ == "__main__":
    raise SystemExit(main())
