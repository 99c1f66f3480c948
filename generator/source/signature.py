"""SSH signatures of approvals (SSHSIG, the format of ``ssh-keygen -Y sign``).

An approval signs a *statement*: a compact JSON document naming the item's digest,
the step, the approver, the date, and the item's scope and 索引号 (docs/digest.md).
The signature is the SSHSIG blob (OpenSSH's PROTOCOL.sshsig) in base64 on one line,
namespace ``catalogue-approval``, so an auditor can check a record with stock OpenSSH:
``ssh-keygen -Y verify -f allowed_signers -I 姓名 -n catalogue-approval -s sig.txt``.

Verification uses ``cryptography`` (OpenSSL), never pure Python: 20,000 approvals are
checked on a cold build (docs/decisions/0004-signed-approvals.md). Ed25519, ECDSA
(NIST P-256/384/521) and RSA keys are accepted, as GitHub accepts them for signing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

NAMESPACE = "catalogue-approval"
STATEMENT_FORMAT = "catalogue-approval/1"
MAGIC = b"SSHSIG"
VERSION = 1
HASHES = {"sha512": hashlib.sha512, "sha256": hashlib.sha256}
ARMOR_BEGIN = "-----BEGIN SSH SIGNATURE-----"
ARMOR_END = "-----END SSH SIGNATURE-----"
# The key types a signature may use, and for ECDSA the curve's hash.
_ECDSA = {
    "ecdsa-sha2-nistp256": hashes.SHA256,
    "ecdsa-sha2-nistp384": hashes.SHA384,
    "ecdsa-sha2-nistp521": hashes.SHA512,
}
KEY_TYPES = ("ssh-ed25519", "ssh-rsa", *_ECDSA)
# A public key line in catalog.yaml: type, base64, optional comment.
PUBLIC_KEY_PATTERN = r"(?:" + "|".join(KEY_TYPES) + r") [A-Za-z0-9+/]+={0,2}(?: .*)?"
SIGNATURE_PATTERN = r"[A-Za-z0-9+/]+={0,2}"


def statement(*, digest: str, step: str, by: str, date: str, scope: str, index_no: str) -> bytes:
    """What an approval signs: compact JSON, keys sorted, UTF-8 (docs/digest.md)."""
    document = {
        "format": STATEMENT_FORMAT,
        "digest": digest,
        "step": step,
        "by": by,
        "date": date,
        "scope": scope,
        "index_no": index_no,
    }
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8", "surrogatepass")


class BadSignature(Exception):
    """A signature that cannot be read or does not verify; ``str`` says why, in Chinese."""


class BadKey(Exception):
    """A public or private key that cannot be used; ``str`` says why, in Chinese."""


def key_id(public_line: str) -> str:
    """A public key as ``type base64``, without its comment: what identifies the key."""
    parts = public_line.split()
    if len(parts) < 2 or parts[0] not in KEY_TYPES:
        raise BadKey("不是 OpenSSH 公钥（应以 ssh-ed25519、ecdsa-sha2-nistp256 或 ssh-rsa 开头）")
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except binascii.Error as exc:
        raise BadKey("公钥的 base64 部分已损坏") from exc
    _load_public(blob)
    return f"{parts[0]} {parts[1]}"


def fingerprint(public_line: str) -> str:
    """``SHA256:…``, as ``ssh-keygen -l`` prints it."""
    blob = base64.b64decode(public_line.split()[1])
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


# Reading SSH wire format ------------------------------------------------------------


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.at + n > len(self.data):
            raise BadSignature("签名数据不完整")
        chunk = self.data[self.at : self.at + n]
        self.at += n
        return chunk

    def uint32(self) -> int:
        return struct.unpack(">I", self.take(4))[0]

    def string(self) -> bytes:
        return self.take(self.uint32())

    def done(self) -> bool:
        return self.at == len(self.data)


def _string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _mpint(value: int) -> bytes:
    raw = value.to_bytes((value.bit_length() + 8) // 8, "big") if value else b""
    return _string(raw)


def _load_public(blob: bytes):
    try:
        key_type = _Reader(blob).string().decode("ascii")
        line = key_type.encode() + b" " + base64.b64encode(blob)
        return serialization.load_ssh_public_key(line)
    except (BadSignature, ValueError, UnicodeDecodeError, UnsupportedAlgorithm) as exc:
        raise BadKey("无法读取公钥") from exc


def _signed_data(namespace: str, hash_name: str, message: bytes) -> bytes:
    """What the key signs (PROTOCOL.sshsig): the magic, namespace, hash of the message."""
    return (
        MAGIC
        + _string(namespace.encode())
        + _string(b"")
        + _string(hash_name.encode())
        + _string(HASHES[hash_name](message).digest())
    )


# Verifying ------------------------------------------------------------------------


@dataclass(frozen=True)
class Verified:
    """A signature read and checked against its own public key: ``key`` signed it
    (``ok``), or ``why`` not. Whose key that is, the caller decides."""

    key: str  # "type base64" of the key the signature names, "" if unreadable
    ok: bool
    why: str = ""


def verify(signature_b64: str, message: bytes) -> Verified:
    """Check an SSHSIG blob (base64, one line, or armored) over ``message``."""
    try:
        blob = base64.b64decode(_unarmored(signature_b64), validate=True)
    except (binascii.Error, ValueError):
        return Verified("", False, "签名不是有效的 base64 文本")
    try:
        key_blob, namespace, hash_name, sig = _parse_blob(blob)
        key = _load_public(key_blob)
        key_type = _Reader(key_blob).string().decode("ascii")
    except (BadSignature, BadKey) as exc:
        return Verified("", False, str(exc))
    key_line = f"{key_type} {base64.b64encode(key_blob).decode()}"
    if namespace != NAMESPACE:
        return Verified(key_line, False, f"签名用途为“{namespace}”，不是审批签名")
    try:
        _verify_raw(key, key_type, sig, _signed_data(namespace, hash_name, message))
    except (BadSignature, InvalidSignature, ValueError):
        return Verified(key_line, False, "签名与审批记录不符")
    return Verified(key_line, True)


def _unarmored(text: str) -> str:
    return "".join(
        line for line in text.strip().splitlines() if line not in (ARMOR_BEGIN, ARMOR_END)
    ).strip()


def _parse_blob(blob: bytes) -> tuple[bytes, str, str, bytes]:
    reader = _Reader(blob)
    if reader.take(len(MAGIC)) != MAGIC:
        raise BadSignature("不是 SSH 签名（SSHSIG）")
    if reader.uint32() != VERSION:
        raise BadSignature("SSH 签名版本不受支持")
    key_blob = reader.string()
    namespace = reader.string().decode("utf-8", "replace")
    reader.string()  # reserved
    hash_name = reader.string().decode("ascii", "replace")
    sig = reader.string()
    if not reader.done():
        raise BadSignature("签名数据末尾有多余内容")
    if hash_name not in HASHES:
        raise BadSignature(f"不支持的摘要算法“{hash_name}”")
    return key_blob, namespace, hash_name, sig


def _verify_raw(key: object, key_type: str, sig: bytes, data: bytes) -> None:
    reader = _Reader(sig)
    sig_type = reader.string().decode("ascii", "replace")
    raw = reader.string()
    if isinstance(key, ed25519.Ed25519PublicKey) and sig_type == "ssh-ed25519":
        key.verify(raw, data)
    elif isinstance(key, rsa.RSAPublicKey) and sig_type in ("rsa-sha2-512", "rsa-sha2-256"):
        chosen = hashes.SHA512() if sig_type == "rsa-sha2-512" else hashes.SHA256()
        key.verify(raw, data, padding.PKCS1v15(), chosen)
    elif isinstance(key, ec.EllipticCurvePublicKey) and sig_type == key_type in _ECDSA:
        parts = _Reader(raw)
        r = int.from_bytes(parts.string(), "big")
        s = int.from_bytes(parts.string(), "big")
        key.verify(encode_dss_signature(r, s), data, ec.ECDSA(_ECDSA[key_type]()))
    else:
        raise BadSignature(f"签名算法“{sig_type}”与密钥类型不符")


# Signing --------------------------------------------------------------------------


def load_private_key(data: bytes) -> object:
    """An unencrypted OpenSSH private key; ``BadKey`` if it is encrypted or not a key
    (an encrypted key is signed with by ``ssh-keygen``, which asks for the passphrase)."""
    try:
        key = serialization.load_ssh_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise BadKey("无法直接读取私钥（可能设有口令）") from exc
    if not isinstance(
        key, ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    ):
        raise BadKey("不支持的私钥类型")
    return key


def public_line(private_key: object) -> str:
    """``type base64`` of a private key's public half."""
    public = private_key.public_key()  # type: ignore[attr-defined]
    text = public.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    return " ".join(text.decode("ascii").split()[:2])


def sign(private_key: object, message: bytes, namespace: str = NAMESPACE) -> str:
    """The SSHSIG blob of ``message`` signed with ``private_key``, base64 on one line
    (hash sha512, as ``ssh-keygen -Y sign`` makes it). Ed25519 signatures are
    deterministic, so signing the same record again gives the same bytes."""
    key_line = public_line(private_key)
    key_type, key_b64 = key_line.split()
    data = _signed_data(namespace, "sha512", message)
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        sig = _string(b"ssh-ed25519") + _string(private_key.sign(data))
    elif isinstance(private_key, rsa.RSAPrivateKey):
        raw = private_key.sign(data, padding.PKCS1v15(), hashes.SHA512())
        sig = _string(b"rsa-sha2-512") + _string(raw)
    elif isinstance(private_key, ec.EllipticCurvePrivateKey):
        r, s = decode_dss_signature(private_key.sign(data, ec.ECDSA(_ECDSA[key_type]())))
        sig = _string(key_type.encode()) + _string(_mpint(r) + _mpint(s))
    else:
        raise BadKey("不支持的私钥类型")
    blob = (
        MAGIC
        + struct.pack(">I", VERSION)
        + _string(base64.b64decode(key_b64))
        + _string(namespace.encode())
        + _string(b"")
        + _string(b"sha512")
        + _string(sig)
    )
    return base64.b64encode(blob).decode("ascii")


def armored(signature_b64: str) -> str:
    """The signature as ``ssh-keygen -Y sign`` writes it, for ``ssh-keygen -Y verify``."""
    lines = [signature_b64[i : i + 70] for i in range(0, len(signature_b64), 70)]
    return "\n".join([ARMOR_BEGIN, *lines, ARMOR_END]) + "\n"
