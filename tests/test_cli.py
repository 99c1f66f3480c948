"""The ``catalogue`` command as section staff and CI use it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner
from conftest import REPO, Repo, line_of

from generator.cli import main


def run(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main, ["--root", str(root), *args], env=env or {"GITHUB_ACTIONS": ""}
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_sample_catalogue_validates(sample: Path) -> None:
    code, out, _ = run(sample, "validate")
    assert code == 0, out
    assert "错误" not in out


def test_sample_item_edited_after_approval_fails_with_its_line(sample: Path) -> None:
    path = next(p for p in sorted((sample / "content/external/budget").glob("*.md")))
    text = path.read_text(encoding="utf-8")
    head, body = text.rsplit("---\n", 1)
    path.write_text(head + "---\n" + body.replace("。", "，", 1), encoding="utf-8")
    code, out, _ = run(sample, "validate")
    assert code == 1
    rel = path.relative_to(sample).as_posix()
    first_digest = line_of(path, "digest:")
    assert f"{rel}:{first_digest}: A507" in out


def test_clean_file_exit_0_and_errors_exit_1(repo: Repo) -> None:
    path = repo.add_item()
    assert run(repo.root, "validate")[0] == 0
    path.write_text(
        path.read_text(encoding="utf-8").replace("category: budget", "category: budgt"),
        encoding="utf-8",
    )
    code, out, err = run(repo.root, "validate")
    assert code == 1
    assert f"content/external/budget/2024-q2.md:{line_of(path, 'category:')}: I305 " in out
    assert "发现" in err


def test_usage_error_exits_2(repo: Repo) -> None:
    assert run(repo.root, "validate", "--format", "xml")[0] == 2
    assert run(repo.root, "validate", "no/such/path")[0] == 2


def test_github_format_prints_annotations(repo: Repo) -> None:
    path = repo.add_item(category="budgt")
    code, out, _ = run(repo.root, "validate", "--format", "github")
    line = line_of(path, "category:")
    assert code == 1
    assert f"::error file=content/external/budget/2024-q2.md,line={line},title=I305::" in out


def test_github_format_is_automatic_under_actions(repo: Repo) -> None:
    repo.add_item(category="budgt")
    _, out, _ = run(repo.root, "validate", env={"GITHUB_ACTIONS": "true"})
    assert out.startswith("::error file=")


def test_json_format(repo: Repo) -> None:
    path = repo.add_item(summary=None)
    code, out, _ = run(repo.root, "validate", "--format", "json", "--today", "2024-07-25")
    rows = [r for r in json.loads(out) if r["path"] != "catalog.yaml"]  # empty categories
    assert code == 0
    assert rows == [
        {
            "path": "content/external/budget/2024-q2.md",
            "line": line_of(path, "title:"),
            "code": "I315",
            "severity": "warning",
            "message": rows[0]["message"],
        }
    ]


def test_strict_turns_warnings_into_errors(repo: Repo) -> None:
    repo.add_item(summary=None)
    assert run(repo.root, "validate")[0] == 0
    assert run(repo.root, "validate", "--strict")[0] == 1


def test_paths_limit_the_report(repo: Repo) -> None:
    repo.add_item("content/external/budget/a.md", category="budgt")
    good = repo.add_item(
        "content/external/rules/b.md", index_no="11330109002468135T/2024-00002", category="rules"
    )
    assert run(repo.root, "validate", str(good))[0] == 0
    assert run(repo.root, "validate", str(repo.root / "content/external/budget"))[0] == 1


def test_approve_command_records_and_check_explains(repo: Repo) -> None:
    path = repo.write_item()
    code, out, _ = run(
        repo.root,
        "approve",
        str(path),
        "--step",
        "initial",
        "--by",
        "钱立新",
        "--date",
        "2024-07-12",
        "--yes",
    )
    assert code == 0 and "已记录" in out
    code, out, _ = run(repo.root, "approve", "--check", str(path))
    assert code == 1 and "✓ 科室负责人审核" in out and "✗ 分管领导审批：尚未审批" in out
    run(
        repo.root,
        "approve",
        str(path),
        "--step",
        "leader",
        "--by",
        "林志远",
        "--date",
        "2024-07-13",
        "--yes",
    )
    assert run(repo.root, "approve", "--check", str(path))[0] == 0


def test_approve_refusal_is_explained_in_chinese(repo: Repo) -> None:
    path = repo.write_item()
    code, _, err = run(
        repo.root, "approve", str(path), "--step", "initial", "--by", "赵敏", "--date", "2024-07-12"
    )
    assert code == 1
    assert "填报人“赵敏”不能审批自己填报的条目" in err
    assert "错误：未记录审批" in err


def test_approve_check_names_what_changed_since_approval(repo: Repo) -> None:
    import subprocess

    path = repo.add_item()
    subprocess.run(["git", "init", "-q"], cwd=repo.root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo.root, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "x"],
        cwd=repo.root,
        check=True,
    )
    path.write_text(
        path.read_text(encoding="utf-8").replace("published: 2024-07-20", "published: 2024-07-22"),
        encoding="utf-8",
    )
    code, out, _ = run(repo.root, "approve", "--check", str(path))
    assert code == 1
    assert "此后修改了：元数据 published" in out


def test_missing_catalog_yaml_is_a_coded_error(tmp_path: Path) -> None:
    code, out, _ = run(tmp_path, "validate")
    assert code == 1
    assert "catalog.yaml:1: C203" in out


def test_every_command_reports_an_unusable_catalog_yaml_and_fails(tmp_path: Path) -> None:
    item = tmp_path / "content/external/budget/a.md"
    item.parent.mkdir(parents=True)
    item.write_text("---\ntitle: 预算\n---\n", encoding="utf-8")
    expected = {
        ("status",): "",
        ("report", "--year", "2024"): "",
        ("build",): "错误：存在错误，未生成网站；build/ 保持上一次的结果。",
        ("approve", str(item)): f"错误：无法读取条目 {item}，请先修正上述问题。",
        ("approve", "--all-pending", "--by", "张三"): "错误：catalog.yaml 有错误，请先修正。",
        ("codeowners",): "错误：catalog.yaml 有错误，请先运行 catalogue validate 修正。",
    }
    for args, message in expected.items():
        code, out, err = run(tmp_path, *args)
        assert code == 1, args
        assert message in err, (args, err)
        if args[0] != "codeowners":  # it names no problem: validate does
            assert "catalog.yaml:1: C203" in out, (args, out)
    assert not (tmp_path / "build").exists()


def test_python_dash_m_generator_works() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "generator", "--help"], capture_output=True, text=True, cwd=REPO
    )
    assert result.returncode == 0 and "政务公开目录" in result.stdout


def test_build_progress_only_at_a_terminal(repo: Repo) -> None:
    import io

    from generator.build import BuildContext, build_catalogue
    from generator.cli import terminal_progress
    from generator.incremental.update import Reuse

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    repo.add_item()
    assert terminal_progress(io.StringIO()) is None
    screen = Terminal()
    build_catalogue(
        BuildContext(
            repo.root, repo.root / "build", dt.date(2024, 8, 1), progress=terminal_progress(screen)
        ),
        Reuse(),
    )
    lines = screen.getvalue().splitlines()
    assert lines[0].endswith("已读取并校验 1 个条目")
    assert any("公众网站：1 个条目" in line for line in lines)
    assert lines[-1].endswith("搜索索引已生成") and all(
        line.startswith("[") and "秒]" in line for line in lines
    )
    code, out, err = run(
        repo.root, "build", "--today", "2024-08-01", "--out", str(repo.root / "b2")
    )
    assert code == 0 and "秒]" not in out + err  # CliRunner is not a terminal
