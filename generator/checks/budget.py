"""预决算公开 (预算法 第十四条, 地方预决算公开操作规程): what a budget document must hold.

A 政府预算, 决算 or their 调整, and each 部门预算 and 决算, is published within 20 days of
its approval (``approved_on``), with every table catalog.yaml lists for its kind, the
政府债务 tables, and the explanations the rules require, and it stays online for good
(长期公开). The deadline depends on the day checked, so it is a lifecycle finding
(lifecycle.py); everything else is about the item alone and checked here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from ..problems import Problem
from ..source.config import DAY_KINDS, BudgetDocType, Config
from ..source.items import DOC_TYPES, Item
from .workdays import WorkdayCalendar

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def budget_type(item: Item, config: Config) -> BudgetDocType | None:
    """The 预决算 kind ``item`` is, if it is one."""
    return config.budget_disclosure.doc_types.get(item.meta.doc_type or "")


def doc_type_names(config: Config) -> dict[str, str]:
    """Every ``doc_type`` an item may have, with its Chinese name."""
    budget = {key: t.name for key, t in config.budget_disclosure.doc_types.items()}
    return {**DOC_TYPES, **budget}


def budget_year(item: Item, kind: BudgetDocType) -> int | None:
    """The year a budget document is about: a 决算 is approved the year after."""
    if item.meta.budget_year is not None:
        return item.meta.budget_year
    if item.meta.approved_on is None:
        return None
    return item.meta.approved_on.year - kind.final


def deadline(approved: dt.date, config: Config, calendar: WorkdayCalendar) -> dt.date:
    """The last day a document approved on ``approved`` may be published."""
    rule = config.budget_disclosure
    if rule.day_kind == "workday":
        return calendar.add_workdays(approved, rule.deadline_days)
    return approved + dt.timedelta(days=rule.deadline_days)


def deadline_text(config: Config) -> str:
    """The time limit as the rules word it: ``20 日内``."""
    rule = config.budget_disclosure
    return f"{rule.deadline_days} {DAY_KINDS[rule.day_kind]}内"


def budget_problems(item: Item, config: Config) -> list[Problem]:
    """The rules about one item's ``doc_type`` and, for a budget document, its contents."""
    meta = item.meta
    names = doc_type_names(config)
    if meta.doc_type is not None and meta.doc_type not in names:
        choices = "、".join(f"{k}（{v}）" for k, v in names.items())
        return [
            Problem.make(
                "G830", item.path, item.line_of("doc_type"), value=meta.doc_type, choices=choices
            )
        ]
    kind = budget_type(item, config)
    if kind is None:
        return []
    return list(_budget_document_problems(item, kind))


def _budget_document_problems(item: Item, kind: BudgetDocType) -> Iterator[Problem]:
    meta = item.meta

    def at(key: str) -> tuple[str, int]:
        return item.path, item.line_of(key)

    if meta.approved_on is None:
        yield Problem.make("G831", item.path, item.raw.line, kind=kind.name, by=kind.approved_by)
    elif meta.published and meta.published < meta.approved_on:
        yield Problem.make(
            "G839", *at("published"), published=meta.published, approved=meta.approved_on
        )
    if meta.expires is not None:
        yield Problem.make("G832", *at("expires"), kind=kind.name)
    declared = {t.name for t in meta.tables if t.name}
    table_line = item.line_of("tables") if "tables" in item.raw else item.raw.line
    for label, wanted in (("表格", kind.tables), ("政府债务表", kind.debt_tables)):
        for name in wanted:
            if name not in declared:
                yield Problem.make(
                    "G833", item.path, table_line, kind=kind.name, what=label, name=name
                )
    attachments = {a.path for a in meta.attachments}
    for table in meta.tables:
        if table.empty and not table.empty_note:
            yield Problem.make("G834", item.path, table.line, name=table.name)
        if table.file is not None and table.file not in attachments:
            yield Problem.make("G838", item.path, table.line, name=table.name, file=table.file)
    headings = _HEADING.findall(item.body)
    for explanation in kind.explanations:
        if not any(explanation in heading for heading in headings):
            yield Problem.make("G835", item.path, item.body_line, kind=kind.name, name=explanation)
