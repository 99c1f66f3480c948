"""The HTML an item body may produce: an allow-list, applied after Markdown.

Markdown passes raw HTML through, and its ``attr_list`` extension lets a body
set any attribute (``{: onclick=… }``), so every body is cleaned with nh3 (the
Ammonia sanitiser) before it reaches a template. What survives is what
disclosure documents need: headings, paragraphs, lists, tables (with the
``text-align`` Markdown writes for aligned columns), links, images, emphasis,
code, quotations, abbreviations, footnotes and the table-of-contents anchors.
Everything else is dropped: scripts, event handlers, ``javascript:`` and
``data:`` URLs, frames, forms, objects, ``<style>`` and style attributes that
could lay one element over the page.
"""

from __future__ import annotations

import re

import nh3

_TAGS = {
    *("h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "div", "span"),
    *("ul", "ol", "li", "dl", "dt", "dd"),
    *("table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"),
    *("a", "img", "strong", "em", "b", "i", "u", "s", "del", "ins", "mark", "small"),
    *("sub", "sup", "code", "pre", "kbd", "blockquote", "q", "cite", "abbr"),
}
_HEADINGS = {f"h{n}": {"id"} for n in range(1, 7)}
_ATTRIBUTES = {
    "*": {"title", "lang"},
    **_HEADINGS,
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "reversed"},
    "li": {"id", "value"},  # footnotes: <li id="fn:1">
    "sup": {"id"},  # footnote references: <sup id="fnref:1">
    "th": {"style", "colspan", "rowspan", "scope", "align"},
    "td": {"style", "colspan", "rowspan", "align"},
    "col": {"span"},
    "colgroup": {"span"},
    "abbr": {"title"},
    "q": {"cite"},
    "blockquote": {"cite"},
}
# Only the classes Markdown's footnotes and toc extensions write (site CSS styles them).
_CLASSES = {
    "a": {"footnote-ref", "footnote-backref", "headerlink"},
    "div": {"footnote", "toc"},
}
# Relative URLs (attachments, other items, #anchors) pass; of absolute ones only these.
_SCHEMES = {"http", "https", "mailto", "tel"}
# Markdown's tables extension writes exactly this for aligned columns.
_ALIGN = re.compile(r"text-align:\s*(left|right|center);?")


def _filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "style":
        return value if _ALIGN.fullmatch(value.strip()) else None
    return value


_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    clean_content_tags={"script", "style", "template", "textarea", "noscript", "title"},
    attributes=_ATTRIBUTES,
    attribute_filter=_filter,
    allowed_classes=_CLASSES,
    url_schemes=_SCHEMES,
    link_rel=None,  # no target=_blank survives, so rel=noopener would add nothing
    strip_comments=True,
)


def sanitize(html: str) -> str:
    """``html`` with everything outside the allow-list removed."""
    return _CLEANER.clean(html)
