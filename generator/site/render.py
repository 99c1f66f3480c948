"""Writing one site's HTML pages with the theme's Jinja templates."""

from __future__ import annotations

import contextlib
import functools
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import jinja2

from ..output.files import OutputFiles
from ..output.writer import output_path, write_pieces, write_text
from ..source.config import REFRESH
from . import links
from .documents import kiosk_shows, kiosk_view_url
from .qr import qr_data_uri
from .views import ItemView, Site

THEMES_DIR = "themes"
THEME = "default"


def theme_dir(root: Path) -> Path:
    return root / THEMES_DIR / THEME


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Templates compiled by earlier runs, kept in Jinja's own folder for this user
    under the system's temporary folder (never in the catalogue or its output):
    compiling the theme took a tenth of a second of every one-item rebuild. Each
    is keyed by the template's file and the digest of its source. One that cannot
    be written is just not kept."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def compiled_templates() -> jinja2.BytecodeCache | None:
    """The cache of compiled templates, if this machine has a safe folder for it."""
    try:
        return CompiledTemplates()
    except (OSError, RuntimeError):  # Jinja refuses a folder other users could write
        return None


@functools.cache
def environment(root: Path) -> jinja2.Environment:
    """One Jinja environment per theme: templates compile once per process (or are
    read compiled), and jinja's auto-reload still notices a template edited under
    ``catalogue serve``."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(theme_dir(root) / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=compiled_templates(),
    )
    env.globals["refresh_labels"] = REFRESH
    env.globals["kiosk_view_url"] = kiosk_view_url
    env.globals["kiosk_shows"] = kiosk_shows
    env.globals["qr_code"] = qr_data_uri
    links.install(env)
    return env


class Keyer(Protocol):
    """Keys a page by what it is made from (``incremental.pagecache.PageKeys``)."""

    def key(self, url: str, template: str, context: Mapping[str, object]) -> str: ...


class NoKeys:
    """A build that keeps nothing of the last: every file has the empty key."""

    def key(self, url: str, template: str, context: Mapping[str, object]) -> str:
        return ""


NO_KEYS = NoKeys()
# Keys for one output's files, told where each view's body links lead (pages.ItemPages).
KeysFor = Callable[[OutputFiles, str, Callable[[ItemView], str]], Keyer]


def no_keys(files: OutputFiles, variant: str, view_links: Callable[[ItemView], str]) -> Keyer:
    return NO_KEYS


@dataclass
class Page:
    """One HTML page: its root-relative URL, its template and what the template shows."""

    url: str
    template: str
    context: dict[str, object]
    prepare: Callable[[], None] | None = None  # fills in costly values, only if rendered
    owner: str = ""  # pages with one owner are rendered by one process (default: the URL)
    listed: bool = True  # in ``site.pages`` (the sitemap); a withdrawn item's page is not
    root: str | None = None  # how links reach the site's root; default: relative to its depth
    # Written piece by piece as rendered, never held whole: for a page as large as the
    # catalogue (the register, 100 MB at 100,000 items, held 0.6 GB more as one text).
    streamed: bool = False


@dataclass(frozen=True)
class Share:
    """The pages one process renders when several render a build together: those
    whose owner hashes to ``index`` of ``count``."""

    index: int = 0
    count: int = 1

    def owns(self, page: Page) -> bool:
        if self.count == 1:
            return True
        return zlib.crc32((page.owner or page.url).encode()) % self.count == self.index

    @property
    def first(self) -> bool:
        """The share that also writes what is not a page (attachments, static files)."""
        return self.index == 0


WHOLE = Share()


class Renderer:
    """Renders the pages of one site; every page links relative to its own depth.

    A page whose key (``keys``) the output already holds is not rendered again:
    the previous build's file is kept.
    """

    def __init__(self, root: Path, site: Site, files: OutputFiles, keys: Keyer = NO_KEYS) -> None:
        self.env = environment(root)
        self.site = site
        self.files = files
        self.keys = keys

    def write_page(
        self,
        url: str,
        template: str,
        prepare: Callable[[], None] | None = None,
        *,
        streamed: bool = False,
        **context: object,
    ) -> None:
        """Write ``url`` (root-relative, e.g. ``items/2024-00012.html``) from ``template``.

        ``prepare`` fills in costly values (an item's body HTML) only when the page is
        rendered; ``streamed`` is ``Page.streamed``.
        """
        self.write(Page(url, template, context, prepare, streamed=streamed))

    def write(self, page: Page, share: Share = WHOLE) -> None:
        """Write ``page`` if it is in ``share`` and changed; it is listed in the site either way
        (unless ``page.listed`` is False)."""
        if page.listed:
            self.site.pages.append(page.url)
        if not share.owns(page):
            return  # another process renders it
        key = self.keys.key(page.url, page.template, {"site": self.site, **page.context})
        if not self.files.record(f"{self.site.variant.name}/{page.url}", key):
            return
        if page.prepare is not None:
            page.prepare()
        template = self.env.get_template(page.template)
        context = dict(
            site=self.site,
            config=self.site.config,
            org=self.site.config.organisation,
            root="../" * page.url.count("/") if page.root is None else page.root,
            kiosk=self.site.variant.touch,
            staff=self.site.variant.staff,
            page_url=page.url,
            **page.context,
        )
        path = output_path(self.site.out, page.url)
        if page.streamed:
            write_pieces(path, template.generate(context))
        else:
            write_text(path, template.render(context))
