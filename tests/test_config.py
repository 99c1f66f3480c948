"""catalog.yaml: every bad key reported at once, and approval policies set in YAML alone."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import REPO, Repo, line_of

from generator.catalogue import CatalogUnusable, load_catalogue
from generator.source.config import load_catalog, uscc_check_char


def test_sample_catalog_is_valid() -> None:
    loaded = load_catalog(REPO)
    assert loaded.problems == []
    config = loaded.config
    assert config is not None
    assert len(config.categories.external) == 12
    assert len(config.categories.internal) == 4
    assert [s.key for s in config.approval.steps] == ["initial", "leader"]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_bad_key_reported_at_once(repo: Repo) -> None:
    path = repo.root / "catalog.yaml"
    _edit(path, "  fax: ", "  facs: ")
    _edit(path, "      refresh: quarterly", "      refresh: monthly")
    _edit(path, "  钱立新: {section: budget,", "  钱立新: {section: budgt,")
    _edit(path, "      role: supervisor\n", "      role: supervisr\n")
    loaded = load_catalog(repo.root)
    assert loaded.config is None
    found = {(p.code, p.line) for p in loaded.problems}
    assert ("S101", line_of(path, "facs:")) in found
    assert ("S102", line_of(path, "  name: 青禾市澄江区财政局")) in found  # fax missing
    assert ("S105", line_of(path, "refresh: monthly")) in found
    assert any("fax" in p.message for p in loaded.problems if p.code == "S101")  # did you mean
    # Reference errors are checked once the shape is right: fix shape, see references.
    _edit(path, "  facs: ", "  fax: ")
    _edit(path, "      refresh: monthly", "      refresh: quarterly")
    found = {(p.code, p.line) for p in load_catalog(repo.root).problems}
    assert ("C201", line_of(path, "section: budgt")) in found
    assert ("C201", line_of(path, "role: supervisr")) in found


def test_wrong_check_digit_of_org_code(repo: Repo) -> None:
    path = repo.root / "catalog.yaml"
    _edit(path, "code: 11330109002468135T", "code: 11330109002468135X")
    problems = load_catalog(repo.root).problems
    assert [(p.code, p.line) for p in problems] == [("C202", line_of(path, "code: 1133"))]
    assert uscc_check_char("11330109002468135") == "T"


def test_missing_catalog_yaml(tmp_path: Path) -> None:
    loaded = load_catalog(tmp_path)
    assert loaded.config is None
    assert [(p.code, p.path) for p in loaded.problems] == [("C203", "catalog.yaml")]


def test_no_catalogue_is_loaded_without_a_usable_catalog_yaml(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    with pytest.raises(CatalogUnusable) as unusable:
        load_catalogue(tmp_path)
    assert [(p.code, p.path) for p in unusable.value.problems] == [("C203", "catalog.yaml")]


def test_yaml_syntax_error_in_catalog(repo: Repo) -> None:
    path = repo.root / "catalog.yaml"
    _edit(path, "  phone: 0571-8765 4321", "  phone: [0571")
    problems = load_catalog(repo.root).problems
    line = path.read_text(encoding="utf-8").splitlines().index("  phone: [0571") + 1
    assert problems and (problems[0].code, problems[0].line) == ("Y009", line)


YUNFU_POLICY = {
    "steps": [
        {"key": "first", "name": "初审", "role": "section_head", "of": "owner"},
        {"key": "second", "name": "复审", "role": "section_head", "of": ["budget", "treasury"]},
        {"key": "final", "name": "终审", "role": "group_office"},
    ]
}


def _use_yunfu_policy(repo: Repo) -> None:
    path = repo.root / "catalog.yaml"
    data = path.read_text(encoding="utf-8")
    start = data.index("approval:")
    end = data.index("plan:")
    policy = yaml.safe_dump({"approval": YUNFU_POLICY}, allow_unicode=True, sort_keys=False)
    path.write_text(data[:start] + policy + "\n" + data[end:], encoding="utf-8")


def test_yunfu_three_level_policy_from_yaml_alone(repo: Repo) -> None:
    _use_yunfu_policy(repo)
    assert load_catalog(repo.root).problems == []
    # A social-security item: 初审 by its own head, 复审 by 预算科 or 国库科, 终审 by the office.
    path = repo.write_item(owner="social", drafted_by="周婷", category="funds")
    repo.approve(path, steps=(("first", "吕秀兰"), ("second", "孙雅琴"), ("final", "王晓燕")))
    assert repo.codes(path) == []


def test_yunfu_second_review_must_come_from_budget_or_treasury(repo: Repo) -> None:
    _use_yunfu_policy(repo)
    path = repo.write_item(owner="social", drafted_by="周婷", category="funds")
    repo.approve(path, steps=(("first", "吕秀兰"),))
    repo.force_approve(path, "second", "吴海涛")  # heads procurement, not budget/treasury
    repo.force_approve(path, "final", "王晓燕")
    assert ("A503", line_of(path, "    by: 吴海涛")) in repo.codes(path)


def test_yunfu_budget_item_needs_treasury_for_second_review(repo: Repo) -> None:
    _use_yunfu_policy(repo)
    path = repo.write_item()  # owned by budget: its head takes 初审, so 复审 falls to treasury
    repo.approve(path, steps=(("first", "钱立新"),))
    repo.force_approve(path, "second", "钱立新")
    assert ("A504", line_of(path, "step: second") + 1) in repo.codes(path)
