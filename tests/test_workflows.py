"""The GitHub workflows: linted by actionlint, and the commands they run, run here."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


# After a withdrawal, the publish workflow deletes earlier artifacts ------------------------


class FakeGitHub(ThreadingHTTPServer):
    """GitHub's artifacts API for one repository: lists in pages of 100, records deletes."""

    def __init__(self, artifacts: list[dict[str, object]], refuse: bool = False) -> None:
        super().__init__(("127.0.0.1", 0), FakeGitHubHandler)
        self.artifacts = artifacts
        self.refuse = refuse
        self.requests: list[tuple[str, str, str]] = []  # method, path, authorization

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class FakeGitHubHandler(BaseHTTPRequestHandler):
    server: FakeGitHub
    PREFIX = "/repos/bureau/catalogue/actions/artifacts"

    def log_message(self, *args: object) -> None:
        pass

    def _record(self) -> bool:
        self.server.requests.append(
            (self.command, self.path, self.headers.get("Authorization", ""))
        )
        if self.server.refuse:
            self.send_response(403)
            self.end_headers()
            return False
        return True

    def do_GET(self) -> None:
        if not self._record():
            return
        url = urllib.parse.urlsplit(self.path)
        assert url.path == self.PREFIX, url.path
        query = urllib.parse.parse_qs(url.query)
        size, page = int(query["per_page"][0]), int(query["page"][0])
        shown = self.server.artifacts[(page - 1) * size : page * size]
        body = json.dumps({"total_count": len(self.server.artifacts), "artifacts": shown})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def do_DELETE(self) -> None:
        if not self._record():
            return
        wanted = int(self.path.removeprefix(self.PREFIX + "/"))
        self.server.artifacts = [a for a in self.server.artifacts if a["id"] != wanted]
        self.send_response(204)
        self.end_headers()


def _artifact(number: int, name: str, run: int) -> dict[str, object]:
    created = f"2026-11-{1 + number % 28:02d}T08:00:00Z"
    return {"id": number, "name": name, "created_at": created, "workflow_run": {"id": run}}


@contextlib.contextmanager
def fake_github(artifacts: list[dict[str, object]], refuse: bool = False) -> Iterator[FakeGitHub]:
    server = FakeGitHub(artifacts, refuse)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _purge_step(env: dict[str, str], root: Path) -> subprocess.CompletedProcess[str]:
    """Run the publish workflow's purge job's steps as the runner would."""
    result = None
    for step in _run_steps(REPO / ".github/workflows/publish.yml", "purge"):
        step_env = {str(k): str(v) for k, v in dict(step.get("env", {})).items()}  # type: ignore[call-overload]
        assert step_env.pop("BEFORE") == "${{ github.event.before }}"
        assert step_env.pop("GITHUB_TOKEN") == "${{ github.token }}"
        result = subprocess.run(
            ["bash", "-eo", "pipefail", "-c", str(step["run"])],
            cwd=root,
            env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", **env},
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert result is not None, "the purge job runs a step"
    return result


def test_a_withdrawal_purges_earlier_artifacts(repo: Repo) -> None:
    """A push that withdraws an item deletes every earlier preview, kiosk zip and Pages
    upload (they may hold it), across pages of the API's list, and nothing else; a push
    without a new withdrawal deletes nothing; a refused request is a Chinese error."""
    job = yaml.safe_load((REPO / ".github/workflows/publish.yml").read_text("utf-8"))["jobs"][
        "purge"
    ]
    assert job["permissions"]["actions"] == "write"
    assert "schedule" in job["if"]  # the daily run never purges
    item = repo.add_item("content/external/budget/leak.md", index_no=f"{ORG}/2024-00001")
    git(repo.root, "init", "-q", "-b", "main")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-qm", "published")
    before = git(repo.root, "rev-parse", "HEAD").strip()
    args = ["--root", str(repo.root), "withdraw", str(item), "--by", "林志远"]
    withdrawn = CliRunner().invoke(main, [*args, "--reason", "误公开个人信息"])
    assert withdrawn.exit_code == 0, withdrawn.output
    git(repo.root, "commit", "-qam", "withdraw")
    head = git(repo.root, "rev-parse", "HEAD").strip()

    current_run = 900
    names = [f"preview-pr-{n}" for n in range(120)] + ["kiosk-7", "github-pages", "coverage"]
    artifacts = [_artifact(n, name, run=n + 1) for n, name in enumerate(names)]
    artifacts += [_artifact(500, "kiosk-8", current_run), _artifact(501, "github-pages", 900)]
    env = {"GITHUB_REPOSITORY": "bureau/catalogue", "GITHUB_TOKEN": "t0ken", "TZ": "Asia/Shanghai"}
    env["GITHUB_RUN_ID"] = str(current_run)

    with fake_github(list(artifacts)) as github:
        result = _purge_step({**env, "GITHUB_API_URL": github.url, "BEFORE": head}, repo.root)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "本次没有新撤回的条目" in result.stdout
        assert github.requests == []  # no new withdrawal: GitHub is not even asked

        result = _purge_step({**env, "GITHUB_API_URL": github.url, "BEFORE": before}, repo.root)
        assert result.returncode == 0, result.stdout + result.stderr
        left = sorted((a["name"], a["workflow_run"]["id"]) for a in github.artifacts)  # type: ignore[index]
        assert left == [("coverage", 123), ("github-pages", 900), ("kiosk-8", 900)]
        assert "共删除 122 个可能含有已撤回条目的附件" in result.stdout
        assert {auth for _, _, auth in github.requests} == {"Bearer t0ken"}

        # A manual run (no previous commit) purges whenever an item is withdrawn.
        github.artifacts.append(_artifact(600, "preview-pr-3", 601))
        result = _purge_step({**env, "GITHUB_API_URL": github.url, "BEFORE": ""}, repo.root)
        assert result.returncode == 0, result.stdout + result.stderr
        assert all(a["id"] != 600 for a in github.artifacts)

    with fake_github([_artifact(1, "kiosk-1", 2)], refuse=True) as github:
        result = _purge_step({**env, "GITHUB_API_URL": github.url, "BEFORE": before}, repo.root)
        assert result.returncode == 1
        assert "GitHub 拒绝了请求" in result.stderr and "actions: write" in result.stderr
        assert "Traceback" not in result.stderr
