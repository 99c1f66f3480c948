"""Whether an output is already what a build would make: a fingerprint of its inputs.

Recorded in the output (``.catalogue-inputs``) by each build; the next build
with the same fingerprint has nothing to do and reads nothing else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
from collections.abc import Mapping
from pathlib import Path

from ..output.files import holds_its_files, in_progress
from ..problems import CODES, Problem, Severity
from ..site.render import THEMES_DIR
from ..source.config import CATALOG_FILE
from ..source.trust import trust_context
from .itemcache import RACY_NS, Stamp, followed_stamp
from .sources import generator_files, library_versions

INPUTS_FILE = ".catalogue-inputs"  # in the output: what it was built from
WARNINGS_FILE = ".catalogue-warnings.json"  # and the warnings its build reported


def input_fingerprint(
    root: Path, today: dt.date, mode: str, content: Mapping[str, Stamp], now_ns: int
) -> str | None:
    """A digest of every input's path, size and change times (``content`` holds the
    ``file_stamps`` of the files under content/), the build day and mode and the
    generator's own source, Python's version and the versions of the libraries that shape
    output: equal fingerprints mean an identical output.

    None when an input changed within ``RACY_NS`` of ``now_ns``: a second write
    in the same clock tick could keep every stamp, so, as in git's "racily
    clean" rule, such a fingerprint cannot vouch for the output.
    """
    digest = hashlib.sha256(f"{today}|{mode}|{library_versions()}\n".encode())
    digest.update(trust_context(root).encode())  # a pull request's trusted keys (trust.py)
    sources = [str(root / CATALOG_FILE), *(str(p) for p in generator_files())]
    for folder, _, names in sorted(os.walk(root / THEMES_DIR)):
        sources += [os.path.join(folder, name) for name in sorted(names)]
    stamps = [*content.items(), *((path, followed_stamp(path)) for path in sources)]
    newest = 0
    for path, stamp in stamps:
        if stat.S_ISLNK(stamp[0] if stamp else 0):
            stamp = followed_stamp(path)
        if stamp:  # ctime too: restoring a file's mtime cannot restore it
            _, size, mtime, _, ctime = stamp
            digest.update(f"{path}|{size}|{mtime}|{ctime}\n".encode())
            newest = max(newest, mtime, ctime)
    return None if newest >= now_ns - RACY_NS else digest.hexdigest()


def up_to_date(out: Path, fingerprint: str | None, folders: Path) -> bool:
    """Was ``out`` built from these inputs, and does it still hold every file it was made
    of (``folders``: where its folders' times are kept)? A file removed by hand, or a
    link put in its place, is made again by an update."""
    marker = out / INPUTS_FILE
    if not (
        fingerprint is not None
        and not in_progress(out)  # a build was killed while changing it
        and marker.is_file()
        and marker.read_text(encoding="utf-8") == fingerprint
    ):
        return False
    return holds_its_files(out, folders)


def record_inputs(out: Path, fingerprint: str | None) -> None:
    """Mark ``out`` as built from ``fingerprint``, or as unvouched for when it is None."""
    marker = out / INPUTS_FILE
    if fingerprint is None:
        marker.unlink(missing_ok=True)
    else:
        marker.write_text(fingerprint, encoding="utf-8")


def record_warnings(out: Path, problems: list[Problem]) -> None:
    """Keep the build's warnings, so a build it makes unnecessary reports them again."""
    rows = [[p.code, p.path, p.line, p.message] for p in problems if not p.is_error]
    (out / WARNINGS_FILE).write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")


def recorded_warnings(out: Path) -> list[Problem]:
    """What ``record_warnings`` kept; nothing when it is missing or not as written."""
    try:
        rows = json.loads((out / WARNINGS_FILE).read_text(encoding="utf-8"))
        return [
            Problem(str(code), str(path), int(line), str(message), Severity.WARNING)
            for code, path, line, message in rows
            if str(code) in CODES and CODES[str(code)].severity is Severity.WARNING
        ]
    except (OSError, ValueError, TypeError):
        return []
