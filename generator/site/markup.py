"""Markdown bodies to HTML, with links between items and to attachments resolved.

Authors link the way files sit on disk (``[原办法](2019-special-funds.md)``,
``[附表](files/q2.xlsx)``); the output moves items to ``items/<id>.html`` and
attachments to ``items/<id>/…``, so relative links are rewritten here. A link to
an item this output does not show becomes plain text rather than a dead link.
"""

from __future__ import annotations

import posixpath
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import cast
from urllib.parse import unquote, urlsplit

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor, UnescapeTreeprocessor

from ..source.rendered import QuickInline, converted, extensions
from ..source.sanitize import sanitize

# (file the link points at) → URL relative to the page, or None to drop the link.
LinkResolver = Callable[[Path], str | None]


class _LinkRewriter(Treeprocessor):
    """Rewrites the links of the body being converted; ``folder`` and ``resolve`` are set
    before each conversion, since one Markdown instance converts many bodies."""

    def __init__(self, md: markdown.Markdown, external: bool) -> None:
        super().__init__(md)
        self.folder = Path()
        self.resolve: LinkResolver = lambda _: None
        self.external = external
        # A backslash-escaped character is still a placeholder when links are rewritten
        # (Markdown restores them last): read the address as the page will show it.
        self.unescape = cast(UnescapeTreeprocessor, md.treeprocessors["unescape"]).unescape

    def run(self, root: ET.Element) -> None:
        for parent in root.iter():
            for element in list(parent):
                attribute = {"a": "href", "img": "src"}.get(element.tag)
                if attribute and element.get(attribute):
                    self._rewrite(parent, element, attribute)

    def _rewrite(self, parent: ET.Element, element: ET.Element, attribute: str) -> None:
        target = self.unescape(element.get(attribute, ""))
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or target.startswith("/"):
            if not self.external:
                _unlink(element, attribute)
            return
        if not parts.path:
            return  # an in-page #anchor
        url = self.resolve((self.folder / unquote(parts.path)).resolve())
        if url is None:
            _unlink(element, attribute)
            return
        element.set(attribute, url + (f"#{parts.fragment}" if parts.fragment else ""))


def _unlink(element: ET.Element, attribute: str) -> None:
    """Keep the words, drop the link."""
    element.tag = "span"
    element.attrib.pop(attribute)


class _LinkExtension(Extension):
    def __init__(self, external: bool) -> None:
        super().__init__()
        self.external = external
        self.rewriter: _LinkRewriter | None = None

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        self.rewriter = _LinkRewriter(md, self.external)
        md.treeprocessors.register(self.rewriter, "catalogue-links", 5)


class _BodyConverter:
    """One configured Markdown instance, reset between bodies.

    Building a ``markdown.Markdown`` (loading and registering every extension) cost
    about as much as converting a typical body; ``reset()`` clears all per-document
    state (references, footnotes, abbreviations, the HTML stash), so reusing one
    instance gives the same HTML.
    """

    def __init__(self, external: bool) -> None:
        links = _LinkExtension(external)
        self.md = markdown.Markdown(extensions=[*extensions(), links], output_format="html")
        assert links.rewriter is not None
        self.rewriter = links.rewriter
        self.md.treeprocessors.register(QuickInline(self.md), "inline", 20)

    def convert(self, body: str, folder: Path, resolve: LinkResolver) -> str:
        self.rewriter.folder, self.rewriter.resolve = folder, resolve
        try:
            return converted(self.md, body)
        finally:
            self.rewriter.resolve = lambda _: None  # keep no build's resolver alive


# Per thread: a Markdown instance is not safe to share, and builds run in worker
# threads (``catalogue serve`` rebuilds in the background while it serves).
_converters = threading.local()


def _converter(external: bool) -> _BodyConverter:
    by_setting: dict[bool, _BodyConverter] = _converters.__dict__.setdefault("by_setting", {})
    if external not in by_setting:
        by_setting[external] = _BodyConverter(external)
    return by_setting[external]


def render_body(body: str, folder: Path, resolve: LinkResolver, external: bool = True) -> str:
    """HTML for an item body; with ``external=False`` links leaving the site become text."""
    html = _converter(external).convert(body, folder, resolve)
    return sanitize(html)  # bodies are untrusted: raw HTML, attr_list


def relative_url(from_page: str, to: str) -> str:
    """A root-relative URL as seen from another root-relative page."""
    return posixpath.relpath(to, posixpath.dirname(from_page) or ".")
