"""Which items each output may show: the disclosure rules as a filter.

Each variant (public website, kiosk, intranet) names the scopes and the channel
it serves. An item is shown only when it is in scope, lists the channel, has
passed validation (so its approvals are complete and current) and its
``published`` day has come.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .catalogue import Catalogue
from .items import Item


@dataclass(frozen=True)
class Variant:
    name: str  # output folder under build/
    label: str  # shown in build summaries
    scopes: tuple[str, ...]
    channels: tuple[str, ...]  # an item needs one of these
    exports: bool = False  # feeds, sitemap and open data
    touch: bool = False  # the hall's touch screen: offline, no keyboard, big targets


PUBLIC = Variant("public", "公众网站", ("external",), ("website",), exports=True)
KIOSK = Variant("kiosk", "电子触摸屏", ("external",), ("kiosk",), touch=True)
VARIANTS: tuple[Variant, ...] = (PUBLIC, KIOSK)


def select_items(catalogue: Catalogue, variant: Variant, today: dt.date) -> list[Item]:
    """The items ``variant`` shows on ``today``, newest first."""
    config = catalogue.config
    assert config is not None
    chosen = [
        item
        for item in catalogue.valid_items()
        if item.scope in variant.scopes
        and set(item.channels(config)) & set(variant.channels)
        and item.meta.published <= today
    ]
    return sorted(chosen, key=lambda i: (i.meta.published, i.meta.index_no), reverse=True)
