"""Cross-document checks within one application: do the documents tell one story about one business?

Pure: the merchant profile and the processed documents in, `CheckResult`s out. Thresholds live in
`data/application.yaml` (validated by `application_spec.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from rapidfuzz import fuzz

from attest.extract.seal import _core
from attest.findings import result_refs
from attest.layout.normalize import squash
from attest.schemas.checks import CheckResult, Ref
from attest.schemas.decision import MerchantProfile
from attest.schemas.document import DocumentResult
from attest.verify.application_spec import InvoiceBurst, application_spec
from attest.verify.flows import check_flows
from attest.verify.roles import amount_ref, role_of, sales_in_window


def per_month(total: Decimal, window_days: int) -> Decimal:
    """A window's total as a monthly figure: the window's own length in months, not a fixed twelve."""
    return total * Decimal(365) / (Decimal(window_days) * 12)


def shares_trade_name(sign: str, name: str) -> bool:
    """Does a signboard carry the registered name's trade name (字号)?

    A registered name is division + trade name + industry + form (杭州 瑞丰 贸易 有限公司); signs print the trade
    name with whatever trade they practise (瑞丰便利店). Any two characters of the name's distinctive core, past
    its leading two-character division, found on the sign count as the same trade name.
    """
    core, s = _core(name), squash(sign)
    grams = {core[i:i + 2] for i in range(2, len(core) - 1)} or {core}
    return any(g in s for g in grams)


def _identity(merchant: MerchantProfile, documents: Sequence[DocumentResult], same_name: int
              ) -> list[CheckResult]:
    out = []
    for d in documents:
        lic = d.licence
        if lic is not None and lic.unified_social_credit_code is not None:
            if lic.unified_social_credit_code.value != merchant.uscc:
                out.append(result_refs("identity.licence_mismatch", "raised", "营业执照的统一社会信用代码不是申请人的",
                                       "the licence's credit code is not the applicant's",
                                       [Ref(document=d.document_id, field="unified_social_credit_code")],
                                       licence=lic.unified_social_credit_code.value, applicant=merchant.uscc))
            elif lic.name is not None and fuzz.ratio(squash(lic.name.value), squash(merchant.name)) < same_name:
                # The code is the identity; a name that differs beyond an OCR slip is a rename or a branch.
                out.append(result_refs("identity.licence_name_differs", "raised", "营业执照名称与申请人名称不一致",
                                       "the licence's name differs from the applicant's",
                                       [Ref(document=d.document_id, field="name")], licence=lic.name.value,
                                       applicant=merchant.name))
        if d.invoice is not None and role_of(d.invoice, merchant) == "unrelated":
            out.append(result_refs("identity.invoice_not_party", "raised", "申请人既不是该发票的销售方也不是购买方",
                                   "the applicant is neither the seller nor the buyer on this invoice",
                                   [Ref(document=d.document_id, field="seller_tax_id"),
                               Ref(document=d.document_id, field="buyer_tax_id")]))
        c = d.contract
        if c is not None:
            codes = {f.value for f in (c.party_a_tax_id, c.party_b_tax_id) if f is not None}
            names = {squash(f.value) for f in (c.party_a, c.party_b) if f is not None}
            if merchant.uscc not in codes and squash(merchant.name) not in names:
                out.append(result_refs("identity.contract_not_party", "raised", "申请人不是该合同的当事方",
                                       "the applicant is not a party to this contract",
                                       [Ref(document=d.document_id, field="party_a"),
                                   Ref(document=d.document_id, field="party_b")]))
        sign = d.shop.shop_name.value if d.shop is not None and d.shop.shop_name is not None else None
        if sign and not shares_trade_name(sign, merchant.name):
            out.append(result_refs("identity.signboard_mismatch", "raised", "门头招牌与申请人字号不符",
                                   "the signboard does not carry the applicant's trade name",
                                   [Ref(document=d.document_id, field="shop_name")], signboard=sign,
                                   applicant=merchant.name))
    return out


def _dates(documents: Sequence[DocumentResult]) -> list[CheckResult]:
    licence = next((d for d in documents if d.licence is not None and d.licence.established_date is not None), None)
    if licence is None or licence.licence is None or licence.licence.established_date is None:
        return []
    established = licence.licence.established_date
    out = []
    for d in documents:
        dated: list[tuple[str, date]] = []
        if d.invoice is not None and d.invoice.issue_date is not None:
            dated.append(("issue_date", d.invoice.issue_date.value))
        if d.contract is not None and d.contract.signing_date is not None:
            dated.append(("signing_date", d.contract.signing_date.value))
        for field, when in dated:
            if when < established.value:
                out.append(result_refs("consistency.before_established", "raised", "单据日期早于营业执照成立日期",
                                       "the document is dated before the business was established",
                                       [Ref(document=d.document_id, field=field),
                                   Ref(document=licence.document_id, field="established_date")],
                                       dated=when, established=established.value))
    return out


def _velocity(merchant: MerchantProfile, sales: list[tuple[DocumentResult, date, Decimal]],
              spec: InvoiceBurst) -> list[CheckResult]:
    recent = [s for s in sales if (merchant.application_date - s[1]).days <= spec.days]
    if len(recent) < spec.min_invoices or len(recent) < spec.min_share * len(sales):
        return []
    return [result_refs("velocity.invoice_burst", "raised", "销售发票大多在申请前几天内开具",
                        "most sales invoices were issued in the days just before applying",
                        [Ref(document=d.document_id, field="issue_date") for d, _, _ in recent],
                        recent=len(recent), of=len(sales), days=spec.days)]


def _declared(merchant: MerchantProfile, sales: list[tuple[DocumentResult, date, Decimal]],
              factor: float, window_days: int) -> list[CheckResult]:
    declared = merchant.declared_monthly_revenue
    if declared is None or not sales:
        return []
    # Invoices are a sample: their monthly floor above the declared revenue is a story that does not add up.
    floor = per_month(sum((a for _, _, a in sales), Decimal(0)), window_days)
    if floor <= declared * Decimal(str(factor)):
        return []
    return [result_refs("consistency.declared_revenue", "raised", "发票显示的销售额远高于申报的营业额",
                        "the invoices show far more sales than the revenue declared",
                        [amount_ref(d) for d, _, _ in sales],
                        declared_monthly=declared, evidenced_monthly_floor=round(floor, 2))]


def check_application(merchant: MerchantProfile, documents: Sequence[DocumentResult], *,
                      window_days: int = 365) -> list[CheckResult]:
    spec = application_spec()
    sales = sales_in_window(merchant, documents, window_days)
    return [*_identity(merchant, documents, spec.identity.same_name), *_dates(documents),
            *_velocity(merchant, sales, spec.invoice_burst),
            *_declared(merchant, sales, spec.declared.declared_vs_evidenced, window_days),
            *check_flows(merchant, documents, spec)]
