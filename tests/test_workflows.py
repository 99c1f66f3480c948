"""The GitHub workflows: linted by actionlint, and the commands they run, run here."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import ORG, REPO, Repo

from generator.cli import main

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("actionlint", path=str(BIN)) or shutil.which("actionlint")
    assert binary, "actionlint is missing: make test installs it (pip install -e '.[test]')"
    return subprocess.run(
        [binary, "-no-color", *map(str, files)], capture_output=True, text=True, timeout=120
    )


def test_workflows_pass_actionlint() -> None:
    assert {w.name for w in WORKFLOWS} >= {"pull-request.yml", "publish.yml"}
    result = actionlint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: pull_request\n"
        "jobs:\n"
        "  check:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v6\n"
        "        with:\n"
        "          fetch-dept: 0\n"
        "      - run: catalogue pr-summary --base ${{ github.base_reff }}\n",
        encoding="utf-8",
    )
    result = actionlint(broken)
    assert result.returncode == 1
    assert 'input "fetch-dept" is not defined' in result.stdout
    assert "base_reff" in result.stdout


def test_workflows_do_what_the_issue_asks() -> None:
    pr = yaml.safe_load((REPO / ".github/workflows/pull-request.yml").read_text("utf-8"))
    publish = yaml.safe_load((REPO / ".github/workflows/publish.yml").read_text("utf-8"))
    pr_steps = pr["jobs"]["check"]["steps"]
    runs = " ".join(s.get("run", "") for s in pr_steps)
    assert "catalogue validate --format github" in runs and "catalogue build" in runs
    assert '>> "$GITHUB_STEP_SUMMARY"' in runs
    # A preview artifact; what it holds: test_security_findings.py.
    assert any(str(s.get("uses", "")).startswith("actions/upload-art") for s in pr_steps)

    triggers = publish[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert re.fullmatch(r"\d+ \d+ \* \* \*", triggers["schedule"][0]["cron"])  # daily
    build_steps = publish["jobs"]["build"]["steps"]
    pages = next(s for s in build_steps if "upload-pages-artifact" in s.get("uses", ""))
    assert pages["with"]["path"] == "build/public"  # never the intranet or kiosk
    kiosk = next(s for s in build_steps if "upload-artifact" in s.get("uses", ""))
    assert kiosk["with"]["path"] == "build/kiosk/"
    deploy = publish["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert any("deploy-pages" in s.get("uses", "") for s in deploy["steps"])


# pr-summary on a real git history ---------------------------------------------------------


def git(root: Path, *args: str) -> str:
    identity = ["-c", "user.name=测试", "-c", "user.email=test@example.invalid"]
    result = subprocess.run(
        ["git", *identity, *args], cwd=root, check=True, capture_output=True, text=True
    )
    return result.stdout


def base_and_branch(repo: Repo) -> dict[str, Path]:
    """A base commit on main with three approved items, then a branch that changes them."""
    root = repo.root
    (root / "content/external/budget/files").mkdir(parents=True)
    (root / "content/external/budget/files/table.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    items = {
        "edited": repo.add_item("content/external/budget/edited.md", index_no=f"{ORG}/2024-00001"),
        "attached": repo.add_item(
            "content/external/budget/attached.md",
            index_no=f"{ORG}/2024-00002",
            attachments=[{"path": "files/table.csv", "title": "表"}],
        ),
        "removed": repo.add_item(
            "content/external/budget/removed.md", index_no=f"{ORG}/2024-00003"
        ),
        "untouched": repo.add_item(
            "content/external/budget/untouched.md", index_no=f"{ORG}/2024-00004"
        ),
    }
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "feature")
    items["new"] = repo.write_item(
        "content/external/budget/new.md", index_no=f"{ORG}/2024-00005", title="新增的条目"
    )
    items["approved"] = repo.add_item(
        "content/external/budget/approved.md", index_no=f"{ORG}/2024-00006", title="已审批的条目"
    )
    edited = items["edited"]
    edited.write_text(edited.read_text("utf-8").replace("52.3%", "52.4%"), encoding="utf-8")
    (root / "content/external/budget/files/table.csv").write_text("a,b\n1,3\n", encoding="utf-8")
    items["removed"].unlink()
    git(root, "add", "-A")
    git(root, "commit", "-qm", "change")
    return items


def test_pr_summary_lists_added_and_changed_items_with_their_approvals(repo: Repo) -> None:
    base_and_branch(repo)
    result = CliRunner().invoke(main, ["--root", str(repo.root), "pr-summary", "--base", "main"])
    assert result.exit_code == 0, result.output
    out = result.output
    rows = {
        m.group(1): line
        for line in out.splitlines()
        if (m := re.search(r"`content/external/budget/(\w+)\.md`", line))
    }
    assert set(rows) == {"new", "approved", "edited", "attached", "removed"}
    assert rows["new"].startswith("| 新增 | **新增的条目**")
    assert "⏳ 待科室负责人审核（尚未审批，可由 钱立新 审批）<br>之后：分管领导审批" in rows["new"]
    assert rows["approved"].startswith("| 新增 |")
    assert "✅ 已完成审批（科室负责人审核 钱立新、分管领导审批 林志远）" in rows["approved"]
    assert rows["edited"].startswith("| 修改 |")
    assert "⏳ 待科室负责人审核（审批后已修改" in rows["edited"]
    assert rows["attached"].startswith("| 附件修改 |") and "附件 table.csv 修改" in rows["attached"]
    assert "审批后已修改" in rows["attached"]
    assert rows["removed"].startswith("| 删除 | **2024年区本级一般公共预算执行情况（第二季度）**")
    assert "共 4 个条目：1 个已完成审批，3 个尚未完成。" in out


def test_pr_summary_without_item_changes_and_with_a_bad_base(repo: Repo) -> None:
    repo.add_item()
    git(repo.root, "init", "-q", "-b", "main")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-qm", "base")
    runner = CliRunner()
    result = runner.invoke(main, ["--root", str(repo.root), "pr-summary", "--base", "main"])
    assert result.exit_code == 0
    assert "本次合并请求没有新增或修改条目。" in result.output
    result = runner.invoke(main, ["--root", str(repo.root), "pr-summary", "--base", "no-such"])
    assert result.exit_code == 1
    assert "无法与 no-such 比较" in result.output


def _run_steps(workflow: Path, job: str) -> list[dict[str, object]]:
    steps = yaml.safe_load(workflow.read_text("utf-8"))["jobs"][job]["steps"]
    return [s for s in steps if "run" in s and "pip install" not in s["run"]]


@pytest.mark.parametrize(
    ("workflow", "job"), [("pull-request.yml", "check"), ("publish.yml", "build")]
)
def test_workflow_commands_run_on_a_pull_request_checkout(
    repo: Repo, tmp_path: Path, workflow: str, job: str
) -> None:
    """Each ``run:`` step, as the runner would run it, in a clone-like repository."""
    items = base_and_branch(repo)
    for name in ("new", "edited", "attached"):  # make the branch valid, as a mergeable PR is
        repo.approve(items[name], date=dt.date(2024, 7, 20))
    git(repo.root, "commit", "-qam", "approved")
    git(repo.root, "update-ref", "refs/remotes/origin/main", "main")
    summary = tmp_path / "summary.md"
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(summary),
        "TZ": "Asia/Shanghai",
    }
    for step in _run_steps(REPO / ".github/workflows" / workflow, job):
        step_env = {
            k: str(v).replace("${{ github.base_ref }}", "main")
            for k, v in dict(step.get("env", {})).items()  # type: ignore[call-overload]
        }
        script = str(step["run"])
        assert "${{" not in script and all("${{" not in v for v in step_env.values()), step
        result = subprocess.run(
            ["bash", "-eo", "pipefail", "-c", script],
            cwd=repo.root,
            env={**env, **step_env},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"{step['name']}: {result.stdout}{result.stderr}"
    assert (repo.root / "build/public/index.html").is_file()
    assert (repo.root / "build/kiosk/index.html").is_file()
    if workflow == "pull-request.yml":
        text = summary.read_text("utf-8")
        assert "## 条目变更（对比 `origin/main`）" in text
        assert "共 4 个条目：4 个已完成审批，0 个尚未完成。" in text
