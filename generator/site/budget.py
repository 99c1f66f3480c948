"""The 预决算公开专栏: every budget document the site shows, by budget year and kind.

Since 2017 one 专栏 holds both 政府 and 部门 预决算 (地方预决算公开操作规程), and
inspectors look for each year's documents there; the kinds come from catalog.yaml
(``budget_disclosure.doc_types``) in the order it lists them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..checks.budget import budget_type, budget_year
from .views import ItemView, Site

BUDGET_PAGE = "budget.html"


@dataclass(frozen=True)
class BudgetKind:
    name: str  # 政府预算, 部门决算, ...
    items: list[ItemView]


@dataclass(frozen=True)
class BudgetYear:
    year: int
    kinds: list[BudgetKind]


def budget_years(site: Site) -> list[BudgetYear]:
    """The budget documents ``site`` shows, newest year first, each year's by kind."""
    config = site.config
    order = list(config.budget_disclosure.doc_types)
    found: dict[int, dict[str, list[ItemView]]] = {}
    for view in site.items:
        kind = budget_type(view.item, config)
        year = budget_year(view.item, kind) if kind is not None else None
        if kind is None or year is None:
            continue
        found.setdefault(year, {}).setdefault(kind.key, []).append(view)
    return [
        BudgetYear(
            year,
            [
                BudgetKind(config.budget_disclosure.doc_types[key].name, found[year][key])
                for key in order
                if key in found[year]
            ],
        )
        for year in sorted(found, reverse=True)
    ]
