"""``catalogue serve``: preview the public site, rebuilt and reloaded as files change.

How it fits together:

- ``PreviewServer.build`` builds into a private folder (never build/). A
  rebuild writes only the files that changed (pagecache.py) and re-reads only
  the items whose files changed (an in-memory ItemCache); a failed build leaves
  the last good site in place. Each time a build's pages are written the
  generation number goes up; search indexes follow without holding that up.
- A watchdog ``Observer`` watches content/, themes/ and catalog.yaml; changes
  are debounced (``DEBOUNCE_SECONDS``) and trigger one rebuild on the builder
  thread.
- Served HTML (only the HTTP response; files on disk stay as built) gets one
  external script tag, ``/__catalogue__/live.js``, carrying the generation the
  page came from. The site's Content-Security-Policy allows only same-origin
  scripts, so nothing is inlined. The script polls ``/__catalogue__/status``
  (generation and problems, JSON) every second, reloads when the generation
  changes, and shows an overlay listing the problems while the latest build
  has failed.
"""

from __future__ import annotations

import datetime as dt
import html
import http.server
import json
import re
import shutil
import signal
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
from watchdog.events import (
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from ..build import BuildContext, BuildRefused, BuildResult, build_catalogue
from ..incremental.itemcache import ItemCache
from ..incremental.lastbuild import LastBuild
from ..incremental.update import Reuse
from ..problems import Problem
from ..problems.output import as_text
from ..site.render import THEMES_DIR
from ..source.config import CATALOG_FILE
from ..source.items import CONTENT_DIR
from .cliutil import DATE, CatalogueError

# An editor's save (write a copy, rename it over) is a burst of events milliseconds apart;
# waiting longer only delays the reload.
DEBOUNCE_SECONDS = 0.1
SITE_VARIANT = "public"
PREFIX = "/__catalogue__/"
OVERLAY_HEADING = "条目有错误，网站未更新"
WATCHED_EVENTS = {EVENT_TYPE_CREATED, EVENT_TYPE_MODIFIED, EVENT_TYPE_DELETED, EVENT_TYPE_MOVED}
# Editors' swap and backup files: saving an item should not rebuild three times.
_SCRATCH = re.compile(r"(^\.#|^4913$|~$|\.sw[a-p]$|\.tmp$)")


@dataclass
class Status:
    """What the live script polls: the generation being served and the latest problems."""

    generation: int = 0
    site: Path | None = None
    ok: bool = True
    building: bool = False
    problems: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> bytes:
        body = {
            "generation": self.generation,
            "ok": self.ok,
            "building": self.building,
            "heading": OVERLAY_HEADING,
            "problems": self.problems,
        }
        return json.dumps(body, ensure_ascii=False).encode("utf-8")


def problem_row(problem: Problem) -> dict[str, Any]:
    return {
        "path": problem.path,
        "line": problem.line,
        "code": problem.code,
        "severity": problem.severity.value,
        "message": problem.message,
        "text": as_text(problem),
    }


class PreviewServer:
    """Builds, watches, rebuilds and serves; ``start`` and ``stop`` for tests and the CLI."""

    def __init__(
        self,
        root: Path,
        *,
        port: int = 8000,
        host: str = "127.0.0.1",
        today: dt.date | None = None,
        debounce: float = DEBOUNCE_SECONDS,
        echo: Callable[[str], None] = click.echo,
    ) -> None:
        self.root = root.resolve()
        self.today = today
        self.debounce = debounce
        self.echo = echo
        self.status = Status()
        self._lock = threading.Lock()
        self._dirty = threading.Event()
        self._stopping = threading.Event()
        self._changed: set[Path] = set()
        self._last_change = 0.0
        self.workdir = Path(tempfile.mkdtemp(prefix="catalogue-serve-"))
        self.items = ItemCache(self.root)
        self.last = LastBuild()  # what the last build selected and listed
        try:
            self.http = PreviewHTTPServer((host, port), self)
        except OSError as exc:
            shutil.rmtree(self.workdir, ignore_errors=True)
            raise CatalogueError(
                f"无法在 {host}:{port} 上启动预览（{exc.strerror or exc}）；请用 --port 换一个端口。"
            ) from None
        self._observer: Any = None
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        host, port = self.http.server_address[:2]
        return f"http://{host}:{port}/"

    # Building ---------------------------------------------------------------------------

    def build(self) -> bool:
        """Build once, unapproved items as drafts; True when it succeeded."""
        with self._lock:
            self.status.building = True
        out = self.workdir / "site"
        started = time.monotonic()
        today = self.today or dt.date.today()
        problems: list[dict[str, Any]] = []

        def pages_written(result: BuildResult) -> None:
            with self._lock:
                self.status.generation += 1
                self.status.site = out / SITE_VARIANT
                self.status.ok, self.status.problems = True, []

        try:
            context = BuildContext(self.root, out, today, preview=True, on_pages=pages_written)
            plan = Reuse(self.items, self.last, folders=self.workdir / "folders.json")
            build_catalogue(context, plan)
        except BuildRefused as refused:
            problems = [problem_row(p) for p in refused.problems if p.is_error] or [
                problem_row(p) for p in refused.problems
            ]
        except Exception as exc:  # a bug must not take the preview down
            self.echo(traceback.format_exc())
            problems = [
                {
                    "path": "",
                    "line": 0,
                    "code": type(exc).__name__,
                    "severity": "error",
                    "message": f"生成网站时出现意外错误：{exc}",
                    "text": f"生成网站时出现意外错误：{type(exc).__name__}: {exc}",
                }
            ]
        with self._lock:
            self.status.building = False
            if problems:
                self.status.ok, self.status.problems = False, problems
                kept = "继续显示上一次的网站" if self.status.site else "改正后才能预览"
            number = self.status.generation
        if problems:
            self.echo(f"\n{OVERLAY_HEADING}（{kept}）：")
            for row in problems:
                self.echo(f"  {row['text']}")
            return False
        seconds = time.monotonic() - started
        self.echo(
            f"已生成第 {number} 版（{today}，用时 {seconds:.1f} 秒）；已打开的页面会自动刷新。"
        )
        return True

    def snapshot(self) -> tuple[int, Path | None]:
        with self._lock:
            return self.status.generation, self.status.site

    def status_json(self) -> bytes:
        with self._lock:
            return self.status.as_json()

    # Watching ---------------------------------------------------------------------------

    def watched(self, path: str) -> bool:
        target = Path(path)
        if _SCRATCH.search(target.name):
            return False
        if target == self.root / CATALOG_FILE:
            return True
        return any(target.is_relative_to(self.root / d) for d in (CONTENT_DIR, THEMES_DIR))

    def notice(self, paths: list[str]) -> None:
        relevant = [Path(p) for p in paths if p and self.watched(p)]
        if not relevant:
            return
        with self._lock:
            self._changed.update(relevant)
            self._last_change = time.monotonic()
        self._dirty.set()

    def _builder_loop(self) -> None:
        while not self._stopping.is_set():
            self._dirty.wait()
            if self._stopping.is_set():
                return
            while True:  # debounce: wait until nothing has changed for a moment
                with self._lock:
                    quiet_for = time.monotonic() - self._last_change
                if quiet_for >= self.debounce:
                    break
                if self._stopping.wait(self.debounce - quiet_for):
                    return
            with self._lock:
                changed = sorted(p.relative_to(self.root).as_posix() for p in self._changed)
                self._changed.clear()
                self._dirty.clear()
            more = "等" if len(changed) > 3 else ""
            self.echo(f"\n检测到修改：{'、'.join(changed[:3])}{more}，正在重新生成……")
            self.build()

    # Running ----------------------------------------------------------------------------

    def start(self) -> None:
        """First build, then serve, watch and rebuild in background threads."""
        self.build()
        observer = Observer()
        handler = _ChangeHandler(self)
        for folder in (CONTENT_DIR, THEMES_DIR):
            if (self.root / folder).is_dir():
                observer.schedule(handler, str(self.root / folder), recursive=True)
        observer.schedule(handler, str(self.root), recursive=False)
        observer.start()
        self._observer = observer
        for target in (self.http.serve_forever, self._builder_loop):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stopping.set()
        self._dirty.set()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
        self.http.shutdown()
        self.http.server_close()
        for thread in self._threads:
            thread.join(timeout=30)
        shutil.rmtree(self.workdir, ignore_errors=True)


class _ChangeHandler(FileSystemEventHandler):
    def __init__(self, preview: PreviewServer) -> None:
        self.preview = preview

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in WATCHED_EVENTS:
            return  # opened/closed: the build itself reads every file
        if event.is_directory and event.event_type == EVENT_TYPE_MODIFIED:
            return
        paths = [event.src_path, getattr(event, "dest_path", "")]
        self.preview.notice([p.decode() if isinstance(p, bytes) else p for p in paths])


# Serving ---------------------------------------------------------------------------------


LIVE_JS = """\
// catalogue serve: reload on a new build, list the problems while a build fails.
(function () {
  "use strict";
  var me = document.currentScript;
  var generation = Number(me && me.dataset.generation);
  var overlay = null;
  var style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = "/__catalogue__/live.css";
  document.head.appendChild(style);

  function show(status) {
    var key = JSON.stringify(status.problems);
    if (overlay && overlay.dataset.key === key) return;
    hide();
    overlay = document.createElement("section");
    overlay.id = "catalogue-live-overlay";
    overlay.dataset.key = key;
    overlay.setAttribute("role", "alert");
    var heading = document.createElement("h2");
    heading.textContent = status.heading;
    overlay.appendChild(heading);
    var hint = document.createElement("p");
    hint.textContent = "改正下列问题并保存后，页面会自动刷新。下面显示的是上一次生成的网站。";
    overlay.appendChild(hint);
    var list = document.createElement("ul");
    status.problems.forEach(function (p) {
      var li = document.createElement("li");
      li.textContent = p.text;
      list.appendChild(li);
    });
    overlay.appendChild(list);
    document.body.appendChild(overlay);
  }

  function hide() {
    if (overlay) overlay.remove();
    overlay = null;
  }

  function poll() {
    fetch("/__catalogue__/status", { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        if (status.generation !== generation) {
          location.reload();
          return;
        }
        if (status.ok) hide(); else show(status);
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
"""

LIVE_CSS = """\
#catalogue-live-overlay {
  position: fixed; left: 1rem; right: 1rem; bottom: 1rem; z-index: 2147483647;
  max-height: 60vh; overflow: auto; padding: 1rem 1.25rem;
  background: #fff4f4; color: #5c0000; border: 2px solid #b00020; border-radius: 6px;
  box-shadow: 0 4px 24px rgba(0, 0, 0, 0.3); font: 15px/1.6 system-ui, sans-serif;
}
#catalogue-live-overlay h2 { margin: 0 0 0.5rem; font-size: 1.2rem; color: #b00020; }
#catalogue-live-overlay p { margin: 0 0 0.5rem; }
#catalogue-live-overlay ul { margin: 0; padding-left: 1.25rem; }
#catalogue-live-overlay li { font-family: ui-monospace, monospace; white-space: pre-wrap; }
"""

PLACEHOLDER = """\
<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>网站尚未生成</title></head>
<body><h1>网站尚未生成</h1><p>改正条目中的错误并保存后，页面会自动刷新。</p></body></html>
"""

_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)


def inject(page: bytes, generation: int) -> bytes:
    """``page`` with the live script tag before ``</head>`` (or at the start)."""
    tag = (
        f'<script src="{PREFIX}live.js" data-generation="{generation}" defer></script>\n'
    ).encode()
    match = _HEAD_END.search(page)
    if match is None:
        return tag + page
    return page[: match.start()] + tag + page[match.start() :]


# What a browser on this machine sends as ``Host`` (with the port, or without for :80).
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "[::1]"})


class PreviewHTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], preview: PreviewServer) -> None:
        self.preview = preview
        super().__init__(address, PreviewHandler)


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    server: PreviewHTTPServer

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=tempfile.gettempdir(), **kwargs)

    def log_message(self, format: str, *args: object) -> None:
        pass  # the terminal is for build results

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def host_allowed(self) -> bool:
        """Whether the request names this machine: a page of another site, whose name
        an attacker points at 127.0.0.1 (DNS rebinding), sends its own name as ``Host``
        and must not read drafts or the status, which names the catalogue's paths."""
        host = self.headers.get("Host", "")
        port = self.server.server_address[1]
        return host in {f"{name}:{port}" for name in LOOPBACK_NAMES} | LOOPBACK_NAMES

    def do_GET(self, head: bool = False) -> None:
        if not self.host_allowed():
            self._send(403, "text/plain; charset=utf-8", "只能从本机访问预览。".encode(), head)
            return
        preview = self.server.preview
        path = urlsplit(self.path).path
        if path.startswith(PREFIX):
            self._internal(path[len(PREFIX) :], head)
            return
        generation, site = preview.snapshot()
        if site is None:
            self._send(503, "text/html; charset=utf-8", inject(PLACEHOLDER.encode(), 0), head)
            return
        self.directory = str(site)
        target = Path(self.translate_path(self.path))
        if target.is_dir():
            if not path.endswith("/"):
                super().do_HEAD() if head else super().do_GET()  # redirects to path/
                return
            target = target / "index.html"
        if target.suffix == ".html" and target.is_file():
            self._send(
                200, "text/html; charset=utf-8", inject(target.read_bytes(), generation), head
            )
        elif not target.exists() and (site / "404.html").is_file():
            page = inject((site / "404.html").read_bytes(), generation)
            self._send(404, "text/html; charset=utf-8", page, head)
        else:
            super().do_HEAD() if head else super().do_GET()

    def _internal(self, name: str, head: bool) -> None:
        preview = self.server.preview
        if name == "status":
            self._send(200, "application/json; charset=utf-8", preview.status_json(), head)
        elif name == "live.js":
            self._send(200, "text/javascript; charset=utf-8", LIVE_JS.encode(), head)
        elif name == "live.css":
            self._send(200, "text/css; charset=utf-8", LIVE_CSS.encode(), head)
        else:
            body = f"<p>没有 {html.escape(name)}</p>".encode()
            self._send(404, "text/html; charset=utf-8", body, head)

    def _send(self, code: int, content_type: str, body: bytes, head: bool) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


@click.command("serve", help="预览网站：修改条目后自动重新生成，浏览器页面自动刷新。")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--today", type=DATE, help="按这一天生成（默认今天），用于预览定时发布的条目。")
@click.pass_obj
def serve(root: Path, port: int, today: dt.date | None) -> None:
    click.echo("正在生成网站……")
    preview = PreviewServer(root, port=port, today=today)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        preview.start()
        click.echo(f"预览地址：{preview.url}")
        click.echo("正在监视 content/、themes/ 和 catalog.yaml 的修改；按 Ctrl+C 退出。")
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        preview.stop()
        click.echo("\n已停止预览。")
