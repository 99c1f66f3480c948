"""Cache files that can run no code but ours: pickles sealed with a key kept outside
the repository.

Unpickling runs whatever the file says, so a cache file that someone else wrote
(committed with ``git add -f``, or shipped in an artifact) could run code on the
next build. Each cache file therefore carries an HMAC of its bytes, made with a
key of this user's (in the user's cache folder, never in the catalogue): only
files this user's builds wrote verify, and only verified files are unpickled.
A file git tracks is never read, whatever it holds. docs/decisions/0003 says why
sealed pickles rather than another format.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import itertools
import os
import pickle
import secrets
import subprocess
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from ..parallel.collector import paused_collector
from .sources import generator_digest

MAGIC = b"catalogue-sealed-1\n"
MAC_SIZE = hashlib.sha256().digest_size
BLOCK = 1 << 20


def key_file() -> Path:
    """This user's sealing key: in the user's cache folder, outside every catalogue."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "disclosure-catalogue" / "seal.key"


def sealing_key() -> bytes | None:
    """The key, made on first use (readable by this user alone); None when this
    machine has nowhere to keep one, and then no cache is written or read."""
    path = key_file()
    with contextlib.suppress(OSError):
        return _read_key(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another build made it just now
        with contextlib.suppress(OSError):
            return _read_key(path)
        return None
    except OSError:
        return None
    with os.fdopen(descriptor, "wb") as stream:
        key = secrets.token_bytes(32)
        stream.write(key)
    return key


def _read_key(path: Path) -> bytes:
    key = path.read_bytes()
    if len(key) != 32:
        raise OSError(f"{path}: not a key")
    return key


class _Sealing:
    """A file being written, with the HMAC of every byte written to it."""

    def __init__(self, stream: BinaryIO, key: bytes) -> None:
        self.stream = stream
        self.mac = hmac.new(key, digestmod=hashlib.sha256)

    def write(self, data: bytes) -> int:
        self.mac.update(data)
        return self.stream.write(data)


# Pickle writes a string's UTF-8 form through CPython's ``PyUnicode_AsUTF8AndSize``, which
# keeps that form inside the string for as long as it lives: saving the item cache at the
# end of a build kept a UTF-8 copy of every item's Chinese text (44 MiB at 10,000 items,
# 13 MiB written this way, by tracemalloc), the moment the 100,000-item build's memory
# peaks. Long non-ASCII strings are therefore written as their UTF-8 bytes, which the
# pickler keeps only until its part is written (so large caches are written in parts);
# loading the item cache took as long either way (0.21-0.28 s).
TEXT_AS_BYTES = 256  # characters: longer ones hold nearly all of those bytes


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj: object) -> bytes | None:
        if type(obj) is str and len(obj) > TEXT_AS_BYTES and not obj.isascii():
            return obj.encode("utf-8", "surrogatepass")
        return None


class _Unpickler(pickle.Unpickler):
    def persistent_load(self, pid: object) -> str:
        if type(pid) is not bytes:
            raise pickle.UnpicklingError("not a text written by this module")
        return pid.decode("utf-8", "surrogatepass")


def unpickled(stream: BinaryIO) -> Any:
    """The next object ``write_sealed`` pickled into ``stream`` (opened by ``opened_sealed``)."""
    return _Unpickler(stream).load()


class Pickled(bytes):
    """A part of a sealed file already pickled (a chunk copied from the last file)."""


def write_sealed(path: Path, parts: Iterable[object]) -> bool:
    """Pickle each of ``parts`` (``Pickled`` ones as they are) into ``path`` in turn,
    sealed, through a partial file that then replaces it whole: a build reading it
    never finds half of one. If making a part fails, ``path`` is left as it was.

    Returns False (and writes nothing) when there is no key to seal with.
    """
    key = sealing_key()
    if key is None:
        return False
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)  # a killed build's, whose process number this one has
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(partial, flags, 0o600)  # this user's alone: ``verified_sealed``
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(MAGIC + bytes(MAC_SIZE))  # the MAC's place, filled in below
            sealing = _Sealing(stream, key)
            for part in parts:
                if isinstance(part, Pickled):
                    sealing.write(part)
                else:
                    _Pickler(sealing, protocol=pickle.HIGHEST_PROTOCOL).dump(part)
            stream.seek(len(MAGIC))
            stream.write(sealing.mac.digest())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)
    return True


@dataclass
class Layout:
    """Where the chunks of a sealed file of entries lay when it was read, and its seal:
    the next save can copy the chunks whose entries did not change (``Copied``) instead
    of pickling them again."""

    file: Path
    mac: bytes
    chunks: list[tuple[int, int, list[Any]]] = field(default_factory=list)  # span, keys


class ChangedSince(ValueError):
    """The file a ``Layout`` describes is no longer the one read."""


@dataclass
class Copied:
    """The chunks numbered ``kept`` of the file ``layout`` describes, to write as they are."""

    layout: Layout
    kept: list[int]

    def parts(self) -> Iterator[Pickled]:
        """Each kept chunk's bytes, read while the whole file's seal is worked out again:
        if the file changed since it was read, ``ChangedSince`` is raised (after the
        last part), so a file that no longer verifies is never copied into a new one."""
        try:
            yield from self._parts()
        except OSError as error:  # gone since (``rm -rf .cache``), or unreadable
            raise ChangedSince(self.layout.file) from error

    def _parts(self) -> Iterator[Pickled]:
        key = sealing_key()
        layout, kept = self.layout, set(self.kept)
        if key is None:
            raise ChangedSince("no sealing key")
        mac = hmac.new(key, digestmod=hashlib.sha256)
        with layout.file.open("rb") as stream:
            if stream.read(len(MAGIC)) != MAGIC or stream.read(MAC_SIZE) != layout.mac:
                raise ChangedSince(layout.file)
            position = stream.tell()
            for n, (start, end, _) in enumerate(layout.chunks):
                mac.update(stream.read(start - position))  # the header, before the first
                data, position = stream.read(end - start), end
                mac.update(data)
                if n in kept:
                    yield Pickled(data)
            while block := stream.read(BLOCK):
                mac.update(block)
        if not hmac.compare_digest(mac.digest(), layout.mac):
            raise ChangedSince(layout.file)


def write_sealed_entries(
    path: Path,
    header: dict[str, str],
    entries: Sequence[tuple[Any, Any]],
    chunk: int,
    copied: Copied | None = None,
) -> bool:
    """``write_sealed`` of ``header`` (with the number of chunks), the ``copied`` chunks of
    the last file, then ``entries`` in chunks of ``chunk``, each pickled on its own: a
    pickler keeps every object it has written alive until it ends, which for 100,000
    items held hundreds of MB at the end of the build, when its memory is at its largest."""
    starts = range(0, len(entries), chunk)
    chunks = (entries[start : start + chunk] for start in starts)
    kept = copied.parts() if copied is not None else iter(())
    count = len(starts) + (len(copied.kept) if copied is not None else 0)
    return write_sealed(path, itertools.chain([{**header, "chunks": count}], kept, chunks))


def read_sealed_chunks(path: Path, header: dict[str, str]) -> tuple[dict[Any, Any], Layout | None]:
    """The entries ``write_sealed_entries`` wrote into ``path`` under ``header``, and where
    each chunk lay; none (and None) if the file is missing, truncated, not sealed by this
    user or holds another header."""
    entries: dict[Any, Any] = {}
    try:  # unpickling many small objects is several times faster without collections
        with paused_collector(), verified_sealed(path) as (stream, seal):
            layout = Layout(path, seal)
            found = unpickled(stream)
            if not isinstance(found, dict) or any(found.get(k) != v for k, v in header.items()):
                return {}, None
            for _ in range(found["chunks"]):
                start = stream.tell()
                chunk = dict(unpickled(stream))
                layout.chunks.append((start, stream.tell(), list(chunk)))
                entries.update(chunk)
    except Exception:  # a missing, truncated, foreign or unsealed file is not used
        return {}, None
    return entries, layout


@contextlib.contextmanager
def opened_sealed(path: Path) -> Iterator[BinaryIO]:
    """``path`` opened at its first pickle (read each with ``unpickled``), once its seal
    is verified; raises ``ValueError`` for a file not sealed by this user, ``OSError``
    for a missing one."""
    with verified_sealed(path) as (stream, _):
        yield stream


@contextlib.contextmanager
def verified_sealed(path: Path) -> Iterator[tuple[BinaryIO, bytes]]:
    """``opened_sealed``, and the seal it verified.

    The file is read twice, to verify it and then to unpickle it, so a file that
    someone else could change in between is refused: it must be this user's, and
    writable by no one else (``write_sealed`` makes it so)."""
    key = sealing_key()
    if key is None:
        raise ValueError("no sealing key")
    if tracked_by_git(path):
        raise ValueError(f"{path} is in the repository: a cache is never committed")
    with path.open("rb") as stream:
        status = os.fstat(stream.fileno())
        if hasattr(os, "getuid") and (status.st_uid != os.getuid() or status.st_mode & 0o022):
            raise ValueError(f"{path} is writable by another user")
        if stream.read(len(MAGIC)) != MAGIC:
            raise ValueError("not a sealed file")
        expected = stream.read(MAC_SIZE)
        mac = hmac.new(key, digestmod=hashlib.sha256)
        start = stream.tell()
        while block := stream.read(BLOCK):
            mac.update(block)
        if not hmac.compare_digest(mac.digest(), expected):
            raise ValueError("the seal does not match: not written by this user's builds")
        stream.seek(start)
        yield stream, expected


def tracked_by_git(path: Path) -> bool:
    """Is ``path`` in the git index of the repository it lies in?"""
    try:
        found = subprocess.run(
            ["git", "ls-files", "--error-unmatch", "--", path.name],
            cwd=path.parent,
            capture_output=True,
            check=False,
        )
    except OSError:  # no git on this machine: nothing can be tracked
        return False
    return found.returncode == 0


class KeptEntries:
    """A sealed file of entries (``write_sealed_entries``) that builds keep for the next,
    at ``relative`` under the catalogue's ``root``: one written for another root or by
    another version of the generator is not used.

    Saving copies each chunk of the file as loaded whose entries are all kept as they
    were read (``as_read``), instead of pickling them again."""

    def __init__(self, root: Path, relative: Path, chunk: int) -> None:
        self.file = root.resolve() / relative
        self.header = {"root": str(root.resolve()), "version": generator_digest()}
        self.chunk = chunk
        self.layout: Layout | None = None  # of the file as loaded

    def load(self) -> dict[Any, Any]:
        """The entries; none if the file is missing, stale or foreign."""
        entries, self.layout = read_sealed_chunks(self.file, self.header)
        return entries

    def save(
        self, entries: Sequence[tuple[Any, Any]], as_read: Callable[[Any], bool] | None = None
    ) -> None:
        """``write``, unless the file cannot be written (a read-only checkout: the next
        build works them out again)."""
        with contextlib.suppress(OSError):
            self.write(entries, as_read)

    def write(
        self, entries: Sequence[tuple[Any, Any]], as_read: Callable[[Any], bool] | None = None
    ) -> None:
        """Write ``entries``, copying the loaded file's chunks whose every key ``as_read``
        (its entry is in ``entries`` with the value read). If that file changed since
        (``ChangedSince``), every entry is pickled."""
        self.file.parent.mkdir(parents=True, exist_ok=True)
        copied = self._copied(as_read)
        if copied is None:
            write_sealed_entries(self.file, self.header, entries, self.chunk)
            return
        taken = {key for n in copied.kept for key in copied.layout.chunks[n][2]}
        rest = [(key, value) for key, value in entries if key not in taken]
        try:
            write_sealed_entries(self.file, self.header, rest, self.chunk, copied)
        except ChangedSince:
            write_sealed_entries(self.file, self.header, entries, self.chunk)

    def _copied(self, as_read: Callable[[Any], bool] | None) -> Copied | None:
        if self.layout is None or as_read is None:
            return None
        # Small chunks (of entries new since) are pickled again with the rest, so they
        # merge rather than pile up one per build.
        chunks = enumerate(self.layout.chunks)
        full = self.chunk // 2
        kept = [n for n, (_, _, keys) in chunks if len(keys) >= full and all(map(as_read, keys))]
        return Copied(self.layout, kept) if kept else None
