"""The ``catalogue`` command: validate, approve and build a disclosure catalogue."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import click

from ..authoring.annual_report import annual_report
from ..authoring.approval_preview import confirm, infer_step
from ..authoring.artifacts import purge_artifacts
from ..authoring.cliutil import DATE, CatalogueError
from ..authoring.codeowners import codeowners
from ..authoring.new_item import new
from ..authoring.pending import approve_pending
from ..authoring.pr_summary import pr_summary
from ..authoring.serve import serve
from ..authoring.signing import approval_signer
from ..authoring.staff_guide import staff_guide
from ..build import BuildContext, BuildRefused, build_catalogue
from ..catalogue import Catalogue, CatalogUnusable, load_catalogue
from ..checks.approvals import (
    ApprovalRefused,
    Signer,
    approve_file,
    check_approvals,
    record_approval,
    short,
)
from ..checks.collisions import base_collisions
from ..checks.history import find_approved_version
from ..checks.lifecycle import KIND_LABELS, Finding
from ..checks.signatures import SIGNATURE_CODES
from ..checks.signatures import explain as explain_signature
from ..checks.withdrawal import WithdrawalRefused, record_withdrawal
from ..incremental.itemcache import ItemCache
from ..incremental.update import Reuse
from ..parallel.reading import ParallelReader
from ..problems import Problem, errors
from ..problems import output as output
from ..site.reports import FutureYear, assess, assessment_markdown
from ..site.standard import standard_csv, standard_markdown
from ..source.config import CATALOG_FILE
from ..source.items import Item
from ..source.trust import TRUST_ENV
from . import click_zh
from .safety import SafeGroup

click_zh.install()


def find_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` that holds catalog.yaml."""
    for folder in (start, *start.parents):
        if (folder / CATALOG_FILE).is_file():
            return folder
    return start


@click.group(
    cls=SafeGroup,
    help="政务公开目录生成器：校验条目、记录审批、生成网站。",
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    help="目录仓库根目录（默认：从当前目录向上查找 catalog.yaml）。",
)
@click.pass_context
def main(ctx: click.Context, root: Path | None) -> None:
    ctx.obj = (root or find_root(Path.cwd())).resolve()


def _print_problems(problems: list[Problem], fmt: str, strict: bool) -> None:
    if problems:
        click.echo(output.render(problems, fmt))
    if fmt != "json":
        click.echo(output.summary(problems, strict), err=True)


def _within(problem: Problem, root: Path, paths: tuple[Path, ...]) -> bool:
    if not paths or problem.path == CATALOG_FILE:
        return True
    target = (root / problem.path).resolve()
    return any(target == p or target.is_relative_to(p) for p in paths)


def _trust_ref(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value:
        os.environ[TRUST_ENV] = value  # read wherever the catalogue is loaded (trust.py)


trust_ref_option = click.option(
    "--trust-ref",
    callback=_trust_ref,
    expose_value=False,
    metavar="REF",
    help=f"用该 git 分支（如 origin/main）的 catalog.yaml 中登记的公钥核验审批签名；合并请求中使用（也可设环境变量 {TRUST_ENV}）。",
)


@main.command(help="校验 catalog.yaml 和条目；PATHS 限定只报告这些文件或文件夹中的问题。")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@trust_ref_option
@click.option("--strict", is_flag=True, help="警告也视为错误。")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(output.FORMATS),
    help="输出格式：text（默认）、github（GitHub Actions 注释，在 Actions 中自动启用）、json。",
)
@click.option("--today", type=DATE, help="按哪一天检查公示期、更新频率和发布时限（默认今天）。")
@click.option(
    "--base",
    help="合并请求的目标分支（如 origin/main）：检查索引号是否已在该分支上被其他文件占用；"
    "在 GitHub Actions 的合并请求检查中默认取目标分支。",
)
@click.pass_obj
def validate(
    root: Path,
    paths: tuple[Path, ...],
    strict: bool,
    fmt: str | None,
    today: dt.date | None,
    base: str | None,
) -> None:
    base = base or pull_request_base()
    try:
        catalogue = load_catalogue(root, ParallelReader(), base=base)
    except CatalogUnusable as unusable:
        found, usable = unusable.problems, False
    else:
        day = today or dt.date.today()
        found = catalogue.problems + catalogue.duty_problems(day)
        if base:
            found += base_collisions(catalogue.root, catalogue.items, base)
        usable = True
    selected = tuple(p.resolve() for p in paths)
    problems = [p for p in found if _within(p, root, selected)]
    _print_problems(problems, fmt or output.default_format(), strict)
    if not usable or errors(problems, strict):
        sys.exit(1)


def pull_request_base() -> str | None:
    """The branch a GitHub Actions pull request merges into, as fetched by checkout."""
    branch = os.environ.get("GITHUB_BASE_REF")
    return f"origin/{branch}" if branch else None


def _item_at(catalogue: Catalogue, file: Path) -> Item | None:
    target = file.resolve()
    return next((i for i in catalogue.items if i.file.resolve() == target), None)


@main.command(
    help="记录审批：catalogue approve FILE --by 姓名（步骤自动确定）；--check 查看审批是否有效；"
    "--all-pending --by 姓名 逐条审批所有等待自己的条目。"
)
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--step",
    help="审批步骤的名称或键，如 科室负责人审核 或 initial（可省略：按下一个待审步骤自动确定）。",
)
@click.option("--by", "by", help="审批人姓名（须在 catalog.yaml 中登记）。")
@click.option("--date", "date", type=DATE, help="审批日期（默认今天）。")
@click.option("--check", is_flag=True, help="不记录审批，只说明哪些审批已失效及原因。")
@click.option(
    "--all-pending", is_flag=True, help="列出 --by 可以审批的所有待审条目，逐条确认后审批。"
)
@click.option("--yes", is_flag=True, help="不询问确认（供脚本使用）；审批内容仍会显示。")
@click.option(
    "--key",
    "key_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="审批人的 SSH 私钥文件（默认：环境变量 CATALOGUE_SIGNING_KEY，或 ssh-agent、~/.ssh 中与登记公钥相符的密钥）。",
)
@click.pass_obj
def approve(
    root: Path,
    file: Path | None,
    step: str | None,
    by: str | None,
    date: dt.date | None,
    check: bool,
    all_pending: bool,
    yes: bool,
    key_file: Path | None,
) -> None:
    if all_pending:
        if not by or file or step or check:
            raise click.UsageError("--all-pending 只需 --by 姓名（可选 --date、--yes）。")
    elif file is None:
        raise click.UsageError("缺少参数 FILE（或使用 --all-pending --by 姓名）。")
    try:
        catalogue = load_catalogue(root, ParallelReader())
    except CatalogUnusable as unusable:
        _print_problems(errors(unusable.problems), "text", False)
        if all_pending:
            raise CatalogueError("catalog.yaml 有错误，请先修正。") from None
        raise CatalogueError(f"无法读取条目 {file}，请先修正上述问题。") from None
    if all_pending:
        try:
            sign = _signer(catalogue, by, key_file)
        except ApprovalRefused as refused:
            raise CatalogueError("；".join(refused.reasons)) from None
        sys.exit(approve_pending(catalogue, by, date or dt.date.today(), yes, sign))
    item = _item_at(catalogue, file)
    if item is None:
        _print_problems(errors(catalogue.problems), "text", False)
        raise CatalogueError(f"无法读取条目 {file}，请先修正上述问题。")
    mine = [p for p in catalogue.problems if p.path == item.path]
    if check:
        sys.exit(_explain_approvals(catalogue, item))
    if not by:
        raise click.UsageError("记录审批需要 --by 姓名（或使用 --check 查看审批状态）。")
    blocking = [p for p in errors(mine) if not p.code.startswith("A")]
    if blocking:
        _print_problems(blocking, "text", False)
        raise CatalogueError("条目还有上述错误，修正后才能审批。")
    chosen = catalogue.config.step_named(step) if step else infer_step(item, catalogue.config, by)
    # An unknown step stays as typed: record_approval refuses it and names the steps.
    step, name = (chosen.key, chosen.name) if chosen else (step or "", step or "")
    day = date or dt.date.today()
    try:  # refused before the preview: nobody reads what they may not approve anyway
        record_approval(item, item.file.read_text("utf-8-sig"), catalogue.config, step, by, day)
        sign = _signer(catalogue, by, key_file)
        click.echo(f"{by} 审批 {item.path} 的“{name}”：")
        if not confirm(catalogue, item, yes, "确认审批以上内容吗？"):
            raise CatalogueError("未记录审批。")
        approve_file(item, catalogue.config, step, by, day, sign)
    except ApprovalRefused as refused:
        for reason in refused.reasons:
            click.echo(f"{item.path}: {reason}", err=True)
        raise CatalogueError("未记录审批。") from None
    click.echo(f"已记录：{by} 审批 {item.path} 的“{name}”（摘要 {short(item.digest)}）。")


def _signer(catalogue: Catalogue, by: str, key_file: Path | None) -> Signer | None:
    """How ``by`` signs (signing.py); a note when the approval will go unsigned."""
    if by not in catalogue.config.people:
        return None  # refused with the reason (I307) when the approval is recorded
    sign, note = approval_signer(catalogue.config, by, key_file)
    if note:
        click.echo(note, err=True)
    return sign


def _explain_approvals(catalogue: Catalogue, item: Item) -> int:
    """Print the state of each required step; 1 if any is missing or invalid."""
    problems = check_approvals(item, catalogue.config)
    by_step = {a.step: a for a in item.meta.approvals}
    failing = False
    click.echo(f"{item.path}（当前摘要 {short(item.digest)}）")
    for step in catalogue.config.steps_for(item.meta.major):
        approval = by_step.get(step.key)
        if approval is None:
            click.echo(f"  ✗ {step.name}：尚未审批")
            failing = True
            continue
        lines = {approval.line, *approval.key_lines.values()}
        issues = [p for p in problems if p.line in lines and p.is_error]
        if not issues:
            click.echo(f"  ✓ {step.name}：{approval.by} {approval.date}，有效")
            continue
        failing = True
        click.echo(f"  ✗ {step.name}：{approval.by} {approval.date}")
        for issue in issues:
            click.echo(f"      {issue.code} {issue.message}")
            if issue.code in SIGNATURE_CODES:
                click.echo(f"      原因：{explain_signature(approval, item, catalogue.config)}")
            if issue.code == "A507":
                version = find_approved_version(catalogue.root, item, approval.digest)
                reason = version.describe() if version else "在 git 历史中找不到审批时的版本"
                click.echo(f"      原因：{reason}")
    return 1 if failing else 0


@main.command(
    help="紧急撤回已发布的条目：catalogue withdraw FILE --reason 原因 --by 姓名；"
    "下次生成时公众网站和电子触摸屏不再显示该条目，原地址显示“信息已撤回”。"
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--reason", required=True, help="撤回原因（200 字以内，记入审批登记）。")
@click.option("--by", "by", required=True, help="经办人姓名（须在 catalog.yaml 中登记）。")
@click.option("--date", "date", type=DATE, help="撤回日期（默认今天）。")
@click.pass_obj
def withdraw(root: Path, file: Path, reason: str, by: str, date: dt.date | None) -> None:
    try:
        catalogue = load_catalogue(root, ParallelReader())
    except CatalogUnusable as unusable:
        _print_problems(errors(unusable.problems), "text", False)
        raise CatalogueError("catalog.yaml 有错误，请先修正。") from None
    item = _item_at(catalogue, file)
    if item is None:
        _print_problems(errors(catalogue.problems), "text", False)
        raise CatalogueError(f"无法读取条目 {file}，请先修正上述问题。")
    text = item.file.read_text(encoding="utf-8")
    try:
        text = record_withdrawal(item, text, catalogue.config, by, reason, date or dt.date.today())
    except WithdrawalRefused as refused:
        raise CatalogueError(f"{item.path}：{refused}") from None
    item.file.write_text(text, encoding="utf-8", newline="")
    click.echo(
        f"已撤回 {item.path}：下次生成（catalogue build）时公众网站和电子触摸屏不再显示该条目；"
        "请立即提交并合并，发布流程会重新生成网站。"
    )


@main.command(help="按科室列出已逾期、即将到期和超期发布的公开事项；--upcoming 列出待发布条目。")
@click.option("--today", type=DATE, help="按哪一天检查（默认今天）。")
@click.option("--upcoming", is_flag=True, help="只列出已审批、尚未到发布日期的条目及其发布日期。")
@click.pass_obj
def status(root: Path, today: dt.date | None, upcoming: bool) -> None:
    catalogue = _load_or_exit(root)
    day = today or dt.date.today()
    wanted = {"upcoming"} if upcoming else set(KIND_LABELS) - {"upcoming"}
    live = catalogue.findings(day)
    found = [f for f in live if f.kind in wanted]
    click.echo(f"{catalogue.config.organisation.name}政务公开状态（{day}）")
    if not found:
        click.echo("没有需要处理的事项。" if not upcoming else "没有待发布的条目。")
    sections = catalogue.config.sections
    order = [*sections, None]  # catalog.yaml's order, catalogue-wide findings last
    for section in sorted({f.section for f in found}, key=order.index):
        click.echo(f"\n【{sections[section].name if section else '全局'}】")
        for f in sorted((f for f in found if f.section == section), key=_finding_order):
            where = f"  {f.item.path}" if f.item else ""
            click.echo(f"  {KIND_LABELS[f.kind]}  {f.date or ''!s:10}  {f.text}{where}")


def _load_or_exit(root: Path) -> Catalogue:
    """The catalogue; if catalog.yaml cannot be loaded, its problems and exit 1."""
    try:
        return load_catalogue(root, ParallelReader())
    except CatalogUnusable as unusable:
        _print_problems(unusable.problems, "text", False)
        sys.exit(1)


def _finding_order(finding: Finding) -> tuple[int, dt.date]:
    return (list(KIND_LABELS).index(finding.kind), finding.date or dt.date.min)


@main.command(
    "report", help="年度政务公开考核评议报告（Markdown，可写入 CI 作业摘要）；HTML 版在内部网站。"
)
@click.option("--year", type=int, required=True, help="报告年度，如 2025。")
@click.option("--today", type=DATE, help="统计日期（默认今天；年度已结束时按 12 月 31 日统计）。")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="写入文件而不是输出到屏幕。"
)
@click.pass_obj
def report_command(root: Path, year: int, today: dt.date | None, out: Path | None) -> None:
    catalogue = _load_or_exit(root)
    day = today or dt.date.today()
    try:
        assessment = assess(catalogue, year, day)
    except FutureYear:
        raise CatalogueError(
            f"{year} 年还没有到（统计日期 {day}），不能评议；请写 {day.year} 年或以前的年度。"
        ) from None
    text = assessment_markdown(assessment, catalogue.config)
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@main.command(
    "standard-catalogue",
    help="按基层政务公开标准目录的格式输出本局公开事项：Markdown（可写入 CI 作业摘要）或 CSV（Excel 可直接打开）。",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "csv"]),
    default="markdown",
    help="输出格式：markdown（默认）或 csv（带 BOM 的 UTF-8）。",
)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="写入文件而不是输出到屏幕。"
)
@click.pass_obj
def standard_catalogue(root: Path, fmt: str, out: Path | None) -> None:
    catalogue = _load_or_exit(root)
    config = catalogue.config
    data = standard_csv(config) if fmt == "csv" else standard_markdown(config).encode("utf-8")
    if out:
        out.write_bytes(data)
    else:
        click.echo(data, nl=False)  # bytes: written as they are (the CSV keeps its BOM)


@main.command(help="校验并生成网站到 build/（失败时保留上一次的结果）。")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="输出目录（默认：根目录下的 build）。",
)
@click.option("--today", type=DATE, help="构建日期（默认今天），用于可重复构建。")
@click.option("--strict", is_flag=True, help="警告也视为错误。")
@click.option("--no-cache", is_flag=True, help="不使用缓存：重新读取全部条目，重新生成全部文件。")
@trust_ref_option
@click.pass_obj
def build(
    root: Path, out: Path | None, today: dt.date | None, strict: bool, no_cache: bool
) -> None:
    items = None if no_cache else ItemCache.load(root)
    try:
        context = BuildContext(root, out or root / "build", today or dt.date.today(), strict=strict)
        context.progress = terminal_progress(sys.stderr)
        result = build_catalogue(context, Reuse(items, reuse_output=not no_cache))
    except BuildRefused as refused:
        if items is not None:
            items.save()
        _print_problems(refused.problems, output.default_format(), strict)
        raise CatalogueError("存在错误，未生成网站；build/ 保持上一次的结果。") from None
    if items is not None:
        items.save()
    warnings = [p for p in result.problems if not p.is_error]
    if warnings:
        _print_problems(warnings, output.default_format(), strict)
    for line in result.summary_lines():
        click.echo(line)


def terminal_progress(stream: TextIO) -> Callable[[str], None] | None:
    """Stage-by-stage progress for people at a terminal; logs and CI stay quiet."""
    if not stream.isatty():
        return None
    return lambda line: click.echo(line, file=stream)


main.add_command(new)
main.add_command(annual_report)
main.add_command(codeowners)
main.add_command(pr_summary)
main.add_command(purge_artifacts)
main.add_command(serve)
main.add_command(staff_guide)
