"""Seal checks: a company seal on a document must name the party it speaks for."""

from __future__ import annotations

import re
from collections.abc import Sequence

from attest.data import load
from attest.extract.seal import Seal, names_match
from attest.schemas.checks import CheckResult
from attest.verify.messages import result

# Supervision seals of the tax bureau (全国统一发票监制, 国家税务总局…) name no party.
_AUTHORITY = re.compile(r"税务|监制|市场监督|工商行政")


def check_seal_party(seals: Sequence[Seal], party: str | None, *, document_id: str, role: str) -> list[CheckResult]:
    """`fail` when a readable company seal names someone other than `party`; `pass` when one names it."""
    if party is None:
        return []
    threshold = load("seals")["name_match"]
    readable = [s for s in seals if s.text_confidence >= 0.8 and len(s.text) >= 4 and not _AUTHORITY.search(s.text)]
    if not readable:
        return []
    best = max(readable, key=lambda s: names_match(s.text, party))
    score = names_match(best.text, party)
    if score >= threshold:
        return [result("seal.names_party", "pass", f"印章与{role}一致", f"the seal names the {role}",
                       doc=document_id, fields=["seals"], seal_text=best.text, party=party, match=score)]
    return [result("seal.names_party", "fail", f"印章所载名称与{role}不符: {best.text}",
                   f"the seal names someone other than the {role}: {best.text}", doc=document_id,
                   fields=["seals"], seal_text=best.text, party=party, match=score)]
