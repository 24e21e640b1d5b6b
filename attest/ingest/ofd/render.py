"""An OFD page drawn to an RGB picture for the reviewer's viewer, previews, seal detection, QR decoding and
forensics: text in the Debian CJK faces, paths stroked and filled, embedded pictures placed (JBIG2 `.jb2`, the
税控 QR code's format, through pdfium). A picture neither can decode is left out; the text is never lost."""

from __future__ import annotations

import io
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from attest.cn.fonts import cjk_font
from attest.ingest.ofd.content import Page, Path, Picture, Text
from attest.ingest.ofd.jbig2 import is_jbig2, read_jbig2

_FACES = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


@cache
def _font(px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for face in _FACES:
        try:
            return cjk_font(face, max(px, 4))
        except OSError:
            continue
    return ImageFont.load_default()


def _draw_text(draw: ImageDraw.ImageDraw, text: Text, scale: float) -> None:
    if not text.drawn:
        return
    for g in text.glyphs:
        if not g.char.isspace():
            draw.text((g.x * scale, g.baseline * scale), g.char, font=_font(round(g.size * scale)),
                      fill=text.colour, anchor="ls")


def _draw_path(draw: ImageDraw.ImageDraw, path: Path, scale: float) -> None:
    for sub in path.subpaths:
        points = [(x * scale, y * scale) for x, y in sub]
        if path.fill is not None and len(points) > 2:
            draw.polygon(points, fill=path.fill)
        if path.stroke is not None:
            draw.line(points, fill=path.stroke, width=max(1, round(path.width * scale)))


def _draw_picture(canvas: Image.Image, picture: Picture, files: dict[str, bytes], scale: float,
                  max_pixels: int) -> None:
    left, top, right, bottom = (round(v * scale) for v in picture.box)
    w, h = right - left, bottom - top
    if w <= 0 or h <= 0 or w * h > max_pixels:
        return
    data = files[picture.entry]
    try:
        if is_jbig2(data):
            bitmap = read_jbig2(data, max_pixels)
            if bitmap is None:
                return
            tile = bitmap.convert("RGBA").resize((w, h), Image.Resampling.NEAREST)
        else:
            with Image.open(io.BytesIO(data)) as source:
                if source.width * source.height > max_pixels:
                    return
                tile = source.convert("RGBA").resize((w, h))
    except (OSError, ValueError, Image.DecompressionBombError):
        return  # a format neither reads, or a broken picture: the page's text stands without it
    canvas.paste(tile, (left, top), tile)


def render_page(page: Page, files: dict[str, bytes], scale: float, *, max_pixels: int) -> Image.Image:
    canvas = Image.new("RGB", (max(1, round(page.width * scale)), max(1, round(page.height * scale))), "white")
    draw = ImageDraw.Draw(canvas)
    for item in page.items:
        if isinstance(item, Text):
            _draw_text(draw, item, scale)
        elif isinstance(item, Path):
            _draw_path(draw, item, scale)
        else:
            _draw_picture(canvas, item, files, scale, max_pixels)
    return canvas
