"""Guide pages (``page: guide | request | complaints``): items shown at a fixed address.

Their placeholders must name a fact catalog.yaml has (``source/facts.py``); a
placeholder anywhere else would reach readers as written. A page is external, carries
no attachments (its address is not an item's folder) and has one item at a time.
"""

from __future__ import annotations

from ..problems import Problem
from ..source.facts import FACTS, placeholders
from ..source.items import Item


def guide_page_problems(item: Item) -> list[Problem]:
    page = item.meta.page
    out = []
    for name, offset in placeholders(item.body):
        line = item.body_line + offset
        shown = "{{ " + name + " }}"
        if page is None:
            out.append(Problem.make("G827", item.path, line, name=shown))
        elif name not in FACTS:
            choices = "、".join(FACTS)
            out.append(Problem.make("G824", item.path, line, name=shown, choices=choices))
    if page is not None and item.scope != "external":
        out.append(Problem.make("G825", item.path, item.line_of("page"), page=page))
    if page is not None and item.meta.attachments:
        out.append(Problem.make("G828", item.path, item.line_of("attachments"), page=page))
    return out


def duplicate_page_problems(items: list[Item]) -> list[Problem]:
    """A second item for the same page (in file order) is an error."""
    first: dict[str, Item] = {}
    out = []
    for item in items:
        page = item.meta.page
        if page is None:
            continue
        if page in first:
            other = first[page]
            where = f"{other.path}:{other.line_of('page')}"
            out.append(
                Problem.make("G826", item.path, item.line_of("page"), page=page, other=where)
            )
        else:
            first[page] = item
    return out
