"""The issue's definition of a match, written out independently of the generator, and
queries sampled from texts: for the search tests and bench/search_recall.py."""

from __future__ import annotations

import functools
import random
import re
import unicodedata


@functools.cache  # the recall bench asks for each of 8,833 texts 240 times
def compact(text: str) -> str:
    """The issue's definition, written out independently of the generator: NFKC, lower
    case, invisible characters dropped, punctuation and white space removed except a
    space between two Latin words."""
    text = unicodedata.normalize("NFKC", text).lower()
    out = []
    for ch in text:
        kind = unicodedata.category(ch)
        if kind == "Cf":
            continue
        out.append(" " if kind[0] in "PZ" or kind == "Cc" else ch)
    spaced = re.sub(r"\s+", " ", "".join(out))
    return re.sub(r"(?<![0-9a-z]) | (?![0-9a-z])", "", spaced).strip()


def oracle(text: str, query: str) -> bool:
    """Every word of ``query`` in ``text``: Chinese anywhere, Latin from a word's start."""
    haystack = compact(text)
    for word in query.split():
        needle = compact(word)
        if not needle:
            continue
        start = r"(?<![0-9a-z])" if needle[0].isascii() and needle[0].isalnum() else ""
        if not re.search(start + re.escape(needle), haystack):
            return False
    return True


FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def sampled_queries(texts: list[str], count: int) -> list[str]:
    """Chinese substrings of 1–6 characters, whole Latin/digit words and prefixes, and
    the same with punctuation inside and in full-width forms."""
    rng = random.Random(20261203)
    queries: set[str] = {"税", "征", "𠮷", "三公经费", "２０２５", "ＰＰＰ", "预算 2025", "决算"}
    while len(queries) < count:
        text = rng.choice(texts)
        runs = re.findall(r"[\u4e00-\u9fff]+", text)
        words = re.findall(r"[0-9A-Za-z]+", text)
        kind = rng.randrange(5)
        if kind <= 1 and runs:
            run = rng.choice(runs)
            size = rng.randint(1, min(6, len(run)))
            start = rng.randrange(len(run) - size + 1)
            queries.add(run[start : start + size])
        elif kind == 2 and words:
            word = rng.choice(words)
            queries.add(word[: rng.randint(1, len(word))] if rng.random() < 0.5 else word)
        elif kind == 3 and runs:
            run = rng.choice([r for r in runs if len(r) >= 2] or runs)
            at = rng.randint(1, max(1, len(run) - 1))
            queries.add(run[:at] + rng.choice(["“", "，", "、", "\u200b", "·"]) + run[at : at + 3])
        elif kind == 4 and words:
            word = rng.choice(words).upper()
            queries.add("".join(FULL_WIDTH.get(c, c) for c in word))
    return sorted(queries)
