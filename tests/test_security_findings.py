"""Regression tests for the findings of the hostile review (docs/security.md): each test
is named after the finding it closes, and fails on the code the review attacked."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BUILD_DAY, Repo, line_of

from generator.build import BuildContext, BuildRefused, build_catalogue
from generator.cli import main
from generator.output.writer import UnsafeOutputPath, output_path
from generator.source.guard import path_fault

# An item hidden in a folder named like the repository's virtual environment: its
# attachment climbs out of the item's folder and back in, so the file it names lies
# beside the item, but the path, joined to the output's items/<id>/ folder, leads to
# the repository's real .venv, whose .pth files Python runs at every start.
VENV_ITEM = "content/external/budget/.venv/lib/python3.11/site-packages/2026-notes.md"
CLIMB_BACK_IN = "../../../../.venv/lib/python3.11/site-packages/evil.pth"


def _planted(repo: Repo, item: str, attachment: str, payload: str) -> Path:
    """An item whose attachment path is ``attachment``; the file it names holds ``payload``."""
    path = repo.root / item
    target = (path.parent / attachment).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(payload, encoding="utf-8")
    written = repo.write_item(item, attachments=[{"path": attachment, "title": "附表"}])
    for step, by in (("initial", "钱立新"), ("leader", "林志远")):
        repo.force_approve(written, step, by)  # as a clerk with commit rights could
    return written


@pytest.mark.parametrize(
    ("item", "attachment"),
    [
        (VENV_ITEM, CLIMB_BACK_IN),
        # From a deep folder, back into that folder under another name.
        ("content/external/budget/a/b/2026-table.md", "../../a/b/files/table.csv"),
    ],
)
def test_attachment_paths_cannot_write_outside_build(
    repo: Repo, tmp_path: Path, item: str, attachment: str
) -> None:
    path = _planted(repo, item, attachment, "import os  # would run at every Python start\n")
    before = {p for p in repo.root.rglob("*")}
    result = CliRunner().invoke(main, ["--root", str(repo.root), "validate"])
    assert result.exit_code == 1
    assert f"{item}:{line_of(path, 'attachments:')}: L402" in result.output
    with pytest.raises(BuildRefused):
        build_catalogue(BuildContext(repo.root, repo.root / "build", BUILD_DAY))
    assert {p for p in repo.root.rglob("*")} == before  # nothing written, anywhere
    assert not (repo.root / ".venv").exists()


def test_output_paths_are_plain_relative_paths_inside_the_output(tmp_path: Path) -> None:
    """Whatever validation misses, no output file is written outside its output."""
    for unsafe in [
        "../evil.pth",
        "items/2026-00001/../../../evil.pth",
        "/etc/passwd",
        "items\\..\\evil",
        "C:evil",
        "items//a.html",
        "items/./a.html",
        "items/a\x00.html",
        "",
    ]:
        assert path_fault(unsafe) is not None, unsafe
        with pytest.raises(UnsafeOutputPath):
            output_path(tmp_path, unsafe)
    assert output_path(tmp_path, "items/2026-00001/files/表 1.pdf") == (
        tmp_path / "items" / "2026-00001" / "files" / "表 1.pdf"
    )
