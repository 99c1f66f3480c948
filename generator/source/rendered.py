"""An item body as readers see it: the site's Markdown, sanitised, reduced to visible text.

The site (``site/markup.py``) renders bodies with these extensions and this sanitiser,
adding only its link rewriting, which changes where links point, never their words.
The confidentiality check (``checks/confidential.py``) reads the text produced here as
well as the Markdown source, because the two differ: ``&#49;`` is a "1" on the page,
``**`` between digits vanishes, a zero-width space splits nothing a reader can see.
Both live in this low layer so that the check and the site cannot drift apart.
"""

from __future__ import annotations

import re
import threading
import unicodedata
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

import markdown
from markdown.extensions import Extension
from markdown.extensions.abbr import AbbrExtension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.def_list import DefListExtension
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.md_in_html import MarkdownInHtmlExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension, TocTreeprocessor, slugify_unicode
from markdown.treeprocessors import InlineProcessor

from .items import LazilyUnpickled
from .sanitize import sanitize

if TYPE_CHECKING:
    from .items import Item


def extensions() -> list[Extension]:
    """The parts of "extra" (in its order), "sane_lists" and "toc", as objects: named,
    they make Markdown scan every installed package for extensions, a fiftieth of a
    second that a one-item rebuild would spend before its first page."""
    return [
        FencedCodeExtension(),
        FootnoteExtension(BACKLINK_TITLE="返回正文中第 {} 个脚注处"),  # the site is Chinese
        AttrListExtension(),
        DefListExtension(),
        TableExtension(),
        AbbrExtension(),
        MarkdownInHtmlExtension(),
        SaneListExtension(),
        # slugify_unicode keeps Chinese characters, so heading anchors stay readable.
        QuickTocExtension(permalink="¶", permalink_title="本节链接", slugify=slugify_unicode),
    ]


class QuickToc(TocTreeprocessor):
    """The toc extension, looking for its marker only in a body that holds its text.

    For every body the extension walks every element for a paragraph that is just
    the marker, then builds, prettifies and serialises a contents list (``md.toc``,
    which nothing here reads): a tenth of the time of converting a typical body.
    Headings get their ids and permalinks as before."""

    def __init__(self, md: markdown.Markdown, config: dict[str, Any]) -> None:
        super().__init__(md, config)
        self.asked = self.marker  # "[TOC]": where an author wants a contents list

    def expect(self, body: str) -> None:
        """Get ready for ``body``. The marker can only be in its tree if the body has
        its text: escaped or entity-encoded brackets stay placeholders at that stage,
        and Markdown's NormalizeWhitespace drops the placeholders' delimiters from the
        source first, so this does too."""
        text = body.replace(markdown.util.STX, "").replace(markdown.util.ETX, "")
        self.marker = self.asked if self.asked and self.asked in text else ""

    def build_toc_div(self, toc_list: list[Any]) -> ET.Element:
        if not self.marker:
            return ET.Element("div")  # placed nowhere, read by no one
        return super().build_toc_div(toc_list)


class QuickTocExtension(TocExtension):
    TreeProcessorClass = QuickToc


def converted(md: markdown.Markdown, body: str) -> str:
    """``md``'s HTML of ``body``: one instance, reset, converts every body in turn."""
    toc = md.treeprocessors["toc"]
    assert isinstance(toc, QuickToc)  # ``extensions()`` made it
    toc.expect(body)
    return md.reset().convert(body)


# What each inline pattern of these extensions needs in a text before it can match:
# a text with none of them comes out of the inline stage as it went in.
_INLINE_NEEDS = {
    "backtick": "`",
    "escape": "\\\\",
    "footnote": r"\[",
    "reference": r"\[",
    "link": r"\[",
    "image_link": r"\[",
    "image_reference": r"\[",
    "short_reference": r"\[",
    "short_image_ref": r"\[",
    "autolink": "<",
    "automail": "<",
    "linebreak": "  \n",
    "html": "<",
    "entity": "&",
    "em_strong": r"\*|_",
}


class QuickInline(InlineProcessor):
    """Markdown's inline stage, passing over texts that no inline pattern could match.

    The stage tries each of its patterns on every text of a body (a paragraph, a
    table cell, …): a third of all Markdown time. Most texts of an item, Chinese
    prose and figures, have none of the characters they need.
    """

    may_match: Callable[[str], re.Match[str] | None] | None = None

    def run(self, tree: ET.Element, ancestors: list[str] | None = None) -> ET.Element:
        # Asked for each body: an extension may register patterns as it converts one.
        patterns = self.md.inlinePatterns
        known = [name for name in _INLINE_NEEDS if name in patterns]
        # A pattern this table does not know (another extension, a new Markdown) could
        # match anything: then every text goes through every pattern, as Markdown does.
        self.may_match = None
        if len(known) == len(patterns):
            self.may_match = re.compile("|".join(_INLINE_NEEDS[name] for name in known)).search
        return super().run(tree, ancestors)

    # Markdown calls its private ``__handleInline`` for every text, by this mangled name
    # (tests/test_library_internals.py fails if it stops; pyproject.toml caps Markdown).
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if self.may_match is not None and self.may_match(data) is None:
            return data
        return InlineProcessor._InlineProcessor__handleInline(self, data, patternIndex)  # type: ignore[attr-defined]


# Unicode's default-ignorable code points (DerivedCoreProperties.txt) and every other
# format character (category Cf): drawn as nothing, so "1​3" reads as "13".
_IGNORABLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
_INVISIBLE = re.compile(f"[{_IGNORABLE}]")


# Characters of Chinese prose that are no format character (tests/test_markup.py checks
# every one): a text of only these needs no look at each character's category.
_NO_FORMAT = re.compile(
    "[\x00-\xac\xae-\xff\u2010-\u2027\u2030-\u205e\u3000-\u303f\u4e00-\u9fff\uff01-\uff5e]*"
)


def without_invisible(text: str) -> str:
    """``text`` without the characters that are drawn as nothing."""
    text = _INVISIBLE.sub("", text)
    if _NO_FORMAT.fullmatch(text):
        return text
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def reader_form(text: str) -> str:
    """What a reader takes ``text`` to say: NFKC (full-width digits are digits) and no
    invisible characters."""
    return without_invisible(unicodedata.normalize("NFKC", text))


# Elements that start a new line on the page; everything else runs on in the line.
_BLOCKS = {
    *("p", "div", "br", "hr", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "table", "caption", "thead", "tbody", "tfoot"),
    *("tr", "th", "td"),
}
# Attributes a reader sees too: tooltips and the text shown for a missing image.
_SHOWN_ATTRIBUTES = ("title", "alt")


class _TextCollector(HTMLParser):
    """The lines of text an HTML fragment shows, whitespace collapsed as a browser does
    (except in ``<pre>``); character references are decoded exactly once."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.pre = 0

    def _break(self) -> None:
        text = "".join(self.current)
        self.current = []
        if self.pre:
            self.lines.extend(text.split("\n"))
        else:
            text = " ".join(text.split())
            if text:
                self.lines.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._break()
        if tag == "pre":
            self.pre += 1
        for name, value in attrs:
            if name in _SHOWN_ATTRIBUTES and value:
                self.lines.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self._break()
        if tag == "pre" and self.pre:
            self.pre -= 1

    def handle_data(self, data: str) -> None:
        self.current.append(data)

    def close(self) -> None:
        super().close()
        self._break()


def visible_lines(html: str) -> list[str]:
    """The lines of text ``html`` shows a reader, in reader form (``reader_form``)."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return _shown(collector)


def _shown(collector: _TextCollector) -> list[str]:
    return [line for line in (reader_form(text) for text in collector.lines) if line.strip()]


# One Markdown instance per thread, reset between bodies (building one costs about as
# much as converting a body); ``catalogue serve`` checks in a worker thread.
_local = threading.local()


def _markdown_html(body: str) -> str:
    """Markdown's HTML of ``body``, not yet sanitised, links not rewritten."""
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = markdown.Markdown(extensions=extensions(), output_format="html")
        md.treeprocessors.register(QuickInline(md), "inline", 20)
    return converted(md, body)


def body_html(body: str) -> str:
    """The sanitised HTML the site makes of ``body``, links not rewritten."""
    return sanitize(_markdown_html(body))


# A link or image the site's link rewriting could change: any href or src but an
# in-page #anchor (the headings' permalinks, footnotes). Raw HTML is matched too,
# though the rewriting never sees it: a false match costs only a conversion.
_LEADS_OFF_PAGE = re.compile(r"""\b(?:href|src)\s*=\s*(?:"(?!#)|'(?!#)|[^\s"'#>])""", re.I)


class _ReadingCollector(_TextCollector):
    """The words of an HTML fragment as a reader reads them: no attributes (a tooltip is
    not read) and no section permalinks (the "¶" after each heading)."""

    def __init__(self) -> None:
        super().__init__()
        self.skipping = 0  # inside a permalink

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a" and ("class", "headerlink") in attrs:
            self.skipping += 1
        elif tag in _BLOCKS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.skipping:
            self.skipping -= 1
        elif tag in _BLOCKS:
            self._break()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.current.append(data)


# nh3 writes what it keeps in one regular form (html5ever's serialiser): lower-case
# tag and attribute names, one space before each attribute, values in double quotes,
# "<" escaped in text, no comments. A fragment in that form is cut into its tags and
# texts by one regular expression, for half of what ``HTMLParser`` spends on it; a
# "<" that starts no such tag sends the whole fragment to ``HTMLParser``, as does an
# element whose content ``HTMLParser`` may read as plain text (script and style; newer
# Pythons add the others). nh3 keeps none of them.
#
# After its "<": an end tag's name, or a start tag's name and attributes. (An end tag
# has no attributes in nh3's form; ``HTMLParser`` would end one at a quoted ">".)
_TAG = r'(?:/([a-z][a-z0-9]*)|([a-z][a-z0-9]*)((?: [a-z][a-z0-9-]*(?:="[^"]*")?)*))>'
_RAW_TEXT = "script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext"
_SERIALISED = re.compile(f"<{_TAG}|[^<]+")
_NOT_SERIALISED = re.compile(f"<(?!{_TAG})|<(?:{_RAW_TEXT})[ >]")
_ATTRIBUTE = re.compile(r' ([a-z][a-z0-9-]*)(?:="([^"]*)")?')


class _Fanout(HTMLParser):
    """One parse of an HTML fragment, its events handed to several collectors: parsing
    is most of what a collector costs, and a body is read for two texts."""

    def __init__(self, *collectors: _TextCollector) -> None:
        super().__init__(convert_charrefs=True)
        self.collectors = collectors

    def parse(self, html: str) -> None:
        if _NOT_SERIALISED.search(html) is None:
            self._read_serialised(html)
        else:
            self.feed(html)
            self.close()
        for collector in self.collectors:
            collector.close()

    def _read_serialised(self, html: str) -> None:
        """The events ``HTMLParser`` would hand on for ``html``, in nh3's form."""
        for token in _SERIALISED.finditer(html):
            end, tag, attributes = token.groups()
            if end is not None:
                self.handle_endtag(end)
            elif tag is None:
                self.handle_data(unescape(token[0]))
            else:
                found = _ATTRIBUTE.finditer(attributes) if attributes else ()
                self.handle_starttag(tag, [(a[1], a[2] and unescape(a[2])) for a in found])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for collector in self.collectors:
            collector.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        for collector in self.collectors:
            collector.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        for collector in self.collectors:
            collector.handle_data(data)


@dataclass(frozen=True)
class RenderedBody(LazilyUnpickled):
    """What derived text is made of: the body as the site renders and sanitises it."""

    # Only checking an item again reads its lines, about 30 strings an item: unpickled
    # with the item cache, they were most of what loading its rendered bodies took.
    lazily = ("lines",)

    text: str  # what a reader reads, one line: summaries, search, exports
    lines: list[str]  # what a reader sees, line by line, in reader form: the check
    # The sanitised HTML, zlib-compressed, if no link in it leads off the page: then
    # it is the item page's body in every output, and pages need not convert it again.
    page_html: bytes | None = None


def rendered(item: Item) -> RenderedBody:
    """``item``'s body as readers see it, rendered once and remembered with the item: the
    reading workers make it, on every core, for the check and every derived text."""
    return item.remember("rendered body", lambda: rendered_body(item.body))


def rendered_body(body: str) -> RenderedBody:
    """The body rendered once for every text derived from it (``rendered`` keeps it)."""
    converted = _markdown_html(body)
    html = sanitize(converted)
    shown, read = _TextCollector(), _ReadingCollector()
    _Fanout(shown, read).parse(html)
    page_html = None if _LEADS_OFF_PAGE.search(converted) else zlib.compress(html.encode(), 1)
    return RenderedBody(" ".join(read.lines), _shown(shown), page_html)


def page_body(item: Item) -> str | None:
    """``item``'s page body as every output shows it, if reading rendered it already and
    it has no link that an output resolves in its own way (``site/markup.py``)."""
    made = item.derived.get("rendered body")
    if isinstance(made, RenderedBody) and made.page_html is not None:
        return zlib.decompress(made.page_html).decode()
    return None


def reading_lines(body: str) -> list[str]:
    """The lines of ``body`` a reader reads (no permalinks): what an approver is shown."""
    collector = _ReadingCollector()
    collector.feed(body_html(body))
    collector.close()
    return [line.strip() for line in collector.lines if line.strip()]
