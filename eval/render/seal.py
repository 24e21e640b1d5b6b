"""Red company and authority seals: a ring, a star, and the name set along the upper arc."""

from __future__ import annotations

import math
import random

from PIL import Image, ImageDraw

from attest.cn.fonts import cjk_font

SEAL_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def draw_round_seal(img: Image.Image, centre: tuple[int, int], radius: int, name: str, rng: random.Random,
                    colour: tuple[int, int, int] = (225, 30, 35), *, faded: bool = False) -> None:
    """Stamp a round seal whose ring text is `name`, characters turned to follow the circle; `faded` inks it
    pale pink, as an old 副本's registry seal."""
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    cx, cy = centre
    alpha = rng.randint(170, 220) // (2 if faded else 1)
    ink = (*colour, alpha)
    d.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=ink, width=max(4, radius // 22))
    star = [(cx + radius * 0.28 * math.cos(math.radians(-90 + k * 144)),
             cy + radius * 0.28 * math.sin(math.radians(-90 + k * 144))) for k in range(5)]
    d.polygon(star, fill=ink)
    size = max(12, int(radius * 0.24))
    font = cjk_font(SEAL_FONT, size)
    span = min(250.0, 22.0 * len(name))  # degrees of arc the name occupies, centred on the top
    for i, ch in enumerate(name):
        angle = -90 - span / 2 + span * (i + 0.5) / len(name)
        r = radius - size * 0.95
        x = cx + r * math.cos(math.radians(angle))
        y = cy + r * math.sin(math.radians(angle))
        glyph = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((size, size), ch, font=font, fill=ink, anchor="mm")
        glyph = glyph.rotate(-(angle + 90), resample=Image.Resampling.BICUBIC)
        layer.alpha_composite(glyph, (int(x - size), int(y - size)))
    img.paste(layer, (0, 0), layer)


def draw_invoice_seal(img: Image.Image, centre: tuple[int, int], name: str, tax_id: str, rng: random.Random,
                      colour: tuple[int, int, int] = (225, 30, 35)) -> None:
    """The oval 发票专用章: seller name along the upper arc, its tax id across the middle, the seal's name below."""
    a, b = 170, 110
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    cx, cy = centre
    ink = (*colour, rng.randint(170, 215))
    d.ellipse((cx - a, cy - b, cx + a, cy + b), outline=ink, width=6)
    size = 26
    font = cjk_font(SEAL_FONT, size)
    span = min(220.0, 18.0 * len(name))
    for i, ch in enumerate(name):
        angle = math.radians(-90 - span / 2 + span * (i + 0.5) / len(name))
        x, y = cx + (a - size) * math.cos(angle), cy + (b - size) * math.sin(angle)
        glyph = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((size, size), ch, font=font, fill=ink, anchor="mm")
        normal = math.degrees(math.atan2(a * math.sin(angle), b * math.cos(angle)))  # outward, screen axes
        layer.alpha_composite(glyph.rotate(-(normal + 90), resample=Image.Resampling.BICUBIC),
                              (int(x - size), int(y - size)))
    d.text((cx, cy + 8), tax_id, font=cjk_font(SEAL_FONT, 24), fill=ink, anchor="mm")
    d.text((cx, cy + 58), "发票专用章", font=cjk_font(SEAL_FONT, 28), fill=ink, anchor="mm")
    img.paste(layer, (0, 0), layer)
