"""Ink colour per OCR line: seal impressions are red, and their text is never a field value."""

from __future__ import annotations

import numpy as np
from PIL import Image

from attest.schemas.ocr import OcrPage


def annotate_red_ink(page: OcrPage, image: Image.Image) -> None:
    """Set `red_ink` on every line: the share of its dark-enough pixels whose red clearly dominates."""
    arr = np.asarray(image)
    if arr.ndim != 3:
        return
    sx = arr.shape[1] / max(page.width or arr.shape[1], 1)
    sy = arr.shape[0] / max(page.height or arr.shape[0], 1)
    for line in page.lines:
        x0, y0, x1, y1 = line.bbox
        crop = arr[max(int(y0 * sy), 0) : int(y1 * sy) + 1, max(int(x0 * sx), 0) : int(x1 * sx) + 1]
        if crop.size == 0:
            continue
        rgb = crop.reshape(-1, 3).astype(np.int16)
        r, g, b = rgb[:, 0], rgb[:, 1], rgb[:, 2]
        # Blur and JPEG turn a seal's red strokes pink: judge hue by how far red stands above the others.
        red = (r - np.maximum(g, b) > 40) & (r > 120)
        ink = (rgb.min(axis=1) < 160) | red
        if not ink.any():
            continue
        line.red_ink = round(float(red[ink].mean()), 3)
