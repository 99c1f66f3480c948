"""Writing one site's HTML pages with the theme's Jinja templates."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import jinja2

from .config import REFRESH
from .pagecache import OutputFiles, PageKeys
from .search import search_terms
from .views import Site
from .writer import write_text

THEMES_DIR = "themes"
THEME = "default"


def theme_dir(root: Path) -> Path:
    return root / THEMES_DIR / THEME


@functools.cache
def environment(root: Path) -> jinja2.Environment:
    """One Jinja environment per theme: templates compile once per process, and
    jinja's auto-reload still notices a template edited under ``catalogue serve``."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(theme_dir(root) / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["refresh_labels"] = REFRESH
    env.filters["search_terms"] = search_terms
    return env


class Renderer:
    """Renders the pages of one site; every page links relative to its own depth.

    A page whose key (pagecache.py) is unchanged since the last build is not
    rendered again: the previous build's file is kept.
    """

    def __init__(self, root: Path, site: Site, files: OutputFiles, keys: PageKeys) -> None:
        self.env = environment(root)
        self.site = site
        self.files = files
        self.keys = keys

    def page(
        self, url: str, template: str, prepare: Callable[[], None] | None = None, **context: object
    ) -> None:
        """Write ``url`` (root-relative, e.g. ``items/2024-00012.html``) from ``template``.

        ``prepare`` fills in costly values (an item's body HTML) only when the page is rendered.
        """
        self.site.pages.append(url)
        key = self.keys.key(url, template, {"site": self.site, **context})
        if not self.files.needs(f"{self.site.variant.name}/{url}", key):
            return
        if prepare is not None:
            prepare()
        html = self.env.get_template(template).render(
            site=self.site,
            config=self.site.config,
            org=self.site.config.organisation,
            root="../" * url.count("/"),
            kiosk=self.site.variant.touch,
            staff=self.site.variant.staff,
            page_url=url,
            **context,
        )
        write_text(self.site.out / url, html)
