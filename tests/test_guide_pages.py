"""Guide pages (政务公开指南, 依申请公开, 监督投诉) are items staff edit and approve."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from conftest import ORG, Repo, line_of

from generator.build import BuildContext, build_catalogue
from generator.build.pipeline import Plan

DAY = dt.date(2024, 8, 1)
GUIDE = "content/external/other/guide.md"
BODY = (
    "## 联系我们\n\n"
    "办公电话：{{ organisation.phone }}，投诉电话：{{organisation.complaints.phone}}。\n\n"
    "详见[预算执行情况](../budget/2024-q2.md)。\n"
)


def page_item(repo: Repo, rel: str = GUIDE, body: str = BODY, **extra: object) -> Path:
    fields: dict[str, object] = {
        "category": "other",
        "index_no": f"{ORG}/2024-00090",
        "title": "澄江区财政局政务公开指南（测试）",
        "page": "guide",
    }
    return repo.add_item(rel, body=body, **{**fields, **extra})


def build(repo: Repo) -> Path:
    out = repo.root / "build"
    build_catalogue(BuildContext(repo.root, out, DAY), Plan())
    return out


def test_a_guide_item_is_shown_at_the_guide_address_with_the_bureau_facts(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.add_item()
    page_item(repo)
    assert [p for p in repo.load().problems if p.is_error] == []
    out = build(repo)
    for variant in ("public", "kiosk", "intranet"):
        html = (out / variant / "guide.html").read_text(encoding="utf-8")
        assert "澄江区财政局政务公开指南（测试）" in html
        if variant == "kiosk":  # nothing in the kiosk leaves it: numbers are text
            assert "办公电话：0571-8765 4321，投诉电话：0571-8765 4399。" in html
        else:  # on the websites a phone number is a tap away
            assert '办公电话：<a href="tel:057187654321">0571-8765 4321</a>，' in html
            assert '投诉电话：<a href="tel:057187654399">0571-8765 4399</a>。' in html
        assert "{{" not in html
        assert 'href="items/2024-00012.html"' in html  # its link, from the page's address
        assert not (out / variant / "items" / "2024-00090.html").exists()
    listed = json.loads((out / "public" / "catalogue.json").read_text(encoding="utf-8"))
    assert "2024-00090" not in json.dumps(listed, ensure_ascii=False)
    # One change in catalog.yaml changes every page that shows the fact.
    catalog = tmp_path / "catalog.yaml"
    text = catalog.read_text(encoding="utf-8").replace(
        "phone: 0571-8765 4321", "phone: 0571-8765 4000"
    )
    catalog.write_text(text, encoding="utf-8")
    html = (build(repo) / "public" / "guide.html").read_text(encoding="utf-8")
    assert '办公电话：<a href="tel:057187654000">0571-8765 4000</a>' in html


def test_links_to_a_guide_item_lead_to_its_page(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    page_item(repo, body="## 指南\n\n指南正文。\n")
    repo.add_item(body="见[政务公开指南](../other/guide.md)。\n")
    html = (build(repo) / "public" / "items" / "2024-00012.html").read_text(encoding="utf-8")
    assert 'href="../guide.html"' in html


def test_without_a_guide_item_the_theme_text_is_shown(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.add_item()
    out = build(repo)
    for name in ("guide.html", "request.html", "complaints.html"):
        html = (out / "public" / name).read_text(encoding="utf-8")
        assert "0571-8765 4321" in html or "0571-8765 4399" in html, name


def test_guide_items_are_checked(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    unknown = page_item(repo, body="电话：{{ organisation.mobile }}\n")
    internal = page_item(
        repo,
        "content/internal/staff-affairs/page.md",
        category="staff-affairs",
        index_no=f"{ORG}/2024-00091",
        page="request",
        body="正文。\n",
    )
    twice = page_item(repo, "content/external/other/guide2.md", index_no=f"{ORG}/2024-00092")
    ordinary = repo.add_item(body="电话：{{ organisation.phone }}\n")
    problems = {(p.code, p.path, p.line, p.is_error) for p in repo.load().problems}

    def at(path: Path, needle: str) -> tuple[str, int]:
        return path.relative_to(tmp_path).as_posix(), line_of(path, needle)

    assert ("G824", *at(unknown, "organisation.mobile"), True) in problems
    assert ("G825", *at(internal, "page: request"), True) in problems
    assert ("G826", *at(twice, "page: guide"), True) in problems
    assert ("G827", *at(ordinary, "organisation.phone"), False) in problems
    assert not any(p[0] == "G826" and p[1] == GUIDE for p in problems)


def test_the_sample_guide_pages_are_items(sample: Path) -> None:
    from generator.catalogue import load_catalogue

    catalogue = load_catalogue(sample)
    pages = {i.meta.page: i for i in catalogue.valid_items() if i.meta.page}
    assert set(pages) == {"guide", "request", "complaints"}
    assert all(len(i.meta.approvals) == 2 for i in pages.values())
    request = pages["request"].body
    assert "用途" not in request and "{{ requests.reply_workdays }}" in request
