"""Skipping and sharing work never changes what a build writes."""

from __future__ import annotations

import datetime as dt
import functools
import gc
import os
from pathlib import Path
from typing import Any

import jinja2
import pytest
from conftest import BUILD_DAY, FrozenClock, Repo, copy_sample
from sitetext import files_of

from generator.build import BuildContext, build_catalogue
from generator.incremental import fingerprint, update
from generator.incremental.update import Reuse
from generator.site import markup, pages, render
from generator.site.pages import BodyCache
from generator.source.items import Item, content_files

VARIANTS = ("public", "kiosk", "intranet")


def test_unchanged_inputs_skip_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fingerprint, "RACY_NS", 0)  # the sample was copied just now
    root = copy_sample(tmp_path / "s")
    first = build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse())
    before = files_of(root / "build", top=False)
    again = build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse())
    assert not first.skipped and again.skipped
    assert files_of(root / "build", top=False) == before
    # A new day may publish scheduled items: it is never skipped.
    assert not build_catalogue(
        BuildContext(root, root / "build", BUILD_DAY + dt.timedelta(days=1)), Reuse()
    ).skipped


def test_inputs_changed_as_the_build_started_never_skip_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rewrite in the clock tick of the build's start could keep every stamp."""
    root = copy_sample(tmp_path / "s")  # every file changed just now
    last_change = max(max(st.st_mtime_ns, st.st_ctime_ns) for st in map(os.stat, root.rglob("*")))
    with monkeypatch.context() as patch:  # the build starts in that very tick, however slow
        patch.setattr(update, "time", FrozenClock(last_change))
        first = build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse())
    assert not (root / "build" / fingerprint.INPUTS_FILE).exists()
    again = build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse())
    assert not first.skipped and not again.skipped
    assert again.updated and again.written == 0  # checked, and nothing had changed


def test_an_edit_rebuilds_to_the_same_bytes_as_a_fresh_build(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "s")
    build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse())
    item = root / "content/external/rules/2026-budget-performance.md"
    item.write_text(
        item.read_text(encoding="utf-8").replace("第一条", "第 一 条"), encoding="utf-8"
    )
    repo = Repo(root, fresh=False)
    repo.approve(
        item, steps=(("initial", "钱立新"), ("leader", "林志远")), date=dt.date(2026, 5, 12)
    )
    assert not build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse()).skipped
    fresh = tmp_path / "fresh"
    build_catalogue(BuildContext(root, fresh, BUILD_DAY), Reuse())
    assert files_of(root / "build", top=False) == files_of(fresh, top=False)
    page = (root / "build/public/items/2026-00016.html").read_text(encoding="utf-8")
    assert "第 一 条" in page


def test_shared_body_renders_equal_separate_ones(built_sample: Path, tmp_path: Path) -> None:
    from generator.build import make_site
    from generator.catalogue import load_catalogue
    from generator.site.pages import write_site
    from generator.site.select import VARIANTS as ALL

    catalogue = load_catalogue(built_sample)
    shared = BodyCache()
    for variant in ALL:
        alone = make_site(catalogue, variant, BUILD_DAY, tmp_path / "alone" / variant.name)
        write_site(catalogue, alone)
        together = make_site(catalogue, variant, BUILD_DAY, tmp_path / "shared" / variant.name)
        write_site(catalogue, together, shared)
    assert files_of(tmp_path / "alone", top=False) == files_of(tmp_path / "shared", top=False)


def test_pages_reusing_bodies_read_once_equal_pages_converting_them_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An item page takes the body reading rendered, where no link in it needs resolving
    (rendered.page_body), and is byte for byte the page a second conversion makes."""
    root = copy_sample(tmp_path / "s")
    converted: list[str] = []

    def render_body(body: str, *args: Any) -> str:
        converted.append(body)
        return markup.render_body(body, *args)

    monkeypatch.setattr(pages, "render_body", render_body)
    build_catalogue(BuildContext(root, tmp_path / "reused", BUILD_DAY))
    reused = len(converted)
    monkeypatch.setattr(pages, "page_body", lambda item: None)
    build_catalogue(BuildContext(root, tmp_path / "again", BUILD_DAY))
    assert files_of(tmp_path / "reused", top=False) == files_of(tmp_path / "again", top=False)
    assert 0 < reused < (len(converted) - reused) / 2  # those with links are converted


def test_preview_shows_unapproved_items_as_drafts_but_build_refuses(repo: Repo) -> None:

    from generator.build import BuildRefused

    repo.add_item("content/external/budget/approved.md")
    draft = repo.write_item(
        "content/external/budget/draft.md",
        index_no="11330109002468135T/2024-00013",
        title="尚未审批的草稿条目",
    )
    with pytest.raises(BuildRefused) as refused:
        build_catalogue(BuildContext(repo.root, repo.root / "build", BUILD_DAY), Reuse())
    assert {p.code for p in refused.value.problems} == {"A501"}
    result = build_catalogue(
        BuildContext(repo.root, repo.root / "preview", BUILD_DAY, preview=True), Reuse()
    )
    page = (repo.root / "preview/public/items/2024-00013.html").read_text(encoding="utf-8")
    assert "草稿预览" in page and "尚未审批的草稿条目" in page
    approved = (repo.root / "preview/public/items/2024-00012.html").read_text(encoding="utf-8")
    assert "草稿预览" not in approved
    assert [p.code for p in result.problems if p.path.endswith("draft.md")] == ["A501", "A501"]
    assert draft.exists()


def test_content_files_come_in_path_order_without_entering_symlinked_folders(
    tmp_path: Path,
) -> None:
    content = tmp_path / "content"
    for rel in ["b/x.md", "a.md", "a/z.md", "a b/y.md", "a/files/t.csv", "a-b.md"]:
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / rel).write_text("x", encoding="utf-8")
    os.symlink(content / "a", content / "linked")
    os.symlink(tmp_path / "missing.md", content / "broken.md")
    expected = [p for p in content.rglob("*") if p.is_file() and "linked" not in p.parts]
    assert content_files(tmp_path) == [str(p) for p in sorted(expected)]
    assert len(expected) == 6


def test_a_fresh_build_reports_its_pages_once_they_are_in_the_output(tmp_path: Path) -> None:
    """``catalogue serve`` reloads the open page when told the pages are written: a
    fresh build writes them into a staging folder, so it must tell only once that
    folder has replaced the output (a page reloaded earlier found nothing to show)."""
    root = copy_sample(tmp_path / "s")
    out = tmp_path / "out"
    home = out / "public/index.html"
    seen: list[bool] = []
    build_catalogue(
        BuildContext(root, out, BUILD_DAY, on_pages=lambda result: seen.append(home.is_file())),
        Reuse(),
    )
    assert seen == [True]


def test_no_collection_during_a_build_walks_the_items_it_read(tmp_path: Path) -> None:
    """Reading makes millions of objects for 10,000 items; a collection that walks
    them all costs a quarter of a second each (collector.py). They must be frozen
    before the collector is back on."""
    root = copy_sample(tmp_path / "s")
    items_seen: list[int] = []

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start":  # other tests' items may still be about: count this build's
            objects = gc.get_objects()
            items_seen.append(
                sum(isinstance(o, Item) and o.file.is_relative_to(root) for o in objects)
            )

    gc.callbacks.append(watch)
    try:
        build_catalogue(BuildContext(root, tmp_path / "out", BUILD_DAY), Reuse())
    finally:
        gc.callbacks.remove(watch)
    assert items_seen, "no collection ran: the check saw nothing"
    assert set(items_seen) == {0}
    assert gc.get_freeze_count() == 0  # and the build lets them go when it ends


def test_templates_compiled_by_an_earlier_run_are_read_not_compiled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_sample(tmp_path / "s")
    kept = tmp_path / "compiled"
    kept.mkdir()
    monkeypatch.setattr(render, "compiled_templates", lambda: render.CompiledTemplates(str(kept)))
    monkeypatch.setattr(render, "environment", functools.cache(render.environment.__wrapped__))
    render.environment(root).get_template("item.html")
    assert list(kept.iterdir())
    render.environment.cache_clear()  # as a new process
    compiled: list[str] = []
    real = jinja2.Environment.compile

    def noted(env: jinja2.Environment, source: str, name: str | None = None, *args: Any) -> Any:
        compiled.append(str(name))
        return real(env, source, name, *args)

    monkeypatch.setattr(jinja2.Environment, "compile", noted)
    assert render.environment(root).get_template("item.html").filename
    assert compiled == []


def test_a_folder_that_cannot_keep_compiled_templates_is_no_error(tmp_path: Path) -> None:
    kept = tmp_path / "gone"
    cache = render.CompiledTemplates(str(kept))  # the folder does not exist: nothing is kept
    env = jinja2.Environment(bytecode_cache=cache, loader=jinja2.DictLoader({"t": "{{ 1 + 1 }}"}))
    assert env.get_template("t").render() == "2"
    assert not kept.exists()


def test_the_core_pipeline_builds_the_same_bytes_without_any_cache(tmp_path: Path) -> None:
    """The bare Plan (build/pipeline.py) keeps, keys and remembers nothing; what it
    writes is what a build with every cache writes, and it leaves no cache behind."""
    root = copy_sample(tmp_path / "s")
    bare = build_catalogue(BuildContext(root, tmp_path / "bare", BUILD_DAY))
    assert not (root / ".cache").exists()
    build_catalogue(BuildContext(root, tmp_path / "reused", BUILD_DAY), Reuse())
    assert not bare.updated and bare.counts
    bare_files = files_of(tmp_path / "bare")
    assert bare_files == files_of(tmp_path / "reused", top=False)
    assert not [p for p in bare_files if "/" not in p]  # no records of the build beside it
