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
from ..checks.lifecycle import KIND_LABELS, findings
from ..checks.requests import request_findings, request_states
from ..checks.signatures import signer_and_status
from ..source.items import Approval, Item, Withdrawal
from ..source.requests import APPLICANT_TYPES, CHANNELS, OUTCOMES
from ..source.sanitize import sanitize
from .render import Renderer
from .reports import assess, assessment_markdown, report_years
from .views import item_id, item_url

REGISTER = "register.html"
INDICATORS = "reports/indicators.html"
REQUESTS = "requests.html"
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
    # A rotated key's limit is judged against git history, at catalogue level (A517).
    rotated = {(p.path, p.line): p.message for p in catalogue.problems if p.code == "A517"}

    def status(item: Item, approval: Approval) -> tuple[str, str, bool]:
        signer, state, ok = signer_and_status(approval, item, config)
        late = rotated.get((item.path, approval.line_of("signature")))
        return (signer, late, False) if late else (signer, state, ok)

    def row(item: Item) -> RegisterRow:
        chain = [
            RegisteredStep(
                steps[a.step].name,
                a.by,
                a.date,
                short(a.digest),
                *status(item, a),
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

    items = sorted(catalogue.valid_items(), key=lambda i: (i.meta.published, i.meta.index_no))
    return [row(i) for i in reversed(items)]  # newest first: what the office looks up


@dataclass(frozen=True)
class RegisterFilters:
    """The choices of the register's filters: what its rows hold."""

    sections: list[str]
    years: list[int]
    steps: list[str]
    signers: list[str]

    @classmethod
    def of(cls, rows: list[RegisterRow]) -> RegisterFilters:
        return cls(
            sections=sorted({r.owner_name for r in rows}),
            years=sorted({r.published.year for r in rows}, reverse=True),
            steps=list(dict.fromkeys(s.name for r in rows for s in r.steps)),
            signers=sorted({s.by for r in rows for s in r.steps}),
        )


@dataclass(frozen=True)
class RequestRow:
    """One request of the 依申请公开 register as staff see it."""

    number: str
    received: dt.date
    section: str
    applicant: str
    channel: str
    subject: str
    due: dt.date
    state: str  # 已答复 / 办理中 / 已逾期 …
    outcome: str


@dataclass(frozen=True)
class DueLine:
    kind: str
    date: dt.date | None
    text: str


def request_page(catalogue: Catalogue, today: dt.date) -> dict[str, object]:
    """What ``requests.html`` shows: per section, replies overdue or due soon (as in
    ``catalogue status``), then the whole register, newest first."""
    config = catalogue.config
    register = catalogue.register
    sections: dict[str, list[DueLine]] = {}
    for finding in request_findings(register, config, today):
        if finding.kind == "late":
            continue  # answered already: in the register below
        name = config.sections[finding.section].name if finding.section else "未定科室"
        line = DueLine(KIND_LABELS[finding.kind], finding.date, finding.text)
        sections.setdefault(name, []).append(line)
    rows = []
    for state in sorted(
        request_states(register, config, today), key=lambda s: s.request.received, reverse=True
    ):
        r = state.request
        answered = r.replied is not None and r.replied <= today
        if answered:
            label = f"{r.replied} 答复" + (f"（超期 {state.late} 天）" if state.late else "")
        else:
            label = (
                f"已逾期 {state.late} 个工作日"
                if state.late
                else f"办理中，还有 {state.left} 个工作日"
            )
        section = config.sections.get(r.section)
        rows.append(
            RequestRow(
                number=r.number,
                received=r.received,
                section=section.name if section else r.section,
                applicant=APPLICANT_TYPES[r.applicant],
                channel=CHANNELS[r.channel],
                subject=r.subject,
                due=state.due,
                state=label,
                outcome=OUTCOMES[r.outcome] if answered and r.outcome else "",
            )
        )
    return {"due_by_section": sections, "rows": rows}


def assessment_url(year: int) -> str:
    return f"reports/assessment-{year}.html"


def approval_form_url(index_no: str) -> str:
    """The printable 审批表 of one item, filed on paper with the group's office."""
    return f"{FORMS_DIR}/{item_id(index_no)}.html"


def write_staff_pages(renderer: Renderer, catalogue: Catalogue) -> None:
    site = renderer.site
    shown = {v.index_no for v in site.items}
    rows = register_rows(catalogue, shown)
    filters = RegisterFilters.of(rows)
    renderer.write_page(REGISTER, "register.html", streamed=True, rows=rows, filters=filters)
    renderer.write_page(REQUESTS, "requests.html", **request_page(catalogue, site.today))
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
    write_indicators(renderer, catalogue)
    links.insert(0, ("网站检查指标自查", INDICATORS))
    renderer.write_page("reports/index.html", "reports.html", links=links)


def indicators_markdown(catalogue: Catalogue, today: dt.date) -> str:
    """The website inspection indicators on ``today`` (what ``catalogue status`` lists
    under 栏目不更新 and 空白栏目), as Markdown."""
    found = findings(catalogue.config, catalogue.valid_items(), today)
    out = [f"# 网站检查指标自查（{today}）", ""]
    for kind, title in (("stale", "首页和栏目更新"), ("empty", "空白栏目")):
        texts = [f.text for f in found if f.kind == kind]
        out += [f"## {title}", ""] + ([f"- {t}" for t in texts] or ["无。"]) + [""]
    out += [
        "依据《政府网站与政务新媒体检查指标》：首页超过两周未更新、空白栏目达到"
        f" {catalogue.config.website_indicators.blank_veto} 个，均为单项否决；"
        "链接在每次生成网站时检查，有错误的不会发布。",
    ]
    return "\n".join(out) + "\n"


def write_indicators(renderer: Renderer, catalogue: Catalogue) -> None:
    text = indicators_markdown(catalogue, renderer.site.today)
    html = sanitize(markdown.markdown(text))  # category names are catalog.yaml's: untrusted
    renderer.write_page(INDICATORS, "report.html", title="网站检查指标自查", body=html)
