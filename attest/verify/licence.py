"""Intrinsic licence checks: USCC check character, the QR code, dates in order."""

from __future__ import annotations

from datetime import date

from attest.cn.uscc import is_valid_uscc
from attest.findings import result
from attest.schemas.checks import CheckResult
from attest.schemas.licence import LicenceEvidence


def check_licence(ev: LicenceEvidence, *, document_id: str, today: date) -> list[CheckResult]:
    out: list[CheckResult] = []
    doc = document_id
    if ev.unified_social_credit_code is None:
        out.append(result("licence.code_missing", "raised", "未读到统一社会信用代码", "the USCC was not read",
                          doc=doc, fields=["unified_social_credit_code"]))
    else:
        code = ev.unified_social_credit_code.value
        ok = is_valid_uscc(code)
        out.append(result("uscc.checksum", "pass" if ok else "raised",
                          "营业执照统一社会信用代码校验位" + ("正确" if ok else "错误"),
                          "licence USCC check character is " + ("valid" if ok else "wrong"), doc=doc,
                          fields=["unified_social_credit_code"], value=code))
        if ev.qr_payload is not None and code not in ev.qr_payload.value:
            out.append(result("licence.qr_match", "raised", "二维码内容不含执照上的信用代码",
                              "the QR code does not carry the printed USCC", doc=doc,
                              fields=["qr_payload", "unified_social_credit_code"], qr=ev.qr_payload.value[:120]))
    est = ev.established_date.value if ev.established_date else None
    issued = ev.issue_date.value if ev.issue_date else None
    if est and est > today:
        out.append(result("licence.date", "raised", "成立日期晚于今天", "the establishment date is in the future",
                          doc=doc, fields=["established_date"], established=est))
    elif est and issued and issued < est:
        out.append(result("licence.date", "raised", "发照日期早于成立日期",
                          "issued before the business was established", doc=doc,
                          fields=["issue_date", "established_date"], established=est, issued=issued))
    return out
