"""E-invoice files that another tool converted or re-zipped (`eval/render/ofd_convert.py`): the objects in another
order, one per character, positions in transforms, templates flattened, entries repacked. The page is the same,
so every labelled header field reads the same — buyer and seller stay where the page prints them."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

import pytest

from attest.extract.flat import flat_fields
from attest.pipeline import Engines, process_document
from eval.realdocs import field_hits
from eval.render.ofd import invoice_ofd
from eval.render.ofd_convert import CONVERSIONS, convert
from eval.render.truth import make_truth

BUNDLED = Path(__file__).resolve().parents[1] / "data" / "realdocs" / "invoices"
LABELS = {Path(e["original_file"]).name: e["fields"] for e in json.loads((BUNDLED / "labels.json").read_text())
          if str(e.get("original_file", "")).endswith(".ofd")}
# Two layouts: a 税控 e-invoice with letter-spaced captions written one object per character, and a 数电
# invoice whose 购买方信息 caption is written top to bottom beside its name rows.
REAL = ["inv10_shanghai_e_normal_2020_ofd.ofd", "inv07_digital_special_2024_hainan_ofd.ofd"]


def _wrong(data: bytes, want: dict[str, object], engines: Engines) -> dict[str, object]:
    got = flat_fields(process_document(data, "converted.ofd", engines=engines))
    if got.get("check_code"):
        got["check_code"] = got["check_code"].replace(" ", "")
    return {k: (got.get(k), want.get(k)) for k, ok in field_hits("invoice", got, want).items() if not ok}


@pytest.mark.parametrize("how", [c for c in CONVERSIONS if c != "captions as pictures"])
@pytest.mark.parametrize("name", REAL)
def test_a_real_ofd_converted_reads_as_its_label(name: str, how: str, engines: Engines) -> None:
    data = convert((BUNDLED / "originals" / name).read_bytes(), how, random.Random(f"{how}:{name}"))
    assert _wrong(data, LABELS[name], engines) == {}


@pytest.mark.parametrize("how", ["per glyph", "shuffled"])
def test_a_rendered_ofd_whose_caption_has_no_rule_reads_after_conversion(how: str, engines: Engines) -> None:
    """The renderers' 数电 face is a picture without the caption's rule: the caption still stands apart."""
    rng = random.Random("ofd:1")
    truth = make_truth(rng, date(2026, 11, 28))
    data = convert(invoice_ofd(truth, rng), how, random.Random(how))
    assert _wrong(data, truth.flat(), engines) == {}


def test_conversions_change_how_the_file_is_written_not_the_page() -> None:
    original = (BUNDLED / "originals" / REAL[0]).read_bytes()
    converted = {how: convert(original, how, random.Random(0)) for how in CONVERSIONS}
    assert len({*converted.values(), original}) == len(CONVERSIONS) + 1
    with pytest.raises(ValueError, match="unknown conversion"):
        convert(original, "sideways", random.Random(0))


def test_the_jbig2_qr_code_of_a_tax_control_ofd_is_drawn_and_agrees_with_the_print(engines: Engines) -> None:
    """The 税控 QR code is a JBIG2 picture: drawn through pdfium, decoded, and compared with the print."""
    result = process_document((BUNDLED / "originals" / REAL[0]).read_bytes(), "inv.ofd", engines=engines)
    assert result.invoice.qr_payload is not None  # type: ignore[union-attr]
    assert result.invoice.qr_payload.value.split(",")[3] == LABELS[REAL[0]]["invoice_number"]  # type: ignore[union-attr]
    assert {c.code: c.severity for c in result.checks if c.code == "invoice.qr_match"} == {"invoice.qr_match": "pass"}


def test_captions_drawn_as_pictures_leave_the_header_to_the_qr_code_and_say_so(engines: Engines) -> None:
    """A layout whose captions are a picture: the values are text without a caption. The QR code printed on the
    same face gives code, number, date and check code — marked as read from it and less than sure."""
    name = REAL[0]
    data = convert((BUNDLED / "originals" / name).read_bytes(), "captions as pictures", random.Random(0))
    result = process_document(data, "converted.ofd", engines=engines)
    ev, want = result.invoice, LABELS[name]
    assert ev is not None
    for field in ("invoice_code", "invoice_number"):
        got = getattr(ev, field)
        assert got is not None and got.value == want[field] and got.source == "qr" and got.confidence < 0.95
    assert ev.check_code is not None and ev.check_code.value == want["check_code"]  # its caption is still text
    assert ev.issue_date is not None and ev.issue_date.value.isoformat() == want["issue_date"]
    # Compared with nothing printed, the QR cannot disagree with it: it is checked against the printed amount.
    assert {c.code: c.severity for c in result.checks if c.code == "invoice.qr_match"} == {"invoice.qr_match": "pass"}


def test_a_broken_or_huge_jbig2_picture_is_left_out_not_fatal() -> None:
    from attest.ingest.ofd.jbig2 import read_jbig2

    header = b"\x97JB2\r\n\x1a\n\x01\x00\x00\x00\x01"
    page_info = b"\x00\x00\x00\x00\x30\x00\x01\x00\x00\x00\x13"
    junk = read_jbig2(header + page_info + b"\x00\x00\x00\x64\x00\x00\x00\x64" + b"\xff" * 40, 10**6)
    assert junk is None or junk.size == (100, 100)  # pdfium draws what it can of junk segments, or nothing
    assert read_jbig2(header + page_info + b"\x00\x01\x00\x00\x00\x01\x00\x00" + b"\x00" * 11, 10**6) is None
    assert read_jbig2(b"\x97JB2\r\n\x1a\n", 10**6) is None and read_jbig2(b"not a picture", 10**6) is None
