"""预决算公开: budget documents' deadline, tables, explanations and long-term disclosure."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import REPO, Repo, line_of

from generator.build import BuildContext, BuildRefused, build_catalogue
from generator.catalogue import load_catalogue
from generator.checks.lifecycle import findings, lifecycle_problems
from generator.cli import main

D = dt.date
DEPT_TABLES = yaml.safe_load((REPO / "catalog.yaml").read_text(encoding="utf-8"))[
    "budget_disclosure"
]["doc_types"]["dept_budget"]["tables"]
DEPT_BODY = "## 一、机关运行经费\n\n下降3.5%。\n\n## 二、“三公”经费\n\n减少2.6万元。\n"


def dept_budget(repo: Repo, **overrides: Any) -> Path:
    """An approved 部门预算 with all eight tables, approved on 1 March 2025."""
    fields: dict[str, Any] = {
        "title": "2025年部门预算",
        "index_no": "11330109002468135T/2025-00020",
        "doc_type": "dept_budget",
        "written": "2025-03-01",
        "approved_on": "2025-03-01",
        "published": "2025-03-21",
        "tables": [{"name": name} for name in DEPT_TABLES],
        **overrides,
    }
    body = fields.pop("body", DEPT_BODY)
    path = repo.write_item("content/external/budget/2025-dept.md", body=body, **fields)
    repo.approve(path, date=D(2025, 3, 1))
    return path


def problems_on(repo: Repo, day: dt.date) -> list[tuple[str, int, str]]:
    catalogue = repo.load()
    found = catalogue.problems + lifecycle_problems(catalogue.config, catalogue.valid_items(), day)
    return [(p.code, p.line, p.severity) for p in found if p.code.startswith("G83")]


def test_a_department_budget_published_on_day_20_is_on_time(repo: Repo) -> None:
    dept_budget(repo, published="2025-03-21")  # 1 March + 20 days
    assert problems_on(repo, D(2025, 3, 10)) == []
    assert problems_on(repo, D(2025, 6, 1)) == []


def test_day_21_is_an_error_before_publication_and_a_warning_after(repo: Repo) -> None:
    path = dept_budget(repo, published="2025-03-22")
    line = line_of(path, "published:")
    assert problems_on(repo, D(2025, 3, 15)) == [("G836", line, "error")]
    assert problems_on(repo, D(2025, 3, 22)) == [("G836", line, "error")]  # the day itself
    assert problems_on(repo, D(2025, 3, 23)) == [("G837", line, "warning")]  # cannot be mended
    catalogue = repo.load()
    found = lifecycle_problems(catalogue.config, catalogue.items, D(2025, 4, 1))
    (late,) = [p for p in found if p.code == "G837"]
    assert "2025-03-21 前" in late.message and "晚了 1 天" in late.message


def test_validate_fails_on_a_scheduled_late_budget_and_passes_once_it_is_out(repo: Repo) -> None:
    dept_budget(repo, published="2025-03-25")
    runner = CliRunner()
    before = runner.invoke(main, ["--root", str(repo.root), "validate", "--today", "2025-03-20"])
    assert before.exit_code == 1 and "G836" in before.output
    after = runner.invoke(main, ["--root", str(repo.root), "validate", "--today", "2025-04-01"])
    assert after.exit_code == 0 and "G837" in after.output


def test_a_build_refuses_a_scheduled_late_budget_before_it_writes(repo: Repo) -> None:
    """G836 is one of the day's findings and an error: no build may publish past it."""
    dept_budget(repo, published="2025-03-25")
    out = repo.root / "build"
    with pytest.raises(BuildRefused) as refused:
        build_catalogue(BuildContext(repo.root, out, D(2025, 3, 20)))
    assert "G836" in [p.code for p in refused.value.problems]
    assert not out.exists()


def test_working_days_are_configurable(repo: Repo) -> None:
    text = (repo.root / "catalog.yaml").read_text(encoding="utf-8")
    text = text.replace("day_kind: calendar", "day_kind: workday")
    (repo.root / "catalog.yaml").write_text(text, encoding="utf-8")
    # 20 working days after Sat 1 March 2025 end on Fri 28 March.
    dept_budget(repo, published="2025-03-28")
    assert problems_on(repo, D(2025, 3, 2)) == []
    path = dept_budget(repo, published="2025-03-31")
    assert problems_on(repo, D(2025, 3, 2)) == [("G836", line_of(path, "published:"), "error")]


def test_status_warns_five_days_before_the_deadline(repo: Repo) -> None:
    dept_budget(repo, published="2025-03-20")  # deadline 21 March
    catalogue = repo.load()

    def soon(day: dt.date) -> list[str]:
        found = findings(catalogue.config, catalogue.valid_items(), day)
        return [f.text for f in found if f.kind == "due-soon"]

    assert soon(D(2025, 3, 15)) == []
    (text,) = soon(D(2025, 3, 16))
    assert "2025-03-21 前公开" in text and "部门预算" in text
    result = CliRunner().invoke(main, ["--root", str(repo.root), "status", "--today", "2025-03-16"])
    assert "即将到期" in result.output and "2025-03-21" in result.output


def test_a_missing_table_is_an_error_at_the_tables_line(repo: Repo) -> None:
    path = dept_budget(repo, tables=[{"name": name} for name in DEPT_TABLES[:-1]])
    catalogue = repo.load()
    (problem,) = [p for p in catalogue.problems if p.code == "G833"]
    assert problem.line == line_of(path, "tables:")
    assert "政府性基金预算支出表" in problem.message and problem.is_error
    assert path.name not in {i.file.name for i in catalogue.valid_items()}


def test_an_empty_table_needs_its_note(repo: Repo) -> None:
    tables = [{"name": name} for name in DEPT_TABLES[:-1]]
    path = dept_budget(repo, tables=[*tables, {"name": DEPT_TABLES[-1], "empty": True}])
    assert ("G834", line_of(path, "tables:")) in repo.codes(path)
    noted = {
        "name": DEPT_TABLES[-1],
        "empty": True,
        "empty_note": "本部门没有政府性基金预算拨款支出。",
    }
    path = dept_budget(repo, tables=[*tables, noted])
    assert [c for c, _ in repo.codes(path) if c.startswith("G")] == []


def test_a_table_in_an_attachment_not_listed_is_an_error(repo: Repo) -> None:
    tables = [{"name": name} for name in DEPT_TABLES[:-1]]
    path = dept_budget(repo, tables=[*tables, {"name": DEPT_TABLES[-1], "file": "files/x.xlsx"}])
    assert "G838" in [c for c, _ in repo.codes(path)]


def test_required_explanations_are_headings_of_the_body(repo: Repo) -> None:
    path = dept_budget(repo, body="## 一、机关运行经费\n\n“三公”经费减少2.6万元（不是标题）。\n")
    problems = [p for p in repo.load().problems if p.code == "G835"]
    assert [p.line for p in problems] == [line_of(path, "## 一、机关运行经费")]
    assert "“三公”经费" in problems[0].message


def test_government_budgets_need_the_debt_tables_and_their_explanations(repo: Repo) -> None:
    config = yaml.safe_load((REPO / "catalog.yaml").read_text(encoding="utf-8"))
    gov = config["budget_disclosure"]["doc_types"]["gov_budget"]
    body = "## 一、转移支付情况\n\n略。\n\n## 二、举借债务情况\n\n略。\n"
    path = dept_budget(
        repo, doc_type="gov_budget", tables=[{"name": n} for n in gov["tables"]], body=body
    )
    missing = [p.message for p in repo.load().problems if p.code == "G833"]
    assert len(missing) == 2 and all("政府债务表" in m for m in missing)
    assert any("一般债务限额余额情况表" in m for m in missing)
    names = gov["tables"] + gov["debt_tables"]
    path = dept_budget(repo, doc_type="gov_budget", tables=[{"name": n} for n in names], body=body)
    assert [c for c, _ in repo.codes(path) if c.startswith("G")] == []


def test_budget_documents_never_expire_and_need_an_approval_date(repo: Repo) -> None:
    path = dept_budget(repo, expires="2025-12-31", approved_on=None)
    codes = repo.codes(path)
    assert ("G832", line_of(path, "expires:")) in codes
    assert "G831" in [c for c, _ in codes]


def test_published_before_approval_is_an_error(repo: Repo) -> None:
    path = dept_budget(repo, approved_on="2025-03-25")
    assert ("G839", line_of(path, "published:")) in repo.codes(path)


def test_unknown_doc_types_are_named(repo: Repo) -> None:
    path = dept_budget(repo, doc_type="dept_budgte")
    (problem,) = [p for p in repo.load().problems if p.code == "G830"]
    assert problem.line == line_of(path, "doc_type:")
    assert "dept_budget（部门预算）" in problem.message and "normative" in problem.message


@pytest.mark.parametrize(
    ("path", "doc_type", "count"),
    [
        ("content/external/budget/2025-department-budget.md", "dept_budget", 8),
        ("content/external/budget/2024-department-final-accounts.md", "dept_final_accounts", 9),
    ],
)
def test_the_sample_has_department_budget_and_final_accounts_with_their_tables(
    path: str, doc_type: str, count: int
) -> None:
    catalogue = load_catalogue(REPO)
    item = catalogue.by_path[path]
    assert item.meta.doc_type == doc_type and len(item.meta.tables) == count
    assert item in catalogue.valid_items()
    assert [p for p in catalogue.problems if p.path == path and p.code.startswith("G")] == []


def test_the_budget_column_lists_documents_by_year_and_kind(built_sample: Path) -> None:
    page = (built_sample / "build/public/budget.html").read_text(encoding="utf-8")
    main_part = page[page.index("<main") :]
    # 2025 部门预算 first, then the 2024 部门决算 (approved in 2025, about 2024).
    assert main_part.index("2025年度") < main_part.index("部门预算") < main_part.index("2024年度")
    assert main_part.index("2024年度") < main_part.index("部门决算")
    assert 'href="items/2025-00010.html"' in main_part  # 部门预算
    assert 'href="items/2025-00061.html"' in main_part  # 部门决算
    assert "2025-00005" not in main_part  # the budget draft summary is not a budget document
    assert "批准后 20 日内公开" in main_part
    home = (built_sample / "build/public/index.html").read_text(encoding="utf-8")
    assert 'href="budget.html"' in home
