"""Website inspection indicators: home page and columns kept up to date, blank columns,
and dates earlier than the commit that added an item (伪造发稿日期)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

from click.testing import CliRunner
from conftest import BUILD_DAY, ORG, Repo, line_of

from generator.catalogue import load_catalogue
from generator.checks.lifecycle import findings, months_before
from generator.cli import main

D = dt.date
# One category of each update kind in the sample catalog.yaml: other is dynamic (动态要闻类),
# decisions notices (通知公告类), duties static (相对静态类).
KINDS = {"other": "dynamic", "decisions": "notices", "duties": "static"}


def add(repo: Repo, category: str, published: str, serial: int) -> Path:
    return repo.add_item(
        f"content/external/{category}/{serial}.md",
        category=category,
        index_no=f"{ORG}/2025-{serial:05d}",
        written=published,
        published=published,
        refresh="long-term",  # no other lifecycle rule in the way
    )


def stale(repo: Repo, day: dt.date) -> list[tuple[str, str]]:
    catalogue = repo.load()
    found = findings(catalogue.config, catalogue.valid_items(), day)
    return [(f.problem.code, f.text) for f in found if f.kind == "stale" and f.problem]


def test_sample_categories_declare_their_update_kind() -> None:
    from conftest import REPO

    config = load_catalogue(REPO).config
    for key, kind in KINDS.items():
        assert config.categories.external[key].update_kind == kind


def test_home_page_older_than_two_weeks(repo: Repo) -> None:
    add(repo, "duties", "2025-03-01", 1)
    assert stale(repo, D(2025, 3, 15)) == []
    ((code, text),) = stale(repo, D(2025, 3, 16))
    assert code == "G840" and "2025-03-01" in text and "15 天" in text


def test_columns_go_stale_by_their_kind(repo: Repo) -> None:
    add(repo, "other", "2025-01-01", 1)
    add(repo, "decisions", "2025-01-01", 2)
    add(repo, "duties", "2024-01-01", 3)
    add(repo, "rules", "2025-07-02", 4)  # keeps the home page fresh: not under test here
    names = {
        day: [t for c, t in stale(repo, day) if c == "G841"]
        for day in (D(2025, 1, 15), D(2025, 1, 16), D(2025, 7, 1), D(2025, 7, 2))
    }
    assert names[D(2025, 1, 15)] == []
    assert (
        len(names[D(2025, 1, 16)]) == 1
        and "动态要闻类栏目“其他公开事项”" in names[D(2025, 1, 16)][0]
    )
    assert len(names[D(2025, 7, 1)]) == 1  # six months ago was 1 January: not yet
    notices = [t for t in names[D(2025, 7, 2)] if "重大决策和重要规划" in t]
    assert notices and "超过 6 个月未更新" in notices[0]
    assert not any("工作职责" in t for t in names[D(2025, 7, 2)])  # static: never stale


def test_months_before_keeps_the_day_or_the_month_end() -> None:
    assert months_before(D(2025, 7, 2), 6) == D(2025, 1, 2)
    assert months_before(D(2025, 8, 31), 6) == D(2025, 2, 28)
    assert months_before(D(2024, 3, 1), 14) == D(2023, 1, 1)


def test_thresholds_come_from_catalog_yaml(repo: Repo) -> None:
    config = repo.root / "catalog.yaml"
    text = config.read_text(encoding="utf-8").replace("home_stale_days: 14", "home_stale_days: 30")
    config.write_text(text, encoding="utf-8")
    add(repo, "duties", "2025-03-01", 1)
    assert stale(repo, D(2025, 3, 31)) == []
    assert [c for c, _ in stale(repo, D(2025, 4, 1))] == ["G840"]


def test_five_blank_columns_fail_a_strict_validate(repo: Repo) -> None:
    categories = ["duties", "rules", "budget", "decisions", "support", "projects", "procurement"]
    for serial, category in enumerate(categories, start=1):
        add(repo, category, "2025-03-01", serial)  # 5 of the 12 categories stay blank
    runner = CliRunner()
    args = ["--root", str(repo.root), "validate", "--today", "2025-03-02"]
    lenient = runner.invoke(main, args)
    assert lenient.exit_code == 0 and "G842" in lenient.output
    assert "空白栏目 5 个" in lenient.output and "达到 5 个即单项否决" in lenient.output
    strict = runner.invoke(main, [*args, "--strict"])
    assert strict.exit_code == 1 and "G842" in strict.output
    add(repo, "licensing", "2025-03-01", 8)  # 4 blank: no veto, each still reported
    again = runner.invoke(main, args)
    assert "G842" not in again.output and again.output.count("R604") == 4


def test_status_and_the_intranet_show_the_indicators(built_sample: Path) -> None:
    catalogue = load_catalogue(built_sample)
    found = findings(catalogue.config, catalogue.valid_items(), BUILD_DAY)
    texts = [f.text for f in found if f.kind == "stale"]
    assert texts  # the sample has columns not updated in time on the build day
    page = (built_sample / "build/intranet/reports/indicators.html").read_text(encoding="utf-8")
    assert all(text in page for text in texts)
    index = (built_sample / "build/intranet/reports/index.html").read_text(encoding="utf-8")
    assert 'href="../reports/indicators.html"' in index
    assert not (built_sample / "build/public/reports/indicators.html").exists()
    result = CliRunner().invoke(
        main, ["--root", str(built_sample), "status", "--today", BUILD_DAY.isoformat()]
    )
    assert all(text in result.output for text in texts) and "栏目不更新" in result.output


def git(root: Path, *args: str, day: str = "2025-03-10") -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": f"{day}T10:00:00+08:00",
        "GIT_COMMITTER_DATE": f"{day}T10:00:00+08:00",
    }
    identity = ["-c", "user.name=测试", "-c", "user.email=t@example.gov.cn"]
    subprocess.run(["git", *identity, *args], cwd=root, env=env, check=True, capture_output=True)


def test_a_date_earlier_than_the_commit_that_added_the_item_is_a_warning(repo: Repo) -> None:
    config = repo.root / "catalog.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("backdating_from: 2027-01-01", ""), encoding="utf-8")
    early = add(repo, "duties", "2025-03-01", 1)
    on_time = add(repo, "rules", "2025-03-10", 2)
    git(repo.root, "init", "-q")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "items")
    runner = CliRunner()
    args = ["--root", str(repo.root), "validate", "--today", "2025-03-20"]
    result = runner.invoke(main, args)
    line = line_of(early, "published:")
    assert f"content/external/duties/1.md:{line}: G845" in result.output
    assert "2025-03-01 早于该条目首次提交的日期 2025-03-10" in result.output
    assert on_time.name not in [w for w in result.output.split() if "G845" in w]
    assert result.output.count("G845") == 1 and result.exit_code == 0
    # Items committed before ``backdating_from`` were moved in from an older system.
    config.write_text(text.replace("2027-01-01", "2025-03-10"), encoding="utf-8")
    assert "G845" in runner.invoke(main, args).output
    config.write_text(text.replace("2027-01-01", "2025-03-11"), encoding="utf-8")
    assert "G845" not in runner.invoke(main, args).output
