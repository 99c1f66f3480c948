"""The kiosk build opened from file:// in headless Chromium with every network request blocked.

Every test runs on a copy of build/kiosk in another folder: a copied kiosk must
work exactly like the original.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import segno
from conftest import BUILD_DAY, CANARY, CANARY_ASCII, copy_sample
from playwright.sync_api import Browser, Page
from pypinyin import lazy_pinyin
from searchoracle import compact, oracle, sampled_queries
from sitetext import files_of, page_text, shown_and_hidden

from browser.conftest import WAIT_MS, guarded_page, wait_until
from generator.build import BuildContext, build_catalogue
from generator.build.outputs import make_site
from generator.catalogue import load_catalogue
from generator.incremental.update import Reuse
from generator.site.qr import BORDER, MASK, SCALE
from generator.site.searchtext import searchable_text
from generator.site.select import KIOSK
from generator.site.views import item_url

PAGE_TYPES = [
    "index.html",
    "catalogue/index.html",
    "catalogue/category/budget/index.html",
    "items/2025-00010.html",  # an item with a PDF attachment
    "items/2025-00018.html",  # an item with a CSV attachment
    "search.html",
    "guide.html",
    "request.html",
    "complaints.html",
    "404.html",
]
CLICKABLE = "a, button, input, select, textarea, summary, [role=button], [onclick]"


@pytest.fixture(scope="session")
def kiosk_dir(built_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("elsewhere") / "hall-kiosk"
    shutil.copytree(built_sample / "build" / "kiosk", copy)
    return copy


@pytest.fixture
def kiosk(browser: Browser) -> Iterator[Page]:
    """A page that may load file:// URLs only; any other request fails the test."""
    viewport = {"width": 1080, "height": 1920}
    with guarded_page(browser, "file://", viewport=viewport, has_touch=True) as page:
        yield page


def url_of(folder: Path, page: str) -> str:
    return (folder / page).as_uri()


def results(page: Page) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "#kiosk-results a", "els => els.map(e => e.getAttribute('href'))"
    )
    return sorted(hrefs)


def all_results(page: Page) -> list[str]:
    """Result URLs across every page of results, turning pages with the buttons."""
    found = results(page)
    next_button = page.locator("#kiosk-pages [data-page=next]")
    while page.locator("#kiosk-pages").is_visible() and next_button.is_enabled():
        turn_page(page, "next")
        found += results(page)
    return sorted(found)


def turn_page(page: Page, direction: str) -> None:
    """Tap 上一页/下一页 and wait until the list shows the new page (the index answers
    asynchronously: the label changes once the page's results are in)."""
    label = page.inner_text("#kiosk-page-label")
    page.click(f"#kiosk-pages [data-page={direction}]")
    wait_until(lambda: page.inner_text("#kiosk-page-label") != label)


def press(page: Page, keys: str) -> None:
    for key in keys:
        page.click(f".osk-key[data-key='{key}']")
        shown(page)


def shown(page: Page) -> None:
    """Until the results show what the search box holds (the index answers asynchronously)."""
    query = page.input_value("#kiosk-q")
    wait_until(lambda: page.get_attribute("#kiosk-results", "data-query") == query)


def test_home_screen_renders(kiosk: Page, kiosk_dir: Path) -> None:
    kiosk.goto(url_of(kiosk_dir, "index.html"))
    assert kiosk.locator("h1").inner_text() == "政务公开查询"
    assert kiosk.locator(".tiles a.tile[href*='catalogue/category/']").count() == 12
    assert kiosk.locator(".kiosk-bar").is_visible()
    assert kiosk.locator(".kiosk-bar .kiosk-back, .kiosk-bar .kiosk-home").count() == 0


def test_pinyin_initials_search(kiosk: Page, kiosk_dir: Path) -> None:
    kiosk.goto(url_of(kiosk_dir, "search.html"))
    press(kiosk, "czys")
    found = all_results(kiosk)
    assert "items/2026-00016.html" in found  # 澄江区区级财政预算绩效管理办法
    for href in found:
        title = kiosk_dir.joinpath(href).read_text(encoding="utf-8")
        title = re.search(r"<h1[^>]*>(.*?)</h1>", title).group(1)  # type: ignore[union-attr]
        keywords = re.search(
            r"主题词</th><td>(.*?)</td>", kiosk_dir.joinpath(href).read_text(encoding="utf-8")
        )
        initials = "".join(
            s[0] for s in lazy_pinyin(title + (keywords.group(1) if keywords else ""))
        )
        assert "czys" in initials.lower(), (href, title)


def test_full_pinyin_search(kiosk: Page, kiosk_dir: Path) -> None:
    kiosk.goto(url_of(kiosk_dir, "search.html"))
    press(kiosk, "caizhengyusuan")
    assert "items/2026-00016.html" in all_results(kiosk)
    press(kiosk, "")
    kiosk.click(".osk-key[data-action=clear]")
    press(kiosk, "zhengfucaigou")
    found = all_results(kiosk)
    assert found and all("政府采购" in page_text(kiosk_dir / h) for h in found)


def test_each_result_row_shows_its_own_items_title_category_and_date(
    kiosk: Page, kiosk_dir: Path
) -> None:
    """Rows come from the kiosk's row table where the index answers exactly (pinyin, one
    or two characters) or the title holds the query, else from the items' own files:
    each must describe the item it links to."""
    kiosk.goto(url_of(kiosk_dir, "search.html"))
    kiosk.evaluate("() => window.kioskSearchReady.then(() => true)")  # the row table too
    checked = 0
    for query in ["czys", "ys", "政府采购", "预算"]:
        kiosk.fill("#kiosk-q", query)
        shown(kiosk)
        rows = kiosk.eval_on_selector_all(
            "#kiosk-results a",
            """els => els.map(a => [a.getAttribute('href'),
                 a.querySelector('.result-title').textContent,
                 a.querySelector('.result-meta').textContent])""",
        )
        assert rows, query
        for href, title, meta in rows:
            html = kiosk_dir.joinpath(href).read_text(encoding="utf-8")
            heading = re.search(r"<h1[^>]*>(.*?)</h1>", html).group(1)  # type: ignore[union-attr]
            facts = dict(re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)", html))
            assert title == unescape(heading), (query, href)
            assert meta == f"{facts['分类']}\u3000{facts['发布日期']}", (query, href)
            checked += 1
    assert checked >= 12


def test_kiosk_search_finds_what_the_definition_finds_title_matches_first(
    kiosk: Page, kiosk_dir: Path, built_sample: Path
) -> None:
    """The kiosk verifies results its own way (exact index terms, titles in its row
    table, else the item's text): none may be lost or wrong. Latin words also match
    pinyin, so there the definition's results are a subset."""
    catalogue = load_catalogue(built_sample)
    site = make_site(catalogue, KIOSK, BUILD_DAY, built_sample / "unused")
    texts = {view.url: searchable_text(view) for view in site.items}
    titles = {view.url: view.title for view in site.items}
    newest_first = list(texts)
    kiosk.goto(url_of(kiosk_dir, "search.html"))
    kiosk.evaluate("() => window.kioskSearchReady.then(() => true)")
    queries = sampled_queries(list(texts.values()), 120)
    for query in queries:
        found = kiosk.evaluate("q => window.kioskSearch(q)", query)
        expected = {url for url, text in texts.items() if oracle(text, query)}
        assert len(found) == len(set(found)), query
        if re.search("[0-9a-z]", compact(query)):
            assert expected <= set(found), (query, sorted(expected - set(found)))
            continue
        assert set(found) == expected, (query, sorted(expected ^ set(found)))
        in_title = [url for url in found if oracle(titles[url], query)]
        ranked = sorted(
            in_title,
            key=lambda u: (compact(titles[u]) != compact(query), newest_first.index(u)),
        )
        assert found[: len(in_title)] == ranked, query
    assert len(queries) >= 100


FROM_FILES = """q => {
  const base = new URL("search/", new URL(document.body.getAttribute("data-home"), location.href)).href;
  const files = window.CatalogueIndex.open(base, { pinyin: true });  // no rows: every result from its file
  return files.query(q).then(found => {
    const all = found.narrow({});
    return all.take(all.order.length).then(docs => docs.map(d => d.url));
  });
}"""


@pytest.mark.parametrize(
    "query", ["ys 公开", "zfcg 公示", "cjq 资金", "ys 预算", "czys", "政府采购", "预算 2026", "cz"]
)
def test_rows_rank_results_as_the_items_files_do(kiosk: Page, kiosk_dir: Path, query: str) -> None:
    """A result shown from its row must get the tier its file would give: pinyin for one
    word says nothing about the title holding another."""
    kiosk.goto(url_of(kiosk_dir, "search.html"))
    kiosk.evaluate("() => window.kioskSearchReady.then(() => true)")
    from_rows = kiosk.evaluate("q => window.kioskSearch(q)", query)
    assert from_rows
    assert from_rows == kiosk.evaluate(FROM_FILES, query)


DARK_PIXELS = """async (uris) => {
  const images = await Promise.all(uris.map(async (uri) => {
    const image = new Image();
    image.src = uri;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    const drawing = canvas.getContext("2d");
    drawing.drawImage(image, 0, 0);
    const rgba = drawing.getImageData(0, 0, canvas.width, canvas.height).data;
    let dark = "";
    for (let i = 0; i < rgba.length; i += 4) { dark += rgba[i + 3] > 127 && rgba[i] < 128 ? "1" : "0"; }
    return [canvas.width, canvas.height, dark];
  }));
  return images;
}"""


def test_an_items_qr_code_draws_as_segnos_own_svg_of_its_address(
    kiosk: Page, kiosk_dir: Path, built_sample: Path
) -> None:
    """Chromium draws the page's code pixel for pixel as segno's own SVG writer draws
    the code of the item's public address."""
    item = "items/2025-00010.html"
    address = load_catalogue(built_sample).config.site.base_url + item
    code = segno.make(address, error="m", mask=MASK)
    theirs = code.svg_data_uri(scale=SCALE, border=BORDER, dark="#000", light="#fff")
    kiosk.goto(url_of(kiosk_dir, item))
    ours = kiosk.get_attribute(".item-qr img", "src")
    drawn, expected = kiosk.evaluate(DARK_PIXELS, [ours, theirs])
    side = (len(code.matrix) + 2 * BORDER) * SCALE
    assert drawn[:2] == expected[:2] == [side, side]
    assert "1" in drawn[2] and drawn[2] == expected[2]


def test_chinese_search_from_a_real_keyboard(kiosk: Page, kiosk_dir: Path) -> None:
    expected = sorted(
        p.relative_to(kiosk_dir).as_posix()
        for p in (kiosk_dir / "items").glob("*.html")
        if "政府采购" in page_text(p)
    )
    kiosk.goto(url_of(kiosk_dir, "search.html"))
    kiosk.fill("#kiosk-q", "政府采购")
    shown(kiosk)
    assert expected and all_results(kiosk) == expected


def test_results_update_on_every_key(kiosk: Page, kiosk_dir: Path) -> None:
    kiosk.goto(url_of(kiosk_dir, "search.html"))
    counts = []
    for key in "yusuan":
        press(kiosk, key)
        counts.append(kiosk.inner_text(".search-status"))
    assert all(c.startswith("找到") for c in counts)
    numbers = [int(re.search(r"\d+", c).group()) for c in counts]  # type: ignore[union-attr]
    assert numbers == sorted(numbers, reverse=True)
    assert kiosk.input_value("#kiosk-q") == "yusuan"
    kiosk.click(".osk-key[data-action=backspace]")
    assert kiosk.input_value("#kiosk-q") == "yusua"


def test_long_results_page_by_buttons(kiosk: Page, kiosk_dir: Path) -> None:
    kiosk.goto(url_of(kiosk_dir, "search.html"))
    press(kiosk, "ys")  # 预算: more results than one screen
    assert len(results(kiosk)) == 6
    first = results(kiosk)
    turn_page(kiosk, "next")
    assert results(kiosk) != first
    assert "第 2 /" in kiosk.inner_text("#kiosk-page-label")


@pytest.fixture(scope="session")
def short_idle_kiosk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample built with a 2-second idle time."""
    root = copy_sample(tmp_path_factory.mktemp("idle") / "sample")
    config = root / "catalog.yaml"
    text = config.read_text(encoding="utf-8").replace(
        "kiosk_idle_seconds: 120", "kiosk_idle_seconds: 2"
    )
    config.write_text(text, encoding="utf-8")
    build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse())
    return root / "build" / "kiosk"


IDLE_MS = 2000  # short_idle_kiosk's kiosk_idle_seconds


def stop_the_clock(page: Page) -> None:
    """The page's time passes only when the test moves it on: an idle timer then fires
    when the test says the visitor has been idle, never because a busy machine was slow
    between two steps."""
    start = dt.datetime(2026, 11, 26, 9, 0)
    page.clock.install(time=start)
    page.clock.pause_at(start + dt.timedelta(hours=1))  # ahead of however long that took


# Notes a navigation as it starts: one that has not finished yet has not changed the URL.
LEAVING = """() => {
  window.__leaving = false;
  navigation.addEventListener('navigate', () => { window.__leaving = true; });
}"""


def test_idle_timer_returns_home_and_clears_the_search(kiosk: Page, short_idle_kiosk: Path) -> None:
    stop_the_clock(kiosk)
    kiosk.goto(url_of(short_idle_kiosk, "search.html"))
    press(kiosk, "czys")
    kiosk.clock.run_for(IDLE_MS)
    kiosk.wait_for_url(url_of(short_idle_kiosk, "index.html"), timeout=WAIT_MS)
    kiosk.goto(url_of(short_idle_kiosk, "search.html"))
    assert kiosk.input_value("#kiosk-q") == ""


def test_idle_timer_closes_an_open_document(kiosk: Page, short_idle_kiosk: Path) -> None:
    stop_the_clock(kiosk)
    kiosk.goto(url_of(short_idle_kiosk, "items/2025-00010/view-1.html"))
    kiosk.tap(".viewer-zoom-in")
    kiosk.clock.run_for(IDLE_MS)
    kiosk.wait_for_url(url_of(short_idle_kiosk, "index.html"), timeout=WAIT_MS)


@pytest.fixture(scope="session")
def attract_kiosk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample built with a 2-second idle time and site.kiosk_attract on."""
    root = copy_sample(tmp_path_factory.mktemp("attract") / "sample")
    config = root / "catalog.yaml"
    text = config.read_text(encoding="utf-8").replace(
        "kiosk_idle_seconds: 120", "kiosk_idle_seconds: 2\n  kiosk_attract: true"
    )
    config.write_text(text, encoding="utf-8")
    build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse())
    return root / "build" / "kiosk"


def test_attract_mode_cycles_the_newest_items_until_touched(
    kiosk: Page, attract_kiosk: Path
) -> None:
    stop_the_clock(kiosk)
    kiosk.goto(url_of(attract_kiosk, "index.html"))
    newest = kiosk.get_attribute(".attract", "data-urls").split()
    assert len(newest) == 5
    kiosk.clock.run_for(IDLE_MS)
    kiosk.wait_for_url(url_of(attract_kiosk, newest[0]) + "?attract=0", timeout=WAIT_MS)
    kiosk.clock.run_for(15_000)
    kiosk.wait_for_url(url_of(attract_kiosk, newest[1]) + "?attract=1", timeout=WAIT_MS)
    home_loads: list[str] = []
    kiosk.on(
        "request", lambda r: home_loads.append(r.url) if r.url.endswith("/index.html") else None
    )
    kiosk.tap("h1")  # a visitor: back to the plain home screen, once
    kiosk.wait_for_url(url_of(attract_kiosk, "index.html"), timeout=WAIT_MS)
    kiosk.wait_for_load_state("load")
    assert len(home_loads) == 1


def test_touch_keeps_the_idle_timer_from_firing(kiosk: Page, short_idle_kiosk: Path) -> None:
    stop_the_clock(kiosk)
    kiosk.goto(url_of(short_idle_kiosk, "guide.html"))
    kiosk.evaluate(LEAVING)
    for _ in range(4):  # longer than the idle time in all, touched before it ever ends
        kiosk.clock.run_for(IDLE_MS * 2 // 5)
        kiosk.mouse.click(500, 600)
    assert kiosk.evaluate("() => window.__leaving") is False  # None: another page by now
    assert kiosk.url.endswith("guide.html")
    kiosk.clock.run_for(IDLE_MS)  # untouched, the same clock does take it home
    kiosk.wait_for_url(url_of(short_idle_kiosk, "index.html"), timeout=WAIT_MS)


def _links(html: str) -> list[str]:
    return re.findall(r'(?<![\w-])(?:href|src|action)="([^"]*)"', html)


def test_no_page_links_outside_the_kiosk(kiosk_dir: Path) -> None:
    for page in kiosk_dir.rglob("*.html"):
        for link in _links(page.read_text(encoding="utf-8")):
            if link.startswith("data:"):
                continue  # inline, fetches nothing
            parts = urlsplit(link)
            assert not parts.scheme, (page, link)
            if not parts.path:
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_relative_to(kiosk_dir.resolve()), (page, link)
            assert target.exists(), (page, link)
    for script in (kiosk_dir / "static").glob("*.js"):
        code = script.read_text(encoding="utf-8")
        assert not re.search(r"https?://", code), script


def test_every_clickable_element_is_at_least_48px(kiosk: Page, kiosk_dir: Path) -> None:
    small = []
    for page_url in PAGE_TYPES:
        kiosk.goto(url_of(kiosk_dir, page_url))
        if page_url == "search.html":
            press(kiosk, "ys")  # show results and the pager too
        for element in kiosk.locator(CLICKABLE).all():
            box = element.bounding_box()
            if box is None or not element.is_visible():
                continue
            if box["width"] < 48 or box["height"] < 48:
                small.append((page_url, element.evaluate("e => e.outerHTML.slice(0, 80)"), box))
    assert small == []


def test_no_selection_or_context_menu(kiosk: Page, kiosk_dir: Path) -> None:
    kiosk.goto(url_of(kiosk_dir, "items/2025-00010.html"))
    assert kiosk.evaluate("getComputedStyle(document.body).userSelect") == "none"
    prevented = kiosk.evaluate(
        "() => !document.querySelector('h1').dispatchEvent(new MouseEvent('contextmenu', {bubbles: true, cancelable: true}))"
    )
    assert prevented


def test_attachments_open_inside_the_kiosk(kiosk: Page, kiosk_dir: Path) -> None:
    """A PDF opens as page images in the kiosk's own viewer (Chromium's PDF viewer has
    no way back), a CSV as a table; both keep the bar that leads home."""
    kiosk.goto(url_of(kiosk_dir, "items/2025-00010.html"))
    link = kiosk.locator(".attachments a.kiosk-open", has_text="“三公”经费预算表")
    assert link.count() == 1
    assert link.get_attribute("download") is None
    link.tap()
    kiosk.wait_for_url(re.compile(r"view-1\.html$"), timeout=WAIT_MS)
    image = kiosk.locator(".viewer-page img").first
    image.wait_for(state="visible", timeout=WAIT_MS)
    assert kiosk.evaluate("img => img.complete && img.naturalWidth > 1000", image.element_handle())
    before = image.bounding_box()
    kiosk.tap(".viewer-zoom-in")
    assert image.bounding_box()["width"] > before["width"] * 1.2
    kiosk.tap(".kiosk-home")
    kiosk.wait_for_url(re.compile(r"/index\.html$"), timeout=WAIT_MS)
    kiosk.goto(url_of(kiosk_dir, "items/2025-00018.html"))
    kiosk.tap(".attachments a.kiosk-open")
    kiosk.wait_for_url(re.compile(r"view-1\.html$"), timeout=WAIT_MS)
    assert "年初预算" in kiosk.inner_text("table.sheet-table thead")
    assert kiosk.locator(".kiosk-bar .kiosk-home").is_visible()


def test_back_and_home_buttons(kiosk: Page, kiosk_dir: Path) -> None:
    kiosk.goto(url_of(kiosk_dir, "index.html"))
    kiosk.locator(".tiles a.tile", has_text="政府采购").click()
    kiosk.click(".kiosk-rows a >> nth=0")  # category browsing: two taps from home to an item
    kiosk.wait_for_url(re.compile(r"/items/[^/]+\.html$"), timeout=WAIT_MS)
    kiosk.click(".kiosk-back")  # history.back() navigates after the click has returned
    kiosk.wait_for_url(re.compile(r"catalogue/category/procurement/index\.html$"), timeout=WAIT_MS)
    kiosk.click(".kiosk-home")
    kiosk.wait_for_url(url_of(kiosk_dir, "index.html"), timeout=WAIT_MS)


def test_no_hidden_item_anywhere_in_the_kiosk(built_sample: Path, kiosk_dir: Path) -> None:
    shown, hidden = shown_and_hidden(built_sample, "kiosk", BUILD_DAY)
    assert any(i.scope == "internal" for i in hidden)
    assert any(
        i.scope == "external" and i.meta.published <= BUILD_DAY for i in hidden
    )  # website-only
    files = files_of(kiosk_dir)
    needles = [CANARY.encode(), CANARY_ASCII.encode()]
    for item in hidden:
        needles += [item.meta.index_no.encode(), item.meta.title.encode()]
    for path, data in files.items():
        for needle in needles:
            assert needle not in data, (path, needle.decode())
    for item in shown:
        assert (kiosk_dir / item_url(item.meta.index_no)).is_file()
