"""Periods, cadence, working days, the intranet and the yearly reports, on fixed days."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import chinese_calendar
import pytest
import yaml
from click.testing import CliRunner
from conftest import BUILD_DAY, CANARY, ORG, Repo, line_of

from generator.build import BuildContext, build_catalogue
from generator.catalogue import Catalogue
from generator.checks.lifecycle import findings, lifecycle_problems, refresh_due
from generator.checks.workdays import WorkdayCalendar
from generator.cli import main
from generator.incremental.update import Reuse
from generator.site.reports import assess, doc_type_counts
from generator.source.config import Config
from generator.source.items import Item

D = dt.date


def valid(catalogue: Catalogue) -> tuple[Config, list[Item]]:
    """What the lifecycle rules look at: the config and the items with no error."""
    return catalogue.config, catalogue.valid_items()


def test_working_days_skip_national_day_and_count_the_make_up_saturday() -> None:
    calendar = WorkdayCalendar()
    # Fri 26 Sep 2025 → Sun 28 (调休 workday), 29, 30, holiday 1–8 Oct, Thu 9, Fri 10.
    assert calendar.add_workdays(D(2025, 9, 26), 5) == D(2025, 10, 10)
    # Saturday 11 Oct 2025 is a make-up working day.
    assert calendar.workdays_between(D(2025, 10, 10), D(2025, 10, 11)) == 1
    assert calendar.add_workdays(D(2025, 9, 15), 20) == D(2025, 10, 17)
    assert calendar.estimated_years == set()


def test_working_days_follow_chinesecalendar_on_every_day_it_has_a_schedule_for() -> None:
    """The calendar reads chinesecalendar's data itself (its ``is_workday`` is slow)."""
    calendar = WorkdayCalendar()
    first, last = min(chinese_calendar.holidays), max(chinese_calendar.holidays)
    day = D(first.year, 1, 1)
    while day.year <= last.year:
        assert calendar.is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)
    assert calendar.estimated_years == set()
    assert not calendar.is_workday(dt.datetime(2025, 10, 1, 9))  # a time of day: its date
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(day)  # the year after: estimated, as below
    assert calendar.is_workday(day) == (day.weekday() < 5)
    assert calendar.estimated_years == {day.year}


def test_years_past_the_calendar_are_estimated_and_reported(repo: Repo) -> None:
    calendar = WorkdayCalendar()
    assert calendar.add_workdays(D(2030, 1, 4), 1) == D(2030, 1, 7)  # Fri → Mon
    assert calendar.estimated_years == {2030}
    again = WorkdayCalendar()  # the days are counted once; each calendar still hears of it
    assert again.add_workdays(D(2030, 1, 4), 1) == D(2030, 1, 7)
    assert again.estimated_years == {2030}
    repo.add_item(category="other", refresh="timely", written="2030-01-02", published="2030-01-03")
    codes = [p.code for p in lifecycle_problems(*valid(repo.load()), D(2030, 2, 1))]
    assert "R605" in codes


@pytest.mark.parametrize(("published", "late"), [("2025-10-17", False), ("2025-10-20", True)])
def test_timely_items_within_20_working_days(repo: Repo, published: str, late: bool) -> None:
    path = repo.add_item(
        category="other", owner="budget", written="2025-09-15", published=published
    )
    found = [(p.code, p.line) for p in lifecycle_problems(*valid(repo.load()), D(2025, 11, 1))]
    assert (("R601", line_of(path, "published:")) in found) is late


def _quarterly_series(repo: Repo) -> Path:
    repo.add_item(
        "content/external/budget/q1.md",
        series="预算执行",
        written="2025-04-20",
        published="2025-04-25",
        index_no=f"{ORG}/2025-00001",
    )
    return repo.add_item(
        "content/external/budget/q2.md",
        series="预算执行",
        written="2025-07-20",
        published="2025-07-25",
        index_no=f"{ORG}/2025-00002",
    )


def test_quarterly_series_overdue_after_the_next_quarter(repo: Repo) -> None:
    latest = _quarterly_series(repo)
    assert refresh_due(D(2025, 7, 25)) == D(2025, 12, 31)
    catalogue = repo.load()
    assert not [f for f in findings(*valid(catalogue), D(2025, 12, 31)) if f.kind == "overdue"]
    soon = [f for f in findings(*valid(catalogue), D(2025, 12, 20)) if f.kind == "due-soon"]
    assert [f.item.path for f in soon if f.item] == ["content/external/budget/q2.md"]
    overdue = [f for f in findings(*valid(catalogue), D(2026, 1, 1)) if f.kind == "overdue"]
    assert len(overdue) == 1 and overdue[0].problem is not None
    assert (overdue[0].problem.code, overdue[0].problem.path, overdue[0].problem.line) == (
        "R602",
        "content/external/budget/q2.md",
        line_of(latest, "published:"),
    )


def test_a_change_note_refreshes_a_quarterly_item(repo: Repo) -> None:
    repo.add_item(
        written="2025-04-20",
        published="2025-04-25",
        changes=[{"date": "2025-10-10", "note": "更新三季度数据"}],
    )
    overdue = [f for f in findings(*valid(repo.load()), D(2026, 1, 1)) if f.kind == "overdue"]
    assert overdue == []  # due 2026-03-31 after the October change


def test_stage_overdue_points_at_the_stage(repo: Repo) -> None:
    path = repo.add_item(
        category="projects",
        owner="budget",
        stages=[
            {"name": "招标结果", "due": "2025-03-01", "done": "2025-02-20"},
            {"name": "竣工验收", "due": "2025-12-01"},
        ],
    )
    problems = [(p.code, p.line) for p in lifecycle_problems(*valid(repo.load()), D(2025, 12, 2))]
    assert ("R603", line_of(path, "竣工验收")) in problems
    assert not [p for p in problems if p[0] == "R603" and p[1] != line_of(path, "竣工验收")]


def test_empty_categories_are_reported(repo: Repo) -> None:
    repo.add_item()
    empty = [p for p in lifecycle_problems(*valid(repo.load()), BUILD_DAY) if p.code == "R604"]
    assert len(empty) == 11  # every public category but 预算执行和预算草案
    assert all(p.path == "catalog.yaml" for p in empty)


def _cli(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--root", str(root), *args], env={"GITHUB_ACTIONS": ""})
    return result.exit_code, result.stdout


def test_validate_warns_and_strict_fails(repo: Repo) -> None:
    _quarterly_series(repo)
    code, out = _cli(repo.root, "validate", "--today", "2026-01-05")
    assert code == 0 and "R602" in out
    assert _cli(repo.root, "validate", "--today", "2026-01-05", "--strict")[0] == 1


def test_status_by_section_and_upcoming(repo: Repo) -> None:
    _quarterly_series(repo)
    repo.add_item(
        "content/external/other/later.md",
        category="other",
        index_no=f"{ORG}/2025-00009",
        written="2025-12-20",
        published="2026-01-15",
    )
    code, out = _cli(repo.root, "status", "--today", "2026-01-05")
    assert code == 0
    assert "【预算科】" in out and "已逾期" in out and "content/external/budget/q2.md" in out
    assert "待发布" not in out
    code, out = _cli(repo.root, "status", "--today", "2026-01-05", "--upcoming")
    assert "待发布  2026-01-15" in out and "content/external/other/later.md" in out
    assert "已逾期" not in out


# Publish periods in the built site --------------------------------------------------


def _publicity(repo: Repo, after_expiry: str = "archive") -> Path:
    """A budget item (so the site is not empty) and a procurement 公示 of 2025-06-10..17."""
    config = repo.root / "catalog.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("after_expiry: archive", f"after_expiry: {after_expiry}"), encoding="utf-8"
    )
    repo.add_item("content/external/budget/base.md", index_no=f"{ORG}/2025-00001")
    return _approved_procurement(repo)


def _approved_procurement(repo: Repo) -> Path:
    path = repo.write_item(
        "content/external/procurement/result.md",
        category="procurement",
        owner="procurement",
        drafted_by="刘洋",
        index_no=f"{ORG}/2025-00002",
        title="办公设备采购项目成交结果公示",
        written="2025-06-08",
        published="2025-06-10",
        expires="2025-06-17",
    )
    repo.approve(path, steps=(("initial", "吴海涛"), ("leader", "周慧敏")), date=D(2025, 6, 9))
    return path


def _catalogue_page(repo: Repo, today: D) -> tuple[str, Path]:
    build_catalogue(BuildContext(repo.root, repo.root / "build", today), Reuse())
    site = repo.root / "build/public"
    listing = "".join(p.read_text(encoding="utf-8") for p in (site / "catalogue").glob("*.html"))
    return listing, site


def test_a_publicity_leaves_current_lists_after_it_expires(repo: Repo) -> None:
    _publicity(repo)
    listing, site = _catalogue_page(repo, D(2025, 6, 17))
    assert "办公设备采购项目成交结果公示" in listing
    assert not (site / "catalogue/archive/index.html").exists()
    listing, site = _catalogue_page(repo, D(2025, 6, 18))
    assert "办公设备采购项目成交结果公示" not in listing
    archive = (site / "catalogue/archive/index.html").read_text(encoding="utf-8")
    assert "办公设备采购项目成交结果公示" in archive
    page = (site / "items/2025-00002.html").read_text(encoding="utf-8")
    assert "公示期已于 2025-06-17 结束" in page


def test_a_category_can_remove_ended_items(repo: Repo) -> None:
    _publicity(repo, after_expiry="remove")
    _, site = _catalogue_page(repo, D(2025, 6, 18))
    assert not (site / "items/2025-00002.html").exists()


# The intranet -----------------------------------------------------------------------


def test_intranet_has_internal_items_marked_and_the_register(built_sample: Path) -> None:
    intranet = built_sample / "build/intranet"
    page = (intranet / "items/2026-09999.html").read_text(encoding="utf-8")
    assert CANARY in page and "<strong>内部公开</strong>" in page
    external = (intranet / "items/2024-00012.html").read_text(encoding="utf-8")
    assert "<strong>内部公开</strong>" not in external
    register = (intranet / "register.html").read_text(encoding="utf-8")
    assert f"{ORG}/2026-09999" in register and "科室负责人审核：曹静" in register
    verify = re.findall(r'<details class="verify">(.*?)</details>', register)
    digests = [d for v in verify for d in re.findall(r"<code>([0-9a-f]{12})</code>", v)]
    assert len(digests) >= 2 * 60  # each step's digest, behind 核验, never in the chain shown
    chains = "".join(re.findall(r'<ol class="chain">.*?</ol>', register))
    assert not re.search(r"[0-9a-f]{12}", chains)
    assert (intranet / "search/meta.js").is_file()
    assert (intranet / "reports/assessment-2025.html").is_file()


# Reports ----------------------------------------------------------------------------

PLAN = [
    {
        "year": 2025,
        "owner": "budget",
        "category": "budget",
        "title": "2025年一季度预算执行情况",
        "due": "2025-04-30",
    },
    {
        "year": 2025,
        "owner": "budget",
        "category": "budget",
        "title": "2025年上半年预算执行情况",
        "due": "2025-07-31",
    },
    {
        "year": 2025,
        "owner": "budget",
        "category": "budget",
        "title": "2025年前三季度预算执行情况",
        "due": "2025-10-31",
    },
    {
        "year": 2025,
        "owner": "treasury",
        "category": "rules",
        "title": "国库集中支付管理办法",
        "due": "2025-06-30",
    },
]


def _with_plan(repo: Repo) -> None:
    config = repo.root / "catalog.yaml"
    text = config.read_text(encoding="utf-8")
    text = text[: text.index("plan:")] + yaml.safe_dump({"plan": PLAN}, allow_unicode=True)
    config.write_text(text, encoding="utf-8")


def test_report_plan_against_actual_matches_a_hand_checked_fixture(repo: Repo) -> None:
    _with_plan(repo)
    # Q1 on time; H1 published late (due 07-31); Q3 never published.
    repo.add_item(
        "content/external/budget/q1.md",
        index_no=f"{ORG}/2025-00001",
        title="2025年一季度区本级预算执行情况",
        written="2025-04-20",
        published="2025-04-25",
    )
    repo.add_item(
        "content/external/budget/h1.md",
        index_no=f"{ORG}/2025-00002",
        title="2025年上半年区本级预算执行情况",
        written="2025-08-01",
        published="2025-08-05",
    )
    # Unrelated budget item: must not count as the Q3 report.
    repo.add_item(
        "content/external/budget/other.md",
        index_no=f"{ORG}/2025-00003",
        title="关于调整部分收费标准的通知",
        written="2025-09-01",
        published="2025-09-05",
    )
    assessment = assess(repo.load(), 2025, D(2026, 3, 1))
    budget = next(s for s in assessment.sections if s.key == "budget")
    assert (budget.planned, budget.fulfilled, budget.on_time, budget.published) == (3, 2, 1, 3)
    assert [line.item.path if line.item else None for line in budget.plan] == [
        "content/external/budget/q1.md",
        "content/external/budget/h1.md",
        None,
    ]
    assert budget.grade == "合格"  # 2/3 done: ≥ 60% but < 85%
    treasury = next(s for s in assessment.sections if s.key == "treasury")
    assert (treasury.planned, treasury.fulfilled, treasury.grade) == (1, 0, "不合格")
    code, out = _cli(repo.root, "report", "--year", "2025", "--today", "2026-03-01")
    assert code == 0
    assert "| 预算科 | 3 | 2 | 1 | 33% | 3 |" in out
    assert "2025年前三季度预算执行情况（计划 2025-10-31）— 未公开" in out


def test_annual_report_counts_normative_documents(repo: Repo) -> None:
    old = repo.add_item(
        "content/external/rules/old.md",
        category="rules",
        doc_type="normative",
        index_no=f"{ORG}/2023-00001",
        written="2023-03-01",
        published="2023-03-05",
        validity="repealed",
        superseded_by=f"{ORG}/2025-00001",
    )
    repo.add_item(
        "content/external/rules/new.md",
        category="rules",
        doc_type="normative",
        index_no=f"{ORG}/2025-00001",
        written="2025-05-01",
        published="2025-05-06",
    )
    repo.add_item(
        "content/external/rules/other.md",
        category="rules",
        doc_type="normative",
        index_no=f"{ORG}/2024-00001",
        written="2024-05-01",
        published="2024-05-06",
    )
    assert old.exists()
    rows = {r.label: r for r in doc_type_counts(repo.load().valid_items(), 2025)}
    normative = rows["行政规范性文件"]
    assert (normative.issued, normative.repealed, normative.in_force) == (1, 1, 2)
    assert (rows["规章"].issued, rows["规章"].in_force) == (0, 0)
    rows_2024 = {r.label: r for r in doc_type_counts(repo.load().valid_items(), 2024)}
    assert (rows_2024["行政规范性文件"].issued, rows_2024["行政规范性文件"].in_force) == (1, 2)
