"""The OCR engine protocol and the page-level work every engine shares (downscale, orientation)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from PIL import Image

from attest.schemas.ocr import OcrLine, OcrPage


@dataclass(frozen=True)
class RawLine:
    """An engine's answer for one line, in the coordinates of the image it was given."""

    polygon: list[tuple[float, float]]
    text: str
    score: float


class LineReader(Protocol):
    """What an engine must do: read the lines of one upright-or-not RGB array."""

    name: str
    version: str

    def read_lines(self, image: np.ndarray) -> list[RawLine]: ...

    def read_line(self, image: np.ndarray) -> tuple[str, float]:
        """Recognise one line that fills the image (no detection): text and confidence."""
        ...


class OcrEngine(Protocol):
    name: str
    version: str
    warm: bool  # the warm-up page was read (`warm_up`)

    def read(self, image: Image.Image, page: int = 1, *, orient: bool = True) -> OcrPage: ...

    def read_line(self, image: Image.Image) -> tuple[str, float]: ...


def _quality(lines: list[RawLine]) -> float:
    """Confidence-weighted character count: upside-down or sideways text reads as few, unsure chars."""
    return sum(ln.score * len(ln.text.strip()) for ln in lines)


def _vertical_share(lines: list[RawLine]) -> float:
    if not lines:
        return 0.0
    tall = 0
    for ln in lines:
        xs = [p[0] for p in ln.polygon]
        ys = [p[1] for p in ln.polygon]
        if (max(ys) - min(ys)) > 1.5 * (max(xs) - min(xs)):
            tall += 1
    return tall / len(lines)


def _upright_score(lines: list[RawLine]) -> float:
    # rapidocr reads tall boxes by turning the crop, so a sideways page can still score well on
    # confidence alone: an upright page is the one whose text also runs horizontally.
    return _quality(lines) * (1.0 - _vertical_share(lines))


def _mean_score(lines: list[RawLine]) -> float:
    chars = sum(len(ln.text) for ln in lines)
    return _quality(lines) / chars if chars else 0.0


# PIL rotates counter-clockwise; we record clockwise degrees turned to make the page upright.
_CCW_FOR_CW = {90: 270, 180: 180, 270: 90}


class PageReader:
    """Wraps a `LineReader`: downscales big photos, finds the upright orientation, builds the `OcrPage`."""

    def __init__(self, reader: LineReader, *, max_side: int = 2000) -> None:
        self.reader = reader
        self.max_side = max_side
        self.name = reader.name
        self.version = reader.version
        # What ran the models, for replay: not every engine says.
        self.backend: str | None = getattr(reader, "backend", None)
        self.precision: str | None = getattr(reader, "precision", None)
        self.warm = False

    def read_line(self, image: Image.Image) -> tuple[str, float]:
        """One line of text that fills the picture (a seal's unwrapped ring), read without detection."""
        return self.reader.read_line(np.asarray(image.convert("RGB")))

    def _read(self, image: Image.Image) -> list[RawLine]:
        return self.reader.read_lines(np.asarray(image))

    def read(self, image: Image.Image, page: int = 1, *, orient: bool = True) -> OcrPage:
        """Read one page; the returned lines are in the coordinates of the page turned by `rotation`.

        `orient=False` reads the picture as it is (a strip already known to be upright, e.g. a seal ring).
        """
        started = time.perf_counter()
        scale = 1.0
        work = image
        if max(image.size) > self.max_side:
            # The detector sees at most max_side anyway; shrinking first saves decode, crop and memory.
            scale = self.max_side / max(image.size)
            work = image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.BILINEAR)
        lines = self._read(work)
        rotation = 0
        candidates: tuple[int, ...] = ()
        # Only suspicious pages pay for a second look: a sideways page shows mostly tall boxes, an
        # upside-down one reads as low-confidence noise (the per-line 180° classifier is off on purpose).
        if orient and _vertical_share(lines) > 0.3:
            candidates = (90, 270)
        elif orient and _mean_score(lines) < 0.85:
            candidates = (180,)
        best = _upright_score(lines)
        for cw in candidates:
            turned = self._read(work.rotate(_CCW_FOR_CW[cw], expand=True))
            if _upright_score(turned) > best * 1.2:
                best, lines, rotation = _upright_score(turned), turned, cw
        width, height = image.size if rotation in (0, 180) else (image.height, image.width)
        ocr_lines = [
            OcrLine(
                id=f"p{page}-l{i}",
                text=ln.text,
                polygon=[(x / scale, y / scale) for x, y in ln.polygon],
                confidence=round(float(ln.score), 4),
            )
            for i, ln in enumerate(lines)
        ]
        return OcrPage(
            page=page,
            width=width,
            height=height,
            lines=ocr_lines,
            engine=self.name,
            engine_version=self.version,
            backend=self.backend,
            precision=self.precision,
            rotation=rotation,
            seconds=round(time.perf_counter() - started, 4),
        )


def turn_upright(image: Image.Image, rotation: int) -> Image.Image:
    """Apply the clockwise `rotation` an `OcrPage` reports, so boxes and pixels line up."""
    return image if rotation == 0 else image.rotate(_CCW_FOR_CW[rotation], expand=True)


def warm_up_page() -> Image.Image:
    """A drawn page of a dozen printed lines of differing lengths: what a worker reads once before its first
    document, so that document does not pay the runtime's first-inference cost (OpenVINO prepares its kernels
    on the first detection and recognition: the first invoice took 4.3 s instead of 2.7 s)."""
    from PIL import ImageDraw, ImageFont

    page = Image.new("RGB", (1400, 2000), "white")
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=30)  # Pillow's own font: nothing to find on the machine
    for i in range(12):
        draw.text((60 + (i * 37) % 300, 40 + i * 52), "No. 2026 " + "12345 67890 " * (1 + i % 6),
                  fill="black", font=font)
    return page


def warm_up(engine: OcrEngine) -> OcrPage | None:
    """Read the warm-up page, once per engine (engines are shared per process); returns what was read (its
    lines show the engine really ran), or None when this engine was warmed before."""
    if engine.warm:
        return None
    page = engine.read(warm_up_page(), orient=False)
    engine.warm = True
    return page
