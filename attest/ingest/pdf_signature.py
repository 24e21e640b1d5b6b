"""A PDF's digital signatures (税控 e-invoice PDFs carry a CMS `adbe.pkcs7.detached` signature), checked offline
with pyHanko: the digest of the signed byte ranges, the signature over it, what the file had added or changed
after signing, and the signer's certificate against the trust anchors (`data/trust_anchors.yaml`). No network:
no revocation lookup. An algorithm pyHanko cannot verify here (SM2 in a PDF) is reported as such."""

from __future__ import annotations

import hashlib
import io
import logging
from typing import Any

from attest.ingest import anchors
from attest.schemas.einvoice import SignatureReport

# pyHanko logs an untrusted path (every signer until a bank anchors its authority) as an error with a
# traceback; the report carries that finding instead.
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


def _report(embedded: Any, index: int) -> SignatureReport:
    from pyhanko.sign.diff_analysis.policy_api import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    report = SignatureReport(entry=f"signature {index + 1} ({embedded.field_name})", references=1)
    report.method = embedded.signer_info["signature_algorithm"]["algorithm"].dotted
    context = ValidationContext(trust_roots=list(anchors.trust_anchors()), allow_fetching=False,
                                revocation_mode="soft-fail")
    try:
        status = validate_pdf_signature(embedded, context)
    except Exception as exc:  # pyHanko raises many kinds for algorithms it does not know: say which
        report.problem = f"the signature cannot be checked here: {type(exc).__name__}: {str(exc)[:160]}"
        return report
    report.digest_of_description = bool(status.intact)
    report.signature_verified = bool(status.valid)
    if not status.intact:
        report.broken.append("the signed byte ranges")
    level = status.modification_level
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE and level not in (ModificationLevel.NONE,
                                                                              ModificationLevel.LTA_UPDATES):
        report.broken.append(f"content added after signing ({level.name.lower() if level else 'unknown'})")
    cert = status.signing_cert
    report.signer = cert.subject.native.get("common_name") or cert.subject.human_friendly
    report.issuer = cert.issuer.native.get("common_name") or cert.issuer.human_friendly
    validity = cert["tbs_certificate"]["validity"]
    report.certificate_valid = (validity["not_before"].native, validity["not_after"].native)
    report.certificate_sha256 = hashlib.sha256(cert.dump()).hexdigest()
    report.signed_at = status.signer_reported_dt
    report.anchored = bool(status.trusted) and report.intact
    return report


def check_pdf_signatures(data: bytes) -> list[SignatureReport]:
    """Every signature the PDF carries; none (and no pyHanko import) for an unsigned file."""
    if b"/ByteRange" not in data:
        return []
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        return [SignatureReport(entry="signatures", problem=f"the signatures cannot be read: {str(exc)[:160]}")]
    return [_report(sig, i) for i, sig in enumerate(signatures)]
