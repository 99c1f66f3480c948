"""What a search matches: normalised tokens of a text and the index terms they make.

A text (an item's searchable text, or one word of a query) is normalised with
NFKC and lower-cased; punctuation, white space and control characters separate
tokens and are dropped; invisible formatting characters (zero-width spaces,
joiners, …) are dropped without separating anything. What is left is a sequence of
tokens: a Latin word (a run of ASCII letters and digits) or one other character
(Chinese, including characters outside the Basic Multilingual Plane, or a symbol).

A query word matches a text when its tokens occur in the text's tokens one after
the other, every token equal except a Latin last token, which may be the start of
a word (``20`` finds ``2025``; ``三公经费`` finds ``“三公”经费``).

The index maps terms to the items holding them: every character, every pair of
adjacent characters, and every prefix (up to ``PREFIX_LIMIT`` letters) of every
Latin word. So an index lookup of a one- or two-character word or of one Latin
word is exact, and for longer words a superset that the browser verifies against
the item's text. ``static/search-index.js`` implements the same rules; tests check
that both agree.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata

PREFIX_LIMIT = 12  # longer Latin prefixes are looked up by their first 12 letters
TITLE = "\x01"  # title terms: the same terms, prefixed (a control character: never a token)
WHOLE_TITLE = "\x02"  # the whole title's tokens: "the title equals the query"

_TOKEN = re.compile(r"[0-9a-z]+|\S")
_LATIN = re.compile(r"[0-9a-z]+")
_OTHER_RUN = re.compile(r"[^\s0-9a-z]+")
# White space that separates nothing: anywhere but between two Latin words.
_JOINING_SPACE = re.compile(r"(?<![0-9a-z])\s+|\s+(?![0-9a-z])")


def _ranges(codes: list[int]) -> str:
    """A regular-expression character class of ``codes`` (ascending), as ranges."""
    out, start = [], None
    for prev, code in zip([None, *codes], [*codes, None], strict=True):
        if start is None:
            start = code
        elif code is None or prev is None or code != prev + 1:
            out.append(f"\\U{start:08x}" + (f"-\\U{prev:08x}" if prev != start else ""))
            start = code
    return "[" + "".join(out) + "]"


def _bmp_first(codes: list[int]) -> str:
    """A pattern of one of ``codes``, quick for text of the Basic Multilingual Plane.

    ``re`` looks a character up in a class of BMP characters in one step, but goes
    through the ranges one by one once a class holds any beyond it: for the
    hundreds of ranges of punctuation, half the time of normalising a text."""
    bmp = [code for code in codes if code <= 0xFFFF]
    beyond = [code for code in codes if code > 0xFFFF]
    if not beyond:
        return _ranges(bmp)
    return f"(?:{_ranges(bmp)}|(?=[\\U00010000-\\U0010ffff]){_ranges(beyond)})"


@functools.cache
def _removed() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Punctuation, separators and controls (which separate tokens), and invisible
    formatting characters (Unicode category Cf, which separate nothing)."""
    separating, invisible = [], []
    for code in range(sys.maxunicode + 1):
        category = unicodedata.category(chr(code))
        if category == "Cf":
            invisible.append(code)
        elif category[0] in "PZ" or category == "Cc":
            separating.append(code)
    # The invisible characters are few ranges: one class is quicker for them.
    return re.compile(_bmp_first(separating) + "+"), re.compile(_ranges(invisible) + "+")


def normalise(text: str) -> str:
    """``text`` in the form tokens are read from: tokens apart from separators by spaces."""
    separating, invisible = _removed()
    if not unicodedata.is_normalized("NFKC", text):  # most texts are: checking is quicker
        text = unicodedata.normalize("NFKC", text)
    text = text.lower()
    return separating.sub(" ", invisible.sub("", text))


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalise(text))


def is_latin(token: str) -> bool:
    return token[0] < "\x80" and token[0].isalnum()


def text_terms(text: str) -> set[str]:
    """Every index term of ``text``: characters, adjacent pairs, Latin word prefixes."""
    normal = normalise(text)
    terms: set[str] = set()
    for run in _OTHER_RUN.findall(_JOINING_SPACE.sub("", normal)):
        terms.update(run)
        terms.update(map(str.__add__, run, run[1:]))
    for word in set(_LATIN.findall(normal)):
        terms.update([word[:k] for k in range(1, min(len(word), PREFIX_LIMIT) + 1)])
    return terms


def title_terms(title: str) -> set[str]:
    """The title's own terms (for "the title contains the query") and its whole-title key."""
    own = {TITLE + t for t in text_terms(title)}
    own.add(whole_title_key(tokens(title)))
    return own


def whole_title_key(title_tokens: list[str]) -> str:
    return WHOLE_TITLE + " ".join(title_tokens)
