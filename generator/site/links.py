"""Phone numbers, e-mail addresses and registration numbers as the page shows them.

On the websites a phone number is a ``tel:`` link and an address a ``mailto:``
link, so a visitor on a phone can call or write with a tap; the kiosk shows both as
plain text (nothing there may leave the kiosk). Filters read ``kiosk`` from the
template's context, so templates just write ``{{ org.phone | tel }}``.
"""

from __future__ import annotations

import re

import jinja2
from markupsafe import Markup, escape

from ..source.facts import dialled

ICP_REGISTRY = "https://beian.miit.gov.cn/"
POLICE_REGISTRY = "https://beian.mps.gov.cn/#/query/webSearch?code="


@jinja2.pass_context
def tel(context: jinja2.runtime.Context, number: str) -> Markup:
    if context.get("kiosk"):
        return escape(number)
    return Markup('<a href="tel:{}">{}</a>').format(dialled(number), number)


@jinja2.pass_context
def mailto(context: jinja2.runtime.Context, address: str) -> Markup:
    if context.get("kiosk"):
        return escape(address)
    return Markup('<a href="mailto:{}">{}</a>').format(address, address)


def police_registry(record: str) -> str:
    """The public-security registry's page for a 公安备案 number (``浙公网安备 33…号``)."""
    return POLICE_REGISTRY + "".join(re.findall(r"\d+", record))


def install(env: jinja2.Environment) -> None:
    env.filters["tel"] = tel
    env.filters["mailto"] = mailto
    env.globals["icp_registry"] = ICP_REGISTRY
    env.globals["police_registry"] = police_registry
