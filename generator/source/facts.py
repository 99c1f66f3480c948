"""The bureau's facts in guide pages: ``{{ organisation.phone }}`` placeholders.

The 政务公开指南, 依申请公开 and 监督投诉 pages are items (front matter ``page``) so staff
change them through review and approval like everything else; the facts they repeat
(address, office hours, phone numbers) are written as placeholders filled from
catalog.yaml when the page is rendered, so one change there changes every page. Only
the names below exist: a placeholder is a lookup, never an expression.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from .config import Config

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")

FACTS: dict[str, Callable[[Config], str | None]] = {
    "organisation.name": lambda c: c.organisation.name,
    "organisation.short_name": lambda c: c.organisation.short_name or c.organisation.name,
    "organisation.address": lambda c: c.organisation.address,
    "organisation.postcode": lambda c: c.organisation.postcode,
    "organisation.office_hours": lambda c: c.organisation.office_hours,
    "organisation.phone": lambda c: c.organisation.phone,
    "organisation.fax": lambda c: c.organisation.fax,
    "organisation.email": lambda c: c.organisation.email,
    "organisation.complaints.phone": lambda c: c.organisation.complaints.phone,
    "organisation.complaints.email": lambda c: c.organisation.complaints.email,
    "organisation.complaints.mailbox": lambda c: c.organisation.complaints.mailbox,
    "organisation.complaints.note": lambda c: c.organisation.complaints.note,
    "organisation.complaints.online": lambda c: c.organisation.complaints.online_label,
    "requests.reply_workdays": lambda c: str(c.requests.reply_workdays),
    "requests.extension_workdays": lambda c: str(c.requests.extension_workdays),
}


# Facts a website shows as links, so a visitor on a phone can call or write with a tap
# (the kiosk shows them as text: nothing there may leave it).
PHONES = {"organisation.phone", "organisation.complaints.phone"}
ADDRESSES = {"organisation.email", "organisation.complaints.email"}


def dialled(number: str) -> str:
    """What a phone dials: digits and a leading +, no spaces or hyphens."""
    return re.sub(r"[^\d+]", "", number)


def placeholders(body: str) -> Iterator[tuple[str, int]]:
    """Each placeholder's name and its 0-based line in ``body``."""
    if "{{" not in body:
        return
    for match in PLACEHOLDER.finditer(body):
        yield match.group(1), body.count("\n", 0, match.start())


def fill_facts(body: str, config: Config, links: bool = False) -> str:
    """``body`` with every known placeholder replaced (an unset fact by nothing); with
    ``links``, phone numbers and e-mail addresses as Markdown ``tel:``/``mailto:`` links."""

    def fact(match: re.Match[str]) -> str:
        name = match.group(1)
        look_up = FACTS.get(name)
        value = (look_up(config) or "") if look_up else match.group(0)
        if links and value and name in PHONES:
            return f"[{value}](tel:{dialled(value)})"
        if links and value and name in ADDRESSES:
            return f"[{value}](mailto:{value})"
        if links and value and name == "organisation.complaints.online":
            return f"[{value}]({config.organisation.complaints.online_url})"
        return value

    return PLACEHOLDER.sub(fact, body) if "{{" in body else body
