"""The item digest: what an approver's signature covers.

Canonical form (version 1), documented for auditors in docs/digest.md:

    sha256 of the UTF-8 bytes of the compact JSON document
    {"attachments": [{"path": P, "sha256": H}, ...],
     "body": B, "format": "catalogue-digest/1", "meta": M}

with keys sorted, no ASCII escaping and separators "," and ":", where
- M is the front matter as YAML data, without the ``approvals`` and ``withdrawn`` keys
  (so approving or withdrawing never changes what is approved); dates are the strings
  the author wrote;
- B is the Markdown body with LF line endings and surrounding blank space removed;
- each attachment is listed in front-matter order with the SHA-256 of its bytes
  (``missing`` when the file cannot be read).

YAML formatting, comments and key order therefore do not change the digest;
any change to a value, the body or an attachment's bytes does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

FORMAT = "catalogue-digest/1"
PREFIX = "sha256:"
MISSING = "missing"


def bytes_sha256(data: bytes | None) -> str:
    return MISSING if data is None else hashlib.sha256(data).hexdigest()


def file_sha256(path: Path | None) -> str:
    try:
        return bytes_sha256(path.read_bytes()) if path is not None else MISSING
    except OSError:
        return MISSING


# Front matter that records what happened to the content rather than the content itself:
# approving it, or withdrawing it in an emergency, leaves the signed digest as it was.
UNSIGNED = ("approvals", "withdrawn")


def canonical_form(meta: Mapping[str, Any], body: str, attachments: list[tuple[str, str]]) -> bytes:
    document = {
        "format": FORMAT,
        "meta": {k: v for k, v in meta.items() if k not in UNSIGNED},
        "body": body.replace("\r\n", "\n").strip(),
        "attachments": [{"path": p, "sha256": h} for p, h in attachments],
    }
    options: dict[str, Any] = {
        "ensure_ascii": False,
        "sort_keys": True,
        "separators": (",", ":"),
        "default": str,
    }
    try:
        text = json.dumps(document, **options)
    except TypeError:
        # Keys of mixed types ({0: …, "a": …}) cannot be sorted. Such front matter never
        # validates (S101), but reading it must not crash, and its digest must be stable.
        text = json.dumps(_string_keys(document), **options)
    return text.encode("utf-8")


def _string_keys(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _string_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_string_keys(v) for v in value]
    return value


def item_digest(
    meta: Mapping[str, Any], body: str, attachment_hashes: list[tuple[str, str]]
) -> str:
    """``sha256:<hex>`` over the canonical form of an item."""
    return PREFIX + hashlib.sha256(canonical_form(meta, body, attachment_hashes)).hexdigest()
