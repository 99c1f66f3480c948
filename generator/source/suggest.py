"""Did-you-mean hints for values staff mistype: categories, sections, people, dates.

Each returns the text appended to a problem's message ("" when nothing is close):
a section may be written by its Chinese name (``办公室`` for ``office``), a person
with a similar-looking character (``王小燕`` for ``王晓燕``).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping

CUTOFF = 0.5  # one character wrong in a two- or three-character name still matches


def closest(value: str, known: list[str]) -> str | None:
    found = difflib.get_close_matches(value, known, n=1, cutoff=CUTOFF)
    return found[0] if found else None


def key_hint(value: str, names: Mapping[str, str]) -> str:
    """For a key (category, section) written wrong: the key by its spelling or its
    Chinese name; ``names`` maps each key to its name."""
    key = closest(value, list(names))
    if key is None:
        by_name = {name: k for k, name in names.items()}
        name = closest(value, list(by_name))
        key = by_name[name] if name is not None else None
    return f"。是否想写“{key}”（{names[key]}）？" if key else ""


def person_hint(value: str, people: list[str]) -> str:
    name = closest(value, people)
    return f"。是否想写“{name}”？" if name else ""


_CHINESE_DATE = re.compile(
    r"(?P<y>\d{4})\s*[年/.\-]\s*(?P<m>\d{1,2})\s*[月/.\-]\s*(?P<d>\d{1,2})\s*日?"
)


def date_hint(value: object) -> str:
    """``2026年11月20日``, ``2026/11/20`` or ``2026-11-2`` → “写成 2026-11-20”."""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = _CHINESE_DATE.fullmatch(text)
    if not match:
        return ""
    iso = f"{match['y']}-{int(match['m']):02d}-{int(match['d']):02d}"
    return f"；是否想写 {iso}？" if iso != text else ""
