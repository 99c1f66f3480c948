"""Digests of source files: what a cache checks before it trusts what it holds."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

GENERATOR = Path(__file__).parent.parent  # the generator package, every subpackage included


def tree_digest(paths: Iterable[Path], base: Path) -> str:
    """A digest of files' names (relative to ``base``) and contents."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(f"{path.relative_to(base).as_posix()}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def generator_files() -> list[Path]:
    """Every Python file of the generator."""
    return sorted(GENERATOR.rglob("*.py"))


def generator_digest() -> str:
    """The generator's own code: a new version may read or render anything differently."""
    return tree_digest(generator_files(), GENERATOR)
