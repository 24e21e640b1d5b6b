"""The Chinese national algorithms e-invoices are signed with: SM3 digests (GB/T 32905) and SM2 signatures
with SM3 (GB/T 32918, GM/T 0009 default signer id), checked offline. SM3 runs in OpenSSL through hashlib where
OpenSSL has it (milliseconds), else in gmssl's pure Python; SM2 runs in gmssl, with the range and on-curve
checks a verifier needs and gmssl leaves out."""

from __future__ import annotations

import hashlib
from functools import cache

from asn1crypto.core import Asn1Value, Integer, load

_DEFAULT_ID = b"1234567812345678"
_CURVE = {name: int(value, 16) for name, value in {
    "p": "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF",
    "a": "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC",
    "b": "28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93",
    "n": "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123",
}.items()}


@cache
def _openssl_has_sm3() -> bool:
    try:
        hashlib.new("sm3", b"")
    except ValueError:
        return False
    return True


def sm3(data: bytes) -> bytes:
    if _openssl_has_sm3():
        return hashlib.new("sm3", data).digest()
    from gmssl import func
    from gmssl import sm3 as pure

    return bytes.fromhex(pure.sm3_hash(func.bytes_to_list(data)))


def _on_curve(x: int, y: int) -> bool:
    p = _CURVE["p"]
    return 0 <= x < p and 0 <= y < p and (y * y - (x * x * x + _CURVE["a"] * x + _CURVE["b"])) % p == 0


def der_elements(value: Asn1Value) -> list[Asn1Value]:
    """The elements of a constructed DER value, each parsed generically (no schema needed)."""
    out, data, at = [], value.contents or b"", 0
    while at < len(data):
        part = load(data[at:])
        out.append(part)
        at += len(part.dump())
    return out


def signature_numbers(signature: bytes) -> tuple[int, int] | None:
    """(r, s) from a DER `SEQUENCE { r, s }` or from 64 raw bytes r‖s; None when it is neither."""
    if len(signature) == 64:
        return int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    try:
        parts = der_elements(load(signature))
    except (ValueError, TypeError):
        return None
    if len(parts) != 2 or not all(isinstance(p, Integer) for p in parts):
        return None
    return int(parts[0].native), int(parts[1].native)


def verify_sm2(public_key: bytes, signature: bytes, message: bytes, *, signer_id: bytes = _DEFAULT_ID) -> bool:
    """Does `signature` (DER or r‖s) sign `message` under the SM2 point `public_key` (04‖x‖y, or x‖y)?"""
    point = public_key[1:] if len(public_key) == 65 and public_key[0] == 4 else public_key
    numbers = signature_numbers(signature)
    if len(point) != 64 or numbers is None:
        return False
    r, s = numbers
    n = _CURVE["n"]
    if not (0 < r < n and 0 < s < n) or not _on_curve(int.from_bytes(point[:32], "big"),
                                                         int.from_bytes(point[32:], "big")):
        return False
    if len(signer_id) * 8 >= 1 << 16:
        return False
    from gmssl import sm2

    z = sm3((len(signer_id) * 8).to_bytes(2, "big") + signer_id + b"".join(
        v.to_bytes(32, "big") for v in (_CURVE["a"], _CURVE["b"])) + bytes.fromhex(
        sm2.default_ecc_table["g"]) + point)
    digest = sm3(z + message)
    verifier = sm2.CryptSM2(private_key="", public_key=point.hex())
    return bool(verifier.verify(f"{r:064x}{s:064x}", digest))
