"""``catalogue serve`` in a real process, watched by headless Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import BUILD_DAY, ORG, Repo
from playwright.sync_api import Browser, Page

from generator.authoring.serve import OVERLAY_HEADING, PreviewServer
from generator.catalogue import load_catalogue
from generator.problems.output import as_text
from generator.site.views import item_url

from .conftest import WAIT_MS, wait_until

WAIT_S = WAIT_MS / 1000  # a rebuild takes a few seconds; generous for a loaded CI machine

TITLE = "2024年区本级一般公共预算执行情况（第二季度）"
REL = "content/external/budget/2024-q2.md"


@dataclass
class Served:
    repo: Repo
    process: subprocess.Popen[str]
    url: str
    output: list[str] = field(default_factory=list)

    @property
    def item(self) -> Path:
        return self.repo.root / REL

    def printed(self, text: str) -> bool:
        return any(text in line for line in list(self.output))


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """``catalogue serve --port 0`` on a small approved catalogue, as a subprocess."""
    root = tmp_path / "repo"
    root.mkdir()
    repo = Repo(root)
    repo.add_item(REL)
    repo.add_item(
        "content/external/budget/other.md", index_no=f"{ORG}/2024-00013", title="另一个条目"
    )
    command = [sys.executable, "-m", "generator", "--root", str(root), "serve"]
    process = subprocess.Popen(
        [*command, "--port", "0", "--today", BUILD_DAY.isoformat()],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "GITHUB_ACTIONS": ""},
    )
    output: list[str] = []
    assert process.stdout is not None
    stdout = process.stdout
    reader = threading.Thread(target=lambda: output.extend(iter(stdout.readline, "")), daemon=True)
    reader.start()
    try:
        wait_until(
            lambda: any("预览地址：" in line for line in output) or process.poll() is not None
        )
        line = next((line for line in output if "预览地址：" in line), "")
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert match, "".join(output)
        yield Served(repo, process, match.group(0), output)
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=WAIT_S)
        reader.join(timeout=WAIT_S)  # its last lines may still be in the pipe when it exits
    assert code == 0, "".join(output)
    assert any("已停止预览" in line for line in output)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


def count_loads(page: Page) -> list[int]:
    loads: list[int] = []
    page.on("load", lambda _: loads.append(1))
    return loads


def status(served: Served) -> dict[str, object]:
    with urllib.request.urlopen(served.url + "__catalogue__/status", timeout=WAIT_S) as response:
        return json.loads(response.read())


def save(path: Path, data: bytes) -> None:
    """Write ``path`` as editors save it: a copy renamed over it, one change to watch.
    Written in place it is two, a truncation and a write: a rebuild that starts
    between them is followed by another, one generation more than a test counts."""
    scratch = path.with_name(path.name + ".tmp")  # a name the preview does not watch
    scratch.write_bytes(data)
    os.replace(scratch, path)


def approved_edit(served: Served, tmp_path: Path, old: str, new: str) -> bytes:
    """The item with ``old`` replaced by ``new`` and approved again, prepared off to the side.

    Writing it back is then one save: the edit plus the reviewers' re-approval.
    """
    stage_root = tmp_path / "stage"
    shutil.copytree(served.repo.root, stage_root)
    stage = Repo(stage_root, fresh=False)
    file = stage_root / REL
    file.write_text(file.read_text("utf-8").replace(old, new), encoding="utf-8")
    stage.approve(file)
    return file.read_bytes()


def test_an_edit_rebuilds_the_site_and_the_open_page_reloads(
    served: Served, page: Page, tmp_path: Path
) -> None:
    loads = count_loads(page)
    page.goto(served.url + item_url(f"{ORG}/2024-00012"))
    assert page.inner_text("h1") == TITLE
    assert status(served)["generation"] == 1

    revised = approved_edit(served, tmp_path, f"title: {TITLE}", f"title: {TITLE}（修订）")
    save(served.item, revised)

    # a new generation when the edited item's page is written, another with its listings;
    # the page reloads onto each (no reload() from us): wait for the last one, loaded, as
    # its "load" reaches ``loads`` only during a Playwright call, not while wait_until sleeps
    wait_until(lambda: served.printed("已生成第 3 版"))
    page.wait_for_selector("script[data-generation='3']", state="attached", timeout=WAIT_MS)
    page.wait_for_load_state(timeout=WAIT_MS)
    assert page.inner_text("h1") == f"{TITLE}（修订）"
    assert len(loads) >= 2
    assert page.query_selector("#catalogue-live-overlay") is None
    assert status(served)["generation"] == 3
    assert not (served.repo.root / "build").exists()  # the preview never touches build/


def test_a_broken_file_shows_the_problems_over_the_last_good_site_until_fixed(
    served: Served, page: Page
) -> None:
    loads = count_loads(page)
    page.goto(served.url + item_url(f"{ORG}/2024-00012"))
    original = served.item.read_bytes()
    served.item.write_text(
        original.decode("utf-8").replace("title: ", "title: [未闭合", 1), encoding="utf-8"
    )

    overlay = page.locator("#catalogue-live-overlay")
    overlay.wait_for(timeout=WAIT_MS)
    expected = [as_text(p) for p in load_catalogue(served.repo.root).problems if p.is_error]
    # An unclosed bracket is Y009, reported at its own line.
    assert expected and all(f"{REL}:" in line and " Y009 " in line for line in expected)

    def listed() -> list[str]:
        return page.eval_on_selector_all(
            "#catalogue-live-overlay li", "items => items.map(li => li.textContent)"
        )

    # A save is a truncation and then a write: a rebuild that came between them found an
    # empty file, and the overlay shows that build's problems until the next one's.
    wait_until(lambda: listed() == expected)
    assert listed() == expected
    assert overlay.inner_text().startswith(OVERLAY_HEADING)
    assert page.inner_text("h1") == TITLE  # the last good site is still there underneath

    # The server lives on: it still serves the last good site and reports the problems.
    assert served.process.poll() is None
    with urllib.request.urlopen(served.url + "index.html", timeout=WAIT_S) as response:
        assert response.status == 200
    state = status(served)
    assert state["ok"] is False and state["generation"] == 1
    wait_until(lambda: served.printed(OVERLAY_HEADING) and served.printed(expected[0]))

    before = len(loads)
    save(served.item, original)
    page.wait_for_selector("#catalogue-live-overlay", state="detached", timeout=WAIT_MS)
    # It reloaded onto the new build. Its "load" reaches ``loads`` only during a
    # Playwright call: a wait_until that only sleeps would never see it.
    page.wait_for_load_state(timeout=WAIT_MS)
    assert len(loads) > before
    assert page.inner_text("h1") == TITLE
    # The item is as the last good build had it: nothing to write ahead, one reload.
    wait_until(lambda: served.printed("已生成第 2 版"))
    state = status(served)
    assert (state["ok"], state["generation"], state["problems"]) == (True, 2, [])


def test_a_site_that_never_built_says_so_and_recovers(repo: Repo, browser: Browser) -> None:
    """Broken from the start: a placeholder page with the overlay, then the real site."""
    path = repo.add_item()
    good = path.read_bytes()
    path.write_text(good.decode("utf-8").replace("category: budget", "category: budgt"), "utf-8")
    preview = PreviewServer(repo.root, port=0, today=BUILD_DAY, echo=lambda _: None)
    preview.start()
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(preview.url)
        assert page.inner_text("h1") == "网站尚未生成"
        item = page.wait_for_selector("#catalogue-live-overlay li", timeout=WAIT_MS)
        assert item is not None and f"{REL}:" in item.inner_text() and " I305 " in item.inner_text()
        save(path, good)
        page.wait_for_selector("h1:has-text('政务公开')", timeout=WAIT_MS)
        assert page.query_selector("#catalogue-live-overlay") is None
    finally:
        context.close()
        preview.stop()


def test_the_live_script_is_only_in_served_responses(repo: Repo) -> None:
    repo.add_item()
    lines: list[str] = []
    preview = PreviewServer(repo.root, port=0, today=BUILD_DAY, echo=lines.append)
    preview.start()
    try:
        with urllib.request.urlopen(preview.url, timeout=WAIT_S) as response:
            page = response.read().decode("utf-8")
            assert response.headers["Cache-Control"] == "no-store"
        tag = '<script src="/__catalogue__/live.js" data-generation="1" defer></script>\n</head>'
        assert tag in page
        _, site = preview.snapshot()
        assert site is not None and (site / "index.html").is_file()
        on_disk = [p for p in preview.workdir.rglob("*") if p.is_file()]
        assert on_disk and not [p for p in on_disk if b"__catalogue__" in p.read_bytes()]
        with urllib.request.urlopen(preview.url + "static/style.css", timeout=WAIT_S) as response:
            assert response.read() == (site / "static/style.css").read_bytes()
        with urllib.request.urlopen(
            preview.url + "__catalogue__/live.js", timeout=WAIT_S
        ) as response:
            assert response.headers["Content-Type"].startswith("text/javascript")
            assert b"/__catalogue__/status" in response.read()
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(preview.url + "no-such-page.html", timeout=WAIT_S)
        assert missing.value.code == 404
        assert b"/__catalogue__/live.js" in missing.value.read()  # the site's 404 page, live
        assert not (repo.root / "build").exists()
    finally:
        preview.stop()
    assert not preview.workdir.exists()
    assert any("已生成第 1 版" in line for line in lines)
