"""The authoring workflow: ``new``, ``approve --all-pending``, ``codeowners``, the staff guide."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BUDGET_APPROVERS, ORG, REPO, Repo

from generator.authoring.codeowners import CODEOWNERS_FILE, codeowners_text
from generator.authoring.staff_guide import GUIDE_FILE, staff_guide_markdown
from generator.catalogue import CatalogUnusable, load_catalogue
from generator.cli import main
from generator.problems import CODES, Severity
from generator.source.config import SCOPES


def invoke(root: Path, *args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["--root", str(root), *args], input=input, env={"GITHUB_ACTIONS": ""}
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def problems_of(root: Path, rel: str) -> list[str]:
    return [p.code for p in load_catalogue(root).problems if p.path == rel]


def without_prompts(root: Path, rel: str) -> list[str]:
    """The item's problem codes, once it is known to hold the template's prompts (I318)."""
    codes = problems_of(root, rel)
    assert "I318" in codes, codes
    return [c for c in codes if c != "I318"]


def fill_in(path: Path) -> None:
    """What staff do after ``new``: replace every prompt with real text."""
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"（请填写：([^）]*)）", r"已填写的\1", text), encoding="utf-8")


def created_path(output: str) -> str:
    match = re.search(r"已新建条目：(\S+)", output)
    assert match, output
    return match.group(1)


# catalogue new --------------------------------------------------------------------------


def test_new_interactive_writes_an_item_that_only_lacks_approvals(repo: Repo) -> None:
    config = repo.load().config
    category = list(config.categories.external).index("budget") + 1
    owner = list(config.sections).index("budget") + 1
    answers = [
        "1",  # 对外公开
        str(category),
        str(owner),
        "2",  # the budget section's people come first: 钱立新, then 赵敏
        "2024年区本级一般公共预算执行情况（第三季度）",
        "三季度一般公共预算收支执行情况。",
        "2024-10-12",
        "2024-10-20",
        "n",  # not a major matter
        "",  # a quarterly category: a new series named after the title
    ]
    code, out = invoke(repo.root, "new", input="\n".join(answers) + "\n")
    assert code == 0, out
    assert re.search(r" 1\. 钱立新（预算科，预算科科长）\n +2\. 赵敏（预算科，科员）", out)

    rel = created_path(out)
    assert rel == "content/external/budget/2024-item-00001.md"
    text = (repo.root / rel).read_text(encoding="utf-8")
    assert f"index_no: {ORG}/2024-00001\n" in text
    assert "drafted_by: 赵敏\n" in text
    assert "| 一般公共预算收入 |" in text  # the budget body skeleton
    assert "series: 2024年区本级一般公共预算执行情况（第三季度）\n" in text
    assert without_prompts(repo.root, rel) == ["A501", "A501"]

    # The next steps name this item's approvers and the exact commands.
    # Steps by name, never by key: ``approve`` works the step out for each of them.
    assert (
        f"科室负责人审核（可由 钱立新 审批）：\n       catalogue approve {rel} --by 钱立新" in out
    )
    assert f"分管领导审批（可由 林志远 审批）：\n       catalogue approve {rel} --by 林志远" in out
    assert "--step" not in out

    # Once filled in and approved by those people it is a clean, publishable item.
    fill_in(repo.root / rel)
    repo.approve(repo.root / rel, date=dt.date(2024, 10, 15))
    assert problems_of(repo.root, rel) == []


def test_new_reasks_a_bad_answer_instead_of_writing_a_bad_file(repo: Repo) -> None:
    answers = ["9", "2", "staff-affairs", "personnel", "胡斌", "", "职工体检安排", ""]
    answers += ["2024-05-01", "2024-04-01", "2024-05-02", "n"]
    code, out = invoke(repo.root, "new", input="\n".join(answers) + "\n")
    assert code == 0, out
    assert "请输入 1–2 之间的序号" in out
    assert "不能为空" in out
    assert "发布日期不能早于成文日期 2024-05-01" in out
    rel = created_path(out)
    assert rel.startswith("content/internal/staff-affairs/2024-")
    assert without_prompts(repo.root, rel) == ["A501", "A501", "I315"]  # no summary given


def test_new_assigns_the_next_free_serial_even_past_unparsable_files(repo: Repo) -> None:
    repo.add_item(index_no=f"{ORG}/2024-00012")
    repo.add_item(
        "content/external/budget/other-year.md",
        index_no=f"{ORG}/2025-00090",
        written="2025-03-01",
        published="2025-03-02",
    )
    broken = repo.root / "content/external/budget/broken.md"
    broken.write_text(
        f"---\ntitle: [unclosed\nindex_no: {ORG}/2024-00040\n---\n正文\n", encoding="utf-8"
    )
    assert load_catalogue(repo.root).problems[0].code == "Y009"  # really unparsable

    args = ["new", "--scope", "external", "--category", "budget", "--owner", "budget"]
    args += ["--drafter", "赵敏", "--written", "2024-08-01", "--published", "2024-08-02"]
    code, out = invoke(repo.root, *args, "--title", "第一个")
    assert code == 0, out
    assert f"索引号：{ORG}/2024-00041" in out
    code, out = invoke(repo.root, *args, "--title", "第二个", "--slug", "second")
    assert code == 0, out
    assert f"索引号：{ORG}/2024-00042" in out
    assert created_path(out) == "content/external/budget/2024-second.md"

    code, out = invoke(repo.root, *args[:-4], "--written", "2023-03-01", "--title", "去年的")
    assert f"索引号：{ORG}/2023-00001" in out

    broken.unlink()
    assert {p.code for p in load_catalogue(repo.root).problems if p.is_error} == {"A501", "I318"}


def test_new_body_templates_suit_the_category(repo: Repo) -> None:
    expected = {
        "procedures": ["## 一、办事依据", "## 二、办理程序", "## 三、办理时限"],
        "procurement": ["## 一、项目基本情况", "## 二、成交信息", "中标（成交）供应商"],
        "rules": ["第一条", "第二条", "第三条"],
        "other": ["## 一、", "## 二、"],
    }
    for category, marks in expected.items():
        code, out = invoke(
            repo.root,
            *["new", "--scope", "external", "--category", category, "--owner", "office"],
            *["--drafter", "杨帆", "--title", f"{category} 的条目", "--summary", "概述"],
            *["--written", "2024-06-01", "--published", "2024-06-01", "--slug", category],
        )
        assert code == 0, out
        rel = created_path(out)
        text = (repo.root / rel).read_text(encoding="utf-8")
        positions = [text.index(mark) for mark in marks]
        assert positions == sorted(positions), category
        assert without_prompts(repo.root, rel) == ["A501", "A501"], category
    procedures = (repo.root / "content/external/procedures/2024-procedures.md").read_text("utf-8")
    assert "周一至周五" in procedures  # office hours from catalog.yaml


def test_new_options_are_checked_against_catalog_yaml(repo: Repo) -> None:
    base = ["new", "--scope", "internal", "--owner", "personnel", "--drafter", "胡斌"]
    code, out = invoke(repo.root, *base, "--category", "budget", "--title", "x")
    assert code == 2
    assert "“budget”不是已定义的对内公开分类" in out and "staff-affairs" in out
    code, out = invoke(
        repo.root, *base, "--category", "personnel", "--title", "x", "--slug", "中文"
    )
    assert code == 2 and "--slug" in out
    assert not list((repo.root / "content/internal").rglob("*.md"))


def test_new_major_item_lists_the_extra_steps(repo: Repo) -> None:
    code, out = invoke(
        repo.root,
        *["new", "--scope", "external", "--category", "decisions", "--owner", "budget"],
        *["--drafter", "赵敏", "--title", "重大决策", "--summary", "概述", "--major"],
        *["--written", "2024-06-01", "--published", "2024-06-05"],
    )
    assert code == 0, out
    rel = created_path(out)
    assert "major: true" in (repo.root / rel).read_text(encoding="utf-8")
    assert (
        f"领导小组集体研究（可由 王晓燕 审批）：\n       catalogue approve {rel} --by 王晓燕" in out
    )
    assert (
        f"领导小组组长签批（可由 陈建国 审批）：\n       catalogue approve {rel} --by 陈建国" in out
    )
    assert without_prompts(repo.root, rel) == ["A501"] * 4


# approve --all-pending ------------------------------------------------------------------


def _git(root: Path, *args: str) -> None:
    identity = ["-c", "user.name=测试", "-c", "user.email=test@example.invalid"]
    subprocess.run(["git", *identity, *args], cwd=root, check=True, capture_output=True)


def test_approve_all_pending_takes_only_what_the_reviewer_may_take(repo: Repo) -> None:
    repo.write_item("content/external/budget/new.md", index_no=f"{ORG}/2024-00001")
    other_section = repo.write_item(
        "content/external/budget/treasury.md",
        index_no=f"{ORG}/2024-00002",
        owner="treasury",
        drafted_by="李娜",
    )
    next_is_leader = repo.write_item(
        "content/external/budget/half.md", index_no=f"{ORG}/2024-00003"
    )
    repo.approve(next_is_leader, steps=BUDGET_APPROVERS[:1], date=dt.date(2024, 7, 12))
    own_draft = repo.write_item(
        "content/external/budget/own.md", index_no=f"{ORG}/2024-00004", drafted_by="钱立新"
    )
    stale = repo.write_item("content/external/budget/stale.md", index_no=f"{ORG}/2024-00005")
    repo.approve(stale, date=dt.date(2024, 7, 12))
    _git(repo.root, "init", "-q")
    _git(repo.root, "add", "-A")
    _git(repo.root, "commit", "-qm", "approved")
    stale.write_text(stale.read_text("utf-8").replace("52.3%", "52.4%"), encoding="utf-8")
    untouched = {p: p.read_bytes() for p in (other_section, next_is_leader, own_draft)}

    code, out = invoke(
        repo.root, "approve", "--all-pending", "--by", "钱立新", "--date", "2024-07-15", "--yes"
    )
    assert code == 0, out
    assert "共 2 个条目等待 钱立新 审批" in out
    assert "content/external/budget/new.md" in out and "content/external/budget/stale.md" in out
    assert "treasury.md" not in out and "half.md" not in out and "own.md" not in out
    assert "尚未审批过" in out  # the new item
    assert "此后修改了：正文" in out  # the stale one, from git history
    assert "已审批 2 个" in out

    for path in untouched:
        assert path.read_bytes() == untouched[path]
    catalogue = repo.load()
    by_path = {i.path: i for i in catalogue.items}
    for rel in ("content/external/budget/new.md", "content/external/budget/stale.md"):
        item = by_path[rel]
        initial = next(a for a in item.meta.approvals if a.step == "initial")
        assert (initial.by, initial.date, initial.digest) == (
            "钱立新",
            dt.date(2024, 7, 15),
            item.digest,
        )
    # Now only the leader's step remains; stale.md's old leader approval is stale, and
    # dated before the new initial one.
    assert set(problems_of(repo.root, "content/external/budget/new.md")) == {"A501"}
    assert problems_of(repo.root, "content/external/budget/stale.md") == ["A502", "A507"]

    # The leader sees what now waits for them: the three items whose first step is valid.
    code, out = invoke(
        repo.root, "approve", "--all-pending", "--by", "林志远", "--date", "2024-07-16", "--yes"
    )
    assert "共 3 个条目等待 林志远 审批" in out and "已审批 3 个" in out
    failing = {p.path for p in repo.load().problems if p.is_error}
    assert failing == {"content/external/budget/own.md", "content/external/budget/treasury.md"}


def test_approve_all_pending_asks_one_by_one(repo: Repo) -> None:
    first = repo.write_item("content/external/budget/a.md", index_no=f"{ORG}/2024-00001")
    second = repo.write_item("content/external/budget/b.md", index_no=f"{ORG}/2024-00002")
    before = second.read_bytes()
    code, out = invoke(
        repo.root,
        *["approve", "--all-pending", "--by", "钱立新", "--date", "2024-07-15"],
        input="y\nn\n",
    )
    assert code == 0, out
    assert out.count("批准该条目吗？") == 2
    assert "已审批 1 个，跳过 1 个" in out
    assert "step: initial" in first.read_text("utf-8")
    assert second.read_bytes() == before


def test_approve_all_pending_reports_what_it_cannot_record(repo: Repo) -> None:
    late = repo.write_item("content/external/budget/a.md", index_no=f"{ORG}/2024-00001")
    code, out = invoke(
        repo.root, "approve", "--all-pending", "--by", "钱立新", "--date", "2024-08-01", "--yes"
    )
    assert code == 1
    assert "不能审批：审批日期 2024-08-01 晚于发布日期 2024-07-20" in out
    assert "approvals" not in late.read_text("utf-8")
    half = repo.write_item("content/external/budget/b.md", index_no=f"{ORG}/2024-00002")
    repo.approve(half, steps=BUDGET_APPROVERS[:1], date=dt.date(2024, 7, 15))
    code, out = invoke(
        repo.root, "approve", "--all-pending", "--by", "林志远", "--date", "2024-07-14", "--yes"
    )
    assert code == 1
    assert "不能审批：审批日期 2024-07-14 早于上一步骤的审批日期 2024-07-15（钱立新）" in out
    assert "step: leader" not in half.read_text("utf-8")
    assert invoke(repo.root, "approve", "--all-pending", "--by", "无名氏")[0] == 2
    assert invoke(repo.root, "approve", "--all-pending")[0] == 2  # --by is needed
    assert invoke(repo.root, "approve", "--step", "initial", "--by", "钱立新")[0] == 2  # FILE


# codeowners -------------------------------------------------------------------------------


def test_codeowners_gives_each_folder_to_its_sections_heads(sample: Path) -> None:
    catalogue = load_catalogue(sample)
    config = catalogue.config
    code, out = invoke(sample, "codeowners")
    assert code == 0
    rules = {
        line.split()[0]: line.split()[1:]
        for line in out.splitlines()
        if line and not line.startswith("#")
    }
    heads = {  # worked out independently: the section_head holders of each section
        p.section: f"@{p.github}"
        for p in config.people.values()
        if any(g.role == "section_head" for g in p.roles)
    }
    office = ["@wang-xiaoyan"]
    assert rules["/catalog.yaml"] == ["@wang-xiaoyan", "@chen-jianguo"]
    assert rules["*"] == rules["/catalog.yaml"]  # code and templates: reviewed like the config
    assert out.index("\n* ") < out.index("\n/content/")  # first, so every folder rule wins
    assert rules["/content/"] == office
    for scope in SCOPES:
        for folder in sorted((sample / "content" / scope).iterdir()):
            owners = {
                line.split(":", 1)[1].strip()
                for item in folder.rglob("*.md")
                for line in item.read_text("utf-8").splitlines()
                if line.startswith("owner:")
            }
            if not owners:  # the 依申请公开 register, the annual figures: the office's
                assert f"/content/{scope}/{folder.name}/" not in rules
                continue
            # Sections in catalog.yaml's order, then the office head if not already there.
            expected = [heads[s] for s in sorted(owners, key=list(config.sections).index)]
            expected += [o for o in office if o not in expected]
            assert rules[f"/content/{scope}/{folder.name}/"] == expected, folder
    assert rules["/content/external/budget/"] == ["@qian-lixin", "@sun-yaqin", "@wang-xiaoyan"]
    assert invoke(sample, "codeowners")[1] == out  # deterministic


def test_codeowners_notes_people_without_a_github_name(repo: Repo) -> None:
    yaml_path = repo.root / "catalog.yaml"
    yaml_path.write_text(
        yaml_path.read_text("utf-8").replace(", github: qian-lixin", ""), encoding="utf-8"
    )
    repo.write_item()
    text = codeowners_text(repo.load())
    assert "# 未登记 GitHub 用户名：钱立新\n/content/external/budget/ @wang-xiaoyan\n" in text


def test_github_usernames_are_checked(repo: Repo) -> None:
    yaml_path = repo.root / "catalog.yaml"
    yaml_path.write_text(
        yaml_path.read_text("utf-8").replace("github: qian-lixin", "github: qian_lixin!"),
        encoding="utf-8",
    )
    with pytest.raises(CatalogUnusable) as unusable:
        repo.load()
    assert [p.code for p in unusable.value.problems] == ["S107"]


def test_committed_codeowners_is_up_to_date() -> None:
    committed = (REPO / CODEOWNERS_FILE).read_text(encoding="utf-8")
    assert committed == codeowners_text(load_catalogue(REPO)), (
        "运行 catalogue codeowners --write 重新生成 .github/CODEOWNERS"
    )


# staff guide ------------------------------------------------------------------------------


def test_committed_staff_guide_is_generated_from_the_code_table() -> None:
    committed = (REPO / GUIDE_FILE).read_text(encoding="utf-8")
    assert committed == staff_guide_markdown(), "运行 catalogue staff-guide --write 重新生成"


def test_staff_guide_lists_every_code_with_its_fix(tmp_path: Path) -> None:
    text = staff_guide_markdown()
    for code, spec in CODES.items():
        row = next(line for line in text.splitlines() if line.startswith(f"| {code} |"))
        level = "错误" if spec.severity is Severity.ERROR else "警告"
        assert row.startswith(f"| {code} | {level} | ")
        assert row.endswith(f" | {spec.fix.replace('|', chr(92) + '|')} |")
    assert "| I304 | 错误 | 索引号“…”重复，已被更早的条目 … 使用 |" in text
    assert "| I315 | 警告 |" in text
    (tmp_path / "catalog.yaml").write_text("", encoding="utf-8")
    code, out = invoke(tmp_path, "staff-guide", "--write")
    assert "已写入 docs/staff-guide.md" in out
    assert code == 0
    assert (tmp_path / GUIDE_FILE).read_text(encoding="utf-8") == text
