"""Ink colour per OCR line: seal impressions are red, and their text is never a field value."""

from __future__ import annotations

import numpy as np
from PIL import Image

from attest.data import load
from attest.schemas.ocr import OcrPage


def annotate_red_ink(page: OcrPage, image: Image.Image) -> None:
    """Set `red_ink` on every line: the share of its dark-enough pixels whose red clearly dominates."""
    arr = np.asarray(image)
    if arr.ndim != 3:
        return
    level = load("seals")["line_ink"]
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
        light = min(1.0, max(level["min_light"], paper / 255))
        # Blur and JPEG turn a seal's red strokes pink: judge hue by how far red stands above the others.
        red = (r - np.maximum(g, b) > level["red_margin"] * light) & (r > level["red_min"] * light)
        ink = (rgb.min(axis=1) < min(float(level["dark_max"]), paper - level["dark_below_paper"])) | red
        if not ink.any():
            continue
        line.red_ink = round(float(red[ink].mean()), 3)


def paper_light(arr: np.ndarray, span: int) -> np.ndarray:
    """How lit the paper is around each pixel (0.4–1): the brightest channel's local maximum over `span` pixels.

    A shadow or a dim room scales every level under it; judging ink against this keeps a seal in a shadow red."""
    import cv2

    brightest = arr.max(axis=2).astype(np.uint8)
    k = max(3, span | 1)
    paper = cv2.blur(cv2.dilate(brightest, np.ones((k, k), np.uint8)), (k, k))
    light: np.ndarray = np.clip(paper.astype(np.float32) / 255, load("seals")["line_ink"]["min_light"], 1.0)
    return light


def red_ink_mask(arr: np.ndarray, margin: float, minimum: float, light: np.ndarray | None = None) -> np.ndarray:
    """1 where red stands `margin` above green and blue and is at least `minimum`, both scaled by the light
    (`paper_light`, estimated here unless the caller already has it for this picture)."""
    rgb = arr.astype(np.int16)
    if light is None:
        light = paper_light(arr, max(15, min(arr.shape[:2]) // 30))
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    mask: np.ndarray = ((r - np.maximum(g, b) > margin * light) & (r > minimum * light)).astype(np.uint8)
    return mask


def seal_blobs(image: Image.Image) -> list[tuple[int, int, int, int]]:
    """Boxes (page pixels) of red rings the size of a seal: stamps that may hide the print under them."""
    import cv2

    from attest.ocr.workcopy import work_copy

    spec = load("seals")
    work_side, min_share = spec["blob_work_side"], spec["blob_min_share"]
    scale = min(1.0, work_side / max(image.size))
    small = work_copy(image, work_side)
    mask = red_ink_mask(small, spec["red_margin"], spec["red_min"])
    red = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(red)
    short = min(small.shape[:2])
    out = []
    for x, y, w, h, _area in stats[1:count]:
        if not (min_share * short <= max(w, h) <= spec["blob_max_share"] * short and 0.5 < w / max(h, 1) < 2.0):
            continue
        # A stamp is a ring with a star and letters inside (≤ 0.28 of its middle red on the dev set's licences
        # and invoices); a national emblem or a red sign is solid red there (≥ 0.66).
        inner = np.zeros_like(mask)
        cv2.ellipse(inner, (x + w // 2, y + h // 2), (max(1, int(w * 0.3)), max(1, int(h * 0.3))), 0, 0, 360, 1, -1)
        if float(mask[inner > 0].mean()) <= spec["max_inner_fill"]:
            out.append((int(x / scale), int(y / scale), int((x + w) / scale), int((y + h) / scale)))
    return out


def without_red(image: Image.Image) -> Image.Image:
    """The picture as its red channel: red seal ink turns paper-white, black print stays black."""
    red = image.convert("RGB").getchannel("R")
    return Image.merge("RGB", (red, red, red))
