"""The form a search reads text in, and the posting lists it looks terms up in."""

from __future__ import annotations

import base64
import random
import re
import sys
import unicodedata

import pytest

from generator.search.index import decode_posting, encode_posting
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


@pytest.mark.parametrize("count", [1, 7, 8, 9, 64, 1000, 70_001])
def test_a_posting_lists_exactly_its_ids_as_a_bitmap_or_as_fixed_width_ids(count: int) -> None:
    rng = random.Random(count)
    for size in {0, 1, 2, count // 40, count // 3, count}:
        ids = sorted(rng.sample(range(count), min(size, count)))
        encoded = encode_posting(ids, count)
        assert decode_posting(encoded) == ids  # what an update changes a posting with
        data = base64.b64decode(encoded)
        if data[0] == 0:  # a bit per item
            assert len(data) == 1 + (count + 7) // 8
            found = [i for i in range(count) if data[1 + (i >> 3)] >> (i & 7) & 1]
        else:  # the width, then the ids, little-endian
            width = data[0]
            assert width == (2 if count <= 0xFFFF else 3)
            chunks = range(1, len(data), width)
            found = [int.from_bytes(data[k : k + width], "little") for k in chunks]
        assert found == ids
