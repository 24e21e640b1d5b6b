"""Photo of a screen: the pixel grid and its moiré, as isolated high-frequency peaks of the spectrum."""

from __future__ import annotations

import numpy as np
from PIL import Image

from attest.data import load


def _windows(gray: np.ndarray, side: int, count: int) -> list[np.ndarray]:
    h, w = gray.shape
    if h < side or w < side:
        return [gray] if min(h, w) >= 16 else []
    half = side // 2
    centres = [(h // 2, w // 2), (h // 4, w // 4), (h // 4, 3 * w // 4), (3 * h // 4, w // 4),
               (3 * h // 4, 3 * w // 4)][:count]
    # Windows near the edge of a small picture slide inwards rather than fall off it.
    clamped = {(min(max(cy, half), h - half), min(max(cx, half), w - half)) for cy, cx in centres}
    return [gray[cy - half: cy + half, cx - half: cx + half] for cy, cx in sorted(clamped)]


def _peak_score(window: np.ndarray, min_radius: float) -> float:
    win = window - window.mean()
    win = win * np.outer(np.hanning(win.shape[0]), np.hanning(win.shape[1]))
    spectrum = np.abs(np.fft.fftshift(np.fft.fft2(win)))
    h, w = spectrum.shape
    yy, xx = np.mgrid[0:h, 0:w]
    radius = np.hypot((yy - h / 2) / (h / 2), (xx - w / 2) / (w / 2))
    score = 0.0
    # Compare each peak with the median of its own ring: natural images fall off smoothly with frequency.
    for lo in np.arange(min_radius, 1.0, 0.08):
        ring = (radius >= lo) & (radius < lo + 0.08)
        if ring.sum() < 16:
            continue
        values = spectrum[ring]
        score = max(score, float(values.max() / (np.median(values) + 1e-6)))
    return score


def recapture_score(image: Image.Image) -> float:
    """Larger means more screen-like; thresholds live in `data/forensics.yaml`."""
    spec = load("forensics")["recapture"]
    gray = np.asarray(image.convert("L"), dtype=np.float32)
    scores = []
    for scale in (1.0, 0.5):
        g = gray if scale == 1.0 else np.asarray(
            image.convert("L").resize((max(1, int(image.width * scale)), max(1, int(image.height * scale)))),
            dtype=np.float32)
        scores += [_peak_score(w, spec["min_radius"]) for w in _windows(g, spec["crop"], spec["crops"])]
    return round(max(scores, default=0.0), 2)
