"""Regression tests for the findings of the hostile review (docs/security.md): each test
is named after the finding it closes, and fails on the code the review attacked."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import re
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BUILD_DAY, REPO, Repo, copy_sample, line_of
from sitetext import files_of

from generator.build import BuildContext, BuildRefused, build_catalogue
from generator.cli import main
from generator.incremental import sources
from generator.incremental.fingerprint import input_fingerprint
from generator.incremental.itemcache import file_stamps
from generator.incremental.pagecache import build_digest
from generator.incremental.update import Reuse
from generator.output.files import IN_PROGRESS_FILE
from generator.output.writer import UnsafeOutputPath, output_path, remove_stale_folders
from generator.source.guard import path_fault
from generator.source.items import content_files

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


# Finding 6: an interrupted incremental build. A child process runs the real
# `catalogue build` and, at a chosen point, tells the test through a pipe and waits
# for a signal; the test then kills it for real. The points are where an update has
# moved some of its files into build/ and not yet recorded them.
EDITED = "content/external/rules/2026-budget-performance.md"  # public 2026-00016
AFTER_ITEM_PAGES = "修改的条目页面已写入"  # Update's first step, moved in
AFTER_LISTINGS = "显示修改条目的列表页已写入"  # its second
DURING_INDEXING = "indexing"  # the last step's Pagefind runs started, nothing moved in yet
STOPPED_BUILD = """
import os, signal, sys
from generator.build.context import BuildContext
from generator.cli import main
from generator.search.indexing import Indexing

point, report = sys.argv[1], int(sys.argv[2])

def stop_here():
    os.write(report, b"reached")  # the test kills or signals this process now
    while True:
        signal.pause()

if point == "indexing":
    Indexing.wait = lambda self: stop_here()
else:
    stage_done = BuildContext.stage_done
    def stage_done_then_stop(self, text):
        stage_done(self, text)
        if text.startswith(point):
            stop_here()
    BuildContext.stage_done = stage_done_then_stop
main(sys.argv[3:])
"""


def _cli_build(root: Path, *args: str) -> str:
    result = CliRunner().invoke(
        main, ["--root", str(root), "build", "--today", BUILD_DAY.isoformat(), *args]
    )
    assert result.exit_code == 0, result.output
    return result.output


def _stopped_build(root: Path, point: str) -> subprocess.Popen[bytes]:
    """`catalogue build` in a child process of its own group, stopped at ``point``."""
    read, write = os.pipe()
    args = ["--root", str(root), "build", "--today", BUILD_DAY.isoformat()]
    child = subprocess.Popen(
        [sys.executable, "-c", STOPPED_BUILD, point, str(write), *args],
        pass_fds=[write],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        reached = pipe.read(7)  # blocks until the child reports, or ends without reaching it
    if reached != b"reached":
        _, err = child.communicate()
        raise AssertionError(f"the build never reached {point!r}: {err.decode()}")
    return child


def _edit_and_approve(root: Path) -> str:
    path = root / EDITED
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("title: ", "title: 修订：", 1), encoding="utf-8")
    Repo(root, fresh=False).approve(
        path, steps=(("initial", "钱立新"), ("leader", "林志远")), date=dt.date(2026, 5, 12)
    )
    return original


def _staging_folders(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".build-"))


def test_an_interrupted_incremental_build_leaves_no_wrong_output(tmp_path: Path) -> None:
    """``kill -9`` of `catalogue build` at several points of an edit's update, then the
    edit undone: the next build makes the bytes of a build without any cache."""
    root = copy_sample(tmp_path / "s")
    _cli_build(root)
    _cli_build(root, "--no-cache", "--out", str(tmp_path / "fresh"))
    fresh = files_of(tmp_path / "fresh", unzip=True, top=False)
    for point in (AFTER_ITEM_PAGES, AFTER_LISTINGS, DURING_INDEXING):
        original = _edit_and_approve(root)
        child = _stopped_build(root, point)
        os.killpg(child.pid, signal.SIGKILL)
        assert child.wait() == -signal.SIGKILL
        assert _staging_folders(root)  # what it was writing, left where it was
        if point != DURING_INDEXING:
            page = (root / "build/public/items/2026-00016.html").read_text(encoding="utf-8")
            assert "修订：" in page  # the killed build had changed build/ already
        (root / EDITED).write_text(original, encoding="utf-8")
        _cli_build(root)
        assert files_of(root / "build", unzip=True, top=False) == fresh, point
        assert _staging_folders(root) == [], point  # removed by the next build
    assert (root / "build" / IN_PROGRESS_FILE).exists() is False


@pytest.mark.parametrize(
    ("signum", "point"),
    [(signal.SIGTERM, AFTER_ITEM_PAGES), (signal.SIGHUP, DURING_INDEXING)],
    ids=["SIGTERM", "SIGHUP"],
)
def test_sigterm_and_sighup_stop_a_build_as_ctrl_c_does(
    tmp_path: Path, signum: int, point: str
) -> None:
    """A cancelled CI job or a closed terminal: the update is undone as on Ctrl+C, so
    build/ is the previous build, records included, and nothing is left beside it."""
    root = copy_sample(tmp_path / "s")
    _cli_build(root)
    before = files_of(root / "build", unzip=True)
    _edit_and_approve(root)
    child = _stopped_build(root, point)
    os.kill(child.pid, signum)  # the build process only, as `kill -TERM PID` does
    _, err = child.communicate()
    assert child.returncode == 1, err.decode()  # as click ends a command on Ctrl+C
    assert files_of(root / "build", unzip=True) == before
    assert _staging_folders(root) == []
    _cli_build(root)
    assert "修订：" in (root / "build/public/items/2026-00016.html").read_text(encoding="utf-8")


def test_stale_staging_folders_are_removed_by_the_next_build(tmp_path: Path) -> None:
    """Folders of killed builds go, in this version's names and in earlier ones'; those of
    a build still running (here: this process) stay."""
    out = tmp_path / "build"
    out.mkdir()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    stale = [
        f".build-step-{dead}-0123abcd",
        f".build-previous-{dead}-89ef4567",
        ".build-k2j_x9aa",
        ".build-previous-q1w2e3r4",
        ".build-retired-4242",
    ]
    running = f".build-stage-{os.getpid()}-0123abcd"
    for name in [*stale, running, ".build-notes"]:
        (tmp_path / name).mkdir()
        (tmp_path / name / "page.html").write_text("x", encoding="utf-8")
    assert sorted(p.name for p in remove_stale_folders(out)) == sorted(stale)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([".build-notes", "build", running])


# Finding 8: the smaller ones.
@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_build_folders_get_the_mode_the_umask_allows(tmp_path: Path, umask: int) -> None:
    """tempfile.mkdtemp made build/ 0700 whatever the umask: a web server running as
    another user got 403 for every page."""
    root = copy_sample(tmp_path / "s")
    previous = os.umask(umask)
    try:
        _cli_build(root)  # afresh: the staging folder becomes build/
        _edit_and_approve(root)
        _cli_build(root)  # an update: folders moved in from its steps
    finally:
        os.umask(previous)
    out = root / "build"
    folders = [out, *(p for p in out.rglob("*") if p.is_dir())]
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in folders} == {oct(0o777 & ~umask)}
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in out.rglob("*") if p.is_file()} == {
        oct(0o666 & ~umask)
    }


def test_moving_an_item_from_external_to_internal_leaves_no_empty_folders(
    tmp_path: Path,
) -> None:
    """Its items/<id>/files/ folders in public and kiosk went with their files."""
    root = copy_sample(tmp_path / "s")
    context = BuildContext(root, root / "build", BUILD_DAY, preview=True)
    build_catalogue(context, Reuse())
    source = root / "content/external/funds/2025-farmland-subsidy.md"
    target = root / "content/internal/staff-affairs/2025-farmland-subsidy.md"
    (target.parent / "files").mkdir(parents=True, exist_ok=True)
    os.replace(
        source.parent / "files/2025-farmland-subsidy.csv",
        target.parent / "files/2025-farmland-subsidy.csv",
    )
    text = source.read_text(encoding="utf-8").replace("category: funds", "category: staff-affairs")
    target.write_text(text.replace("owner: agriculture", "owner: personnel"), encoding="utf-8")
    source.unlink()
    assert (root / "build/public/items/2025-00022/files").is_dir()
    result = build_catalogue(BuildContext(root, root / "build", BUILD_DAY, preview=True), Reuse())
    assert result.updated
    fresh = tmp_path / "fresh"
    build_catalogue(BuildContext(root, fresh, BUILD_DAY, preview=True), Reuse(reuse_output=False))

    def folders(out: Path) -> set[str]:
        return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_dir()}

    assert not (root / "build/public/items/2025-00022").exists()
    assert not (root / "build/kiosk/items/2025-00022").exists()
    assert folders(root / "build") == folders(fresh)
    assert files_of(root / "build", unzip=True, top=False) == files_of(fresh, unzip=True, top=False)


def test_cache_keys_and_the_build_fingerprint_follow_library_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new Markdown (or any library that shapes output) must not be taken for the one
    an output or the item cache was made with; the lock file pins them all."""
    root = copy_sample(tmp_path / "s")
    theme = root / "themes/default"
    stamps = file_stamps(content_files(root))

    def keys() -> tuple[str, str, str | None]:
        sources.library_versions.cache_clear()
        return (
            build_digest(root, theme, BUILD_DAY, "build"),
            sources.generator_digest(),  # the item cache's version
            input_fingerprint(root, BUILD_DAY, "build", stamps, 2**62),
        )

    installed = keys()
    real_version = importlib.metadata.version
    for library in sources.SHAPING_LIBRARIES:
        with monkeypatch.context() as patch:
            patch.setattr(
                importlib.metadata,
                "version",
                lambda name, lib=library: "99.0" if name == lib else real_version(name),
            )
            changed = keys()
        assert all(a != b for a, b in zip(installed, changed, strict=True)), library
    with monkeypatch.context() as patch:
        patch.setattr(sys, "version", sys.version + " (another build)")
        assert all(a != b for a, b in zip(installed, keys(), strict=True))
    assert keys() == installed
    lock = (REPO / "requirements.lock").read_text(encoding="utf-8")
    pinned = {
        re.sub(r"[-_.]+", "-", line.split("==")[0]).lower()
        for line in lock.splitlines()
        if "==" in line
    }
    for library in sources.SHAPING_LIBRARIES:
        assert re.sub(r"[-_.]+", "-", library).lower() in pinned, library
    assert "-c requirements.lock" in (REPO / "Makefile").read_text(encoding="utf-8")
