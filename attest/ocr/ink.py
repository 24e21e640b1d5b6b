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
        # The paper's brightness here: in a shadow every level below scales with it, so a seal in a shadow is
        # judged as it would be in full light, and grey paper is not taken for ink.
        paper = float(np.percentile(rgb.max(axis=1), 90))
        light = min(1.0, max(0.4, paper / 255))
        # Blur and JPEG turn a seal's red strokes pink: judge hue by how far red stands above the others.
        red = (r - np.maximum(g, b) > 40 * light) & (r > 120 * light)
        ink = (rgb.min(axis=1) < min(160.0, paper - 50)) | red
        if not ink.any():
            continue
        line.red_ink = round(float(red[ink].mean()), 3)


def seal_blobs(image: Image.Image, *, work_side: int = 800, min_share: float = 0.06) -> list[tuple[int, int, int, int]]:
    """Boxes (page pixels) of red blobs the size of a seal: stamps that may hide the print under them."""
    import cv2

    scale = min(1.0, work_side / max(image.size))
    small = np.asarray(image.convert("RGB").resize((max(1, round(image.width * scale)),
                                                    max(1, round(image.height * scale))))).astype(np.int16)
    mask = ((small[..., 0] - np.maximum(small[..., 1], small[..., 2]) > 50) & (small[..., 0] > 110)).astype(np.uint8)
    red = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(red)
    short = min(small.shape[:2])
    out = []
    for x, y, w, h, _area in stats[1:count]:
        if min_share * short <= max(w, h) <= 0.6 * short and 0.5 < w / max(h, 1) < 2.0:
            out.append((int(x / scale), int(y / scale), int((x + w) / scale), int((y + h) / scale)))
    return out


def without_red(image: Image.Image) -> Image.Image:
    """The picture as its red channel: red seal ink turns paper-white, black print stays black."""
    red = image.convert("RGB").getchannel("R")
    return Image.merge("RGB", (red, red, red))
