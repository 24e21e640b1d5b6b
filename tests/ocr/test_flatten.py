"""Photos of paper: the sheet is found where it lies (wood, cloth, another sheet under it), squared before OCR,
and its boxes map back onto the photo; a scan, a close shot of a page and a storefront are read as they are."""

from __future__ import annotations

import io
import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from attest.extract.flat import flat_fields
from attest.ingest.image import decode_image
from attest.layout.quad import to_upload, upload_size
from attest.ocr.flatten import find_page, flatten, turned_corners
from attest.pipeline import Engines, ProcessOptions, process_document
from attest.schemas.ocr import OcrPage, PageQuad
from attest.settings import LimitSettings, OcrSettings
from eval.kinds import kind_field_hits, sample_hard
from eval.photo import _coeffs
from eval.render.hard import _background
from eval.render.invoice import render_invoice
from eval.render.truth import make_truth
from eval.synth import TODAY

REAL = Path(__file__).resolve().parents[3] / "shared" / "realdocs"


def _placed(background: str, corners: list[tuple[float, float]], *, stack: bool = False) -> Image.Image:
    """A rendered invoice laid on `background` with its corners at `corners` (of a 1.3×-sized canvas)."""
    rng = random.Random(3)
    page = render_invoice(make_truth(rng, TODAY), rng).convert("RGBA")
    w, h = int(page.width * 1.3), int(page.height * 1.3)
    canvas = _background((w, h), rng, background)
    if stack:
        under = Image.new("RGBA", page.size, (245, 244, 238, 255)).rotate(4, expand=True)
        canvas.paste(under, (int(w * 0.12), int(h * 0.16)), under)
    absolute = [(x * w, y * h) for x, y in corners]
    coeffs = _coeffs([(0, 0), (page.width, 0), (page.width, page.height), (0, page.height)], absolute)
    warped = page.transform((w, h), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC)
    canvas.paste(warped, (0, 0), warped)
    return canvas.convert("RGB")


_ASLANT = [(0.14, 0.10), (0.88, 0.13), (0.84, 0.90), (0.10, 0.86)]


@pytest.mark.parametrize("background,stack", [("wood", False), ("cloth", False), ("wood", True)])
def test_the_sheet_is_found_where_it_lies(background: str, stack: bool) -> None:
    photo = _placed(background, _ASLANT, stack=stack)
    found = find_page(photo)
    assert found is not None
    truth = np.array([(x * photo.width, y * photo.height) for x, y in _ASLANT])
    error = np.linalg.norm(np.array(found.corners) - truth, axis=1) / max(photo.size)
    # Within a few percent of the true corners, the cut widened outward (never into the print).
    assert error.max() < (0.12 if stack else 0.04), error


def test_a_scan_a_close_shot_and_a_blank_picture_are_read_as_they_are() -> None:
    rng = random.Random(1)
    scan = render_invoice(make_truth(rng, TODAY), rng)
    assert find_page(scan) is None
    close = _placed("wood", [(-0.02, -0.02), (1.02, -0.01), (1.01, 1.02), (-0.01, 1.01)])
    assert find_page(close) is None
    assert find_page(Image.new("RGB", (800, 600), (120, 80, 40))) is None


@pytest.mark.skipif(not REAL.exists(), reason="../shared/realdocs is not beside this checkout")
def test_real_storefronts_and_framed_documents_are_not_cut() -> None:
    """Every real file fills its own frame, and a storefront's white wall under a red sign is not a page."""
    for path in sorted(REAL.glob("*/*.jpg")) + sorted(REAL.glob("*/*.png")):
        media = "image/jpeg" if path.suffix == ".jpg" else "image/png"
        image, _ = decode_image(path.read_bytes(), media, LimitSettings(), 2000)
        assert find_page(image) is None, path.name


def test_flattened_boxes_map_back_onto_the_photo() -> None:
    photo = _placed("wood", _ASLANT)
    found = find_page(photo)
    assert found is not None
    flat = flatten(photo, found.corners, 2000)
    assert max(flat.size) <= 2000
    page = OcrPage(page=1, width=flat.width, height=flat.height, lines=[], engine="t", engine_version="1",
                   flattened=PageQuad(width=photo.width, height=photo.height, corners=found.corners))
    back = to_upload(page, [(0, 0), (flat.width, 0), (flat.width, flat.height), (0, flat.height),
                            (flat.width / 2, flat.height / 2)])
    assert np.allclose(back[:4], found.corners, atol=0.5)
    centre = np.mean(found.corners, axis=0)
    assert np.linalg.norm(np.array(back[4]) - centre) < 0.03 * max(photo.size)
    assert upload_size(page) == photo.size
    # A page read turned a quarter: its new top-left is the flat page's bottom-left.
    assert turned_corners(found.corners, 90)[0] == found.corners[3]
    assert turned_corners(found.corners, 0) == found.corners


@pytest.mark.slow
def test_a_hard_photo_of_an_invoice_reads_its_table(engines: Engines) -> None:
    """On wood, at an angle, small and with a note across it: flattened, its item rows line up again."""
    data, truth = sample_hard("invoice", 2)
    truth.pop("_phenomena")
    result = process_document(data, "desk.jpg", engines=engines, options=ProcessOptions(today=TODAY))
    page = result.ocr[0]
    assert page.flattened is not None
    assert (page.flattened.width, page.flattened.height) == Image.open(io.BytesIO(data)).size
    hits = kind_field_hits("invoice", flat_fields(result), truth)
    assert hits["items.count"] and sum(hits.values()) / len(hits) >= 0.9, [k for k, v in hits.items() if not v]
    without = process_document(data, "desk.jpg", engines=engines,
                               options=ProcessOptions(today=TODAY, ocr=OcrSettings(find_page=False)))
    assert without.ocr[0].flattened is None
    assert sum(kind_field_hits("invoice", flat_fields(without), truth).values()) < sum(hits.values())
