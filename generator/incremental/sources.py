"""Digests of source files: what a cache checks before it trusts what it holds."""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import sys
from collections.abc import Iterable
from pathlib import Path

GENERATOR = Path(__file__).parent.parent  # the generator package, every subpackage included

# The distributions whose version can change what a build makes of the same input:
# pages, indexes, the kiosk's pinyin, items as read and checked (a cached item keeps
# its problems, so the attachment readers count too). requirements.lock pins them.
SHAPING_LIBRARIES = (
    "Markdown",
    "Jinja2",
    "MarkupSafe",
    "nh3",
    "pypinyin",
    "PyYAML",
    "python-frontmatter",
    "pypdfium2",
    "pillow",
    "segno",
    "chinesecalendar",
    "openpyxl",
    "pypdf",
)


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


@functools.cache
def library_versions() -> str:
    """Python's version and each of ``SHAPING_LIBRARIES``' installed versions, as text.

    Read once per process: what runs is what was imported, whatever is installed since.
    """
    versions = [f"python={sys.version}"]
    for name in SHAPING_LIBRARIES:
        try:
            versions.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name}=")
    return "\n".join(versions)


def generator_digest() -> str:
    """The generator's own code and what it runs on (Python and the libraries that shape
    output): a new version of either may read or render anything differently."""
    code = tree_digest(generator_files(), GENERATOR)
    return hashlib.sha256(f"{code}\n{library_versions()}".encode()).hexdigest()
