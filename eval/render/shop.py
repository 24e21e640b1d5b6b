"""Synthetic shop photos: a signboard over a shopfront, in perspective, under varied light, with camera EXIF."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from attest.cn.fonts import cjk_font
from eval.photo import _coeffs
from eval.render.truth import WORDS

FONTS = ["/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
         "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"]
TRADES = {"catering": ["面馆", "小吃店", "火锅店", "饺子馆", "快餐"], "retail_grocery": ["便利店", "超市", "百货商店"],
          "apparel": ["服装店", "女装", "服饰"], "beauty": ["美发沙龙", "美容院", "美甲店"],
          "repair": ["汽车维修", "家电维修", "修理部"], "logistics": ["物流", "快递服务站", "货运部"],
          "hardware": ["五金店", "门窗", "建材商行"]}
CAMERAS = [("Apple", "iPhone 13"), ("HUAWEI", "ELS-AN00"), ("Xiaomi", "M2102K1C"), ("OPPO", "PEGM00")]


PRODUCTS = ["矿泉水", "方便面", "饼干", "洗衣液", "纸巾", "酱油", "大米", "牙膏", "可乐", "薯片"]
SCENES = ("storefront", "interior", "shelf")


@dataclass
class ShopTruth:
    shop_name: str
    phone: str | None
    address: str | None
    industry: str | None
    taken: datetime
    camera: tuple[str, str]
    scene: str = "storefront"
    prefix: str = ""      # an owner's mark (孙记, 老王) in smaller type left of the name, or above it
    below: str = ""       # business words (艺术教育, 大酒店) on a second, smaller line under the trade name
    prefix_above: bool = False

    @property
    def big(self) -> str:
        """What the board prints in its biggest type."""
        return self.shop_name[len(self.prefix): len(self.shop_name) - len(self.below)]

    def flat(self) -> dict[str, str | None]:
        return {"shop_name": self.shop_name, "phone": self.phone, "address": self.address, "industry": self.industry}


def make_shop(rng: random.Random, today: datetime, *, brand: str | None = None,
              scene: str | None = None) -> ShopTruth:
    industry = rng.choice(sorted(TRADES))
    name = (brand or rng.choice(WORDS)) + rng.choice(TRADES[industry])
    phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}" if rng.random() < 0.7 else None
    address = f"{rng.choice(WORDS)}路{rng.randint(1, 300)}号" if rng.random() < 0.5 else None
    scene = scene or rng.choice(SCENES)
    if scene != "storefront":  # inside, the name hangs on the wall; phone and address are outside
        phone = address = None
    t = ShopTruth(name, phone, address, industry, today - timedelta(days=rng.randint(0, 20)),
                  rng.choice(CAMERAS), scene)
    if brand is None and scene == "storefront":
        _vary(t, random.Random(f"shop-variants:{name}:{phone}:{address}"))
    return t


OWNERS = ["孙记", "李记", "老王", "老陈", "阿强", "小李", "张记", "老杨"]
BELOW = {"catering": ["大酒店", "餐饮店", "美食城"], "retail_grocery": ["便利店", "生活超市"], "apparel": ["服饰店"],
         "beauty": ["美容美发", "造型工作室"], "repair": ["维修中心"], "logistics": ["物流驿站"],
         "hardware": ["建材商行"]}
LATIN = ["GOODLUCK", "Sunny Cafe", "Blue Ocean", "HAPPY HOME", "Maple Leaf", "URBAN LOFT", "Golden Bay"]
SCHOOLS = ["教育", "培训学校", "培训中心"]


def _vary(t: ShopTruth, rng: random.Random) -> None:
    """Signs nobody here has seen: an owner's mark before the name, business words on a line under it, or a
    Latin brand alone."""
    roll = rng.random()
    brand = t.shop_name[:2]
    if roll < 0.2:
        t.prefix, t.prefix_above = rng.choice(OWNERS), rng.random() < 0.3
        t.shop_name = t.prefix + t.shop_name
    elif roll < 0.4:
        t.below = rng.choice(BELOW[t.industry or "catering"])
        t.shop_name = brand + t.below
    elif roll < 0.5:
        t.below = "艺术" + rng.choice(SCHOOLS)
        t.shop_name, t.industry = brand + t.below, "education"
    elif roll < 0.6:
        t.shop_name = rng.choice(LATIN)
        t.industry = None  # a Latin brand names no trade


def _inside(t: ShopTruth, rng: random.Random) -> Image.Image:
    """An interior (counter, tables) or shelves of goods with price tags, the shop's name on the back wall."""
    w, h = 1600, 1200
    img = Image.new("RGB", (w, h), tuple(rng.randint(150, 220) for _ in range(3)))
    d = ImageDraw.Draw(img)
    d.rectangle((0, int(h * 0.8), w, h), fill=tuple(rng.randint(80, 140) for _ in range(3)))  # floor
    sign_font = cjk_font(rng.choice(FONTS), rng.randint(90, 120))
    d.rectangle((300, 60, 1300, 230), fill=(160, 30, 30))
    d.text((800, 145), t.shop_name, font=sign_font, fill=(255, 240, 200), anchor="mm")
    small = cjk_font(FONTS[2], 30)
    if t.scene == "shelf":
        for row in range(3):
            y = 330 + row * 260
            d.rectangle((80, y + 200, 1520, y + 215), fill=(90, 70, 50))  # the shelf board
            for col in range(6):
                x = 110 + col * 235
                d.rectangle((x, y + 40, x + 180, y + 198), fill=tuple(rng.randint(30, 240) for _ in range(3)))
                d.rectangle((x + 20, y + 218, x + 170, y + 250), fill=(250, 250, 240))
                d.text((x + 95, y + 234), f"{rng.choice(PRODUCTS)} ¥{rng.randint(2, 60)}.{rng.randint(0, 9)}0",
                       font=small, fill=(20, 20, 20), anchor="mm")
    else:
        d.rectangle((200, 600, 1400, 760), fill=(110, 80, 60))  # counter
        for _ in range(4):
            x = rng.randint(100, 1400)
            d.rectangle((x, 820, x + 160, 900), fill=(140, 100, 70))  # tables
    return img


def _scene(t: ShopTruth, rng: random.Random) -> Image.Image:
    w, h = 1600, 1200
    wall = tuple(rng.randint(90, 200) for _ in range(3))
    img = Image.new("RGB", (w, h), wall)
    d = ImageDraw.Draw(img)
    for _ in range(rng.randint(3, 7)):  # windows, doors, shelves behind the glass
        x, y = rng.randint(0, w - 200), rng.randint(500, h - 100)
        d.rectangle((x, y, x + rng.randint(120, 400), y + rng.randint(100, 400)),
                    fill=tuple(rng.randint(20, 230) for _ in range(3)))
    d.rectangle((0, h - 120, w, h), fill=(rng.randint(60, 110),) * 3)  # pavement
    board = tuple(rng.choice([(180, 20, 20), (20, 60, 150), (240, 200, 30), (30, 120, 60), (250, 250, 245)]))
    ink = (255, 255, 255) if sum(board) < 500 else (180, 20, 20)
    d.rectangle((120, 120, w - 120, 440), fill=board)
    size = rng.randint(130, 170)
    face = rng.choice(FONTS)
    font = cjk_font(face, size)
    # A variant's own layout draws from its own stream: the scene around it stays what it was.
    vr = random.Random(f"layout:{t.shop_name}")
    if not t.prefix and not t.below:
        d.text((w // 2, 250), t.shop_name, font=font, fill=ink, anchor="mm")
    elif t.below:
        d.text((w // 2, 200), t.big, font=cjk_font(face, int(size * 0.75)), fill=ink, anchor="mm")
        d.text((w // 2, 290), t.below, font=cjk_font(FONTS[0], int(size * 0.4)), fill=ink, anchor="mm")
    else:
        small = cjk_font(vr.choice(FONTS), int(size * 0.55))
        left = w // 2 - d.textlength(t.big, font=font) / 2
        if t.prefix_above:
            d.text((left, 165), t.prefix, font=cjk_font(vr.choice(FONTS), int(size * 0.4)), fill=ink, anchor="lm")
            d.text((w // 2, 260), t.big, font=cjk_font(face, int(size * 0.8)), fill=ink, anchor="mm")
        else:
            d.text((left + 60, 250), t.big, font=font, fill=ink, anchor="lm")
            d.text((left + 40, 270), t.prefix, font=small, fill=ink, anchor="rm")
    small = cjk_font(FONTS[2], 44)
    lines = [s for s in (f"电话：{t.phone}" if t.phone else None, t.address) if s]
    for i, s in enumerate(lines):
        d.text((w // 2, 370 + i * 50 - (25 if len(lines) == 2 else 0)), s, font=small, fill=ink, anchor="mm")
    return img


def _camera(img: Image.Image, rng: random.Random) -> Image.Image:
    """Perspective, lens blur and uneven daylight, as a phone sees a street."""
    w, h = img.size
    j = [rng.uniform(-0.06, 0.06) * w for _ in range(8)]
    dst = [(0 + abs(j[0]), 0 + abs(j[1])), (w - abs(j[2]), 0 + abs(j[3])), (w - abs(j[4]), h - abs(j[5])),
           (0 + abs(j[6]), h - abs(j[7]))]
    warped = img.transform(img.size, Image.Transform.PERSPECTIVE, _coeffs([(0, 0), (w, 0), (w, h), (0, h)], dst),
                           Image.Resampling.BICUBIC, fillcolor=(120, 130, 140))
    arr = np.asarray(warped.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.0)))).astype(np.float32)
    _, xx = np.mgrid[0:h, 0:w]
    light = rng.uniform(0.7, 1.1) + 0.25 * np.sin(xx / w * np.pi * rng.uniform(0.5, 2))[..., None]
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 3, arr.shape)
    return Image.fromarray(np.clip(arr * light + noise, 0, 255).astype(np.uint8))


def exif_bytes(t: ShopTruth, *, software: str | None = None) -> bytes:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = t.camera  # Make, Model
    exif[0x0132] = t.taken.strftime("%Y:%m:%d %H:%M:%S")  # DateTime
    if software:
        exif[0x0131] = software
    return exif.tobytes()


def render_shop(t: ShopTruth, rng: random.Random, *, exif: bool = True, software: str | None = None) -> bytes:
    """A JPEG as a phone writes it (EXIF with make, model and time), unless `exif` is False."""
    img = _camera(_scene(t, rng) if t.scene == "storefront" else _inside(t, rng), rng)
    buf = io.BytesIO()
    if exif:
        img.save(buf, "JPEG", quality=rng.randint(80, 92), exif=exif_bytes(t, software=software))
    else:
        img.save(buf, "JPEG", quality=rng.randint(80, 92))
    return buf.getvalue()


def screen_recapture(data: bytes, rng: random.Random) -> bytes:
    """The photo shown on a screen and photographed again: subpixel grid, resampling moiré, no camera EXIF."""
    img = Image.open(io.BytesIO(data)).convert("RGB")
    pitch = rng.choice([3, 4, 5])
    big = img.resize((img.width * pitch // 2, img.height * pitch // 2), Image.Resampling.NEAREST)
    arr = np.asarray(big).astype(np.float32)
    h, w = arr.shape[:2]
    grid = np.ones((h, w, 3), np.float32) * 0.35
    for c in range(3):  # RGB stripes of an LCD, dark gaps between pixel rows
        grid[:, c::pitch, c] = 1.0
    grid[::pitch, :, :] *= 0.4
    shot = Image.fromarray(np.clip(arr * grid * 1.6, 0, 255).astype(np.uint8))
    angle = rng.uniform(-4, 4)
    shot = shot.rotate(angle, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=(10, 10, 10))
    shot = shot.resize((img.width, img.height), Image.Resampling.BILINEAR)  # the resample that makes moiré
    buf = io.BytesIO()
    shot.save(buf, "JPEG", quality=rng.randint(80, 92))
    return buf.getvalue()
