"""Red seals: found per page, counted, and their curved ring text unwrapped (polar transform) and read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from attest.data import load
from attest.layout.normalize import squash
from attest.ocr import OcrEngine
from attest.ocr.ink import paper_light, red_ink_mask
from attest.ocr.workcopy import work_copy


@dataclass(frozen=True)
class Seal:
    """One stamp: where it is (page pixels), its size, and what its ring says (as read)."""

    page: int
    centre: tuple[float, float]
    axes: tuple[float, float]
    ring_cover: float
    text: str
    text_confidence: float

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        (cx, cy), (a, b) = self.centre, self.axes
        return cx - a, cy - b, cx + a, cy + b


def red_mask(arr: np.ndarray) -> np.ndarray:
    """Red ink, with the paler pixels joined to it: a faded seal's ring is red in places and pink in between
    (strong pixels seed, weak ones connected to them count too)."""
    spec = load("seals")
    light = paper_light(arr, max(15, min(arr.shape[:2]) // 30))  # one estimate of the light for both masks
    strong = red_ink_mask(arr, spec["red_margin"], spec["red_min"], light)
    weak = red_ink_mask(arr, spec["red_margin"] * spec["weak_red_share"], spec["red_min"], light)
    count, labels = cv2.connectedComponents(weak, connectivity=8)
    seeded = np.zeros(count, dtype=bool)
    seeded[np.unique(labels[strong > 0])] = True
    seeded[0] = False
    mask: np.ndarray = seeded[labels].astype(np.uint8)
    return mask


def _ring_cover(mask: np.ndarray, ellipse: tuple[tuple[float, float], tuple[float, float], float]) -> float:
    outline = np.zeros_like(mask)
    cv2.ellipse(outline, ellipse, 1, thickness=max(3, int(min(ellipse[1]) * 0.06)))
    grown = cv2.dilate(mask, np.ones((3, 3), np.uint8))
    on = outline.astype(bool)
    return float(grown[on].mean()) if on.any() else 0.0


def find_seals(image: Image.Image, page: int = 1) -> list[Seal]:
    """Red rings on the page (round company seals and oval invoice seals), text not read yet."""
    spec = load("seals")
    scale = min(1.0, spec["work_side"] / max(image.size))
    small = work_copy(image, spec["work_side"])
    mask = red_mask(small)
    # Invoice forms are printed in the same red: their long straight rules would fuse with a seal's ring.
    span = max(25, int(min(mask.shape) * 0.08))
    rules = np.maximum(cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((1, span), np.uint8)),
                       cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((span, 1), np.uint8)))
    mask = np.where(rules > 0, 0, mask).astype(np.uint8)
    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    contours, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    short = min(small.shape[:2])
    seals = []
    for contour in contours:
        if len(contour) < 20:
            continue
        _, _, w, h = cv2.boundingRect(contour)
        if not spec["min_diameter"] * short <= max(w, h) <= spec["max_diameter"] * short or not 0.5 < w / h < 2.0:
            continue
        (ex, ey), (ew_, eh_), ang = cv2.fitEllipse(contour)
        ellipse = ((float(ex), float(ey)), (float(ew_), float(eh_)), float(ang))
        cover = _ring_cover(mask, ellipse)
        if cover < spec["min_ring_cover"]:
            continue
        (cx, cy), (ew, eh), angle = ellipse
        t = np.radians(angle)
        a, b = ew / 2, eh / 2
        # Half extents along x and y of the (possibly turned) ellipse: what the crop and unwrap need.
        half_w = float(np.hypot(a * np.cos(t), b * np.sin(t)))
        half_h = float(np.hypot(a * np.sin(t), b * np.cos(t)))
        seals.append(Seal(page, (cx / scale, cy / scale), (half_w / scale, half_h / scale), round(cover, 3), "", 0.0))
    return seals


def unwrap_ring(image: Image.Image, seal: Seal) -> Image.Image:
    """The ring text band as a straight strip, reading left to right with the letters upright.

    The strip keeps the letters' proportions (one pixel of arc per pixel of strip at the band's middle) and a
    small seal is enlarged first: a recogniser reads squashed or stretched characters as other ones. Ink is
    shaded by how dark it is where the picture is red rather than cut at a threshold, so the thin strokes of a
    small or faded seal survive.
    """
    spec = load("seals")
    lo, hi = spec["text_band"]
    (cx, cy), (a, b) = seal.centre, seal.axes
    radius = max(int(max(a, b) * max(1.0, spec["ring_min_radius"] / max(a, b, 1.0))), 8)
    # Ovals are stretched to a circle first so that one radius fits the whole band.
    crop = image.crop((int(cx - a), int(cy - b), int(cx + a), int(cy + b))).resize(
        (2 * radius, 2 * radius), Image.Resampling.BICUBIC)
    rgb = np.asarray(crop.convert("RGB")).astype(np.float32)
    redness = rgb[..., 0] - np.maximum(rgb[..., 1], rgb[..., 2])
    # The letters' shape comes from brightness, which a photo's JPEG keeps at full resolution; redness, kept
    # at half resolution and blurred by it, only says which dark pixels are the seal's (not print under it).
    luma = rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    dark = np.clip(np.percentile(luma, 90) - luma, 0, None)
    dark /= max(float(np.percentile(dark, 99)), 1.0)
    light = max(0.4, float(np.percentile(rgb.max(axis=2), 90)) / 255)
    red = np.clip(redness / (spec["ring_red_full"] * light), 0, 1)
    shade = (255 - np.clip(dark * red * 255 * spec["ring_ink_gain"], 0, 255)).astype(np.uint8)
    plain = np.repeat(shade[..., None], 3, axis=2)
    rows = max(64, int(2 * np.pi * radius * (lo + hi) / 2))
    polar = cv2.warpPolar(plain, (radius, rows), (radius, radius), radius, cv2.WARP_POLAR_LINEAR)
    band = polar[:, int(lo * radius): int(hi * radius)]
    # Rows run clockwise from 3 o'clock; start at 6 o'clock so the top of the ring sits mid-strip.
    band = np.roll(band, -rows // 4, axis=0)
    strip = np.rot90(band)  # radius up, angle to the right: upright text, left to right
    return Image.fromarray(np.ascontiguousarray(strip))


def read_seals(image: Image.Image, engine: OcrEngine, page: int = 1) -> list[Seal]:
    """Find every seal and read its ring text with the page's own OCR engine."""
    out = []
    for seal in find_seals(image, page):
        strip = unwrap_ring(image, seal)
        # The unwrapped ring is one line of text: recognition alone reads it, detection would only cost.
        raw, conf = engine.read_line(strip)
        text = squash(raw)
        out.append(Seal(seal.page, seal.centre, seal.axes, seal.ring_cover, text, round(conf, 3)))
    return out


def _core(name: str) -> str:
    """A name without the words every company name has: what tells two companies apart."""
    core = squash(name)
    for word in load("seals")["generic_words"]:
        core = core.replace(word, "")
    return core or squash(name)


def _trade_part(name: str) -> str:
    """The core past its leading two-character division (广州 华盛服装): two companies of one city share the
    division, so it says nothing about which company a ring names."""
    core = _core(name)
    return core[2:] if len(core) >= 5 else core


def _before_generic(name: str) -> str:
    """A company name up to its first generic word (有限公司, 分公司 …): city, 字号 and line of business."""
    head = squash(name)
    for word in load("seals")["generic_words"]:
        if word in head:
            head = head[: head.index(word)]
    return head


def trade_name(name: str) -> str:
    """A company's 字号: the name before its first generic word (有限公司 …), past its two-character city, without
    its line of business (`昆明恒通物流有限公司昆明第一分公司` → `恒通`); `` when too little is left to tell."""
    head = _before_generic(name)
    head = head[2:] if len(head) >= 5 else head
    for word in load("seals")["trade_words"]:
        if head.endswith(word) and len(head) - len(word) >= 2:
            head = head[: -len(word)]
            break
    return head if len(head) >= 2 else ""


def brands_differ(seal_text: str, names: Sequence[str]) -> bool:
    """The ring's trade name is none of `names`', and it carries none of theirs: it names another company."""
    from rapidfuzz import fuzz

    absent = load("seals")["brand_absent"]
    ring = trade_name(seal_text)
    theirs = [(brand, name) for name in names if (brand := trade_name(name))]
    if not ring or not theirs:
        return False
    core = _core(seal_text)
    return all(fuzz.partial_ratio(brand, core) < absent and fuzz.partial_ratio(ring, _core(name)) < absent
               for brand, name in theirs)


def _city_and_trade(name: str) -> tuple[str, str] | None:
    """A company name's city (its first two characters) and line of business (the trade word before its generic
    word): `成都东方服装有限公司` → (成都, 服装); None when the name does not show both."""
    head = _before_generic(name)
    trade = next((w for w in load("seals")["trade_words"] if head.endswith(w)), None)
    return (head[:2], trade) if trade is not None and len(head) - len(trade) >= 4 else None


def another_company(seal_text: str, names: Sequence[str]) -> bool:
    """The ring names a firm of another city in another line of business than each of `names`: two firms that
    share a common 字号 (东方, 恒通) are still two firms when both of these differ."""
    ring = _city_and_trade(seal_text)
    theirs = [_city_and_trade(name) for name in names]
    return ring is not None and bool(theirs) and all(
        t is not None and t[0] != ring[0] and t[1] != ring[1] for t in theirs)


def names_match(seal_text: str, name: str) -> int:
    """0–100: how much of `name`'s distinctive part the ring text carries (rings are often partly covered)."""
    from rapidfuzz import fuzz

    return int(fuzz.partial_ratio(_trade_part(name), _core(seal_text))) if seal_text and name else 0
