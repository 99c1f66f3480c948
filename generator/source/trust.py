"""Whose keys verify approval signatures.

On ``main`` the working tree's catalog.yaml holds the trusted keys. In a pull
request they come from the base branch (``CATALOGUE_TRUST_REF=origin/main``, set
by the pull-request workflow), so a change that swaps a person's key cannot also
carry approvals signed with the new key: a key counts only once it is merged.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import Problem
from . import signature
from .config import CATALOG_FILE, Config, parse_catalog

TRUST_ENV = "CATALOGUE_TRUST_REF"
_REF_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-~^@")


@dataclass(frozen=True)
class Keyring:
    """One person's keys: the current one, earlier ones with the day they stopped
    counting, and revoked ones, each as ``signature.key_id`` gives it."""

    current: str | None = None
    previous: tuple[tuple[str, dt.date], ...] = ()
    revoked: frozenset[str] = frozenset()

    def has_keys(self) -> bool:
        return bool(self.current or self.previous)

    def retired_until(self, key: str) -> dt.date | None:
        """The day ``key``, an earlier key of this person, stopped counting; None for a
        current, revoked or unknown key."""
        if key in self.revoked or key == self.current:
            return None
        return dict(self.previous).get(key)


@dataclass
class TrustedKeys:
    source: str  # where the keys come from, for messages: catalog.yaml or REF:catalog.yaml
    people: dict[str, Keyring] = field(default_factory=dict)

    def of(self, name: str) -> Keyring:
        return self.people.get(name, Keyring())

    @functools.cached_property
    def rotated(self) -> frozenset[str]:
        """Every person's earlier keys (``previous_keys``)."""
        return frozenset(key for ring in self.people.values() for key, _ in ring.previous)


def keyrings(config: Config) -> dict[str, Keyring]:
    out = {}
    for name, person in config.people.items():
        out[name] = Keyring(
            current=_key_or_none(person.signing_key),
            previous=tuple(
                (key, p.until) for p in person.previous_keys if (key := _key_or_none(p.key))
            ),
            revoked=frozenset(k for k in map(_key_or_none, person.revoked_keys) if k),
        )
    return out


def _key_or_none(line: str | None) -> str | None:
    if not line:
        return None
    try:
        return signature.key_id(line)
    except signature.BadKey:
        return None  # reported by catalog.yaml's checks (C207)


def trust_ref() -> str | None:
    return os.environ.get(TRUST_ENV) or None


def trusted_keys(root: Path, config: Config) -> tuple[TrustedKeys, list[Problem]]:
    """The keys that verify signatures, and C206 if the base branch's cannot be read.

    A key revoked in the working tree is refused even when the base branch still
    trusts it: revoking must take effect in the pull request that does it."""
    ref = trust_ref()
    own = keyrings(config)
    if ref is None:
        return TrustedKeys(CATALOG_FILE, own), []
    text, detail = _catalog_at(root, ref)
    loaded = parse_catalog(text) if text is not None else None
    if loaded is not None and loaded.config is None:
        detail = "该版本的 catalog.yaml 有错误"
    if loaded is None or loaded.config is None:
        problem = Problem.make("C206", CATALOG_FILE, 1, ref=ref, detail=detail)
        return TrustedKeys(f"{ref}:{CATALOG_FILE}", {}), [problem]
    base = keyrings(loaded.config)
    for name, ring in base.items():
        revoked_here = own.get(name, Keyring()).revoked
        if revoked_here:
            base[name] = Keyring(ring.current, ring.previous, ring.revoked | revoked_here)
    return TrustedKeys(f"{ref}:{CATALOG_FILE}", base), []


def _catalog_at(root: Path, ref: str) -> tuple[str | None, str]:
    """catalog.yaml's text at ``ref`` in the repository holding ``root``."""
    if not ref or ref.startswith("-") or not set(ref) <= _REF_CHARS:
        return None, "分支名无效"
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "show", f"{ref}:./{CATALOG_FILE}"],
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"无法运行 git（{exc}）"
    if done.returncode != 0:
        return None, "git 找不到该分支或其中的 catalog.yaml"
    try:
        return done.stdout.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        return None, "文件不是 UTF-8 编码"


def trust_context(root: Path) -> str:
    """What the trusted keys depend on besides the working tree's catalog.yaml: the
    base branch's catalog.yaml, when there is one (for the item cache's check context)."""
    ref = trust_ref()
    if ref is None:
        return ""
    text, detail = _catalog_at(root, ref)
    return hashlib.sha256(f"{ref}\0{text}\0{detail}".encode()).hexdigest()
