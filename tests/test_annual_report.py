"""The 政府信息公开工作年度报告 in the 2021 national format: the draft, its arithmetic, its deadline."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from click.testing import CliRunner
from conftest import ORG, REPO, Repo

from generator.checks.annual_report import HEADINGS, report_findings
from generator.cli import main
from generator.site.reports import doc_type_counts

D = dt.date
DRAFT = "content/external/other/2026-annual-report-2025.md"
YEARLY = """licensing: 52
penalties: 1
enforcement: "/"
fees: 12.5
reconsideration: {upheld: 1, corrected: 1, other: 0, pending: 1}
litigation_direct: {upheld: 0, corrected: 0, other: 0, pending: 0}
litigation_after: {upheld: "/", corrected: "/", other: "/", pending: "/"}
"""
REGISTER = """requests:
  - {number: 2025-001, received: 2025-03-03, channel: online, applicant: person, section: budget,
     subject: 预算执行情况, outcome: disclosed, replied: 2025-03-10}
  - {number: 2025-002, received: 2025-05-06, channel: post, applicant: business, section: budget,
     subject: 采购结果, outcome: refused-third-party, replied: 2025-05-20}
  - {number: 2025-003, received: 2025-12-22, channel: email, applicant: legal, section: budget,
     subject: 补贴名单}
"""


def sample_report_body() -> str:
    """The body of the sample's complete report for 2025: a report in the format."""
    text = (REPO / "content/external/other/2026-annual-report-2025.md").read_text("utf-8")
    body = text.split("---\n", 2)[2]
    return re.sub(r"\n上年度报告见.*\n", "\n", body)  # its link leads nowhere here


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--root", str(root), *args], env={"GITHUB_ACTIONS": ""})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def repo_with_year(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path)
    (tmp_path / "content/internal/annual").mkdir(parents=True)
    (tmp_path / "content/internal/annual/2025.yaml").write_text(YEARLY, encoding="utf-8")
    (tmp_path / "content/internal/requests").mkdir(parents=True)
    (tmp_path / "content/internal/requests/2025.yaml").write_text(REGISTER, encoding="utf-8")
    rules = {"category": "rules", "owner": "budget", "doc_type": "normative"}
    repo.add_item("content/external/rules/a.md", index_no=f"{ORG}/2024-00001", **rules)
    repo.add_item(
        "content/external/rules/b.md",
        index_no=f"{ORG}/2025-00002",
        written="2025-03-01",
        published="2025-03-05",
        **rules,
    )
    repo.add_item(
        "content/external/rules/c.md",
        index_no=f"{ORG}/2023-00003",
        written="2023-03-01",
        published="2023-03-05",
        validity="repealed",
        repealed_on="2025-06-30",
        changes=[{"date": "2026-02-01", "note": "补记废止"}],  # not the repeal date
        **rules,
    )
    return repo


def cells(text: str) -> list[str]:
    return text.split(" ")


def table_row(text: str, label: str) -> list[str]:
    row = next(line for line in text.split("\n") if line.startswith(f"| {label} |"))
    return [cell.strip() for cell in row.strip("|").split("|")][1:]


def make_draft(repo: Repo) -> Path:
    code, out, err = run(
        repo.root, "annual-report", "--year", "2025", "--by", "杨帆", "--today", "2026-01-12"
    )
    assert code == 0, out + err
    return repo.root / DRAFT


def test_the_draft_has_the_six_headings_and_the_three_tables_counted(tmp_path: Path) -> None:
    repo = repo_with_year(tmp_path)
    text = make_draft(repo).read_text(encoding="utf-8")
    assert re.findall(r"^## (.+)$", text, re.MULTILINE) == HEADINGS
    assert "report_year: 2025" in text and "category: other" in text
    # Table 二: 1 issued in 2025, 1 repealed on 30 June 2025, 2 in force at the year's end.
    assert table_row(text, "规章") == ["0", "0", "0"]
    assert table_row(text, "行政规范性文件") == ["1", "1", "2"]
    assert table_row(text, "行政许可") == ["52"] and table_row(text, "行政强制") == ["/"]
    assert table_row(text, "行政事业性收费") == ["12.5"]
    # Table 三 from the register: columns 自然人, 五类法人或其他组织, 总计.
    assert table_row(text, "一、本年新收政府信息公开申请数量") == cells("1 1 0 0 1 0 3")
    assert table_row(text, "（一）予以公开") == cells("1 0 0 0 0 0 1")
    assert table_row(text, "（三）不予公开：4.保护第三方合法权益") == cells("0 1 0 0 0 0 1")
    assert table_row(text, "（七）总计") == cells("1 1 0 0 0 0 2")
    assert table_row(text, "四、结转下年度继续办理") == cells("0 0 0 0 1 0 1")
    # Table 四 from the yearly figures, "/" kept.
    assert table_row(text, "行政复议") == ["1", "1", "0", "1", "3"]
    assert table_row(text, "行政诉讼（复议后起诉）") == ["/"] * 5
    # Sections 一, 五 and 六 are prompts; the register's text never reaches the draft.
    sections = re.split(r"^## .+$", text, flags=re.MULTILINE)
    for number in (1, 5, 6):
        assert "（请填写：" in sections[number]
    assert "信息处理费" in sections[6]  # catalog.yaml's annual_report.other_matters
    assert "补贴名单" not in text and "采购结果" not in text
    # The draft is in the format: its only errors are the missing approvals and the
    # prompts still to write (I318), which block approval until written.
    problems = [p for p in repo.load().problems if p.path == DRAFT and p.is_error]
    assert {p.code for p in problems} == {"A501", "I318"}
    prompts = [p.line for p in problems if p.code == "I318"]
    lines = (repo.root / DRAFT).read_text("utf-8").splitlines()
    assert prompts and all("（请填写：" in lines[n - 1] for n in prompts)


def test_a_wrong_table_is_reported_at_its_row(tmp_path: Path) -> None:
    repo = repo_with_year(tmp_path)
    path = make_draft(repo)
    text = path.read_text(encoding="utf-8")

    def edit(label: str, cells: list[str]) -> None:
        nonlocal text
        old = next(line for line in text.split("\n") if line.startswith(f"| {label} |"))
        text = text.replace(old, "| " + " | ".join([label, *cells]) + " |")

    edit("一、本年新收政府信息公开申请数量", cells("1 1 0 0 1 0 4"))  # 总计 ≠ row sum
    edit("（一）予以公开", cells("2 0 0 0 0 0 2"))  # (七) ≠ sum; 一+二 ≠ 三+四
    edit("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ["", *cells("0 0 0 0 0 0")])
    edit("行政复议", ["1", "1", "0", "1", "2"])  # 总计 ≠ 3
    edit("行政许可", ["五十二"])
    edit("行政诉讼（复议后起诉）", ["/", "0", "/", "/", "0"])  # "/" is no number, not an error
    path.write_text(text, encoding="utf-8")
    lines = text.split("\n")

    def line(label: str) -> int:
        return next(n for n, row in enumerate(lines, 1) if row.startswith(f"| {label} |"))

    problems = [p for p in repo.load().problems if p.path == DRAFT and p.code.startswith("G")]
    found = {(p.code, p.line) for p in problems}
    assert ("G816", line("一、本年新收政府信息公开申请数量")) in found
    assert ("G816", line("（一）予以公开")) not in found  # its own row adds up
    assert ("G817", line("（七）总计")) in found
    assert ("G815", line("四、结转下年度继续办理")) in found
    assert ("G813", line("（二）部分公开（区分处理的，只计这一情形，不计其他情形）")) in found
    assert ("G819", line("行政复议")) in found
    assert ("G814", line("行政许可")) in found
    assert not any(p.line == line("行政诉讼（复议后起诉）") for p in problems)
    g815 = next(p for p in problems if p.code == "G815")
    assert "“总计”列" in g815.message and "本年新收 4" in g815.message
    assert all(p.is_error for p in problems)


def test_headings_and_tables_are_required(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    body = "## 一、总体情况\n\n总体情况。\n\n## 三、收到和处理政府信息公开申请情况\n\n无。\n"
    path = repo.add_item(
        "content/external/other/report.md", category="other", report_year=2025, body=body
    )
    found = [(p.code, p.message) for p in repo.load().problems if p.path.endswith("report.md")]
    missing = [m for c, m in found if c == "G811"]
    assert len(missing) == 4 and "二、主动公开政府信息情况" in missing[0]
    assert sum(c == "G812" for c, _ in found) == 3
    path.write_text(path.read_text(encoding="utf-8").replace("report_year: 2025\n", ""))
    assert not any(p.code.startswith("G") for p in repo.load().problems)  # any other item


def test_repealed_on_dates_the_repeal(tmp_path: Path) -> None:
    repo = repo_with_year(tmp_path)
    items = repo.load().valid_items()
    [row_2025] = [r for r in doc_type_counts(items, 2025) if r.label == "行政规范性文件"]
    [row_2026] = [r for r in doc_type_counts(items, 2026) if r.label == "行政规范性文件"]
    assert (row_2025.repealed, row_2026.repealed) == (1, 0)  # not the 2026 change note
    bad = repo.write_item(
        "content/external/rules/d.md",
        index_no=f"{ORG}/2024-00004",
        category="rules",
        repealed_on="2024-07-01",
    )
    worse = repo.write_item(
        "content/external/rules/e.md",
        index_no=f"{ORG}/2024-00005",
        category="rules",
        validity="repealed",
        repealed_on="2024-07-01",
    )
    codes = {(p.code, p.path) for p in repo.load().problems}
    assert ("G822", "content/external/rules/d.md") in codes
    assert ("G823", "content/external/rules/e.md") in codes
    assert bad.exists() and worse.exists()


def test_the_report_is_due_by_31_january(tmp_path: Path) -> None:
    repo = Repo(tmp_path)

    def kinds(today: dt.date) -> list[tuple[str, dt.date | None]]:
        catalogue = repo.load()
        found = report_findings(catalogue.config, catalogue.valid_items(), today)
        return [(f.kind, f.date) for f in found]

    # No report for 2024 at all: overdue all year, until one is published.
    assert kinds(D(2025, 12, 31)) == [("overdue", D(2025, 1, 31))]
    repo.add_item(
        "content/external/other/r2024.md",
        category="other",
        index_no=f"{ORG}/2025-00001",
        written="2025-01-10",
        published="2025-01-20",
        report_year=2024,
        body=sample_report_body(),
    )
    assert kinds(D(2025, 12, 31)) == []
    assert kinds(D(2026, 1, 1)) == [("due-soon", D(2026, 1, 31))]
    assert kinds(D(2026, 1, 31)) == [("due-soon", D(2026, 1, 31))]
    assert kinds(D(2026, 2, 1)) == [("overdue", D(2026, 1, 31))]
    _, out, _ = run(repo.root, "status", "--today", "2026-02-01")
    assert "已逾期  2026-01-31  2025年政府信息公开工作年度报告应于 2026-01-31 前公开" in out
    # Published on time: nothing to say, in January or after.
    repo.add_item(
        "content/external/other/r2025.md",
        category="other",
        index_no=f"{ORG}/2026-00001",
        written="2026-01-10",
        published="2026-01-30",
        report_year=2025,
        body=sample_report_body(),
    )
    assert kinds(D(2026, 1, 5)) == [] and kinds(D(2026, 3, 1)) == []


def test_the_deadline_is_configurable(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    catalog = tmp_path / "catalog.yaml"
    text = catalog.read_text(encoding="utf-8").replace("deadline: 01-31", "deadline: 03-31")
    catalog.write_text(text, encoding="utf-8")
    catalogue = repo.load()
    found = report_findings(catalogue.config, catalogue.valid_items(), D(2026, 2, 15))
    assert [(f.kind, f.date) for f in found] == [("due-soon", D(2026, 3, 31))]


def test_the_sample_report_for_2025_is_complete(sample: Path) -> None:
    from generator.catalogue import load_catalogue

    catalogue = load_catalogue(sample)
    [report] = [i for i in catalogue.valid_items() if i.meta.report_year == 2025]
    assert "（请填写" not in report.body and report.meta.published <= D(2026, 1, 31)
    outcomes = {r.outcome for _, r in catalogue.register.requests if r.received.year == 2025}
    assert len([r for _, r in catalogue.register.requests if r.received.year == 2025]) >= 8
    assert {o.split("-")[0] for o in outcomes if o} == {
        "disclosed",
        "partial",
        "refused",
        "unavailable",
        "declined",
        "other",
    }
