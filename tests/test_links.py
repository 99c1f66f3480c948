"""The link check of the built public site: every internal link and anchor resolves."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BUILD_DAY, Repo, copy_sample
from test_site import files_of

from generator.build import BuildContext, BuildRefused, build_catalogue
from generator.build.links import LinkCheck
from generator.build.pipeline import Plan
from generator.incremental.update import Reuse


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


def test_links_files_folders_and_anchors(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "index.html": '<main id="main">\n<a href="#main">top</a>\n'
            '<a href="items/a.html#part-2">a</a> <a href="catalogue/">c</a>\n'
            '<img src="static/x.png"> <a href="https://example.gov.cn/none.html">out</a>\n'
            '<a href="mailto:a@b.cn">m</a> <div data-href="gone.html"></div>\n</main>\n',
            "items/a.html": '<h2 id="part-2">二</h2>\n<a href="../index.html?q=1">home</a>\n'
            '<a href="../catalogue/index.html#nowhere">bad anchor</a>\n'
            '<a href="b.html">gone</a>\n<a href="../../outside.html">up</a>\n'
            '<a href="%E5%85%AC%E5%BC%80.html">encoded</a>\n',
            "items/公开.html": "<p>ok</p>\n",
            "catalogue/index.html": "<p>list</p>\n",
            "static/x.png": "png",
        },
    )
    problems = LinkCheck(tmp_path, "build/public").problems()
    found = sorted((p.code, p.path, p.line, p.message) for p in problems)
    assert found == [
        (
            "G843",
            "build/public/items/a.html",
            4,
            "页面“items/a.html”的链接“b.html”指向的文件不存在",
        ),
        (
            "G843",
            "build/public/items/a.html",
            5,
            "页面“items/a.html”的链接“../../outside.html”指向的文件不存在",
        ),
        (
            "G844",
            "build/public/items/a.html",
            3,
            "页面“items/a.html”的链接“../catalogue/index.html#nowhere”指向的位置“#nowhere”"
            "在目标页面中不存在",
        ),
    ]


def test_a_link_broken_in_one_page_is_reported_for_each_page(tmp_path: Path) -> None:
    # Links are worked out once per folder: the second page must still be named.
    write(tmp_path, {"a.html": '<a href="x.html">x</a>', "b.html": '<a href="x.html">x</a>'})
    problems = LinkCheck(tmp_path, "out").problems()
    assert sorted(p.path for p in problems) == ["out/a.html", "out/b.html"]
    assert "页面“b.html”" in next(p.message for p in problems if p.path == "out/b.html")


def test_root_relative_links_start_from_the_base_url_path(tmp_path: Path) -> None:
    """The 404 page links from the path of ``site.base_url`` (it is served at any depth):
    under a portal's sub-path, ``/czj/index.html`` is the site's home page and ``/other.html``
    is outside the site, so it cannot be checked and is reported."""
    write(
        tmp_path,
        {
            "404.html": '<a href="/czj/index.html">home</a>\n<a href="/czj/static/s.css">s</a>\n'
            '<a href="/other.html">portal</a>\n<a href="/czj/gone.html">gone</a>\n',
            "index.html": "<p>home</p>",
            "static/s.css": "",
        },
    )
    problems = LinkCheck(tmp_path, "out", "/czj/").problems()
    assert sorted((p.line, p.code) for p in problems) == [(3, "G843"), (4, "G843")]
    assert LinkCheck(tmp_path, "out").problems() != []  # at "/", /czj/ is not the site


def break_template(root: Path, link: str) -> None:
    template = root / "themes/default/templates/base.html"
    text = template.read_text(encoding="utf-8")
    template.write_text(
        text.replace("</main>", f'<a href="{{{{ root }}}}{link}">坏链接</a>\n</main>')
    )


@pytest.mark.parametrize("plan", [Plan, Reuse])
def test_a_broken_link_in_a_template_refuses_the_build(tmp_path: Path, plan: type[Plan]) -> None:
    root = copy_sample(tmp_path / "s")
    build_catalogue(BuildContext(root, root / "build", BUILD_DAY), plan())
    before = files_of(root / "build")
    break_template(root, "no-such-page.html")
    with pytest.raises(BuildRefused) as refused:
        build_catalogue(BuildContext(root, root / "build", BUILD_DAY), plan())
    problems = refused.value.problems
    assert {p.code for p in problems} == {"G843"}
    pages = {p.path for p in problems}
    assert {"build/public/index.html", "build/public/budget.html"} <= pages
    home = next(p for p in problems if p.path == "build/public/index.html")
    assert home.message == "页面“index.html”的链接“no-such-page.html”指向的文件不存在"
    html = (root / "build/public/index.html").read_text(encoding="utf-8")
    assert "no-such-page" not in html  # the previous output is untouched
    assert files_of(root / "build") == before


def test_a_broken_anchor_in_an_edited_body_refuses_the_incremental_build(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "s")
    build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse())
    before = files_of(root / "build")
    path = root / "content/external/budget/2025-department-budget.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n见[三公经费](#三三公经费预算)和[附表](#没有这一节)。\n")
    Repo(root, fresh=False).approve(path)
    with pytest.raises(BuildRefused) as refused:
        build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse())
    (problem,) = refused.value.problems
    assert (problem.code, problem.path) == ("G844", "build/public/items/2025-00010.html")
    assert "#没有这一节" in problem.message
    assert files_of(root / "build") == before
