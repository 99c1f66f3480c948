"""QR codes of public addresses, made at build time, for the kiosk.

A visitor at the hall's screen scans an item's code to go on reading it on a
phone. The code is an SVG in a ``data:`` URI (the CSP allows ``img-src data:``),
made by segno in pure Python: nothing is fetched, no file is added to the kiosk.
"""

from __future__ import annotations

import functools

import segno

# Any of the eight masks makes a valid code. Letting segno score all eight for the
# fewest hard-to-scan patterns took 7.7 ms a code, 68 s of a 10,000-item build's CPU;
# with one mask it takes 1.9 ms. Mask 0 is the one segno picks most often for our URLs.
MASK = 0


@functools.lru_cache(maxsize=1024)
def qr_data_uri(url: str) -> str:
    """``url`` as a QR code, an SVG ``data:`` URI that scales without blurring."""
    code = segno.make(url, error="m", mask=MASK)
    return code.svg_data_uri(scale=6, border=2, dark="#000", light="#fff")
