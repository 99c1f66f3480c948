"""Which items each output may show: the disclosure rules as a filter.

Each variant (public website, kiosk, intranet) names the scopes and the channel
it serves. An item is shown only when it is in scope, lists the channel, has
passed validation (so its approvals are complete and current) and its
``published`` day has come; public outputs never show an item withdrawn in an
emergency (``catalogue withdraw``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..catalogue import Catalogue
from ..checks.lifecycle import has_ended, is_published
from ..source.config import CHANNELS
from ..source.items import Item


@dataclass(frozen=True)
class Variant:
    name: str  # output folder under build/
    label: str  # shown in build summaries
    scopes: tuple[str, ...]
    channels: tuple[str, ...]  # an item needs one of these
    exports: bool = False  # feeds, sitemap and open data
    touch: bool = False  # the hall's touch screen: offline, no keyboard, big targets
    staff: bool = False  # the intranet: internal items, approval register, reports


PUBLIC = Variant("public", "公众网站", ("external",), ("website",), exports=True)
KIOSK = Variant("kiosk", "电子触摸屏", ("external",), ("kiosk",), touch=True)
# Staff see the whole catalogue, whatever channels an item is disclosed through.
ALL_CHANNELS = tuple(dict.fromkeys(c for scope in CHANNELS.values() for c in scope))
INTRANET = Variant("intranet", "内部网站", ("external", "internal"), ALL_CHANNELS, staff=True)
VARIANTS: tuple[Variant, ...] = (PUBLIC, KIOSK, INTRANET)


def select_items(catalogue: Catalogue, variant: Variant, today: dt.date) -> list[Item]:
    """The items ``variant`` shows on ``today``, newest first.

    An ended 公示 stays reachable (in the 历史信息 archive) unless its category
    says ended items are removed.
    """
    config = catalogue.config
    channels = set(variant.channels)
    failing = catalogue.failing()
    return [
        item
        for item in catalogue.newest_first
        if item.path not in failing
        and item.scope in variant.scopes
        and is_published(item, today)
        and not channels.isdisjoint(item.channels(config))
        and not (has_ended(item, today) and item.category(config).after_expiry == "remove")
        and (variant.staff or item.meta.withdrawn is None)
        and item.meta.page is None  # shown at its page's own address (guide_page)
    ]


def guide_page(catalogue: Catalogue, variant: Variant, today: dt.date, page: str) -> Item | None:
    """The item shown at the address of guide page ``page``, as ``select_items`` would
    show it if it were an ordinary item."""
    config = catalogue.config
    channels = set(variant.channels)
    failing = catalogue.failing()
    return next(
        (
            item
            for item in catalogue.newest_first
            if item.meta.page == page
            and item.path not in failing
            and item.scope == "external"
            and is_published(item, today)
            and not channels.isdisjoint(item.channels(config))
            and (variant.staff or item.meta.withdrawn is None)
        ),
        None,
    )


def withdrawn_items(catalogue: Catalogue, variant: Variant) -> list[Item]:
    """Items of ``variant``'s scopes withdrawn in an emergency, which it no longer shows:
    their old addresses answer with a neutral 已撤回 page."""
    if variant.staff:
        return []  # staff still see them, marked
    failing = catalogue.failing()
    return [
        item
        for item in catalogue.newest_first
        if item.meta.withdrawn is not None
        and item.scope in variant.scopes
        and item.path not in failing
    ]
