"""Bad input from a tired colleague: every case is a coded problem naming the file and line,
through both ``catalogue validate`` and ``catalogue build``; never a traceback, always exit 1,
and the previous build/ stays exactly as it was."""

from __future__ import annotations

import os
import resource
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import DEFAULT_FRONT_MATTER, Repo, front_matter_text, line_of
from sitetext import files_of

from generator.cli import main
from generator.source.guard import ITEM_SIZE_LIMIT

ITEM = "content/external/budget/2024-q2.md"


def invoke(root: Path, *args: str) -> tuple[Result, str]:
    result = CliRunner().invoke(main, ["--root", str(root), *args], env={"GITHUB_ACTIONS": ""})
    return result, result.stdout + result.stderr


def cpu_seconds() -> float:
    """CPU time of this process and the children it waited for: the work a run did. Bad
    input stalls a run by making it work (an alias bomb, a huge file), and work, unlike
    the wall clock, takes no longer on a machine busy with other things."""
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def previous_build(root: Path) -> dict[str, bytes]:
    """A stand-in for yesterday's build, returned as a snapshot to compare against."""
    (root / "build/public").mkdir(parents=True, exist_ok=True)
    (root / "build/public/index.html").write_text("昨天的网站", encoding="utf-8")
    (root / "build/kiosk").mkdir(parents=True, exist_ok=True)
    (root / "build/kiosk/index.html").write_text("昨天的触摸屏", encoding="utf-8")
    return snapshot(root)


def snapshot(root: Path) -> dict[str, bytes]:
    return files_of(root / "build")


def item_text(**overrides: object) -> str:
    fields = {k: v for k, v in {**DEFAULT_FRONT_MATTER, **overrides}.items() if v is not None}
    return f"---\n{front_matter_text(fields)}---\n\n## 执行情况\n\n收入完成52.3%。\n"


def write(repo: Repo, data: bytes | str, rel: str = ITEM) -> Path:
    path = repo.root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


# Each case breaks the repository and returns (file, line, code) of the expected problem.
Case = Callable[[Repo], tuple[str, int, str]]


def _malformed_yaml(r: Repo) -> tuple[str, int, str]:
    path = write(r, item_text(title="预算: 执行: 情况"))
    return ITEM, line_of(path, "title:"), "Y008"  # an unquoted colon, on its own line


def _duplicate_key(r: Repo) -> tuple[str, int, str]:
    path = write(r, item_text().replace("owner: budget\n", "owner: budget\nowner: treasury\n"))
    return ITEM, line_of(path, "owner: treasury"), "Y002"


def _tab_indent(r: Repo) -> tuple[str, int, str]:
    text = item_text().replace("summary:", "changes:\n\t- {date: 2024-07-21, note: 更正}\nsummary:")
    path = write(r, text)
    return ITEM, line_of(path, "\t- {date"), "Y004"


def _gbk(r: Repo) -> tuple[str, int, str]:
    write(r, item_text().encode("gbk"))
    return ITEM, 2, "F002"  # the title holds the first byte that is not UTF-8


def _empty(r: Repo) -> tuple[str, int, str]:
    write(r, b"")
    return ITEM, 1, "F008"


def _huge(r: Repo) -> tuple[str, int, str]:
    path = write(r, item_text())
    with path.open("r+b") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: costs no disk, reads as NULs
    return ITEM, 1, "F005"


def _symlinked_item(r: Repo) -> tuple[str, int, str]:
    outside = r.root.parent / "outside.md"
    outside.write_text(item_text(), encoding="utf-8")
    (r.root / ITEM).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(outside, r.root / ITEM)
    return ITEM, 1, "F006"


def _symlinked_attachment(r: Repo) -> tuple[str, int, str]:
    secret = r.root.parent / "personnel.csv"
    secret.write_text("姓名,职务\n", encoding="utf-8")
    folder = r.root / "content/external/budget/files"
    folder.mkdir(parents=True)
    os.symlink(secret, folder / "table.csv")
    path = r.write_item(ITEM, attachments=[{"path": "files/table.csv", "title": "表"}])
    return ITEM, line_of(path, "attachments:"), "L406"


def _dotdot_attachment(r: Repo) -> tuple[str, int, str]:
    (r.root / "catalog-backup.csv").write_text("x", encoding="utf-8")
    path = r.write_item(ITEM, attachments=[{"path": "../../../catalog-backup.csv", "title": "表"}])
    return ITEM, line_of(path, "attachments:"), "L402"


def _absolute_attachment(r: Repo) -> tuple[str, int, str]:
    path = r.write_item(ITEM, attachments=[{"path": "/etc/passwd", "title": "表"}])
    return ITEM, line_of(path, "attachments:"), "L402"


def _nul_in_attachment_path(r: Repo) -> tuple[str, int, str]:
    path = r.write_item(ITEM, attachments=[{"path": '"files/a\\0.csv"', "title": "表"}])
    return ITEM, line_of(path, "attachments:"), "L402"


def _overlong_attachment_name(r: Repo) -> tuple[str, int, str]:
    path = r.write_item(ITEM, attachments=[{"path": "files/" + "长" * 300 + ".csv", "title": "表"}])
    return ITEM, line_of(path, "attachments:"), "L401"


def _nul_in_body_link(r: Repo) -> tuple[str, int, str]:
    path = r.write_item(ITEM, body="## 附表\n\n详见[附表](files/a%00.csv)。\n")
    return ITEM, line_of(path, "详见"), "L404"


def _binary_renamed(r: Repo) -> tuple[str, int, str]:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256))
    write(r, png)
    return ITEM, 3, "F007"  # the first NUL follows the signature's two line breaks


def _impossible_date(r: Repo) -> tuple[str, int, str]:
    path = write(r, item_text(written="2024-02-30"))
    return ITEM, line_of(path, "written:"), "S104"


def _front_matter_list(r: Repo) -> tuple[str, int, str]:
    write(r, "---\n- title\n- index_no\n---\n\n正文\n")
    return ITEM, 2, "F003"


def _yaml_alias_bomb(r: Repo) -> tuple[str, int, str]:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 10)]
    text = item_text().replace("---\n", "---\n" + "\n".join(lines) + "\n", 1)
    write(r, text)
    return ITEM, 2, "Y005"


def _unknown_category_in_catalog(r: Repo) -> tuple[str, int, str]:
    catalog = r.root / "catalog.yaml"
    text = catalog.read_text(encoding="utf-8")
    text = text.replace("category: procurement, title:", "category: procurment, title:", 1)
    catalog.write_text(text, encoding="utf-8")
    return "catalog.yaml", line_of(catalog, "category: procurment"), "C201"


def _missing_catalog(r: Repo) -> tuple[str, int, str]:
    (r.root / "catalog.yaml").unlink()
    return "catalog.yaml", 1, "C203"


def _malformed_catalog(r: Repo) -> tuple[str, int, str]:
    catalog = r.root / "catalog.yaml"
    text = catalog.read_text(encoding="utf-8").replace("  name: 青禾市", "  name: [青禾市", 1)
    catalog.write_text(text, encoding="utf-8")
    return "catalog.yaml", line_of(catalog, "name: [青禾市"), "Y009"  # where it opens


CASES: dict[str, Case] = {
    "malformed YAML": _malformed_yaml,
    "duplicate key": _duplicate_key,
    "tab indentation": _tab_indent,
    "GBK encoding": _gbk,
    "empty file": _empty,
    "50 MB file": _huge,
    "symlinked item": _symlinked_item,
    "symlinked attachment": _symlinked_attachment,
    "attachment path with ..": _dotdot_attachment,
    "absolute attachment path": _absolute_attachment,
    "NUL in attachment path": _nul_in_attachment_path,
    "over-long attachment name": _overlong_attachment_name,
    "NUL in a body link": _nul_in_body_link,
    "binary renamed .md": _binary_renamed,
    "date 2024-02-30": _impossible_date,
    "front matter is a list": _front_matter_list,
    "YAML alias bomb": _yaml_alias_bomb,
    "unknown category in catalog.yaml": _unknown_category_in_catalog,
    "missing catalog.yaml": _missing_catalog,
    "malformed catalog.yaml": _malformed_catalog,
}


@pytest.mark.parametrize("command", ["validate", "build"])
@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_input_is_a_coded_problem_and_the_build_stays(
    repo: Repo, case: str, command: str
) -> None:
    before = previous_build(repo.root)
    path, line, code = CASES[case](repo)
    started = cpu_seconds()
    result, output = invoke(repo.root, command, *(["--today", "2024-07-25"]))
    assert cpu_seconds() - started < 20, "bad input must not stall the run"
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in output and "X001" not in output, output
    assert result.exit_code == 1, output
    assert f"{path}:{line}: {code} " in output, output
    assert snapshot(repo.root) == before
    assert [p.name for p in repo.root.iterdir() if p.name.startswith(".build")] == []


def test_huge_file_names_its_size(repo: Repo) -> None:
    _huge(repo)
    _, output = invoke(repo.root, "validate")
    assert "文件过大：50.0 MB，条目文件最大 5.0 MB" in output
    assert ITEM_SIZE_LIMIT == 5 * 1024 * 1024


def test_bom_is_accepted_and_signs_like_the_plain_file(repo: Repo) -> None:
    plain = repo.add_item()
    digest = repo.load().items[0].digest
    # A BOM is what Windows Notepad writes: invisible to staff and harmless once decoded,
    # so it is accepted silently rather than warned about.
    plain.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())
    result, output = invoke(repo.root, "validate", "--today", "2024-07-25")
    assert result.exit_code == 0, output
    assert repo.load().items[0].digest == digest


def test_mixed_line_endings_are_accepted_and_lines_stay_right(repo: Repo) -> None:
    path = repo.add_item(category="budgt")
    lines = path.read_text(encoding="utf-8").split("\n")
    endings = ["\r\n", "\n", "\r"]
    mixed = "".join(line + endings[n % 3] for n, line in enumerate(lines[:-1])) + lines[-1]
    path.write_bytes(mixed.encode("utf-8"))
    expected = next(n for n, line in enumerate(lines, 1) if line.startswith("category:"))
    result, output = invoke(repo.root, "validate", "--today", "2024-07-25")
    assert result.exit_code == 1
    assert f"{ITEM}:{expected}: I305 " in output
    assert "A507" not in output  # normalised before the digest: still the approved content


def test_unexpected_errors_are_reported_without_a_traceback(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(root: Path, reader: object = None, **kwargs: object) -> None:
        raise RuntimeError("模拟的程序错误")

    monkeypatch.setattr("generator.cli.load_catalogue", broken)
    result, output = invoke(repo.root, "validate")
    assert result.exit_code == 1
    assert "X001 程序内部错误：RuntimeError: 模拟的程序错误" in output
    assert "请把本条信息" in output and "Traceback" not in output
    monkeypatch.setenv("CATALOGUE_DEBUG", "1")
    result, _ = invoke(repo.root, "validate")
    assert isinstance(result.exception, RuntimeError)  # developers still get the traceback
