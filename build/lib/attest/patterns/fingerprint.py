"""Fingerprints: the part of a processed document the pattern store keeps (photo hashes and thumbnail,
masked contract text). Computed from the decoded pages, so stored results can be checked without images."""

from __future__ import annotations

import base64
import io
import re

import imagehash
from PIL import Image

from attest.layout.normalize import squash
from attest.schemas.contract import ContractEvidence
from attest.schemas.fingerprint import Fingerprint
from attest.schemas.ocr import OcrPage

THUMB_SIDE = 480
# (left, top, right, bottom) as shares of the picture: the whole, two centred crops and four corner crops.
# A copy cropped by up to about 15 % on any sides falls close to one of them.
CROPS: tuple[tuple[float, float, float, float], ...] = (
    (0, 0, 1, 1), (0.05, 0.05, 0.95, 0.95), (0.1, 0.1, 0.9, 0.9),
    (0, 0, 0.88, 0.88), (0.12, 0, 1, 0.88), (0, 0.12, 0.88, 1), (0.12, 0.12, 1, 1),
)


def image_hashes(image: Image.Image) -> list[str]:
    """The perceptual hash of each standard crop, on a shrunken copy (the hash looks at 32×32 anyway)."""
    small = image.convert("L")
    if max(small.size) > 512:
        small = small.reduce(max(1, max(small.size) // 512))
    w, h = small.size
    return [str(imagehash.phash(small.crop((round(a * w), round(b * h), round(c * w), round(d * h)))))
            for a, b, c, d in CROPS]


def thumbnail(image: Image.Image) -> str:
    small = image.convert("RGB")
    scale = THUMB_SIDE / max(small.size)
    if scale < 1:
        small = small.resize((round(small.width * scale), round(small.height * scale)), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    small.save(buf, "JPEG", quality=90)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def masked_contract_text(pages: list[OcrPage], contract: ContractEvidence) -> str:
    """All the contract's text, squashed, with each party's name and code replaced by a placeholder."""
    text = "".join(squash(line.text) for page in pages for line in page.lines)
    for field, mark in ((contract.party_a, "〈甲〉"), (contract.party_b, "〈乙〉"),
                        (contract.party_a_tax_id, "〈甲码〉"), (contract.party_b_tax_id, "〈乙码〉")):
        if field is not None and len(squash(field.value)) >= 2:
            text = text.replace(squash(field.value), mark)
    # Any other 18-character code (a seal's, a misread party's) is identity too.
    return re.sub(r"[0-9A-Z]{18}", "〈码〉", text)


def photo_fingerprint(image: Image.Image) -> Fingerprint:
    return Fingerprint(image_hashes=image_hashes(image), thumbnail=thumbnail(image))


def contract_fingerprint(pages: list[OcrPage], contract: ContractEvidence) -> Fingerprint:
    return Fingerprint(text=masked_contract_text(pages, contract))
