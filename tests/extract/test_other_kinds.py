"""Contracts, licences and shop photos through `process_document`, with their forgeries."""

from __future__ import annotations

import io
import json
import random
from datetime import date, datetime

import pytest

from attest.extract.flat import flat_fields
from attest.extract.shop import name_match
from attest.pipeline import ProcessOptions, process_document
from eval.compare import norm
from eval.kinds import PARTS_KEY, sample, sample_hard
from eval.render.contract import contract_pdf, make_contract, render_contract
from eval.render.licence import make_licence, render_licence

from ..conftest import SHARED

OPTS = ProcessOptions(today=date(2026, 11, 28))
STOREFRONTS = SHARED.parent / "storefronts"


def _matches(got: dict, want: dict) -> dict[str, bool]:
    return {k: norm(k, got.get(k)) == norm(k, v) for k, v in want.items()}


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["invoice", "contract", "business_license", "shop_photo", "other"])
def test_each_kind_is_recognised_with_reasons(kind: str, engines) -> None:
    for seed in (0, 1):
        data, _ = sample(kind, seed)
        result = process_document(data, f"{kind}.bin", engines=engines, options=OPTS)
        assert result.classification.kind == kind, result.classification.reasons
        assert result.classification.reasons


@pytest.mark.slow
def test_licence_fields_and_authority_from_the_seal(engines) -> None:
    for seed in (3, 4, 5):
        data, truth = sample("business_license", seed)
        result = process_document(data, "licence.png", engines=engines, options=OPTS)
        assert result.licence is not None
        hits = _matches(flat_fields(result), truth)
        assert sum(hits.values()) / len(hits) >= 0.97, [k for k, ok in hits.items() if not ok]
        assert result.seals and "市场监督管理局" in result.seals[0].text
        assert [c.severity for c in result.checks if c.code == "uscc.checksum"] == ["pass"]


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_a_small_seal_in_a_shadow_still_names_the_registry(seed: int, engines) -> None:
    # Photos of about 1000 px: the ring is some 90 px across, its letters 9 px, the light a third down. The
    # red was lost to the shadow (no seal found) or to the JPEG's half-resolution colour (the ring read `历服`).
    data, truth = sample_hard("business_license", seed)
    assert "lowres" in truth["_phenomena"]
    result = process_document(data, "licence.jpg", engines=engines, options=OPTS)
    assert result.licence is not None and result.licence.registration_authority is not None
    assert result.licence.registration_authority.value == truth["registration_authority"]


@pytest.mark.slow
def test_two_contracts_in_one_scan_each_read_over_its_two_pages(engines) -> None:
    # Seed 7 is a scan of two contracts one after the other (eval.kinds renders one in seven so).
    data, truth = sample("contract", 7)
    result = process_document(data, "contracts.pdf", engines=engines, options=OPTS)
    assert result.pages == 4 and [p.page_span for p in result.parts] == [[1, 2], [3, 4]]
    for part, want in zip(result.parts, truth[PARTS_KEY], strict=True):
        assert part.contract is not None
        hits = _matches(flat_fields(part), want)
        # One OCR slip is allowed; the parties, the supplier and the total must be exact.
        assert sum(hits.values()) >= len(hits) - 1, [k for k, ok in hits.items() if not ok]
        assert all(hits[k] for k in ("party_a", "party_b", "supplier", "amount", "amount_cn", "term_end"))
        assert part.contract.seals_per_page[0] == 0 and part.contract.seals_per_page[1] >= 1
        assert {c.code: c.severity for c in part.checks}["contract.amount_words"] == "pass"
        assert not [c for c in part.checks if c.severity == "fail"]


@pytest.mark.slow
def test_contract_forgeries(engines) -> None:
    rng = random.Random(11)
    t = make_contract(rng, date(2026, 11, 28))
    t.words_override = "壹佰圆整"
    result = process_document(contract_pdf(render_contract(t, rng)), "c.pdf", engines=engines, options=OPTS)
    assert any(c.code == "contract.amount_words" and c.severity == "fail" for c in result.checks)
    t = make_contract(rng, date(2026, 11, 28))
    t.seal_names = (t.party_a[0], "深圳市腾飞贸易有限公司")
    result = process_document(contract_pdf(render_contract(t, rng)), "c.pdf", engines=engines, options=OPTS)
    fails = [c for c in result.checks if c.code == "seal.names_party" and c.severity == "fail"]
    assert fails and "腾飞" in fails[0].details["seal_text"]


@pytest.mark.slow
def test_licence_with_a_broken_code(engines) -> None:
    rng = random.Random(2)
    t = make_licence(rng, date(2026, 11, 28))
    t.uscc = t.uscc[:-1] + ("0" if t.uscc[-1] != "0" else "1")
    buf = io.BytesIO()
    render_licence(t, rng).save(buf, "PNG")
    result = process_document(buf.getvalue(), "l.png", engines=engines, options=OPTS)
    assert any(c.code == "uscc.checksum" and c.severity == "fail" for c in result.checks)


@pytest.mark.slow
@pytest.mark.skipif(not STOREFRONTS.exists(), reason="shared storefront photos not beside the checkout")
def test_real_storefronts(engines) -> None:
    labels = json.loads((STOREFRONTS / "labels.json").read_text(encoding="utf-8"))
    for entry in labels:
        data = (STOREFRONTS / entry["file"]).read_bytes()
        result = process_document(data, entry["file"], engines=engines, options=OPTS)
        assert result.classification.kind == "shop_photo", result.classification.reasons
        assert result.shop is not None
        got = flat_fields(result)
        for key, want in entry["fields"].items():
            assert norm(key, got[key]) == norm(key, want), (entry["file"], key, got[key], want)


def test_sign_name_matches_registered_name() -> None:
    assert name_match("宇啸门窗", "上海宇啸门窗有限公司") == 100
    assert name_match("永和大王", "上海宇啸门窗有限公司") < 50


@pytest.mark.slow
def test_shop_photo_signals(engines) -> None:
    data, truth = sample("shop_photo", 9)
    result = process_document(data, "shop.jpg", engines=engines, options=OPTS)
    assert result.shop is not None and flat_fields(result) == truth
    assert result.shop.camera_model is not None and result.shop.taken_at is not None
    assert result.signals is not None and len(result.signals.phash) == 16
    assert {c.code: c.severity for c in result.checks}["photo.recapture"] == "pass"
    assert datetime(2026, 1, 1) < result.shop.taken_at.value
