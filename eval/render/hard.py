"""Hard photos of paper, as merchants take them: what the real dev-set photos showed and the clean renders lacked.

A sheet lying on wood grain or patterned cloth, on another sheet (a stack), seen at an angle, lit from one side
with a shadow across it, with a perforated tear-off edge, an overlay stamped or written across it (仅供存档),
shot small, and stored turned 90°. Each photo draws a few of these; the same rng state gives the same bytes.
"""

from __future__ import annotations

import io
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from attest.cn.fonts import cjk_font
from eval.photo import _coeffs

PHENOMENA = ("wood", "cloth", "stack", "perspective", "shadow", "perforated", "overlay", "lowres", "turn90")
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def _background(size: tuple[int, int], rng: random.Random, kind: str) -> Image.Image:
    w, h = size
    gen = np.random.default_rng(rng.randrange(2**32))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "wood":
        grain = np.sin(yy / rng.uniform(6, 14) + 3 * np.sin(xx / rng.uniform(80, 200))) * 0.5 + 0.5
        base = np.array([rng.uniform(150, 200), rng.uniform(110, 150), rng.uniform(70, 100)], dtype=np.float32)
        arr = base * (0.8 + 0.25 * grain[..., None])
    else:  # cloth: a light, busy pattern that is nearly paper-coloured (the hardest background to tell apart)
        pattern = (np.sin(xx / 9) * np.sin(yy / 11) + np.sin((xx + yy) / 23)) * 0.25 + 0.5
        base = np.array([rng.uniform(200, 235), rng.uniform(190, 225), rng.uniform(160, 200)], dtype=np.float32)
        arr = base * (0.85 + 0.2 * pattern[..., None])
    arr += gen.normal(0, 5, arr.shape)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def _perforate(page: Image.Image, rng: random.Random) -> Image.Image:
    """A sprocket strip with holes along one side, as on continuous-form (dot-matrix) invoices: the strip is
    paper beside the form, so the holes never punch through print."""
    r = max(6, page.width // 150)
    strip = r * 6
    out = Image.new("RGBA", (page.width + strip, page.height), (250, 250, 247, 255))
    on_left = rng.random() < 0.5
    out.paste(page.convert("RGBA"), (strip if on_left else 0, 0))
    d = ImageDraw.Draw(out)
    x = strip // 2 if on_left else page.width + strip // 2
    for y in range(r * 4, page.height - r * 2, r * 5):
        d.ellipse((x - r, y - r, x + r, y + r), fill=(0, 0, 0, 0))
    return out


def _overlay(page: Image.Image, rng: random.Random) -> Image.Image:
    """A diagonal note across the page (`仅供存档`, `复印无效`) in pen blue or stamp red."""
    text = rng.choice(["仅供存档", "复印无效", "仅供贷款使用", "与原件一致"])
    layer = Image.new("RGBA", page.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    size = page.width // 9
    colour = rng.choice([(30, 60, 170, 150), (200, 30, 30, 140)])
    d.text((page.width * 0.25, page.height * 0.35), text, font=cjk_font(FONT, size), fill=colour)
    layer = layer.rotate(rng.uniform(15, 35), center=(page.width / 2, page.height / 2))
    return Image.alpha_composite(page.convert("RGBA"), layer)


def _shadow(arr: np.ndarray, rng: random.Random) -> np.ndarray:
    h, w = arr.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, np.pi)
    edge = (xx * np.cos(angle) + yy * np.sin(angle)) / max(w, h)
    cut = rng.uniform(0.3, 0.7)
    shade = np.where(edge < cut, rng.uniform(0.55, 0.75), 1.0)
    shade = np.asarray(Image.fromarray((shade * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(w / 60)),
                       dtype=np.float32) / 255
    light = 0.8 + 0.2 * np.exp(-(((xx - w * rng.uniform(0.3, 0.7)) / w) ** 2) * 4)
    return np.asarray(arr * (shade * light)[..., None], dtype=np.float32)


def choose_phenomena(rng: random.Random) -> tuple[str, ...]:
    """A random few: a background, perspective, and three of the rest."""
    return (rng.choice(["wood", "cloth"]), "perspective", *rng.sample(PHENOMENA[2:], 3))


def hard_photo(page: Image.Image, rng: random.Random, phenomena: tuple[str, ...] | None = None) -> bytes:
    """JPEG bytes of `page` photographed the hard way; `phenomena` picks which (default: a random few)."""
    chosen = set(phenomena if phenomena is not None else choose_phenomena(rng))
    sheet = page.convert("RGBA")
    if "perforated" in chosen:
        sheet = _perforate(sheet, rng)
    if "overlay" in chosen:
        sheet = _overlay(sheet, rng)
    pw, ph = sheet.size
    w, h = int(pw * 1.3), int(ph * 1.3)
    canvas = _background((w, h), rng, "cloth" if "cloth" in chosen else "wood")
    if "stack" in chosen:  # another sheet under this one, a little turned and offset
        under = Image.new("RGBA", (pw, ph), (245, 244, 238, 255)).rotate(rng.uniform(-6, 6), expand=True)
        canvas.paste(under, (int(w * 0.12), int(h * 0.16)), under)
    slack = 0.06 if "perspective" in chosen else 0.0
    mx, my = (w - pw) / 2, (h - ph) / 2
    dst = [(mx + rng.uniform(-slack, slack) * pw, my + rng.uniform(-slack, slack) * ph),
           (w - mx + rng.uniform(-slack, slack) * pw, my + rng.uniform(-slack, slack) * ph),
           (w - mx + rng.uniform(-slack, slack) * pw, h - my + rng.uniform(-slack, slack) * ph),
           (mx + rng.uniform(-slack, slack) * pw, h - my + rng.uniform(-slack, slack) * ph)]
    coeffs = _coeffs([(0, 0), (pw, 0), (pw, ph), (0, ph)], dst)
    warped = sheet.transform((w, h), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC)
    canvas.paste(warped, (0, 0), warped)
    arr = np.asarray(canvas.convert("RGB"), dtype=np.float32)
    if "shadow" in chosen:
        arr = _shadow(arr, rng)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    if "lowres" in chosen:
        scale = rng.uniform(900, 1300) / max(img.size)
        img = img.resize((round(img.width * scale), round(img.height * scale)), Image.Resampling.BILINEAR)
    if "turn90" in chosen:
        img = img.rotate(rng.choice([90, 270]), expand=True)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=rng.randint(70, 90))
    return buf.getvalue()
