"""Intrinsic contract checks: amount in words vs figures, party codes, dates, and whose seals are on it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from attest.cn.amount_words import AmountWordsError, parse_amount_words
from attest.cn.uscc import is_valid_uscc
from attest.extract.seal import Seal
from attest.findings import result
from attest.schemas.checks import CheckResult
from attest.schemas.contract import ContractEvidence
from attest.verify.seals import judge_seal, party_seals


def _amounts(ev: ContractEvidence, doc: str) -> list[CheckResult]:
    if ev.amount is None or ev.amount_cn is None:
        return []
    try:
        words = parse_amount_words(ev.amount_cn.value, require_whole=False)
    except AmountWordsError as exc:
        return [result("contract.amount_words", "raised", f"大写金额不规范: {exc.reason}",
                       f"amount in words is malformed: {exc.reason}", doc=doc, fields=["amount_cn"])]
    ok = words == ev.amount.value
    return [result("contract.amount_words", "pass" if ok else "raised",
                   "大写与小写金额一致" if ok else f"大写金额{words}与小写{ev.amount.value}不符",
                   "amount in words matches the figures" if ok else
                   f"amount in words {words} differs from the figures {ev.amount.value}", doc=doc,
                   fields=["amount_cn", "amount"], words=words, figures=ev.amount.value)]


def _codes(ev: ContractEvidence, doc: str) -> list[CheckResult]:
    out = []
    for side in ("a", "b"):
        f = getattr(ev, f"party_{side}_tax_id")
        if f is not None and not is_valid_uscc(f.value):
            out.append(result("uscc.checksum", "raised", f"{side}方统一社会信用代码校验位错误",
                              f"party {side.upper()} USCC check character is wrong", doc=doc,
                              fields=[f"party_{side}_tax_id"], value=f.value))
    return out


def _dates(ev: ContractEvidence, doc: str, today: date) -> list[CheckResult]:
    out = []
    if ev.signing_date and ev.signing_date.value > today:
        out.append(result("contract.date", "raised", "签订日期晚于今天", "signed in the future", doc=doc,
                          fields=["signing_date"]))
    if ev.term_start and ev.term_end and ev.term_end.value < ev.term_start.value:
        out.append(result("contract.date", "raised", "合同期限止日早于起日", "the term ends before it starts", doc=doc,
                          fields=["term_start", "term_end"]))
    return out


def _seals(ev: ContractEvidence, seals: Sequence[Seal], doc: str) -> list[CheckResult]:
    if not seals:
        return [result("contract.seals", "raised", "合同上未见印章", "no seal found on the contract", doc=doc,
                       fields=["seals"])]
    parties = [f.value for f in (ev.party_a, ev.party_b) if f is not None]
    readable = party_seals(seals) if parties else []
    judged = [judge_seal(seal, parties, document_id=doc, role="party") for seal in readable]
    if not judged:
        return []  # no ring read well enough to name anyone: nothing to claim either way
    problems = [c for c in judged if c.severity != "pass"]
    return problems or [result("seal.names_party", "pass", "印章与合同当事人一致", "the seals name the parties",
                               doc=doc, fields=["seals"])]


def check_contract(ev: ContractEvidence, seals: Sequence[Seal], *, document_id: str, today: date) -> list[
        CheckResult]:
    return [*_amounts(ev, document_id), *_codes(ev, document_id), *_dates(ev, document_id, today),
            *_seals(ev, seals, document_id)]
