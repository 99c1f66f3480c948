"""The form a search reads text in, checked against Unicode's own categories."""

from __future__ import annotations

import re
import sys
import unicodedata

from generator.search.terms import normalise


def by_categories(text: str) -> str:
    """What ``normalise`` promises, one character at a time: NFKC, lower case, every
    run of punctuation, separators and controls one space, format characters gone."""
    out = []
    for char in unicodedata.normalize("NFKC", text).lower():
        category = unicodedata.category(char)
        if category == "Cf":
            continue
        out.append(" " if category[0] in "PZ" or category == "Cc" else char)
    return re.sub(" +", " ", "".join(out))


def test_every_code_point_is_kept_dropped_or_made_a_separator_by_its_category() -> None:
    everything = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    # Alone, and side by side (so runs of separators, with format characters among
    # them, are seen too).
    assert [normalise(c) for c in everything] == [by_categories(c) for c in everything]
    text = "".join(everything)
    assert normalise(text) == by_categories(text)
