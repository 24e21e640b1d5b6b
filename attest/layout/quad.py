"""A flattened page's boxes mapped back onto the photo it was cut from (the reviewer sees the upload)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from attest.schemas.ocr import OcrPage, Point


def _homography(src: Sequence[Point], dst: Sequence[Point]) -> np.ndarray:
    """The 3×3 projective map taking the four `src` points to the four `dst` points."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(src, dst, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    h = np.linalg.solve(np.array(rows, dtype=np.float64), np.array(rhs, dtype=np.float64))
    return np.append(h, 1.0).reshape(3, 3)


def to_upload(page: OcrPage, points: Sequence[Point]) -> list[Point]:
    """`points` in the page's reading pixels, placed on the uploaded picture (unchanged if not flattened)."""
    if page.flattened is None or not points:
        return list(points)
    w, h = float(page.width), float(page.height)
    matrix = _homography([(0, 0), (w, 0), (w, h), (0, h)], page.flattened.corners)
    pts = np.column_stack([np.array(points, dtype=np.float64), np.ones(len(points))]) @ matrix.T
    return [(float(x / z), float(y / z)) for x, y, z in pts]


def upload_size(page: OcrPage) -> tuple[int, int]:
    """The size of the picture the reviewer is shown for this page."""
    return (page.flattened.width, page.flattened.height) if page.flattened else (page.width, page.height)
