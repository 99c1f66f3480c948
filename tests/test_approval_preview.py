"""Issue 22 part 2: approving with eyes open — what is approved is shown first."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

from click.testing import CliRunner
from conftest import ORG, Repo

from generator.cli import main


def invoke(root: Path, *args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["--root", str(root), *args], input=input, env={"GITHUB_ACTIONS": ""}
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


BODY = "## 执行情况\n\n上半年一般公共预算收入完成年度预算的**52.3%**。\n\n- 税收收入增长\n"


def with_attachment(repo: Repo) -> Path:
    files = repo.root / "content/external/budget/files"
    files.mkdir(parents=True)
    (files / "执行表.csv").write_bytes(b"x" * 2048)
    return repo.write_item(
        body=BODY, attachments=[{"path": "files/执行表.csv", "title": "执行情况表"}]
    )


def test_approve_shows_the_rendered_body_attachments_and_findings_then_asks(
    repo: Repo,
) -> None:
    path = with_attachment(repo)
    before = path.read_bytes()
    args = ["approve", str(path), "--by", "钱立新", "--date", "2024-07-12"]
    code, out = invoke(repo.root, *args, input="n\n")
    assert code == 1 and "未记录审批" in out
    assert path.read_bytes() == before
    # As readers read it: no Markdown marks.
    assert "上半年一般公共预算收入完成年度预算的52.3%。" in out and "**" not in out
    assert "    执行情况\n" in out and "    税收收入增长\n" in out
    assert "执行情况表（files/执行表.csv，2.0 KB）" in out
    assert "保密检查：未发现" in out
    # The step was worked out: the next missing one, which 钱立新 may take.
    assert "钱立新 审批 content/external/budget/2024-q2.md 的“科室负责人审核”" in out
    assert out.index("保密检查") < out.index("确认审批以上内容吗？")

    code, out = invoke(repo.root, *args, input="y\n")
    assert code == 0 and "已记录" in out
    assert "step: initial" in path.read_text(encoding="utf-8")


def test_step_inference_explains_in_chinese_who_may_take_the_next_step(repo: Repo) -> None:
    path = repo.write_item()
    code, out = invoke(repo.root, "approve", str(path), "--by", "林志远", "--yes")
    assert code == 1
    assert "下一步是“科室负责人审核”（需要责任科室的科室负责人），林志远 不能审批" in out
    assert "林志远 可审批的是“分管领导审批”，须等前面的步骤完成" in out
    assert "可由 钱立新 审批" in out
    assert "initial" not in out and "leader" not in out  # steps by name, never by key


def test_step_may_be_named_as_staff_know_it(repo: Repo) -> None:
    path = repo.write_item()
    args = ["approve", str(path), "--by", "钱立新", "--date", "2024-07-15", "--yes"]
    code, out = invoke(repo.root, *args, "--step", "科室负责人审核")
    assert code == 0 and "钱立新 审批 content/external/budget/2024-q2.md 的“科室负责人审核”" in out
    assert "step: initial" in path.read_text(encoding="utf-8")  # the file keeps the key
    code, out = invoke(repo.root, *args[:3], "陈建国", *args[4:], "--step", "领导小组组长签批")
    assert (
        code == 1
        and "不需要审批步骤“领导小组组长签批”；须完成的步骤：科室负责人审核、分管领导审批" in out
    )


def test_a501_names_who_may_take_the_step_and_a507_shows_no_hashes(repo: Repo) -> None:
    path = repo.write_item()
    _, out = invoke(repo.root, "validate", str(path))
    assert "A501 缺少审批步骤“科室负责人审核”，可由 钱立新 审批" in out
    assert "A501 缺少审批步骤“分管领导审批”，可由 林志远 审批" in out
    repo.approve(path)
    path.write_text(path.read_text("utf-8").replace("52.3%", "52.4%"), encoding="utf-8")
    _, out = invoke(repo.root, "validate", str(path))
    assert "A507 “钱立新”于 2024-07-20 审批后，条目内容已被修改，须重新审批" in out
    assert not re.search(r"[0-9a-f]{12}", out)


def git(root: Path, *args: str) -> None:
    identity = ["-c", "user.name=测试", "-c", "user.email=test@example.invalid"]
    subprocess.run(["git", *identity, *args], cwd=root, check=True, capture_output=True)


def test_reapproval_shows_a_word_level_diff_against_the_approved_version(repo: Repo) -> None:
    path = repo.write_item(body=BODY)
    repo.approve(path, date=dt.date(2024, 7, 15))
    git(repo.root, "init", "-q")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-qm", "approved")
    text = path.read_text("utf-8").replace("52.3%", "52.4%").replace("税收收入增长", "税收增长")
    path.write_text(text.replace("summary: 二季度", "summary: 第二季度"), encoding="utf-8")

    code, out = invoke(
        repo.root, "approve", "--all-pending", "--by", "钱立新", "--date", "2024-07-16", "--yes"
    )
    assert code == 0, out
    assert "与上次审批的版本（提交 " in out
    assert "[-52.3%-]{+52.4%+}" in out
    assert "税收[-收入-]增长" in out
    assert "summary: {+第+}二季度" in out
    assert "## 执行情况" not in out and "title:" not in out  # unchanged lines are not shown
    assert out.index("[-52.3%-]") < out.index("已记录审批")


def test_all_pending_shows_each_item_before_asking(repo: Repo) -> None:
    repo.write_item("content/external/budget/a.md", index_no=f"{ORG}/2024-00001", body=BODY)
    code, out = invoke(
        repo.root,
        *["approve", "--all-pending", "--by", "钱立新", "--date", "2024-07-15"],
        input="n\n",
    )
    assert code == 0
    assert "待审步骤：科室负责人审核\n" in out
    assert out.index("完成年度预算的52.3%") < out.index("批准该条目吗？")
    assert "已审批 0 个，跳过 1 个" in out
