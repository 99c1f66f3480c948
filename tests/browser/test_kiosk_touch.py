"""The kiosk as a touch product, tapped (never clicked) on an emulated touch screen at
1920×1080 landscape and 1080×1920 portrait, opened from file:// with the network blocked.

Each test saves what it saw to ``test-screenshots/kiosk/`` (ignored by git) so a
reviewer can look at the screens without building the kiosk.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from browser.conftest import WAIT_MS, guarded_page, wait_until

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-screenshots" / "kiosk"
ORIENTATIONS = {"landscape": (1920, 1080), "portrait": (1080, 1920)}
TARGET_PX = 88
TEXT_PX = 24
PAGE_TYPES = [
    "index.html",
    "catalogue/index.html",
    "catalogue/category/procurement/index.html",
    "items/2025-00010.html",  # an item with a PDF attachment
    "items/2025-00010/view-1.html",  # the PDF in the kiosk's viewer
    "items/2025-00018/view-1.html",  # a CSV as a table
    "search.html",
    "guide.html",
    "request.html",
    "complaints.html",
]
CLICKABLE = "a, button, input, select, textarea, summary, [role=button]"

# Every visible text node's font size, and every visible target's size, in CSS pixels.
SMALL_TEXT = """(min) => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!node.textContent.trim() || !parent || !parent.getClientRects().length) continue;
    if (parent.closest('.visually-hidden, [hidden], script, style, noscript')) continue;
    const size = parseFloat(getComputedStyle(parent).fontSize);
    if (size < min) small.push(parent.tagName + '.' + parent.className + ': ' + node.textContent.trim().slice(0, 20) + ' ' + size);
  }
  return small;
}"""


@pytest.fixture(scope="module")
def kiosk_dir(built_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample's kiosk in another folder, as staff copy it to the hall machine."""
    copy = tmp_path_factory.mktemp("hall") / "kiosk"
    shutil.copytree(built_sample / "build" / "kiosk", copy)
    return copy


@pytest.fixture(params=list(ORIENTATIONS))
def orientation(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def screen(browser: Browser, orientation: str) -> Iterator[Page]:
    width, height = ORIENTATIONS[orientation]
    viewport = {"width": width, "height": height}
    with guarded_page(browser, "file://", viewport=viewport, has_touch=True) as page:
        yield page


def at(kiosk: Path, page: str) -> str:
    return (kiosk / page).as_uri()


def shoot(page: Page, name: str, whole: bool = False) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=whole)
    return path


def large_mode(page: Page) -> None:
    """Turn 大字 on (it is remembered from page to page until the kiosk goes home idle)."""
    toggle = page.locator(".mode-toggle[data-mode=large]")
    if toggle.get_attribute("aria-pressed") != "true":
        toggle.tap()
    assert toggle.get_attribute("aria-pressed") == "true"


def in_view(page: Page, selector: str) -> bool:
    """Is every element matching ``selector`` wholly inside the viewport?"""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)].every(e => {
            const r = e.getBoundingClientRect();
            return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
        })""",
        selector,
    )


def test_home_is_tiles_and_quick_buttons_without_the_websites_chrome(
    screen: Page, kiosk_dir: Path, orientation: str
) -> None:
    screen.goto(at(kiosk_dir, "index.html"))
    assert screen.locator(".masthead, .nav, .breadcrumbs").count() == 0
    assert screen.locator(".kiosk-back").count() == 0  # no 返回 on the home screen
    assert screen.locator(".tiles a.tile, .tiles .tile-empty").count() >= 12 + 4
    assert screen.locator(".quick-button").all_inner_texts() == [
        "预算",
        "决算",
        "三公经费",
        "政府采购",
        "办事指南",
    ]
    tile = screen.locator(".tile", has_text="政府采购")
    assert re.fullmatch(r"\d+ 条", tile.locator("span").inner_text())
    assert screen.locator(".kiosk-fresh").inner_text().startswith("内容更新于 2026年11月26日")
    shoot(screen, f"home-{orientation}")


@pytest.mark.parametrize("mode", ["normal", "large"])
def test_targets_are_88px_and_text_24px_on_every_screen(
    screen: Page, kiosk_dir: Path, orientation: str, mode: str
) -> None:
    problems = []
    for name in PAGE_TYPES:
        screen.goto(at(kiosk_dir, name))
        if mode == "large":
            large_mode(screen)
            assert (
                screen.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
                > TEXT_PX
            )
        if name == "search.html":
            for key in "ys":
                screen.tap(f".osk-key[data-key='{key}']")
            screen.wait_for_selector("#kiosk-results[data-query='ys']", timeout=WAIT_MS)
        for element in screen.locator(CLICKABLE).all():
            box = element.bounding_box()
            if box is None or not element.is_visible():
                continue
            if box["height"] < TARGET_PX or box["width"] < TARGET_PX:
                html = element.evaluate("e => e.outerHTML.slice(0, 80)")
                problems.append((name, html, box["width"], box["height"]))
        problems += [(name, text) for text in screen.evaluate(SMALL_TEXT, TEXT_PX)]
    assert problems == []


def test_a_visitor_taps_from_home_to_an_item_and_back(
    screen: Page, kiosk_dir: Path, orientation: str
) -> None:
    screen.goto(at(kiosk_dir, "index.html"))
    screen.locator(".tile", has_text="政府采购").tap()
    screen.wait_for_url(re.compile(r"category/procurement/index\.html$"), timeout=WAIT_MS)
    screen.locator(".kiosk-rows a").first.tap()
    screen.wait_for_url(re.compile(r"/items/[\d-]+\.html$"), timeout=WAIT_MS)
    assert screen.locator(".item-qr img").is_visible()
    shoot(screen, f"item-{orientation}", whole=True)  # down to its QR code
    screen.tap(".kiosk-back")
    screen.wait_for_url(re.compile(r"category/procurement/index\.html$"), timeout=WAIT_MS)
    screen.tap(".kiosk-home")
    screen.wait_for_url(at(kiosk_dir, "index.html"), timeout=WAIT_MS)


def test_long_lists_page_by_buttons_that_stay_in_view(
    screen: Page, kiosk_dir: Path, orientation: str
) -> None:
    screen.goto(at(kiosk_dir, "catalogue/index.html"))
    first = screen.locator(".kiosk-rows a").first.inner_text()
    assert in_view(screen, ".pagination a[rel=next]")  # no scrolling to reach it
    screen.tap(".pagination a[rel=next]")
    screen.wait_for_url(re.compile(r"catalogue/page-2\.html$"), timeout=WAIT_MS)
    assert screen.locator(".kiosk-rows a").first.inner_text() != first
    screen.tap(".pagination a[rel=prev]")
    screen.wait_for_url(re.compile(r"catalogue/index\.html$"), timeout=WAIT_MS)


@pytest.mark.parametrize("mode", ["normal", "large"])
def test_five_results_stay_in_view_with_the_keyboard_open(
    screen: Page, kiosk_dir: Path, orientation: str, mode: str
) -> None:
    screen.goto(at(kiosk_dir, "search.html"))
    if mode == "large":
        large_mode(screen)
    assert "拼音首字母" in screen.inner_text(".search-hint") and "CZYS" in screen.inner_text(
        ".search-hint"
    )
    counts = []
    for typed in ("c", "cz"):
        screen.tap(f".osk-key[data-key='{typed[-1]}']")
        # Results are looked up in the index's scripts: the list says which query it shows.
        screen.wait_for_selector(f"#kiosk-results[data-query='{typed}']", timeout=WAIT_MS)
        counts.append(screen.locator("#kiosk-results li").count())
    assert counts[0] > 0 and counts[1] >= 5  # results follow every tap
    assert in_view(screen, "#osk")
    shown = screen.evaluate(
        """() => {
            const keyboard = document.getElementById('osk').getBoundingClientRect();
            const bar = document.querySelector('.kiosk-bar').getBoundingClientRect();
            const portrait = innerHeight > innerWidth;
            const bottom = Math.min(bar.top, portrait ? keyboard.top : innerHeight);
            return [...document.querySelectorAll('#kiosk-results li')].filter(li => {
                const r = li.getBoundingClientRect();
                return r.top >= 0 && r.bottom <= bottom && (portrait || r.right <= keyboard.left);
            }).length;
        }"""
    )
    assert shown >= 5
    shoot(screen, f"search-{orientation}-{mode}")


def test_visitors_without_pinyin_find_by_buttons_from_the_search_screen(
    screen: Page, kiosk_dir: Path
) -> None:
    screen.goto(at(kiosk_dir, "search.html"))
    assert screen.locator(".search-browse .chip").count() >= 10  # categories
    screen.locator(".search-browse .quick-button", has_text="三公经费").tap()
    wait_until(lambda: screen.locator("#kiosk-results li").count() > 0)
    assert screen.input_value("#kiosk-q") == "三公经费"
    links = [a.get_attribute("href") for a in screen.locator("#kiosk-results a").all()]
    assert "items/2025-00010.html" in links  # the 2025 部门预算, whose body has its 三公经费


def test_a_pdf_is_read_page_by_page_with_zoom(
    screen: Page, kiosk_dir: Path, orientation: str
) -> None:
    screen.goto(at(kiosk_dir, "items/2025-00010.html"))
    screen.locator(".attachments a.kiosk-open", has_text="“三公”经费预算表").tap()
    screen.wait_for_url(re.compile(r"view-1\.html$"), timeout=WAIT_MS)
    image = screen.locator(".viewer-page img").first
    wait_until(
        lambda: screen.evaluate(
            "img => img.complete && img.naturalWidth > 0", image.element_handle()
        )
    )
    assert screen.locator(".viewer-status").inner_text().startswith("第 1 /")
    shoot(screen, f"pdf-{orientation}")
    width = image.bounding_box()["width"]
    screen.tap(".viewer-zoom-in")
    assert image.bounding_box()["width"] > width
    screen.tap(".viewer-zoom-out")
    assert image.bounding_box()["width"] == pytest.approx(width)
    assert screen.locator(".kiosk-bar .kiosk-home").is_visible()


def test_the_home_screen_tells_staff_when_the_copy_is_stale(screen: Page, kiosk_dir: Path) -> None:
    built = dt.datetime(2026, 11, 26, 9, 0)
    screen.clock.set_fixed_time(built + dt.timedelta(days=10))
    screen.goto(at(kiosk_dir, "index.html"))
    assert screen.locator(".kiosk-stale").is_hidden()
    screen.clock.set_fixed_time(built + dt.timedelta(days=31))
    screen.goto(at(kiosk_dir, "index.html"))
    assert screen.locator(".kiosk-stale").is_visible()
    assert "已超过 30 天" in screen.inner_text(".kiosk-stale")
