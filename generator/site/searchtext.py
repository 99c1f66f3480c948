"""What an item page gives the search indexes: its searchable text and search terms.

Pagefind segments Chinese into words at build time (jieba) and the browser
segments the query differently (Intl.Segmenter), so a query such as 决算 misses
a page that only says 预决算. To make every Chinese substring findable, each
item page also carries one token per pair of adjacent Chinese characters in its
searchable text. A token is ASCII (``q`` + four letters per character), so
neither segmenter splits it (``search/pagefind.py`` has the rest of the design).

``static/search.js`` implements the same encoding; tests check that both agree.
"""

from __future__ import annotations

import itertools
import re
from functools import cache

from .views import ItemView

TOKEN_PREFIX = "q"
_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")


@cache
def _letters(char: str) -> str:
    """Four base-26 letters for one BMP character (26**4 > 65536)."""
    code, out = ord(char), []
    for _ in range(4):
        code, digit = divmod(code, 26)
        out.append(_ALPHABET[digit])
    return "".join(reversed(out))


def bigram_tokens(text: str) -> list[str]:
    """One token per distinct pair of adjacent Chinese characters, in order of appearance."""
    seen: dict[str, None] = {}
    for run in _CJK_RUN.findall(text):
        letters = [_letters(c) for c in run]
        for a, b in itertools.pairwise(letters):
            seen.setdefault(TOKEN_PREFIX + a + b)
    return list(seen)


_ASCII_WORD = re.compile(r"[0-9A-Za-z]+")


def search_terms(text: str) -> str:
    """What Pagefind indexes for a page: bigram tokens plus its Latin words and numbers."""
    words = dict.fromkeys(w.lower() for w in _ASCII_WORD.findall(text))
    return " ".join([*bigram_tokens(text), *words])


def searchable_text(view: ItemView) -> str:
    """Everything a visitor reads on an item page, which a search should find."""
    return "\n".join(searchable_parts(view))


def searchable_parts(view: ItemView) -> list[str]:
    """The searchable text's parts, none empty: title, summary, body, the rest."""
    parts = [
        view.title,
        view.summary,
        view.body_text,
        *(a.title for a in view.attachments),
        *(c.note for c in view.changes),
        view.index_no,
        view.doc_no or "",
        " ".join(view.keywords),
        view.category_name,
        view.owner_name,
    ]
    return [p for p in parts if p]
