"""credit-v4 weighs signed e-invoices: a sales invoice whose file is signed, intact, by a signer under a trust
anchor earns trust points; the same invoice unanchored, or under credit-v3, earns none; a broken one fails."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest

from attest.ingest import anchors
from attest.pipeline import Engines, assess_application, process_document
from attest.schemas.decision import MerchantProfile
from attest.score import load_policy
from eval.render.ofd import Signer, invoice_ofd
from eval.render.sm2_pki import certificate, key_from_seed
from eval.render.truth import make_truth

CA_KEY, KEY = key_from_seed("score-ca"), key_from_seed("score-signer")
CA = certificate("测试证书中心", CA_KEY, "测试证书中心", CA_KEY, serial=1)
SIGNER = Signer(KEY, certificate("测试监制章", KEY, "测试证书中心", CA_KEY, serial=2))


def _signed_invoice(engines: Engines):  # type: ignore[no-untyped-def]
    rng = random.Random(21)
    truth = make_truth(rng, date(2026, 11, 28))
    result = process_document(invoice_ofd(truth, rng, signer=SIGNER), "signed.ofd", engines=engines)
    seller = result.invoice.seller_tax_id.value  # type: ignore[union-attr]
    merchant = MerchantProfile(id="m", name=truth.seller[0], uscc=seller, current_limit=Decimal("100000"),
                               application_date=truth.issue_date)
    return result, merchant


def _signed_points(assessment) -> tuple[str, int] | None:  # type: ignore[no-untyped-def]
    got = [c for c in assessment.decision.contributions if c.feature == "signed_einvoices"]
    return (got[0].reason_code, got[0].points) if got else None


def test_an_anchored_signed_invoice_earns_trust_under_credit_v4(monkeypatch: pytest.MonkeyPatch,
                                                                engines: Engines) -> None:
    monkeypatch.setattr(anchors, "trust_anchors", lambda: (CA,))
    result, merchant = _signed_invoice(engines)
    v4 = assess_application(merchant, [result], policy=load_policy("credit-v4"))
    assert _signed_points(v4) == ("SIGNED_EINVOICES_SOME", 5)
    v3 = assess_application(merchant, [result], policy=load_policy("credit-v3"))
    assert _signed_points(v3) is None and v4.decision.points == v3.decision.points + 5


def test_an_unanchored_signature_earns_nothing(engines: Engines) -> None:
    result, merchant = _signed_invoice(engines)
    v4 = assess_application(merchant, [result], policy=load_policy("credit-v4"))
    assert _signed_points(v4) == ("SIGNED_EINVOICES_NONE", 0)
