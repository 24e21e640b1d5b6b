"""Confirming a near-duplicate photo: register one thumbnail onto the other and count differing pixels.

Perceptual hashes only shortlist: shops built alike (the same shelving, a flat wall, one signboard colour)
hash close. A copy, though, lines up pixel for pixel once the crop, scale and perspective are undone:
ORB features + a RANSAC homography undo them, and after a global gain (relighting) almost every pixel of a
copy agrees, while different shops disagree wherever their goods, colours or words differ.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import cv2
import numpy as np

from attest.patterns.spec import PhotoSpec


@dataclass(frozen=True)
class Registration:
    matched: bool
    differing_share: float  # share of the overlap whose colour differs beyond tolerance; 1.0 when not registered
    overlap: float
    inliers: int


def decode_thumbnail(b64: str) -> np.ndarray[Any, Any] | None:
    try:
        raw = np.frombuffer(base64.b64decode(b64, validate=True), dtype=np.uint8)
    except ValueError:
        return None
    img = cv2.imdecode(raw, cv2.IMREAD_COLOR)
    return img if img is not None and img.size else None


def _features(img: np.ndarray[Any, Any], n: int) -> tuple[np.ndarray[Any, Any], Any]:
    # A low FAST threshold: phone photos of flat shopfronts have little texture.
    orb = cv2.ORB_create(nfeatures=n, fastThreshold=5)  # type: ignore[attr-defined]
    kps, des = orb.detectAndCompute(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), None)
    return np.array([k.pt for k in kps], dtype=np.float32), des


@lru_cache(maxsize=32)
def _prepared(b64: str, n: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], Any] | None:
    """Decoded thumbnail and its features, cached: one new photo is registered against several candidates."""
    img = decode_thumbnail(b64)
    if img is None:
        return None
    pts, des = _features(img, n)
    return img, pts, des


def register(query_b64: str, stored_b64: str, spec: PhotoSpec) -> Registration:
    """Is `query` a copy (cropped, rescaled, relit, recompressed, re-shot) of `stored`?"""
    none = Registration(False, 1.0, 0.0, 0)
    qp, sp = _prepared(query_b64, spec.features), _prepared(stored_b64, spec.features)
    if qp is None or sp is None:
        return none
    (q, pq, dq), (s, ps, ds) = qp, sp
    if dq is None or ds is None or len(dq) < spec.min_matches or len(ds) < spec.min_matches:
        return none
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(dq, ds, k=2)
    good = [m for m, n in (p for p in pairs if len(p) == 2) if m.distance < 0.8 * n.distance]
    if len(good) < spec.min_matches:
        return none
    h, mask = cv2.findHomography(ps[[m.trainIdx for m in good]], pq[[m.queryIdx for m in good]], cv2.RANSAC, 4.0)
    if h is None:
        return none
    size = (q.shape[1], q.shape[0])
    warped = cv2.warpPerspective(s, h, size).astype(np.float32)
    covered = cv2.warpPerspective(np.full(s.shape[:2], 255, np.uint8), h, size)
    # Erode the overlap: interpolated border pixels are half background.
    valid = cv2.erode((covered > 0).astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    overlap = float(valid.mean())
    inliers = int(mask.sum()) if mask is not None else 0
    if overlap < spec.min_overlap or inliers < spec.min_inliers:
        return Registration(False, 1.0, round(overlap, 3), inliers)
    a, b = q.astype(np.float32)[valid], warped[valid]
    gain = float((a * b).sum() / ((b * b).sum() + 1e-9))
    share = float((np.abs(a - gain * b).max(axis=1) > spec.pixel_tolerance).mean())
    return Registration(share <= spec.max_differing_share, round(share, 4), round(overlap, 3), inliers)
