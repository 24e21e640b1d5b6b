"""Upload quality, said at once: blurred, dark, cut off, too small, not evidence — and what the decision does
with documents that could not be read (evidence requested, never an automatic decline)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image, ImageFilter

from attest.pipeline import assess_application, process_document
from attest.schemas.decision import MerchantProfile
from attest.score import load_policy
from eval.kinds import sample

from ..score.conftest import MERCHANT


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _licence() -> Image.Image:
    data, _ = sample("business_license", 3)
    return Image.open(io.BytesIO(data)).convert("RGB")


def _codes(result) -> dict[str, str]:
    return {c.code: c.severity for c in result.checks if c.code.startswith("quality.")}


@pytest.mark.slow
def test_a_clean_document_has_no_quality_finding(engines, options) -> None:
    result = process_document(_png(_licence()), "licence.png", engines=engines, options=options)
    assert result.classification.kind == "business_license"
    assert _codes(result) == {}


@pytest.mark.slow
def test_a_blurred_photo_is_said_to_be_blurred(engines, options) -> None:
    blurred = _licence().filter(ImageFilter.GaussianBlur(9))
    result = process_document(_png(blurred), "blurred.png", engines=engines, options=options)
    codes = _codes(result)
    assert codes.get("quality.blurred") == "info", codes
    message = next(c.message for c in result.checks if c.code == "quality.blurred")
    assert "模糊" in message and "retake" in message


@pytest.mark.slow
def test_a_dark_photo_and_a_page_cut_off_at_the_bottom(engines, options) -> None:
    img = _licence()
    dark = img.point(lambda v: v // 6)
    assert "quality.dark" in _codes(process_document(_png(dark), "dark.png", engines=engines, options=options))
    cut = img.crop((0, 0, img.width, int(img.height * 0.47)))
    result = process_document(_png(cut), "cut.png", engines=engines, options=options)
    messages = [c.message for c in result.checks if c.code == "quality.cut_off"]
    assert any("bottom of the page is cut off" in m for m in messages), [c.code for c in result.checks]


@pytest.mark.slow
def test_a_tiny_picture_and_a_picture_of_nothing(engines, options) -> None:
    tiny = _licence().resize((240, 170))
    assert "quality.too_small" in _codes(process_document(_png(tiny), "t.png", engines=engines, options=options))
    grey = Image.new("RGB", (900, 700), (120, 130, 125))
    result = process_document(_png(grey), "wall.png", engines=engines, options=options)
    assert result.classification.kind == "other"
    assert _codes(result).get("quality.not_evidence") == "warn"


@pytest.mark.slow
def test_unreadable_evidence_asks_for_a_retake_instead_of_declining(engines, options) -> None:
    grey = Image.new("RGB", (900, 700), (120, 130, 125))
    nothing = process_document(_png(grey), "wall.png", engines=engines, options=options)
    merchant = MerchantProfile(**{**MERCHANT.model_dump(), "application_date": date(2026, 11, 28)})
    decision = assess_application(merchant, [nothing], policy=load_policy()).decision
    assert decision.outcome == "evidence_requested"
    assert "EVIDENCE_UNREADABLE" in decision.reason_codes
    assert [(r.document, r.field) for r in decision.retake] == [(nothing.document_id, "quality.not_evidence")]
    # With the rule set to decline in the policy data, the same evidence is declined as before.
    policy = load_policy()
    strict = policy.model_copy(update={"outcomes": policy.outcomes.model_copy(update={"unreadable_means": "decline"})})
    assert assess_application(merchant, [nothing], policy=strict).decision.outcome == "decline"


@pytest.mark.slow
def test_glare_on_a_photographed_sheet_is_said_after_it_is_squared(engines, options) -> None:
    """Flattened, the photo is mostly paper-white like a scan, but it is a photo: its glare is still said."""
    import random

    from PIL import ImageDraw

    from eval.render.hard import hard_photo

    sheet = _licence()
    d = ImageDraw.Draw(sheet)
    d.ellipse((sheet.width * 0.05, sheet.height * 0.55, sheet.width * 0.55, sheet.height * 0.95), fill="white")
    data = hard_photo(sheet, random.Random(2), ("wood", "perspective"))
    result = process_document(data, "glare.jpg", engines=engines, options=options)
    assert result.ocr[0].flattened is not None
    assert _codes(result).get("quality.glare") == "info", _codes(result)
