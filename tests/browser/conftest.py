"""Real headless Chromium (Debian's, driven by Playwright) against builds served on loopback."""

from __future__ import annotations

import functools
import http.server
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from headless import CHROMIUM, CHROMIUM_ARGS  # bench/ is not a package

# The longest a test waits for a page or a server to get where it waits for them: a
# quiet machine takes milliseconds, a loaded one may take seconds; only a bug takes this.
WAIT_MS = 60_000
T = TypeVar("T")


def wait_until(condition: Callable[[], T], seconds: float = WAIT_MS / 1000) -> T:
    """Poll ``condition`` until it returns something true, and return that; fail the test
    if it has not after ``seconds``. For what Playwright cannot wait for by itself: a
    page's CSP forbids wait_for_function's evaluated strings, and a process is no page."""
    deadline = time.monotonic() + seconds
    while not (result := condition()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
    return result


def show_listing_filter(page: Page) -> bool:
    """On a listing served over HTTP, wait until its filter form is shown (site.js shows
    it once catalogue.json has loaded), so what a test does next meets the page as
    visitors do; whether it is shown. A site without catalogue.json (the intranet)
    keeps the plain listing, as does the kiosk, which has no filter."""
    form = page.locator("form.filter[data-catalogue]")
    if not page.url.startswith("http") or form.count() == 0:
        return False
    data = urljoin(page.url, form.get_attribute("data-catalogue") or "")
    try:
        with urllib.request.urlopen(
            urllib.request.Request(data, method="HEAD"), timeout=WAIT_MS / 1000
        ):
            pass
    except urllib.error.HTTPError:
        return False  # nothing to filter: the form stays hidden
    page.wait_for_selector("form.filter:not([hidden])", timeout=WAIT_MS)
    return True


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``folder`` on a free loopback port; returns the server and its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def public_url(built_sample: Path) -> Iterator[str]:
    server, url = serve(built_sample / "build" / "public")
    yield url
    server.shutdown()


class Offline:
    """Blocks and records every request that leaves the served site."""

    def __init__(self, allowed_prefix: str) -> None:
        self.allowed_prefix = allowed_prefix
        self.blocked: list[str] = []

    def attach(self, page: Page) -> Page:
        def route(route_obj: object) -> None:
            request_url = route_obj.request.url  # type: ignore[attr-defined]
            if request_url.startswith(self.allowed_prefix) or request_url.startswith("data:"):
                route_obj.continue_()  # type: ignore[attr-defined]
            else:
                self.blocked.append(request_url)
                route_obj.abort()  # type: ignore[attr-defined]

        page.route("**/*", route)
        return page


@contextmanager
def guarded_page(browser: Browser, allowed_prefix: str, **context_options: Any) -> Iterator[Page]:
    """A fresh page that may load only URLs under ``allowed_prefix`` and must raise no
    JavaScript error; either fails the test when the page is done with."""
    context = browser.new_context(**context_options)
    guard = Offline(allowed_prefix)
    page = guard.attach(context.new_page())
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert guard.blocked == [], f"requests left the site: {guard.blocked}"
    assert errors == [], f"JavaScript errors: {errors}"


@pytest.fixture
def offline_page(browser: Browser, public_url: str) -> Iterator[Page]:
    """A fresh page that may reach only the served site; fails the test otherwise."""
    with guarded_page(browser, public_url) as page:
        yield page
