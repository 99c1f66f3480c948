"""The kiosk's QR codes: the SVG draws exactly the modules segno's encoder chose."""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from urllib.parse import unquote

import pytest
import segno
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.site import qr
from generator.site.qr import BORDER, MASK, SCALE, qr_data_uri, qr_modules

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


ITEM = "https://czj.chengjiang.example.gov.cn/items/{year}-{serial:05d}.html"


@pytest.fixture(autouse=True)
def no_families_yet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no code kept, whatever earlier builds in this process made."""
    monkeypatch.setattr(qr, "_by_length", {})


def segnos_modules(url: str) -> list[bytes]:
    return [bytes(row) for row in segno.make(url, error="m", mask=MASK).matrix]


def test_item_codes_made_by_difference_are_segnos_codes() -> None:
    """Every kiosk item page's code is made from the first code of its length: each must
    be the code segno makes for the address, module for module."""
    rng = random.Random(20)
    urls = [
        ITEM.format(year=rng.randint(2019, 2026), serial=rng.randrange(100_000)) for _ in range(300)
    ]
    urls += [ITEM.format(year=2026, serial=99_999), ITEM.format(year=2000, serial=0)]
    for url in urls:
        assert qr._family_of(url) is not None, url  # made by difference, not by segno
        assert [bytes(row) for row in qr_modules(url)] == segnos_modules(url), url


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([59, 107, 160]).flatmap(  # versions 4, 7 (version information) and 9
        lambda length: st.lists(
            st.lists(st.integers(0, 0x7F), min_size=length - 1, max_size=length - 1),
            min_size=2,
            max_size=2,
        )
    )
)
def test_any_ascii_texts_of_one_length_get_segnos_codes(tails: list[list[int]]) -> None:
    """Two texts of one length, the second made from the first's code, differing anywhere,
    in any bit, control characters included."""
    for tail in tails:
        url = "h" + bytes(tail).decode("ascii")  # a small letter: segno encodes it in byte mode
        assert qr._family_of(url) is not None
        assert [bytes(row) for row in qr_modules(url)] == segnos_modules(url)


@pytest.mark.parametrize(
    "url",
    [
        "HTTP://CZJ.EXAMPLE.GOV.CN/ITEMS/2025-00010.HTML",  # capitals: alphanumeric mode
        ITEM.format(year=2025, serial=10).upper(),  # so too where small letters came first
        "https://财政局.example.gov.cn/items/2025-00010.html",  # not ASCII
        "http://a.cn/",  # short enough for a Micro QR code
        "https://czj.example.gov.cn/items/2025-00010.html?" + "q=a" * 50,  # 200 characters
    ],
)
def test_texts_segno_encodes_otherwise_are_left_to_segno(url: str) -> None:
    qr_modules(ITEM.format(year=2025, serial=1))
    assert [bytes(row) for row in qr_modules(url)] == segnos_modules(url)
    assert qr._family_of(url) is None


def test_micro_codes_take_no_family_even_when_admitted() -> None:
    """Were the shortest admitted text short enough for a Micro QR code, its family would
    be refused, not used: a regular code's differences do not apply to it."""
    assert qr._SameLengthCodes("http://a.cn/").usable is False
    assert qr._SameLengthCodes(ITEM.format(year=2025, serial=1)).usable is True
