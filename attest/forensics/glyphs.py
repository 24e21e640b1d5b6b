"""A pasted-in amount: figures whose printed size differs from every other figure on the invoice."""

from __future__ import annotations

import re
import statistics
from typing import Any

import numpy as np
from PIL import Image

from attest.data import load
from attest.findings import result
from attest.schemas.checks import CheckResult
from attest.schemas.evidence import Field, InvoiceEvidence

_FIGURE = re.compile(r"^[¥Y]?-?[\d,]+(?:\.\d+)?%?$")


def _figures(ev: InvoiceEvidence) -> list[tuple[str, Field[Any]]]:
    out: list[tuple[str, Field[Any]]] = []
    for i, item in enumerate(ev.items):
        for key in ("qty", "unit_price", "amount", "tax"):
            f = getattr(item, key)
            if f is not None:
                out.append((f"items.{i}.{key}", f))
    for key in ("total_amount_excl_tax", "total_tax"):
        f = getattr(ev, key)
        if f is not None:
            out.append((key, f))
    # Only boxes that hold nothing but the figure: a label or a CJK glyph changes a box's height.
    return [(k, f) for k, f in out if f.bbox is not None and len(f.lines) == 1 and _FIGURE.match(f.raw or "")]


def ink_height(image: Image.Image, bbox: tuple[float, float, float, float]) -> float | None:
    """Height of the inked rows inside a box: the digits' printed height, without the OCR box's padding."""
    x0, y0, x1, y1 = (int(v) for v in bbox)
    rgb = np.asarray(image.crop((x0, y0, x1, y1)).convert("RGB"), dtype=np.int16)
    if rgb.size == 0:
        return None
    grey = rgb.mean(axis=2)
    red = rgb[..., 0] - np.maximum(rgb[..., 1], rgb[..., 2]) > 40  # seals and the form's own print
    ink = (grey < min(128.0, float(np.median(grey)) - 50)) & ~red
    # Table rules that the box caught at its edges are ink across its whole height or width; a rule is
    # never in the middle of a figure, where a `1` is a full-height stroke of its own.
    h, w = ink.shape
    edge_cols = np.r_[0: max(1, w // 8), w - max(1, w // 8): w]
    edge_rows = np.r_[0: max(1, h // 8), h - max(1, h // 8): h]
    ink[:, edge_cols[ink[:, edge_cols].mean(axis=0) > 0.8]] = False
    ink[edge_rows[ink[edge_rows, :].mean(axis=1) > 0.8], :] = False
    rows = np.flatnonzero(ink.sum(axis=1) >= 2)
    return float(rows[-1] - rows[0] + 1) if rows.size else None


def check_glyph_size(ev: InvoiceEvidence, image: Image.Image, *, document_id: str) -> list[CheckResult]:
    spec = load("forensics")["glyph_size"]
    figures = _figures(ev)
    if len(figures) < spec["min_figures"]:
        return []
    measured = {k: ink_height(image, f.bbox) for k, f in figures if f.bbox}
    heights = {k: h for k, h in measured.items() if h}
    if len(heights) < spec["min_figures"]:
        return []
    median = statistics.median(heights.values())
    if median < spec["min_median_px"]:
        return []  # figures a few pixels high: one pixel either way is a fifth of their size, no verdict
    odd = [(k, round(h / median, 2)) for k, h in heights.items()
           if not spec["min_ratio"] <= h / median <= spec["max_ratio"]]
    if not odd:
        return [result("document.glyph_size", "pass", "金额字号一致", "all figures are set in one size",
                       doc=document_id, fields=[], figures=len(heights))]
    return [result("document.glyph_size", "raised", "部分金额字号与其他数字不一致，疑似粘贴",
                   "some figures are set in another size than the rest, as a pasted-in amount is", doc=document_id,
                   fields=[k for k, _ in odd], ratios=dict(odd), median_height=round(median, 1))]
