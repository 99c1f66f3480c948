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
_URI_ESCAPES = str.maketrans({"<": "%3C", ">": "%3E", "#": "%23", " ": "%20", "'": "%27"})


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
    matrix = segno.make(url, error="m", mask=MASK).matrix
    return "data:image/svg+xml;charset=utf-8," + qr_svg(matrix).translate(_URI_ESCAPES)


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
