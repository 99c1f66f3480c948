"""One bad file per validator rule: each must report its code, file and line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MAJOR_APPROVERS, ORG, Repo, line_of

# Each case writes a broken item and returns (file, needle): the expected
# problem sits on the first line of the file containing ``needle``.
Case = Callable[[Repo], tuple[Path, str]]


def _unknown_key(r: Repo) -> tuple[Path, str]:
    return r.add_item(titel="错拼的键"), "titel:"


def _missing_key(r: Repo) -> tuple[Path, str]:
    return r.add_item(drafted_by=None), "title:"


def _wrong_type(r: Repo) -> tuple[Path, str]:
    return r.add_item(major="是"), "major:"


def _bad_date(r: Repo) -> tuple[Path, str]:
    return r.add_item(written="2024-02-30"), "written:"


def _date_format(r: Repo) -> tuple[Path, str]:
    return r.add_item(published="2024/07/20"), "published:"


def _expires_before_published(r: Repo) -> tuple[Path, str]:
    return r.add_item(expires="2024-07-01"), "expires:"


def _published_before_written(r: Repo) -> tuple[Path, str]:
    return r.write_item(published="2024-07-01", written="2024-07-10"), "published:"


def _category_out_of_scope(r: Repo) -> tuple[Path, str]:
    return r.add_item(category="personnel"), "category:"


def _unknown_owner(r: Repo) -> tuple[Path, str]:
    path = r.write_item(owner="finance")
    return path, "owner:"


def _unknown_drafter(r: Repo) -> tuple[Path, str]:
    return r.add_item(drafted_by="路人甲"), "drafted_by:"


def _malformed_index_no(r: Repo) -> tuple[Path, str]:
    return r.add_item(index_no=f"{ORG}/2024-12"), "index_no:"


def _wrong_prefix(r: Repo) -> tuple[Path, str]:
    return r.add_item(index_no="11420804MB1234567X/2024-00012"), "index_no:"


def _duplicate_index_no(r: Repo) -> tuple[Path, str]:
    r.add_item("content/external/budget/first.md")
    return r.add_item("content/external/budget/second.md"), "index_no:"


def _superseded_by_nothing(r: Repo) -> tuple[Path, str]:
    return r.add_item(validity="repealed", superseded_by=f"{ORG}/2024-09999"), "superseded_by:"


def _missing_attachment(r: Repo) -> tuple[Path, str]:
    return r.add_item(attachments=[{"path": "files/q2.xlsx", "title": "表"}]), "attachments:"


def _escaping_attachment(r: Repo) -> tuple[Path, str]:
    (r.root / "secret.csv").write_text("x", encoding="utf-8")
    return r.add_item(attachments=[{"path": "../../../secret.csv", "title": "表"}]), "attachments:"


def _long_summary(r: Repo) -> tuple[Path, str]:
    return r.add_item(summary="预" * 301), "summary:"


def _channel_not_in_scope(r: Repo) -> tuple[Path, str]:
    return r.add_item(channels=["website", "intranet"]), "channels:"


def _broken_link(r: Repo) -> tuple[Path, str]:
    return r.add_item(body="## 附表\n\n详见[附表](files/none.csv)。\n"), "详见"


def _missing_step(r: Repo) -> tuple[Path, str]:
    path = r.write_item()
    r.approve(path, steps=(("initial", "钱立新"),))
    return path, "approvals:"


def _wrong_order(r: Repo) -> tuple[Path, str]:
    path = r.add_item()
    text = path.read_text(encoding="utf-8")
    head, approvals = text.split("approvals:\n")
    entries, tail = approvals.split("---\n", 1)
    first, second = (
        entries[: entries.index("  - step: leader")],
        entries[entries.index("  - step: leader") :],
    )
    path.write_text(f"{head}approvals:\n{second}{first}---\n{tail}", encoding="utf-8")
    return path, "step: leader"


def _wrong_role(r: Repo) -> tuple[Path, str]:
    path = r.write_item()
    r.force_approve(path, "initial", "孙雅琴")  # head of treasury, not of budget
    return path, "    by: 孙雅琴"


def _same_person_twice(r: Repo) -> tuple[Path, str]:
    path = r.write_item(owner="office", drafted_by="杨帆")
    # 王晓燕 heads the office and is the group office: she may not take two steps.
    r.approve(path, steps=(("initial", "王晓燕"), ("leader", "林志远")))
    text = path.read_text(encoding="utf-8").replace("by: 林志远", "by: 王晓燕")
    path.write_text(text, encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    second_by = [n for n, line in enumerate(lines, 1) if "by: 王晓燕" in line][1]
    return path, f"@{second_by}"  # the second of her two approvals


def _drafter_approving(r: Repo) -> tuple[Path, str]:
    path = r.write_item(drafted_by="钱立新")
    r.force_approve(path, "initial", "钱立新")
    return path, "    by: 钱立新"


def _approval_after_published(r: Repo) -> tuple[Path, str]:
    path = r.write_item()
    r.force_approve(path, "initial", "钱立新", date="2024-07-25")
    return path, "date: 2024-07-25"


def _digest_mismatch(r: Repo) -> tuple[Path, str]:
    path = r.add_item()
    text = path.read_text(encoding="utf-8").replace("52.3%", "53.2%")
    path.write_text(text, encoding="utf-8")
    return path, "digest:"


def _unknown_step(r: Repo) -> tuple[Path, str]:
    path = r.add_item()
    text = path.read_text(encoding="utf-8").replace("step: leader", "step: leeder")
    path.write_text(text, encoding="utf-8")
    return path, "step: leeder"


def _major_without_major_steps(r: Repo) -> tuple[Path, str]:
    return r.add_item(major=True), "approvals:"


def _yaml_syntax(r: Repo) -> tuple[Path, str]:
    path = r.write_item(title="[未闭合的方括号")
    return path, "title:"


def _yaml_other(r: Repo) -> tuple[Path, str]:
    path = r.write_item()
    text = path.read_text(encoding="utf-8").replace("owner: budget\n", "owner: budget\n- x\n")
    path.write_text(text, encoding="utf-8")
    return path, "- x"


def _colon_in_title(r: Repo) -> tuple[Path, str]:
    path = r.write_item(title="标题: 含冒号")
    return path, "title:"


def _duplicate_key(r: Repo) -> tuple[Path, str]:
    path = r.write_item()
    text = path.read_text(encoding="utf-8").replace(
        "owner: budget\n", "owner: budget\nowner: treasury\n"
    )
    path.write_text(text, encoding="utf-8")
    return path, "owner: treasury"


def _no_front_matter(r: Repo) -> tuple[Path, str]:
    path = r.root / "content/external/budget/plain.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# 只有正文\n", encoding="utf-8")
    return path, "只有正文"


def _not_utf8(r: Repo) -> tuple[Path, str]:
    path = r.write_item()
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    return path, "@2"  # the title's line holds the first byte that is not UTF-8


CASES: dict[str, tuple[Case, str]] = {
    "unknown key": (_unknown_key, "S101"),
    "missing key": (_missing_key, "S102"),
    "wrong type": (_wrong_type, "S103"),
    "impossible date": (_bad_date, "S104"),
    "date format": (_date_format, "S104"),
    "expires before published": (_expires_before_published, "I308"),
    "published before written": (_published_before_written, "I309"),
    "category not in scope": (_category_out_of_scope, "I305"),
    "unknown owner": (_unknown_owner, "I306"),
    "unknown drafter": (_unknown_drafter, "I307"),
    "malformed 索引号": (_malformed_index_no, "I301"),
    "索引号 prefix": (_wrong_prefix, "I302"),
    "duplicate 索引号": (_duplicate_index_no, "I304"),
    "superseded_by dangling": (_superseded_by_nothing, "I311"),
    "missing attachment": (_missing_attachment, "L401"),
    "attachment escapes folder": (_escaping_attachment, "L402"),
    "summary over 300": (_long_summary, "S106"),
    "channel not in scope": (_channel_not_in_scope, "I310"),
    "broken body link": (_broken_link, "L404"),
    "missing step": (_missing_step, "A501"),
    "wrong order": (_wrong_order, "A502"),
    "wrong role": (_wrong_role, "A503"),
    "same person twice": (_same_person_twice, "A504"),
    "drafter approving": (_drafter_approving, "A505"),
    "approval after published": (_approval_after_published, "A506"),
    "digest mismatch": (_digest_mismatch, "A507"),
    "unknown step": (_unknown_step, "A508"),
    "major item lacks major steps": (_major_without_major_steps, "A501"),
    "YAML syntax": (_yaml_other, "Y001"),
    "unclosed bracket": (_yaml_syntax, "Y009"),
    "unquoted colon in a title": (_colon_in_title, "Y008"),
    "duplicate key": (_duplicate_key, "Y002"),
    "no front matter": (_no_front_matter, "F001"),
    "not UTF-8": (_not_utf8, "F002"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_rule_reports_code_file_and_line(repo: Repo, case: str) -> None:
    setup, code = CASES[case]
    path, needle = setup(repo)
    line = int(needle[1:]) if needle.startswith("@") else line_of(path, needle)
    assert (code, line) in repo.codes(path), repo.codes(path)


def test_a_clean_item_has_no_problems(repo: Repo) -> None:
    path = repo.add_item()
    assert repo.codes(path) == []


def test_major_item_with_full_chain_is_clean(repo: Repo) -> None:
    path = repo.write_item(major=True)
    repo.approve(path)
    repo.approve(path, steps=MAJOR_APPROVERS)
    assert repo.codes(path) == []


def test_every_problem_in_every_file_in_one_run(repo: Repo) -> None:
    first = repo.add_item("content/external/budget/a.md", titel="x", expires="2024-07-01")
    second = repo.add_item(
        "content/external/budget/b.md", index_no=f"{ORG}/2024-00013", category="nope"
    )
    codes = {(p.path.rsplit("/", 1)[-1], p.code) for p in repo.load().problems}
    assert {("a.md", "S101"), ("a.md", "I308"), ("b.md", "I305")} <= codes
    assert first.exists() and second.exists()


def test_did_you_mean_hint(repo: Repo) -> None:
    repo.add_item(publsihed="2024-07-20")
    messages = [p.message for p in repo.load().problems if p.code == "S101"]
    assert any("published" in m for m in messages)


def test_warning_for_missing_summary_is_not_an_error(repo: Repo) -> None:
    path = repo.add_item(summary=None)
    problems = [p for p in repo.load().problems]
    assert [(p.code, p.is_error) for p in problems] == [("I315", False)]
    assert problems[0].line == line_of(path, "title:")


def test_internal_category_accepted_under_internal(repo: Repo) -> None:
    path = repo.write_item(
        "content/internal/personnel/2024-appointments.md",
        category="personnel",
        owner="personnel",
        drafted_by="胡斌",
        channels=["intranet"],
    )
    repo.approve(path, steps=(("initial", "曹静"), ("leader", "郑国平")))
    assert repo.codes(path) == []


def test_link_to_another_item_resolves(repo: Repo) -> None:
    repo.add_item("content/external/rules/old.md", index_no=f"{ORG}/2024-00001")
    path = repo.add_item(
        "content/external/rules/new.md",
        index_no=f"{ORG}/2024-00002",
        body="## 说明\n\n本办法施行后，[原办法](old.md)同时废止。\n",
    )
    assert repo.codes(path) == []
