"""Search latency as a new visitor sees it: time to first results, bytes and requests.

    .venv/bin/python bench/search_latency.py [--items 10000] [--runs 3] [--work /tmp/catalogue-bench]

Builds (or reuses) `corpus-N` with this generator (`ours-N/`) and with Hugo and then
Pagefind 1.5.2 (`hugo-N/public`, as bench/compare.py makes them), serves both on
loopback (`python -m http.server`, a process each) and opens a search for each query in
headless Chromium with an empty cache (a new browser context per visit). Ours: `search.html?q=…` until the first page of
results (20) is shown. Pagefind: a page that imports Pagefind's own script, searches
and loads the first 20 results' data, as its default UI does. Queries: the 20 most
frequent two-character Chinese terms of the corpus (document frequency over the first
2,000 item files) plus the issue's queries. Prints medians over ``--runs``.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import Browser, Request, sync_playwright

sys.path.insert(0, str(Path(__file__).parent))

from compare import cold_hugo, ensure_corpus, ensure_tools, export_sites, sync_corpus
from headless import CHROMIUM, CHROMIUM_ARGS

ISSUE_QUERIES = ["预算", "财政", "政府采购", "决算", "三公经费"]
TODAY = dt.date(2026, 11, 26)
PAGE = 20
PAGEFIND_PAGE = """<!doctype html><meta charset="utf-8"><title>pagefind</title>
<ol id="results"></ol><p id="status"></p>
<script type="module">
const q = new URLSearchParams(location.search).get("q");
const pf = await import("/pagefind/pagefind.js");
const found = await pf.search(q);
const data = await Promise.all(found.results.slice(0, PAGE).map(r => r.data()));
document.getElementById("results").innerHTML = data.map(d => "<li>" + d.meta.title + "</li>").join("");
document.getElementById("status").textContent = "done " + found.results.length;
</script>
""".replace("PAGE", str(PAGE))


def frequent_terms(corpus: Path, count: int = 20, files: int = 2000) -> list[str]:
    df: collections.Counter[str] = collections.Counter()
    for path in sorted((corpus / "content").rglob("*.md"))[:files]:
        text = path.read_text(encoding="utf-8")
        pairs = set()
        for run in re.findall(r"[\u4e00-\u9fff]{2,}", text):
            pairs.update(run[i : i + 2] for i in range(len(run) - 1))
        df.update(pairs)
    return [term for term, _ in df.most_common(count)]


def build_ours(corpus: Path, work: Path, items: int, rebuild: bool) -> Path:
    out = work / f"ours-{items}"
    if rebuild or not (out / "public/search/meta.js").is_file():
        started = time.perf_counter()
        subprocess.run(
            [
                str(Path(sys.executable).parent / "catalogue"),
                "--root",
                str(corpus),
                "build",
                "--today",
                TODAY.isoformat(),
                "--out",
                str(out),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"built ours in {time.perf_counter() - started:.1f} s")
    return out


def build_pagefind(corpus: Path, work: Path, items: int) -> Path | None:
    hugo_site, _ = export_sites(corpus, work, items)
    public = hugo_site / "public"
    if not (public / "pagefind/pagefind.js").is_file():
        tools = ensure_tools(work, {"hugo", "pagefind"})
        if not (tools.hugo and tools.pagefind):
            print("Hugo or Pagefind unavailable: measuring ours only")
            return None
        subprocess.run(
            [str(c) for c in cold_hugo(tools.hugo, hugo_site)], cwd=hugo_site, check=True
        )
        subprocess.run([*tools.pagefind, "--site", "public"], cwd=hugo_site, check=True)
    (public / "bench-search.html").write_text(PAGEFIND_PAGE, encoding="utf-8")
    return public


class Server:
    """``python -m http.server`` on loopback, as the issue measured: a process of its own,
    so that serving does not wait for this script's interpreter (Playwright's client
    runs in it too)."""

    def __init__(self, folder: Path) -> None:
        with socket.socket() as probe:  # a free port
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(self.port), "--bind", "127.0.0.1"],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"http.server did not start on port {self.port}") from None
                time.sleep(0.05)

    def shutdown(self) -> None:
        self.process.terminate()
        self.process.wait()


def serve(folder: Path) -> tuple[Server, str]:
    server = Server(folder)
    return server, f"http://127.0.0.1:{server.port}/"


def visit(browser: Browser, url: str, done: str, count: str) -> tuple[float, int, int, str]:
    """(seconds to first results, bytes, requests, results reported) of one cold visit."""
    context = browser.new_context()
    page = context.new_page()
    sizes: list[int] = []

    def finished(request: Request) -> None:
        size = request.sizes()
        sizes.append(size["responseBodySize"] + size["responseHeadersSize"])

    page.on("requestfinished", finished)
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(done, timeout=120_000)
    seconds = time.perf_counter() - started
    reported = page.inner_text(count)
    page.wait_for_timeout(200)  # the last requestfinished events
    context.close()
    return seconds, sum(sizes), len(sizes), reported


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/catalogue-bench"))
    parser.add_argument("--rebuild", action="store_true", help="build ours again")
    parser.add_argument("--skip-pagefind", action="store_true")
    args = parser.parse_args()
    corpus = ensure_corpus(args.work, args.items)
    sync_corpus(corpus)
    ours = build_ours(corpus, args.work, args.items, args.rebuild)
    theirs = None if args.skip_pagefind else build_pagefind(corpus, args.work, args.items)
    queries = list(dict.fromkeys(frequent_terms(corpus) + ISSUE_QUERIES))
    servers = [serve(ours / "public")] + ([serve(theirs)] if theirs else [])
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for query in queries:
            row: dict[str, list] = collections.defaultdict(list)
            for _ in range(args.runs):
                url = servers[0][1] + "search.html?q=" + quote(query)
                done = "#search-results li.result, .search-status:text-matches('^没有')"
                row["ours"].append(visit(browser, url, done, ".search-status"))
                if theirs:
                    url = servers[1][1] + "bench-search.html?q=" + quote(query)
                    row["pf"].append(
                        visit(browser, url, "#status:text-matches('^done')", "#status")
                    )
            rows.append((query, row))
            print(_line(query, row), flush=True)
        browser.close()
    for server, _ in servers:
        server.shutdown()
    print()
    print(f"{args.items} items, medians of {args.runs} cold visits (loopback, headless Chromium)")
    print(
        f"{'query':10} {'ours: results':>18} {'s':>6} {'KB':>7} {'req':>4}"
        f"   {'Pagefind: results':>18} {'s':>6} {'KB':>7} {'req':>4}"
    )
    for query, row in rows:
        print(_line(query, row))
    return 0


def _median(samples: list[tuple[float, int, int, str]]) -> str:
    if not samples:
        return f"{'—':>18} {'—':>6} {'—':>7} {'—':>4}"
    seconds = statistics.median(s[0] for s in samples)
    kb = statistics.median(s[1] for s in samples) / 1024
    requests = statistics.median(s[2] for s in samples)
    found = re.sub(r"[^\d约]", "", samples[-1][3]) or "0"
    return f"{found:>18} {seconds:6.2f} {kb:7.0f} {requests:4.0f}"


def _line(query: str, row: dict[str, list]) -> str:
    return f"{query:10} {_median(row['ours'])}   {_median(row['pf'])}"


if __name__ == "__main__":
    raise SystemExit(main())
