"""The public site's layout in Chromium: ¶ anchors only on hover or focus, a compact
metadata block and self-scrolling tables on a 390 px phone, and the intranet's
approval register filtered and paged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from .conftest import guarded_page, serve

ITEM = "items/2025-00025.html"  # headings and a wide number table


@pytest.fixture
def phone(browser: Browser, public_url: str) -> Iterator[Page]:
    with guarded_page(browser, public_url, viewport={"width": 390, "height": 844}) as page:
        yield page


def test_heading_anchors_show_only_on_hover_or_focus(offline_page: Page, public_url: str) -> None:
    offline_page.goto(public_url + ITEM)
    anchor = offline_page.locator(".body h2 .headerlink").first
    opacity = "e => getComputedStyle(e).opacity"
    assert anchor.evaluate(opacity) == "0"
    offline_page.locator(".body h2").first.hover()
    assert anchor.evaluate(opacity) == "1"
    offline_page.mouse.move(0, 0)
    anchor.focus()
    assert anchor.evaluate(opacity) == "1"


def test_on_a_phone_metadata_is_compact_and_tables_scroll_in_their_own_box(
    phone: Page, public_url: str
) -> None:
    phone.goto(public_url + ITEM)
    short = phone.locator("dl.meta > div:not(.meta-wide)")
    height = 0.0
    for pair in short.all():  # label beside value: one line each, not two
        label, value = pair.locator("dt").bounding_box(), pair.locator("dd").bounding_box()
        assert abs(label["y"] - value["y"]) < 4 and value["x"] > label["x"]
        height += pair.bounding_box()["height"]
    assert short.count() == 11 and height < 11 * 56
    phone.goto(public_url + "items/2026-00013.html")  # a table wider than a phone
    table = phone.locator(".body table").first
    assert table.evaluate("t => t.scrollWidth > t.clientWidth")  # it scrolls itself
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # the page never widens
    phone.goto(public_url + "catalogue/index.html")
    cell = phone.locator("table.items td[data-label='发布日期']").first
    assert cell.evaluate("td => getComputedStyle(td, '::before').content").startswith('"发布日期')


@pytest.fixture(scope="module")
def intranet_url(built_sample: Path) -> Iterator[str]:
    server, url = serve(built_sample / "build/intranet")
    yield url
    server.shutdown()


def test_the_register_filters_and_pages(browser: Browser, intranet_url: str) -> None:
    with guarded_page(browser, intranet_url) as page:
        page.goto(intranet_url + "register.html")
        visible = "table.register tbody tr:not(.off-page)"
        assert page.locator(visible).count() == 20
        assert page.locator(".register-pages").is_visible()
        first = page.locator(visible).first.inner_text()
        page.click(".register-pages [data-page=next]")
        assert page.locator(visible).first.inner_text() != first
        page.select_option("#register-signer", "钱立新")
        rows = page.locator(visible)
        assert 0 < rows.count() <= 20
        for text in rows.all_inner_texts():
            assert "钱立新" in text
        page.select_option("#register-signer", "")
        page.select_option("#register-section", "人事科")
        texts = page.locator(visible).all_inner_texts()
        assert texts and all("人事科" in t for t in texts)
        assert page.locator(f"{visible} details.verify").first.is_visible()
        assert not page.locator(f"{visible} details.verify code").first.is_visible()  # folded
