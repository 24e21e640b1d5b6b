"""Known-pattern checks of one application against everything the store remembers.

Each is a `CheckResult` with refs to both sides (this application's document and the stored one; the other
merchant and application are in `details`). Who fails when two merchants hold the same thing:
- an invoice: whoever is not a party to it (neither seller nor buyer); a party gets `info`;
- a photo: whoever's own signboard it does not show; if the signboard is unread, both fail;
- a contract: both, unless each submitter is a party to it (both sides of one deal) — rings sell the same
  text to many applicants, and a reviewer sees the linked cases.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from attest.findings import result_refs
from attest.patterns.keys import document_keys, statement_keys
from attest.patterns.photo_match import register
from attest.patterns.spec import BenchmarkSpec, ContractSpec, PhotoSpec, TemplateSpec, patterns_spec
from attest.patterns.store import Hit, PatternStore, Submission
from attest.patterns.text_match import containment, jaccard, shingles, without
from attest.schemas.checks import CheckResult, Ref
from attest.schemas.decision import MerchantProfile
from attest.schemas.document import DocumentResult
from attest.verify.application import per_month, shares_trade_name
from attest.verify.application_spec import application_spec
from attest.verify.flows import applicant_names, same_party
from attest.verify.roles import amount_ref, role_of, sales_in_window


def _other(hit: Hit) -> dict[str, Any]:
    return {"other_merchant": hit.merchant, "other_application": hit.application, "other_document": hit.document,
            "other_submitted_at": hit.submitted_at}


def _invoice_checks(store: PatternStore, merchant: MerchantProfile, sub: Submission,
                    documents: Sequence[DocumentResult]) -> list[CheckResult]:
    keys_of = {d.document_id: document_keys(d) for d in documents if d.invoice is not None}
    hits = store.find_keys([k for ks in keys_of.values() for k in ks], exclude_application=sub.application)
    by_key: defaultdict[str, list[Hit]] = defaultdict(list)
    for h in hits:
        by_key[h.key].append(h)
    out = []
    for doc in documents:
        if doc.invoice is None:
            continue
        seen: dict[tuple[str, str], Hit] = {}
        for key in keys_of[doc.document_id]:
            for h in by_key.get(key, []):
                seen.setdefault((h.application, h.document), h)
        mine = role_of(doc.invoice, merchant) != "unrelated"
        parties = {f.value for f in (doc.invoice.seller_tax_id, doc.invoice.buyer_tax_id) if f is not None}
        for h in seen.values():
            refs = [Ref(document=doc.document_id, field="invoice_number"),
                    Ref(document=h.document, field="invoice_number")]
            if h.merchant == merchant.id:
                out.append(result_refs("dup.invoice.resubmitted", "raised", "该发票曾在本商户的其他申请中提交",
                                       "this invoice was submitted in another application of this merchant", refs,
                                       **_other(h)))
            elif not mine:
                out.append(result_refs("dup.invoice.cross_merchant", "raised",
                                       "他人已提交的发票，且申请人不是该发票的买卖方",
                                       "another merchant submitted this invoice, and the applicant is neither its "
                                       "seller nor its buyer", refs, **_other(h)))
            else:
                other_party = h.merchant_uscc in parties
                out.append(result_refs(
                    "dup.invoice.cross_merchant", "a_party",
                    "该发票的交易对方也提交了此发票" if other_party else
                    "非交易方的其他商户提交过此发票（其申请不通过）",
                    "the other party to this invoice submitted it too" if other_party else
                    "a merchant that is not a party to this invoice submitted it too (that case fails)", refs,
                    **_other(h)))
    return out


def _statement_checks(store: PatternStore, merchant: MerchantProfile, sub: Submission,
                      documents: Sequence[DocumentResult]) -> list[CheckResult]:
    """Months of transactions another merchant submitted too. A statement holds one holder's money: where its
    holder is this applicant (or its operator) and the other copy named the same holder, the copy is the other
    merchant's problem (`holder`, info here; the other case fails its holder check). Where the two copies name
    different holders, someone changed one: both cases are raised and linked, for a reviewer."""
    spec = application_spec()
    names = applicant_names(merchant, documents)
    out = []
    for doc in documents:
        if doc.statement is None:
            continue
        keys = statement_keys(doc.statement)
        months: defaultdict[tuple[str, str], list[Hit]] = defaultdict(list)
        for h in store.find_keys(keys, exclude_application=sub.application):
            if h.merchant != merchant.id:
                months[(h.application, h.document)].append(h)
        holder = doc.statement.holder_name.value if doc.statement.holder_name else ""
        mine = bool(holder) and same_party(holder, names, spec.statement_holder.same_name)
        for hits in months.values():
            h = hits[0]
            same_holder = bool(holder) and h.holder != "" and same_party(holder, [h.holder], 100)
            shown = sorted({x.key.split(":")[1] for x in hits})
            refs = [Ref(document=doc.document_id, field="rows"), Ref(document=h.document, field="rows")]
            said = {"months": ",".join(shown), "holder": holder or None, "other_holder": h.holder or None, **_other(h)}
            if mine and same_holder:
                out.append(result_refs("dup.statement.cross_merchant", "holder",
                                       f"本商户的流水（{len(shown)} 个月）也被其他商户提交",
                                       f"another merchant submitted {len(shown)} months of this merchant's own "
                                       "statement too", refs, **said))
            else:
                out.append(result_refs("dup.statement.cross_merchant", "raised",
                                       f"其他商户提交过本流水中 {len(shown)} 个月的同一批交易",
                                       f"another merchant submitted the same transactions for {len(shown)} months "
                                       "of this statement", refs, **said))
    return out


def _photo_checks(store: PatternStore, merchant: MerchantProfile, sub: Submission,
                  documents: Sequence[DocumentResult], spec: PhotoSpec) -> list[CheckResult]:
    from attest.patterns.photo_match import Registration

    out = []
    for doc in documents:
        fp = doc.fingerprint
        if fp is None or not fp.image_hashes or not fp.thumbnail:
            continue
        sign = doc.shop.shop_name.value if doc.shop is not None and doc.shop.shop_name is not None else None
        own_sign = sign is not None and shares_trade_name(sign, merchant.name)
        candidates = store.photo_candidates(fp.image_hashes, exclude_application=sub.application,
                                            limit=spec.candidates, max_bits=spec.max_hash_distance)
        for h in candidates:
            if h.merchant == merchant.id:
                continue
            reg: Registration = register(fp.thumbnail, h.payload, spec)
            if not reg.matched:
                continue
            refs = [Ref(document=doc.document_id, field="image"), Ref(document=h.document, field="image")]
            # A sign that names the other merchant as well (two firms with one trade name, 嘉禾 of 昆明 and of
            # 长沙) vouches for neither: the photo is only this merchant's own when its sign is theirs alone.
            own = own_sign and not shares_trade_name(sign or "", h.merchant_name)
            out.append(result_refs(
                "dup.photo.cross_merchant", "own_sign" if own else "raised",
                "其他商户提交过同一场景的照片" + ("（招牌为本商户名称）" if own else ""),
                "another merchant submitted a photo of the same scene" + (
                    " (the signboard shows this merchant's name)" if own else ""),
                refs, hash_bits=int(h.distance), differing_share=reg.differing_share, overlap=reg.overlap,
                signboard=sign, **_other(h)))
    return out


def _genuine_shingles(store: PatternStore, text: str, n: int, floor: float) -> list[set[str]]:
    doc = shingles(text, n)
    return [t for t in (shingles(tp.text, n) for tp in store.templates_like(text, doc_kind="contract")
                        if tp.verdict == "genuine") if containment(t, doc) >= floor]


def _contract_checks(store: PatternStore, merchant: MerchantProfile, sub: Submission,
                     documents: Sequence[DocumentResult], spec: ContractSpec, known: TemplateSpec
                     ) -> list[CheckResult]:
    out = []
    n = spec.shingle
    for doc in documents:
        fp = doc.fingerprint
        if fp is None or not fp.text or doc.contract is None:
            continue
        own = shingles(fp.text, n)
        generic = _genuine_shingles(store, fp.text, n, known.min_jaccard)
        parties = {f.value for f in (doc.contract.party_a_tax_id, doc.contract.party_b_tax_id) if f is not None}
        for h in store.text_candidates(fp.text, exclude_application=sub.application, limit=spec.candidates):
            if h.merchant == merchant.id:
                continue
            score = jaccard(without(own, generic), without(shingles(h.payload, n), generic))
            if score < spec.min_jaccard:
                continue
            refs = [Ref(document=doc.document_id, field="text"), Ref(document=h.document, field="text")]
            both_sides = merchant.uscc in parties and h.merchant_uscc in parties
            out.append(result_refs(
                "dup.contract.template_reuse", "both_parties" if both_sides else "raised",
                "合同双方各自提交了同一份合同" if both_sides else "与其他商户提交的合同文字相同，仅当事方不同",
                "both parties to one contract submitted it" if both_sides else
                "the same contract text as another merchant's, with other parties", refs,
                jaccard=round(score, 3), **_other(h)))
    return out


def _known_forgeries(store: PatternStore, documents: Sequence[DocumentResult], spec: TemplateSpec,
                     n: int) -> list[CheckResult]:
    out = []
    for doc in documents:
        keys = document_keys(doc)
        ids = [f for f in (doc.invoice.seller_tax_id, doc.invoice.buyer_tax_id) if f] if doc.invoice else []
        if doc.contract is not None:
            ids += [f for f in (doc.contract.party_a_tax_id, doc.contract.party_b_tax_id) if f]
        if doc.licence is not None and doc.licence.unified_social_credit_code is not None:
            ids.append(doc.licence.unified_social_credit_code)
        keys += [f"uscc:{f.value}" for f in ids]
        matched = [t for t in store.templates_keyed(keys) if t.verdict == "forged"]
        fp = doc.fingerprint
        if fp is not None and fp.text and doc.contract is not None:
            # Both sides without the model-contract words every honest contract shares: what must match is
            # the forged text's own part (goods, amounts, dates, numbers).
            generic = _genuine_shingles(store, fp.text, n, spec.min_jaccard)
            text = without(shingles(fp.text, n), generic)
            matched += [t for t in store.templates_like(fp.text, doc_kind="contract")
                        if t.verdict == "forged"
                        and containment(without(shingles(t.text, n), generic), text) >= spec.min_jaccard]
        for t in matched:
            out.append(result_refs("pattern.known_forgery", "raised", "与已知伪造模板或失信主体一致",
                                   "matches a known forged template or a listed identity",
                                   [Ref(document=doc.document_id, field="text" if t.text else t.key.split(":")[0])],
                                   template=t.id, rationale=t.rationale))
    return out


def _benchmark_checks(store: PatternStore, merchant: MerchantProfile, documents: Sequence[DocumentResult],
                      spec: BenchmarkSpec, window_days: int) -> list[CheckResult]:
    if merchant.industry is None or merchant.city_tier is None:
        return []
    bench = store.benchmark(merchant.industry, merchant.city_tier)
    if bench is None:
        return []
    sales = sales_in_window(merchant, documents, window_days)
    out = []
    refs = [amount_ref(d) for d, _, _ in sales]
    # Invoices are a sample of sales: their sum over the window, per month, is a floor on monthly revenue.
    floor = per_month(sum((amount for _, _, amount in sales), Decimal(0)), window_days)
    high = Decimal(str(bench.monthly_revenue_high))
    if floor > high * Decimal(str(spec.revenue_multiple)):
        out.append(result_refs("benchmark.revenue_implausible", "raised", "凭证显示的月销售额远超同业同级城市常见水平",
                               "the evidenced monthly sales are far above what this industry makes in such a city",
                               refs, evidenced_monthly_floor=round(floor, 2), benchmark_high=bench.monthly_revenue_high,
                               benchmark=f"{bench.industry}:{bench.tier}", source=bench.source))
    big = Decimal(str(bench.invoice_typical_high)) * Decimal(str(spec.invoice_multiple))
    for d, _, amount in sales:
        if amount > big:
            out.append(result_refs("benchmark.revenue_implausible", "raised", "单张发票金额远超同业常见规模",
                                   "one invoice is far larger than this industry's typical invoice",
                                   [amount_ref(d)],
                                   amount=amount, invoice_typical_high=bench.invoice_typical_high,
                                   benchmark=f"{bench.industry}:{bench.tier}", source=bench.source))
    declared = merchant.declared_monthly_revenue
    low = Decimal(str(bench.monthly_revenue_low)) / Decimal(str(spec.declared_below_low))
    if declared is not None and not (low <= declared <= high * Decimal(str(spec.revenue_multiple))):
        out.append(result_refs("benchmark.revenue_implausible", "raised", "申报的月营业额不在同业常见范围内",
                               "the declared monthly revenue is outside this industry's usual range", [],
                               declared=declared, benchmark_low=bench.monthly_revenue_low,
                               benchmark_high=bench.monthly_revenue_high, source=bench.source))
    return out


def pattern_checks(store: PatternStore, merchant: MerchantProfile, sub: Submission,
                   documents: Sequence[DocumentResult], *, window_days: int = 365) -> list[CheckResult]:
    """Every known-pattern check of one application; the application's own fingerprints are excluded."""
    spec = patterns_spec()
    return [
        *_invoice_checks(store, merchant, sub, documents),
        *_statement_checks(store, merchant, sub, documents),
        *_photo_checks(store, merchant, sub, documents, spec.photo),
        *_contract_checks(store, merchant, sub, documents, spec.contract, spec.known_template),
        *_known_forgeries(store, documents, spec.known_template, spec.contract.shingle),
        *_benchmark_checks(store, merchant, documents, spec.benchmark, window_days),
    ]
