"""An index run reuses the files of the shard's earlier index that are still current,
and what it leaves is exactly what a run without them writes (real Pagefind)."""

from __future__ import annotations

import errno
import os
import tempfile
import threading
from pathlib import Path

import pytest
from sitetext import files_of

from generator.search import pagefind as search
from generator.search.indexing import Indexing, IndexShard
from generator.search.pagefind import IndexRun
from generator.site.searchtext import search_terms

PAGES = {f"items/{n}.html": f"第{n}号条目：{n}月份预决算公开说明" for n in range(1, 9)}
EDITED = "items/3.html"


def write_site(site: Path, texts: dict[str, str]) -> list[str]:
    """Item-like pages, one per text; returns their URLs."""
    for url, text in texts.items():
        page = site / url
        page.parent.mkdir(parents=True, exist_ok=True)
        page.unlink(missing_ok=True)  # a new file: an index run may hold links to the old one
        page.write_text(
            f'<html lang="zh-CN"><body><div data-pagefind-body><h1 data-pagefind-meta="title">'
            f"{text}</h1><p>{search_terms(text)}</p></div></body></html>",
            encoding="utf-8",
        )
    return sorted(texts)


def index_pages(site: Path, urls: list[str], output: Path, earlier: Path | None = None) -> None:
    IndexRun(site, urls, output, earlier).run()


def shared_with(index: Path, earlier: Path) -> list[str]:
    """Files of ``index`` that are the very files of ``earlier`` (links), not rewritten."""
    return [
        name
        for name in files_of(index)
        if (earlier / name).exists() and os.path.samefile(index / name, earlier / name)
    ]


@pytest.fixture
def edited_site(tmp_path: Path) -> tuple[Path, list[str], Path]:
    """A site indexed into ``earlier``, then with one page edited; and ``earlier``."""
    site = tmp_path / "site"
    urls = write_site(site, PAGES)
    index_pages(site, urls, tmp_path / "earlier")
    write_site(site, {EDITED: "第3号条目：修改后的决算说明"})
    return site, urls, tmp_path / "earlier"


def test_a_run_reuses_the_earlier_files_of_unchanged_pages_and_drops_the_rest(
    tmp_path: Path, edited_site: tuple[Path, list[str], Path]
) -> None:
    site, urls, earlier = edited_site
    before = files_of(earlier)
    index_pages(site, urls, tmp_path / "again", earlier=earlier)
    index_pages(site, urls, tmp_path / "fresh")
    fresh = files_of(tmp_path / "fresh")
    assert files_of(tmp_path / "again") == fresh
    assert files_of(earlier) == before  # linked, never written to
    fragments = [n for n in shared_with(tmp_path / "again", earlier) if n.startswith("fragment/")]
    assert len(fragments) == len(PAGES) - 1  # every page but the edited one
    assert {n for n in before if n.startswith(("fragment/", "index/"))} - set(fresh)  # dropped


def test_an_earlier_index_that_cannot_be_read_is_not_reused(
    tmp_path: Path, edited_site: tuple[Path, list[str], Path]
) -> None:
    site, urls, earlier = edited_site
    write_site(site, PAGES)  # as it was: the new index would be the earlier one
    for meta in earlier.glob("*.pf_meta"):
        meta.write_bytes(b"damaged")
    index_pages(site, urls, tmp_path / "again", earlier=earlier)
    index_pages(site, urls, tmp_path / "fresh")
    assert files_of(tmp_path / "again") == files_of(tmp_path / "fresh")


@pytest.mark.parametrize("found", ["none", "fragments"])
def test_an_index_whose_files_cannot_be_told_apart_is_made_afresh(
    tmp_path: Path,
    edited_site: tuple[Path, list[str], Path],
    monkeypatch: pytest.MonkeyPatch,
    found: str,
) -> None:
    """Should Pagefind list its files some other way, no file it uses is removed:
    neither when nothing is found listed (and every file was there before), nor when
    only the pages are (and the word index has changed)."""
    site, urls, earlier = edited_site
    if found == "none":
        write_site(site, PAGES)  # as it was: Pagefind writes no file, all are earlier ones
    index_pages(site, urls, tmp_path / "fresh")
    digests = {
        p.name.split(".")[0] for i in (earlier, tmp_path / "fresh") for p in i.glob("fragment/*")
    }
    real = search._cbor_text
    listed = digests if found == "fragments" else set()
    monkeypatch.setattr(search, "_cbor_text", lambda text: real(text) if text in listed else b"-")
    index_pages(site, urls, tmp_path / "again", earlier=earlier)
    assert files_of(tmp_path / "again") == files_of(tmp_path / "fresh")
    assert not shared_with(tmp_path / "again", earlier)


def test_pages_and_earlier_files_are_copied_where_links_cannot_be_made(
    tmp_path: Path, edited_site: tuple[Path, list[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As between an output on disk and a temporary folder in memory (tmpfs)."""
    site, urls, earlier = edited_site

    def other_file_system(source: object, link: object) -> None:
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))

    index_pages(site, urls, tmp_path / "fresh")
    monkeypatch.setattr(search.os, "link", other_file_system)
    index_pages(site, urls, tmp_path / "again", earlier=earlier)
    assert files_of(tmp_path / "again") == files_of(tmp_path / "fresh")


def test_runs_cancelled_by_a_failed_build_leave_no_folder_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run's pages are linked when its shard is added; if the build fails before the
    run starts, the folder goes when indexing ends."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    urls = write_site(tmp_path / "site/public", PAGES)
    release = threading.Event()
    real_run = IndexRun.run

    def held_run(run: IndexRun) -> None:
        release.wait(30)
        real_run(run)

    monkeypatch.setattr(IndexRun, "run", held_run)
    with pytest.raises(RuntimeError), Indexing(tmp_path / "site", tmp_path / "out") as indexing:
        indexing.add(IndexShard("public", "pagefind", urls[:4]))
        indexing.add(IndexShard("public", "pagefind-2", urls[4:]))
        assert len(list(temporary.iterdir())) == 2
        # The second waits for the one worker; the first ends once the second is cancelled.
        indexing.runs[1][1].add_done_callback(lambda _: release.set())
        raise RuntimeError("页面生成失败")
    assert indexing.runs[1][1].cancelled()
    assert not list(temporary.iterdir())
