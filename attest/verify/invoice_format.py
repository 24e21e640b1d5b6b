"""Intrinsic invoice checks on identifiers: tax ids, code/number formats, the QR payload, the date."""

from __future__ import annotations

from datetime import date

from attest.cn.uscc import is_valid_uscc
from attest.extract.invoice.qr import parse_invoice_qr
from attest.findings import result
from attest.schemas.checks import CheckResult
from attest.schemas.evidence import InvoiceEvidence


def check_tax_ids(ev: InvoiceEvidence, doc: str) -> list[CheckResult]:
    out = []
    for party in ("buyer", "seller"):
        f = getattr(ev, f"{party}_tax_id")
        if f is None:
            continue
        code = f.value
        if len(code) != 18:
            # Pre-2015 tax ids (15/17/20 chars) carry no check character; nothing to verify, say so.
            out.append(result("uscc.checksum", "no_check_character", f"{party}税号不是18位统一社会信用代码，无法校验",
                              f"{party} tax id is not an 18-character USCC; no check character to verify",
                              doc=doc, fields=[f"{party}_tax_id"], value=code))
        elif is_valid_uscc(code):
            out.append(result("uscc.checksum", "pass", f"{party}统一社会信用代码校验位正确",
                              f"{party} USCC check character is valid", doc=doc, fields=[f"{party}_tax_id"],
                              value=code))
        else:
            out.append(result("uscc.checksum", "raised", f"{party}统一社会信用代码校验位错误",
                              f"{party} USCC check character is wrong", doc=doc, fields=[f"{party}_tax_id"],
                              value=code))
    return out


def _code_kind(code: str) -> str | None:
    if len(code) == 10:
        return {"1": "special", "5": "special", "3": "ordinary", "6": "ordinary", "2": "special",
                "7": "special"}.get(code[7])
    if len(code) == 12:
        if code.startswith("0") and code.endswith("13"):
            return "electronic_special"
        return {"11": "electronic_ordinary", "04": "ordinary", "05": "ordinary", "06": "ordinary",
                "07": "ordinary", "12": "electronic_ordinary"}.get(code[-2:])
    return None


def check_code_number(ev: InvoiceEvidence, doc: str) -> list[CheckResult]:
    number = ev.invoice_number.value if ev.invoice_number else None
    code = ev.invoice_code.value if ev.invoice_code else None
    if number is None:
        return [result("invoice.number_format", "not_found", "未读到发票号码", "invoice number not found",
                       doc=doc, fields=["invoice_number"])]
    if len(number) == 20:
        if code:
            return [result("invoice.number_format", "raised", "20位数电发票号码不应同时有发票代码",
                           "a 20-digit digital invoice number comes without an invoice code",
                           doc=doc, fields=["invoice_number", "invoice_code"], number=number, invoice_code=code)]
        year = int(number[:2])
        issued = ev.issue_date.value if ev.issue_date else None
        if issued and issued.year % 100 != year:
            return [result("invoice.number_format", "raised", "数电发票号码中的年份与开票日期不符",
                           "the year inside the 20-digit number differs from the issue date",
                           doc=doc, fields=["invoice_number", "issue_date"], number=number,
                           issue_date=issued)]
        return [result("invoice.number_format", "pass", "数电发票号码格式正确", "digital invoice number format ok",
                       doc=doc, fields=["invoice_number"], number=number)]
    if len(number) == 8 and code is None:
        return [result("invoice.code_format", "not_found", "未读到发票代码，无法核对类型", "invoice code not found",
                       doc=doc, fields=["invoice_code"], number=number)]
    if len(number) != 8 or code is None or len(code) not in (10, 12):
        return [result("invoice.number_format", "raised", "发票代码或号码位数不符合规定",
                       "invoice code or number has the wrong length", doc=doc,
                       fields=["invoice_code", "invoice_number"], number=number, invoice_code=code)]
    kind = _code_kind(code)
    title = ev.invoice_title.value if ev.invoice_title else ""
    printed = "special" if "专用" in title else "ordinary" if "普通" in title else None
    if kind and printed and printed not in kind:
        return [result("invoice.code_format", "raised", "发票代码所示类型与票面名称不符",
                       "the type encoded in the invoice code differs from the printed title",
                       doc=doc, fields=["invoice_code", "invoice_title"], invoice_code=code, code_kind=kind,
                       title=title)]
    return [result("invoice.code_format", "pass", "发票代码与号码格式正确", "invoice code and number format ok",
                   doc=doc, fields=["invoice_code", "invoice_number"], invoice_code=code, code_kind=kind)]


def check_qr(ev: InvoiceEvidence, doc: str) -> list[CheckResult]:
    if ev.qr_payload is None:
        return []
    qr = parse_invoice_qr(ev.qr_payload.value)
    if qr is None:
        return [result("invoice.qr_match", "not_an_invoice", "二维码内容不是发票格式",
                       "QR code is not an invoice payload", doc=doc, fields=["qr_payload"],
                       payload=ev.qr_payload.value[:120])]
    # A field filled from the QR itself (its print unread) is not a second source to compare.
    printed = {name: f.value if f is not None and f.source != "qr" else None
               for name, f in (("invoice_number", ev.invoice_number), ("invoice_code", ev.invoice_code),
                               ("issue_date", ev.issue_date))}
    encoded = {"invoice_number": qr.number, "invoice_code": qr.code or None, "issue_date": qr.issue_date}
    # 税控 invoices encode the pre-tax amount, 数电 ones the total: either may be the one printed.
    amounts = [f.value for f in (ev.total_amount_excl_tax, ev.total_amount_incl_tax) if f is not None]
    mismatched = [k for k, v in encoded.items() if v is not None and printed[k] is not None and v != printed[k]]
    if qr.amount is not None and amounts and qr.amount not in amounts:
        mismatched.append("total_amount_excl_tax")
    if mismatched:
        return [result("invoice.qr_match", "raised", "二维码内容与票面不一致: " + ", ".join(mismatched),
                       "QR payload disagrees with the printed " + ", ".join(mismatched), doc=doc,
                       fields=mismatched, qr=qr.raw[:120])]
    return [result("invoice.qr_match", "pass", "二维码与票面一致", "QR payload agrees with the print",
                   doc=doc, fields=["qr_payload"])]


def check_date(ev: InvoiceEvidence, doc: str, today: date) -> list[CheckResult]:
    if ev.issue_date is None:
        return [result("invoice.date", "not_found", "未读到开票日期", "issue date not found", doc=doc,
                       fields=["issue_date"])]
    issued = ev.issue_date.value
    if issued > today:
        return [result("invoice.date", "raised", "开票日期晚于今天", "issue date is in the future", doc=doc,
                       fields=["issue_date"], issue_date=issued, today=today)]
    if issued.year < 1994:  # the VAT invoice system starts in 1994
        return [result("invoice.date", "raised", "开票日期早于增值税发票制度", "issue date predates VAT invoices",
                       doc=doc, fields=["issue_date"], issue_date=issued)]
    return [result("invoice.date", "pass", "开票日期有效", "issue date is valid", doc=doc, fields=["issue_date"],
                   issue_date=issued)]
