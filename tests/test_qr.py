"""The kiosk's QR codes: the SVG draws exactly the modules segno's encoder chose."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import unquote

import pytest
import segno

from generator.site.qr import BORDER, MASK, SCALE, qr_data_uri

SVG = "{http://www.w3.org/2000/svg}"
URLS = [
    "https://czj.example.gov.cn/items/2026-01726.html",  # a typical item: version 3
    "http://a.cn/",  # the smallest
    "https://czj.chengjiang.example.gov.cn/items/2025-00030/attachments/"
    + "report-of-the-district-budget-and-final-accounts.pdf?page=12#table-3",  # version 6
    "https://czj.example.gov.cn/items/%E9%A2%84%E7%AE%97.html",
]


def drawn_modules(path: str) -> set[tuple[int, int]]:
    """The modules a path of one-module-thick horizontal lines covers, as (x, y)."""
    command_pattern = r"([Mmh])(-?[\d.]+)(?:,(-?[\d.]+))?"
    assert re.fullmatch(f"(?:{command_pattern})+", path), "a command other than M, m and h"
    covered: set[tuple[int, int]] = set()
    x = y = 0.0
    for command, a, b in re.findall(command_pattern, path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            assert (y - 0.5).is_integer(), f"a line off a module's middle: y={y}"
            covered |= {(int(x) + k, int(y)) for k in range(int(a))}
            x += float(a)
    return covered


@pytest.mark.parametrize("url", URLS)
def test_the_svg_draws_the_modules_of_the_code_and_only_those(url: str) -> None:
    prefix = "data:image/svg+xml;charset=utf-8,"
    uri = qr_data_uri(url)
    assert uri.startswith(prefix)
    assert not re.search(r"[\s<>#\"']", uri[len(prefix) :])  # safe in a URI and an attribute
    svg = ET.fromstring(unquote(uri[len(prefix) :]))
    matrix = segno.make(url, error="m", mask=MASK).matrix
    size = len(matrix) + 2 * BORDER
    assert svg.get("viewBox") == f"0 0 {size} {size}"
    assert svg.get("width") == svg.get("height") == str(size * SCALE)
    background, modules = svg.findall(f"{SVG}path")
    assert (background.get("fill"), background.get("d")) == ("#fff", f"M0 0h{size}v{size}h-{size}z")
    assert modules.get("stroke") == "#000" and modules.get("fill") is None
    dark = {
        (x + BORDER, y + BORDER) for y, row in enumerate(matrix) for x, on in enumerate(row) if on
    }
    assert drawn_modules(modules.get("d", "")) == dark
