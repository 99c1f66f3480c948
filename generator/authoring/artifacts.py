"""``catalogue purge-artifacts``: after a withdrawal, delete the CI artifacts that may hold it.

A withdrawn item leaves the next build, but earlier workflow runs keep what they built
as artifacts: every pull request's preview (``preview-pr-N``), the kiosk zip of each
publish (``kiosk-N``) and the Pages upload (``github-pages``). Anyone who can read the
repository can download them, so the publish workflow runs this command after a push that
withdraws an item, and it deletes every such artifact made before the current run.

Which artifacts hold the item cannot be told without downloading each one, and a
withdrawal's own date says nothing about when it reached ``main`` (a preview built the
day after ``catalogue withdraw``, from a base without the withdrawal, still holds the
item), so the purge takes all of them: a preview is rebuilt by the pull request's next
push, a kiosk zip by the next publish.
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click

from ..catalogue import CatalogUnusable, load_catalogue
from ..parallel.reading import ParallelReader
from ..source.items import Item, parse_item
from .cliutil import CatalogueError

# The artifacts the workflows upload that hold public or kiosk pages.
PURGED_PREFIXES = ("preview-pr-", "kiosk-")
PURGED_NAMES = ("github-pages",)
NO_COMMIT = "0" * 40  # what GitHub sends as ``before`` for a branch's first push


@dataclass(frozen=True)
class Artifact:
    id: int
    name: str
    created_at: str
    run_id: int | None


def holds_pages(name: str) -> bool:
    return name in PURGED_NAMES or name.startswith(PURGED_PREFIXES)


def newly_withdrawn(root: Path, since: str | None) -> list[Item]:
    """Withdrawn items whose withdrawal is not in the catalogue at commit ``since``.

    With no usable ``since`` every withdrawn item counts: purging once too often costs
    a rebuilt preview, missing a withdrawal leaves the item downloadable."""
    try:
        catalogue = load_catalogue(root, ParallelReader())
    except CatalogUnusable:
        raise CatalogueError("catalog.yaml 有错误，无法判断哪些条目已撤回。") from None
    withdrawn = [item for item in catalogue.items if item.meta.withdrawn is not None]
    if not since or since == NO_COMMIT:
        return withdrawn
    return [item for item in withdrawn if not _withdrawn_at(root, since, item)]


def _withdrawn_at(root: Path, commit: str, item: Item) -> bool:
    """Whether ``item``'s file at ``commit`` already records a withdrawal."""
    try:
        shown = subprocess.run(
            ["git", "show", f"{commit}:{item.path}"],
            cwd=root,
            capture_output=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise CatalogueError(f"无法运行 git：{exc}") from exc
    if shown.returncode != 0:
        return False  # the file is new, or ``commit`` is not in this clone's history
    text = shown.stdout.decode("utf-8", "replace").replace("\r\n", "\n")
    earlier, _ = parse_item(text, item.path, item.file, lambda _path: "")
    return earlier is not None and earlier.meta.withdrawn is not None


class GitHubArtifacts:
    """The Actions artifacts of one repository, through GitHub's REST API."""

    def __init__(self, api_url: str, repository: str, token: str) -> None:
        self.base = f"{api_url.rstrip('/')}/repos/{repository}/actions/artifacts"
        self.token = token

    def _request(self, method: str, url: str) -> bytes:
        request = urllib.request.Request(url, method=method)
        request.add_header("Accept", "application/vnd.github+json")
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("X-GitHub-Api-Version", "2022-11-28")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            raise CatalogueError(
                f"GitHub 拒绝了请求（{method} {url}：HTTP {exc.code}）；"
                "请确认工作流有 actions: write 权限。"
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            raise CatalogueError(f"无法连接 GitHub（{url}）：{exc}") from None

    def listed(self) -> Iterator[Artifact]:
        page = 1
        while True:
            data = json.loads(self._request("GET", f"{self.base}?per_page=100&page={page}"))
            artifacts = data.get("artifacts") or []
            for entry in artifacts:
                run = entry.get("workflow_run") or {}
                yield Artifact(
                    int(entry["id"]), str(entry["name"]), str(entry["created_at"]), run.get("id")
                )
            if len(artifacts) < 100:
                return
            page += 1

    def delete(self, artifact: Artifact) -> None:
        self._request("DELETE", f"{self.base}/{artifact.id}")


def purge(artifacts: GitHubArtifacts, current_run: int | None) -> list[Artifact]:
    """Delete every artifact holding pages that an earlier run made; return them."""
    doomed = [
        artifact
        for artifact in artifacts.listed()
        if holds_pages(artifact.name) and (current_run is None or artifact.run_id != current_run)
    ]
    for artifact in doomed:
        artifacts.delete(artifact)
    return doomed


def _environment(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise CatalogueError(f"缺少环境变量 {name}：此命令在 GitHub Actions 的发布流程中运行。")
    return value


@click.command(
    "purge-artifacts",
    help="有条目被撤回时，删除此前工作流留下的预览、触摸屏和网站附件（在发布流程中运行）。",
)
@click.option(
    "--since",
    help="上一次发布的提交（github.event.before）；只有此后新撤回的条目才触发删除。",
)
@click.pass_obj
def purge_artifacts(root: Path, since: str | None) -> None:
    withdrawn = newly_withdrawn(root, since)
    if not withdrawn:
        click.echo("本次没有新撤回的条目，不删除附件。")
        return
    click.echo("新撤回的条目：" + "、".join(item.path for item in withdrawn))
    artifacts = GitHubArtifacts(
        os.environ.get("GITHUB_API_URL", "https://api.github.com"),
        _environment("GITHUB_REPOSITORY"),
        _environment("GITHUB_TOKEN"),
    )
    run = os.environ.get("GITHUB_RUN_ID", "")
    deleted = purge(artifacts, int(run) if run.isdigit() else None)
    for artifact in deleted:
        click.echo(f"已删除附件 {artifact.name}（{artifact.created_at}）")
    click.echo(f"共删除 {len(deleted)} 个可能含有已撤回条目的附件。")
