"""The public site's conventions and rough edges (issue 23): 404 links from the base
URL's path, counts of current items, annual statistics up to the build day,
发布机构 and 责任科室, Chinese footnote titles, tel:/mailto: links, the pages and
footer links of the 政府网站检查指标, the intranet's own intro and footer and its
approval register newest first."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from conftest import BUILD_DAY, Repo

from generator.build import BuildContext, build_catalogue
from generator.incremental.update import Reuse


def read(root: Path, output: str, page: str) -> str:
    return (root / "build" / output / page).read_text(encoding="utf-8")


def hrefs(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="([^"]*)"', html)


def test_the_404_page_links_from_the_base_urls_path(built_sample: Path, repo: Repo) -> None:
    """GitHub Pages serves 404.html at any missing address, however deep."""
    links = [
        h
        for h in hrefs(read(built_sample, "public", "404.html"))
        if not h.startswith(("data:", "#", "https:", "tel:", "mailto:"))
    ]
    assert "/static/style.css" in links and "/index.html" in links
    assert all(h.startswith("/") for h in links), links
    config = repo.root / "catalog.yaml"
    text = config.read_text("utf-8").replace(
        "base_url: https://czj.chengjiang.example.gov.cn/",
        "base_url: https://www.chengjiang.example.gov.cn/czj/gk/",
    )
    config.write_text(text, encoding="utf-8")
    repo.add_item()
    build_catalogue(BuildContext(repo.root, repo.root / "build", BUILD_DAY), Reuse())
    page = read(repo.root, "public", "404.html")
    assert 'href="/czj/gk/static/style.css"' in page and 'href="/czj/gk/search.html"' in page
    assert 'href="static/style.css"' in read(
        repo.root, "public", "guide.html"
    )  # others stay relative


def test_counts_mean_current_items_and_the_archive_is_counted_apart(built_sample: Path) -> None:
    home = read(built_sample, "public", "index.html")
    catalogue = read(built_sample, "public", "catalogue/index.html")
    archive = read(built_sample, "public", "catalogue/archive/index.html")
    (shown,) = re.findall(r"查看全部 (\d+) 条公开信息", home)
    (listed,) = re.findall(r"共 (\d+) 条", catalogue)
    (ended,) = re.findall(r"历史信息（公示期已结束）(\d+) 条", home)
    assert shown == listed
    assert int(ended) > 0 and re.search(rf"共 {ended} 条", archive)


def test_annual_statistics_count_to_the_build_day_and_every_year_is_listed(
    built_sample: Path,
) -> None:
    current = read(built_sample, "public", f"reports/annual-{BUILD_DAY.year}.html")
    assert f"截至 {BUILD_DAY.year} 年 {BUILD_DAY.month} 月 {BUILD_DAY.day} 日" in current
    assert "截至 2025 年 12 月 31 日" in read(built_sample, "public", "reports/annual-2025.html")
    years = [
        int(y)
        for y in re.findall(
            r"reports/annual-(\d{4})\.html", read(built_sample, "public", "reports/index.html")
        )
    ]
    assert years == list(range(BUILD_DAY.year, min(years) - 1, -1)) and min(years) <= 2019


def test_item_pages_name_the_bureau_as_publisher_and_the_section_as_responsible(
    built_sample: Path,
) -> None:
    page = read(built_sample, "public", "items/2026-00014.html")
    assert "<dt>发布机构</dt><dd>青禾市澄江区财政局</dd>" in page
    assert re.search(r"<dt>责任科室</dt><dd[^>]*>政府采购管理科</dd>", page)
    labels = re.findall(r"<dt>([^<]+)</dt>", page)
    assert labels[:3] == ["索引号", "发布日期", "有效性"]  # what a phone shows first
    listing = read(built_sample, "public", "catalogue/index.html")
    assert '<th scope="col">责任科室</th>' in listing and 'data-label="发布日期"' in listing


def test_footnote_back_links_are_titled_in_chinese(repo: Repo) -> None:
    repo.add_item(body="依据条例[^1]。\n\n[^1]: 《中华人民共和国政府信息公开条例》。\n")
    build_catalogue(BuildContext(repo.root, repo.root / "build", BUILD_DAY), Reuse())
    page = read(repo.root, "public", "items/2024-00012.html")
    assert "Jump back" not in page
    assert 'title="返回正文中第 1 个脚注处"' in page


def test_phones_and_addresses_are_links_on_the_site_and_text_in_the_kiosk(
    built_sample: Path,
) -> None:
    for page in ("index.html", "guide.html", "contact.html"):
        html = read(built_sample, "public", page)
        assert '<a href="tel:057187654321">0571-8765 4321</a>' in html, page
        assert '<a href="mailto:czjgk@chengjiang.example.gov.cn">' in html, page
    complaints = read(built_sample, "public", "complaints.html")
    assert '<a href="tel:057187654399">' in complaints
    assert '<a href="mailto:czjjb@chengjiang.example.gov.cn">' in complaints
    assert complaints.count("登记、交办、反馈和归档") == 1  # stated once
    for page in ("guide.html", "complaints.html", "index.html"):
        html = read(built_sample, "kiosk", page)
        assert "tel:" not in html and "mailto:" not in html, page


def test_the_public_site_has_the_pages_and_footer_of_a_government_site(
    built_sample: Path,
) -> None:
    home = read(built_sample, "public", "index.html")
    for page, name in [
        ("sitemap.html", "网站地图"),
        ("about.html", "关于本网"),
        ("contact.html", "联系我们"),
    ]:
        assert f'<a href="{page}">{name}</a>' in home
        assert f"<h1>{name}</h1>" in read(built_sample, "public", page)
    assert ">我为政府网站找错</a>" in home
    assert '<a href="https://beian.miit.gov.cn/">浙ICP备00000000号-1</a>' in home
    assert 'href="https://beian.mps.gov.cn/#/query/webSearch?code=33010902000000"' in home
    (badge,) = re.findall(r'<img class="gov-badge" src="([^"]+)" alt="党政机关网站标识"', home)
    assert (built_sample / "build/public" / badge).is_file()  # shipped, never fetched
    assert re.search(r'<a href="reports/index.html"[^>]*>年度报告</a>', home)  # in the main nav
    sitemap = read(built_sample, "public", "sitemap.html")
    assert 'href="catalogue/category/budget/index.html"' in sitemap


def test_the_intranet_has_its_own_intro_and_footer(built_sample: Path) -> None:
    home = read(built_sample, "intranet", "index.html")
    assert "内部网站</h1>" in home and "主动公开本局工作职责" not in home
    footer = home[home.index("<footer") :]
    assert "ICP" not in footer and "公网安备" not in footer and "仅限本局干部职工" in footer


def test_the_register_lists_newest_first_with_its_filters(built_sample: Path) -> None:
    register = read(built_sample, "intranet", "register.html")
    days = [
        dt.date.fromisoformat(d)
        for d in re.findall(r'<td class="nowrap">(\d{4}-\d{2}-\d{2})</td>\s*</tr>', register)
    ]
    assert len(days) >= 60 and days == sorted(days, reverse=True)
    for name in ("register-section", "register-year", "register-step", "register-signer"):
        assert f'id="{name}"' in register
    assert "<option>科室负责人审核</option>" in register and "<option>钱立新</option>" in register
