"""``catalogue new``: a new item file that is valid from the start.

Section staff answer a few questions, chosen from numbered lists wherever
catalog.yaml knows the answer; the command assigns the next free 索引号, writes
the front matter and a body skeleton suited to the category, and says what to
do next (edit, validate, who approves). Every question is also an option, so
scripts can run it without a terminal.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click
import yaml

from ..checks.approvers import approvers
from ..checks.collisions import base_numbers, index_numbers
from ..source.config import SCOPES, Config, Step, load_catalog
from ..source.items import CONTENT_DIR, ITEM_SUFFIX, SUMMARY_LIMIT, find_item_files
from .cliutil import DATE, CatalogueError

TITLE_LIMIT = 200
SERIES_LIMIT = 60  # FrontMatter.series
SERIAL_DIGITS = 5
SLUG_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")
# The branch pull requests merge into: a number taken there is taken (issue 22).
BASE_BRANCH = "origin/main"


# 索引号 -----------------------------------------------------------------------------


def used_serials(root: Path, year: int) -> set[int]:
    """Serials of ``year`` named by any item file's ``index_no`` line, parsable or not,
    in the working tree or on ``BASE_BRANCH`` (when there is one): a branch opened
    earlier may have taken a number since this one was."""
    numbers = set(base_numbers(root, BASE_BRANCH) or {})
    for file in find_item_files(root):
        try:
            numbers.update(index_numbers(file.read_bytes().decode("utf-8", errors="replace")))
        except OSError:
            continue
    serials = set()
    for number in numbers:
        _, _, dated = number.rpartition("/")
        number_year, _, serial = dated.partition("-")
        if number_year == str(year):
            serials.add(int(serial))
    return serials


def next_index_no(root: Path, org_code: str, year: int) -> tuple[str, int]:
    """The next free 索引号 of ``year``: one more than the highest serial in use."""
    serial = max(used_serials(root, year), default=0) + 1
    if serial >= 10**SERIAL_DIGITS:
        raise CatalogueError(f"{year} 年的索引号流水号已用完（最大 99999）。")
    return f"{org_code}/{year}-{serial:0{SERIAL_DIGITS}d}", serial


# Body skeletons ---------------------------------------------------------------------

FILL = "（请填写：{}）"


def _budget(config: Config) -> str:
    return f"""## 一、收支情况

{FILL.format("收入、支出完成情况的概述")}

| 项目 | 预算数（万元） | 执行数（万元） | 完成预算（%） |
| --- | ---: | ---: | ---: |
| 一般公共预算收入 |  |  |  |
| 一般公共预算支出 |  |  |  |
| 政府性基金预算收入 |  |  |  |
| 政府性基金预算支出 |  |  |  |

## 二、主要特点

{FILL.format("收支的主要特点和原因分析")}

## 三、下阶段工作

{FILL.format("下阶段的工作安排")}
"""


def _procurement(config: Config) -> str:
    return f"""## 一、项目基本情况

- 项目编号：{FILL.format("项目编号")}
- 采购人：{config.organisation.name}
- 采购方式：{FILL.format("公开招标、竞争性磋商等")}
- 采购公告发布日期：{FILL.format("日期")}

## 二、成交信息

| 项目名称 | 采购方式 | 中标（成交）供应商 | 中标（成交）金额 |
| --- | --- | --- | ---: |
| {FILL.format("项目名称")} |  |  |  |

## 三、公示期限

{FILL.format("公示起止日期；公示截止日请同时写在前言的 expires 中")}

## 四、联系方式

{FILL.format("采购人和采购代理机构的联系人、电话")}
"""


def _procedures(config: Config) -> str:
    org = config.organisation
    return f"""## 一、办事依据

1. {FILL.format("法律、法规、规章或规范性文件的名称和文号")}

## 二、办理程序

| 步骤 | 办理主体 | 时限 |
| --- | --- | --- |
| 提出申请 | {FILL.format("申请人")} |  |
| 受理审核 |  |  |
| 办结 |  |  |

## 三、办理时限

{FILL.format("受理后多少个工作日内办结")}

## 四、办公时间和地点

- 办公时间：{org.office_hours}
- 地点：{org.address}

## 五、联系方式

- 责任科室：{FILL.format("科室名称")}
- 联系电话：{org.phone}
"""


def _rules(config: Config) -> str:
    return f"""第一条　{FILL.format("制定目的和依据")}

第二条　{FILL.format("适用范围")}

第三条　{FILL.format("具体规定")}

第四条　本办法自{FILL.format("施行日期")}起施行。
"""


def _default(config: Config) -> str:
    return f"""## 一、{FILL.format("小标题")}

{FILL.format("正文")}

## 二、{FILL.format("小标题")}

{FILL.format("正文")}
"""


BODY_TEMPLATES: dict[str, Callable[[Config], str]] = {
    "budget": _budget,
    "procurement": _procurement,
    "procedures": _procedures,
    "rules": _rules,
}


def body_template(category: str, config: Config) -> str:
    return BODY_TEMPLATES.get(category, _default)(config)


# Writing the file ---------------------------------------------------------------------


@dataclass
class NewItem:
    scope: str
    category: str
    owner: str
    drafter: str
    title: str
    written: dt.date
    published: dt.date
    summary: str = ""
    major: bool = False
    slug: str | None = None
    series: str | None = None


def yaml_scalar(value: str) -> str:
    """``value`` as a YAML scalar: plain when it reads back unchanged, else double-quoted."""
    try:
        plain_ok = yaml.safe_load(f"k: {value}") == {"k": value}
    except yaml.YAMLError:
        plain_ok = False
    return value if plain_ok else json.dumps(value, ensure_ascii=False)


def item_text(new: NewItem, index_no: str, config: Config) -> str:
    lines = [
        f"title: {yaml_scalar(new.title)}",
        f"index_no: {index_no}",
        f"category: {new.category}",
        f"owner: {new.owner}",
        f"drafted_by: {yaml_scalar(new.drafter)}",
    ]
    if new.summary:
        lines.append(f"summary: {yaml_scalar(new.summary)}")
    lines += [f"written: {new.written.isoformat()}", f"published: {new.published.isoformat()}"]
    if new.series:
        lines.append(f"series: {yaml_scalar(new.series)}")
    if new.major:
        lines.append("major: true")
    front = "".join(line + "\n" for line in lines)
    return f"---\n{front}---\n\n{body_template(new.category, config)}"


def create_item(root: Path, config: Config, new: NewItem) -> tuple[Path, str]:
    """Write ``new`` with the next free 索引号; returns the file and its 索引号."""
    index_no, serial = next_index_no(root, config.organisation.code, new.written.year)
    slug = new.slug or f"item-{serial:0{SERIAL_DIGITS}d}"
    folder = root / CONTENT_DIR / new.scope / new.category
    file = folder / f"{new.written.year}-{slug}{ITEM_SUFFIX}"
    if file.exists():
        raise CatalogueError(f"文件 {file.relative_to(root).as_posix()} 已存在，请换一个 --slug。")
    folder.mkdir(parents=True, exist_ok=True)
    file.write_text(item_text(new, index_no, config), encoding="utf-8", newline="\n")
    return file, index_no


# Who approves ---------------------------------------------------------------------------


def dead_ends(config: Config, new: NewItem) -> list[Step]:
    """The steps nobody may take for an item of ``new.owner`` drafted by ``new.drafter``
    (a section's only head drafting: the drafter may not approve their own item)."""
    return [
        s for s in config.steps_for(new.major) if not approvers(config, s, new.owner, new.drafter)
    ]


def possible_drafters(config: Config, new: NewItem) -> list[str]:
    """Who could draft the item so that every step has an approver, the owner's people first."""
    ordered = [k for k, _ in people_options(config, new.owner)]
    return [p for p in ordered if not dead_ends(config, _with_drafter(new, p))]


def _with_drafter(new: NewItem, drafter: str) -> NewItem:
    return NewItem(**{**new.__dict__, "drafter": drafter})


def dead_end_warning(config: Config, new: NewItem) -> str | None:
    """In Chinese: why nobody could approve this item, and who could draft it instead."""
    stuck = dead_ends(config, new)
    if not stuck:
        return None
    steps = "、".join(f"“{s.name}”（需要{config.role_description(s)}）" for s in stuck)
    others = possible_drafters(config, new)[:5]
    instead = (
        f"请改由 {'、'.join(others)} 等人填报"
        if others
        else "请管理员在 catalog.yaml 中为其他人员授予该角色"
    )
    return (
        f"注意：{new.drafter} 填报的条目无人能完成{steps}——填报人不能审批自己填报的条目，"
        f"而没有其他人有此权限。{instead}。"
    )


def next_steps(rel: str, new: NewItem, config: Config) -> list[str]:
    """What to do after ``catalogue new``, in Chinese, with this item's approvers."""
    lines = [
        "接下来：",
        f"  1. 用编辑器打开 {rel}，把正文中“（请填写：……）”的提示换成实际内容；"
        "附件放在条目旁的 files/ 文件夹中，并在前言 attachments 中列出。",
        f"  2. 检查：catalogue validate {rel}",
        "     在审批完成之前，只应剩下“缺少审批步骤”（A501）的错误。",
        "  3. 预览：catalogue serve，然后在浏览器中打开 http://127.0.0.1:8000/ ；"
        "未审批的条目以“草稿预览”显示，审批完成、发布日期已到后才会正式发布。",
        "  4. 提交合并请求（pull request），再请以下人员按顺序审批：",
    ]
    for step in config.steps_for(new.major):
        names = approvers(config, step, new.owner, new.drafter)
        by = names[0] if len(names) == 1 else "姓名"
        if not names:
            lines.append(f"     {step.name}：无人可以审批（见上面的注意事项），请先更换填报人。")
            continue
        lines.append(f"     {step.name}（可由 {'、'.join(names)} 审批）：")
        lines.append(f"       catalogue approve {rel} --by {by}")
    lines.append("     审批人也可运行 catalogue approve --all-pending --by 姓名，逐条查看并审批。")
    return lines


def avoid_dead_end(config: Config, new: NewItem, interactive: bool) -> NewItem:
    """Warn when nobody could approve ``new``; interactively, offer another drafter."""
    warning = dead_end_warning(config, new)
    if warning is None:
        return new
    click.echo(warning, err=not interactive)
    others = possible_drafters(config, new)
    if not interactive or not others:
        return new
    if click.confirm(f"仍以 {new.drafter} 为填报人新建吗？", default=False):
        return new
    options = [(k, label) for k, label in people_options(config, new.owner) if k in others]
    return _with_drafter(new, choose("填报人：", options))


# Asking -------------------------------------------------------------------------------


class NumberedChoice(click.ParamType):
    """A number from a printed list, or one of the keys themselves."""

    name = "序号"

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys

    def convert(self, value: object, param: object, ctx: object) -> str:
        text = str(value).strip()
        if text in self.keys:
            return text
        if text.isdigit() and 1 <= int(text) <= len(self.keys):
            return self.keys[int(text) - 1]
        self.fail(f"请输入 1–{len(self.keys)} 之间的序号")


def choose(question: str, options: list[tuple[str, str]], default: str | None = None) -> str:
    """Print ``options`` numbered and ask for one; returns its key."""
    click.echo(question)
    for number, (_, label) in enumerate(options, start=1):
        click.echo(f"  {number:>2}. {label}")
    keys = [key for key, _ in options]
    shown = str(keys.index(default) + 1) if default in keys else None
    return click.prompt("请输入序号", type=NumberedChoice(keys), default=shown)


def check_choice(value: str, what: str, known: dict[str, object]) -> str:
    if value not in known:
        raise click.BadParameter(f"“{value}”不是已定义的{what}；可选：{'、'.join(known)}")
    return value


def ask_text(question: str, limit: int, required: bool = True, default: str = "") -> str:
    while True:
        answer = click.prompt(question, default=default, show_default=bool(default))
        answer = answer.strip()
        if required and not answer:
            click.echo("不能为空，请重新输入。")
        elif len(answer) > limit:
            click.echo(f"太长了：{len(answer)} 个字，最多 {limit} 个，请重新输入。")
        else:
            return answer


def people_options(config: Config, section: str) -> list[tuple[str, str]]:
    """Everyone, the owner section's people first."""

    def label(name: str) -> str:
        person = config.people[name]
        where = config.sections[person.section].name if person.section in config.sections else ""
        return f"{name}（{'，'.join(x for x in (where, person.title) if x)}）"

    own = [p for p, who in config.people.items() if who.section == section]
    rest = [p for p in config.people if p not in own]
    return [(p, label(p)) for p in own + rest]


_FIELD_LINE = re.compile(r"^(?P<key>category|owner|series)\s*:\s*(?P<value>.*?)\s*$", re.MULTILINE)


def existing_series(root: Path, category: str, owner: str) -> list[str]:
    """The ``series`` names the section's items of ``category`` use, most used first."""
    counts: dict[str, int] = {}
    for file in find_item_files(root):
        try:
            text = file.read_bytes().decode("utf-8", errors="replace").replace("\r\n", "\n")
        except OSError:
            continue
        front = text.split("\n---", 2)[:2]  # the front matter, not the body
        fields = {m["key"]: m["value"].strip("\"'") for m in _FIELD_LINE.finditer("".join(front))}
        series = fields.get("series")
        if series and fields.get("category") == category and fields.get("owner") == owner:
            counts[series] = counts.get(series, 0) + 1
    return sorted(counts, key=lambda name: -counts[name])


def ask_series(known: list[str], title: str, interactive: bool) -> str:
    """A quarterly item's series: an existing one of its section and category, or a new one."""
    if not interactive:
        if len(known) > 1:
            raise click.BadParameter(
                f"本科室该分类已有多个系列，请用 --series 指定：{'、'.join(known)}"
            )
        return known[0] if known else title[:SERIES_LIMIT]
    click.echo("该分类每季度更新：同一系列（series）的新条目算作该系列本季度的更新。")
    new_one = "（新的系列）"
    if known:
        options = [(name, name) for name in known] + [(new_one, "新的系列：另起一个名称")]
        chosen = choose("所属系列：", options, known[0])
        if chosen != new_one:
            return chosen
    return ask_text("新系列的名称", SERIES_LIMIT, default=title[:SERIES_LIMIT])


def gather(config: Config, given: dict[str, object], today: dt.date, root: Path) -> NewItem:
    """Fill in what the options did not give, asking the user."""
    interactive = any(given[k] is None for k in ("scope", "category", "owner", "drafter", "title"))
    scope = given["scope"] or choose(
        "公开范围：", [(k, f"{v}（content/{k}/）") for k, v in SCOPES.items()], "external"
    )
    categories = config.categories_of(str(scope))
    category = given["category"]
    if category is None:
        options = [(k, f"{c.name}（{k}）") for k, c in categories.items()]
        category = choose(f"{SCOPES[str(scope)]}的分类：", options)
    check_choice(str(category), f"{SCOPES[str(scope)]}分类", categories)
    owner = given["owner"]
    if owner is None:
        options = [(k, f"{s.name}（{k}）") for k, s in config.sections.items()]
        owner = choose("责任科室：", options)
    check_choice(str(owner), "科室", config.sections)
    drafter = given["drafter"]
    if drafter is None:
        drafter = choose("填报人（本科室人员在前）：", people_options(config, str(owner)))
    check_choice(str(drafter), "人员", config.people)
    title = given["title"]
    if title is None:
        title = ask_text("名称（标题）", TITLE_LIMIT)
    elif not str(title).strip() or len(str(title)) > TITLE_LIMIT:
        raise click.BadParameter(f"名称不能为空，且不超过 {TITLE_LIMIT} 个字。")
    summary = given["summary"]
    if summary is None:
        summary = (
            ask_text("内容概述（不超过300字；可直接回车，稍后再写）", SUMMARY_LIMIT, required=False)
            if interactive
            else ""
        )
    written = given["written"] or (
        click.prompt("成文日期", type=DATE, default=today.isoformat()) if interactive else today
    )
    published = given["published"]
    while published is None or published < written:
        if published is not None:
            if not interactive:
                raise click.BadParameter(f"发布日期 {published} 早于成文日期 {written}。")
            click.echo(f"发布日期不能早于成文日期 {written}，请重新输入。")
        published = (
            click.prompt("发布日期", type=DATE, default=max(today, written).isoformat())
            if interactive
            else max(today, written)
        )
    major = given["major"]
    if major is None:
        extra = "、".join(s.name for s in config.approval.major_steps)
        major = (
            click.confirm(f"是否为重大事项（另需{extra}）？", default=False)
            if interactive and extra
            else False
        )
    series = given["series"]
    if series is None and categories[str(category)].refresh == "quarterly":
        known = existing_series(root, str(category), str(owner))
        series = ask_series(known, str(title).strip(), interactive)
    elif series is not None and not 0 < len(str(series).strip()) <= SERIES_LIMIT:
        raise click.BadParameter(f"系列名称不能为空，且不超过 {SERIES_LIMIT} 个字。")
    slug = given["slug"]
    if slug is not None and not SLUG_PATTERN.fullmatch(str(slug)):
        raise click.BadParameter("--slug 只能用小写英文字母、数字和连字符，如 q1-execution。")
    return NewItem(
        scope=str(scope),
        category=str(category),
        owner=str(owner),
        drafter=str(drafter),
        title=str(title).strip(),
        written=written,
        published=published,
        summary=str(summary).strip(),
        major=bool(major),
        slug=str(slug) if slug else None,
        series=str(series).strip() if series else None,
    )


@click.command(
    "new",
    help="新建一个条目：逐项选择公开范围、分类、科室、填报人，自动分配索引号并写好正文模板。",
)
@click.option("--scope", type=click.Choice(list(SCOPES)), help="external（对外公开）或 internal。")
@click.option("--category", help="分类键，如 budget（见 catalog.yaml）。")
@click.option("--owner", help="责任科室键，如 treasury。")
@click.option("--drafter", help="填报人姓名（须在 catalog.yaml 中登记）。")
@click.option("--title", help="名称（标题）。")
@click.option("--summary", help="内容概述（可选，不超过300字）。")
@click.option("--written", type=DATE, help="成文日期（默认今天）。")
@click.option("--published", type=DATE, help="发布日期（默认今天，不早于成文日期）。")
@click.option("--major/--not-major", default=None, help="是否为重大事项（默认否）。")
@click.option("--slug", help="文件名中的英文部分，如 q1-execution（默认 item-流水号）。")
@click.option(
    "--series",
    help="每季度更新的分类：所属系列的名称（默认沿用本科室该分类唯一的系列，没有时用名称）。",
)
@click.pass_obj
def new(root: Path, **given: object) -> None:
    loaded = load_catalog(root)
    if loaded.config is None:
        for problem in loaded.problems:
            click.echo(f"{problem.path}:{problem.line}: {problem.code} {problem.message}", err=True)
        raise CatalogueError("catalog.yaml 有错误，无法新建条目。")
    config = loaded.config
    item = gather(config, given, dt.date.today(), root)
    item = avoid_dead_end(config, item, interactive=given["drafter"] is None)
    file, index_no = create_item(root, config, item)
    rel = file.relative_to(root).as_posix()
    click.echo(f"\n已新建条目：{rel}")
    click.echo(f"  索引号：{index_no}")
    click.echo(f"  名称：{item.title}\n")
    for line in next_steps(rel, item, config):
        click.echo(line)
