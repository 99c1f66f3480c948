"""Rebuilds write only what changed, and what they write is what a fresh build writes.

Every scenario edits a copy of the sample, rebuilds it in place with the caches
(items read before, files whose keys are unchanged) and compares every byte
with a build of the same input made without any cache.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import re
import shutil
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from conftest import BUILD_DAY, FrozenClock, Repo, copy_sample, line_of
from sitetext import files_of

from generator import catalogue as catalogue_module
from generator.build import BuildContext, BuildRefused, BuildResult, build_catalogue, pipeline
from generator.catalogue import Catalogue, load_catalogue
from generator.incremental import fingerprint, itemcache, postingcache, sealed, termcache
from generator.incremental import update as update_module
from generator.incremental.itemcache import CACHE_FILE, ItemCache
from generator.incremental.lastbuild import LastBuild, remembered_file
from generator.incremental.postingcache import KeptPostings
from generator.incremental.sealed import (
    MAC_SIZE,
    MAGIC,
    unpickled,
    write_sealed,
    write_sealed_entries,
)
from generator.incremental.termcache import KeptTerms
from generator.incremental.update import Reuse
from generator.incremental.viewcache import ViewCache
from generator.output.files import LOST, Manifest, OutputFiles
from generator.output.writer import OutputUpdate
from generator.parallel import processes, reading
from generator.search import index, kiosk
from generator.search.index import INDEX_DIR, IndexFiles, IndexWriter, read_script
from generator.site import pages
from generator.site import views as views_module
from generator.site.select import VARIANTS
from generator.site.views import Shown
from generator.source.rendered import RenderedBody, rendered_body

RULE = "content/external/rules/2026-budget-performance.md"  # public 2026-00016
FUNDS = "content/external/funds/2025-farmland-subsidy.md"  # has a CSV attachment
PERSONNEL = "content/internal/personnel/2026-rotation-plan.md"
THRESHOLDS = "content/external/procurement/2025-catalogue-thresholds.md"


def replace_in(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def body_edit(root: Path) -> None:
    replace_in(root, RULE, "第一条", "第 一 条")


def new_item(root: Path) -> None:
    Repo(root, fresh=False).write_item(
        "content/external/budget/2026-new.md",
        index_no="11330109002468135T/2026-00077",
        title="新增的预算公开条目",
        published="2026-11-20",
        written="2026-11-18",
    )


def deleted_item(root: Path) -> None:
    (root / "content/external/procurement/2025-catalogue-thresholds.md").unlink()


def internal_title(root: Path) -> None:
    replace_in(root, PERSONNEL, "title: ", "title: 修订：")


def moved_in_listings(root: Path) -> None:
    replace_in(root, RULE, "published: 2026-05-20", "published: 2026-06-20")


def attachment_bytes(root: Path) -> None:
    csv = next((root / "content/external/funds/files").glob("2025-farmland-subsidy.csv"))
    csv.write_bytes(csv.read_bytes() + "合计,1,1\n".encode())


def linked_title(root: Path) -> None:
    """Retitle an item that a newer one replaces: the newer one's page names it."""
    old = "title: 澄江区财政局专项资金管理办法"
    replace_in(root, "content/external/rules/2019-special-funds.md", old, old + "（2019年）")


def off_the_website(root: Path) -> None:
    """An item the public site stops showing: the intranet now indexes its page itself."""
    replace_in(root, "content/external/other/2026-mailbox-upgrade.md", "[website]", "[kiosk]")


SCENARIOS: list[Callable[[Path], None]] = [
    body_edit,
    new_item,
    deleted_item,
    internal_title,
    moved_in_listings,
    attachment_bytes,
    linked_title,
    off_the_website,
]


def calls_to(
    monkeypatch: pytest.MonkeyPatch, module: object, name: str, note: Callable[..., str]
) -> list[str]:
    """Have ``module.name`` note each call (``note`` of its arguments) before doing it."""
    calls: list[str] = []
    real = getattr(module, name)

    def noted(*args: Any) -> Any:
        calls.append(note(*args))
        return real(*args)

    monkeypatch.setattr(module, name, noted)
    return calls


class NotedUpdate(OutputUpdate):
    """An update whose record of the paths it has moved into the output (kept to undo
    them) the test reads: what a build wrote, told by the build itself. Timestamps
    may not change within a clock tick, and a new file may get a deleted one's inode."""

    latest: NotedUpdate | None = None

    def __init__(self, out: Path) -> None:
        super().__init__(out)
        NotedUpdate.latest = self

    @classmethod
    def written(cls) -> set[str]:
        """Paths relative to the output, written by the latest update so far."""
        return set(cls.latest._added) if cls.latest else set()


def noting_writes(monkeypatch: pytest.MonkeyPatch) -> type[NotedUpdate]:
    NotedUpdate.latest = None
    monkeypatch.setattr(update_module, "OutputUpdate", NotedUpdate)
    return NotedUpdate


def preview(
    root: Path,
    out: Path,
    items: ItemCache | None,
    reuse: bool = True,
    last: LastBuild | None = None,
    **options: Any,
) -> BuildResult:
    """Previews accept unapproved edits (as drafts), so any edit can be built."""
    return build_catalogue(
        BuildContext(root, out, BUILD_DAY, preview=True, **options),
        Reuse(items=items, last=last, reuse_output=reuse),
    )


def kept(by_serve: bool) -> dict[str, Any]:
    """What ``catalogue serve`` keeps in memory between rebuilds besides the items, or
    nothing: ``catalogue build`` keeps it beside the output."""
    return {"last": LastBuild()} if by_serve else {}


def previewed_sample(tmp_path: Path, **options: Any) -> tuple[Path, ItemCache]:
    """A copy of the sample, previewed into its build/, and the item cache that read it."""
    root = copy_sample(tmp_path / "s")
    items = ItemCache(root)
    preview(root, root / "build", items, **options)
    return root, items


def assert_as_fresh_build(root: Path, fresh: Path, what: str = "") -> None:
    """``root``'s build/ holds the bytes that a build made without any cache writes."""
    preview(root, fresh, None, reuse=False)
    assert files_of(root / "build", top=False) == files_of(fresh, top=False), what


def disk_full(*args: object) -> None:
    """What a write does on a full disk: the failure an update must undo."""
    raise OSError(28, "磁盘已满")


@pytest.mark.parametrize("remembered", [False, True], ids=["build", "serve"])
def test_each_edit_rebuilds_to_the_bytes_of_a_fresh_build(tmp_path: Path, remembered: bool) -> None:
    """As ``catalogue build`` does, remembering selections and listings beside the
    output, and as ``catalogue serve`` does, remembering them and views in memory."""
    memory = kept(remembered)
    root, items = previewed_sample(tmp_path, **memory)
    for scenario in SCENARIOS:
        scenario(root)
        result = preview(root, root / "build", items, **memory)
        assert result.updated, scenario.__name__
        assert_as_fresh_build(root, tmp_path / f"fresh-{scenario.__name__}", scenario.__name__)


def pages_of(out: Path) -> dict[str, bytes]:
    """The HTML pages an update writes before the reports, exports and indexes."""
    return {
        path: data
        for path, data in files_of(out, top=False).items()
        if path.endswith(".html")
        and "/reports/" not in path
        and not path.endswith("register.html")
        and "/register/" not in path  # the register's 审批表, written with it
    }


@pytest.mark.parametrize("remembered", [False, True], ids=["build", "serve"])
@pytest.mark.parametrize(
    ("edit", "in_place"),  # the item keeps its place in every listing, and what others say
    [
        (body_edit, True),
        (internal_title, True),
        (moved_in_listings, False),  # within one page of each listing in the sample
        (linked_title, False),  # the page of the item replacing it names it
    ],
)
def test_an_edits_listings_are_written_right_after_its_pages(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    edit: Callable[[Path], None],
    in_place: bool,
    remembered: bool,
) -> None:
    """The listings that show an edited item are written right after its own pages.

    The last build remembered them (``catalogue serve`` in memory, ``catalogue
    build`` beside its output); an edit that moves an item, or what other pages
    say of it, waits for the pass over every page. Whatever is written last, the
    output is a fresh build's.
    """
    memory = kept(remembered)
    root, items = previewed_sample(tmp_path, **memory)
    listing = "public/catalogue/category/rules/index.html"
    update = noting_writes(monkeypatch)
    seen: list[tuple[dict[str, bytes], bool]] = []
    progress: list[str] = []

    def pages_written(result: BuildResult) -> None:
        seen.append((pages_of(root / "build"), listing in update.written()))

    edit(root)
    preview(
        root,
        root / "build",
        items,
        on_pages=pages_written,
        progress=progress.append,
        **memory,
    )
    ahead = any("显示修改条目的列表页已写入" in line for line in progress)
    assert ahead == in_place
    assert len(seen) == 2  # its own pages, then its listings or every changed page
    assert seen[-1][0] == pages_of(root / "build")
    if edit in (body_edit, moved_in_listings):
        assert [written for _, written in seen] == [False, True]  # not with its page, but next
    assert_as_fresh_build(root, tmp_path / "fresh")


def listings_ahead(root: Path, out: Path, items: ItemCache, **options: Any) -> bool:
    """Preview into ``out``; whether the listings of its edits came right after their pages."""
    progress: list[str] = []
    preview(root, out, items, progress=progress.append, **options)
    return any("显示修改条目的列表页已写入" in line for line in progress)


def test_a_build_checks_what_it_remembered_against_every_item_changed_since(
    tmp_path: Path,
) -> None:
    """The output was last built before another edit (built elsewhere, so the item
    cache has seen it): that item counts as changed too, and as it moved in what
    other pages say of it, only the full pass can tell what changed."""
    root, items = previewed_sample(tmp_path)
    linked_title(root)
    preview(root, tmp_path / "elsewhere", items)
    body_edit(root)
    assert not listings_ahead(root, root / "build", items)
    assert_as_fresh_build(root, tmp_path / "fresh")
    replace_in(root, RULE, "第 一 条", "第1条")  # the next edit: that build remembered
    assert listings_ahead(root, root / "build", items)
    assert_as_fresh_build(root, tmp_path / "fresh-again")


def test_what_a_failed_build_started_is_not_taken_for_the_last_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``catalogue serve`` remembers its last build in memory; a build that failed
    after looking at the items must not pass for it."""
    memory = kept(True)
    root, items = previewed_sample(tmp_path, **memory)
    linked_title(root)

    with monkeypatch.context() as patch:
        patch.setattr(update_module, "write_item_pages", disk_full)
        with pytest.raises(BuildRefused):
            preview(root, root / "build", items, **memory)
    body_edit(root)
    assert not listings_ahead(root, root / "build", items, **memory)
    assert_as_fresh_build(root, tmp_path / "fresh")


def test_a_damaged_record_of_the_last_build_is_not_used(tmp_path: Path) -> None:
    root, items = previewed_sample(tmp_path)
    remembered_file(root, root / "build").write_bytes(b"\x80\x05 not a pickle")
    body_edit(root)
    assert not listings_ahead(root, root / "build", items)
    assert_as_fresh_build(root, tmp_path / "fresh")
    replace_in(root, RULE, "第 一 条", "第1条")  # the build wrote a good one again
    assert listings_ahead(root, root / "build", items)
    assert_as_fresh_build(root, tmp_path / "fresh-again")


def test_an_edits_first_pages_resolve_only_the_links_of_what_they_show(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where an item's body links lead is part of its pages' keys; ``catalogue build``
    works that out for the views its first pages show, not for every view first."""
    root, items = previewed_sample(tmp_path)
    resolved = calls_to(monkeypatch, pages, "link_targets", lambda view, resolve: view.item.path)
    by_then: list[set[str]] = []
    body_edit(root)
    preview(root, root / "build", items, on_pages=lambda result: by_then.append(set(resolved)))
    listings, *_ = by_then[1:]  # after the item's own pages, the listings that show it
    assert RULE in listings
    assert listings < set(resolved)  # every page is keyed in the end
    assert_as_fresh_build(root, tmp_path / "fresh")


def test_an_edit_writes_only_the_pages_that_show_the_item(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, items = previewed_sample(tmp_path)
    untouched = "public/items/2025-00001.html"
    before = (root / "build" / untouched).read_bytes()
    page = root / "build/public/items/2026-00016.html"
    listing = "public/catalogue/category/rules/index.html"
    update = noting_writes(monkeypatch)
    seen: list[tuple[bool, bool]] = []

    def pages_written(result: BuildResult) -> None:
        text = page.read_text(encoding="utf-8")
        seen.append(("第 一 条" in text, listing in update.written()))

    body_edit(root)
    result = build_catalogue(
        BuildContext(root, root / "build", BUILD_DAY, preview=True, on_pages=pages_written),
        Reuse(items=items),
    )
    # first the edited item's own pages, then every changed page (its listings too)
    assert seen == [(True, False), (True, True)]
    assert 0 < result.pages_seconds <= result.all_pages_seconds <= result.seconds
    assert untouched not in update.written()
    assert (root / "build" / untouched).read_bytes() == before
    # its page in each output, the listings that show it, exports, indexes
    assert 3 <= result.written < 60


def test_an_edit_rewrites_only_the_index_files_whose_text_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index holds a file per item: an edit writes its own item's, not every one."""
    root, items = previewed_sample(tmp_path)
    update = noting_writes(monkeypatch)
    body_edit(root)
    preview(root, root / "build", items)
    for variant in VARIANTS:
        folder = root / "build" / variant.name / INDEX_DIR
        assert len(list((folder / "f").iterdir())) > 40
        fragments = [p for p in update.written() if p.startswith(f"{variant.name}/search/f/")]
        assert len(fragments) == 1, variant.name
        data = read_script((root / "build" / fragments[0]).read_text(encoding="utf-8"))
        assert data["url"] == "items/2026-00016.html" and "第 一 条" in "\n".join(data["parts"])
        assert f"{variant.name}/search/meta.js" not in update.written()  # facets unchanged
        # spaces are no part of a term: the edit changed no item's terms, so no shard
        assert not any(p.startswith(f"{variant.name}/search/t/") for p in update.written())
    assert_as_fresh_build(root, tmp_path / "fresh")


def test_publishing_an_item_rewrites_no_other_items_page_or_index_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The most common edit, a new item published today, writes its own page and index
    file in each output, the listings and shards that show it, and nothing of any other
    item: not their pages (whose keys once held the output's item count), nor their
    index files (numbered oldest first, so the newest item takes a new number)."""
    root, items = previewed_sample(tmp_path)
    update = noting_writes(monkeypatch)
    Repo(root, fresh=False).add_item(
        "content/external/budget/2026-new.md",
        index_no="11330109002468135T/2026-00077",
        title="新增的预算公开条目",
        written="2026-11-24",
        published="2026-11-25",
    )
    preview(root, root / "build", items)
    written = update.written()
    for variant in VARIANTS:
        pages = [p for p in written if p.startswith(f"{variant.name}/items/")]
        assert pages == [f"{variant.name}/items/2026-00077.html"], variant.name
        fragments = [p for p in written if p.startswith(f"{variant.name}/search/f/")]
        assert len(fragments) == 1, variant.name
        data = read_script((root / "build" / fragments[0]).read_text(encoding="utf-8"))
        assert data["url"] == "items/2026-00077.html"
        assert any(p.startswith(f"{variant.name}/search/t/") for p in written)
    assert_as_fresh_build(root, tmp_path / "fresh")


def test_an_index_equal_to_another_outputs_links_the_files_that_output_kept(
    tmp_path: Path,
) -> None:
    """The kiosk's index links the public site's files where the two show the same items.
    In the sample they differ; once an edit makes them equal, the kiosk's files come
    from those the public site wrote now, or kept from the last build."""
    root, items = previewed_sample(tmp_path)
    for name in ("kiosk-guide", "mailbox-upgrade"):
        rel = f"content/external/other/2026-{name}.md"
        text = (root / rel).read_text(encoding="utf-8")
        channel = re.search(r"^channels: .*$", text, re.MULTILINE)
        assert channel is not None
        replace_in(root, rel, channel.group(0), "channels: [website, kiosk]")
    preview(root, root / "build", items)
    public, kiosk = (root / "build" / v / INDEX_DIR for v in ("public", "kiosk"))
    assert files_of(public, top=False).items() <= files_of(kiosk, top=False).items()
    assert_as_fresh_build(root, tmp_path / "fresh")


def test_the_ledger_of_files_written_a_file_at_a_time_reads_back_whole(tmp_path: Path) -> None:
    files = {"public/items/a.html": "1", 'kiosk/"引号"\\\n.js': "2", "intranet/search/": "3"}
    Manifest("构建", files).save(tmp_path)
    assert Manifest.load(tmp_path) == Manifest("构建", files)
    Manifest("empty").save(tmp_path)
    assert Manifest.load(tmp_path) == Manifest("empty")


def test_an_update_makes_again_index_files_gone_from_the_output_or_linked_elsewhere(
    tmp_path: Path,
) -> None:
    """The ledger says what the output holds; the output may have lost a file since, or
    hold a link in its place (to a file outside it, which a deploy would publish)."""
    root, items = previewed_sample(tmp_path)
    build = root / "build"
    shutil.rmtree(build / "public/search")
    secret = tmp_path / "secret.txt"
    secret.write_text("机密", encoding="utf-8")
    fragment = build / "kiosk/search/f/3.js"
    fragment.unlink()
    fragment.symlink_to(secret)
    body_edit(root)
    preview(root, build, items)
    assert not [p for p in build.rglob("*") if p.is_symlink()]
    assert_as_fresh_build(root, tmp_path / "fresh")
    # An edit the public site does not show: its index is kept, unless it is gone.
    shutil.rmtree(build / "public/search")
    internal_title(root)
    preview(root, build, items)
    assert_as_fresh_build(root, tmp_path / "fresh-internal")


def test_a_linked_index_file_the_other_output_kept_comes_from_the_output(
    tmp_path: Path,
) -> None:
    """The public site's file is unchanged (not written now), the kiosk's was different:
    the kiosk's file is linked from the public site's in the output the update changes."""
    out, overlay = tmp_path / "out", tmp_path / "overlay"

    def output(name: str, folder: Path) -> Any:
        return SimpleNamespace(out=folder / name, variant=SimpleNamespace(name=name))

    keyed = OutputFiles("b", None)
    for name, text in (("public", "甲"), ("kiosk", "乙")):  # what the last build wrote
        IndexFiles(output(name, out), keyed).write("d/0.js", text)
    files = OutputFiles("b", Manifest("b", keyed.manifest.files))
    public, kiosk = (
        IndexFiles(output("public", overlay), files, previous=out),
        IndexFiles(output("kiosk", overlay), files, previous=out),
    )
    public.write("d/0.js", "甲")
    kiosk.link(public)
    assert not (overlay / "public").exists()
    assert (overlay / "kiosk/search/d/0.js").read_text(encoding="utf-8") == "甲"
    assert files.changed() == ["kiosk/search/d/0.js"]


def test_unchanged_items_are_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, items = previewed_sample(tmp_path)
    read = calls_to(monkeypatch, reading, "read_item", lambda root, file: file.name)
    body_edit(root)
    preview(root, root / "build", items)
    assert read == ["2026-budget-performance.md"]
    (root / RULE).touch()  # a new time but the same bytes: hashed, not parsed
    preview(root, root / "build", items)
    assert read == ["2026-budget-performance.md"]


def test_the_kiosk_index_converts_only_edited_titles_to_pinyin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_sample(tmp_path / "s")
    items = ItemCache.load(root)
    build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse(items=items))
    items.save()  # as ``catalogue build`` does, with what the build worked out
    converted = calls_to(monkeypatch, kiosk, "pinyin_keys", lambda text: text)
    replace_in(root, RULE, "title: ", "title: 修订：")
    Repo(root, fresh=False).approve(
        root / RULE, steps=(("initial", "钱立新"), ("leader", "林志远")), date=dt.date(2026, 5, 12)
    )
    build_catalogue(
        BuildContext(root, root / "build", BUILD_DAY), Reuse(items=ItemCache.load(root))
    )
    assert len(converted) == 1 and converted[0].startswith("修订：")
    index = (root / "build/kiosk/search/pinyin.js").read_text(encoding="utf-8")
    assert '"xd' in index or "\\nxd" in index  # 修订 → xd, in front of the rest of the title's keys


def built_keeping_terms(root: Path, out: Path | None = None) -> None:
    """``catalogue build`` of ``root``: the item cache and the index terms kept."""
    items = ItemCache.load(root)
    build_catalogue(BuildContext(root, out or root / "build", BUILD_DAY), Reuse(items=items))
    items.save()


def test_an_edit_works_out_the_index_terms_of_the_edited_item_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_sample(tmp_path / "s")
    built_keeping_terms(root)
    made = calls_to(monkeypatch, index, "terms_of", lambda title, text: title)
    replace_in(root, RULE, "title: ", "title: 修订：")
    Repo(root, fresh=False).approve(
        root / RULE, steps=(("initial", "钱立新"), ("leader", "林志远")), date=dt.date(2026, 5, 12)
    )
    built_keeping_terms(root)
    assert len(made) == 1 and made[0].startswith("修订：")  # one text, shown by every output
    monkeypatch.undo()
    build_catalogue(BuildContext(root, tmp_path / "fresh", BUILD_DAY), Reuse(reuse_output=False))
    assert files_of(root / "build", top=False) == files_of(tmp_path / "fresh", top=False)


def test_index_terms_that_another_user_kept_are_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Terms from a file that this user's builds did not seal would make the search find
    what no page says (or miss what one does): they are worked out again."""
    root = copy_sample(tmp_path / "s")
    built_keeping_terms(root)
    kept = KeptTerms(root)
    known = kept.load()
    assert known
    with monkeypatch.context() as other_user:
        other_user.setattr(sealed, "sealing_key", lambda: b"\x01" * 32)
        poisoned = dict.fromkeys(known, "毒")
        write_sealed(kept.sealed.file, [{**kept.sealed.header, "chunks": 1}, poisoned])
    made = calls_to(monkeypatch, index, "terms_of", lambda title, text: title)
    shutil.rmtree(root / "build")
    KeptPostings(root).sealed.file.unlink()  # else the kept postings need no terms at all
    built_keeping_terms(root)
    assert len(made) == len(known)
    shards = (root / "build/public/search/t").iterdir()
    assert not any("毒" in shard.read_text(encoding="utf-8") for shard in shards)
    assert kept.load().keys() == known.keys() and "毒" not in kept.load().values()


def test_no_cache_neither_reads_nor_keeps_index_terms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unexpected(*args: object) -> None:
        raise AssertionError("the kept terms were used")

    for kept in (KeptTerms, KeptPostings):
        monkeypatch.setattr(kept, "load", unexpected)
        monkeypatch.setattr(kept, "save", unexpected)
    root = copy_sample(tmp_path / "s")
    build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse(reuse_output=False))
    assert (root / "build/public/search/meta.js").is_file()


def test_an_edit_in_place_changes_the_kept_postings_of_the_terms_it_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Postings follow from the item texts in id order: where every item keeps its
    place, the last build's postings are changed where the edited texts' terms changed;
    where items come or go, every posting is moved to the new ids, unless too many
    texts changed between."""
    root, items = previewed_sample(tmp_path)
    made_afresh = calls_to(monkeypatch, index, "encode_postings", lambda postings, count: count)

    def shards_hold(text: str) -> bool:
        shards = (root / "build/public/search/t").iterdir()
        return any(text in shard.read_text(encoding="utf-8") for shard in shards)

    replace_in(root, RULE, "第一条", "第一条（修订）𠮷")  # terms gained (𠮷: no other item's)
    replace_in(root, PERSONNEL, "title: ", "title: 修订：")  # the intranet's alone
    preview(root, root / "build", items)
    assert made_afresh == [] and shards_hold('"𠮷"')
    assert_as_fresh_build(root, tmp_path / "fresh-edit")
    made_afresh.clear()  # by that fresh build
    replace_in(root, RULE, "（修订）𠮷", "")  # and lost: 𠮷's posting goes
    preview(root, root / "build", items)
    assert made_afresh == [] and not shards_hold("𠮷")
    assert_as_fresh_build(root, tmp_path / "fresh-undone")
    made_afresh.clear()
    monkeypatch.setattr(postingcache, "TERMS_CHANGED_UP_TO", 0)  # more than that changed
    replace_in(root, RULE, "第一条", "第一条甲")
    preview(root, root / "build", items)
    assert made_afresh and not shards_hold("𠮷")
    public = read_script((root / "build/public/search/meta.js").read_text(encoding="utf-8"))
    made_afresh.clear()
    new_item(root)  # among the newest: every older item moves by one
    preview(root, root / "build", items)
    assert made_afresh == [] and count_of(root) == public["count"] + 1
    assert_as_fresh_build(root, tmp_path / "fresh-new")
    made_afresh.clear()
    between = Repo(root, fresh=False).write_item(  # older ones move, newer ones stay
        "content/external/budget/2025-between.md",
        index_no="11330109002468135T/2025-00077",
        title="年中发布的预算条目𠮷",
        written="2025-06-01",
        published="2025-06-02",
    )
    preview(root, root / "build", items)
    assert made_afresh == [] and shards_hold('"𠮷"')
    assert_as_fresh_build(root, tmp_path / "fresh-between")
    made_afresh.clear()
    between_text = between.read_text(encoding="utf-8")
    between.unlink()  # and goes again
    preview(root, root / "build", items)
    assert made_afresh == [] and not shards_hold("𠮷")
    assert count_of(root) == public["count"] + 1
    assert_as_fresh_build(root, tmp_path / "fresh-gone")
    made_afresh.clear()
    (root / termcache.CACHE_FILE).unlink()  # no text's terms kept: moving would keep none
    deleted_item(root)
    preview(root, root / "build", items)
    assert public["count"] in made_afresh
    assert_as_fresh_build(root, tmp_path / "fresh-deleted")
    made_afresh.clear()
    monkeypatch.setattr(postingcache, "MOVED_UP_TO", 0)  # more than that between
    between.write_text(between_text, encoding="utf-8")
    preview(root, root / "build", items)
    assert public["count"] + 1 in made_afresh
    assert_as_fresh_build(root, tmp_path / "fresh-again")


def count_of(root: Path, output: str = "public") -> int:
    meta = (root / "build" / output / "search/meta.js").read_text(encoding="utf-8")
    return int(read_script(meta)["count"])


def test_postings_that_another_user_kept_are_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Postings from a file that this user's builds did not seal would make the search
    find what no page says: they are made afresh."""
    root, items = previewed_sample(tmp_path)
    kept = KeptPostings(root)
    last = kept.load()
    assert {"public", "intranet"} <= last.keys()
    poisoned = {name: (order, {"毒": "AA=="}) for name, (order, _) in last.items()}
    with monkeypatch.context() as other_user:
        other_user.setattr(sealed, "sealing_key", lambda: b"\x01" * 32)
        write_sealed_entries(kept.sealed.file, kept.sealed.header, list(poisoned.items()), 1)
    body_edit(root)
    preview(root, root / "build", items)
    shards = (root / "build/public/search/t").iterdir()
    assert not any("毒" in shard.read_text(encoding="utf-8") for shard in shards)
    assert_as_fresh_build(root, tmp_path / "fresh")
    assert "毒" not in kept.load()["public"][1]


def test_a_changed_attachment_still_makes_approvals_stale(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "s")
    items = ItemCache(root)
    build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse(items=items))
    before = files_of(root / "build", top=False)
    attachment_bytes(root)
    with pytest.raises(BuildRefused) as refused:
        build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse(items=items))
    assert {(p.code, p.path) for p in refused.value.problems} >= {("A507", FUNDS)}
    assert files_of(root / "build", top=False) == before


def test_the_item_cache_survives_between_runs_and_ignores_a_broken_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(itemcache, "SAVED_CHUNK", 7)  # saved in several pickles
    root = copy_sample(tmp_path / "s")
    first = ItemCache(root)
    build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse(items=first))
    first.save()
    again = ItemCache.load(root)
    assert again.entries.keys() == first.entries.keys() and len(again.entries) > 50
    saved = (root / CACHE_FILE).read_bytes()
    (root / CACHE_FILE).write_bytes(saved[: len(saved) // 2])  # a build killed as it saved
    assert ItemCache.load(root).entries == {}
    (root / CACHE_FILE).write_bytes(b"not a pickle")
    assert ItemCache.load(root).entries == {}
    (root / CACHE_FILE).write_bytes(saved)
    moved = tmp_path / "moved"
    shutil.move(root, moved)
    # the saved cache names its root: a moved catalogue starts with an empty one
    assert ItemCache.load(moved).entries == {}
    header = pickle.loads(saved[len(MAGIC) + MAC_SIZE :])  # the first pickle after the seal
    assert header["root"] == str(root) and header["chunks"] == -(-len(first.entries) // 7)


def checked_paths(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The path of each item ``check_item`` checks from now on (in this process)."""
    return calls_to(monkeypatch, catalogue_module, "check_item", lambda item, *_: item.path)


def assert_checked_as_fresh(root: Path, items: ItemCache) -> list[tuple[str, str]]:
    """A load through ``items`` finds the problems a load without any cache finds;
    returns their (code, path)."""
    cached, fresh = load_catalogue(root, items), load_catalogue(root)
    assert cached.problems == fresh.problems
    return [(p.code, p.path) for p in cached.problems]


def test_a_new_item_checks_no_other_item_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The items' checks once depended on every file under content/: each item published
    checked all the others again (at 10,000 items, 3.3-4.1 s before its first pages)."""
    monkeypatch.setattr(processes, "MIN_ITEMS", 10**9)  # checked here, where it is seen
    root = copy_sample(tmp_path / "s")
    items = ItemCache(root)
    load_catalogue(root, items)
    checked = checked_paths(monkeypatch)
    new_item(root)
    assert_checked_as_fresh(root, items)
    assert checked[: checked.index("content/external/budget/2026-new.md") + 1] == [
        "content/external/budget/2026-new.md"
    ]


def test_a_kept_check_follows_the_files_its_links_and_attachments_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where a link leads, whether an attachment is reached through a symlink, and the
    files an L401 names beside a missing attachment change an item's problems though
    neither its file nor its attachments changed."""
    # Every file settled long ago: none is read again for being just written.
    monkeypatch.setattr(itemcache, "time", FrozenClock(time.time_ns() + 3600 * 10**9))
    root = copy_sample(tmp_path / "s")
    repo = Repo(root, fresh=False)
    linking = "content/external/budget/2026-links.md"
    repo.write_item(
        linking,
        index_no="11330109002468135T/2024-00078",
        body="## 说明\n\n详见[后续条目](2026-later.md)。\n",
        attachments=[{"path": "files/2026-table.csv", "title": "附表"}],
    )
    items = ItemCache(root)
    found = assert_checked_as_fresh(root, items)
    assert ("L404", linking) in found and ("L401", linking) in found
    new_item(root)  # not the item linked to: nothing about the linking item changes
    assert_checked_as_fresh(root, items)
    (root / "content/external/budget/files/2026-tables.csv").write_text("甲,1\n", "utf-8")
    assert_checked_as_fresh(root, items)  # L401 now names the file beside the missing one
    repo.write_item(
        "content/external/budget/2026-later.md",
        index_no="11330109002468135T/2024-00079",
        title="后续条目",
    )
    assert ("L404", linking) not in assert_checked_as_fresh(root, items)
    (root / "content/external/budget/files/2026-table.csv").write_text("乙,2\n", "utf-8")
    assert ("L401", linking) not in assert_checked_as_fresh(root, items)
    budget = root / "content/external/budget"  # the body links to none of its files
    (budget / "files").rename(budget / "moved")
    (budget / "files").symlink_to("moved", target_is_directory=True)
    assert ("L406", linking) in assert_checked_as_fresh(root, items)


def test_a_kept_item_is_read_again_where_its_attachment_paths_lead_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An attachment folder that was a symlink becomes a real folder: the item file and
    the file it led to are unchanged, but the attachment is now another file (here
    missing, then one holding an ID number), which a kept item would not know."""
    monkeypatch.setattr(itemcache, "time", FrozenClock(time.time_ns() + 3600 * 10**9))
    root = copy_sample(tmp_path / "s")
    budget = root / "content/external/budget"
    (budget / "old").mkdir()
    (budget / "old/a.csv").write_text("甲,1\n", "utf-8")
    (budget / "att").symlink_to("old", target_is_directory=True)
    linked = "content/external/budget/2026-linked.md"
    Repo(root, fresh=False).write_item(
        linked,
        index_no="11330109002468135T/2024-00078",
        attachments=[{"path": "att/a.csv", "title": "附表"}],
    )
    items = ItemCache(root)
    assert ("L406", linked) in assert_checked_as_fresh(root, items)
    (budget / "att").unlink()
    (budget / "att").mkdir()
    assert ("L401", linked) in assert_checked_as_fresh(root, items)
    (budget / "att/a.csv").write_text("姓名,身份证号\n张三,110101199003071233\n", "utf-8")
    assert ("P701", linked) in assert_checked_as_fresh(root, items)


def saved_state(items: ItemCache) -> dict[str, tuple[object, ...]]:
    """What an item cache holds of each file, as a saved one would hold it."""
    return {
        path: (e.stamp, e.hashed_at, e.content, e.checked, e.check_problems, e.problems, e.item)
        + ((sorted(e.item.derived), e.item.body) if e.item is not None else ())
        for path, e in items.entries.items()
    }


def checked_on(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    """Have item checks run on ``day`` (``itemcache.check_context``), not whatever day
    the test happens to run on (it may straddle midnight)."""

    class Day(dt.date):
        @classmethod
        def today(cls) -> dt.date:
            return day

    monkeypatch.setattr(itemcache, "dt", SimpleNamespace(date=Day))


def saves_of(monkeypatch: pytest.MonkeyPatch, file: Path = CACHE_FILE) -> list[tuple[int, int]]:
    """Each save of a kept ``file``: its entries pickled and chunks copied."""
    saves: list[tuple[int, int]] = []

    def noted(path: Path, header: Any, entries: Any, chunk: int, copied: Any = None) -> bool:
        if path.name == file.name:
            saves.append((len(entries), len(copied.kept) if copied is not None else 0))
        return write_sealed_entries(path, header, entries, chunk, copied)

    monkeypatch.setattr(sealed, "write_sealed_entries", noted)
    return saves


def test_saving_the_item_cache_copies_the_chunks_whose_entries_are_as_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit changes one entry; its chunk is pickled again, the others copied. An
    entry given a new remembered value, or forgotten, is not copied either."""
    monkeypatch.setattr(itemcache, "SAVED_CHUNK", 7)
    checked_on(monkeypatch, BUILD_DAY)
    root = copy_sample(tmp_path / "s")
    saves = saves_of(monkeypatch)
    items = ItemCache.load(root)
    preview(root, root / "build", items)
    items.save()
    chunks = -(-len(items.entries) // 7)
    body_edit(root)
    items = ItemCache.load(root)
    preview(root, root / "build", items)
    items.save()
    assert saves[0] == (len(items.entries), 0)
    assert saves[1][0] <= 7 and saves[1][1] == chunks - 1
    assert saved_state(ItemCache.load(root)) == saved_state(items)
    # From a file with copied chunks: a file is touched (hashed again, same bytes), an
    # entry remembers more, another is forgotten.
    os.utime(root / PERSONNEL)
    items = ItemCache.load(root)
    load_catalogue(root, items)  # as the last build checked them
    remembering = items.entries[THRESHOLDS].item
    assert remembering is not None
    remembering.remember("测试", lambda: "新值")
    items.entries = {path: e for path, e in items.entries.items() if path != FUNDS}
    items.save()
    assert 0 < saves[-1][1] < chunks  # the three changes may share chunks
    reloaded = ItemCache.load(root)
    assert saved_state(reloaded) == saved_state(items)
    assert FUNDS not in reloaded.entries and "测试" in reloaded.entries[THRESHOLDS].item.derived
    # The next day every item is checked again: no chunk is as read.
    checked_on(monkeypatch, BUILD_DAY + dt.timedelta(days=1))
    load_catalogue(root, reloaded)
    reloaded.save()
    assert saves[-1] == (len(reloaded.entries), 0)
    assert saved_state(ItemCache.load(root)) == saved_state(reloaded)


def test_the_terms_file_copies_the_chunks_of_texts_left_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(termcache, "SAVED_CHUNK", 5)
    root, items = previewed_sample(tmp_path)
    saves = saves_of(monkeypatch, termcache.CACHE_FILE)
    body_edit(root)
    plan = Reuse(items=items)
    build_catalogue(BuildContext(root, root / "build", BUILD_DAY, preview=True), plan)
    assert plan.terms is not None
    kept = KeptTerms(root).load()
    assert kept == {key: plan.terms.known[key] for key in plan.terms.used}
    [(pickled, copied)] = saves
    assert copied > 0 and pickled <= 5 + 1  # the chunk that held the old text, the new one


def test_a_saved_chunk_is_copied_only_from_a_file_that_still_verifies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache file changed after it was read (by another build, or by anyone else), or
    removed, is not copied from: every entry is pickled again."""
    monkeypatch.setattr(itemcache, "SAVED_CHUNK", 7)
    checked_on(monkeypatch, BUILD_DAY)
    root = copy_sample(tmp_path / "s")
    items = ItemCache.load(root)
    preview(root, root / "build", items)
    items.save()
    saves = saves_of(monkeypatch)
    items = ItemCache.load(root)
    load_catalogue(root, items)
    saved = bytearray((root / CACHE_FILE).read_bytes())
    saved[-10] ^= 1  # in the last chunk, which is copied; the seal is left as it was
    (root / CACHE_FILE).write_bytes(saved)
    items.save()
    assert saves == [(0, -(-len(items.entries) // 7)), (len(items.entries), 0)]
    assert saved_state(ItemCache.load(root)) == saved_state(items)
    items = ItemCache.load(root)
    load_catalogue(root, items)
    (root / CACHE_FILE).unlink()  # rm -rf .cache, while a build runs
    items.save()
    assert saved_state(ItemCache.load(root)) == saved_state(items)


def test_a_cache_file_another_user_could_write_is_not_read(tmp_path: Path) -> None:
    """It is read twice (verified, then unpickled): no one else may change it between."""
    root = copy_sample(tmp_path / "s")
    items = ItemCache(root)
    load_catalogue(root, items)
    items.save()
    assert stat.S_IMODE(os.stat(root / CACHE_FILE).st_mode) == 0o600
    assert ItemCache.load(root).entries
    os.chmod(root / CACHE_FILE, 0o620)
    assert ItemCache.load(root).entries == {}


def test_a_sealed_cache_keeps_no_utf8_copy_of_the_texts_it_saved(tmp_path: Path) -> None:
    """Pickle keeps each string's UTF-8 form inside it for as long as it lives: saving
    the item cache doubled every item text kept for the rest of the process."""
    long_text = "预算公开" * 100
    texts = [long_text, long_text + "\ud800", "决算", "ascii" * 100]  # a lone surrogate too
    size = sys.getsizeof(long_text)
    write_sealed(tmp_path / "cache", [{"texts": texts}])
    assert sys.getsizeof(long_text) == size
    with sealed.opened_sealed(tmp_path / "cache") as stream:
        assert unpickled(stream) == {"texts": texts}
    pickle.dumps(long_text)  # what the cache did before
    assert sys.getsizeof(long_text) > size


def test_a_saved_item_unpickles_what_few_items_need_only_when_read(tmp_path: Path) -> None:
    """Loading the saved cache went mostly to front matter line maps, which only a
    new check or a problem's line reads, and to lists in the front matter (approvals,
    attachments, …), which only an item's view or a check reads; and to making a
    Path of every item's file."""
    root = copy_sample(tmp_path / "s")
    items = ItemCache.load(root)
    build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse(items=items))
    items.save()
    catalogue = load_catalogue(root, ItemCache.load(root))  # every check as it was
    rule = next(item for item in catalogue.items if item.path == RULE)
    assert not {"raw", "file"} & vars(rule).keys()
    assert not {"approvals", "keywords", "attachments"} & vars(rule.meta).keys()
    assert rule.file_name == str(root.resolve() / RULE)
    assert rule.line_of("published") == line_of(root / RULE, "published:")
    assert "raw" in vars(rule) and rule.raw["title"] == "澄江区区级财政预算绩效管理办法"
    assert [a.step for a in rule.meta.approvals] == ["initial", "leader"]
    assert "keywords" in vars(rule.meta)  # read together
    assert rule.file == root.resolve() / RULE
    body = rule.derived["rendered body"]  # its lines only a new check reads
    assert isinstance(body, RenderedBody) and "lines" not in vars(body)
    assert body == rendered_body(rule.body) and "lines" in vars(body)
    assert pickle.loads(pickle.dumps(rule)) == rule
    assert pickle.loads(pickle.dumps(rule)) == rule


def test_an_edit_updates_every_search_index_as_a_fresh_build_would(tmp_path: Path) -> None:
    root, items = previewed_sample(tmp_path)
    body_edit(root)
    preview(root, root / "build", items)
    assert_as_fresh_build(root, tmp_path / "fresh")


def in_workers(monkeypatch: pytest.MonkeyPatch, log: Path) -> None:
    """An update forks as at 10,000 items: reports in a worker, item terms in two
    processes; every report written is logged with the process that wrote it."""
    monkeypatch.setattr(update_module, "processes_for", lambda items: 2)
    monkeypatch.setattr(processes, "MIN_ITEMS", 1)
    monkeypatch.setattr(processes, "cores", lambda: 2)
    monkeypatch.setattr(processes.threading, "active_count", lambda: 1)  # other tests' threads
    real = pipeline._write_site_reports

    def logged(catalogue: Catalogue, site_pages: pages.SitePages) -> None:
        with log.open("a") as stream:  # forked workers cannot report through a list
            stream.write(f"{os.getpid()}\n")
        real(catalogue, site_pages)

    monkeypatch.setattr(pipeline, "_write_site_reports", logged)


def test_an_update_writes_its_reports_in_a_worker_to_a_fresh_builds_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, items = previewed_sample(tmp_path)
    log = tmp_path / "reports.log"
    with monkeypatch.context() as patch:
        in_workers(patch, log)
        body_edit(root)
        assert preview(root, root / "build", items).updated
    writers = log.read_text().split()
    assert len(writers) == len(VARIANTS) and str(os.getpid()) not in writers
    assert_as_fresh_build(root, tmp_path / "fresh")


@pytest.mark.parametrize("workers", [False, True])
def test_an_updates_reports_are_moved_in_with_its_indexes_after_its_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: bool
) -> None:
    """The worker writing an update's reports starts with its pages but writes into the
    last step: until the indexes are in, the register still shows the last build."""
    root, items = previewed_sample(tmp_path)
    if workers:
        in_workers(monkeypatch, tmp_path / "reports.log")
    register = root / "build/intranet/register.html"
    seen: list[bool] = []

    def pages_written(result: BuildResult) -> None:
        seen.append("修订：2026年度干部轮岗" in register.read_text(encoding="utf-8"))

    internal_title(root)
    preview(root, root / "build", items, on_pages=pages_written)
    assert len(seen) >= 2 and not any(seen)  # the edited pages, then every changed page
    assert "修订：2026年度干部轮岗" in register.read_text(encoding="utf-8")
    assert_as_fresh_build(root, tmp_path / "fresh")


def test_a_report_failing_in_a_worker_puts_the_previous_output_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, items = previewed_sample(tmp_path)
    before = files_of(root / "build")
    body_edit(root)

    with monkeypatch.context() as patch:
        in_workers(patch, tmp_path / "reports.log")
        patch.setattr(pages, "write_staff_pages", disk_full)
        with pytest.raises(BuildRefused) as refused:
            preview(root, root / "build", items)
    assert [p.code for p in refused.value.problems] == ["B003"]
    assert files_of(root / "build") == before
    assert preview(root, root / "build", items).updated
    assert_as_fresh_build(root, tmp_path / "fresh")


def test_a_failed_update_puts_the_previous_output_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, items = previewed_sample(tmp_path)
    before = files_of(root / "build")
    body_edit(root)

    written: list[float] = []
    with monkeypatch.context() as patch:
        patch.setattr(IndexWriter, "write", disk_full)
        with pytest.raises(BuildRefused) as refused:
            build_catalogue(
                BuildContext(
                    root, root / "build", BUILD_DAY, preview=True, on_pages=written.append
                ),
                Reuse(items=items),
            )
    assert [p.code for p in refused.value.problems] == ["B003"]
    assert written  # the pages had been moved in when indexing failed
    assert files_of(root / "build") == before  # markers and records included
    beside = sorted(p.name for p in root.iterdir())  # no staging folder left behind
    assert beside == [".cache", "build", "catalog.yaml", "content", "themes"]  # .cache: records
    assert preview(root, root / "build", items).updated
    assert_as_fresh_build(root, tmp_path / "fresh")


def test_a_new_day_or_theme_rebuilds_everything(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "s")
    preview(root, root / "build", None)
    assert not build_catalogue(
        BuildContext(root, root / "build", BUILD_DAY + dt.timedelta(days=1), preview=True), Reuse()
    ).updated
    css = root / "themes/default/static/style.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* 新样式 */\n", encoding="utf-8")
    result = build_catalogue(
        BuildContext(root, root / "build", BUILD_DAY + dt.timedelta(days=1), preview=True), Reuse()
    )
    assert not result.updated
    assert "新样式" in (root / "build/kiosk/static/style.css").read_text(encoding="utf-8")


def test_an_update_undone_after_several_steps_restores_every_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "items").mkdir(parents=True)
    (out / "items/a.html").write_text("a1", encoding="utf-8")
    (out / "gone.html").write_text("g", encoding="utf-8")
    (out / "search").mkdir()
    (out / "search/old.js").write_text("old", encoding="utf-8")
    before = files_of(out)
    update = OutputUpdate(out)
    for text in ("a2", "a3"):  # the same page written by two steps
        with update.step() as overlay:
            (overlay.folder / "items").mkdir()
            (overlay.folder / "items/a.html").write_text(text, encoding="utf-8")
            (overlay.folder / "items/new.html").write_text(text, encoding="utf-8")
    with update.step() as overlay:
        (overlay.folder / "search").mkdir()
        (overlay.folder / "search/new.js").write_text("new", encoding="utf-8")
        overlay.gone = ["search/old.js", "gone.html"]
    assert (out / "items/a.html").read_text(encoding="utf-8") == "a3"
    assert sorted(p.name for p in (out / "search").iterdir()) == ["new.js"]
    assert not (out / "gone.html").exists()
    update.undo()
    update.finish()
    assert files_of(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no folder left beside it


def test_a_build_with_nothing_to_do_never_reads_the_item_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fingerprint, "RACY_NS", 0)  # the sample was copied just now
    root = copy_sample(tmp_path / "s")
    items = ItemCache(root)
    build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse(items=items))
    items.save()

    def unexpected(*args: object) -> None:
        raise AssertionError("the item cache was read")

    monkeypatch.setattr(sealed, "read_sealed_chunks", unexpected)  # by ``KeptEntries.load``
    saved = ItemCache.load(root)
    assert build_catalogue(
        BuildContext(root, root / "build", BUILD_DAY), Reuse(items=saved)
    ).skipped
    saved.save()  # nothing read, nothing to write


def test_no_cache_writes_every_file_again_even_where_the_output_looks_current(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`catalogue build --no-cache` is what staff run when they distrust the output: a page
    damaged by hand is written again, though no input changed."""
    monkeypatch.setattr(fingerprint, "RACY_NS", 0)  # the sample was copied just now
    root = copy_sample(tmp_path / "s")
    build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse())
    built = files_of(root / "build")
    page = root / "build/public/items/2026-00016.html"
    page.write_text("损坏", encoding="utf-8")
    assert build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse()).skipped
    result = build_catalogue(
        BuildContext(root, root / "build", BUILD_DAY), Reuse(reuse_output=False)
    )
    assert not result.skipped
    assert files_of(root / "build") == built


def test_a_build_with_nothing_to_do_still_makes_again_what_the_output_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No input changed, but files went from the output by hand: a page, a listing, a
    search fragment (its index's items are unchanged), and a page replaced by a link to
    a file outside. The build makes each again, as a build afresh would, and only them."""
    monkeypatch.setattr(fingerprint, "RACY_NS", 0)  # the sample was copied just now
    root = copy_sample(tmp_path / "s")
    build, secret = root / "build", tmp_path / "secret.txt"
    build_catalogue(BuildContext(root, build, BUILD_DAY), Reuse())
    built = files_of(build, top=False)
    lost = ["public/items/2026-00016.html", "intranet/catalogue/archive/index.html"]
    lost += ["public/search/f/3.js", "kiosk/items/2026-00016.html"]
    for path in lost:
        (build / path).unlink()
    secret.write_text("机密", encoding="utf-8")
    (build / lost[-1]).symlink_to(secret)
    result = build_catalogue(BuildContext(root, build, BUILD_DAY), Reuse())
    assert not result.skipped
    assert result.written == len(lost) + 1  # and the ledger's key of the public index
    assert not [p for p in build.rglob("*") if p.is_symlink()]
    assert files_of(build, top=False) == built
    assert build_catalogue(BuildContext(root, build, BUILD_DAY), Reuse()).skipped


def test_a_build_with_nothing_to_do_reads_the_ledger_only_when_a_folder_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each folder's change time is kept: while all are as kept, the output is whole
    without listing its files (two seconds at 100,000 items); an update does the same."""
    monkeypatch.setattr(fingerprint, "RACY_NS", 0)  # the sample was copied just now
    root, items = previewed_sample(tmp_path)
    build, page = root / "build", root / "build/kiosk/items/2026-00016.html"
    read = calls_to(monkeypatch, Manifest, "lost_from", lambda manifest, out: "")
    assert preview(root, build, items).skipped
    assert read == []
    (build / "public/items/说明.txt").write_text("手工放入", encoding="utf-8")
    assert preview(root, build, items).skipped
    assert len(read) == 1  # a folder changed, and nothing was lost
    assert preview(root, build, items).skipped
    assert len(read) == 1  # the folders' times kept again
    body_edit(root)
    assert not preview(root, build, items).skipped
    assert len(read) == 1 and "第 一 条" in page.read_text(encoding="utf-8")
    page.unlink()
    assert not preview(root, build, items).skipped
    assert len(read) == 3 and page.is_file()  # in the check for a no-op, then the update


def test_a_link_where_a_page_no_longer_made_was_is_set_aside(tmp_path: Path) -> None:
    """A page replaced by a link, then its item deleted: the link goes as the page would."""
    root, items = previewed_sample(tmp_path)
    page, secret = root / "build/public/items/2025-00002.html", tmp_path / "secret.txt"
    assert page.is_file()
    secret.write_text("机密", encoding="utf-8")
    page.unlink()
    page.symlink_to(secret)
    deleted_item(root)
    preview(root, root / "build", items)
    assert not page.is_symlink() and not page.exists()
    assert_as_fresh_build(root, tmp_path / "fresh")


def test_an_update_never_writes_through_a_folder_replaced_by_a_link(tmp_path: Path) -> None:
    """Every page under a linked folder is made again, in a folder of the output's own."""
    root, items = previewed_sample(tmp_path)
    items_folder, elsewhere = root / "build/public/items", tmp_path / "elsewhere"
    shutil.move(items_folder, elsewhere)
    items_folder.symlink_to(elsewhere, target_is_directory=True)
    before = files_of(elsewhere)
    body_edit(root)
    preview(root, root / "build", items)
    assert files_of(elsewhere) == before
    assert not [p for p in (root / "build").rglob("*") if p.is_symlink()]
    assert_as_fresh_build(root, tmp_path / "fresh")


def test_the_ledger_lists_only_the_plain_files_the_output_still_holds(tmp_path: Path) -> None:
    """A folder's entry (a search index's key) is lost with any file it lost."""
    for path in ("public/a.html", "public/search/t/0.js", "public/search/meta.js", "k/b.js"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(path, encoding="utf-8")
    files = dict.fromkeys(["public/a.html", "public/search/", "public/search/t/0.js"], "k")
    files |= dict.fromkeys(["public/search/meta.js", "k/", "k/b.js"], "k")
    manifest = Manifest("构建", files)
    assert manifest.lost_from(tmp_path) == []
    (tmp_path / "public/search/meta.js").unlink()
    (tmp_path / "public/search/meta.js").symlink_to(tmp_path / "k/b.js")
    (tmp_path / "public/a.html").unlink()
    (tmp_path / "public/extra.html").write_text("不在清单中", encoding="utf-8")
    lost = manifest.lost_from(tmp_path)
    assert sorted(lost) == ["public/a.html", "public/search/meta.js"]
    marked = manifest.marked_lost(lost).files
    assert marked.keys() == files.keys()
    lost_too = {"public/a.html", "public/search/meta.js", "public/search/"}
    assert {path for path, key in marked.items() if key == LOST} == lost_too
    assert {marked[path] for path in files.keys() - lost_too} == {"k"}


def test_a_same_size_rewrite_with_its_old_mtime_is_still_seen(tmp_path: Path) -> None:
    """Size and modification time can be put back; the change time cannot."""
    root, items = previewed_sample(tmp_path)
    rule = root / RULE
    before = os.stat(rule)
    replace_in(root, RULE, "第一条", "第Ｘ条")  # as many bytes as before
    os.utime(rule, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(rule).st_size == before.st_size
    preview(root, root / "build", items)
    page = (root / "build/public/items/2026-00016.html").read_text(encoding="utf-8")
    assert "第Ｘ条" in page


def test_a_stamp_taken_right_after_hashing_is_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_sample(tmp_path / "s")
    items = ItemCache(root)
    now = time.time_ns()
    stamp = (0, 0, now, 0, 0)  # every file: one stamp, from just now
    monkeypatch.setattr(itemcache, "_stamp", lambda path: stamp)
    monkeypatch.setattr(itemcache, "time", FrozenClock(now))  # hashed in that tick too
    load_catalogue(root, items)
    replace_in(root, RULE, "第一条", "第Ｘ条")  # the same stamp, as within one clock tick
    rule = next(i for i in load_catalogue(root, items).items if i.path == RULE)
    assert "第Ｘ条" in rule.body


@pytest.mark.parametrize(
    ("edit", "selects_afresh"),
    [
        (body_edit, False),
        (linked_title, False),  # the links name it anew, from the swapped-in item
        (moved_in_listings, True),
        (new_item, True),
        (deleted_item, True),
    ],
)
def test_a_preview_selects_afresh_only_when_an_edit_moves_an_item(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    edit: Callable[[Path], None],
    selects_afresh: bool,
) -> None:
    root = copy_sample(tmp_path / "s")
    items, views = ItemCache(root), ViewCache()

    def shown_now() -> tuple[Catalogue, list[Shown]]:
        catalogue = load_catalogue(root, items)
        catalogue.allow_drafts()
        views.start("same build", catalogue)
        return catalogue, [views.shown(catalogue, v, BUILD_DAY) for v in VARIANTS]

    shown_now()
    edit(root)
    selections = calls_to(
        monkeypatch, views_module, "select_items", lambda catalogue, variant, today: variant.name
    )
    catalogue, kept_shown = shown_now()
    assert bool(selections) == selects_afresh
    monkeypatch.undo()
    for variant, shown in zip(VARIANTS, kept_shown, strict=True):
        fresh = Shown.select(catalogue, variant, BUILD_DAY)
        assert shown.items == fresh.items, variant.name
        assert [id(i) for i in shown.items] == [id(catalogue.by_path[i.path]) for i in fresh.items]
        assert shown.replaced == fresh.replaced, variant.name


def test_catalogue_serve_keeps_its_folders_times_with_its_output(tmp_path: Path) -> None:
    """Each preview's output is new: its record goes with it, not into the catalogue."""
    from generator.authoring.serve import PreviewServer

    root = copy_sample(tmp_path / "s")
    preview = PreviewServer(root, port=0, today=BUILD_DAY, echo=lambda _: None)
    preview.start()  # builds first
    try:
        assert preview.snapshot()[0] == 1
        assert json.loads((preview.workdir / "folders.json").read_text(encoding="utf-8"))
        assert not list((root / ".cache").rglob("*.folders.json"))
    finally:
        preview.stop()
