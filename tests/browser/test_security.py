"""Nothing unsafe renders: XSS payloads in every field of a real build, checked in Chromium,
and the site's Content-Security-Policy met by every page type of every output."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
import yaml
from conftest import BUILD_DAY, DEFAULT_FRONT_MATTER, ORG, Repo
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from xsspayloads import FIELDS, PAYLOADS

from generator.build import BuildContext, build_catalogue
from generator.incremental.update import Reuse
from generator.site.views import item_url

from .conftest import WAIT_MS, serve, show_listing_filter, wait_until

URL_ATTRIBUTES = [
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "srcdoc",
    "poster",
    "background",
]
DOM_CHECK = """(urlAttributes) => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (a.name.toLowerCase().startsWith('on')) bad.push(el.tagName + '[' + a.name + ']');
      const value = a.value.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();
      if (urlAttributes.includes(a.name.toLowerCase()) &&
          /^(javascript|vbscript|data:text|data:application)/.test(value)) {
        bad.push(el.tagName + '[' + a.name + '=' + a.value + ']');
      }
    }
  }
  const body = document.querySelector('.body');
  if (body) {
    for (const el of body.querySelectorAll(
        'script, iframe, frame, object, embed, form, input, textarea, button, style, link, meta,'
        + ' base, svg, math, [style], [id=catalogueSearch], [name]')) {
      if (el.matches('[style]') && /^text-align:\\s*(left|right|center);?$/.test(el.getAttribute('style'))) continue;
      bad.push('in body: ' + el.outerHTML.slice(0, 80));
    }
  }
  return bad;
}"""


FIELDS_ITEM = f"{ORG}/2024-00012"


def payload_item(n: int) -> str:
    return f"{ORG}/2024-{100 + n:05d}"


@pytest.fixture(scope="module")
def xss_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real catalogue, built: one item with a payload in every front matter field, and one
    item per body payload (an unclosed <style> or <textarea> swallows what follows it, so
    payloads sharing a body would hide one another from the test)."""
    root = tmp_path_factory.mktemp("xss")
    repo = Repo(root)
    folder = root / "content/external/budget"
    (folder / "files").mkdir(parents=True)
    (folder / "files/a.csv").write_text("项目,金额\n收入,1\n", encoding="utf-8")
    items = {"fields.md": ({**FIELDS, "index_no": FIELDS_ITEM}, "## 正文\n\n收入完成。\n")}
    for n, payload in enumerate(PAYLOADS, start=1):
        fields = {"title": f"预算执行XSS第{n}项", "index_no": payload_item(n)}
        items[f"xss-{n}.md"] = (fields, f"## 第{n}项\n\n{payload}\n\n正文结束。\n")
    for name, (fields, body) in items.items():
        head = yaml.safe_dump(
            {**DEFAULT_FRONT_MATTER, **fields}, allow_unicode=True, sort_keys=False
        )
        (folder / name).write_text(f"---\n{head}---\n\n{body}", encoding="utf-8")
        repo.approve(folder / name)
    catalogue = repo.load()
    assert [p for p in catalogue.problems if p.is_error] == [], catalogue.problems
    # The payloads point at files that do not exist (``<img src=x onerror=…>``): only a
    # failed load fires ``onerror``, so the links must stay broken, and the link check,
    # which would rightly refuse them, is left out of this build.
    with mock.patch("generator.build.pipeline.refuse_broken_links"):
        build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse())
    return root / "build"


@pytest.fixture(scope="module")
def xss_urls(xss_build: Path) -> Iterator[dict[str, str]]:
    public, public_url = serve(xss_build / "public")
    intranet, intranet_url = serve(xss_build / "intranet")
    yield {"public": public_url, "intranet": intranet_url}
    public.shutdown()
    intranet.shutdown()


def _context(browser: Browser, bypass_csp: bool, allowed: tuple[str, ...]) -> BrowserContext:
    context = browser.new_context(bypass_csp=bypass_csp)

    def route(route_obj: object) -> None:
        url = route_obj.request.url  # type: ignore[attr-defined]
        if url.startswith(allowed):
            route_obj.continue_()  # type: ignore[attr-defined]
        else:
            route_obj.abort()  # type: ignore[attr-defined]

    context.route("**/*", route)
    return context


# Once the load event has fired, every image has loaded or failed and its handlers have
# run; one more task lets whatever they queued run too. Then what ran has shown itself.
FIRED = """async () => {
  if (document.readyState !== 'complete') {
    await new Promise((done) => window.addEventListener('load', done, {once: true}));
  }
  await new Promise((done) => setTimeout(done));
  return [window.__xss, typeof window.catalogueSearch];
}"""


def _fired(page: Page) -> list[object]:
    return page.evaluate(FIRED)


def _visit_all(page: Page, xss_build: Path, urls: dict[str, str]) -> list[tuple[str, object]]:
    """Every place the payload item appears; (page, evidence) for each that misbehaved."""
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    failures: list[tuple[str, object]] = []
    item = item_url(FIELDS_ITEM)
    payload_pages = [item_url(payload_item(n)) for n in range(1, len(PAYLOADS) + 1)]
    visits: list[tuple[str, str | None, str | None]] = [
        *((urls["public"] + page, None, None) for page in payload_pages),
        *(((xss_build / "kiosk" / page).as_uri(), None, None) for page in payload_pages),
        (urls["public"] + item, None, None),
        (urls["public"] + "index.html", None, None),
        (urls["public"] + "catalogue/category/budget/index.html", None, None),
        (urls["public"] + "catalogue/index.html", "form.filter [name=text]", "XSS"),
        (urls["public"] + "search.html", "#search-q", "收入完成"),
        (urls["intranet"] + item, None, None),
        (urls["intranet"] + "register.html", None, None),
        ((xss_build / "kiosk" / item).as_uri(), None, None),
        ((xss_build / "kiosk/search.html").as_uri(), "#kiosk-q", "script"),
    ]
    for url, field, text in visits:
        page.goto(url)
        if field:
            page.fill(field, text or "", timeout=WAIT_MS)  # the filter shows once its data loads
            page.press(field, "Enter")
            try:  # the search answers once its index files have loaded
                page.locator("a", has_text="预算执行XSS<script>").first.wait_for(timeout=WAIT_MS)
            except PlaywrightTimeoutError:
                failures.append((url, "the payload item was not found, so not tested"))
        fired = _fired(page)
        if fired != [None, "object" if "search.html" in url and "http" in url else fired[1]]:
            failures.append((url, fired))
        bad = page.evaluate(DOM_CHECK, URL_ATTRIBUTES)
        if bad:
            failures.append((url, bad))
        if not page.locator("h1, .result, table").first.is_visible():
            failures.append((url, "page hidden by injected style"))
    if dialogs:
        failures.append(("dialogs", dialogs))
    return failures


def test_there_are_enough_payloads() -> None:
    assert len(PAYLOADS) >= 20
    assert len(PAYLOADS) + len(FIELDS) == 46


def test_the_probe_would_notice_a_payload_that_runs(browser: Browser) -> None:
    context = _context(browser, bypass_csp=True, allowed=("about:", "data:"))
    page = context.new_page()
    page.set_content('<img src="x" onerror="window.__xss=1"><a href="javascript:1">x</a>')
    assert _fired(page)[0] == 1
    assert page.evaluate(DOM_CHECK, URL_ATTRIBUTES) == ["IMG[onerror]", "A[href=javascript:1]"]
    context.close()


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with CSP", "sanitiser alone"])
def test_no_payload_runs_anywhere(
    browser: Browser, xss_build: Path, xss_urls: dict[str, str], bypass_csp: bool
) -> None:
    """With the CSP the browser would block inline code anyway; with it bypassed, the
    sanitiser and the templates' escaping must hold on their own."""
    allowed = (xss_urls["public"], xss_urls["intranet"], "file://")
    context = _context(browser, bypass_csp, allowed)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    assert _visit_all(page, xss_build, xss_urls) == []
    assert errors == []
    context.close()


def test_payload_text_is_shown_as_text(xss_build: Path) -> None:
    """Escaped, not swallowed: readers see what the author typed in titles and code spans."""
    html = (xss_build / "public" / item_url(FIELDS_ITEM)).read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__xss=101&lt;/script&gt;" in html

    def page(n: int) -> str:
        return (xss_build / "public" / item_url(payload_item(n))).read_text(encoding="utf-8")

    assert "<code>&lt;script&gt;window.__xss=40&lt;/script&gt;</code>" in page(40)
    assert re.search(r"<h2 id=\"[^\"]*\">标题24", page(24))  # attr_list's onclick gone
    assert "正文结束" in page(2) and "正文结束" in page(5)  # harmless text around a payload stays


# ------------------------------------------------------------------ Content-Security-Policy

CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => {
  (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI);
});
"""
PUBLIC_PAGES = [
    "index.html",
    "catalogue/index.html",
    "catalogue/category/budget/index.html",
    "items/2025-00010.html",  # PDF attachment
    "items/2025-00018.html",  # CSV attachment
    "items/2019-00001.html",  # repealed, links to its replacement
    "search.html",
    "guide.html",
    "request.html",
    "complaints.html",
    "404.html",
]
STAFF_PAGES = ["register.html", "reports/index.html"]


def _csp_page(browser: Browser) -> tuple[BrowserContext, Page, list[str]]:
    context = browser.new_context()
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    return context, page, console


# A violation is reported to the console as it happens, and to the listener by an event
# the browser queues then; a task later, that event has been dispatched.
VIOLATIONS = """async () => {
  await new Promise((done) => setTimeout(done));
  return window.__csp || [];
}"""


def _violations(page: Page, console: list[str]) -> list[str]:
    found = page.evaluate(VIOLATIONS)  # its answer comes after any console message before it
    return found + [m for m in console if "Content Security Policy" in m]


def _exercise(page: Page, url: str) -> None:
    """Make each page do what it does for visitors: search loads its index scripts."""
    if url.endswith("/search.html") and url.startswith("http"):
        page.fill("#search-q", "预算")
        page.press("#search-q", "Enter")
        page.wait_for_selector(".search-status:text-matches('^(找到|没有)')", timeout=WAIT_MS)
    elif url.endswith("kiosk/search.html") or url.endswith("hall-kiosk/search.html"):
        page.fill("#kiosk-q", "yusuan")  # the results, from the index's scripts, are shown
        page.wait_for_selector("#kiosk-results[data-query='yusuan']", timeout=WAIT_MS)
    elif url.endswith("catalogue/index.html") and show_listing_filter(page):
        page.fill("form.filter [name=text]", "预算")  # public only: the intranet has no export
    page.click(".mode-toggle[data-mode=contrast]")  # every page runs site.js


def test_the_csp_listener_hears_a_violation(browser: Browser) -> None:
    context, page, console = _csp_page(browser)
    page.set_content(
        '<meta http-equiv="Content-Security-Policy" content="script-src \'self\'">'
        "<script>window.ran = 1</script>"
    )
    assert wait_until(lambda: _violations(page, console))  # however late the report comes
    context.close()


def test_every_page_type_meets_the_csp(
    browser: Browser, built_sample: Path, public_url: str
) -> None:
    intranet, intranet_url = serve(built_sample / "build/intranet")
    kiosk = built_sample / "build/kiosk"
    urls = [public_url + p for p in PUBLIC_PAGES]
    urls += [intranet_url + p for p in [*PUBLIC_PAGES[:4], *STAFF_PAGES]]
    urls += [(kiosk / p).as_uri() for p in PUBLIC_PAGES if (kiosk / p).exists()]
    assert len(urls) >= 25
    context, page, console = _csp_page(browser)
    problems = {}
    try:
        for url in urls:
            console.clear()
            page.goto(url)
            _exercise(page, url)
            found = _violations(page, console)
            if found:
                problems[url] = found
    finally:
        context.close()
        intranet.shutdown()
    assert problems == {}, "\n".join(f"{u}: {sorted(set(v))}" for u, v in problems.items())


def test_aligned_table_columns_survive_the_csp(offline_page: Page, public_url: str) -> None:
    """Markdown aligns columns with style attributes; the policy admits exactly those."""
    offline_page.goto(public_url + "items/2025-00010.html")
    cell = offline_page.locator('.body td[style="text-align: right;"]').first
    assert cell.evaluate("el => getComputedStyle(el).textAlign") == "right"


def test_every_built_page_carries_the_csp(built_sample: Path) -> None:
    pages = list((built_sample / "build").rglob("*.html"))
    assert len(pages) > 100
    for page in pages:
        head = page.read_text(encoding="utf-8")[:2000]
        assert 'http-equiv="Content-Security-Policy"' in head, page
        assert "script-src 'self'" in head and "object-src 'none'" in head, page
        assert not re.search(r"<script(?![^>]*\bsrc=)", head), page  # no inline scripts


def test_security_doc_gives_server_headers() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs/security.md").read_text(encoding="utf-8")
    for needle in (
        "add_header Content-Security-Policy",
        "Header always set Content-Security-Policy",
        "frame-ancestors 'none'",
        "X-Content-Type-Options",
        "Referrer-Policy",
    ):
        assert needle in doc
