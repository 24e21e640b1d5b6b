"""The grounding validator on the real sample invoices' OCR lines: every planted ungrounded value is dropped,
no value printed in the lines it cites is dropped."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from attest.extract.llm.grounding import _dates_in, ground
from attest.extract.llm.schemas import Cited, InvoiceReading
from attest.layout.normalize import find_money, parse_decimal, squash
from attest.pipeline import Engines, process_document
from attest.schemas.ocr import OcrLine

from ..conftest import SAMPLES

REF = "invoice-text@1#test"


@pytest.fixture(scope="module")
def sample_lines(engines: Engines) -> list[dict[str, OcrLine]]:
    """Each real sample's OCR lines by id (two photos of invoices and a PDF's text layer)."""
    out = []
    for path in sorted(SAMPLES.glob("inv*")):
        result = process_document(path.read_bytes(), path.name, engines=engines)
        out.append({ln.id: ln for p in result.ocr for ln in p.lines})
    return out


def _cases(lines: dict[str, OcrLine]) -> tuple[list[tuple[str, Cited]], list[tuple[str, Cited]]]:
    """(grounded, planted): values read off each line citing it, and the same values citing a line without them
    or altered so that no line prints them."""
    grounded: list[tuple[str, Cited]] = []
    planted: list[tuple[str, Cited]] = []
    ids = list(lines)

    def elsewhere(test: object) -> str:
        return next(i for i in ids if not test(lines[i].text))  # type: ignore[operator]

    for ln in lines.values():
        for money in find_money(ln.text):
            amount = parse_decimal(money)
            if amount is None:
                continue
            grounded.append(("total_tax", Cited(value=money, lines=[ln.id])))
            other = elsewhere(lambda t, a=amount: a in {parse_decimal(m) for m in find_money(t)})
            planted.append(("total_tax", Cited(value=money, lines=[other])))
            bumped = amount + Decimal("0.01")
            if bumped not in {parse_decimal(m) for m in find_money(ln.text)}:
                planted.append(("total_amount_incl_tax", Cited(value=str(bumped), lines=[ln.id])))
        for day in _dates_in(ln.text):
            grounded.append(("issue_date", Cited(value=day.isoformat(), lines=[ln.id])))
            planted.append(("issue_date", Cited(value=(day + timedelta(days=1)).isoformat(), lines=[ln.id])))
        for code in re.findall(r"[0-9A-Z]{8,20}", squash(ln.text).upper()):
            grounded.append(("invoice_number", Cited(value=code, lines=[ln.id])))
            other = elsewhere(lambda t, c=code: c in squash(t).upper())
            planted.append(("invoice_number", Cited(value=code, lines=[other])))
        text = squash(ln.text)
        if len(text) >= 2:
            grounded.append(("seller_name", Cited(value=ln.text, lines=[ln.id])))
            planted.append(("seller_name", Cited(value=text + "有限公司" if "有限公司" not in text else "某某" + text,
                                                 lines=[ln.id])))
            planted.append(("buyer_name", Cited(value=ln.text, lines=["p9-l999"])))
            planted.append(("buyer_name", Cited(value=ln.text, lines=[])))
    return grounded, planted


def test_planted_values_are_all_dropped_and_printed_ones_all_kept(sample_lines: list[dict[str, OcrLine]],
                                                                  record_property: pytest.RecordProperty) -> None:
    kept_grounded = total_grounded = dropped_planted = total_planted = 0
    wrongly: list[str] = []
    for lines in sample_lines:
        grounded, planted = _cases(lines)
        for name, cited in grounded:
            out = ground(InvoiceReading(**{name: cited}), lines, prompt=REF, confidence=0.85)
            total_grounded += 1
            kept_grounded += name in out.fields
            if name not in out.fields:
                wrongly.append(f"dropped {name}={cited.value} {cited.lines}: {out.dropped[0].reason}")
        for name, cited in planted:
            out = ground(InvoiceReading(**{name: cited}), lines, prompt=REF, confidence=0.85)
            total_planted += 1
            dropped_planted += name not in out.fields
            if name in out.fields:
                wrongly.append(f"kept {name}={cited.value} {cited.lines}")
    record_property("grounded_kept", f"{kept_grounded}/{total_grounded}")
    record_property("planted_dropped", f"{dropped_planted}/{total_planted}")
    print(f"grounded kept {kept_grounded}/{total_grounded}; planted dropped {dropped_planted}/{total_planted}")
    assert total_grounded > 200 and total_planted > 300
    assert wrongly == []


def test_a_kept_value_carries_its_provenance(sample_lines: list[dict[str, OcrLine]]) -> None:
    lines = sample_lines[-1]  # the PDF
    line = next(ln for ln in lines.values() if "滴滴出行科技有限公司" in ln.text)
    out = ground(InvoiceReading(seller_name=Cited(value="滴滴出行科技有限公司", lines=[line.id])), lines, prompt=REF,
                 confidence=0.85)
    field = out.fields["seller_name"]
    assert field.source == "llm" and field.lines == [line.id] and field.prompt == REF
    assert field.confidence == round(0.85 * line.confidence, 4)
