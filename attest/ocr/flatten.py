"""Photos of paper: find the sheet in the photo, cut it out along its four edges and square it before OCR.

A merchant photographs an invoice lying on a desk, a cloth or another sheet, from an angle. Read as it is, the
page fills only part of the reader's pixels and its rows run aslant, so table rows and label–value pairs no
longer line up. The sheet is the largest bright, colourless, four-sided region that stands out from what is
around it; it is looked for on a small copy (cheap) and warped from the full picture. A photo that is all page
(a scan, a close shot) or shows no such region is read as it is.

Two views of "paper-like" are tried: colourless (saturation; survives shadows, tells paper from wood and cloth)
and bright (tells paper from a grey or dark desk). Each must pass the same tests before its quadrilateral is
trusted; the one that stands out more wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from PIL import Image

from attest.data import load

Corners = list[tuple[float, float]]


@dataclass(frozen=True)
class FoundPage:
    corners: Corners  # top-left, top-right, bottom-right, bottom-left, in the given picture's pixels
    contrast: float


def _order(points: np.ndarray) -> np.ndarray:
    """Four points as top-left, top-right, bottom-right, bottom-left."""
    s = points.sum(axis=1)
    d = points[:, 1] - points[:, 0]
    return np.array([points[np.argmin(s)], points[np.argmin(d)], points[np.argmax(s)], points[np.argmax(d)]],
                    dtype=np.float32)


def _angles_ok(quad: np.ndarray, min_angle: float) -> bool:
    for i in range(4):
        a, b, c = quad[i - 1], quad[i], quad[(i + 1) % 4]
        u, v = a - b, c - b
        cos = float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v) + 1e-9))
        if np.degrees(np.arccos(np.clip(cos, -1, 1))) < min_angle:
            return False
    return cv2.isContourConvex(quad.reshape(-1, 1, 2).astype(np.float32))


def _quad_of(mask: np.ndarray, spec: dict[str, Any]) -> np.ndarray | None:
    """The four-cornered outline of the mask's largest region, when it has one."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n < 2:
        return None
    biggest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    region = (labels == biggest).astype(np.uint8)
    share = stats[biggest, cv2.CC_STAT_AREA] / mask.size
    if not spec["min_area"] <= share <= spec["max_area"]:
        return None
    contours, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    hull = cv2.convexHull(max(contours, key=cv2.contourArea))
    perimeter = cv2.arcLength(hull, True)
    for eps in spec["simplify"]:
        approx = cv2.approxPolyDP(hull, eps * perimeter, True)
        if len(approx) == 4:
            quad = _order(approx.reshape(4, 2).astype(np.float32))
            filled = np.zeros_like(region)
            cv2.fillConvexPoly(filled, quad.astype(np.int32), 1)
            fill = float((region & filled).sum()) / max(float(filled.sum()), 1.0)
            if fill >= spec["min_fill"] and _angles_ok(quad, spec["min_corner_angle"]):
                return quad
            return None
    return None


def _contrast(score: np.ndarray, quad: np.ndarray, band: int) -> float:
    """How much more paper-like the band just inside the outline is than the band just outside it."""
    inside = np.zeros(score.shape, np.uint8)
    cv2.fillConvexPoly(inside, quad.astype(np.int32), 1)
    kernel = np.ones((band, band), np.uint8)
    ring_in = inside - cv2.erode(inside, kernel)
    ring_out = cv2.dilate(inside, kernel) - inside
    if ring_out.sum() < band * 4:  # the page runs off the photo on every side: nothing outside to compare
        return 0.0
    return float(score[ring_in > 0].mean() - score[ring_out > 0].mean())


def _colourful_share(sat: np.ndarray, val: np.ndarray, quad: np.ndarray, spec: dict[str, Any]) -> float:
    """Share of the region's pixels that are bright colour: a seal or a red title is a little of a page; a sign
    board, an awning or a shop window is most of a storefront's bright region."""
    inside = np.zeros(sat.shape, np.uint8)
    cv2.fillConvexPoly(inside, quad.astype(np.int32), 1)
    colourful = (sat > spec["colour_saturation"]) & (val > 90)
    return float(colourful[inside > 0].mean())


def _candidates(small: np.ndarray, spec: dict[str, Any]) -> list[tuple[np.ndarray, float]]:
    hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)
    sat, val = hsv[..., 1].astype(np.float32), hsv[..., 2].astype(np.float32)
    # Dark pixels (print) have no trustworthy colour; count them as neither paper nor background.
    colourless = np.where(val < 90, 128.0, 255.0 - sat)
    bright = val
    side = max(small.shape[:2])
    k = max(3, int(side * spec["close_share"]) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    band = max(3, side // 60)
    out = []
    for score in (colourless, bright):
        blurred = cv2.GaussianBlur(score, (5, 5), 0)
        u8 = np.clip(blurred, 0, 255).astype(np.uint8)
        _, mask = cv2.threshold(u8, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
        quad = _quad_of(mask, spec)
        if quad is None or _colourful_share(sat, val, quad, spec) > spec["max_colourful"]:
            continue
        contrast = _contrast(blurred, quad, band)
        if contrast >= spec["min_contrast"]:
            out.append((quad, contrast))
    return out


def find_page(image: Image.Image) -> FoundPage | None:
    """The sheet of paper in a photo, when there is one worth cutting out; None to read the photo as it is."""
    spec = load("page_find")
    scale = spec["work_side"] / max(image.size)
    small_size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    small = np.asarray(image.convert("RGB").resize(small_size, Image.Resampling.BILINEAR))
    found = _candidates(small, spec)
    if not found:
        return None
    quad, contrast = max(found, key=lambda c: c[1])
    h, w = small.shape[:2]
    centre = quad.mean(axis=0)
    size = np.array([np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[3] - quad[0])])
    widened = quad + np.sign(quad - centre) * size.max() * spec["margin"]
    widened[:, 0] = widened[:, 0].clip(0, w)
    widened[:, 1] = widened[:, 1].clip(0, h)
    area = cv2.contourArea(widened) / (w * h)
    frame = np.array([(0, 0), (w, 0), (w, h), (0, h)], dtype=np.float32)
    corner_shift = float(np.linalg.norm(widened - frame, axis=1).max()) / max(w, h)
    if 1 - area < spec["min_gain_area"] and corner_shift < spec["min_gain_corner"]:
        return None
    corners = [(float(x) / scale, float(y) / scale) for x, y in widened]
    return FoundPage(corners=corners, contrast=round(contrast, 1))


def flatten(image: Image.Image, corners: Corners, max_side: int) -> Image.Image:
    """The page within `corners` squared to a rectangle of its own proportions, at most `max_side` long."""
    src = np.array(corners, dtype=np.float32)
    picture = np.asarray(image.convert("RGB"))
    width = float(max(np.linalg.norm(src[1] - src[0]), np.linalg.norm(src[2] - src[3])))
    height = float(max(np.linalg.norm(src[3] - src[0]), np.linalg.norm(src[2] - src[1])))
    scale = min(1.0, max_side / max(width, height, 1.0))
    if scale < 0.6:  # a big photo: shrink it whole first (area filter), a warp would sample it sparsely
        picture = cv2.resize(picture, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        src, width, height, scale = src * scale, width * scale, height * scale, 1.0
    out_w, out_h = max(1, round(width * scale)), max(1, round(height * scale))
    dst = np.array([(0, 0), (out_w, 0), (out_w, out_h), (0, out_h)], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    flat = cv2.warpPerspective(picture, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)
    return Image.fromarray(flat)


def turned_corners(corners: Corners, rotation: int) -> Corners:
    """The corners re-ordered for the page turned clockwise by `rotation` (its new top-left first)."""
    k = (rotation // 90) % 4
    return corners[-k:] + corners[:-k] if k else list(corners)
