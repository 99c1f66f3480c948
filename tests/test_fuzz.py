"""Property: no front matter and no body, however wrong, makes validate or build raise.

Random mappings of the contract's keys (with plausible and absurd values of every
YAML type), random bodies and random attachment bytes go through ``catalogue
validate`` and ``build_catalogue``. The only failures allowed are problem lists
(exit 1, ``BuildRefused``), and the build folder is always either the previous
build, untouched, or a complete new one, with no staging folder left behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import string
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import ORG, Repo
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from generator.build import BuildContext, BuildRefused, build_catalogue
from generator.catalogue import load_catalogue
from generator.checks.approvals import ApprovalRefused, approve_file
from generator.cli import main
from generator.incremental.update import Reuse
from generator.problems import errors

TODAY = "2026-01-15"

junk = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=6) | st.integers(), inner, max_size=3)
    ),
    max_leaves=8,
)
cjk = st.text(alphabet="预算执行情况公开目录财政局秘密★机密：·" + string.ascii_letters, max_size=30)
free_text = cjk.filter(str.strip) | st.text(min_size=1, max_size=40)
date = st.sampled_from(
    ["2025-03-01", "2025-06-30", "2024-02-30", "2025/01/01", "昨天", "2026-12-31"]
)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly a plausible value, sometimes anything at all."""
    return st.integers(0, 5).flatmap(lambda n: junk if n == 0 else strategy)


ATTACHMENT_PATHS = [
    "files/a.csv",
    "files/b.xlsx",
    "files/none.pdf",
    "../../x",
    "/etc/hosts",
    "a\x00b",
]
KEYS: dict[str, st.SearchStrategy[Any]] = {
    "title": maybe(free_text.filter(str.strip)),
    "index_no": maybe(st.integers(1, 99999).map(lambda n: f"{ORG}/2025-{n:05d}")),
    "category": maybe(st.sampled_from(["budget", "rules", "staff-affairs", "nosuch"])),
    "owner": maybe(st.sampled_from(["budget", "treasury", "nosuch"])),
    "drafted_by": maybe(st.sampled_from(["赵敏", "李娜", "路人甲"])),
    "summary": maybe(free_text),
    "doc_no": maybe(free_text),
    "keywords": maybe(st.lists(free_text, max_size=3)),
    "written": maybe(date),
    "published": maybe(date),
    "expires": maybe(date),
    "refresh": maybe(st.sampled_from(["long-term", "quarterly", "per-stage", "timely", "x"])),
    "validity": maybe(st.sampled_from(["current", "amended", "repealed", "x"])),
    "superseded_by": maybe(free_text),
    "channels": maybe(st.lists(st.sampled_from(["website", "kiosk", "intranet", "x"]))),
    "major": maybe(st.booleans()),
    "attachments": maybe(
        st.lists(
            st.fixed_dictionaries({"path": st.sampled_from(ATTACHMENT_PATHS), "title": free_text}),
            max_size=2,
        )
    ),
    "changes": maybe(
        st.lists(st.fixed_dictionaries({"date": date, "note": free_text}), max_size=2)
    ),
    "series": maybe(free_text),
    "stages": maybe(
        st.lists(st.fixed_dictionaries({"name": free_text, "due": date, "done": date}), max_size=2)
    ),
    "doc_type": maybe(st.sampled_from(["regulation", "normative", "x"])),
    "exemptions": maybe(
        st.lists(st.fixed_dictionaries({"value": free_text, "reason": free_text}), max_size=2)
    ),
    "approvals": junk,
}
REQUIRED = {
    "title": "预算执行情况",
    "index_no": f"{ORG}/2025-00001",
    "category": "budget",
    "owner": "budget",
    "drafted_by": "赵敏",
    "written": "2025-03-01",
    "published": "2025-03-05",
}
INTERNAL = {"category": "staff-affairs", "owner": "personnel", "drafted_by": "胡斌"}
# Who may take each step, for either owner above.
APPROVERS = {
    "initial": ["钱立新", "曹静"],
    "leader": ["林志远", "郑国平"],
    "group-study": ["王晓燕"],
    "group-sign": ["陈建国"],
}


@st.composite
def front_matter(draw: st.DrawFn, internal: bool) -> str:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=80))  # not even YAML, perhaps
    fields = {**REQUIRED, **(INTERNAL if internal else {})}
    for key in draw(st.lists(st.sampled_from(sorted(KEYS)), unique=True, max_size=5)):
        fields[key] = draw(KEYS[key])
    if draw(st.integers(0, 3)) == 0:
        fields.pop(draw(st.sampled_from(sorted(REQUIRED))))
    return yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)


bodies = st.one_of(
    st.text(max_size=200),
    st.lists(
        st.sampled_from(
            [
                "## 标题\n",
                "| a | b |\n| --- | ---: |\n| 1 | 2 |\n",
                "[附表](files/a.csv)\n",
                "[坏链接](files/a%00.csv)\n",
                "[外链](javascript:alert(1))\n",
                "<script>alert(1)</script>\n",
                "<img src=x onerror=alert(1)>\n",
                "脚注[^1]\n\n[^1]: 注释\n",
                "身份证 11010519491231002X\n",
                "{: onclick=alert(1) }\n",
                "```\ncode\n```\n",
                "---\n",
            ]
        ),
        max_size=6,
    ).map("".join),
)


def snapshot(build: Path) -> dict[str, str]:
    if not build.exists():
        return {}
    return {
        p.relative_to(build).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in build.rglob("*")
        if p.is_file()
    }


def approve_everything(root: Path) -> None:
    """Take every approval step the sample policy needs, as ``catalogue approve`` would:
    only for an item whose remaining errors are about approvals."""
    for step, people in APPROVERS.items():
        for by in people:
            catalogue = load_catalogue(root)
            if len(catalogue.items) != 1:
                return
            item = catalogue.items[0]
            blocking = [p for p in errors(catalogue.problems) if not p.code.startswith("A")]
            if blocking or item.meta.published is None:
                return
            try:
                approve_file(item, catalogue.config, step, by, item.meta.published)
                break
            except ApprovalRefused:
                continue


@pytest.fixture
def fuzz_repo(tmp_path: Path) -> Repo:
    (tmp_path / "repo").mkdir()
    return Repo(tmp_path / "repo")


@settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.data(),
    body=bodies,
    csv_bytes=st.binary(max_size=200),
    internal=st.booleans(),
)
def test_random_items_never_crash_validate_or_build(
    fuzz_repo: Repo, data: st.DataObject, body: str, csv_bytes: bytes, internal: bool
) -> None:
    head = data.draw(front_matter(internal), label="front matter")
    root = fuzz_repo.root
    for scope in ("external", "internal"):
        shutil.rmtree(root / "content" / scope, ignore_errors=True)
    folder = root / "content" / ("internal/staff-affairs" if internal else "external/budget")
    (folder / "files").mkdir(parents=True)
    (folder / "files/a.csv").write_bytes(csv_bytes)
    (folder / "files/b.xlsx").write_bytes(csv_bytes)  # rarely a spreadsheet: P706
    (folder / "fuzz.md").write_text(f"---\n{head}---\n\n{body}", encoding="utf-8")

    result = CliRunner().invoke(main, ["--root", str(root), "validate", "--today", TODAY])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.stdout + result.stderr

    if load_catalogue(root).failed():
        approve_everything(root)  # so that some examples get as far as a real build
    build = root / "build"
    before = snapshot(build)
    try:
        build_catalogue(BuildContext(root, build, dt.date.fromisoformat(TODAY)), Reuse())
    except BuildRefused as refused:
        event("build refused: " + " ".join(sorted({p.code for p in refused.problems})[:4]))
        assert refused.problems
        assert snapshot(build) == before
    else:
        event("built")
        for output in ("public", "kiosk", "intranet"):
            assert (build / output / "index.html").is_file()
        assert (build / "public/search/meta.js").is_file()
    assert [p.name for p in root.iterdir() if p.name.startswith(".build")] == []
