"""Signing an approval with the approver's own SSH key (``catalogue approve``).

The private key is, in order: ``--key FILE``, the file named by the environment
variable ``CATALOGUE_SIGNING_KEY`` (or, if it names a folder, the file there named
after the approver, as in ``sample-keys/``), the approver's key in ssh-agent, or their
default key (``~/.ssh/id_ed25519`` and the like) whose public half is the one
registered in catalog.yaml. An unencrypted key is signed with in this process; a
key with a passphrase, or one held by ssh-agent, through ``ssh-keygen -Y sign``,
which asks for the passphrase itself. Every signature is verified against the
registered key before it is written, so a wrong key is refused at once.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..checks.approvals import ApprovalRefused, NewApproval
from ..checks.signatures import REQUIRED, approval_statement
from ..source import signature
from ..source.config import Config
from ..source.items import Item

KEY_ENV = "CATALOGUE_SIGNING_KEY"
DEFAULT_KEYS = ("id_ed25519", "id_ecdsa", "id_rsa")


class SigningFailed(ApprovalRefused):
    """No signature could be made; the reason is in Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__([reason])


Sign = Callable[[bytes], str]  # statement → SSHSIG base64


def approval_signer(
    config: Config, by: str, key_file: Path | None
) -> tuple[Callable[[Item, NewApproval], str | None] | None, str]:
    """How ``by``'s approvals are signed, and a note for the user ("" if none).

    None (unsigned, as before signatures) only where signatures are optional and
    ``by`` has no registered key or no key of theirs can be found.
    """
    person = config.people.get(by)
    registered = person.signing_key if person else None
    required = config.approval.signatures == REQUIRED
    if registered is None:
        if required:
            raise SigningFailed(
                f"“{by}”没有在 catalog.yaml 中登记签名公钥（signing_key），本局要求审批必须签名"
            )
        return None, ""
    chosen = key_file or (Path(os.environ[KEY_ENV]) if os.environ.get(KEY_ENV) else None)
    if chosen is not None and chosen.is_dir():
        chosen = chosen / by  # a folder of keys named by person, as sample-keys/ is
    sign = _file_signer(chosen) if chosen else _own_key_signer(registered)
    if sign is None:
        if required:
            raise SigningFailed(
                f"找不到“{by}”的私钥：请用 --key 指定私钥文件，或设置环境变量 {KEY_ENV}"
            )
        return None, f"注意：找不到“{by}”的私钥，本次审批未签名。"
    expected = signature.key_id(registered)

    def sign_approval(item: Item, entry: NewApproval) -> str:
        message = approval_statement(item, entry.step, entry.by, entry.date, entry.digest)
        made = sign(message)
        checked = signature.verify(made, message)
        if not checked.ok:
            raise SigningFailed(f"签名未通过核验：{checked.why}")
        if checked.key != expected:
            raise SigningFailed(
                f"所用私钥不是“{by}”在 catalog.yaml 中登记的公钥"
                f"（{signature.fingerprint(registered)}）对应的私钥"
            )
        return made

    return sign_approval, ""


def _file_signer(path: Path) -> Sign:
    try:
        data = path.expanduser().read_bytes()
    except OSError as exc:
        raise SigningFailed(f"无法读取私钥文件 {path}：{exc.strerror or exc}") from None
    try:
        key = signature.load_private_key(data)
    except signature.BadKey:
        return lambda message: _ssh_keygen_sign(path.expanduser(), message)
    return lambda message: signature.sign(key, message)


def _own_key_signer(registered: str) -> Sign | None:
    """The registered key through ssh-agent, else the matching default key file."""
    wanted = signature.key_id(registered)
    if os.environ.get("SSH_AUTH_SOCK") and _agent_holds(wanted):

        def by_agent(message: bytes) -> str:
            with tempfile.TemporaryDirectory() as folder:
                public = Path(folder) / "key.pub"
                public.write_text(registered + "\n", encoding="utf-8")
                return _ssh_keygen_sign(public, message)

        return by_agent
    ssh = Path.home() / ".ssh"
    for name in DEFAULT_KEYS:
        try:
            public = (ssh / f"{name}.pub").read_text(encoding="utf-8")
            if signature.key_id(public.strip()) == wanted:
                return _file_signer(ssh / name)
        except (OSError, UnicodeDecodeError, signature.BadKey):
            continue
    return None


def _agent_holds(wanted: str) -> bool:
    try:
        listed = subprocess.run(
            ["ssh-add", "-L"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    keys = set()
    for line in listed.stdout.splitlines():
        try:
            keys.add(signature.key_id(line.strip()))
        except signature.BadKey:
            continue
    return wanted in keys


def _ssh_keygen_sign(key: Path, message: bytes) -> str:
    """``ssh-keygen -Y sign``: asks for a passphrase on the terminal, or uses ssh-agent."""
    try:
        done = subprocess.run(
            ["ssh-keygen", "-q", "-Y", "sign", "-n", signature.NAMESPACE, "-f", str(key)],
            input=message,
            capture_output=True,
            timeout=300,
            check=False,
        )
    except FileNotFoundError:
        raise SigningFailed("找不到 ssh-keygen（OpenSSH），无法使用设有口令的私钥") from None
    except subprocess.TimeoutExpired:
        raise SigningFailed("ssh-keygen 签名超时") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SigningFailed(f"ssh-keygen 签名失败：{detail[-1] if detail else done.returncode}")
    text = done.stdout.decode("ascii", "replace")
    return "".join(
        line
        for line in text.strip().splitlines()
        if line not in (signature.ARMOR_BEGIN, signature.ARMOR_END)
    )
