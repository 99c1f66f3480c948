"""Attachments inside the kiosk: PDF pages as images (cached by digest, never from a
cache anyone else wrote), spreadsheets as tables, other files say where to ask."""

from __future__ import annotations

import os
import pickle
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import BUILD_DAY, Repo
from officefiles import write_pdf, write_xlsx

from generator.build import BuildContext, build_catalogue
from generator.incremental import pageimages
from generator.incremental.sealed import MAC_SIZE, MAGIC
from generator.incremental.update import Reuse
from generator.site import documents

PNG = b"\x89PNG\r\n\x1a\n"
ADDRESS = "青禾市澄江区府前路18号区行政中心3号楼"  # catalog.yaml organisation.address


def limit_pages(repo: Repo, limit: int) -> None:
    config = repo.root / "catalog.yaml"
    text = re.sub(r"kiosk_pdf_pages: \d+", f"kiosk_pdf_pages: {limit}", config.read_text("utf-8"))
    config.write_text(text, encoding="utf-8")


def item_with(repo: Repo, *files: tuple[str, str]) -> None:
    """An approved item with ``files`` (name, title) under content/external/budget/files."""
    repo.add_item(attachments=[{"path": f"files/{name}", "title": title} for name, title in files])


@pytest.fixture
def pdf_repo(repo: Repo) -> Repo:
    folder = repo.root / "content/external/budget/files"
    folder.mkdir(parents=True)
    write_pdf(folder / "report.pdf", [["page one"], ["page two"], ["page three"]])
    item_with(repo, ("report.pdf", "执行情况报告"))
    limit_pages(repo, 2)
    return repo


def build(repo: Repo, out: str = "build") -> Path:
    build_catalogue(BuildContext(repo.root, repo.root / out, BUILD_DAY), Reuse())
    return repo.root / out / "kiosk"


def test_a_pdf_is_shown_page_by_page_inside_the_kiosk_up_to_the_limit(pdf_repo: Repo) -> None:
    kiosk = build(pdf_repo)
    item = (kiosk / "items/2024-00012.html").read_text("utf-8")
    assert 'href="../items/2024-00012/view-1.html"' in item
    assert "files/report.pdf" not in item  # never the file: Chromium's viewer is a dead end
    viewer = (kiosk / "items/2024-00012/view-1.html").read_text("utf-8")
    images = re.findall(r'<img src="([^"]+)"', viewer)
    assert images == [
        "../../items/2024-00012/view-1/page-1.png",
        "../../items/2024-00012/view-1/page-2.png",
    ]
    for image in images:
        data = (kiosk / "items/2024-00012" / image).resolve().read_bytes()
        assert data.startswith(PNG)
    assert "本文件共 3 页，触摸屏显示前 2 页" in viewer
    for control in ("上一页", "下一页", "放大", "缩小"):
        assert control in viewer
    assert 'class="kiosk-bar"' in viewer and "kiosk.js" in viewer  # the way home, the idle timer


def test_an_unchanged_pdf_is_rendered_once(pdf_repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    rendered: list[Path] = []
    real = documents.render_pdf

    def counting(source: Path, limit: int) -> documents.RenderedPdf:
        rendered.append(source)
        return real(source, limit)

    monkeypatch.setattr(documents, "render_pdf", counting)
    first = build(pdf_repo, "build")
    second = build(pdf_repo, "elsewhere")  # a fresh output: only the cache can spare the work
    assert len(rendered) == 1
    page = "items/2024-00012/view-1/page-2.png"
    assert (first / page).read_bytes() == (second / page).read_bytes()
    # --no-cache renders again
    build_catalogue(
        BuildContext(pdf_repo.root, pdf_repo.root / "third", BUILD_DAY),
        Reuse(None, reuse_output=False),
    )
    assert len(rendered) == 2


def test_page_images_from_a_cache_anyone_else_wrote_are_never_shown_or_run(
    pdf_repo: Repo, tmp_path: Path
) -> None:
    kiosk = build(pdf_repo)
    page = kiosk / "items/2024-00012/view-1/page-1.png"
    genuine = page.read_bytes()
    (cached,) = (pdf_repo.root / pageimages.CACHE_DIR).iterdir()
    marker = tmp_path / "ran"

    class Exploit:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {marker}",))

    forged_header = {"version": pageimages.VERSION, "pdf": cached.name.split("-")[0], "limit": 2}
    fake = PNG + b"a page that says something else"
    forgeries = [
        # sealed with someone else's key (or none): a wrong MAC
        MAGIC + bytes(MAC_SIZE) + pickle.dumps(forged_header) + pickle.dumps((3, (fake, fake))),
        MAGIC + bytes(MAC_SIZE) + pickle.dumps(Exploit()),
        pickle.dumps(Exploit()),  # a bare pickle
    ]
    for forgery in forgeries:
        cached.write_bytes(forgery)
        kiosk = build(pdf_repo, "fresh")
        assert (kiosk / "items/2024-00012/view-1/page-1.png").read_bytes() == genuine
        assert not marker.exists()


def test_spreadsheets_are_shown_as_tables(repo: Repo) -> None:
    folder = repo.root / "content/external/budget/files"
    folder.mkdir(parents=True)
    (folder / "table.csv").write_text("科目,金额\n基本支出,100\n项目支出,250\n", encoding="gbk")
    write_xlsx(
        folder / "book.xlsx", {"收入": {"A1": "项目", "B1": "金额", "A2": "税收", "B2": 320}}
    )
    item_with(repo, ("table.csv", "支出表"), ("book.xlsx", "收入表"))
    kiosk = build(repo)
    csv_page = (kiosk / "items/2024-00012/view-1.html").read_text("utf-8")
    assert re.search(r"<th scope=\"col\">科目</th><th scope=\"col\">金额</th>", csv_page)
    assert "<td>项目支出</td><td>250</td>" in csv_page
    xlsx_page = (kiosk / "items/2024-00012/view-2.html").read_text("utf-8")
    assert "<td>税收</td><td>320</td>" in xlsx_page
    assert 'class="table-scroll"' in xlsx_page


def test_files_the_kiosk_cannot_show_say_where_to_ask(repo: Repo) -> None:
    folder = repo.root / "content/external/budget/files"
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("说明", encoding="utf-8")
    item_with(repo, ("notes.txt", "说明"))
    kiosk = build(repo)
    item = (kiosk / "items/2024-00012.html").read_text("utf-8")
    assert "notes.txt" not in item
    assert f"本机无法显示此类文件，请到{ADDRESS}咨询" in item
    assert not (kiosk / "items/2024-00012/view-1.html").exists()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.classes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action") and value is not None:
                self.links.append(value)
            if name == "class" and value:
                self.classes.update(value.split())


SHOWABLE = {".html", ".png", ".jpg", ".jpeg", ".css", ".js"}


def test_every_kiosk_screen_has_the_way_home_and_no_link_leaves_the_kiosk(
    built_sample: Path,
) -> None:
    """From index.html, every link (and every search result in the script index) leads
    to a page with the 首页 bar and idle timer, or to a file the kiosk itself shows."""
    kiosk = (built_sample / "build/kiosk").resolve()
    documents = sorted((kiosk / "search/f").glob("*.js"))  # one script per indexed item
    assert documents
    index = "".join(d.read_text("utf-8") for d in documents)
    results = re.findall(r'"url":\s*"([^"]+)"', index)  # search results link these
    seen: set[Path] = set()
    queue = [kiosk / "index.html"]
    viewers = 0
    while queue:
        page = queue.pop()
        if page in seen:
            continue
        seen.add(page)
        parser = _Links()
        parser.feed(page.read_text("utf-8"))
        assert "kiosk-bar" in parser.classes, page
        assert any(link.endswith("static/kiosk.js") for link in parser.links), page
        home = page == kiosk / "index.html"
        assert ("kiosk-back" in parser.classes) is not home, page  # no 返回 on the home screen
        assert home or "kiosk-home" in parser.classes, page
        viewers += "viewer" in parser.classes
        links = parser.links + (results if page.name == "search.html" else [])
        for link in links:
            if link.startswith("data:"):
                continue
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc, (page, link)  # mailto:, tel:, http:
            if not parts.path:
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_relative_to(kiosk), (page, link)
            assert target.is_file(), (page, link)
            assert target.suffix.lower() in SHOWABLE, (page, link)
            if target.suffix == ".html":
                queue.append(target)
    assert viewers >= 2  # the sample's PDFs, reached by tapping
    assert len(seen) > 60
