"""The 基层政务公开标准目录: the catalogue in the standard table form inspectors ask for.

Made from catalog.yaml alone (each external category, then each kind of 预决算
document), so the bureau hands its 标准目录 over as generated, never retyped. Each row
takes a category's own ``standard`` columns where it has them, else the defaults of
``standard_catalogue`` and what the category already says (name, description, article,
refresh, channels). Printed as Markdown (a CI job summary), CSV for Excel and a page.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from ..source.config import CHANNELS, DAY_KINDS, BudgetDocType, Category, Config, StandardEntry
from .exports import csv_cell

COLUMNS = (
    "序号",
    "一级事项",
    "二级事项",
    "公开内容(要素)",
    "公开依据",
    "公开时限",
    "公开主体",
    "公开渠道和载体",
    "公开对象",
    "公开方式",
    "公开层级",
)
# 公开时限 by refresh (细则第十条; 条例第二十六条: 20 working days from being formed or changed).
TIME_LIMITS = {
    "long-term": "信息形成或者变更之日起20个工作日内公开，长期公开",
    "timely": "信息形成或者变更之日起20个工作日内",
    "quarterly": "每季度结束后及时公开，每季度更新",
    "per-stage": "各阶段完成后20个工作日内",
}
BUDGET_CHANNELS = "网站（预决算公开专栏）"
BUDGET_BASIS = "《中华人民共和国预算法》第十四条"


@dataclass(frozen=True)
class StandardRow:
    number: int
    first_level: str
    second_level: str
    content: str
    basis: str
    time_limit: str
    subject: str
    channels: str
    audience: str
    mode: str
    level: str

    def cells(self) -> tuple[str, ...]:
        return (
            str(self.number),
            self.first_level,
            self.second_level,
            self.content,
            self.basis,
            self.time_limit,
            self.subject,
            self.channels,
            self.audience,
            self.mode,
            self.level,
        )


def standard_rows(config: Config) -> list[StandardRow]:
    """Every external category, then every kind of budget document, numbered from 1."""
    made = [_category_row(config, c) for c in config.categories.external.values()]
    made += [_budget_row(config, t) for t in config.budget_disclosure.doc_types.values()]
    return [StandardRow(number, *cells) for number, cells in enumerate(made, start=1)]


def _category_row(config: Config, category: Category) -> tuple[str, ...]:
    defaults = config.standard_catalogue
    channels = "、".join(CHANNELS["external"].get(c, c) for c in category.channels)
    return _row(
        config,
        category.standard or StandardEntry(),
        second_level=category.name,
        content=category.description,
        basis=defaults.basis + (category.article or ""),
        time_limit=TIME_LIMITS[category.refresh],
        channels=channels,
    )


def _budget_row(config: Config, kind: BudgetDocType) -> tuple[str, ...]:
    rule = config.budget_disclosure
    return _row(
        config,
        kind.standard or StandardEntry(),
        second_level=kind.name,
        content=kind.name,
        basis=BUDGET_BASIS,
        time_limit=f"{kind.approved_by}批准后{rule.deadline_days}{DAY_KINDS[rule.day_kind]}内",
        channels=BUDGET_CHANNELS,
    )


def _row(config: Config, own: StandardEntry, **derived: str) -> tuple[str, ...]:
    """A row's cells after 序号: the entry's own values, else ``derived``, else the defaults."""
    defaults = config.standard_catalogue
    return (
        own.first_level or defaults.first_level,
        own.second_level or derived["second_level"],
        own.content or derived["content"],
        own.basis or derived["basis"],
        own.time_limit or derived["time_limit"],
        own.subject or config.organisation.name,
        derived["channels"],
        own.audience or defaults.audience,
        own.mode or "主动",
        own.level or defaults.level,
    )


def _markdown_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def standard_markdown(config: Config) -> str:
    """The catalogue as a Markdown table under a heading (for a CI job summary)."""
    out = [
        f"# {config.organisation.name}政务公开标准目录",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "| " + " | ".join("---" for _ in COLUMNS) + " |",
    ]
    for row in standard_rows(config):
        out.append("| " + " | ".join(_markdown_cell(c) for c in row.cells()) + " |")
    return "\n".join(out) + "\n"


def standard_csv(config: Config) -> bytes:
    """The catalogue as CSV with a BOM, which Excel needs to read UTF-8."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in standard_rows(config):
        writer.writerow(csv_cell(cell) for cell in row.cells())
    return buffer.getvalue().encode("utf-8-sig")
