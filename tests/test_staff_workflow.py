"""Issue 22, parts 3 and 4: everyday mistakes that must not publish, and messages staff can act on."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ORG, REPO, Repo, line_of

from generator.build import BuildContext, BuildRefused, build_catalogue
from generator.checks.lifecycle import lifecycle_problems
from generator.cli import main
from generator.incremental import fingerprint
from generator.problems import CODES


def invoke(root: Path, *args: str, input: str | None = None, **env: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["--root", str(root), *args], input=input, env={"GITHUB_ACTIONS": "", **env}
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def created_path(output: str) -> str:
    match = re.search(r"已新建条目：(\S+)", output)
    assert match, output
    return match.group(1)


NEW_BUDGET = ["new", "--scope", "external", "--category", "budget", "--owner", "budget"]


# Template placeholders -------------------------------------------------------------------


def test_a_template_prompt_left_in_the_body_is_an_error_everywhere(repo: Repo) -> None:
    body = "## 一、收支情况\n\n收入完成年度预算的52.3%。\n\n## 二、主要特点\n\n（请填写：收支的主要特点和原因分析）\n"
    item = repo.add_item(body=body)  # approved as it stands: the prompt is not caught by approval
    rel = "content/external/budget/2024-q2.md"
    lines = item.read_text(encoding="utf-8").splitlines()
    at = next(n for n, line in enumerate(lines, start=1) if line.startswith("（请填写："))
    codes = repo.codes(item)
    assert [c for c in codes if c[0] == "I318"] == [("I318", at)], codes  # the prompt's own line

    code, out = invoke(repo.root, "validate", str(item))
    assert code == 1
    assert f"{rel}:{at}: I318" in out and "（请填写：收支的主要特点和原因分析）" in out

    try:
        build_catalogue(BuildContext(repo.root, repo.root / "build", dt.date(2024, 8, 1)))
    except BuildRefused as refused:
        assert "I318" in {p.code for p in refused.problems}
    else:
        raise AssertionError("a body with a template prompt was published")
    assert not (repo.root / "build").exists()


def test_approve_refuses_an_item_with_template_prompts(repo: Repo) -> None:
    code, out = invoke(
        repo.root,
        *NEW_BUDGET,
        *["--drafter", "赵敏", "--title", "三季度执行情况", "--summary", "概述"],
        *["--written", "2024-10-08", "--published", "2024-10-12"],
    )
    assert code == 0, out
    file = repo.root / created_path(out)
    before = file.read_bytes()
    code, out = invoke(
        repo.root, "approve", str(file), "--step", "initial", "--by", "钱立新", "--yes"
    )
    assert code == 1 and "I318" in out and "修正后才能审批" in out
    code, out = invoke(
        repo.root, "approve", "--all-pending", "--by", "钱立新", "--date", "2024-10-10", "--yes"
    )
    assert code == 1 and "已审批 0 个" in out
    assert file.read_bytes() == before


# 索引号 collisions ------------------------------------------------------------------------


def test_the_newer_item_gets_the_duplicate_number_even_validated_alone(repo: Repo) -> None:
    # No git: ``written`` decides. The new file sorts first, which used to blame the old one.
    old = repo.add_item("content/external/budget/zz-published.md", written="2024-07-01")
    new = repo.write_item("content/external/budget/aa-new.md", written="2024-07-10")
    assert [c for c, _ in repo.codes(old)] == []
    assert "I304" in [c for c, _ in repo.codes(new)]

    code, out = invoke(repo.root, "validate", str(new))
    assert code == 1
    assert (
        "aa-new.md:3: I304" in out
        and "已被更早的条目 content/external/budget/zz-published.md:3" in out
    )
    code, out = invoke(repo.root, "validate", str(old))
    assert "I304" not in out


def git(root: Path, *args: str, when: str = "2024-07-01T10:00:00+08:00") -> str:
    identity = ["-c", "user.name=测试", "-c", "user.email=test@example.invalid"]
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    done = subprocess.run(
        ["git", *identity, *args], cwd=root, check=True, capture_output=True, env=env
    )
    return done.stdout.decode()


def test_git_history_decides_which_item_is_newer(repo: Repo) -> None:
    # Written later, but committed first: the committed item keeps its number.
    published = repo.add_item("content/external/budget/b.md", written="2024-07-12")
    git(repo.root, "init", "-q", "-b", "main")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-qm", "published")
    draft = repo.write_item("content/external/budget/a.md", written="2024-07-01")
    assert "I304" in [c for c, _ in repo.codes(draft)]
    assert "I304" not in [c for c, _ in repo.codes(published)]


def test_two_branches_opened_at_once_collide_and_the_later_pr_is_told(tmp_path: Path) -> None:
    (tmp_path / "upstream").mkdir()
    upstream = Repo(tmp_path / "upstream")
    upstream.add_item("content/external/budget/first.md", index_no=f"{ORG}/2024-00001")
    git(upstream.root, "init", "-q", "-b", "main")
    git(upstream.root, "add", "-A")
    git(upstream.root, "commit", "-qm", "first item")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(upstream.root), str(clone))
    git(clone, "checkout", "-q", "-b", "q3-report")

    # This branch's ``new`` takes 00002 ...
    args = [*NEW_BUDGET, "--drafter", "赵敏", "--summary", "概述"]
    args += ["--written", "2024-10-08", "--published", "2024-10-12"]
    code, out = invoke(clone, *args, "--title", "三季度", "--slug", "q3")
    assert f"索引号：{ORG}/2024-00002" in out, out
    mine = created_path(out)
    git(clone, "add", "-A")
    git(clone, "commit", "-qm", "q3 draft", when="2024-10-08T09:00:00+08:00")

    # ... and so did another branch, merged into main first.
    upstream.write_item("content/external/budget/other.md", index_no=f"{ORG}/2024-00002")
    git(upstream.root, "add", "-A")
    git(upstream.root, "commit", "-qm", "other PR merged", when="2024-10-09T09:00:00+08:00")
    git(clone, "fetch", "-q", "origin")

    code, out = invoke(clone, "validate", "--base", "origin/main")
    assert code == 1
    assert (
        f"{mine}:3: I319 索引号“{ORG}/2024-00002”在目标分支 origin/main 上已被 "
        "content/external/budget/other.md 使用"
    ) in out
    assert "first.md:3: I319" not in out  # its own number on main is no collision
    # GitHub Actions names the base branch for pull requests: found without --base.
    code, out = invoke(clone, "validate", str(clone / mine), GITHUB_BASE_REF="main")
    assert code == 1 and f"{mine}:3: I319" in out

    # A new item now takes the next number free on both branches.
    code, out = invoke(clone, *args, "--title", "又一个", "--slug", "next")
    assert f"索引号：{ORG}/2024-00003" in out, out

    # Renaming an item in a branch is not a collision with its old self.
    git(clone, "mv", "content/external/budget/first.md", "content/external/budget/renamed.md")
    code, out = invoke(clone, "validate", "--base", "origin/main")
    assert "renamed.md:3: I319" not in out

    # After merging main into the branch, main's item keeps the number; and once the
    # branch is merged into main, main's history says the branch's item came later,
    # though its own commit is older.
    git(clone, "mv", "content/external/budget/renamed.md", "content/external/budget/first.md")
    git(clone, "merge", "-q", "--no-edit", "origin/main", when="2024-10-10T09:00:00+08:00")
    code, out = invoke(clone, "validate", "--base", "origin/main")
    assert f"{mine}:3: I304" in out and "other.md:3: I304" not in out
    git(
        upstream.root,
        "pull",
        "-q",
        "--no-rebase",
        "--no-ff",  # as GitHub merges a pull request
        "--no-edit",
        str(clone),
        "q3-report",
        when="2024-10-11T09:00:00+08:00",
    )
    code, out = invoke(upstream.root, "validate")
    assert f"{mine}:3: I304" in out and "other.md:3: I304" not in out

    code, out = invoke(clone, "validate", "--base", "origin/nosuch")
    assert code == 1 and "C213" in out


# Series ----------------------------------------------------------------------------------


def test_new_quarterly_item_joins_the_sections_series(repo: Repo) -> None:
    repo.add_item(
        "content/external/budget/2024-q1.md",
        index_no=f"{ORG}/2024-00001",
        series="区本级预算执行情况",
        written="2024-04-10",
        published="2024-04-20",
    )
    config = repo.load().config
    before = lifecycle_problems(config, repo.load().valid_items(), dt.date(2024, 10, 20))
    overdue = [p.message for p in before if p.code == "R602"]
    assert len(overdue) == 1 and "区本级预算执行情况" in overdue[0]  # no Q2/Q3 update yet

    args = [*NEW_BUDGET, "--drafter", "赵敏", "--title", "三季度", "--summary", "概述"]
    args += ["--written", "2024-10-08", "--published", "2024-10-12"]
    code, out = invoke(repo.root, *args)
    assert code == 0, out
    file = repo.root / created_path(out)
    assert "series: 区本级预算执行情况\n" in file.read_text(encoding="utf-8")
    text = re.sub(r"（请填写：([^）]*)）", r"\1", file.read_text(encoding="utf-8"))
    file.write_text(text, encoding="utf-8")
    repo.approve(file)
    catalogue = repo.load()
    after = lifecycle_problems(catalogue.config, catalogue.valid_items(), dt.date(2024, 10, 20))
    assert "R602" not in {p.code for p in after}

    # Interactively the section's series are offered by number, a new one last.
    config = catalogue.config
    answers = ["1", str(list(config.categories.external).index("budget") + 1)]
    answers += [str(list(config.sections).index("budget") + 1), "2", "四季度", "", "2024-12-01"]
    answers += ["2024-12-02", "n", "2", "新系列名"]
    code, out = invoke(repo.root, "new", input="\n".join(answers) + "\n")
    assert code == 0, out
    assert "1. 区本级预算执行情况" in out and "2. 新的系列" in out
    assert "series: 新系列名\n" in (repo.root / created_path(out)).read_text(encoding="utf-8")

    # Two series now: a script must say which.
    code, out = invoke(repo.root, *args, "--slug", "x")
    assert code == 2 and "--series" in out and "新系列名" in out


# Dead ends -------------------------------------------------------------------------------


def test_a_section_heads_own_item_warns_and_names_who_can_draft_it(repo: Repo) -> None:
    config = repo.load().config
    answers = ["1", str(list(config.categories.external).index("decisions") + 1)]
    answers += [str(list(config.sections).index("budget") + 1), "1"]  # 钱立新, the head
    answers += ["重大决策", "", "2024-06-01", "2024-06-05", "n"]
    answers += ["n", "1"]  # not as 钱立新: the first one offered instead, 赵敏
    code, out = invoke(repo.root, "new", input="\n".join(answers) + "\n")
    assert code == 0, out
    assert "钱立新 填报的条目无人能完成“科室负责人审核”（需要责任科室的科室负责人）" in out
    assert "请改由 赵敏" in out
    assert "——无人有权审批" not in out
    text = (repo.root / created_path(out)).read_text(encoding="utf-8")
    assert "drafted_by: 赵敏\n" in text
    assert "--by 钱立新" in out

    # From a script: the warning, and the next steps say the step cannot be taken.
    code, out = invoke(
        repo.root,
        *["new", "--scope", "external", "--category", "decisions", "--owner", "budget"],
        *["--drafter", "钱立新", "--title", "又一个", "--written", "2024-06-01"],
    )
    assert code == 0
    assert "无人能完成“科室负责人审核”" in out
    assert "科室负责人审核：无人可以审批" in out


# Messages staff can act on ---------------------------------------------------------------


def item_problems(repo: Repo, front: str) -> list[tuple[str, int, str]]:
    path = repo.root / "content/external/budget/x.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}---\n\n正文。\n", encoding="utf-8")
    return [(p.code, p.line, p.message) for p in repo.load().problems if p.path.endswith("x.md")]


FRONT = (
    f"title: 标题\nindex_no: {ORG}/2024-00001\ncategory: budget\nowner: budget\n"
    "drafted_by: 赵敏\nsummary: 概述\nwritten: 2024-07-10\npublished: 2024-07-20\n"
)


def test_yaml_errors_point_at_the_line_where_the_mistake_is(repo: Repo) -> None:
    unclosed = FRONT.replace("title: 标题", 'title: "标题')  # line 2 of the file
    assert item_problems(repo, unclosed) == [
        ("Y007", 2, '“title”的值以引号 " 开头，但这一行没有对应的结束引号')
    ]
    full_width = FRONT.replace("summary: 概述", "summary：概述")
    [(code, line, message)] = item_problems(repo, full_width)
    assert (code, line) == ("Y006", 7) and "全角冒号" in message
    assert "改为半角冒号" in CODES["Y006"].fix
    colon = FRONT.replace("title: 标题", "title: 通知: 关于预算")
    [(code, line, _)] = item_problems(repo, colon)
    assert (code, line) == ("Y008", 2) and "用引号括起" in CODES["Y008"].fix
    # A value quoted properly is no problem, however many colons it holds.
    fine = FRONT.replace("title: 标题", "title: 'it''s: 关于'")
    assert [c for c, _, _ in item_problems(repo, fine)] == ["A501", "A501"]


def test_did_you_mean_for_categories_owners_people_and_dates(repo: Repo) -> None:
    def message(code: str, front: str) -> str:
        return next(m for c, _, m in item_problems(repo, front) if c == code)

    assert "是否想写“budget”" in message("I305", FRONT.replace("budget\nowner", "budgt\nowner"))
    assert "是否想写“office”（办公室）" in message(
        "I306", FRONT.replace("owner: budget", "owner: 办公室")
    )
    assert "是否想写“王晓燕”" in message("I307", FRONT.replace("赵敏", "王小燕"))
    dated = FRONT.replace("written: 2024-07-10", "written: 2024年7月10日")
    assert "是否想写 2024-07-10" in message("S104", dated)
    assert "是否想写" not in message("I307", FRONT.replace("赵敏", "诸葛孔明"))
    approved = repo.add_item()
    approved.write_text(approved.read_text("utf-8").replace("by: 钱立新", "by: 钱利新"), "utf-8")
    [typo] = [p for p in repo.load().problems if p.code == "I307" and p.path.endswith("q2.md")]
    assert typo.line == line_of(approved, "by: 钱利新") and "是否想写“钱立新”" in typo.message


def test_a_mistyped_attachment_lists_the_files_there_and_is_reported_once(repo: Repo) -> None:
    folder = repo.root / "content/external/budget/files"
    folder.mkdir(parents=True)
    for name in ("2024年一季度执行情况.xlsx", "说明.pdf", "2024年二季度执行情况.xlsx"):
        (folder / name).write_bytes(b"data")
    front = FRONT + "attachments:\n  - path: files/2024年一季度执行情况.xls\n    title: 执行情况\n"
    body_link = "见[附件](files/2024年一季度执行情况.xlsx)。\n"
    path = repo.root / "content/external/budget/x.md"
    path.write_text(f"---\n{front}---\n\n{body_link}", encoding="utf-8")
    found = [(p.code, p.message) for p in repo.load().problems if p.path.endswith("x.md")]
    codes = [c for c, _ in found]
    assert "L405" not in codes and codes.count("L401") == 1
    message = next(m for c, m in found if c == "L401")
    assert "content/external/budget/files/2024年一季度执行情况.xls" in message
    listed = message.split("文件夹中有：")[1].split("、")
    assert listed == ["2024年一季度执行情况.xlsx", "2024年二季度执行情况.xlsx", "说明.pdf"]


def test_validate_and_build_report_the_same_warnings_once(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fingerprint, "RACY_NS", 0)  # the sample was copied just now
    day = "2026-11-26"
    _, validated = invoke(sample, "validate", "--today", day)
    warnings = sorted(line for line in validated.splitlines() if "（警告）" in line)
    assert any(" R602 " in w for w in warnings) and any(" I315 " in w for w in warnings)
    for _ in range(2):  # the second build has nothing to do, and says the same
        code, built = invoke(sample, "build", "--today", day, "--out", str(sample / "out"))
        assert code == 0, built
        assert sorted(line for line in built.splitlines() if "（警告）" in line) == warnings
    assert "没有变化" in built
    # ``make build`` runs the build alone: it validates, so validate would say it all twice.
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nbuild:", 1)[1].split("\n\n", 1)[0]
    assert "catalogue build" in recipe and "catalogue validate" not in recipe
