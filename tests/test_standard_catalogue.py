"""The 基层政务公开标准目录: printed as Markdown and CSV, and shown on the public site."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner
from conftest import REPO, Repo

from generator.cli import main

COLUMNS = [
    "序号",
    "一级事项",
    "二级事项",
    "公开内容(要素)",
    "公开依据",
    "公开时限",
    "公开主体",
    "公开渠道和载体",
    "公开对象",
    "公开方式",
    "公开层级",
]


def csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with a BOM
    return list(csv.DictReader(io.StringIO(data[3:].decode("utf-8"))))


def test_csv_has_the_standard_columns_and_a_row_per_category_and_budget_kind(
    tmp_path: Path,
) -> None:
    out = tmp_path / "catalogue.csv"
    result = CliRunner().invoke(
        main, ["--root", str(REPO), "standard-catalogue", "--format", "csv", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    header = data[3:].decode("utf-8").splitlines()[0].split(",")
    assert header == COLUMNS
    rows = csv_rows(data)
    assert [r["序号"] for r in rows] == [str(n) for n in range(1, len(rows) + 1)]
    by_name = {r["二级事项"]: r for r in rows}
    # the twelve external categories, then the five kinds of budget document
    assert len(rows) == 17 and "领导干部述职述廉报告" not in by_name
    duties = by_name["工作职责"]
    assert duties["公开内容(要素)"].startswith("本局职能、职责")
    assert duties["公开依据"].endswith("第四条第1项")
    assert duties["公开渠道和载体"] == "网站、电子触摸屏"
    assert duties["公开主体"] == "青禾市澄江区财政局" and duties["公开方式"] == "主动"
    dept = by_name["部门预算"]
    assert dept["一级事项"] == "财政预决算" and dept["公开时限"] == "区财政局批准后20日内"
    assert by_name["政府预算"]["公开时限"] == "区人民代表大会批准后20日内"
    assert dept["公开依据"].startswith("《中华人民共和国预算法》第十四条")


def test_category_overrides_and_working_days_reach_the_table(repo: Repo) -> None:
    text = (repo.root / "catalog.yaml").read_text(encoding="utf-8")
    text = text.replace("day_kind: calendar", "day_kind: workday")
    text = text.replace(
        "      article: 第四条第7项\n",
        "      article: 第四条第7项\n      standard: {first_level: 政府采购, mode: 依申请, time_limit: =1+1}\n",
    )
    (repo.root / "catalog.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["--root", str(repo.root), "standard-catalogue", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    by_name = {r["二级事项"]: r for r in csv_rows(result.stdout_bytes)}
    procurement = by_name["政府采购"]
    assert procurement["一级事项"] == "政府采购" and procurement["公开方式"] == "依申请"
    assert procurement["公开时限"] == "'=1+1"  # never a formula in Excel
    assert by_name["部门决算"]["公开时限"] == "区财政局批准后20个工作日内"


def test_markdown_is_a_table_for_the_job_summary(repo: Repo) -> None:
    text = (repo.root / "catalog.yaml").read_text(encoding="utf-8")
    text = text.replace("name: 工作职责", "name: 工作|职责")
    (repo.root / "catalog.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(repo.root), "standard-catalogue"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "# 青禾市澄江区财政局政务公开标准目录"
    assert lines[2] == "| " + " | ".join(COLUMNS) + " |"
    first = lines[4]
    assert first.startswith("| 1 | 财政信息 | 工作\\|职责 |")  # a pipe does not split the cell
    assert first.count(" | ") == len(COLUMNS) - 1


def test_the_public_site_shows_the_standard_catalogue(built_sample: Path) -> None:
    page = (built_sample / "build/public/standard-catalogue.html").read_text(encoding="utf-8")
    for column in COLUMNS:
        assert f'<th scope="col">{column}</th>' in page
    assert "<td>部门决算</td>" in page and "<td>区财政局批准后20日内</td>" in page
    rows = csv_rows((built_sample / "build/public/standard-catalogue.csv").read_bytes())
    assert len(rows) == page.count("<tr>") - 1
    listing = (built_sample / "build/public/catalogue/index.html").read_text(encoding="utf-8")
    assert 'href="../standard-catalogue.html"' in listing
