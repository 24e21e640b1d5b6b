"""`process_document` reads every kind through its registry row and recipe, and classification is a stage like the
others: timed, and its failure recorded on the result instead of losing the document."""

from __future__ import annotations

import pytest

import attest.pipeline.document as document
from attest.kinds import kinds
from attest.pipeline import Engines, process_document
from attest.pipeline.recipes import RECIPES
from attest.schemas.document import EVIDENCE_KINDS

from ..conftest import SAMPLES


def test_every_evidence_kind_has_exactly_one_row_and_one_recipe() -> None:
    assert sorted(RECIPES) == sorted(kinds()) == sorted(EVIDENCE_KINDS)
    assert {r.evidence for r in kinds().values()} == {"invoice", "licence", "contract", "shop", "statement"}


def test_classification_is_timed() -> None:
    pdf = (SAMPLES / "inv18_digital_normal_transport_discount.pdf").read_bytes()
    result = process_document(pdf, "a.pdf", engines=Engines(ocr=_NoOcr()))
    assert "classify" in result.timings and result.classification.kind == "invoice"  # the text layer read it
    assert result.invoice is not None and result.status == "ok"


def test_a_failing_classifier_is_recorded_and_the_document_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> None:
        raise ValueError("a vocabulary file without weights")

    monkeypatch.setattr(document, "classify", broken)
    pdf = (SAMPLES / "inv18_digital_normal_transport_discount.pdf").read_bytes()
    result = process_document(pdf, "a.pdf", engines=Engines(ocr=_NoOcr()))
    assert result.status == "partial" and result.classification.kind == "other"
    assert [(e.stage, e.code) for e in result.errors] == [("classify", "stage.failed")]
    assert result.classification.reasons == ["classification failed"] and result.ocr  # what was read is kept
    # A reviewer can still have it read as what it is.
    again = process_document(pdf, "a.pdf", engines=Engines(ocr=_NoOcr()), hints={"kind": "invoice"})
    assert again.invoice is not None and again.invoice.seller_name is not None


class _NoOcr:
    """A text-layer PDF needs no OCR: an engine that is never asked proves the pipeline did not ask it."""

    name = version = "none"

    def read(self, *_args: object, **_kwargs: object) -> None:
        raise AssertionError("OCR was asked to read a page with a text layer")
