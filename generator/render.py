"""Rendering items and pages to HTML with the theme's Jinja templates."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import jinja2
import markdown

from .catalogue import Catalogue
from .items import Item
from .select import Variant
from .writer import write_text

THEMES_DIR = "themes"
THEME = "default"


def environment(root: Path) -> jinja2.Environment:
    theme = root / THEMES_DIR / THEME
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(theme / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def item_url(item: Item) -> str:
    """Stable per item: the 索引号 never changes once given."""
    return f"items/{item.meta.index_no.rsplit('/', 1)[-1]}.html"


def body_html(item: Item) -> str:
    return markdown.markdown(item.body, extensions=["extra", "toc", "sane_lists"])


def render_site(
    catalogue: Catalogue, variant: Variant, items: list[Item], out: Path, today: dt.date
) -> None:
    env = environment(catalogue.root)
    common = {"config": catalogue.config, "variant": variant, "today": today}
    write_text(
        out / "index.html",
        env.get_template("home.html").render(items=items, **common, root="", item_url=item_url),
    )
    for item in items:
        html = env.get_template("item.html").render(
            item=item, body=body_html(item), **common, root="../", item_url=item_url
        )
        write_text(out / item_url(item), html)
    shutil.copytree(catalogue.root / THEMES_DIR / THEME / "static", out / "static")
