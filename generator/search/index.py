"""An output's search index: static files that a browser reads a few of per query.

Written into ``<output>/search/``, every file a script (so the kiosk loads it with a
``<script>`` tag from file://, where ``fetch`` is blocked; the websites load them
the same way) that hands its data to ``catalogueIndexPart(name, data)``:

- ``meta.js``: the document table. Items are numbered newest first (the output's
  order), so a posting list in id order is already in the order results are
  shown within a ranking tier. Per item only its category and section (one byte
  each, base64), the years as runs of ids, and the names; enough to count facets
  and rank by category without any other file.
- ``t/<n>.js``: term shards. Each maps its terms (``search/terms.py``) to the ids
  of the items holding them: two or three bytes per id, or a bitmap where that is
  smaller. A term's shard is the CRC-32 of its UTF-8 bytes modulo the shard count;
  an item's title terms share the shard of the same term of the text.
- ``f/<n>.js``: one item's title, link, date, 索引号, category, summary and
  searchable text, fetched only for the results shown (to verify a match the
  index could only narrow down, and for the excerpt). Numbered oldest first
  (``fragment_name``): publishing the newest item adds a file and renames none.
- ``pinyin.js`` (kiosk only): each item's pinyin keys of its title and keywords,
  which the on-screen keyboard spells.
- ``rows.js`` (kiosk only): each item's link, title and date, what a kiosk result row
  shows; a result the index answers exactly, or whose title holds the query, needs no
  other file.

Indexing is linear Python work; an output whose items and texts equal another's
(the kiosk's and the public site's, usually) links that output's files instead.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import itertools
import json
import math
import os
import shutil
import zlib
from array import array
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from ..output.files import OutputFiles
from ..output.writer import write_bytes
from ..site.searchtext import searchable_parts, searchable_text
from ..site.views import ItemView, Site
from . import kiosk
from .terms import TITLE, text_terms, title_terms

INDEX_DIR = "search"
SHARD_BYTES = 16_000  # postings per term shard: a query loads one or two per word
KEEP_TERMS_UP_TO = 40_000  # items; above, each output reads its items' terms again
KEYWORD_SUGGESTIONS = 400  # the most used keywords, offered when nothing is found

Postings = dict[str, "array[int]"]  # term → ascending ids of the items holding it
Encoded = dict[str, str]  # term → its posting, as ``encode_posting`` writes it


def term_shard(term: str, shards: int) -> int:
    """The shard of ``term`` (a title term goes with the same term of the text)."""
    return zlib.crc32(term.removeprefix(TITLE).encode()) % shards


def _script(name: str, data: object) -> str:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # U+2028/9 are valid in JSON but were line ends in older JavaScript.
    payload = payload.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"catalogueIndexPart({json.dumps(name)},{payload});\n"


def read_script(text: str) -> Any:
    """The data of an index file that ``_script`` wrote (JSON: for tools and tests)."""
    return json.loads(text[text.index(",") + 1 : text.rindex(")")])


def _as_bitmap(held: int, count: int) -> bool:
    """Is a posting of ``held`` of ``count`` items smaller as a bitmap than as ids?"""
    return held * (2 if count <= 0xFFFF else 3) > (count + 7) // 8


def encode_posting(ids: Sequence[int], count: int) -> str:
    """Ascending ids of ``count`` items: a bitmap (first byte 0) or fixed-width ids
    (first byte the width, 2 or 3 bytes, little-endian), whichever is smaller."""
    width = 2 if count <= 0xFFFF else 3
    if _as_bitmap(len(ids), count):
        data = b"\x00" + _bitmap(ids, (count + 7) // 8)
    elif width == 2:
        data = b"\x02" + array("H", ids).tobytes()
    else:
        wide = array("I", ids).tobytes()
        packed = bytearray(3 * len(ids))
        for k in range(3):
            packed[k::3] = wide[k::4]
        data = b"\x03" + bytes(packed)
    return base64.b64encode(data).decode()


def encode_bits(bits: int, count: int) -> str:
    """``encode_posting`` of the ids whose bits are set in ``bits`` (bit n: id n)."""
    if _as_bitmap(bits.bit_count(), count):
        return base64.b64encode(b"\x00" + bits.to_bytes((count + 7) // 8, "little")).decode()
    return encode_posting(_set_bits(bits.to_bytes((count + 7) // 8, "little")), count)


def decode_posting(encoded: str) -> list[int]:
    """The ascending ids ``encode_posting`` wrote into ``encoded``."""
    data = base64.b64decode(encoded)
    if data[0] == 0:
        return _set_bits(data[1:])
    if data[0] == 2:
        return array("H", data[1:]).tolist()
    return [int.from_bytes(data[k : k + 3], "little") for k in range(1, len(data), 3)]


def encode_postings(postings: Postings, count: int) -> Encoded:
    """Every posting of ``postings`` encoded, each array freed as it goes."""
    encoded = {}
    for term in list(postings):
        encoded[term] = encode_posting(postings.pop(term), count)
    return encoded


def _set_bits(bitmap: bytes) -> list[int]:
    """The ids a bitmap holds: each byte spread into eight flags, then those set."""
    flags = b"".join(map(_FLAGS.__getitem__, bitmap))
    return list(itertools.compress(range(len(flags)), flags))


_FLAGS = [bytes(byte >> bit & 1 for bit in range(8)) for byte in range(256)]


def _bitmap(ids: Sequence[int], size: int) -> bytes:
    """``size`` bytes with bit ``i & 7`` of byte ``i >> 3`` set for each of ``ids``.

    A frequent term's bitmap holds thousands of ids: each is set as a byte of its own
    (``map``, no Python step per id), and every eighth byte is then shifted into its bit
    of the packed bytes, all at once, as one large integer."""
    flags = bytearray(8 * size)
    deque(map(flags.__setitem__, ids, itertools.repeat(1)), maxlen=0)
    packed = 0
    for bit in range(8):
        packed |= int.from_bytes(flags[bit::8], "little") << bit
    return packed.to_bytes(size, "little")


def item_source(view: ItemView) -> tuple[str, str]:
    """What an item's index terms are made of: its title and searchable text."""
    return view.title, searchable_text(view)


SOURCE_KEY_SIZE = 16  # bytes of ``source_key``
Known = dict[bytes, str]  # digest of an item's title and text → its terms, NUL-separated


class ItemTerms:
    """Each item's terms, kept (compactly) for the other outputs that show the item.

    ``known`` may hold terms an earlier build worked out (incremental/termcache.py);
    ``used`` tells which of them this build asked for."""

    def __init__(self, keep: bool = True, known: Known | None = None) -> None:
        self.keep = keep  # not for a large catalogue: a few KB per item
        self.known: Known = {} if known is None else known
        self.used: set[bytes] = set()

    def encoded_postings(self, name: str, views: Sequence[ItemView]) -> Encoded:
        """The postings of ``views``, the items of output ``name``, encoded (an update
        changes those the last build made: incremental/postingcache.py)."""
        return encode_postings(self.postings(views), len(views))

    def postings(self, views: Sequence[ItemView]) -> Postings:
        """Term → ids of ``views`` (numbered in order) whose text or title holds it,
        ascending. ``parallel/terms.py`` works out shares of them on other cores."""
        return self.numbered_postings(enumerate(views))

    def numbered_postings(self, numbered: Iterable[tuple[int, ItemView]]) -> Postings:
        """``postings`` of the views given with their ids, in ascending order.

        Each text is made when its turn comes: an output's texts at once would be
        hundreds of MB at 100,000 items. Ids are arrays of 4-byte numbers, not lists of
        8-byte pointers: tens of millions of them at 100,000 items."""
        found: defaultdict[str, array[int]] = defaultdict(functools.partial(array, "I"))
        for number, view in numbered:
            for term in self.of(*item_source(view)):
                found[term].append(number)
        return dict(found)  # a missing term is no one's: not an empty list made on asking

    def of(self, title: str, text: str) -> list[str]:
        if not self.keep:
            return terms_of(title, text)
        key = source_key(title, text)
        self.used.add(key)
        known = self.known.get(key)
        if known is not None:
            return known.split("\x00")
        terms = terms_of(title, text)
        # NUL-separated: no term holds a control character but the title markers.
        self.known[key] = "\x00".join(terms)
        return terms


def terms_of(title: str, text: str) -> list[str]:
    """The index terms of an item's title and searchable text."""
    return [*text_terms(text), *title_terms(title)]


def source_key(title: str, text: str) -> bytes:
    """The digest that keys the terms of an item's title and text."""
    return hashlib.blake2b(f"{title}\x00{text}".encode(), digest_size=SOURCE_KEY_SIZE).digest()


def document_table(site: Site) -> dict[str, object]:
    categories: dict[str, int] = {}
    sections: dict[str, int] = {}
    facets = bytearray()
    years: list[list[int]] = []
    keywords: dict[str, int] = {}
    for view in site.items:
        facets.append(categories.setdefault(view.category_name, len(categories)))
        facets.append(sections.setdefault(view.owner_name, len(sections)))
        if years and years[-1][0] == view.year:
            years[-1][1] += 1
        else:
            years.append([view.year, 1])
        for keyword in view.keywords:
            keywords[keyword] = keywords.get(keyword, 0) + 1
    # every category of the catalogue, for suggestions, even those with no item shown
    pages: dict[str, str] = {}
    for scope in site.variant.scopes:
        for key, category in site.config.categories_of(scope).items():
            categories.setdefault(category.name, len(categories))
            pages.setdefault(category.name, f"catalogue/category/{key}/index.html")
    common = sorted(keywords.items(), key=lambda kv: (-kv[1], kv[0]))[:KEYWORD_SUGGESTIONS]
    return {
        "count": len(site.items),
        "categories": list(categories),
        "category_pages": [pages.get(name, "") for name in categories],
        "sections": list(sections),
        "years": years,
        "facets": base64.b64encode(bytes(facets)).decode(),
        "keywords": [k for k, _ in common],
    }


def fragment_name(item_id: int, count: int) -> str:
    """The file of the fragment of item ``item_id`` of ``count``. Ids count newest first,
    fragments oldest first: were they named by id, each new item would move every
    other item's file (thousands rewritten per item published). Their folder is no
    longer ``d/``, where they were named by id: a browser that kept the old script
    gets no fragment rather than another item's."""
    return f"f/{count - 1 - item_id}"


def fragment(view: ItemView, parts: list[str]) -> dict[str, object]:
    return {
        "url": view.url,
        "title": view.title,
        "date": view.published.isoformat(),
        "index_no": view.index_no,
        "category": view.category_name,
        "summary": view.summary,
        "parts": parts,  # joined by newlines: the searchable text (site/searchtext.py)
        "body": parts.index(view.body_text) if view.body_text else -1,  # for excerpts
    }


class IndexFiles:
    """The files of one output's index, each written only where the output does not
    hold its text already: an edit changes the shards and the edited item's fragment,
    not the thousands of other fragments. Each file's key is a digest of its text.

    ``previous`` is the output an update changes, which holds every file not made again
    (one it lost since has a key no build makes: ``Manifest.marked_lost``)."""

    def __init__(self, site: Site, files: OutputFiles, previous: Path | None = None) -> None:
        self.folder = site.out / INDEX_DIR
        self.prefix = f"{site.variant.name}/{INDEX_DIR}/"
        self.files = files
        self.previous = previous

    def write(self, relative: str, text: str) -> None:
        data = text.encode("utf-8")
        key = hashlib.blake2b(data, digest_size=16).hexdigest()
        if self._due(self.prefix + relative, key):
            write_bytes(self.folder / relative, data)

    def link(self, same: IndexFiles) -> None:
        """Make the files ``same`` made (another output's equal index), by hard links:
        to those ``same`` wrote now, or else to those the output holds."""
        folders: set[Path] = set()
        for path, key in self.files.manifest.recorded_under(same.prefix):
            relative = path[len(same.prefix) :]
            if not self._due(self.prefix + relative, key):
                continue
            source = same.folder / relative
            if self.previous is not None and not source.exists():
                source = self.previous / path  # kept by ``same``: the output holds it
            target = self.folder / relative
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            _link_or_copy(source, target)

    def _due(self, path: str, key: str) -> bool:
        """Record ``path``'s key; must the file be made (again)?"""
        return self.files.record(path, key)


class IndexWriter:
    """Writes output indexes; an output equal to one already written links its files.

    ``item_terms`` makes the store of item terms that the outputs share (told whether
    to keep them); ``previous`` is the output an update changes, where the files it
    keeps are.
    """

    def __init__(
        self, item_terms: Callable[[bool], ItemTerms] = ItemTerms, previous: Path | None = None
    ) -> None:
        self.written: dict[str, IndexFiles] = {}  # digest of (items, texts) → its files
        self.item_terms = item_terms
        self.terms: ItemTerms | None = None
        self.previous = previous

    def write(self, site: Site, files: OutputFiles) -> None:
        index = IndexFiles(site, files, self.previous)
        digest = index_digest(site)
        same = self.written.get(digest)
        if same is not None:
            index.link(same)
        else:
            if self.terms is None:
                self.terms = self.item_terms(len(site.items) <= KEEP_TERMS_UP_TO)
            write_index(site, index, self.terms)
            self.written[digest] = index
        if site.variant.touch:
            write_pinyin(site, index)
            write_rows(site, index)


def index_digest(site: Site) -> str:
    """A digest of everything ``write_index`` makes of ``site``: outputs with equal
    digests have equal indexes. Fed item by item: an output's fragments as one text
    would take hundreds of MB at 100,000 items."""
    digest = hashlib.sha256(json.dumps(document_table(site), ensure_ascii=False).encode())
    for view in site.items:
        data = fragment(view, searchable_parts(view))
        digest.update(b"\n" + json.dumps(data, ensure_ascii=False).encode())
    return digest.hexdigest()


def write_index(site: Site, index: IndexFiles, item_terms: ItemTerms) -> None:
    encoded = item_terms.encoded_postings(site.variant.name, site.items)
    size = sum(len(t) + len(e) for t, e in encoded.items())
    shards = max(1, math.ceil(size / SHARD_BYTES))
    grouped: list[dict[str, str]] = [{} for _ in range(shards)]
    for term in sorted(encoded):
        grouped[term_shard(term, shards)][term] = encoded[term]
    for n, group in enumerate(grouped):
        index.write(f"t/{n}.js", _script(f"t/{n}", group))
    for n, view in enumerate(site.items):
        name = fragment_name(n, len(site.items))
        index.write(f"{name}.js", _script(name, fragment(view, searchable_parts(view))))
    table = document_table(site) | {"shards": shards}
    index.write("meta.js", _script("meta", table))


def write_pinyin(site: Site, index: IndexFiles) -> None:
    """Each item's pinyin initials and full pinyin of its title and keywords, a line each."""
    lines = []
    for view in site.items:
        initials, full = view.item.remember(  # kept in the item cache: an edit converts its own
            "pinyin keys", lambda v=view: kiosk.pinyin_keys(" ".join([v.title, *v.keywords]))
        )
        lines.append(f"{initials}\t{full}")
    index.write("pinyin.js", _script("pinyin", "\n".join(lines)))


def write_rows(site: Site, index: IndexFiles) -> None:
    """Each item's link, title and date, a line each (a tab or line end in a title becomes
    a space; the index reads both as separators)."""
    one_line = str.maketrans("\t\r\n", "   ")
    lines = [
        "\t".join([v.url, v.title.translate(one_line), v.published.isoformat()]) for v in site.items
    ]
    index.write("rows.js", _script("rows", "\n".join(lines)))


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copyfile(source, target)
