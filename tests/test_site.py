"""The public website built from the sample: what it contains and what it must never contain."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
import pytest
from conftest import (
    BUILD_DAY,
    CANARY,
    CANARY_ASCII,
    CANARY_FILES,
    CANARY_MOBILE,
    ORG,
    copy_sample,
)
from sitetext import files_of, shown_and_hidden

from generator.build import BuildContext, BuildRefused, build_catalogue
from generator.catalogue import load_catalogue
from generator.incremental import fingerprint
from generator.incremental.update import Reuse
from generator.search.kiosk import pinyin_keys
from generator.site.pages import Pagination
from generator.site.views import item_url


def public(root: Path) -> Path:
    return root / "build" / "public"


def _expected_public(root: Path) -> tuple[list, list]:
    return shown_and_hidden(root, "website", BUILD_DAY)


def test_every_public_item_has_a_page_with_its_metadata(built_sample: Path) -> None:
    shown, _ = _expected_public(built_sample)
    assert len(shown) >= 40
    for item in shown:
        html = (public(built_sample) / item_url(item.meta.index_no)).read_text(encoding="utf-8")
        assert f">{item.meta.title}</h1>" in html
        for label in (
            "索引号",
            "分类",
            "发布机构",
            "责任科室",
            "文号",
            "成文日期",
            "发布日期",
            "有效性",
            "公开方式",
            "时效/更新频率",
            "主题词",
            "内容概述",
        ):
            assert f"<dt>{label}</dt>" in html, (item.path, label)
        assert "<dt>发布机构</dt><dd>青禾市澄江区财政局</dd>" in html  # the bureau, not a section
        assert item.meta.index_no in html
        assert str(item.meta.published) in html


def test_hidden_items_are_absent_everywhere(built_sample: Path) -> None:
    _, hidden = _expected_public(built_sample)
    kinds = {
        (
            "internal"
            if i.scope == "internal"
            else "future"
            if i.meta.published > BUILD_DAY
            else "channel"
        )
        for i in hidden
    }
    assert kinds == {"internal", "future", "channel"}
    files = files_of(public(built_sample))
    for item in hidden:
        number = item.meta.index_no.encode()
        title = item.meta.title.encode()
        for path, data in files.items():
            assert number not in data and title not in data, (item.path, path)
        assert not (public(built_sample) / item_url(item.meta.index_no)).exists()


def test_canary_in_an_internal_item_appears_in_no_file(built_sample: Path) -> None:
    """The canary sits in every front matter field (exemptions, keywords, doc_no, changes,
    stages, series included), the body and a CSV, XLSX, PDF and DOCX attachment."""
    needles = [CANARY.encode(), CANARY_ASCII.encode(), CANARY_ASCII.lower().encode()]
    needles += [CANARY_MOBILE.encode(), b"2026-09999"]
    needles += [json.dumps(CANARY[:2])[1:-1].encode()]  # an index term, escaped or not
    needles += [key.encode() for key in pinyin_keys(CANARY)]  # the kiosk's search keys
    for output in ("public", "kiosk"):
        folder = built_sample / "build" / output
        for path, data in files_of(folder).items():
            assert CANARY_ASCII not in PurePosixPath(path).name, path
            for needle in needles:
                assert needle not in data, (path, needle)
    # The canary is real: the staff intranet shows the item and serves every attachment.
    intranet = built_sample / "build" / "intranet"
    page = (intranet / item_url(f"{ORG}/2026-09999")).read_text(encoding="utf-8")
    assert CANARY in page and f"{CANARY}附件" in page
    copied = {p.name for p in intranet.rglob(f"{CANARY_ASCII}.*")}
    assert copied == {name.removeprefix("files/") for name in CANARY_FILES}


def test_search_index_covers_each_outputs_items_only(built_sample: Path) -> None:
    shown, _ = _expected_public(built_sample)
    build = built_sample / "build"
    kiosk_pages = sorted(
        p.relative_to(build / "kiosk").as_posix() for p in build.glob("kiosk/items/*.html")
    )
    expected = {"public": sorted(item_url(i.meta.index_no) for i in shown), "kiosk": kiosk_pages}
    for output in ("public", "kiosk"):
        documents = sorted((build / output / "search/f").glob("*.js"))
        texts = [d.read_text(encoding="utf-8") for d in documents]
        urls = sorted(json.loads(t[t.index(",") + 1 : -3])["url"] for t in texts)
        assert urls == expected[output], output
    intranet = built_sample / "build/intranet/search/f"
    assert len(list(intranet.glob("*.js"))) > len(shown)  # its internal items too


def test_exports_list_exactly_the_public_items(built_sample: Path) -> None:
    shown, _ = _expected_public(built_sample)
    numbers = sorted(i.meta.index_no for i in shown)
    data = json.loads((public(built_sample) / "catalogue.json").read_text(encoding="utf-8"))
    assert sorted(row["index_no"] for row in data["items"]) == numbers
    raw = (public(built_sample) / "catalogue.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert sorted(r["索引号"] for r in rows) == numbers
    ns = {"a": "http://www.w3.org/2005/Atom", "s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    feed = ET.parse(public(built_sample) / "feed.xml").getroot()
    assert {e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)} <= {
        i.meta.title for i in shown
    }
    sitemap = ET.parse(public(built_sample) / "sitemap.xml").getroot()
    locs = {u.findtext("s:loc", namespaces=ns) for u in sitemap.findall("s:url", ns)}
    assert {f"https://czj.chengjiang.example.gov.cn/{item_url(n)}" for n in numbers} <= locs
    assert "Sitemap: https://czj.chengjiang.example.gov.cn/sitemap.xml" in (
        public(built_sample) / "robots.txt"
    ).read_text(encoding="utf-8")


def test_repealed_item_links_to_its_replacement_and_back(built_sample: Path) -> None:
    old = (public(built_sample) / "items/2019-00001.html").read_text(encoding="utf-8")
    new = (public(built_sample) / "items/2024-00012.html").read_text(encoding="utf-8")
    assert "本文件已废止" in old and 'href="../items/2024-00012.html"' in old
    assert "本文件替代" in new and 'href="../items/2019-00001.html"' in new
    # The body's relative link to the old .md file was rewritten to its page.
    assert 'href="2019-00001.html"' in new


def test_attachments_are_copied_and_listed(built_sample: Path) -> None:
    shown, _ = _expected_public(built_sample)
    with_files = [i for i in shown if i.meta.attachments]
    assert with_files
    for item in with_files:
        page = (public(built_sample) / item_url(item.meta.index_no)).read_text(encoding="utf-8")
        for attachment in item.meta.attachments:
            copied = (
                public(built_sample)
                / "items"
                / item.meta.index_no.rsplit("/", 1)[1]
                / attachment.path
            )
            assert copied.read_bytes() == (item.folder / attachment.path).read_bytes()
            assert attachment.title in page


def test_home_guide_request_complaints_and_404(built_sample: Path) -> None:
    site = public(built_sample)
    home = (site / "index.html").read_text(encoding="utf-8")
    for entry in ("catalogue/index.html", "guide.html", "request.html", "complaints.html"):
        assert f'href="{entry}"' in home
    guide = (site / "guide.html").read_text(encoding="utf-8")
    for fact in (
        "czjgk@chengjiang.example.gov.cn",
        "0571-8765 4300",
        "周一至周五",
        "预算执行和预算草案",
    ):
        assert fact in guide
    request = (site / "request.html").read_text(encoding="utf-8")
    assert "20个工作日" in request and "信息公开申请表" in request
    # The 2019 条例: one deadline, no 用途, the remedies of 第五十一条, no "））".
    assert "15 个工作日" not in request and "用途" not in request and "））" not in request
    assert "行政复议" in request and "质疑" not in request
    assert "0571-8765 4399" in (site / "complaints.html").read_text(encoding="utf-8")
    assert (site / "404.html").exists()
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert 'lang="zh-CN"' in html
        assert "网站标识码：3301090099" in html and "浙ICP备00000000号-1" in html


def test_catalogue_is_paginated_and_browsable(built_sample: Path) -> None:
    shown, _ = _expected_public(built_sample)
    ended = {i.meta.index_no for i in shown if i.meta.expires and i.meta.expires < BUILD_DAY}
    assert ended  # the sample has 公示 whose period is over: they are in the archive
    site = public(built_sample)
    pages = sorted((site / "catalogue").glob("*.html"))
    assert [p.name for p in pages] == ["index.html", "page-2.html", "page-3.html"][: len(pages)]
    assert len(pages) == -(-(len(shown) - len(ended)) // 20)

    def listed(pages: list[Path]) -> set[str]:
        found: set[str] = set()
        for page in pages:
            html = page.read_text(encoding="utf-8")
            found |= set(re.findall(r'href="(?:\.\./)+(items/[\d-]+\.html)"', html))
        return found

    current = {item_url(i.meta.index_no) for i in shown if i.meta.index_no not in ended}
    assert listed(pages) == current
    assert listed(sorted((site / "catalogue/archive").glob("*.html"))) == {
        item_url(n) for n in ended
    }
    budget = (site / "catalogue/category/budget/index.html").read_text(encoding="utf-8")
    assert budget.count("<tr data-category=") == sum(
        1 for i in shown if i.meta.category == "budget" and i.meta.index_no not in ended
    )
    assert (site / "catalogue/section/budget/index.html").exists()
    assert (site / "catalogue/year/2025/index.html").exists()


def test_pages_of_a_long_listing_link_the_first_last_and_nearest_pages() -> None:
    urls = [f"catalogue/page-{n}.html" for n in range(1, 21)]

    def shown(number: int, count: int = 20) -> list[int | str]:
        links = Pagination(number, count, urls[:count]).links
        assert all(link is None or link.url == urls[link.number - 1] for link in links)
        return ["…" if link is None else link.number for link in links]

    assert shown(1) == [1, 2, 3, "…", 20]
    assert shown(5) == [1, 2, 3, 4, 5, 6, 7, "…", 20]  # page 2 alone is linked, not "…"
    assert shown(10) == [1, "…", 8, 9, 10, 11, 12, "…", 20]
    assert shown(20) == [1, "…", 18, 19, 20]
    assert shown(2, count=3) == [1, 2, 3]
    assert shown(1, count=1) == [1]


def test_every_page_of_a_long_listing_is_reachable_without_javascript(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "sample")
    config = root / "catalog.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("page_size: 20", "page_size: 5"))
    build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse())
    folder = public(root) / "catalogue"
    pages = {p.name for p in folder.glob("*.html")}
    assert len(pages) >= 9  # long enough that some pages leave some out
    leaving_out = set()
    for name in pages:
        html = (folder / name).read_text(encoding="utf-8")
        nav = re.search(r'<nav class="pagination".*?</nav>', html, re.S)
        assert nav is not None, name
        linked = set(re.findall(r'href="\.\./catalogue/([^"]+)"', nav.group(0)))
        assert linked <= pages and {"index.html", f"page-{len(pages)}.html"} <= linked | {name}
        assert len(linked) <= 8 and ("…" in nav.group(0)) == (len(linked | {name}) < len(pages))
        if "…" in nav.group(0):
            leaving_out.add(name)
    assert "index.html" in leaving_out
    seen, page = [], "index.html"
    while page:
        seen.append(page)
        html = (folder / page).read_text(encoding="utf-8")
        page = next(iter(re.findall(r'rel="next" href="\.\./catalogue/([^"]+)"', html)), "")
    assert len(seen) == len(pages) == len(set(seen))


def test_no_external_requests_in_any_page(built_sample: Path) -> None:
    for page in public(built_sample).rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        # What the browser fetches: sources and <link>s. Plain links (the ICP and 公安
        # registries, 我为政府网站找错) are followed only when a visitor taps them.
        fetched = re.findall(r'src="([^"]+)"', html) + re.findall(
            r'<link [^>]*href="([^"]+)"', html
        )
        for url in fetched:
            assert not re.match(r"(https?:)?//", url), (page, url)


def test_build_is_reproducible(tmp_path: Path) -> None:
    first = copy_sample(tmp_path / "a")
    second = copy_sample(tmp_path / "b")
    build_catalogue(BuildContext(first, first / "build", BUILD_DAY), Reuse())
    build_catalogue(BuildContext(second, second / "build", BUILD_DAY), Reuse())
    a, b = files_of(public(first)), files_of(public(second))
    assert sorted(a) == sorted(b)
    for path, data in a.items():
        assert data == b[path], path


def test_failed_build_leaves_previous_output_untouched(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "s")
    build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse())
    before = files_of(root / "build")
    item = next((root / "content/external/budget").glob("*.md"))
    item.write_text(
        item.read_text(encoding="utf-8").replace("category: budget", "category: nope"),
        encoding="utf-8",
    )
    with pytest.raises(BuildRefused):
        build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse())
    assert files_of(root / "build") == before
    assert not [p for p in root.iterdir() if p.name.startswith(".build")]


def test_scheduled_item_appears_on_its_day(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "s")
    scheduled = [i for i in load_catalogue(root).items if i.meta.published > BUILD_DAY]
    assert scheduled
    day = scheduled[0].meta.published
    build_catalogue(BuildContext(root, root / "build", day - dt.timedelta(days=1)), Reuse())
    assert not (public(root) / item_url(scheduled[0].meta.index_no)).exists()
    shutil.rmtree(root / "build")
    build_catalogue(BuildContext(root, root / "build", day), Reuse())
    assert (public(root) / item_url(scheduled[0].meta.index_no)).exists()


def test_broken_template_is_a_coded_error_and_keeps_previous_output(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "s")
    build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse())
    before = files_of(root / "build")
    template = root / "themes/default/templates/item.html"
    template.write_text(
        template.read_text(encoding="utf-8").replace(
            "{{ item.title }}</h1>", "{{ item.title }</h1>"
        ),
        encoding="utf-8",
    )
    with pytest.raises(BuildRefused) as refused:
        build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse())
    (problem,) = refused.value.problems
    assert (problem.code, problem.path) == ("B001", "themes/default/templates/item.html")
    assert (
        "{{ item.title }</h1>"
        in template.read_text(encoding="utf-8").splitlines()[problem.line - 1]
    )
    assert files_of(root / "build") == before


def test_build_writes_nothing_outside_its_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fingerprint, "RACY_NS", 0)  # the sample was copied just now
    root = copy_sample(tmp_path / "s")
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    build_catalogue(BuildContext(root, tmp_path / "out", BUILD_DAY), Reuse())
    assert list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        ".catalogue-files.json",
        ".catalogue-inputs",  # data only: what a build remembers lies in .cache/ (sealed.py)
        ".catalogue-warnings.json",  # reported again by a build with nothing to do
        "intranet",
        "kiosk",
        "public",
    ]
    assert (tmp_path / "out/public/search/meta.js").is_file()


def test_the_register_is_written_as_rendered_and_equals_the_page_rendered_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The register lists every item (100 MB at 100,000 items): it is written piece by
    piece as rendered, never held whole, and its bytes are those of a whole rendering."""
    root = copy_sample(tmp_path / "s")
    rendered_whole: list[str] = []
    whole = jinja2.Template.render

    def render_whole(template: jinja2.Template, *args: Any, **kwargs: Any) -> str:
        rendered_whole.append(str(template.name))
        return whole(template, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", render_whole)
    build_catalogue(BuildContext(root, tmp_path / "streamed", BUILD_DAY))
    assert "register.html" not in rendered_whole
    assert "item.html" in rendered_whole
    streamed = files_of(tmp_path / "streamed", top=False)
    assert streamed["intranet/register.html"].count(b"<tr") > 50

    # The same build with every template rendered whole: the streamed register's one piece.
    monkeypatch.setattr(jinja2.Template, "generate", lambda t, *a, **k: iter([whole(t, *a, **k)]))
    build_catalogue(BuildContext(root, tmp_path / "whole", BUILD_DAY))
    assert files_of(tmp_path / "whole", top=False) == streamed
