"""Upload quality: blurred, dark, glared, cut off, too small, not evidence, unreadable — said at once, per upload.

Each finding is a `quality.*` check the merchant's app can show as it is ("retake: the bottom of the page is cut
off"); the policy decides what an application whose evidence could not be read becomes (`unreadable_means`).
"""

from __future__ import annotations

import statistics
from typing import Any

import numpy as np
from PIL import Image

from attest.data import load
from attest.findings import result
from attest.kinds import kinds
from attest.layout.normalize import squash
from attest.ocr.workcopy import work_copy
from attest.schemas.checks import CheckResult
from attest.schemas.document import DocumentResult
from attest.schemas.ocr import FILE_TEXT_ENGINES, OcrPage


def _say(code: str, doc: str, fields: list[str], **fmt: str) -> CheckResult:
    # How the picture looks is `info` in the check catalogue (the app shows it at once); only a document that
    # could not be read (`unreadable`, `not_evidence`) is a `warn` that weighs on the decision — the reading's own
    # confidence already discounts a figure read from a poor photo.
    zh, en = load("quality")["messages"][code]
    return result(f"quality.{code}", "raised", zh.format(**fmt), en.format(**fmt),
                  doc=doc, fields=fields, **fmt)


def _sharpness(gray: np.ndarray) -> float:
    lap = gray[1:-1, 1:-1] * -4 + gray[:-2, 1:-1] + gray[2:, 1:-1] + gray[1:-1, :-2] + gray[1:-1, 2:]
    return float(lap.var())


def _mean_confidence(page: OcrPage) -> float:
    chars = sum(len(ln.text) for ln in page.lines)
    return sum(ln.confidence * len(ln.text) for ln in page.lines) / chars if chars else 0.0


def _cut_edges(page: OcrPage, spec: dict[str, Any]) -> list[str]:
    w, h = float(page.width or 1), float(page.height or 1)
    margin_x, margin_y = w * spec["edge_share"], h * spec["edge_share"]
    touching = {"top": 0, "bottom": 0, "left": 0, "right": 0}
    for ln in page.lines:
        if len(ln.text.strip()) < 2:
            continue
        x0, y0, x1, y1 = ln.bbox
        touching["top"] += y0 <= margin_y
        touching["bottom"] += y1 >= h - margin_y
        touching["left"] += x0 <= margin_x
        touching["right"] += x1 >= w - margin_x
    return [edge for edge, n in touching.items() if n >= spec["cut_lines"]]


def _has_end(page: OcrPage, words: tuple[str, ...]) -> bool:
    text = "".join(squash(ln.text) for ln in page.lines)
    return any(w in text for w in words)


def _picture_findings(result_: DocumentResult, image: Image.Image, doc: str, spec: dict[str, Any]) -> list[CheckResult]:
    out = []
    page = result_.ocr[0] if result_.ocr else None
    # The page's boxes are in the picture's own pixels (the picture as read, turned upright).
    if min(image.size) < spec["min_short_side"] or (
            page and page.lines and statistics.median(ln.bbox[3] - ln.bbox[1] for ln in page.lines)
            < spec["min_text_height"]):
        out.append(_say("too_small", doc, ["image"]))
    rgb = work_copy(image, spec["work_side"]).astype(np.float32)
    gray = rgb.mean(axis=2)
    if gray.mean() < spec["min_brightness"]:
        out.append(_say("dark", doc, ["image"]))
    stats = result_.classification.image or {}
    # A photo of paper squared before reading is mostly paper-white now, and still a photo that can glare.
    is_photo = (page is not None and page.flattened is not None) or \
        stats.get("white_share", 1.0) < spec["photo_max_white_share"]
    if is_photo and float((rgb.min(axis=2) >= spec["glare_level"]).mean()) > spec["max_glare_share"]:
        out.append(_say("glare", doc, ["image"]))
    if page is not None and _sharpness(gray) < spec["min_sharpness"] \
            and _mean_confidence(page) < spec["blur_max_confidence"]:
        out.append(_say("blurred", doc, ["image"]))
    return out


def check_quality(result_: DocumentResult, kind: str, image: Image.Image | None) -> list[CheckResult]:
    """The quality findings of one upload read as `kind` (`image`: its first page as read)."""
    spec = load("quality")
    row = kinds().get(kind)
    doc = result_.document_id
    # A file's own text (a PDF's text layer, an OFD's text objects) is exact: no photo to retake.
    from_file = bool(result_.ocr) and result_.ocr[0].engine in FILE_TEXT_ENGINES
    out = _picture_findings(result_, image, doc, spec) if image is not None and result_.ocr and not from_file else []
    if row is not None and row.paper and result_.ocr and not from_file:
        edges = _cut_edges(result_.ocr[0], spec)
        end_words = row.quality.end_words
        if end_words and len(result_.ocr) == 1 and "bottom" not in edges and not _has_end(result_.ocr[0], end_words):
            edges.append("bottom")
        for edge in edges:
            zh, en = spec["edges"][edge]
            out.append(_say("cut_off", doc, ["image"], edge=zh, edge_en=en))
    if row is None:
        out.append(_say("not_evidence", doc, ["kind"]))
        return out
    fields = list(row.quality.key_fields)
    what, what_en = row.quality.what
    evidence = row.evidence_of(result_)
    if evidence is None or all(getattr(evidence, f, None) is None for f in fields):
        out.append(_say("unreadable", doc, fields, what=what, what_en=what_en))
    return out
