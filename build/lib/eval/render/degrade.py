"""Photographed-paper degradations: rotation, blur, JPEG, noise, uneven light, low resolution, turned 90°."""

from __future__ import annotations

import io
import random

import numpy as np
from PIL import Image, ImageFilter

KINDS = ("rotate", "blur", "jpeg", "noise", "light", "lowres", "turn90")


def degrade(img: Image.Image, kind: str, rng: random.Random) -> bytes:
    """Encoded bytes (JPEG or PNG) of `img` degraded one way; the same rng state gives the same bytes."""
    if kind == "rotate":
        img = img.rotate(rng.uniform(-3, 3), expand=True, fillcolor=(235, 235, 230), resample=Image.Resampling.BICUBIC)
    elif kind == "blur":
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.8, 1.5)))
    elif kind == "noise":
        arr = np.asarray(img).astype(np.int16)
        noise = np.random.default_rng(rng.randrange(2**32)).normal(0, rng.uniform(8, 16), arr.shape)
        img = Image.fromarray(np.clip(arr + noise, 0, 255).astype(np.uint8))
    elif kind == "light":
        arr = np.asarray(img).astype(np.float32)
        w = arr.shape[1]
        ramp = np.linspace(rng.uniform(0.55, 0.75), 1.0, w)[None, :, None]
        img = Image.fromarray(np.clip(arr * ramp, 0, 255).astype(np.uint8))
    elif kind == "lowres":
        scale = rng.uniform(0.5, 0.6)
        img = img.resize((round(img.width * scale), round(img.height * scale)), Image.Resampling.BILINEAR)
    elif kind == "turn90":
        img = img.rotate(rng.choice([90, 270]), expand=True)
    buf = io.BytesIO()
    quality = rng.randint(40, 70) if kind == "jpeg" else 85
    img.save(buf, "JPEG", quality=quality)
    return buf.getvalue()
