"""The yearly assessment adds up: a stated overall rule, 未制定年度计划, overdue work in
the year it fell due, and no assessment of a year still to come."""

from __future__ import annotations

import datetime as dt

import yaml
from click.testing import CliRunner
from conftest import ORG, Repo

from generator.cli import main
from generator.site.reports import assess, assessment_markdown

D = dt.date


def report(repo: Repo, year: int, today: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["--root", str(repo.root), "report", "--year", str(year), "--today", today]
    )
    return result.exit_code, result.output


def set_plan(repo: Repo, plan: list[dict[str, object]]) -> None:
    config = repo.root / "catalog.yaml"
    data = config.read_text(encoding="utf-8")
    start = data.index("\nplan:")
    end = data.index("\n\n", start + 1)
    block = yaml.safe_dump({"plan": plan}, allow_unicode=True).rstrip("\n")
    config.write_text(data[:start] + "\n" + block + data[end:], encoding="utf-8")


def without_veto(repo: Repo) -> None:
    """A test catalogue has few items: its blank columns would decide every grade."""
    config = repo.root / "catalog.yaml"
    text = config.read_text(encoding="utf-8").replace("blank_veto: 5", "blank_veto: 20")
    config.write_text(text, encoding="utf-8")


def quarterly(repo: Repo, published: str, serial: int) -> None:
    repo.add_item(
        f"content/external/funds/{serial}.md",
        category="funds",
        owner="budget",
        index_no=f"{ORG}/2025-{serial:05d}",
        title="2025年耕地地力保护补贴资金分配情况",
        written=published,
        published=published,
        series="耕地地力保护补贴",
    )


def test_overdue_work_counts_in_the_year_it_fell_due(repo: Repo) -> None:
    quarterly(repo, "2025-05-28", 1)  # next update due 2025-09-30, never made
    catalogue = repo.load()
    in_2025 = assess(catalogue, 2025, D(2026, 11, 1))
    in_2026 = assess(catalogue, 2026, D(2026, 11, 1))
    budget_2025 = next(s for s in in_2025.sections if s.key == "budget")
    assert len(budget_2025.overdue) == 1 and "2025-09-30" in budget_2025.overdue[0]
    assert all(not s.overdue for s in in_2026.sections)


def test_no_plan_is_said_and_the_overall_rule_is_printed(repo: Repo) -> None:
    set_plan(repo, [])
    without_veto(repo)
    quarterly(repo, "2025-05-28", 1)
    code, out = report(repo, 2025, "2026-01-10")
    assert code == 0, out
    assert "| 预算科 | 未制定年度计划 |" in out
    details = out[out.index("## 年度计划执行明细") : out.index("## 逾期和超期发布")]
    assert "本年度未制定年度计划" in details
    assert "总体等次的依据：未制定年度计划（最高评为合格）；逾期和超期发布 1 项；" in out
    assert "- 全局：全局等次按全局合计套用下列评议标准" in out
    assert "建议总体等次：**合格**" in out  # one lapse, no plan: 合格, as the rule says


def test_sections_without_a_plan_are_named_beside_those_with_one(repo: Repo) -> None:
    plan = [
        {
            "year": 2025,
            "owner": "budget",
            "category": "funds",
            "title": "2025年耕地地力保护补贴资金分配情况",
            "due": "2025-06-30",
        }
    ]
    set_plan(repo, plan)
    without_veto(repo)
    quarterly(repo, "2025-05-28", 1)
    repo.write_item(
        "content/external/other/n.md",
        category="other",
        owner="office",
        index_no=f"{ORG}/2025-00002",
        written="2025-03-01",
        published="2025-03-02",
    )
    repo.approve(
        repo.root / "content/external/other/n.md",
        steps=(("initial", "王晓燕"), ("leader", "林志远")),
    )
    assessment = assess(repo.load(), 2025, D(2026, 1, 10))
    text = assessment_markdown(assessment, repo.load().config)
    assert "- 办公室：未制定年度计划" in text
    assert (
        "- 预算科：2025年耕地地力保护补贴资金分配情况（计划 2025-06-30）— 按时公开于 2025-05-28"
        in text
    )
    # The stated figures are the ones the grade follows: 1 of 1 on time, 1 lapse.
    assert "计划事项 1 项，完成率 100%，按时率 100%；逾期和超期发布 1 项" in text
    assert assessment.grade == "良好"  # ≥ 95% and ≥ 90% but one lapse: not 优秀


def test_blank_columns_veto_the_overall_grade(repo: Repo) -> None:
    quarterly(repo, "2025-05-28", 1)  # one category of twelve: eleven blank
    assessment = assess(repo.load(), 2025, D(2026, 1, 10))
    assert assessment.vetoed and assessment.grade == "不合格"
    assert "空白栏目 11 个，达到单项否决" in assessment.grounds()


def test_a_year_after_the_build_day_is_refused(repo: Repo) -> None:
    code, out = report(repo, 2030, "2026-12-03")
    assert code == 1
    assert "2030 年还没有到" in out and "2026 年或以前" in out
    code, _ = report(repo, 2026, "2026-12-03")
    assert code == 0
