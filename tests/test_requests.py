"""The 依申请公开 register: records checked, replies due on the real working-day calendar."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner
from conftest import Repo

from generator.build import BuildContext, build_catalogue
from generator.build.pipeline import Plan
from generator.checks.requests import request_findings, table_three
from generator.cli import main

D = dt.date
REGISTER = "content/internal/requests/2025.yaml"


def write_register(repo: Repo, *requests: str, rel: str = REGISTER) -> Path:
    path = repo.root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("requests:\n" + "".join(requests), encoding="utf-8")
    return path


def request(number: str = "2025-001", received: str = "2025-09-08", **extra: str) -> str:
    fields = {
        "number": number,
        "received": received,
        "channel": "online",
        "applicant": "person",
        "section": "budget",
        "subject": "2024年区本级“三公”经费预算执行情况",
        **extra,
    }
    lines = [f"{k}: {v}" for k, v in fields.items()]
    return "  - " + "\n    ".join(lines) + "\n"


def codes(repo: Repo, rel: str = REGISTER) -> list[tuple[str, int]]:
    return [(p.code, p.line) for p in repo.load().problems if p.path == rel]


def kinds(repo: Repo, today: dt.date) -> list[tuple[str, str | None, dt.date | None]]:
    catalogue = repo.load()
    found = request_findings(catalogue.register, catalogue.config, today)
    return [(f.kind, f.section, f.date) for f in found]


def test_deadline_counts_the_make_up_saturday_and_skips_the_national_day_holiday(
    tmp_path: Path,
) -> None:
    # Received Monday 8 September 2025. The 20th working day is Saturday 11 October, a
    # 调休 working day: Sunday 28 September counts, 1–8 October (国庆、中秋) do not.
    repo = Repo(tmp_path)
    write_register(repo, request())
    assert codes(repo) == []
    assert kinds(repo, D(2025, 9, 26)) == []  # 6 working days left: 28, 29, 30 Sep, 9–11 Oct
    # From the 调休 Sunday, 5 working days are left: due within 5, listed.
    assert kinds(repo, D(2025, 9, 28)) == [("due-soon", "budget", D(2025, 10, 11))]
    assert kinds(repo, D(2025, 10, 3)) == [("due-soon", "budget", D(2025, 10, 11))]
    assert kinds(repo, D(2025, 10, 11)) == [("due-soon", "budget", D(2025, 10, 11))]
    # Overdue on Sunday 12 October, the day after the 调休 Saturday: a Monday-to-Friday
    # count would still have days left (until 5 November).
    assert kinds(repo, D(2025, 10, 12)) == [("overdue", "budget", D(2025, 10, 11))]
    catalogue = repo.load()
    [overdue] = request_findings(catalogue.register, catalogue.config, D(2025, 10, 13))
    assert overdue.problem is not None and overdue.problem.code == "G808"
    assert "2025-10-11" in overdue.text and "已逾期 2 天" in overdue.text


def test_a_reply_after_the_deadline_is_late_and_one_on_time_is_not(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    write_register(
        repo,
        request("2025-001", outcome="disclosed", replied="2025-10-11"),
        request("2025-002", outcome="disclosed", replied="2025-10-13"),
    )
    assert kinds(repo, D(2025, 12, 1)) == [("late", "budget", D(2025, 10, 13))]


def test_suspended_days_do_not_count_and_an_extension_adds_working_days(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    suspension = "[{from: 2025-03-10, to: 2025-03-14, reason: 征求第三方意见}]"
    write_register(
        repo,
        # 20 working days after Monday 3 March: 31 March. Not counting the five suspended
        # days and 清明 (4 April): 8 April.
        request("2025-001", received="2025-03-03", suspensions=suspension),
        # The same with a 10-day extension approved in time: 8 April + 10 → 22 April.
        request(
            "2025-002",
            received="2025-03-03",
            suspensions=suspension,
            extension="{approved: 2025-04-01, workdays: 10}",
        ),
    )
    assert codes(repo) == []
    assert kinds(repo, D(2025, 4, 8)) == [("due-soon", "budget", D(2025, 4, 8))]
    assert kinds(repo, D(2025, 4, 9)) == [("overdue", "budget", D(2025, 4, 8))]
    assert kinds(repo, D(2025, 4, 15))[1] == ("due-soon", "budget", D(2025, 4, 22))
    assert [k for k, _, _ in kinds(repo, D(2025, 4, 23))] == ["overdue", "overdue"]


def test_register_records_are_checked(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    path = write_register(
        repo,
        request("2025-001", outcome="disclosed", replied="2025-09-01"),  # before received
        request("2025-001", extension="{approved: 2025-09-10, workdays: 25}"),  # dup, > 20
        request("2025-003", extension="{approved: 2025-12-01, workdays: 5}"),  # too late
        request("2025-004", outcome="disclosed"),  # no reply date
        request("2025-005", received="2024-12-30"),  # in the 2025 file
        request("2025-006", section="nowhere"),
        request("2025-007", suspensions="[{from: 2025-09-20, to: 2025-09-10, reason: 征求意见}]"),
    )
    text = path.read_text(encoding="utf-8").split("\n")

    def line(needle: str, nth: int = 0) -> int:
        return [n for n, row in enumerate(text, start=1) if needle in row][nth]

    found = codes(repo)
    assert ("G802", line("replied: 2025-09-01")) in found
    assert ("G801", line("number: 2025-001", 1)) in found
    assert ("G804", line("workdays: 25")) in found
    assert ("G805", line("approved: 2025-12-01")) in found
    assert ("G807", line("outcome: disclosed", 1)) in found
    assert ("G810", line("received: 2024-12-30")) in found
    assert ("I306", line("section: nowhere")) in found
    assert ("G806", line("to: 2025-09-10")) in found
    assert repo.load().failed()


def test_register_has_no_place_for_who_asked_and_its_text_is_checked(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    path = write_register(
        repo,
        request("2025-001", name="张三"),
        request("2025-002", subject="申请人身份证号11010519491231002X要求公开"),
        request("2025-003", note="回电13905710000"),
    )
    text = path.read_text(encoding="utf-8").split("\n")
    found = codes(repo)
    assert ("S101", text.index("    name: 张三") + 1) in found
    problems = [p for p in repo.load().problems if p.code in ("P701", "P702")]
    assert sorted(p.code for p in problems) == ["P701", "P702"]
    assert all(p.is_error for p in problems)  # errors, though the register is internal
    messages = " ".join(p.message for p in problems)
    assert "11010519491231002X" not in messages and "13905710000" not in messages


def test_table_three_counts_carry_over_between_years(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    write_register(
        repo,
        request("2025-001", received="2025-03-03", outcome="disclosed", replied="2025-03-10"),
        request(
            "2025-002",
            received="2025-12-22",
            applicant="legal",
            outcome="refused-third-party",
            replied="2026-01-09",
        ),
    )
    write_register(
        repo,
        request("2026-001", received="2026-02-02", applicant="business"),
        rel="content/internal/requests/2026.yaml",
    )
    register = repo.load().register
    y2025, y2026 = table_three(register, 2025), table_three(register, 2026)
    assert (sum(y2025["new"].values()), sum(y2025["total"].values())) == (2, 1)
    assert y2025["next"] == {"legal": 1} and y2025["disclosed"] == {"person": 1}
    assert y2026["carried"] == {"legal": 1} and y2026["new"] == {"business": 1}
    assert y2026["refused-third-party"] == {"legal": 1} and y2026["next"] == {"business": 1}


def test_status_lists_replies_due_per_section(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    write_register(repo, request(), request("2025-002", section="procurement"))
    result = CliRunner().invoke(main, ["--root", str(repo.root), "status", "--today", "2025-10-13"])
    sections = {block.split("】", 1)[0]: block for block in result.stdout.split("\n【")[1:]}
    assert "已逾期  2025-10-11  依申请公开 2025-001 " in sections["预算科"]
    assert "已逾期  2025-10-11  依申请公开 2025-002 " in sections["政府采购管理科"]
    assert "2025-002" not in sections["预算科"]


def test_the_register_shows_on_the_intranet_only(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.add_item()
    secret = "鸮鹮登记表事项"
    write_register(repo, request(subject=secret), request("2025-002", subject="另一件"))
    out = tmp_path / "build"
    build_catalogue(BuildContext(repo.root, out, D(2025, 10, 9)), Plan())
    page = (out / "intranet" / "requests.html").read_text(encoding="utf-8")
    assert secret in page and "即将到期" in page and "2025-10-11" in page
    for variant in ("public", "kiosk"):
        for file in (out / variant).rglob("*"):
            if file.is_file():
                assert secret.encode() not in file.read_bytes(), file
