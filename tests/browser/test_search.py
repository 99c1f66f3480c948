"""The search index in headless Chromium: exact recall and precision over sampled queries,
the ranking a citizen expects, excerpts, suggestions, and Python and JavaScript agreeing
on what a query means."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import BUILD_DAY
from playwright.sync_api import Browser, Page
from searchoracle import compact, oracle, sampled_queries

from generator.build.outputs import make_site
from generator.catalogue import load_catalogue
from generator.search.index import read_script, term_shard
from generator.search.terms import text_terms, tokens, whole_title_key
from generator.site.searchtext import searchable_text
from generator.site.select import PUBLIC

from .conftest import WAIT_MS, guarded_page


@pytest.fixture(scope="session")
def searchable(built_sample: Path) -> dict[str, str]:
    """URL → searchable text of every item the public site shows."""
    catalogue = load_catalogue(built_sample)
    site = make_site(catalogue, PUBLIC, BUILD_DAY, built_sample / "unused")
    return {view.url: searchable_text(view) for view in site.items}


def ready(page: Page, url: str) -> None:
    page.goto(url + "search.html")
    page.evaluate("() => window.catalogueSearch.ready.then(() => true)")


def search_all(page: Page, query: str) -> list[str]:
    return page.evaluate(
        "q => window.catalogueSearch.searchAll(q).then(ds => ds.map(d => d.url))", query
    )


def test_recall_and_precision_are_exact_over_sampled_queries(
    offline_page: Page, public_url: str, searchable: dict[str, str]
) -> None:
    queries = sampled_queries(list(searchable.values()), 240)
    ready(offline_page, public_url)
    relevant_total = found_total = hits = 0
    for query in queries:
        found = search_all(offline_page, query)
        expected = {url for url, text in searchable.items() if oracle(text, query)}
        assert len(found) == len(set(found)), query
        assert set(found) == expected, (query, sorted(expected ^ set(found)))
        relevant_total += len(expected)
        found_total += len(found)
        hits += len(expected & set(found))
    print(
        f"{len(queries)} queries: recall {hits / relevant_total:.2f}, precision {hits / found_total:.2f}"
    )
    assert len(queries) >= 200 and relevant_total > 1000


def test_width_punctuation_and_invisible_characters_do_not_matter(
    offline_page: Page, public_url: str
) -> None:
    ready(offline_page, public_url)
    assert search_all(offline_page, "三公经费") == search_all(offline_page, "“三公”经费")
    assert search_all(offline_page, "２０２５") == search_all(offline_page, "2025")
    assert search_all(offline_page, "预\u200b算") == search_all(offline_page, "预算")
    assert search_all(offline_page, "三公经费")


# Expected first results on the sample, by hand: (1) title equals the query, (2) title
# contains it, (3) category name contains it, (4) the rest; newest first in each.
RANKING = [
    ("澄江区财政局服务承诺", ["items/2024-00007.html"]),
    ("澄江区财政局专项资金管理办法", ["items/2019-00001.html", "items/2024-00012.html"]),
    ("专项资金管理办法", ["items/2024-00012.html", "items/2019-00001.html"]),
    (
        "预算 2025",
        [
            "items/2025-00030.html",
            "items/2025-00027.html",
            "items/2025-00018.html",
            "items/2025-00010.html",
            "items/2025-00005.html",
        ],
    ),
    (
        "采购",  # four titles, then the procurement category's notice without it in its title
        [
            "items/2026-00014.html",
            "items/2025-00028.html",
            "items/2025-00017.html",
            "items/2025-00002.html",
            "items/2025-00023.html",
        ],
    ),
    (
        "政府采购",  # two titles, then 政府采购 items newer than either
        [
            "items/2025-00028.html",
            "items/2025-00017.html",
            "items/2026-00014.html",
            "items/2025-00023.html",
        ],
    ),
]


@pytest.mark.parametrize(("query", "top"), RANKING)
def test_ranking_follows_the_four_tiers(
    offline_page: Page, public_url: str, query: str, top: list[str]
) -> None:
    ready(offline_page, public_url)
    assert search_all(offline_page, query)[: len(top)] == top


def test_excerpt_marks_the_first_match_in_the_body(offline_page: Page, public_url: str) -> None:
    offline_page.goto(public_url + "search.html?q=" + "三公经费")
    offline_page.wait_for_selector(".search-status:text-matches('^找到')", timeout=WAIT_MS)
    marks = offline_page.eval_on_selector_all(
        "#search-results mark", "ms => ms.map(m => m.textContent)"
    )
    assert marks and all(compact(m) == "三公经费" for m in marks), marks
    assert "三公”经费" in marks  # across the quotation mark, which is not marked


def test_a_title_only_match_shows_the_summary(
    offline_page: Page, public_url: str, searchable: dict[str, str]
) -> None:
    offline_page.goto(public_url + "search.html?q=" + "服务承诺")
    offline_page.wait_for_selector(".search-status:text-matches('^找到')", timeout=WAIT_MS)
    first = offline_page.locator("#search-results li.result").first
    assert first.locator("mark").count() == 0 or "服务承诺" in first.locator("p").inner_text()


def test_no_results_suggests_a_shorter_query_keywords_and_categories(
    offline_page: Page, public_url: str
) -> None:
    offline_page.goto(public_url + "search.html?q=" + "预算鸮")
    offline_page.wait_for_selector(".search-status:text-matches('^没有')", timeout=WAIT_MS)
    box = offline_page.locator(".search-suggestions")
    assert (
        box.locator("a", has_text="预算")
        .first.get_attribute("href")
        .endswith("q=%E9%A2%84%E7%AE%97")
    )
    categories = box.locator("li a").all_inner_texts()
    assert len(categories) == 12
    assert any(re.fullmatch(r"预算执行和预算草案（\d+）", c) for c in categories)
    box.locator("li a", has_text="预算执行和预算草案").click()
    offline_page.wait_for_url(re.compile(r"catalogue/category/budget/"), timeout=WAIT_MS)


def test_counts_are_exact_for_index_terms_and_marked_while_unverified(
    offline_page: Page, public_url: str, searchable: dict[str, str]
) -> None:
    expected = sum(1 for text in searchable.values() if oracle(text, "预算"))
    offline_page.goto(public_url + "search.html?q=预算")
    offline_page.wait_for_selector(".search-status:text-matches('^找到')", timeout=WAIT_MS)
    assert offline_page.inner_text(".search-status") == f"找到 {expected} 条结果"


def test_enter_runs_the_search_once_and_leaves_its_filters_alone(
    offline_page: Page, public_url: str
) -> None:
    """Typing schedules a search for when typing pauses; Enter runs it at once instead,
    so the filters a visitor moves on to are not rebuilt under them a moment later."""
    ready(offline_page, public_url)
    offline_page.evaluate(
        """() => {
          window.statusTexts = [];
          const status = document.querySelector('.search-status');
          new MutationObserver(() => window.statusTexts.push(status.textContent))
            .observe(status, {childList: true, characterData: true, subtree: true});
        }"""
    )
    offline_page.fill("#search-q", "预算")
    offline_page.press("#search-q", "Enter")
    offline_page.wait_for_selector(".search-status:text-matches('^找到')", timeout=WAIT_MS)
    offline_page.eval_on_selector("select[name=category]", "s => { s.dataset.first = '1'; }")
    # The page's own timers fire in order: one set now, longer than the typing pause
    # (250 ms), fires after the pending search would have started.
    offline_page.evaluate("() => new Promise(done => setTimeout(done, 400))")
    offline_page.wait_for_function(
        "() => document.querySelector('.search-status').textContent.startsWith('找到')",
        timeout=WAIT_MS,
    )
    texts = offline_page.evaluate("() => window.statusTexts")
    assert texts.count("正在搜索…") == 1, texts
    assert offline_page.eval_on_selector("select[name=category]", "s => s.dataset.first") == "1"


@pytest.mark.parametrize(
    "text",
    ["“三公”经费", "２０２５年ＰＰＰ项目", "预决算 abc123xyz4567890", "𠮷野家", "a\u200bb c"],
)
def test_browser_and_python_read_text_alike(offline_page: Page, public_url: str, text: str) -> None:
    ready(offline_page, public_url)
    js_tokens = offline_page.evaluate("t => window.CatalogueIndex.tokens(t)", text)
    assert js_tokens == tokens(text)
    js_terms = offline_page.evaluate(
        "t => window.CatalogueIndex.wordTerms(window.CatalogueIndex.tokens(t)).terms", text
    )
    assert set(js_terms) <= text_terms(text)
    for term in js_terms:
        shard = offline_page.evaluate("t => window.CatalogueIndex.crc32(t) % 97", term)
        assert shard == term_shard(term, 97)


def test_the_index_requests_the_addressed_querys_shards_before_the_search_runs(
    browser: Browser, public_url: str, built_sample: Path
) -> None:
    """The document table tells how many shards there are, so the index asks for the
    shards of search.html?q=… while it reads the table: exactly the shards the search
    reads, requested even with the page's search script blocked, and none without q."""
    meta = (built_sample / "build" / "public" / "search" / "meta.js").read_text(encoding="utf-8")
    shards = read_script(meta)["shards"]

    def shards_requested(url: str, block_search: bool, done: str) -> set[str]:
        with guarded_page(browser, public_url) as page:
            requested: set[str] = set()
            page.on("request", lambda r: requested.add(r.url) if "/search/t/" in r.url else None)
            if block_search:
                page.route("**/static/search.js", lambda route: route.abort())
            page.goto(url)  # the load event waits for scripts inserted before it
            page.wait_for_selector(done, state="attached", timeout=WAIT_MS)
            return requested

    def shards_read(query: str) -> set[str]:
        """Each word's index terms (as the browser picks them) and the whole title's."""
        with guarded_page(browser, public_url) as page:
            page.goto(public_url + "search.html")
            terms = [
                term
                for word in query.split()
                for term in page.evaluate(
                    "w => window.CatalogueIndex.wordTerms(window.CatalogueIndex.tokens(w)).terms",
                    word,
                )
            ]
        terms.append(whole_title_key(tokens(query)))
        return {f"{public_url}search/t/{term_shard(t, shards)}.js" for t in terms}

    for query in ["三公经费 2025", "预算", "ＰＰＰ 政府采购"]:
        address = public_url + "search.html?q=" + query
        expected = shards_read(query)
        assert shards_requested(address, False, ".search-status:text-matches('^(找到|没有)')") == (
            expected
        ), query
        assert shards_requested(address, True, "#search-results") == expected, query
    assert shards_requested(public_url + "search.html", True, "#search-results") == set()
