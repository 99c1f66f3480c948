"""Full-text search: Pagefind (extended, for Chinese) over pages that carry bigram tokens.

Each item page carries one token per pair of adjacent Chinese characters of its
searchable text (``site/searchtext.py``), so every Chinese substring is findable,
which Pagefind's own word segmentation would miss. The search page turns a query
into the same tokens, asks Pagefind for pages holding all of them, and keeps only
those whose text really contains the query, which keeps precision high.

Filters (category, section, year) are applied in the browser to the verified
results, from Pagefind metadata: Pagefind's own filter files are written in an
order that changes from build to build, which would break reproducible output."""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import os
import posixpath
import shutil
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

PAGEFIND_DIR = "pagefind"


class SearchIndexError(Exception):
    """Pagefind could not index the site."""


PUBLIC_INDEX_DIR = "pagefind-public"  # the public index, merged into the intranet's searches
# Pagefind's memory grows with the index it builds (about 3 GB for 10,000 pages
# with bigram tokens, 575 MB for 2,000, 310 MB for 1,000), so large sites are
# indexed in shards merged at search time; small enough for two to run at once.
SHARD_PAGES = 1000


def shard_count(pages: int) -> int:
    return max(1, math.ceil(pages / SHARD_PAGES))


def shard_names(base: str, count: int) -> list[str]:
    """Index folders ``base``, ``base-2``, … for ``count`` shards."""
    return [base] + [f"{base}-{n}" for n in range(2, count + 1)]


def split_into_shards(pages: list[str]) -> list[list[str]]:
    """Pages grouped into shards by a hash of their URL.

    A page stays in its shard while the shard count is unchanged, so an edited
    item re-indexes one shard, and a new item does not move the others.
    """
    count = shard_count(len(pages))
    shards: list[list[str]] = [[] for _ in range(count)]
    for url in pages:
        shards[int(hashlib.sha256(url.encode()).hexdigest()[:8], 16) % count].append(url)
    return shards


def _pagefind(pages_dir: Path, output: Path) -> None:
    """Run the Pagefind command (the extended build, which segments Chinese) on a folder.

    The command rather than Pagefind's Python service: the service is terminated
    as soon as it answers, which can cut off files it is still writing.
    """
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(pages_dir),
        "--output-path",
        str(output),
        "--force-language",
        "zh",
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=3600)
    except (OSError, subprocess.SubprocessError) as exc:
        raise SearchIndexError(str(exc)) from exc
    if result.returncode != 0 or not (output / "pagefind-entry.json").is_file():
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no index written"]
        raise SearchIndexError(detail[0])


class IndexRun:
    """One Pagefind run over ``pages`` of ``site_dir`` (one shard), into the folder ``output``.

    Made in the caller's thread, which links the pages into a folder of their own:
    thousands of system calls, and in a background thread each would wait for the
    GIL while the build's own thread renders or writes reports. ``run`` then only
    waits for Pagefind, and ``discard`` removes the folder of a run never made.

    ``earlier`` is this shard's index in the previous output, if there is one.
    Pagefind names most of its files by a digest of their content and writes
    only those it does not find; writing one (gzip at its highest level) is about
    half of a run's time. So the earlier files are linked into ``output`` too,
    and those the new index does not use are removed once it is written.
    """

    def __init__(
        self, site_dir: Path, pages: list[str], output: Path, earlier: Path | None = None
    ) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="catalogue-index-"))
        self.output = output.resolve()  # absolute: Pagefind takes others from the site folder
        self.reused: list[str] = []
        try:
            _link_all(site_dir, pages, self.folder)
            if earlier is not None and earlier.is_dir():
                self.reused = _reuse(earlier, self.output)
        except BaseException:
            self.discard()
            raise

    def run(self) -> None:
        try:
            _pagefind(self.folder, self.output)
            if self.reused and not _remove_unused(self.output, self.reused):
                shutil.rmtree(self.output)  # which files it uses is unknown: index afresh
                _pagefind(self.folder, self.output)
        finally:
            self.discard()

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _link_all(source: Path, names: list[str], target: Path) -> None:
    """Hard links (no copying) in ``target`` to the files ``names`` of ``source``, or
    copies where links cannot be made, e.g. across file systems."""
    for folder in {posixpath.dirname(name) for name in names}:  # once each, not per file
        (target / folder).mkdir(parents=True, exist_ok=True)
    for name in names:
        try:
            os.link(source / name, target / name)
        except OSError:
            shutil.copyfile(source / name, target / name)


# The files of an index that Pagefind names by a digest of their content.
_DIGEST_NAMED = ("*.pf_meta", "fragment/*", "index/*", "filter/*")


def _digest_named(index: Path) -> list[str]:
    return sorted(p.relative_to(index).as_posix() for g in _DIGEST_NAMED for p in index.glob(g))


def _reuse(earlier: Path, output: Path) -> list[str]:
    """Link the digest-named files of ``earlier`` into ``output``; returns their names.

    Pagefind never writes to a file it finds, so ``earlier`` stays as it is.
    """
    names = _digest_named(earlier)
    _link_all(earlier, names, output)
    return names


def _remove_unused(output: Path, reused: list[str]) -> bool:
    """Remove the ``reused`` files that the index in ``output`` does not use.

    False, removing nothing, when the index's metadata cannot be read, or when
    what it lists does not account for every page and every file just written.
    """
    listing = _listing(output)
    if listing is None:
        return False
    metas, listed = listing

    def used(name: str) -> bool:
        folder, _, file = name.rpartition("/")
        return file in metas if not folder else _cbor_text(file.split(".")[0]) in listed

    names = _digest_named(output)
    pages = sum(1 for name in names if name.startswith("fragment/") and used(name))
    written = set(names) - set(reused)
    if pages != sum(metas.values()) or not all(used(name) for name in written):
        return False
    for name in reused:
        if not used(name):
            (output / name).unlink()
    return True


def _listing(output: Path) -> tuple[dict[str, int], bytes] | None:
    """The index's metadata files, with the pages each counts, and their contents:
    gzipped CBOR that holds the digest of every other file the index uses.
    None when they cannot be read."""
    try:
        entry = json.loads((output / "pagefind-entry.json").read_text(encoding="utf-8"))
        languages = entry["languages"].values()
        metas = {f"pagefind.{lang['hash']}.pf_meta": lang["page_count"] for lang in languages}
        return metas, b"".join(gzip.decompress((output / meta).read_bytes()) for meta in metas)
    except (OSError, EOFError, zlib.error, ValueError, LookupError, TypeError, AttributeError):
        return None


def _cbor_text(text: str) -> bytes:
    """``text`` encoded as a CBOR text string, the way the metadata holds each digest."""
    data = text.encode()
    head = [0x60 + len(data)] if len(data) < 24 else [0x78, len(data)]
    return bytes(head) + data


def share_index(source: Path, copy: Path) -> None:
    """Give the intranet one of the public site's index shards, to merge at search time.

    Indexing is the slowest stage of a build; the intranet only indexes the pages
    the public site does not have, instead of indexing every public page twice.
    """
    shutil.copytree(source, copy, copy_function=os.link)
