"""``catalogue annual-report --year Y``: a draft 政府信息公开工作年度报告 in the national format.

The draft is an ordinary external item (category ``other`` by default) with the six
fixed headings and tables 二, 三 and 四 (国办公开办函〔2021〕30号). The counts are worked
out now and written into the draft as numbers: 规章 and 行政规范性文件 from the items'
``doc_type`` and validity, 依申请公开 from the internal register, the rest from the
year's figures file. The public site therefore never reads the register: only the
approved report carries its totals. Sections 一, 五 and 六 are prompts
(``（请填写：…）``) that block approval until staff write them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import click

from ..catalogue import CatalogUnusable, load_catalogue
from ..checks.annual_report import (
    CARRIED,
    FOUR_COLUMNS,
    FOUR_FIRST_COLUMN,
    FOUR_ROWS,
    HEADINGS,
    NEW,
    NEXT,
    RESULTS,
    TABLE_TWO_FIRST_COLUMN,
    THREE_COLUMNS,
    THREE_FIRST_COLUMN,
    TOTAL,
    outcome_row_labels,
)
from ..checks.requests import COLUMNS, table_three
from ..site.reports import doc_type_counts
from ..source.config import Config
from ..source.items import CONTENT_DIR, ITEM_SUFFIX, Item
from ..source.requests import Register
from ..source.yearly import Cases, YearlyFigures, load_yearly, yearly_path
from .cliutil import DATE, CatalogueError
from .new_item import FILL, next_index_no, yaml_scalar

CATEGORY = "other"


def _row(cells: list[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _table(header: list[str], rows: list[list[object]]) -> str:
    align = ["---"] + ["---:"] * (len(header) - 1)
    return "\n".join([_row(header), _row(align), *(_row(r) for r in rows)])


def table_two(items: list[Item], year: int, figures: YearlyFigures | None) -> str:
    counts = {c.label: c for c in doc_type_counts(items, year)}
    docs = [
        [label, c.issued, c.repealed, c.in_force]
        for label in ("规章", "行政规范性文件")
        for c in [counts[label]]
    ]

    def figure(value: str | None, what: str) -> str:
        return value if value is not None else FILL.format(f"{what}，无则填 0，不适用填 /")

    f = figures
    return "\n\n".join(
        [
            _table([TABLE_TWO_FIRST_COLUMN, "本年制发件数", "本年废止件数", "现行有效件数"], docs),
            _table(
                [TABLE_TWO_FIRST_COLUMN, "本年处理决定数量"],
                [["行政许可", figure(f and f.licensing, "行政许可决定数")]],
            ),
            _table(
                [TABLE_TWO_FIRST_COLUMN, "本年处理决定数量"],
                [
                    ["行政处罚", figure(f and f.penalties, "行政处罚决定数")],
                    ["行政强制", figure(f and f.enforcement, "行政强制决定数")],
                ],
            ),
            _table(
                [TABLE_TWO_FIRST_COLUMN, "本年收费金额（万元）"],
                [["行政事业性收费", figure(f and f.fees, "收费金额")]],
            ),
        ]
    )


def table_three_text(register: Register, year: int) -> str:
    counts = table_three(register, year)

    def cells(row: Counter[str]) -> list[object]:
        values = [row[c] for c in COLUMNS]
        return [*values, sum(values)]

    rows: list[list[object]] = [[NEW, *cells(counts["new"])], [CARRIED, *cells(counts["carried"])]]
    rows.append([RESULTS, *[""] * len(THREE_COLUMNS)])
    rows += [[label, *cells(counts[key])] for key, label in outcome_row_labels()]
    rows += [[TOTAL, *cells(counts["total"])], [NEXT, *cells(counts["next"])]]
    return _table([THREE_FIRST_COLUMN, *THREE_COLUMNS], rows)


def table_four(figures: YearlyFigures | None) -> str:
    def cells(cases: Cases | None) -> list[object]:
        if cases is None:
            return [FILL.format("件数")] * (len(FOUR_COLUMNS) - 1) + [""]
        return [cases.upheld, cases.corrected, cases.other, cases.pending, cases.total()]

    blocks = (
        [figures.reconsideration, figures.litigation_direct, figures.litigation_after]
        if figures
        else [None, None, None]
    )
    return _table(
        [FOUR_FIRST_COLUMN, *FOUR_COLUMNS],
        [[label, *cells(block)] for label, block in zip(FOUR_ROWS, blocks, strict=True)],
    )


def report_body(
    config: Config, items: list[Item], register: Register, year: int, figures: YearlyFigures | None
) -> str:
    other = "；".join(config.annual_report.other_matters) or "其他需要报告的事项"
    one, two, three, four, five, six = HEADINGS
    parts = [
        f"## {one}",
        FILL.format(
            f"{year}年政府信息公开工作的总体情况：主动公开、依申请公开、政府信息管理、"
            "平台建设、监督保障等"
        ),
        f"## {two}",
        table_two(items, year, figures),
        f"## {three}",
        table_three_text(register, year),
        f"## {four}",
        table_four(figures),
        f"## {five}",
        FILL.format("上一年度报告所列问题的整改情况，本年度存在的主要问题和改进措施"),
        f"## {six}",
        FILL.format(other),
    ]
    return "\n\n".join(parts) + "\n"


def report_text(
    config: Config, index_no: str, owner: str, drafter: str, year: int, today: dt.date, body: str
) -> str:
    title = f"{config.organisation.name}{year}年政府信息公开工作年度报告"
    deadline = config.annual_report.due(year)
    lines = [
        f"title: {yaml_scalar(title)}",
        f"index_no: {index_no}",
        f"category: {CATEGORY}",
        f"owner: {owner}",
        f"drafted_by: {yaml_scalar(drafter)}",
        f"summary: {yaml_scalar(FILL.format('报告要点，300 字以内'))}",
        "keywords: [政府信息公开, 年度报告]",
        f"written: {today.isoformat()}",
        f"published: {max(today, deadline - dt.timedelta(days=7)).isoformat()}",
        f"report_year: {year}",
    ]
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n\n" + body


@click.command(
    "annual-report",
    help="生成政府信息公开工作年度报告草稿（2021年格式，含表二、表三、表四的统计数）。",
)
@click.option("--year", type=int, required=True, help="报告年度，如 2025。")
@click.option("--by", "drafter", required=True, help="填报人姓名（须在 catalog.yaml 中登记）。")
@click.option(
    "--owner", help="责任科室键（默认 catalog.yaml 中 annual_report.owner，或填报人所在科室）。"
)
@click.option("--today", type=DATE, help="草稿的成文日期（默认今天）。")
@click.pass_obj
def annual_report(
    root: Path, year: int, drafter: str, owner: str | None, today: dt.date | None
) -> None:
    day = today or dt.date.today()
    if year >= day.year:
        raise CatalogueError(f"{year} 年尚未结束，年度报告须在次年编写。")
    try:
        catalogue = load_catalogue(root)
    except CatalogUnusable:
        raise CatalogueError("catalog.yaml 有错误，请先运行 catalogue validate 修正。") from None
    config = catalogue.config
    person = config.people.get(drafter)
    if person is None:
        raise CatalogueError(f"填报人“{drafter}”未在 catalog.yaml 中登记。")
    owner = owner or config.annual_report.owner or person.section
    if owner not in config.sections:
        raise CatalogueError(f"责任科室“{owner}”未在 catalog.yaml 中定义。")
    register_errors = [p for p in catalogue.register.problems if p.is_error]
    register_errors += [
        p for p in catalogue.problems if p.is_error and p.path in catalogue.register.files
    ]
    if register_errors:
        raise CatalogueError(
            f"依申请公开登记表有 {len(register_errors)} 个错误，请先运行 catalogue validate 修正。"
        )
    figures, problems = load_yearly(catalogue.root, year)
    if any(p.is_error for p in problems):
        raise CatalogueError(f"{yearly_path(year)} 有错误，请先运行 catalogue validate 修正。")
    items = [i for i in catalogue.valid_items() if i.meta.published <= day]
    body = report_body(config, items, catalogue.register, year, figures)
    index_no, _ = next_index_no(catalogue.root, config.organisation.code, day.year)
    rel = f"{CONTENT_DIR}/external/{CATEGORY}/{year + 1}-annual-report-{year}{ITEM_SUFFIX}"
    file = catalogue.root / rel
    if file.exists():
        raise CatalogueError(f"文件 {rel} 已存在；如需重新生成，请先删除或改名。")
    file.parent.mkdir(parents=True, exist_ok=True)
    text = report_text(config, index_no, owner, drafter, year, day, body)
    file.write_text(text, encoding="utf-8", newline="\n")
    click.echo(f"已生成年度报告草稿 {rel}（索引号 {index_no}）。")
    if figures is None:
        click.echo(f"未找到 {yearly_path(year)}：表二、表四中行政许可等数字请手工填写。")
    click.echo(
        "请填写第一、五、六部分和内容概述中“（请填写：……）”的提示，核对表格数字后送审；"
        f"须在 {config.annual_report.due(year)} 前公开。"
    )
