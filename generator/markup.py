"""Markdown bodies to HTML, with links between items and to attachments resolved.

Authors link the way files sit on disk (``[原办法](2019-special-funds.md)``,
``[附表](files/q2.xlsx)``); the output moves items to ``items/<id>.html`` and
attachments to ``items/<id>/…``, so relative links are rewritten here. A link to
an item this output does not show becomes plain text rather than a dead link.
"""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

from .sanitize import sanitize

EXTENSIONS = ["extra", "sane_lists", "toc"]
# slugify_unicode keeps Chinese characters, so heading anchors stay readable.
EXTENSION_CONFIGS = {
    "toc": {"permalink": "¶", "permalink_title": "本节链接", "slugify": slugify_unicode}
}

# (file the link points at) → URL relative to the page, or None to drop the link.
LinkResolver = Callable[[Path], str | None]


class _LinkRewriter(Treeprocessor):
    def __init__(
        self, md: markdown.Markdown, folder: Path, resolve: LinkResolver, external: bool
    ) -> None:
        super().__init__(md)
        self.folder = folder
        self.resolve = resolve
        self.external = external

    def run(self, root: ET.Element) -> None:
        for parent in root.iter():
            for element in list(parent):
                attribute = {"a": "href", "img": "src"}.get(element.tag)
                if attribute and element.get(attribute):
                    self._rewrite(parent, element, attribute)

    def _rewrite(self, parent: ET.Element, element: ET.Element, attribute: str) -> None:
        target = element.get(attribute, "")
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
    def __init__(self, folder: Path, resolve: LinkResolver, external: bool) -> None:
        super().__init__()
        self.rewriter_args = (folder, resolve, external)

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        rewriter = _LinkRewriter(md, *self.rewriter_args)
        md.treeprocessors.register(rewriter, "catalogue-links", 5)


def render_body(body: str, folder: Path, resolve: LinkResolver, external: bool = True) -> str:
    """HTML for an item body; with ``external=False`` links leaving the site become text."""
    md = markdown.Markdown(
        extensions=[*EXTENSIONS, _LinkExtension(folder, resolve, external)],
        extension_configs=EXTENSION_CONFIGS,
        output_format="html",
    )
    return sanitize(md.convert(body))  # bodies are untrusted: raw HTML, attr_list


def relative_url(from_page: str, to: str) -> str:
    """A root-relative URL as seen from another root-relative page."""
    return posixpath.relpath(to, posixpath.dirname(from_page) or ".")
