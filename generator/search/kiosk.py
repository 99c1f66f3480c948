"""The kiosk's pinyin keys: kiosk visitors have no input method for Chinese, so its
search index (index.py) also holds two keys per item computed here with pypinyin:
initials (财政预算 → czys) and full pinyin (caizhengyusuan). They cover the title and
keywords, which is what a visitor spells out on the on-screen keyboard.
"""

from __future__ import annotations

import functools
from types import ModuleType
from typing import Any

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
