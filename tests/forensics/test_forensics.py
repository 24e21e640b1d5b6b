"""Forensics: every signal on genuine and forged photos, and on hostile pictures."""

from __future__ import annotations

import io
import random
from datetime import date, datetime

import imagehash
import numpy as np
import pytest
from PIL import Image

from attest.extract.seal import find_seals
from attest.pipeline import ProcessOptions, process_document
from eval.render.shop import make_shop, render_shop, screen_recapture

OPTS = ProcessOptions(today=date(2026, 11, 28))


def _shop(seed: int, **kw) -> tuple[bytes, random.Random]:
    rng = random.Random(seed)
    return render_shop(make_shop(rng, datetime(2026, 11, 28, 12)), rng, **kw), rng


def _codes(result) -> dict[str, str]:
    return {c.code: c.severity for c in result.checks}


@pytest.mark.slow
def test_photo_of_a_screen_fails(engines) -> None:
    data, rng = _shop(21)
    result = process_document(screen_recapture(data, rng), "screen.jpg", engines=engines, options=OPTS)
    assert _codes(result)["photo.recapture"] == "fail"
    assert result.signals is not None and result.signals.recapture_score > 600


@pytest.mark.slow
def test_edited_and_stripped_exif(engines) -> None:
    edited, _ = _shop(22, software="Adobe Photoshop 25.0 (Windows)")
    assert _codes(process_document(edited, "e.jpg", engines=engines, options=OPTS))["image.editing_software"] == "warn"
    stripped, _ = _shop(22, exif=False)
    assert _codes(process_document(stripped, "s.jpg", engines=engines, options=OPTS))["photo.exif_stripped"] == "warn"


def test_perceptual_hash_survives_recompression_and_resize() -> None:
    data, _ = _shop(23)
    img = Image.open(io.BytesIO(data))
    buf = io.BytesIO()
    img.resize((800, 600)).save(buf, "JPEG", quality=60)
    again = Image.open(io.BytesIO(buf.getvalue()))
    assert imagehash.phash(img) - imagehash.phash(again) <= 6
    other, _ = _shop(24)
    assert imagehash.phash(img) - imagehash.phash(Image.open(io.BytesIO(other))) > 10


def test_no_seal_on_a_blank_page() -> None:
    assert find_seals(Image.new("RGB", (1000, 700), "white")) == []


def _encode(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


HOSTILE = {
    "tiny": _encode(Image.new("RGB", (40, 40), (200, 50, 50)), "JPEG"),
    "grey": _encode(Image.new("L", (600, 400), 128), "PNG"),
    "cmyk": _encode(Image.new("CMYK", (600, 400), (0, 255, 255, 0)), "JPEG"),
    "16-bit": _encode(Image.fromarray((np.arange(600 * 400).reshape(400, 600) % 65535).astype(np.uint16)), "PNG"),
    "animated": _encode(Image.new("RGB", (300, 200), "red"), "WEBP", save_all=True,
                        append_images=[Image.new("RGB", (300, 200), "blue")]),
    "huge-but-allowed": _encode(Image.new("RGB", (6000, 4000), (90, 120, 150)), "JPEG", quality=50),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_pictures_are_examined_without_crashing(name: str, engines) -> None:
    result = process_document(HOSTILE[name], f"{name}.img", engines=engines, options=OPTS)
    assert result.status == "ok", result.errors
    assert result.signals is not None
