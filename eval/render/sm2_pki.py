"""A test PKI with the national algorithms: SM2 keys from a seed, X.509 certificates signed SM3-with-SM2, and
GM/T 0031 (v4) `SES_Signature`s — so synthetic OFD e-invoices can be signed by a signer under a CA the test
anchors, and every part of the signature check (references, data hash, signature, chain) is exercised."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from asn1crypto import core, keys, x509
from gmssl import sm2

from attest.cn.gm import sm3

_N = int(sm2.default_ecc_table["n"], 16)
_SM2_CURVE = "1.2.156.10197.1.301"
_SM3_WITH_SM2 = "1.2.156.10197.1.501"


@dataclass(frozen=True)
class Key:
    private: str  # hex
    public: bytes  # 04 ‖ x ‖ y

    def sign(self, message: bytes, *, nonce_seed: bytes) -> bytes:
        """A DER SM2 signature over `message` (SM3 with the default signer id), deterministic per seed."""
        signer = sm2.CryptSM2(private_key=self.private, public_key=self.public[1:].hex())
        k = int.from_bytes(hashlib.sha256(nonce_seed + message).digest(), "big") % (_N - 1) + 1
        raw = signer.sign_with_sm3(message, f"{k:064x}")
        r, s = int(raw[:64], 16), int(raw[64:], 16)
        return _der_seq(core.Integer(r).dump() + core.Integer(s).dump())


def _der_seq(body: bytes) -> bytes:
    n = len(body)
    length = bytes([n]) if n < 0x80 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes(
        (n.bit_length() + 7) // 8, "big")
    return b"\x30" + length + body


def key_from_seed(seed: str) -> Key:
    d = int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big") % (_N - 1) + 1
    point = sm2.CryptSM2(private_key=f"{d:064x}", public_key="")._kg(d, sm2.default_ecc_table["g"])
    return Key(f"{d:064x}", b"\x04" + bytes.fromhex(point))


def _name(common_name: str) -> x509.Name:
    return x509.Name.build({"country_name": "CN", "organization_name": common_name, "common_name": common_name})


def certificate(subject: str, key: Key, issuer: str, issuer_key: Key, *, serial: int) -> x509.Certificate:
    sm2_alg = {"algorithm": "1.2.840.10045.2.1", "parameters": keys.ECDomainParameters(
        name="named", value=_SM2_CURVE)}
    now = datetime(2024, 1, 1, tzinfo=UTC)
    tbs = x509.TbsCertificate({
        "version": "v3", "serial_number": serial,
        "signature": {"algorithm": _SM3_WITH_SM2},
        "issuer": _name(issuer), "subject": _name(subject),
        "validity": {"not_before": x509.Time({"utc_time": now}),
                     "not_after": x509.Time({"utc_time": now + timedelta(days=3650)})},
        "subject_public_key_info": {"algorithm": sm2_alg, "public_key": key.public},
    })
    signature = issuer_key.sign(tbs.dump(), nonce_seed=f"cert:{subject}".encode())
    return x509.Certificate({"tbs_certificate": tbs, "signature_algorithm": {"algorithm": _SM3_WITH_SM2},
                             "signature_value": signature})


def ses_signature(description: bytes, *, seal_name: str, signer: Key, cert: x509.Certificate,
                  when: datetime) -> bytes:
    """An `SES_Signature` (v4) over the SM3 of `description` (the Signature.xml it belongs to)."""
    seal_info = _der_seq(
        _der_seq(core.IA5String("ES").dump() + core.Integer(4).dump() + core.IA5String("ATTEST").dump())
        + core.IA5String("TEST-SEAL-0001").dump()
        + _der_seq(core.Integer(3).dump() + core.UTF8String(seal_name).dump() + core.Integer(1).dump()))
    eseal = _der_seq(seal_info + core.OctetString(cert.dump()).dump()
                     + core.ObjectIdentifier(_SM3_WITH_SM2).dump() + core.OctetBitString(b"\x00" * 8).dump())
    to_sign = _der_seq(core.Integer(4).dump() + eseal + core.GeneralizedTime(when).dump()
                       + core.OctetBitString(sm3(description)).dump()
                       + core.IA5String("/Doc_0/Signs/Sign_0/Signature.xml").dump())
    signature = signer.sign(to_sign, nonce_seed=b"ses")
    return _der_seq(to_sign + core.OctetString(cert.dump()).dump() + core.ObjectIdentifier(_SM3_WITH_SM2).dump()
                    + core.OctetBitString(signature).dump())


