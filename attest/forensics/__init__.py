"""Forensics on every image: perceptual hashes, screen recapture, EXIF editing and stripping, error level.

Each signal carries its value; each judgement is a `CheckResult` whose threshold lives in
`data/forensics.yaml`.
"""

from __future__ import annotations

import io

import imagehash
import numpy as np
from PIL import Image

from attest.data import load
from attest.findings import result
from attest.forensics.recapture import recapture_score
from attest.schemas.checks import CheckResult
from attest.schemas.document import Document
from attest.schemas.signals import ImageSignals

_CAMERA_TYPES = ("image/jpeg", "image/heic")


def error_level_score(image: Image.Image, quality: int, block: int) -> float:
    """99th-percentile block error after one more JPEG save, over the median block: pasted regions stand out."""
    small = image.convert("RGB")
    if max(small.size) > 1600:
        small = small.resize((small.width * 1600 // max(small.size), small.height * 1600 // max(small.size)))
    buf = io.BytesIO()
    small.save(buf, "JPEG", quality=quality)
    again = np.asarray(Image.open(io.BytesIO(buf.getvalue())), dtype=np.float32)
    diff = np.abs(np.asarray(small, dtype=np.float32) - again).mean(axis=2)
    h, w = (diff.shape[0] // block) * block, (diff.shape[1] // block) * block
    if h == 0 or w == 0:
        return 0.0
    blocks = diff[:h, :w].reshape(h // block, block, w // block, block).mean(axis=(1, 3))
    return round(float(np.percentile(blocks, 99) / (np.median(blocks) + 0.5)), 2)


def examine(doc: Document, *, is_photo: bool) -> tuple[ImageSignals, list[CheckResult]]:
    """Signals of the first page and the checks they trigger; `is_photo` means a photo of a place."""
    spec = load("forensics")
    image = doc.pages[0].image
    born_digital = doc.media_type == "application/pdf"
    software = doc.exif.get("Software")
    camera = " ".join(v for v in (doc.exif.get("Make"), doc.exif.get("Model")) if v) or None
    # The hashes look at a 32×32 thumbnail: shrink by an integer factor first (cheap), not by resampling
    # the full photo down in one antialiased step.
    factor = max(1, min(image.size) // 256)
    thumb = image.reduce(factor) if factor > 1 else image
    signals = ImageSignals(
        phash=str(imagehash.phash(thumb)), dhash=str(imagehash.dhash(thumb)),
        recapture_score=0.0 if born_digital or not is_photo else recapture_score(image),
        error_level_score=error_level_score(image, spec["error_level"]["quality"], spec["error_level"]["block"])
        if doc.media_type == "image/jpeg" and is_photo else None,
        software=software, camera=camera,
    )
    checks: list[CheckResult] = []
    rec = spec["recapture"]
    # Judged on photos of places only: printed pages are periodic by nature (text lines, table rules) and
    # score high without any screen; their score is kept as a signal, not turned into a verdict.
    if is_photo and not born_digital:
        score = signals.recapture_score
        case = "raised" if score >= rec["fail_score"] else "likely" if score >= rec["warn_score"] else "pass"
        checks.append(result("photo.recapture", case,
                             "疑似翻拍屏幕" if case != "pass" else "未见屏幕翻拍特征",
                             "looks like a photo of a screen" if case != "pass" else "no screen-grid pattern",
                             doc=doc.sha256, fields=["image"], score=score, warn_at=rec["warn_score"],
                             fail_at=rec["fail_score"]))
    edit = spec["editing_software"]
    if software and any(name in software.lower() for name in edit["names"]):
        checks.append(result("image.editing_software", "raised", f"图片经编辑软件处理: {software}",
                             f"the picture went through editing software: {software}", doc=doc.sha256,
                             fields=["exif.Software"], software=software))
    if is_photo and doc.media_type in _CAMERA_TYPES and camera is None:
        checks.append(result("photo.exif_stripped", "raised", "照片缺少相机信息",
                             "the photo carries no camera make or model", doc=doc.sha256, fields=["exif"]))
    ela = signals.error_level_score
    if ela is not None and ela >= spec["error_level"]["info_score"]:
        checks.append(result("image.error_level", "raised", "局部压缩痕迹异常", "a region was compressed differently",
                             doc=doc.sha256, fields=["image"], score=ela))
    return signals, checks
