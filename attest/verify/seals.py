"""Seal checks: a company seal on a document must name the party it speaks for."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from attest.data import load
from attest.extract.seal import Seal, another_company, brands_differ, names_match
from attest.findings import result
from attest.schemas.checks import CheckResult


@cache
def _authority() -> re.Pattern[str]:
    return re.compile("|".join(load("seals")["authority_words"]))


@cache
def _organisation() -> re.Pattern[str]:
    return re.compile(r"[\u4e00-\u9fff]{2,}(?:" + "|".join(load("seals")["organisation_endings"]) + ")")


def party_seals(seals: Sequence[Seal]) -> list[Seal]:
    """Seals whose ring was read well enough to name an organisation that can be a party."""
    return [s for s in seals if s.text_confidence >= 0.8 and _organisation().search(s.text)
            and not _authority().search(s.text)]


def check_seal_party(seals: Sequence[Seal], party: str | None, *, document_id: str, role: str) -> list[CheckResult]:
    """`fail` when a readable company seal names someone other than `party`; `pass` when one names it."""
    if party is None:
        return []
    readable = party_seals(seals)
    if not readable:
        return []
    best = max(readable, key=lambda s: names_match(s.text, party))
    return [judge_seal(best, [party], document_id=document_id, role=role)]


def judge_seal(seal: Seal, parties: Sequence[str], *, document_id: str, role: str) -> CheckResult:
    """pass: the ring names a party; fail: it clearly names someone else; warn: read too poorly to tell."""
    spec = load("seals")
    score = max(names_match(seal.text, p) for p in parties)
    details = {"seal_text": seal.text, "parties": " / ".join(parties), "match": score, "page": seal.page}
    if score >= spec["name_match"]:
        return result("seal.names_party", "pass", f"印章与{role}一致", f"the seal names the {role}",
                      doc=document_id, fields=["seals"], **details)
    # The parties the ring is like at all: a shared 字号 is what made them so.
    alike = [p for p in parties if names_match(seal.text, p) >= spec["name_mismatch"]]
    if score < spec["name_mismatch"] or (seal.text_confidence >= spec["brand_confidence"] and (
            brands_differ(seal.text, parties) or another_company(seal.text, alike))):
        return result("seal.names_party", "raised", f"印章所载名称与{role}不符: {seal.text}",
                      f"the seal names someone other than the {role}: {seal.text}", doc=document_id,
                      fields=["seals"], **details)
    return result("seal.names_party", "unclear", f"印章文字识别不清，无法确认是否为{role}: {seal.text}",
                  f"the seal's ring was read too poorly to confirm the {role}: {seal.text}", doc=document_id,
                  fields=["seals"], **details)
