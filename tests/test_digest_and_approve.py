"""The digest covers what is published; approve rewrites only the approvals block."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from conftest import Repo

from generator.checks.approvals import ApprovalRefused, record_approval
from generator.source.digest import canonical_form
from generator.source.items import decode


def _digest(repo: Repo) -> str:
    (item,) = repo.load().items
    return item.digest


@pytest.fixture
def with_attachment(repo: Repo) -> Repo:
    folder = repo.root / "content/external/budget/files"
    folder.mkdir(parents=True)
    (folder / "q2.csv").write_text("项目,金额\n税收收入,1200\n", encoding="utf-8")
    repo.write_item(attachments=[{"path": "files/q2.csv", "title": "二季度执行表"}])
    return repo


def test_digest_is_stable_across_runs(with_attachment: Repo) -> None:
    assert _digest(with_attachment) == _digest(with_attachment)


def test_digest_matches_the_documented_canonical_form(with_attachment: Repo) -> None:
    (item,) = with_attachment.load().items
    csv = (with_attachment.root / "content/external/budget/files/q2.csv").read_bytes()
    document = {
        "attachments": [{"path": "files/q2.csv", "sha256": hashlib.sha256(csv).hexdigest()}],
        "body": item.body,
        "format": "catalogue-digest/1",
        "meta": {k: v for k, v in item.raw.items()},
    }
    expected = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert item.digest == "sha256:" + hashlib.sha256(expected.encode()).hexdigest()
    assert (
        canonical_form(item.raw, item.body, [("files/q2.csv", hashlib.sha256(csv).hexdigest())])
        == expected.encode()
    )


@pytest.mark.parametrize(
    "edit",
    [
        ("body", lambda t: t.replace("52.3%", "52.4%")),
        ("metadata value", lambda t: t.replace("published: 2024-07-20", "published: 2024-07-21")),
        (
            "added key",
            lambda t: t.replace("owner: budget\n", "owner: budget\ndoc_no: 澄财预〔2024〕1号\n"),
        ),
    ],
    ids=lambda e: e[0] if isinstance(e, tuple) else "",
)
def test_digest_changes_on_any_published_edit(with_attachment: Repo, edit: tuple) -> None:
    before = _digest(with_attachment)
    (path,) = (with_attachment.root / "content/external/budget").glob("*.md")
    path.write_text(edit[1](path.read_text(encoding="utf-8")), encoding="utf-8")
    assert _digest(with_attachment) != before


def test_digest_changes_when_attachment_bytes_change(with_attachment: Repo) -> None:
    before = _digest(with_attachment)
    (with_attachment.root / "content/external/budget/files/q2.csv").write_bytes(b"x,y\n")
    assert _digest(with_attachment) != before


def test_digest_ignores_yaml_formatting_and_approvals(with_attachment: Repo) -> None:
    before = _digest(with_attachment)
    (path,) = (with_attachment.root / "content/external/budget").glob("*.md")
    text = path.read_text(encoding="utf-8")
    text = text.replace("title: ", "# 注释不影响摘要\ntitle: ")
    path.write_text(text, encoding="utf-8")
    assert _digest(with_attachment) == before
    with_attachment.approve(path)
    assert _digest(with_attachment) == before


def test_approve_round_trips_everything_but_approvals(repo: Repo) -> None:
    path = repo.write_item()
    original = path.read_text(encoding="utf-8").replace("title: ", "# 保留的注释\ntitle:  ")
    path.write_text(original, encoding="utf-8")
    repo.approve(path)
    approved = path.read_text(encoding="utf-8")
    head, rest = approved.split("approvals:\n", 1)
    block, tail = rest.split("---\n", 1)
    assert head + "---\n" + tail == original
    assert block.count("- step:") == 2
    assert repo.codes(path) == []


def test_approve_replaces_an_existing_block_in_place(repo: Repo) -> None:
    path = repo.write_item()
    repo.approve(path, steps=(("initial", "钱立新"),))
    text = path.read_text(encoding="utf-8")
    # Move the approvals block above another key: it must be rewritten where it is.
    head, rest = text.split("approvals:\n", 1)
    block, tail = rest.split("---\n", 1)
    lines = head.splitlines(keepends=True)
    moved = "".join(lines[:3]) + "approvals:\n" + block + "".join(lines[3:]) + "---\n" + tail
    path.write_text(moved, encoding="utf-8")
    repo.approve(path, steps=(("leader", "林志远"),))
    after = path.read_text(encoding="utf-8")
    assert after.splitlines()[3] == "approvals:"
    assert after.count("approvals:") == 1
    assert repo.codes(path) == []


def test_approve_keeps_crlf_line_endings(repo: Repo) -> None:
    path = repo.write_item()
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    repo.approve(path)
    data = path.read_bytes()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert repo.codes(path) == []


def _refusal(repo: Repo, step: str, by: str, date: dt.date = dt.date(2024, 7, 15)) -> list[str]:
    path = repo.root / "content/external/budget/2024-q2.md"
    (item,) = repo.load().items
    text, _ = decode(path.read_bytes(), item.path)
    config = repo.load().config
    assert text is not None
    with pytest.raises(ApprovalRefused) as refused:
        record_approval(item, text, config, step, by, date)
    return refused.value.reasons


def test_approve_refuses_what_policy_forbids(repo: Repo) -> None:
    repo.write_item()
    assert any("无权" in r for r in _refusal(repo, "initial", "孙雅琴"))
    assert any("填报人" in r for r in _refusal(repo, "initial", "赵敏"))
    assert any("须先完成" in r for r in _refusal(repo, "leader", "林志远"))
    assert any(
        "晚于发布日期" in r for r in _refusal(repo, "initial", "钱立新", dt.date(2024, 8, 1))
    )
    unneeded = "该条目不需要审批步骤“领导小组组长签批”；须完成的步骤：科室负责人审核、分管领导审批"
    assert unneeded in _refusal(repo, "group-sign", "陈建国")
    assert any("未在 catalog.yaml 中登记" in r for r in _refusal(repo, "initial", "无名氏"))


def test_approve_refuses_a_date_before_the_previous_step(repo: Repo) -> None:
    path = repo.write_item()
    repo.approve(path, steps=(("initial", "钱立新"),), date=dt.date(2024, 7, 15))
    reasons = _refusal(repo, "leader", "林志远", dt.date(2024, 7, 14))
    assert any("早于前一步骤“科室负责人审核”" in r for r in reasons)
