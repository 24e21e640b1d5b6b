"""One small working copy per picture and size. Seals, notes across the print and the photo-quality checks each
look at a page scaled to the same long side; the page is resized once and the copy shared, instead of once per
stage.

Copies are kept per picture object while it lives (pictures are not changed in place once ingested: a stage
that turns or squares a page makes a new picture) and are read-only, so no stage can alter another's view."""

from __future__ import annotations

import threading
import weakref

import numpy as np
from PIL import Image

_COPIES: dict[int, dict[int, np.ndarray]] = {}
_LOCK = threading.Lock()


def _forget(key: int) -> None:
    with _LOCK:
        _COPIES.pop(key, None)


def work_copy(image: Image.Image, side: int) -> np.ndarray:
    """The picture as RGB, its long side scaled down to `side` (never up), as a read-only uint8 array; made once
    per picture and side (PIL's default bicubic resize, what every caller used on its own before)."""
    key = id(image)
    with _LOCK:
        held = _COPIES.get(key)
        if held is not None and side in held:
            return held[side]
    scale = min(1.0, side / max(image.size))
    small = np.asarray(image.convert("RGB").resize((max(1, round(image.width * scale)),
                                                    max(1, round(image.height * scale)))))
    small.setflags(write=False)
    with _LOCK:
        if key not in _COPIES:
            _COPIES[key] = {}
            # The id is reused once the picture is gone: its copies go with it.
            weakref.finalize(image, _forget, key)
        _COPIES[key][side] = small
    return small
