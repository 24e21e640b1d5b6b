"""A phone photo of a paper invoice: the page in perspective on a table, uneven light, 4032x3024 JPEG."""

from __future__ import annotations

import io
import random

import numpy as np
from PIL import Image, ImageFilter


def _coeffs(src: list[tuple[float, float]], dst: list[tuple[float, float]]) -> list[float]:
    """Perspective coefficients mapping output (dst) points back to input (src) points, for PIL."""
    rows = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    a = np.array(rows, dtype=np.float64)
    b = np.array([c for pt in src for c in pt], dtype=np.float64)
    return list(np.linalg.solve(a, b))


def phone_photo(page: Image.Image, seed: int, size: tuple[int, int] = (4032, 3024)) -> bytes:
    """Same seed → same bytes."""
    rng = random.Random(seed)
    w, h = size
    table = Image.new("RGB", size, (118, 96, 74)).filter(ImageFilter.GaussianBlur(2))
    margin_x, margin_y = w * 0.08, h * 0.1
    jitter = [rng.uniform(-0.03, 0.03) * w for _ in range(8)]
    dst = [(margin_x + jitter[0], margin_y + jitter[1]), (w - margin_x + jitter[2], margin_y + jitter[3]),
           (w - margin_x + jitter[4], h - margin_y + jitter[5]), (margin_x + jitter[6], h - margin_y + jitter[7])]
    pw, ph = page.size
    coeffs = _coeffs([(0, 0), (pw, 0), (pw, ph), (0, ph)], dst)
    warped = page.convert("RGBA").transform(size, Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC)
    table.paste(warped, (0, 0), warped)
    arr = np.asarray(table).astype(np.float32)
    yy, xx = np.mgrid[0:h, 0:w]
    light = 0.75 + 0.25 * np.exp(-(((xx - w * 0.6) / w) ** 2 + ((yy - h * 0.4) / h) ** 2) * 3)
    arr = np.clip(arr * light[..., None] + np.random.default_rng(seed).normal(0, 4, arr.shape), 0, 255)
    buf = io.BytesIO()
    Image.fromarray(arr.astype(np.uint8)).save(buf, "JPEG", quality=90)
    return buf.getvalue()
