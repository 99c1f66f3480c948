"""QR codes of public addresses, made at build time, for the kiosk.

A visitor at the hall's screen scans an item's code to go on reading it on a
phone. The code is an SVG in a ``data:`` URI (the CSP allows ``img-src data:``),
encoded by segno in pure Python: nothing is fetched, no file is added to the kiosk.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence

import segno

# Any of the eight masks makes a valid code. Letting segno score all eight for the
# fewest hard-to-scan patterns took 7.7 ms a code, 68 s of a 10,000-item build's CPU;
# with one mask it takes 1.9 ms. Mask 0 is the one segno picks most often for our URLs.
MASK = 0
BORDER = 2  # modules of light margin: scanners need some, the page adds its own
SCALE = 6  # pixels a module, before the page's CSS sizes the image

# The few characters of the SVG below that a data: URI or an HTML attribute must escape.
# Replaced one after another (no escape holds another's character): ``str.translate``
# looks every character up in a table, 25 times as long for a kiosk page's code.
_URI_ESCAPES = (("<", "%3C"), (">", "%3E"), ("#", "%23"), (" ", "%20"), ("'", "%27"))


def _octet_path(octet: int) -> str:
    """Path commands for eight modules (the high bit first, 1 dark): a line across each
    run of dark ones, a move across each light one; the pen ends at the eighth's edge."""
    commands = []
    for dark, run in itertools.groupby(octet >> (7 - i) & 1 for i in range(8)):
        length = len(list(run))
        commands.append(f"h{length}" if dark else f"m{length},0")
    return "".join(commands)


# A row is drawn eight modules at a time from this table: a lookup for each eight,
# not Python work for each run of modules (a quarter of the time of segno's SVG writer).
_OCTETS = [_octet_path(octet) for octet in range(256)]
_AS_DIGITS = bytes.maketrans(b"\x00\x01", b"01")
_LAST_MOVES = re.compile(r"(?:m\d+,0)+$")


@functools.lru_cache(maxsize=1024)
def qr_data_uri(url: str) -> str:
    """``url`` as a QR code, an SVG ``data:`` URI that scales without blurring."""
    svg = qr_svg(qr_modules(url))
    for char, escape in _URI_ESCAPES:
        svg = svg.replace(char, escape)
    return "data:image/svg+xml;charset=utf-8," + svg


def qr_modules(url: str) -> Sequence[bytes | bytearray]:
    """The modules of ``url``'s code, a row of 0 and 1 bytes each, exactly as segno
    makes them; most from the code of an earlier address of the same length."""
    family = _family_of(url)
    if family is None:
        return _segno_code(url).matrix
    return family.modules(url)


def _segno_code(text: str) -> segno.QRCode:
    """segno's code of ``text``: every code, and every family's first, is made so."""
    return segno.make(text, error="m", mask=MASK)


# Making codes by difference ------------------------------------------------------------
#
# A QR code is affine in the bits of its data. For texts of one length in byte mode, with
# the version, error level and mask fixed, all but the data codewords is the same: mode,
# count, padding, format and version information. The Reed-Solomon codewords are linear
# over GF(2^8), and so over GF(2); where each bit goes, and the mask, are fixed. So a
# code is a first code of that length XOR, for each bit where the text differs from the
# first text, the difference that bit makes. segno makes the first code and each bit's
# difference once; an item's address (they differ only in the digits of the 索引号)
# then costs a few XORs of integers (0.02 ms) instead of segno's 0.7-1.8 ms, which was
# 6-15 s of a 10,000-item cold build's CPU. tests/test_qr.py checks the codes equal segno's.

_BYTE_MODE = re.compile(r"[a-z]")  # not numeric, alphanumeric (capitals) nor kanji
# Bounds on what is kept, whatever the addresses: a family keeps at most 7 differences an
# ASCII character, a bit a module each; at 160 characters, all 1,120 took 0.55 MB, so all
# 16 families stay under 9 MB. Other texts are made by segno alone.
_FAMILIES = 16  # lengths with a first code kept
_SHORTEST = 24  # characters; shorter texts may make Micro QR codes, which segno makes quickly
_LONGEST = 160


class _SameLengthCodes:
    """The codes of the byte-mode ASCII texts as long as ``first``."""

    def __init__(self, first: str) -> None:
        code = _segno_code(first)
        self.usable = code.mode == "byte" and not code.is_micro
        self.first = first.encode("ascii")
        self.size = len(code.matrix)
        self.code = _packed(code.matrix)
        # what segno chose for ``first`` holds for every text of this family
        self.fixed = {"version": code.version, "error": code.error, "boost_error": False}
        self.differences: dict[tuple[int, int], int] = {}

    def modules(self, text: str) -> list[bytes]:
        code = self.code
        for at, (ours, theirs) in enumerate(zip(text.encode("ascii"), self.first, strict=True)):
            bits = ours ^ theirs
            while bits:
                bit = bits & -bits
                code ^= self._difference(at, bit)
                bits ^= bit
        flat = format(code, f"0{self.size * self.size}b").encode().translate(_FROM_DIGITS)
        return [flat[y : y + self.size] for y in range(0, len(flat), self.size)]

    def _difference(self, at: int, bit: int) -> int:
        """What flipping ``bit`` of the ``at``-th byte changes in the code."""
        difference = self.differences.get((at, bit))
        if difference is None:
            flipped = bytearray(self.first)
            flipped[at] ^= bit
            code = segno.make(bytes(flipped), mode="byte", mask=MASK, micro=False, **self.fixed)
            difference = self.differences[at, bit] = _packed(code.matrix) ^ self.code
        return difference


_by_length: dict[int, _SameLengthCodes] = {}


def _family_of(url: str) -> _SameLengthCodes | None:
    """The family ``url`` belongs to, if its code can be made by difference."""
    if not _SHORTEST <= len(url) <= _LONGEST or not url.isascii() or not _BYTE_MODE.search(url):
        return None
    family = _by_length.get(len(url))
    if family is None:
        if len(_by_length) >= _FAMILIES:
            return None
        family = _by_length[len(url)] = _SameLengthCodes(url)
    return family if family.usable else None


_FROM_DIGITS = bytes.maketrans(b"01", b"\x00\x01")


def _packed(matrix: Sequence[bytes | bytearray]) -> int:
    """The modules as the bits of one integer, the first module the highest bit."""
    return int(b"".join(matrix).translate(_AS_DIGITS), 2)


def qr_svg(matrix: Sequence[bytes | bytearray]) -> str:
    """An SVG of a code's modules (a row of 0 and 1 bytes each, 1 dark), in a light
    border: each run of dark modules a one-module-thick horizontal line, as segno's own
    SVG writer draws them."""
    size = len(matrix) + 2 * BORDER
    octets = -(-len(matrix) // 8)  # bytes a row packs into: a code is as wide as it is tall
    lines = []
    for y, row in enumerate(matrix, BORDER):
        packed = (int(row.translate(_AS_DIGITS), 2) << (8 * octets - len(row))).to_bytes(octets)
        lines.append(
            f"M{BORDER},{y}.5" + _LAST_MOVES.sub("", "".join(map(_OCTETS.__getitem__, packed)))
        )
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{size * SCALE}' height='{size * SCALE}'"
        f" viewBox='0 0 {size} {size}' shape-rendering='crispEdges'>"
        f"<path fill='#fff' d='M0 0h{size}v{size}h-{size}z'/>"
        f"<path stroke='#000' d='{''.join(lines)}'/></svg>"
    )
