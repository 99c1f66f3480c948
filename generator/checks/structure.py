"""Limits on a body's shape, checked in one linear pass before anything parses it.

Markdown renders nested lists and blockquotes by recursion (300 levels end the build with
a RecursionError) and looks for the end of every unclosed ``[`` or ``(`` in the rest of
its paragraph (40,000 of them take minutes). No disclosure document needs either, so a
body beyond these limits is an error at the line where it crosses them (F009, F010), and
a build refuses it before rendering: CI time is not an attacker's to spend.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..problems import Problem
from ..source.items import Item

NESTING_LIMIT = 32  # lists and blockquotes inside each other
BRACKET_LIMIT = 64  # "[" and "(" open at once in one paragraph: nested or never closed

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_CLOSER = {"]": "[", ")": "("}
_BRACKET = re.compile(r"[][()]")


def block_depth(line: str) -> int:
    """How deep ``line`` sits in lists and blockquotes: each ``>`` is a level, and a list
    item's indent in steps of four (Python-Markdown's) plus its own level."""
    quotes = indent = 0
    for index, char in enumerate(line):
        if char == ">":
            quotes += 1
            indent = 0
        elif char == " ":
            indent += 1
        elif char == "\t":
            indent += 4
        else:
            list_item = _LIST_MARKER.match(line, index) is not None
            return quotes + (indent // 4 + 1 if list_item else 0)
    return quotes


def structure_problems(item: Item) -> Iterator[Problem]:
    """F009 for lists and blockquotes nested deeper than NESTING_LIMIT, F010 for a
    paragraph with more than BRACKET_LIMIT brackets open at once: each once per body,
    at the line where the body first crosses the limit."""
    deep = bracketed = False
    fence = ""
    open_brackets: list[str] = []  # of the current paragraph
    for offset, line in enumerate(item.body.split("\n")):
        number = item.body_line + offset
        if fence:
            if line.lstrip(" ").startswith(fence):
                fence = ""
            continue
        if opening := _FENCE.match(line):
            fence = opening.group(1)
        if fence or not line.strip():  # a paragraph ends: Markdown looks no further
            open_brackets.clear()
            continue
        if not deep and (depth := block_depth(line)) > NESTING_LIMIT:
            deep = True
            yield Problem.make("F009", item.path, number, depth=depth, limit=NESTING_LIMIT)
        if bracketed:
            continue
        most = len(open_brackets)
        for char in _BRACKET.findall(line):  # a few of a line's characters, if any
            if char == "[" or char == "(":
                open_brackets.append(char)
                most = max(most, len(open_brackets))
            elif char in _CLOSER and open_brackets and open_brackets[-1] == _CLOSER[char]:
                open_brackets.pop()
        if most > BRACKET_LIMIT:
            bracketed = True
            yield Problem.make("F010", item.path, number, count=most, limit=BRACKET_LIMIT)


# Elements whose content the HTML parser reads as raw text up to their end tag: one
# left open swallows the rest of the body, which then silently vanishes from the page.
_RAW_TEXT = "style|textarea|script|title|xmp|iframe|noembed|noframes|noscript|plaintext"
_RAW_OPEN = re.compile(rf"<({_RAW_TEXT})(?=[\s/>])", re.IGNORECASE)


def raw_text_problems(item: Item) -> Iterator[Problem]:
    """F012 (a warning) for the first ``<style>``, ``<textarea>`` and the like in the
    body (outside fenced code) that no end tag closes."""
    body = item.body
    if "<" not in body:
        return
    lowered = body.lower()
    last_end: dict[str, int] = {}  # where each tag's last end tag starts
    fence = ""
    position = 0
    for offset, line in enumerate(body.split("\n")):
        start, position = position, position + len(line) + 1
        if fence:
            if line.lstrip(" ").startswith(fence):
                fence = ""
            continue
        if opening := _FENCE.match(line):
            fence = opening.group(1)
            continue
        for match in _RAW_OPEN.finditer(line):
            tag = match.group(1).lower()
            if tag not in last_end:  # once per tag: a find per opening would be quadratic
                last_end[tag] = lowered.rfind(f"</{tag}")
            if last_end[tag] < start + match.end():
                number = item.body_line + offset
                yield Problem.make("F012", item.path, number, tag=tag)
                return
