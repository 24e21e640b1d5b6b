"""An OFD's signatures (GB/T 33190 §18, GM/T 0031 / GB/T 38540 electronic seals), checked offline:

1. every `Reference` of `Signature.xml` — the digest (`CheckValue`, SM3) of the file it names, recomputed;
2. the signed value (`SignedValue.dat`, an `SES_Signature`): its data hash is the SM3 of `Signature.xml`, and its
   SM2 signature over the to-be-signed part verifies with the certificate it carries;
3. the signer: its certificate's subject, issuer and validity, the seal's name, and whether it is anchored —
   the certificate is itself a trust anchor, or is signed (SM2) by one (`data/trust_anchors.yaml`).

No network: revocation (CRL, OCSP) is not known here, and the report says what was and was not checked."""

from __future__ import annotations

import base64
import binascii
import hashlib
import posixpath
from collections.abc import Callable
from datetime import datetime
from typing import Any

from asn1crypto import core, x509

from attest.cn.gm import der_elements, sm3, verify_sm2
from attest.errors import DocumentUnreadable
from attest.ingest import anchors
from attest.ingest.ofd.package import Package, child, children, text_of
from attest.schemas.einvoice import SignatureReport

_SM3 = "1.2.156.10197.1.401"
_SM3_WITH_SM2 = "1.2.156.10197.1.501"
_DIGESTS: dict[str, Callable[[bytes], bytes]] = {
    _SM3: sm3, "2.16.840.1.101.3.4.2.1": lambda data: hashlib.sha256(data).digest()}


def _bits(value: core.Asn1Value) -> bytes:
    """A BIT STRING's bytes without its leading unused-bits count (any BIT STRING class asn1crypto chose)."""
    return bytes(value.contents[1:]) if value.tag == 3 else bytes(value.contents)


def _public_key(cert: x509.Certificate) -> bytes:
    return _bits(cert["tbs_certificate"]["subject_public_key_info"]["public_key"])


def _anchored(cert: x509.Certificate) -> bool:
    own = hashlib.sha256(cert.dump()).digest()
    for anchor in anchors.trust_anchors():
        if hashlib.sha256(anchor.dump()).digest() == own:
            return True
        if anchor.subject == cert.issuer and verify_sm2(_public_key(anchor), _bits(cert["signature_value"]),
                                                        cert["tbs_certificate"].dump()):
            return True
    return False


def _seal_name(eseal: core.Asn1Value) -> str | None:
    """`SESeal.sealInfo.property.name`, the seal's printed name (e.g. 国家税务总局浙江省税务局)."""
    try:
        info = der_elements(der_elements(eseal)[0])
        prop = next(p for p in info if isinstance(p, core.Sequence) and any(
            isinstance(e, core.UTF8String) for e in der_elements(p)))
        return next(str(e.native) for e in der_elements(prop) if isinstance(e, core.UTF8String))
    except (StopIteration, ValueError, TypeError, IndexError):
        return None


def _signed_value(raw: bytes, description: bytes, report: SignatureReport) -> None:
    """Check an `SES_Signature`: data hash, SM2 signature, certificate; fill `report`."""
    top = der_elements(core.load(raw))
    to_sign = top[0]
    parts = der_elements(to_sign)
    # v4 (GM/T 0031-2014, GB/T 38540): the signer's certificate and the signature follow toSign; older files
    # carry the certificate inside toSign.
    cert_bytes = next((bytes(p.contents) for p in top[1:] if isinstance(p, core.OctetString)), None) or next(
        (bytes(p.contents) for p in parts[5:] if isinstance(p, core.OctetString)), None)
    signature = next((_bits(p) for p in reversed(top) if isinstance(p, core.BitString)), None)
    data_hash = next((_bits(p) for p in parts[2:] if isinstance(p, core.BitString) and len(_bits(p)) == 32), None)
    if cert_bytes is None or signature is None or data_hash is None:
        raise ValueError("the signed value lacks its certificate, signature or data hash")
    report.digest_of_description = data_hash == sm3(description)
    when = next((p.native for p in parts[2:3] if isinstance(p, core.GeneralizedTime)), None)
    report.signed_at = when if isinstance(when, datetime) else None
    report.seal_name = _seal_name(parts[1]) if len(parts) > 1 else None
    cert = x509.Certificate.load(cert_bytes)
    validity = cert["tbs_certificate"]["validity"]
    report.signer = cert.subject.native.get("common_name") or cert.subject.human_friendly
    report.issuer = cert.issuer.native.get("common_name") or cert.issuer.human_friendly
    report.certificate_valid = (validity["not_before"].native, validity["not_after"].native)
    report.certificate_sha256 = hashlib.sha256(cert.dump()).hexdigest()
    if report.method == _SM3_WITH_SM2:
        report.signature_verified = verify_sm2(_public_key(cert), signature, to_sign.dump())
    else:
        report.problem = f"signature algorithm {report.method} cannot be verified here"
    report.anchored = bool(report.signature_verified) and _anchored(cert)


def _check_one(pkg: Package, entry: str) -> SignatureReport:
    report = SignatureReport(entry=entry)
    root = pkg.xml(entry)
    info = child(root, "SignedInfo")
    if info is None:
        report.problem = "the signature has no SignedInfo"
        return report
    report.method = text_of(info, "SignatureMethod")
    refs = child(info, "References")
    method = refs.get("CheckMethod", _SM3) if refs is not None else _SM3
    digest = _DIGESTS.get(method.strip())
    for ref in children(refs, "Reference") if refs is not None else []:
        report.references += 1
        name, value = pkg.resolve(ref.get("FileRef", "")), text_of(ref, "CheckValue")
        try:
            expected = base64.b64decode(value or "", validate=True)
        except binascii.Error:
            expected = b""
        if name is None or digest is None or digest(pkg.files[name]) != expected:
            report.broken.append(ref.get("FileRef", "?"))
    if digest is None:
        report.problem = f"digest method {method} is not known"
    value_loc = text_of(root, "SignedValue")
    value_entry = pkg.resolve(value_loc, base=posixpath.dirname(entry)) if value_loc else None
    if value_entry is None:
        report.problem = "the signed value the signature names is missing"
        return report
    try:
        _signed_value(pkg.files[value_entry], pkg.files[entry], report)
    except (ValueError, TypeError, IndexError, KeyError, AttributeError) as exc:
        report.problem = f"the signed value cannot be read: {type(exc).__name__}: {str(exc)[:160]}"
    return report


def check_signatures(pkg: Package, loc: str | None) -> list[SignatureReport]:
    """Every signature the package lists (none when it lists none)."""
    found = pkg.xml_at(loc) if loc else None
    if found is None:
        return []
    name, root = found
    out = []
    for sig in children(root, "Signature"):
        entry = pkg.resolve(sig.get("BaseLoc", ""), base=posixpath.dirname(name))
        if entry is None:
            out.append(SignatureReport(entry=sig.get("BaseLoc", "?"), problem="the signature file is missing"))
            continue
        try:
            out.append(_check_one(pkg, entry))
        except DocumentUnreadable as exc:
            out.append(SignatureReport(entry=entry, problem=str(exc)[:200]))
    return out


def describe(report: SignatureReport) -> dict[str, Any]:
    """The report as the check's details (strings only)."""
    return {k: str(v) for k, v in report.model_dump(exclude_none=True).items() if v not in ([], 0)}
