"""Fixtures: a scratch catalogue repository built from the sample catalog.yaml."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from generator.catalogue import Catalogue, load_catalogue
from generator.checks.approvals import NewApproval, approve_file, rewrite_approvals
from generator.checks.signatures import approval_statement
from generator.source import signature

REPO = Path(__file__).resolve().parent.parent
# Builds seal their caches with a key in the user's cache folder (incremental/sealed.py):
# the tests, and the commands they run, use one of their own, never the user's.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="catalogue-tests-cache-")
ORG = "11330109002468135T"

# Approvals are signed (signatures: required in the sample). A scratch repository's
# catalog.yaml registers keys the tests make here, never the sample's demo keys; its
# approvers' private keys lie in TEST_KEYS, a folder of files named by person, which
# ``catalogue approve`` finds through CATALOGUE_SIGNING_KEY (authoring/signing.py).
TEST_KEYS = Path(tempfile.mkdtemp(prefix="catalogue-test-keys-"))
os.environ["CATALOGUE_SIGNING_KEY"] = str(TEST_KEYS)
os.environ.pop("CATALOGUE_TRUST_REF", None)
_SIGNING_KEY = re.compile(r"signing_key: (ssh-\S+ \S+) (\S+?)([,}])")


def _make_test_keys() -> dict[str, str]:
    """name → public key line, for every person of the sample catalog.yaml."""
    names = re.findall(r"^  (\S+): \{section", (REPO / "catalog.yaml").read_text("utf-8"), re.M)
    public = {}
    for name in names:
        key = ed25519.Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
        (TEST_KEYS / name).write_bytes(pem)
        public[name] = signature.public_line(key)
    return public


TEST_PUBLIC_KEYS = _make_test_keys()


def with_test_keys(catalog_text: str) -> str:
    """catalog.yaml's text with each person's signing key replaced by the tests' own."""
    return _SIGNING_KEY.sub(
        lambda m: f"signing_key: {TEST_PUBLIC_KEYS.get(m[2], m[1])} {m[2]}{m[3]}", catalog_text
    )


def key_file_for(root: Path, name: str) -> Path:
    """The private key of ``name`` that matches ``root``'s catalog.yaml: the tests' own
    in a scratch repository, the sample's demo key in a copy of the sample."""
    text = (root / "catalog.yaml").read_text("utf-8")
    if TEST_PUBLIC_KEYS.get(name, "\0") in text:
        return TEST_KEYS / name
    return REPO / "sample-keys" / name


def sign_entry(root: Path, item: Any, entry: NewApproval) -> NewApproval:
    """``entry`` signed by its approver's key, as ``catalogue approve`` would sign it."""
    try:
        key = signature.load_private_key(key_file_for(root, entry.by).read_bytes())
    except OSError:
        return entry  # nobody of that name: left unsigned
    message = approval_statement(item, entry.step, entry.by, entry.date, entry.digest)
    return dataclasses.replace(entry, signature=signature.sign(key, message))


DEFAULT_FRONT_MATTER: dict[str, Any] = {
    "title": "2024年区本级一般公共预算执行情况（第二季度）",
    "index_no": f"{ORG}/2024-00012",
    "category": "budget",
    "owner": "budget",
    "drafted_by": "赵敏",
    "summary": "二季度一般公共预算收支执行情况。",
    "written": "2024-07-10",
    "published": "2024-07-20",
}
# Who takes each step of the sample policy for an item owned by ``budget``.
BUDGET_APPROVERS = (("initial", "钱立新"), ("leader", "林志远"))
MAJOR_APPROVERS = (("group-study", "王晓燕"), ("group-sign", "陈建国"))


def yaml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def front_matter_text(fields: dict[str, Any]) -> str:
    """One ``key: value`` per line (flow style for lists), so tests can find lines."""
    return "".join(f"{key}: {yaml_value(value)}\n" for key, value in fields.items())


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of the first line of ``path`` containing ``needle``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


class Repo:
    """A catalogue repository in a temporary folder."""

    def __init__(self, root: Path, fresh: bool = True) -> None:
        self.root = root
        if fresh:
            catalog = with_test_keys((REPO / "catalog.yaml").read_text("utf-8"))
            (root / "catalog.yaml").write_text(catalog, encoding="utf-8")
            shutil.copytree(REPO / "themes", root / "themes")
            (root / "content" / "external").mkdir(parents=True)
            (root / "content" / "internal").mkdir(parents=True)

    def write_item(
        self,
        rel: str = "content/external/budget/2024-q2.md",
        body: str = "## 执行情况\n\n上半年一般公共预算收入完成年度预算的52.3%。\n",
        **overrides: Any,
    ) -> Path:
        """Write an item: the default front matter with ``overrides`` (None removes a key)."""
        fields = {**DEFAULT_FRONT_MATTER, **overrides}
        fields = {k: v for k, v in fields.items() if v is not None}
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\n{front_matter_text(fields)}---\n\n{body}", encoding="utf-8")
        return path

    def approve(
        self,
        path: Path,
        steps: tuple[tuple[str, str], ...] = BUDGET_APPROVERS,
        date: dt.date | None = None,
    ) -> None:
        """Record ``steps`` in order; dated ``date`` or, by default, the item's publication day."""
        for step, by in steps:
            catalogue = self.load()
            item = next(i for i in catalogue.items if i.file == path.resolve())
            day = date or item.meta.published or dt.date(2024, 7, 15)
            approve_file(item, catalogue.config, step, by, day, self.sign)

    def sign(self, item: Any, entry: NewApproval) -> str | None:
        return sign_entry(self.root, item, entry).signature

    def force_approve(self, path: Path, step: str, by: str, date: str = "2024-07-15") -> None:
        """Append an approval of the current digest without any policy check."""
        item = next(i for i in self.load().items if i.file == path.resolve())
        text = path.read_text(encoding="utf-8")
        entries = [
            NewApproval(a.step, a.by, a.date, a.digest, a.signature) for a in item.meta.approvals
        ]
        entry = NewApproval(step, by, dt.date.fromisoformat(date), item.digest)
        entries.append(sign_entry(self.root, item, entry))
        path.write_text(rewrite_approvals(text, entries), encoding="utf-8")

    def add_item(self, rel: str = "content/external/budget/2024-q2.md", **kw: Any) -> Path:
        """Write and fully approve an item (budget owner, sample policy)."""
        path = self.write_item(rel, **kw)
        self.approve(path)
        return path

    def load(self) -> Catalogue:
        return load_catalogue(self.root)

    def codes(self, path: Path | None = None) -> list[tuple[str, int]]:
        """(code, line) of every problem, optionally only those in ``path``."""
        rel = path.resolve().relative_to(self.root.resolve()).as_posix() if path else None
        return [(p.code, p.line) for p in self.load().problems if rel is None or p.path == rel]


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path)


def copy_sample(root: Path) -> Path:
    """A copy of the repository's sample catalogue (config, content, themes) at ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "catalog.yaml", root / "catalog.yaml")
    for folder in ("content", "themes"):
        shutil.copytree(REPO / folder, root / folder)
    return root


class FrozenClock:
    """A stand-in for a module's ``time`` whose wall clock stays at ``now_ns``: a test
    sets what "just now" is instead of hoping the machine is quick enough."""

    def __init__(self, now_ns: int) -> None:
        self.now_ns = now_ns
        self.monotonic = time.monotonic  # durations still pass

    def time_ns(self) -> int:
        return self.now_ns


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return copy_sample(tmp_path / "sample")


BUILD_DAY = dt.date(2026, 11, 26)
CANARY = "鸮鹮鼯鼷鳑鲏"  # rare characters, planted in every field of an internal item
CANARY_ASCII = "CANARY-7f3a9c"
CANARY_MOBILE = "13905719999"  # an exempted personal number in the internal item
CANARY_FILES = [f"files/{CANARY_ASCII}.{ext}" for ext in ("csv", "xlsx", "pdf", "docx")]


def plant_canary(root: Path) -> Path:
    """An approved internal item with the canary in every field and in each kind of attachment."""
    from officefiles import write_docx, write_pdf, write_xlsx

    repo = Repo(root, fresh=False)
    folder = root / "content/internal/staff-affairs"
    csv_file, xlsx, pdf, docx = (folder / name for name in CANARY_FILES)
    csv_file.parent.mkdir(parents=True, exist_ok=True)
    csv_file.write_text(f"名单,{CANARY}\n{CANARY_ASCII},1\n", encoding="utf-8")
    write_xlsx(xlsx, {CANARY: {"A1": CANARY, "B2": CANARY_ASCII}})
    write_pdf(pdf, [[CANARY_ASCII, CANARY]])
    write_docx(docx, [CANARY, CANARY_ASCII], header=[CANARY])
    path = repo.write_item(
        "content/internal/staff-affairs/canary.md",
        body=f"## {CANARY}\n\n正文含{CANARY}与{CANARY_ASCII}，联系人{CANARY_MOBILE}。\n",
        title=f"{CANARY}名单",
        index_no=f"{ORG}/2026-09999",
        category="staff-affairs",
        owner="personnel",
        drafted_by="胡斌",
        summary=f"概述{CANARY}",
        doc_no=f"{CANARY}〔2026〕1号",
        keywords=[CANARY, CANARY_ASCII],
        written="2026-03-01",
        published="2026-03-05",
        attachments=[{"path": name, "title": f"{CANARY}附件"} for name in CANARY_FILES],
        changes=[{"date": "2026-03-06", "note": f"更正{CANARY}"}],
        series=f"{CANARY}系列",
        stages=[{"name": f"{CANARY}阶段", "due": "2026-03-05", "done": "2026-03-05"}],
        exemptions=[{"value": CANARY_MOBILE, "reason": f"{CANARY}豁免理由"}],
    )
    repo.approve(path, steps=(("initial", "曹静"), ("leader", "郑国平")), date=dt.date(2026, 3, 6))
    return path


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample plus a canary internal item, built on BUILD_DAY; returns the root."""
    from generator.build import BuildContext, build_catalogue
    from generator.incremental.update import Reuse

    root = copy_sample(tmp_path_factory.mktemp("built") / "sample")
    plant_canary(root)
    build_catalogue(BuildContext(root, root / "build", BUILD_DAY), Reuse())
    return root
