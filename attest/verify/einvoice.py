"""Checks of an e-invoice file against itself: its signatures (`einvoice.signature.intact`,
`einvoice.signature.signer`) and the invoice data it carries for machines against what its page prints
(`einvoice.data`). Severities are data (`data/einvoice.yaml`)."""

from __future__ import annotations

from attest.extract.invoice import flat_invoice
from attest.findings import result
from attest.ingest.ofd.data import normalise
from attest.ingest.ofd.signature import describe
from attest.schemas.checks import CheckResult
from attest.schemas.einvoice import EInvoiceFile, SignatureReport
from attest.schemas.evidence import InvoiceEvidence


def _signature(report: SignatureReport, doc: str) -> list[CheckResult]:
    details = describe(report)
    if report.broken or report.digest_of_description is False or report.signature_verified is False:
        what = ", ".join(report.broken) or "the signed value"
        return [result("einvoice.signature.intact", "raised",
                       f"电子发票文件签名后被改动: {what}", f"the e-invoice file was changed after signing: {what}",
                       doc=doc, fields=["file"], **details)]
    if not report.intact:
        return [result("einvoice.signature.intact", "unverifiable",
                       "电子发票签名无法在本地核验",
                       f"the e-invoice signature cannot be checked here: {report.problem}",
                       doc=doc, fields=["file"], **details)]
    out = [result("einvoice.signature.intact", "pass",
                  f"电子发票签名完好（{report.references} 个文件）",
                  f"the e-invoice signature is intact ({report.references} files covered)",
                  doc=doc, fields=["file"], **details)]
    if report.anchored:
        out.append(result("einvoice.signature.signer", "pass",
                          f"签名者为受信任机构: {report.signer}", f"the signer is trusted: {report.signer}",
                          doc=doc, fields=["file"], signer=report.signer, issuer=report.issuer))
    else:
        out.append(result("einvoice.signature.signer", "raised",
                          f"签名完好，但签名者未列入信任锚: {report.signer}",
                          f"signature intact, signer not anchored: {report.signer} (issued by {report.issuer})",
                          doc=doc, fields=["file"], signer=report.signer, issuer=report.issuer,
                          certificate_sha256=report.certificate_sha256))
    return out


def _data(file: EInvoiceFile, invoice: InvoiceEvidence, doc: str) -> list[CheckResult]:
    printed = flat_invoice(invoice)
    differ, compared = [], []
    for field, value in sorted(file.data.items()):
        seen = printed.get(field)
        if seen is None:
            continue
        compared.append(field)
        if normalise(field, str(seen)) != value:
            differ.append(field)
    if not compared:
        return []
    if differ:
        shown = {f: f"file={file.data[f]} page={printed.get(f)}" for f in differ}
        return [result("einvoice.data", "raised",
                       f"电子发票文件内的数据与票面不符: {', '.join(differ)}",
                       f"the invoice data inside the file contradicts the printed page: {', '.join(differ)}",
                       doc=doc, fields=differ, **shown)]
    return [result("einvoice.data", "pass",
                   f"电子发票文件内的数据与票面一致（{len(compared)} 项）",
                   f"the invoice data inside the file agrees with the printed page ({len(compared)} fields)",
                   doc=doc, fields=compared, sources=", ".join(sorted(set(file.sources.values()))))]


def check_einvoice(file: EInvoiceFile | None, invoice: InvoiceEvidence | None, *, document_id: str
                   ) -> list[CheckResult]:
    if file is None:
        return []
    out = [c for report in file.signatures for c in _signature(report, document_id)]
    if invoice is not None:
        out += _data(file, invoice, document_id)
    return out
