"""Boxes, rows and reading order over OCR lines."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from attest.data import load
from attest.layout.normalize import normalize
from attest.schemas.ocr import OcrLine


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def h(self) -> float:
        return max(self.y1 - self.y0, 1.0)

    @property
    def w(self) -> float:
        return max(self.x1 - self.x0, 1.0)

    def union(self, other: Box) -> Box:
        return Box(min(self.x0, other.x0), min(self.y0, other.y0), max(self.x1, other.x1), max(self.y1, other.y1))


def _seal_text(line: OcrLine) -> bool:
    """A line printed in a seal's red: its text is the seal's, never a field value (`data/seals.yaml`)."""
    return bool(line.red_ink > load("seals")["line_ink"]["seal_share"])


@dataclass(frozen=True)
class Line:
    """An OCR line as the layout helpers see it: normalised text and a box."""

    id: str
    text: str
    box: Box
    confidence: float
    raw: str
    seal: bool = False

    @classmethod
    def of(cls, line: OcrLine, skew: float = 0.0, centre: tuple[float, float] = (0.0, 0.0)) -> Line:
        """From an OCR line; with `skew` (degrees) its polygon is turned back about `centre` first."""
        if skew:
            a = math.radians(-skew)
            cx, cy = centre
            pts = [(cx + (x - cx) * math.cos(a) - (y - cy) * math.sin(a),
                    cy + (x - cx) * math.sin(a) + (y - cy) * math.cos(a)) for x, y in line.polygon]
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            box = Box(min(xs), min(ys), max(xs), max(ys))
            return cls(line.id, normalize(line.text), box, line.confidence, line.text, seal=_seal_text(line))
        return cls(line.id, normalize(line.text), Box(*line.bbox), line.confidence, line.text,
                   seal=_seal_text(line))

    @property
    def vertical(self) -> bool:
        return self.box.h > 1.5 * self.box.w and len(self.text) > 1


def page_skew(lines: Iterable[OcrLine]) -> float:
    """Median slope (degrees, clockwise positive) of the long text lines: how far a photo is tilted."""
    angles = []
    for ln in lines:
        (x0, y0), (x1, y1) = ln.polygon[0], ln.polygon[1]
        width = math.hypot(x1 - x0, y1 - y0)
        height = math.hypot(ln.polygon[3][0] - x0, ln.polygon[3][1] - y0)
        if width > 4 * height and width > 60:
            angles.append(math.degrees(math.atan2(y1 - y0, x1 - x0)))
    return statistics.median(angles) if len(angles) >= 3 else 0.0


def union(boxes: Iterable[Box]) -> Box:
    it = iter(boxes)
    out = next(it)
    for b in it:
        out = out.union(b)
    return out


def v_overlap(a: Box, b: Box) -> float:
    """Vertical overlap as a share of the shorter box's height."""
    inter = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(inter, 0.0) / min(a.h, b.h)


def h_overlap(a: Box, b: Box) -> float:
    inter = min(a.x1, b.x1) - max(a.x0, b.x0)
    return max(inter, 0.0) / min(a.w, b.w)


def same_row(a: Box, b: Box) -> bool:
    return bool(v_overlap(a, b) >= load("layout")["same_row_overlap"])


def rows(lines: Iterable[Line]) -> list[list[Line]]:
    """Group lines into rows (top to bottom), each row left to right.

    A line joins the row whose centre line it sits on; comparing with the row's median rather than its
    last member keeps a slightly tall box from chaining two printed rows into one.
    """
    spec = load("layout")
    own, taller = spec["row_band_own"], spec["row_band_taller"]
    out: list[list[Line]] = []
    for line in sorted(lines, key=lambda ln: ln.box.cy):
        for row in reversed(out[-3:]):
            cy = statistics.median(ln.box.cy for ln in row)
            h = statistics.median(ln.box.h for ln in row)
            if abs(line.box.cy - cy) < own * min(h, line.box.h) + taller * max(h, line.box.h):
                row.append(line)
                break
        else:
            out.append([line])
    for row in out:
        row.sort(key=lambda ln: ln.box.x0)
    return out


def reading_order(lines: Iterable[Line]) -> list[Line]:
    return [ln for row in rows(lines) for ln in row]
