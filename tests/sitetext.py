"""Reading built pages back as a visitor sees them, independently of the generator."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

from generator.catalogue import load_catalogue
from generator.source.items import Item


class _ArticleText(HTMLParser):
    """The visible text of an item page's <article>, read from the built HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # inside <article>
        self.hidden = 0  # inside an element with the hidden attribute
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(" ")  # text in different elements is not contiguous
        if tag == "article":
            self.depth += 1
        if self.depth and (self.hidden or any(name == "hidden" for name, _ in attrs)):
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(" ")
        if self.hidden:
            self.hidden -= 1
        if tag == "article":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.hidden:
            self.parts.append(data)


def page_text(path: Path) -> str:
    parser = _ArticleText()
    parser.feed(path.read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", "".join(parser.parts))


def files_of(folder: Path, *, top: bool = True) -> dict[str, bytes]:
    """Every file's bytes under ``folder``, by its path relative to ``folder``.

    ``top=False``: without the files directly in ``folder``, which in a build folder
    are the build's own records (its manifest, inputs, what it remembers).
    """
    out = {}
    for path in folder.rglob("*"):
        if not path.is_file() or (not top and path.parent == folder):
            continue
        out[path.relative_to(folder).as_posix()] = path.read_bytes()
    return out


def shown_and_hidden(root: Path, channel: str, day: dt.date) -> tuple[list[Item], list[Item]]:
    """Items an output serving ``channel`` must show on ``day``, and those it must not,
    decided from the front matter alone."""
    catalogue = load_catalogue(root)
    shown, hidden = [], []
    for item in catalogue.items:
        if item.meta.page is not None:
            continue  # a guide page: shown at its page's address (test_guide_pages.py)
        category = catalogue.config.categories_of(item.scope)[item.meta.category]
        channels = item.meta.channels or category.channels
        ok = item.scope == "external" and channel in channels and item.meta.published <= day
        (shown if ok else hidden).append(item)
    return shown, hidden
