"""The kiosk's own search index: a script the page loads, so it works from file://.

Pagefind cannot run from file:// (its module import is blocked), and kiosk
visitors have no input method for Chinese, so the kiosk ships every item's
searchable text plus two pinyin keys computed here with pypinyin:
initials (财政预算 → czys) and full pinyin (caizhengyusuan). Pinyin keys cover the
title and keywords, which is what a visitor spells out on the on-screen keyboard.
"""

from __future__ import annotations

import functools
import json
from types import ModuleType
from typing import Any

from ..site.searchtext import searchable_text
from ..site.views import Site

INDEX_SCRIPT = "static/kiosk-index.js"
_NON_HAN = "\x00"  # marks what pypinyin passed through unchanged
_BREAK = "|"  # keeps matches from running across punctuation


def _ascii_key(chunk: str) -> str:
    return "".join(c if c.isascii() and c.isalnum() else _BREAK for c in chunk.lower())


@functools.lru_cache(maxsize=65536)
def pinyin_keys(text: str) -> tuple[str, str]:
    """(initials, full pinyin) of ``text``; Latin letters and digits are kept as typed."""
    # pypinyin reads a text word by word after segmenting it (so polyphonic characters
    # take their reading in the word), and each word's pinyin does not depend on its
    # neighbours. Titles share a small vocabulary, so segmenting here and caching per
    # word gives the same keys for a fraction of the conversions.
    keys = [_word_keys(word) for word in _pypinyin()[1].seg(text)]
    return "".join(k[0] for k in keys), "".join(k[1] for k in keys)


@functools.cache
def _pypinyin() -> tuple[ModuleType, Any]:
    """pypinyin and the segmenter its ``pinyin()`` uses, imported when first needed:
    loading its dictionaries takes a sixth of a second that other commands (a
    build with nothing to do, ``validate``) should not pay."""
    import pypinyin
    from pypinyin.core import Pinyin

    return pypinyin, Pinyin()


@functools.lru_cache(maxsize=65536)
def _word_keys(word: str) -> tuple[str, str]:
    initials, full = [], []
    # A list is taken as already segmented: the word is converted as it is.
    pypinyin = _pypinyin()[0]
    not_han = lambda s: [_NON_HAN + s]  # noqa: E731
    for (syllable,) in pypinyin.pinyin([word], style=pypinyin.Style.NORMAL, errors=not_han):
        if syllable.startswith(_NON_HAN):
            key = _ascii_key(syllable[1:])
            initials.append(key)
            full.append(key)
        else:
            initials.append(syllable[:1])
            full.append(syllable)
    return "".join(initials), "".join(full)


def index_entry(site: Site, index: int) -> dict[str, str]:
    view = site.items[index]
    initials, full = view.item.remember(  # kept in the item cache: an edit converts its own
        "pinyin keys", lambda: pinyin_keys(" ".join([view.title, *view.keywords]))
    )
    return {
        "url": view.url,
        "title": view.title,
        "index_no": view.index_no,
        "date": view.published.isoformat(),
        "category": view.category_name,
        "text": (view.search_text or searchable_text(view)).lower(),
        "initials": initials,
        "pinyin": full,
    }


def write_kiosk_index(site: Site) -> None:
    """Write ``static/kiosk-index.js``, defining ``window.KIOSK_INDEX``.

    Written entry by entry: for 100,000 items the whole index as one string
    would take several hundred MB while the build is at its largest.
    """
    target = site.out / INDEX_SCRIPT
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="\n") as out:
        out.write("window.KIOSK_INDEX=[")
        for index in range(len(site.items)):
            entry = json.dumps(index_entry(site, index), ensure_ascii=False, separators=(",", ":"))
            out.write(("," if index else "") + entry)
        out.write("];\n")
