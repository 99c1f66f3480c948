"""The public website in headless Chromium: search, filters, navigation, no-JS browsing."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from conftest import BUILD_DAY, CANARY
from playwright.sync_api import Browser, Page
from sitetext import page_text

from generator.catalogue import load_catalogue
from generator.site.views import item_url

from .conftest import WAIT_MS

CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


@pytest.fixture(scope="session")
def public_pages(built_sample: Path) -> dict[str, str]:
    """Root-relative URL → visible article text, for every page in build/public/items."""
    site = built_sample / "build" / "public"
    return {
        p.relative_to(site).as_posix(): page_text(p)
        for p in sorted((site / "items").glob("*.html"))
    }


@pytest.fixture(scope="session")
def source_text(built_sample: Path) -> dict[str, str]:
    """URL → title + summary + body as written by staff, for every shown item."""
    catalogue = load_catalogue(built_sample)
    out = {}
    for item in catalogue.items:
        if (
            item.scope == "external"
            and item.meta.published <= BUILD_DAY
            and "website" in item.channels(catalogue.config)
            and item.meta.page is None  # a guide page is shown at its own address
        ):
            body = re.sub(r"[#*|`>]", "", item.body)  # Markdown marks; lines stay apart
            out[item_url(item.meta.index_no)] = "\n".join(
                [item.meta.title, item.meta.summary or "", body]
            )
    return out


def search_ui(page: Page, base: str, query: str) -> list[str]:
    """Type ``query`` into the search page and return the result URLs, root-relative."""
    page.goto(base + "search.html")
    page.fill("#search-q", query)
    page.press("#search-q", "Enter")
    # wait_for_function would eval a string, which the site's CSP forbids.
    page.wait_for_selector(".search-status:text-matches('^(找到|没有)')", timeout=WAIT_MS)
    hrefs = page.eval_on_selector_all(
        "#search-results a.result-title", "els => els.map(e => e.href)"
    )
    return sorted(h.removeprefix(base) for h in hrefs)


@pytest.mark.parametrize("term", ["政务公开", "预算执行", "非税收入", "政府采购", "决算"])
def test_search_returns_exactly_the_items_containing_the_term(
    offline_page: Page, public_url: str, public_pages: dict[str, str], term: str
) -> None:
    expected = sorted(url for url, text in public_pages.items() if term in text)
    assert expected, term
    assert search_ui(offline_page, public_url, term) == expected


def test_recall_and_precision_over_sample_terms(
    offline_page: Page, public_url: str, public_pages: dict[str, str], source_text: dict[str, str]
) -> None:
    rng = random.Random(20261126)
    terms = {"决算", "非税收入", "专项资金", "政务公开", "采购", "预决算"}
    for text in source_text.values():
        runs = [r for r in CJK_RUN.findall(text) if len(r) >= 2]
        for _ in range(3):
            run = rng.choice(runs)
            size = rng.randint(2, min(5, len(run)))
            start = rng.randint(0, len(run) - size)
            terms.add(run[start : start + size])
    offline_page.goto(public_url + "search.html")
    offline_page.wait_for_selector("#search-results", state="attached")
    offline_page.evaluate("() => window.catalogueSearch.ready.then(() => true)")
    found_total = relevant_found = must_total = must_found = 0
    for term in sorted(terms):
        urls = offline_page.evaluate(
            "q => window.catalogueSearch.searchAll(q).then(ps => ps.map(p => p.url))", term
        )
        returned = {u.lstrip("/") for u in urls}
        must = {u for u, text in source_text.items() if term in text}
        relevant = {u for u, text in public_pages.items() if term in text}
        must_total += len(must)
        must_found += len(must & returned)
        found_total += len(returned)
        relevant_found += len(returned & relevant)
        assert must <= returned, (term, sorted(must - returned))
    recall = must_found / must_total
    precision = relevant_found / found_total
    print(f"{len(terms)} terms: recall {recall:.3f}, precision {precision:.3f}")
    assert len(terms) > 100
    assert recall == 1.0
    assert precision >= 0.9


def test_filters_narrow_the_results(
    offline_page: Page, public_url: str, built_sample: Path
) -> None:
    everything = search_ui(offline_page, public_url, "预算")
    select = offline_page.locator(".search-filters select[name=category]")
    options = select.locator("option").all_inner_texts()
    budget = next(o for o in options if o.startswith("预算执行和预算草案"))
    select.select_option(label=budget)
    offline_page.wait_for_selector(".search-status:has-text('筛选后')", timeout=WAIT_MS)
    narrowed = offline_page.eval_on_selector_all(
        "#search-results a.result-title", "els => els.map(e => e.href)"
    )
    narrowed = sorted(h.removeprefix(public_url) for h in narrowed)
    assert 0 < len(narrowed) < len(everything)
    assert set(narrowed) <= set(everything)
    catalogue = load_catalogue(built_sample)
    budget_urls = {
        item_url(i.meta.index_no) for i in catalogue.items if i.meta.category == "budget"
    }
    assert set(narrowed) <= budget_urls
    assert "category=" in offline_page.url


def test_result_link_opens_the_item(offline_page: Page, public_url: str) -> None:
    search_ui(offline_page, public_url, "专项资金管理办法")
    first = offline_page.locator("#search-results a.result-title").first
    title = first.inner_text()
    first.click()
    offline_page.wait_for_url(re.compile(r"/items/[^/]+\.html$"), timeout=WAIT_MS)
    assert offline_page.locator("h1").inner_text() == title


def test_catalogue_works_without_javascript(browser: Browser, public_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(public_url + "catalogue/index.html")
    assert page.locator("table.items tbody tr").count() == 20
    assert page.locator("form.filter").is_hidden()
    # A click returns once the next page commits, before it is parsed: wait for its load.
    page.click("nav.pagination a[rel=next]")
    page.wait_for_url(re.compile(r"catalogue/page-2\.html$"), timeout=WAIT_MS)
    assert page.locator("table.items tbody tr").count() > 0
    page.click("nav.browse a:text-is('政府采购')")
    page.wait_for_url(re.compile(r"catalogue/category/procurement/index\.html$"), timeout=WAIT_MS)
    rows = page.locator("table.items tbody tr a")
    title = rows.first.inner_text()
    rows.first.click()
    page.wait_for_url(re.compile(r"/items/[^/]+\.html$"), timeout=WAIT_MS)
    assert page.locator("h1").inner_text() == title
    context.close()


def test_catalogue_filter_with_javascript(offline_page: Page, public_url: str) -> None:
    offline_page.goto(public_url + "catalogue/index.html")
    offline_page.wait_for_selector("form.filter:not([hidden])", timeout=WAIT_MS)
    offline_page.select_option("#filter-year", "2024")
    rows = offline_page.locator(".listing-table tbody tr")
    dates = rows.locator("time").all_inner_texts()
    assert dates and all(d.startswith("2024") for d in dates)
    offline_page.fill("#filter-text", "专项资金")
    titles = offline_page.locator(".listing-table tbody tr td:first-child a").all_inner_texts()
    assert titles and all("专项资金" in t for t in titles)


def test_large_font_mode_persists_across_pages(offline_page: Page, public_url: str) -> None:
    offline_page.goto(public_url + "index.html")
    size = offline_page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    offline_page.click("button[data-mode=large]")
    offline_page.goto(public_url + "guide.html")
    assert offline_page.evaluate("document.documentElement.classList.contains('mode-large')")
    bigger = offline_page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert bigger > size
    assert offline_page.get_attribute("button[data-mode=large]", "aria-pressed") == "true"


def test_keyboard_reaches_the_skip_link_and_navigation(offline_page: Page, public_url: str) -> None:
    offline_page.goto(public_url + "index.html")
    offline_page.keyboard.press("Tab")
    assert offline_page.evaluate("document.activeElement.className") == "skip-link"
    offline_page.keyboard.press("Enter")
    focused = []
    for _ in range(12):
        offline_page.keyboard.press("Tab")
        focused.append(offline_page.evaluate("document.activeElement.textContent.trim()"))
    assert "搜索" in focused


def test_intranet_search_finds_internal_and_public_items(
    browser: Browser, built_sample: Path
) -> None:
    from browser.conftest import Offline, serve

    server, url = serve(built_sample / "build" / "intranet")
    context = browser.new_context()
    guard = Offline(url)
    page = guard.attach(context.new_page())
    try:
        internal = search_ui(page, url, CANARY)  # an internal item
        assert internal == ["items/2026-09999.html"]
        public = search_ui(page, url, "专项资金管理办法")  # public items too
        assert "items/2024-00012.html" in public
    finally:
        context.close()
        server.shutdown()
    assert guard.blocked == []


@pytest.fixture(scope="session")
def sharded_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample (with the canary), its index in shards of about 2,000 bytes."""
    from conftest import copy_sample, plant_canary

    from generator.build import BuildContext, build_catalogue
    from generator.incremental.update import Reuse
    from generator.search import index

    root = copy_sample(tmp_path_factory.mktemp("sharded") / "sample")
    plant_canary(root)
    limit, index.SHARD_BYTES = index.SHARD_BYTES, 2000
    try:
        build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse())
    finally:
        index.SHARD_BYTES = limit
    return root


@pytest.mark.parametrize("term", ["采购", "预算执行"])
def test_sharded_index_finds_what_the_pages_contain(
    browser: Browser, sharded_sample: Path, term: str
) -> None:
    from browser.conftest import Offline, serve

    assert len(list((sharded_sample / "build/public/search/t").glob("*.js"))) > 20
    for output in ("public", "intranet"):
        site = sharded_sample / "build" / output
        expected = sorted(
            p.relative_to(site).as_posix()
            for p in (site / "items").glob("*.html")
            if term in page_text(p)
        )
        server, url = serve(site)
        context = browser.new_context()
        guard = Offline(url)
        page = guard.attach(context.new_page())
        try:
            page.goto(url + "search.html")
            page.evaluate("() => window.catalogueSearch.ready.then(() => true)")
            found = page.evaluate(
                "q => window.catalogueSearch.searchAll(q).then(ps => ps.map(p => p.url))", term
            )
            assert expected and sorted(u.lstrip("/") for u in found) == expected, output
            if output == "intranet":  # internal items beside the public ones
                assert search_ui(page, url, CANARY) == ["items/2026-09999.html"]
        finally:
            context.close()
            server.shutdown()
        assert guard.blocked == []
