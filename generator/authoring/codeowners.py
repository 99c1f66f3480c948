"""``catalogue codeowners``: a GitHub CODEOWNERS file generated from catalog.yaml.

Each folder under content/<scope>/ (one per category in the sample) is owned by
the people who take the first approval step (the section heads) for every
section that owns an item filed in it,
plus the office head (holders of the ``group_office`` role); catalog.yaml,
.github/ and everything else (the generator's code, templates, scripts) by the office
and the director. People are named by their ``github``
field in catalog.yaml; anyone without one is listed in a comment instead.

GitHub applies the last matching pattern, so the general lines come first.
With "require review from Code Owners" on, one approving owner of a path is
enough: a shared category folder is reviewed by any of its sections' heads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import click

from ..catalogue import Catalogue, CatalogUnusable, load_catalogue
from ..parallel.reading import ParallelReader
from ..source.config import CATALOG_FILE, SCOPES, Config
from ..source.items import CONTENT_DIR
from .cliutil import CatalogueError, emit

CODEOWNERS_FILE = ".github/CODEOWNERS"
OFFICE_ROLE = "group_office"
DIRECTOR_ROLE = "director"


@dataclass(frozen=True)
class Rule:
    pattern: str
    people: tuple[str, ...]  # names as in catalog.yaml, in a stable order
    note: str


def holders(config: Config, role: str) -> list[str]:
    """People holding ``role``, in catalog.yaml order."""
    return [name for name, p in config.people.items() if any(g.role == role for g in p.roles)]


def section_heads(config: Config, section: str) -> list[str]:
    """Who takes the policy's first step for items owned by ``section``."""
    first = config.approval.steps[0]
    return [name for name in config.people if config.may_take(name, first, section)]


def _unique(names: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def rules(catalogue: Catalogue) -> list[Rule]:
    config = catalogue.config
    office = holders(config, OFFICE_ROLE)
    leaders = _unique(office + holders(config, DIRECTOR_ROLE))
    out = [
        # First, so every later rule overrides it: the generator's code, templates, Makefile
        # and scripts run in CI and on staff machines, so no change to them merges unreviewed.
        Rule("*", leaders, "生成器代码、模板和其他所有文件：领导小组办公室和主要领导"),
        Rule(f"/{CONTENT_DIR}/", tuple(office), "新文件夹中的条目：政务公开领导小组办公室"),
        Rule(f"/{CATALOG_FILE}", leaders, "目录配置：领导小组办公室和主要领导"),
        Rule("/.github/", leaders, "工作流和本文件：领导小组办公室和主要领导"),
    ]
    section_order = list(config.sections)
    for scope in SCOPES:
        categories = config.categories_of(scope)
        owners_by_folder: dict[str, set[str]] = {key: set() for key in categories}
        for item in catalogue.items:
            parts = PurePosixPath(item.path).parts  # content/<scope>/<folder>/…/<file>
            if item.scope == scope and len(parts) > 3 and item.meta.owner in config.sections:
                owners_by_folder.setdefault(parts[2], set()).add(item.meta.owner)
        folders = list(categories) + sorted(set(owners_by_folder) - set(categories))
        for folder in folders:
            sections = sorted(owners_by_folder[folder], key=section_order.index)
            heads = [h for s in sections for h in section_heads(config, s)]
            label = categories[folder].name if folder in categories else f"文件夹 {folder}"
            names = "、".join(config.sections[s].name for s in sections) or "暂无条目"
            out.append(
                Rule(
                    f"/{CONTENT_DIR}/{scope}/{folder}/",
                    _unique(heads + office),
                    f"{SCOPES[scope]} · {label}（{names}）",
                )
            )
    return out


def codeowners_text(catalogue: Catalogue) -> str:
    config = catalogue.config
    lines = [
        "# Generated from catalog.yaml by `catalogue codeowners --write`; do not edit by hand.",
        "# 由 catalogue codeowners 根据 catalog.yaml 生成，请勿手工修改。",
    ]
    for rule in rules(catalogue):
        users = [f"@{config.people[n].github}" for n in rule.people if config.people[n].github]
        missing = [n for n in rule.people if not config.people[n].github]
        lines.append("")
        lines.append(f"# {rule.note}")
        if missing:
            lines.append(f"# 未登记 GitHub 用户名：{'、'.join(missing)}")
        lines.append(" ".join([rule.pattern, *users]))
    return "\n".join(lines) + "\n"


@click.command("codeowners", help="根据 catalog.yaml 生成 .github/CODEOWNERS（各科室负责人审核）。")
@click.option("--write", is_flag=True, help=f"写入 {CODEOWNERS_FILE}，而不是输出到屏幕。")
@click.pass_obj
def codeowners(root: Path, write: bool) -> None:
    try:
        catalogue = load_catalogue(root, ParallelReader())
    except CatalogUnusable:
        raise CatalogueError("catalog.yaml 有错误，请先运行 catalogue validate 修正。") from None
    emit(codeowners_text(catalogue), root, CODEOWNERS_FILE, write)
