"""Pages only staff see: the approval register (审批登记) and the assessment reports.

The register is the office's filed record (备案) of every approval: each item
with its chain of steps, who took them, when, the digest they signed and whether
each signature verifies; and one printable 审批表 per item, signed by hand and filed
(the paper form is the legal record: docs/signatures.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import markdown

from ..catalogue import Catalogue
from ..checks.approvals import short
from ..checks.confidential import exemption_rows
from ..checks.signatures import signer_and_status
from ..source.items import Item, Withdrawal
from ..source.sanitize import sanitize
from .render import Renderer
from .reports import assess, assessment_markdown, report_years
from .views import item_id, item_url

REGISTER = "register.html"
FORMS_DIR = "register"  # one 审批表 per item


@dataclass(frozen=True)
class RegisteredStep:
    name: str
    by: str
    date: dt.date
    digest: str
    signer: str  # whose registered key made the signature, "" if none
    signature: str  # 签名有效, 未签名, or what is wrong with it
    verified: bool


@dataclass(frozen=True)
class RegisterRow:
    index_no: str
    title: str
    url: str | None  # None while the item is not yet published
    form_url: str  # the printable 审批表
    digest: str  # the current content's, short, as the 审批表 shows it
    scope_label: str
    owner_name: str
    drafted_by: str
    published: dt.date
    major: bool
    steps: list[RegisteredStep]
    exemptions: list[tuple[str, str]] = field(default_factory=list)  # (masked value, reason)
    withdrawn: Withdrawal | None = None


def register_rows(catalogue: Catalogue, shown: set[str]) -> list[RegisterRow]:
    """Every valid item, scheduled ones included, by 索引号; ``shown`` holds the 索引号
    of items that have a page in this output."""
    config = catalogue.config
    steps = config.all_steps()

    def row(item: Item) -> RegisterRow:
        chain = [
            RegisteredStep(
                steps[a.step].name,
                a.by,
                a.date,
                short(a.digest),
                *signer_and_status(a, item, config),
            )
            for a in item.meta.approvals
            if a.step in steps
        ]
        return RegisterRow(
            index_no=item.meta.index_no,
            title=item.meta.title,
            url=item_url(item.meta.index_no) if item.meta.index_no in shown else None,
            form_url=approval_form_url(item.meta.index_no),
            digest=short(item.digest),
            scope_label="对内公开" if item.scope == "internal" else "对外公开",
            owner_name=config.sections[item.meta.owner].name,
            drafted_by=item.meta.drafted_by,
            published=item.meta.published,
            major=item.meta.major,
            steps=chain,
            exemptions=exemption_rows(item),
            withdrawn=item.meta.withdrawn,
        )

    return [row(i) for i in sorted(catalogue.valid_items(), key=lambda i: i.meta.index_no)]


def assessment_url(year: int) -> str:
    return f"reports/assessment-{year}.html"


def approval_form_url(index_no: str) -> str:
    """The printable 审批表 of one item, filed on paper with the group's office."""
    return f"{FORMS_DIR}/{item_id(index_no)}.html"


def write_staff_pages(renderer: Renderer, catalogue: Catalogue) -> None:
    site = renderer.site
    shown = {v.index_no for v in site.items}
    rows = register_rows(catalogue, shown)
    renderer.write_page(REGISTER, "register.html", rows=rows)
    for row in rows:
        renderer.write_page(row.form_url, "approval-form.html", row=row)
    years = sorted(
        {e.year for e in site.config.plan} | set(report_years(catalogue.items, site.today))
    )
    years = [y for y in years if y <= site.today.year]
    for year in years:
        text = assessment_markdown(assess(catalogue, year, site.today), site.config)
        html = sanitize(markdown.markdown(text, extensions=["tables"]))  # titles are untrusted
        renderer.write_page(
            assessment_url(year), "report.html", title=f"{year}年度考核评议", body=html
        )
    links = [(f"{y}年度政务公开工作考核评议", assessment_url(y)) for y in reversed(years)]
    renderer.write_page("reports/index.html", "reports.html", links=links)
