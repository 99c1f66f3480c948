"""Signed approvals: SSHSIG signatures checked against each approver's registered key."""

from __future__ import annotations

import base64
import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ORG, REPO, TEST_KEYS, TEST_PUBLIC_KEYS, Repo, copy_sample, line_of
from cryptography.hazmat.primitives.asymmetric import ed25519

from generator.checks.approvals import NewApproval, rewrite_approvals
from generator.checks.signatures import approval_statement
from generator.cli import main
from generator.incremental.pagecache import build_digest
from generator.site.intranet import register_rows
from generator.source import signature
from generator.source.config import load_catalog

SSH_KEYGEN = shutil.which("ssh-keygen")
NS = "catalogue-approval"


def run(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--root", str(root), *args], env=env or {})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def sign_codes(repo: Repo, path: Path) -> list[str]:
    return [c for c, _ in repo.codes(path) if c.startswith("A5")]


def resign(repo: Repo, path: Path, step: str, key: object, **changes: object) -> None:
    """Replace ``step``'s signature with one made by ``key`` (over ``changes``, if any)."""
    item = next(i for i in repo.load().items if i.file == path.resolve())
    entries = []
    for a in item.meta.approvals:
        signed = a.signature
        if a.step == step:
            fields = {"step": a.step, "by": a.by, "date": a.date, "digest": a.digest, **changes}
            message = approval_statement(item, **fields)  # type: ignore[arg-type]
            signed = signature.sign(key, message) if key is not None else None
        entries.append(NewApproval(a.step, a.by, a.date, a.digest, signed))
    path.write_text(rewrite_approvals(path.read_text("utf-8"), entries), encoding="utf-8")


def own_key(name: str) -> object:
    return signature.load_private_key((TEST_KEYS / name).read_bytes())


def test_an_approval_is_signed_and_verifies(repo: Repo) -> None:
    path = repo.add_item()
    text = path.read_text("utf-8")
    assert text.count("    signature: U1NIU0lH") == 2  # base64 of the SSHSIG magic, one line each
    assert sign_codes(repo, path) == []


@pytest.mark.skipif(SSH_KEYGEN is None, reason="needs OpenSSH's ssh-keygen")
def test_stock_ssh_keygen_verifies_a_recorded_approval(repo: Repo, tmp_path: Path) -> None:
    path = repo.add_item()
    item = next(i for i in repo.load().items if i.file == path.resolve())
    approval = item.meta.approvals[1]
    assert approval.by == "林志远"
    message = approval_statement(item, "leader", "林志远", approval.date, approval.digest)
    (tmp_path / "statement").write_bytes(message)
    (tmp_path / "sig").write_text(signature.armored(approval.signature), encoding="ascii")
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(f"林志远 {TEST_PUBLIC_KEYS['林志远']}\n", encoding="utf-8")

    def verify(identity: str, data: bytes) -> subprocess.CompletedProcess[bytes]:
        sig = str(tmp_path / "sig")
        return subprocess.run(
            [SSH_KEYGEN, "-Y", "verify", "-f", str(allowed), "-I", identity, "-n", NS, "-s", sig],
            input=data,
            capture_output=True,
            check=False,
        )

    good = verify("林志远", message)
    assert good.returncode == 0, good.stderr
    assert b"Good" in good.stdout
    assert verify("林志远", message.replace(b"external", b"internal")).returncode != 0


@pytest.mark.skipif(SSH_KEYGEN is None, reason="needs OpenSSH's ssh-keygen")
def test_a_signature_made_by_ssh_keygen_verifies(tmp_path: Path) -> None:
    key = tmp_path / "id"
    subprocess.run([SSH_KEYGEN, "-q", "-t", "ecdsa", "-N", "", "-f", str(key)], check=True)
    message = b'{"by":"x"}'
    made = subprocess.run(
        [SSH_KEYGEN, "-Y", "sign", "-n", "catalogue-approval", "-f", str(key)],
        input=message,
        capture_output=True,
        check=True,
    ).stdout.decode()
    checked = signature.verify(made, message)
    assert checked.ok
    assert checked.key == signature.key_id(key.with_suffix(".pub").read_text())
    assert not signature.verify(made, message + b" ").ok


def test_right_name_wrong_key_is_a_forgery(repo: Repo) -> None:
    path = repo.add_item()
    resign(repo, path, "leader", own_key("钱立新"))  # the section head signs as the leader
    assert "A514" in sign_codes(repo, path)
    resign(repo, path, "leader", ed25519.Ed25519PrivateKey.generate())  # a key nobody has
    assert "A514" in sign_codes(repo, path)


def test_right_name_no_signature_fails_when_required(repo: Repo) -> None:
    path = repo.add_item()
    resign(repo, path, "leader", None)
    assert sign_codes(repo, path) == ["A512"]


def test_a_changed_date_breaks_the_signature(repo: Repo) -> None:
    path = repo.add_item()
    path.write_text(path.read_text("utf-8").replace("date: 2024-07-20", "date: 2024-07-19"))
    assert "A513" in sign_codes(repo, path)


def test_a_moved_item_fails(repo: Repo) -> None:
    """Moving an internal item into content/external/ voids its internal approvals."""
    inner = repo.add_item(
        "content/internal/staff-affairs/notice.md", category="staff-affairs", owner="budget"
    )
    assert sign_codes(repo, inner) == []
    outer = repo.root / "content/external/other/notice.md"
    outer.parent.mkdir(parents=True)
    inner.rename(outer)
    outer.write_text(outer.read_text("utf-8").replace("staff-affairs", "other"), encoding="utf-8")
    assert sign_codes(repo, outer).count("A513") == 2
    code, out = run(repo.root, "approve", "--check", str(outer))
    assert code == 1
    assert "签名时条目属于“对内公开”，现在位于“对外公开”" in out


def test_a_new_index_no_breaks_the_signature(repo: Repo) -> None:
    path = repo.add_item()
    resign(repo, path, "leader", own_key("林志远"), digest="sha256:" + "0" * 64)
    assert "A513" in sign_codes(repo, path)


def test_optional_signatures_keep_unsigned_approvals_and_warn_on_bad_ones(repo: Repo) -> None:
    catalog = repo.root / "catalog.yaml"
    text = catalog.read_text("utf-8").replace("signatures: required", "signatures: optional")
    catalog.write_text(text, encoding="utf-8")
    path = repo.add_item()
    resign(repo, path, "initial", None)
    assert sign_codes(repo, path) == []
    resign(repo, path, "leader", own_key("钱立新"))
    problems = [p for p in repo.load().problems if p.code == "A514"]
    assert problems and not problems[0].is_error


def test_revoked_and_previous_keys(repo: Repo) -> None:
    path = repo.add_item()  # approved 2024-07-20 with 林志远's current key
    catalog = repo.root / "catalog.yaml"
    old = TEST_PUBLIC_KEYS["林志远"]
    new = signature.public_line(ed25519.Ed25519PrivateKey.generate())
    base = catalog.read_text("utf-8")

    def person_line(extra: str) -> None:
        text = base.replace(f"signing_key: {old} 林志远", f"signing_key: {new} 林志远{extra}")
        catalog.write_text(text, encoding="utf-8")

    person_line(f", previous_keys: [{{key: {old}, until: 2024-08-01}}]")
    assert sign_codes(repo, path) == []
    person_line(f", previous_keys: [{{key: {old}, until: 2024-07-01}}]")
    assert sign_codes(repo, path) == ["A517"]
    person_line(f", revoked_keys: [{old}]")
    assert sign_codes(repo, path) == ["A516"]


def test_a_rotated_key_verifies_only_content_committed_before_its_end(repo: Repo) -> None:
    """The approval's date is typed by hand; when its content entered git is not."""
    git(repo.root, "init", "-q", "-b", "main")
    early = repo.add_item()  # approved 2024-07-20 with 林志远's key of the time
    commit_on(repo.root, "2024-07-25T10:00:00+08:00", "approved before the rotation")
    late = repo.add_item("content/external/budget/late.md", index_no=f"{ORG}/2024-00013")
    old = TEST_PUBLIC_KEYS["林志远"]
    new = signature.public_line(ed25519.Ed25519PrivateKey.generate())
    catalog = repo.root / "catalog.yaml"
    rotated = f"signing_key: {new} 林志远, previous_keys: [{{key: {old}, until: 2024-08-01}}]"
    catalog.write_text(
        catalog.read_text("utf-8").replace(f"signing_key: {old} 林志远", rotated), "utf-8"
    )
    signed = line_of(late, "by: 林志远") + 3  # by, date, digest, signature
    # ``late`` is dated before the end too, but its content is not committed yet.
    found = [(p.path, p.line, p.is_error) for p in repo.load().problems if p.code == "A517"]
    assert found == [("content/external/budget/late.md", signed, True)]
    commit_on(repo.root, "2024-09-02T10:00:00+08:00", "rotated; late content signed with old key")
    assert sign_codes(repo, early) == []
    assert sign_codes(repo, late) == ["A517"]
    # Where signatures are optional the item is published, and the register says why not.
    optional = catalog.read_text("utf-8").replace("signatures: required", "signatures: optional")
    catalog.write_text(optional, "utf-8")
    steps = next(r.steps for r in register_rows(repo.load(), set()) if r.index_no.endswith("13"))
    assert [(s.name, s.verified) for s in steps] == [
        ("科室负责人审核", True),
        ("分管领导审批", False),
    ]
    assert "旧密钥已于 2024-08-01 停用" in steps[1].signature
    text = early.read_text("utf-8")
    early.write_text(text.replace("52.3%", "52.4%"), "utf-8")  # new content, old signatures
    assert "A517" not in sign_codes(repo, early)  # stale (A507), not the rotation, is the finding


def test_bad_or_shared_keys_in_catalog_yaml(repo: Repo) -> None:
    catalog = repo.root / "catalog.yaml"
    text = catalog.read_text("utf-8")
    shared = text.replace(TEST_PUBLIC_KEYS["钱立新"], TEST_PUBLIC_KEYS["林志远"])
    catalog.write_text(shared, encoding="utf-8")
    assert "C208" in [p.code for p in load_catalog(repo.root).problems]
    broken = text.replace(TEST_PUBLIC_KEYS["钱立新"], "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA")
    catalog.write_text(broken, encoding="utf-8")
    assert "C207" in [p.code for p in load_catalog(repo.root).problems]


def test_approve_signs_with_the_key_given_and_refuses_another(repo: Repo) -> None:
    path = repo.write_item()
    wrong = ["--step", "initial", "--by", "钱立新", "--date", "2024-07-12", "--yes"]
    code, out = run(repo.root, "approve", str(path), *wrong, "--key", str(TEST_KEYS / "林志远"))
    assert code == 1
    assert "不是“钱立新”在 catalog.yaml 中登记的公钥" in out
    assert "approvals" not in path.read_text("utf-8")
    code, out = run(repo.root, "approve", str(path), *wrong, "--key", str(TEST_KEYS / "钱立新"))
    assert code == 0, out
    assert sign_codes(repo, path) == ["A501"]  # the leader's step is still missing


def test_approve_refuses_without_a_key_when_required(repo: Repo, tmp_path: Path) -> None:
    path = repo.write_item()
    args = ["--step", "initial", "--by", "钱立新", "--date", "2024-07-12", "--yes"]
    env = {"CATALOGUE_SIGNING_KEY": "", "HOME": str(tmp_path), "SSH_AUTH_SOCK": ""}
    code, out = run(repo.root, "approve", str(path), *args, env=env)
    assert code == 1
    assert "找不到“钱立新”的私钥" in out


def test_the_sample_validates_with_signatures_required(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "sample")
    loaded = load_catalog(root)
    assert loaded.config is not None
    assert loaded.config.approval.signatures == "required"
    assert all(p.signing_key for p in loaded.config.people.values())
    code, out = run(root, "validate")
    assert code == 0, out
    texts = [p.read_text("utf-8") for p in (root / "content").rglob("*.md")]
    assert sum(t.count("  - step:") for t in texts) == sum(t.count("signature:") for t in texts)


def test_resign_sample_is_idempotent(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "sample")
    shutil.copytree(REPO / "sample-keys", root / "sample-keys")
    (root / "scripts").mkdir()
    shutil.copy(REPO / "scripts" / "resign-sample", root / "scripts")
    item = next((root / "content/external/budget").glob("*.md"))
    text = item.read_text("utf-8")
    cut = text.index("    signature: ")
    item.write_text(text[:cut] + text[text.index("\n", cut) + 1 :], encoding="utf-8")
    env = {
        "PYTHON": str(REPO / ".venv/bin/python"),
        "PYTHONPATH": str(REPO),
        "PATH": "/usr/bin:/bin",
    }
    first = subprocess.run(
        [root / "scripts/resign-sample"], env=env, capture_output=True, text=True
    )
    assert first.returncode == 0, first.stderr
    assert item.read_text("utf-8") == text
    before = {p: p.read_bytes() for p in (root / "content").rglob("*.md")}
    second = subprocess.run(
        [root / "scripts/resign-sample"], env=env, capture_output=True, text=True
    )
    assert second.returncode == 0 and "0 file(s) changed" in second.stdout
    assert before == {p: p.read_bytes() for p in (root / "content").rglob("*.md")}


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def commit_on(root: Path, when: str, message: str) -> None:
    """Commit everything, authored and committed at ``when`` (ISO 8601 with offset)."""
    git(root, "add", "-A")
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    who = ["-c", "user.name=t", "-c", "user.email=t@e"]
    subprocess.run(["git", "-C", str(root), *who, "commit", "-qm", message], env=env, check=True)


def test_a_pull_request_is_verified_with_the_base_branch_keys(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change that swaps a person's key cannot carry approvals signed with the new key."""
    monkeypatch.setenv("CATALOGUE_TRUST_REF", "")  # --trust-ref sets it; restored after
    git(repo.root, "init", "-q", "-b", "main")
    git(repo.root, "add", "-A")
    git(repo.root, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "base")
    git(repo.root, "checkout", "-qb", "change")
    thief = ed25519.Ed25519PrivateKey.generate()
    catalog = repo.root / "catalog.yaml"
    catalog.write_text(
        catalog.read_text("utf-8").replace(
            TEST_PUBLIC_KEYS["林志远"], signature.public_line(thief)
        ),
        encoding="utf-8",
    )
    path = repo.write_item()
    repo.approve(path, steps=(("initial", "钱立新"),))
    repo.force_approve(path, "leader", "林志远", "2024-07-20")
    resign(repo, path, "leader", thief)
    assert sign_codes(repo, path) == []  # the working tree's keys accept it
    code, out = run(repo.root, "validate", "--trust-ref", "main")
    assert code == 1
    assert "A514" in out
    code, out = run(repo.root, "validate", "--trust-ref", "no-such-branch")
    assert code == 1 and "C206" in out


def test_a_change_of_the_base_branchs_keys_renders_every_page_again(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The register shows whether each signature verifies, and in a pull request that
    depends on the base branch's keys: pages kept from the last build must not hide it."""
    git(repo.root, "init", "-q", "-b", "main")
    commit_on(repo.root, "2024-07-25T10:00:00+08:00", "base")
    catalog = repo.root / "catalog.yaml"
    kept = catalog.read_bytes()
    new = signature.public_line(ed25519.Ed25519PrivateKey.generate())
    catalog.write_text(kept.decode().replace(TEST_PUBLIC_KEYS["林志远"], new), "utf-8")
    commit_on(repo.root, "2024-07-26T10:00:00+08:00", "林志远 has a new key")
    git(repo.root, "branch", "base", "HEAD~1")
    catalog.write_bytes(kept)  # the working tree stays as it is from here on
    monkeypatch.setenv("CATALOGUE_TRUST_REF", "base")
    theme = repo.root / "themes/default"
    before = build_digest(repo.root, theme, dt.date(2024, 8, 1), "build")
    git(repo.root, "branch", "-f", "base", "main")
    assert build_digest(repo.root, theme, dt.date(2024, 8, 1), "build") != before


def test_keys_are_read_as_ssh_keygen_prints_them() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    line = signature.public_line(key) + " 某人"
    assert signature.key_id(line) == signature.public_line(key)
    blob = base64.b64decode(line.split()[1])
    assert signature.fingerprint(line).startswith("SHA256:") and len(blob) == 51
    with pytest.raises(signature.BadKey):
        signature.key_id("ssh-dss AAAA")


def test_the_register_shows_each_signature_and_prints_an_approval_form(
    built_sample: Path,
) -> None:
    intranet = built_sample / "build/intranet"
    register = (intranet / "register.html").read_text("utf-8")
    assert register.count('<span class="signed">签名有效</span>') >= 2 * 60
    assert 'class="unsigned"' not in register
    form = (intranet / "register/2024-00012.html").read_text("utf-8")
    assert 'href="register/2024-00012.html"' in register
    for text in (
        "政务公开事项审批表",
        "11330109002468135T/2024-00012",
        "科室负责人审核",
        "分管领导审批",
    ):
        assert text in form
    assert form.count("签名有效；摘要码 <code>") == 2
    assert "不是《电子签名法》规定的电子签名" in form
    assert not (built_sample / "build/public/register").exists()


def test_the_register_names_a_signature_that_does_not_verify(repo: Repo) -> None:
    from generator.build import BuildContext, build_catalogue
    from generator.incremental.update import Reuse

    catalog = repo.root / "catalog.yaml"
    text = catalog.read_text("utf-8").replace("signatures: required", "signatures: optional")
    catalog.write_text(text, encoding="utf-8")
    path = repo.add_item()
    resign(repo, path, "leader", own_key("钱立新"))
    build_catalogue(BuildContext(repo.root, repo.root / "build", dt.date(2024, 8, 1)), Reuse())
    register = (repo.root / "build/intranet/register.html").read_text("utf-8")
    assert (
        '<span class="unsigned">“林志远”的审批“分管领导审批”不是用 林志远 登记的密钥签名的'
        in register
    )
    assert "（签名密钥属于钱立新）" in register


# Staff turnover ----------------------------------------------------------------------


def test_approvals_are_checked_against_the_roles_held_on_their_date(repo: Repo) -> None:
    """钱立新 left the budget section on 2024-07-31; 赵敏 heads it from 2024-08-01."""
    path = repo.add_item()  # 钱立新's approval of 2024-07-20 must stay valid
    catalog = repo.root / "catalog.yaml"
    text = catalog.read_text("utf-8")
    text = text.replace(
        "roles: [section_head], github: qian-lixin",
        "roles: [{section_head: null, until: 2024-07-31}], left: 2024-07-31, github: qian-lixin",
    )
    text = text.replace(
        "赵敏: {section: budget, title: 科员",
        "赵敏: {section: budget, title: 预算科科长, roles: [{section_head: null, from: 2024-08-01}]",
    )
    catalog.write_text(text, encoding="utf-8")
    assert sign_codes(repo, path) == []

    later = repo.write_item(
        "content/external/budget/later.md",
        index_no="11330109002468135T/2024-00013",
        drafted_by="李娜",
        written="2024-07-25",
        published="2024-08-20",
    )
    repo.force_approve(later, "initial", "钱立新", "2024-08-05")
    assert ("A518", line_of(later, "date: 2024-08-05")) in repo.codes(later)
    early = repo.write_item(
        "content/external/budget/early.md",
        index_no="11330109002468135T/2024-00014",
        drafted_by="李娜",
        written="2024-07-01",
        published="2024-08-20",
    )
    repo.force_approve(early, "initial", "赵敏", "2024-07-25")  # before she held the role
    assert "A503" in sign_codes(repo, early)
    repo.write_item(
        "content/external/budget/early.md",
        index_no="11330109002468135T/2024-00014",
        drafted_by="李娜",
        written="2024-07-01",
        published="2024-08-20",
    )
    repo.force_approve(early, "initial", "赵敏", "2024-08-02")
    assert "A503" not in sign_codes(repo, early)


def test_role_dates_must_be_in_order(repo: Repo) -> None:
    catalog = repo.root / "catalog.yaml"
    text = catalog.read_text("utf-8").replace(
        "roles: [section_head], github: qian-lixin",
        "roles: [{section_head: null, from: 2025-01-01, until: 2024-01-01}], github: qian-lixin",
    )
    catalog.write_text(text, encoding="utf-8")
    assert "C209" in [p.code for p in load_catalog(repo.root).problems]


# Backdating ----------------------------------------------------------------------------


def test_an_approval_dated_before_its_content_was_committed_warns(repo: Repo) -> None:
    git(repo.root, "init", "-q", "-b", "main")
    dates = {"written": "2026-12-01", "published": "2026-12-20"}
    path = repo.write_item(index_no="11330109002468135T/2026-00012", **dates)
    commit_on(repo.root, "2026-12-10T01:30:00+08:00", "draft")
    repo.force_approve(path, "initial", "钱立新", "2026-12-09")  # the day before it existed
    repo.force_approve(path, "leader", "林志远", "2026-12-10")  # 01:30 Beijing is 12-10
    problems = [p for p in repo.load().problems if p.code == "A519"]
    assert [(p.line, p.is_error) for p in problems] == [(line_of(path, "date: 2026-12-09"), False)]
    assert "2026-12-10" in problems[0].message
    code, out = run(repo.root, "validate", "--strict", "--today", "2026-12-11")
    assert code == 1 and "A519" in out
