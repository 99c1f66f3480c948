"""Fixtures: a scratch catalogue repository built from the sample catalog.yaml."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from generator.approvals import NewApproval, approve_file, rewrite_approvals
from generator.catalogue import Catalogue, load_catalogue

REPO = Path(__file__).resolve().parent.parent
ORG = "11330109002468135T"

DEFAULT_FRONT_MATTER: dict[str, Any] = {
    "title": "2024年区本级一般公共预算执行情况（第二季度）",
    "index_no": f"{ORG}/2024-00012",
    "category": "budget",
    "owner": "budget",
    "drafted_by": "赵敏",
    "summary": "二季度一般公共预算收支执行情况。",
    "written": "2024-07-10",
    "published": "2024-07-20",
}
# Who takes each step of the sample policy for an item owned by ``budget``.
BUDGET_APPROVERS = (("initial", "钱立新"), ("leader", "林志远"))
MAJOR_APPROVERS = (("group-study", "王晓燕"), ("group-sign", "陈建国"))


def yaml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def front_matter_text(fields: dict[str, Any]) -> str:
    """One ``key: value`` per line (flow style for lists), so tests can find lines."""
    return "".join(f"{key}: {yaml_value(value)}\n" for key, value in fields.items())


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of the first line of ``path`` containing ``needle``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


class Repo:
    """A catalogue repository in a temporary folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        shutil.copy(REPO / "catalog.yaml", root / "catalog.yaml")
        shutil.copytree(REPO / "themes", root / "themes")
        (root / "content" / "external").mkdir(parents=True)
        (root / "content" / "internal").mkdir(parents=True)

    def write_item(
        self,
        rel: str = "content/external/budget/2024-q2.md",
        body: str = "## 执行情况\n\n上半年一般公共预算收入完成年度预算的52.3%。\n",
        **overrides: Any,
    ) -> Path:
        """Write an item: the default front matter with ``overrides`` (None removes a key)."""
        fields = {**DEFAULT_FRONT_MATTER, **overrides}
        fields = {k: v for k, v in fields.items() if v is not None}
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\n{front_matter_text(fields)}---\n\n{body}", encoding="utf-8")
        return path

    def approve(
        self,
        path: Path,
        steps: tuple[tuple[str, str], ...] = BUDGET_APPROVERS,
        date: dt.date = dt.date(2024, 7, 15),
    ) -> None:
        for step, by in steps:
            catalogue = self.load()
            item = next(i for i in catalogue.items if i.file == path.resolve())
            assert catalogue.config is not None
            approve_file(item, catalogue.config, step, by, date)

    def force_approve(self, path: Path, step: str, by: str, date: str = "2024-07-15") -> None:
        """Append an approval of the current digest without any policy check."""
        item = next(i for i in self.load().items if i.file == path.resolve())
        text = path.read_text(encoding="utf-8")
        entries = [NewApproval(a.step, a.by, a.date, a.digest) for a in item.meta.approvals]
        entries.append(NewApproval(step, by, dt.date.fromisoformat(date), item.digest))
        path.write_text(rewrite_approvals(text, entries), encoding="utf-8")

    def add_item(self, rel: str = "content/external/budget/2024-q2.md", **kw: Any) -> Path:
        """Write and fully approve an item (budget owner, sample policy)."""
        path = self.write_item(rel, **kw)
        self.approve(path)
        return path

    def load(self) -> Catalogue:
        return load_catalogue(self.root)

    def codes(self, path: Path | None = None) -> list[tuple[str, int]]:
        """(code, line) of every problem, optionally only those in ``path``."""
        rel = path.resolve().relative_to(self.root.resolve()).as_posix() if path else None
        return [(p.code, p.line) for p in self.load().problems if rel is None or p.path == rel]


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path)
