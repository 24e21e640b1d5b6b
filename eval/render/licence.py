"""Synthetic business licences (营业执照), company and 个体工商户 forms, with QR code and registry seal."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import segno
from PIL import Image, ImageDraw, ImageFont

from attest.cn.fonts import cjk_font
from attest.cn.uscc import check_char
from eval.render.seal import draw_round_seal
from eval.render.truth import CITIES, PEOPLE, WORDS, company, uscc

FONTS = ["/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
         "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
         "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"]
COMPANY_TYPES = ["有限责任公司(自然人投资或控股)", "有限责任公司(自然人独资)", "其他有限责任公司"]
SCOPES = ["餐饮服务；食品销售；酒类经营", "日用百货、五金交电、建筑材料的销售", "服装鞋帽、针纺织品零售",
          "普通货物道路运输；仓储服务（不含危险品）", "计算机软硬件技术开发、技术咨询、技术服务",
          "家用电器维修；汽车零配件零售", "美容服务；化妆品零售"]
CAPITALS = ["伍拾万元整", "壹佰万元整", "叁拾万元整", "贰佰万元整", "壹仟万元整"]


@dataclass
class LicenceTruth:
    uscc: str
    name: str
    company_type: str
    legal_representative: str
    registered_capital: str | None
    established: date
    business_term: str | None
    address: str
    scope: str
    issued: date
    authority: str
    individual: bool
    seal_name: str | None = None  # forgeries: a seal of another authority
    extra: dict[str, Any] = field(default_factory=dict)

    def flat(self) -> dict[str, Any]:
        return {
            "unified_social_credit_code": self.uscc, "name": self.name, "company_type": self.company_type,
            "address": self.address, "legal_representative": self.legal_representative,
            "registered_capital": self.registered_capital, "established_date": self.established.isoformat(),
            "business_term": self.business_term, "issue_date": self.issued.isoformat(),
            "registration_authority": self.authority, "business_scope": self.scope,
        }


def _cn_date(d: date) -> str:
    return f"{d.year}年{d.month:02d}月{d.day:02d}日"


def make_licence(rng: random.Random, today: date, *, name: str | None = None,
                 code: str | None = None) -> LicenceTruth:
    individual = rng.random() < 0.35
    city = rng.choice(CITIES)
    # At least 400 days old: corpus merchants show up to a year of invoices, and a business cannot have
    # issued them before it existed (the draw stays, so every other byte of a seeded corpus stays too).
    established = today - timedelta(days=max(400, rng.randint(200, 4000)))
    issued = established + timedelta(days=rng.randint(0, 150))
    authority = f"{city}市市场监督管理局"
    address = f"{city}市{rng.choice(WORDS)}路{rng.randint(1, 999)}号{rng.randint(1, 30)}幢{rng.randint(101, 2999)}室"
    if individual:
        shop = name or f"{city}市{rng.choice(WORDS)}{rng.choice(['小吃店', '便利店', '服装店', '维修部', '美容院'])}"
        body = "92" + uscc(rng)[2:-1]
        return LicenceTruth(code or body + check_char(body), shop, "个体工商户", rng.choice(PEOPLE), None,
                            established, None, address, rng.choice(SCOPES), issued, authority, True)
    term = f"{_cn_date(established)}至{'长期' if rng.random() < 0.5 else _cn_date(established + timedelta(days=7300))}"
    return LicenceTruth(code or uscc(rng), name or company(rng), rng.choice(COMPANY_TYPES), rng.choice(PEOPLE),
                        rng.choice(CAPITALS), established, term, address, rng.choice(SCOPES), issued, authority,
                        False)


def render_licence(t: LicenceTruth, rng: random.Random) -> Image.Image:
    """A 2000×1400 licence face."""
    img = Image.new("RGB", (2000, 1400), (252, 250, 244))
    d = ImageDraw.Draw(img)
    path = rng.choice(FONTS)
    dx, dy = rng.randint(-20, 20), rng.randint(-15, 15)

    def font(size: int) -> ImageFont.FreeTypeFont:
        return cjk_font(path, size)

    d.rectangle((30, 30, 1970, 1370), outline=(190, 150, 60), width=10)
    d.text((1000 + dx, 130 + dy), "营业执照", font=font(120), fill=(30, 30, 30), anchor="ma")
    d.text((1000 + dx, 280 + dy), "(副本)", font=font(40), fill=(30, 30, 30), anchor="ma")
    d.text((120 + dx, 180 + dy), "统一社会信用代码", font=font(34), fill=(30, 30, 30))
    d.text((120 + dx, 230 + dy), t.uscc, font=font(40), fill=(30, 30, 30))
    buf = io.BytesIO()
    segno.make(f"https://www.gsxt.gov.cn/{t.uscc}", error="m").save(buf, kind="png", scale=5, border=1)
    img.paste(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"), (1700 + dx, 120 + dy))
    left = [("名    称", t.name), ("类    型", t.company_type),
            ("经 营 者" if t.individual else "法定代表人", t.legal_representative)]
    right = ([("组成形式", "个人经营"), ("注册日期", _cn_date(t.established)), ("经营场所", t.address)]
             if t.individual else
             [("注册资本", t.registered_capital or ""), ("成立日期", _cn_date(t.established)),
              ("营业期限", t.business_term or ""), ("住    所", t.address)])
    size, y0, step = 34, 420, rng.randint(66, 80)
    # Half the licences justify every label to the width of 法定代表人, as the 副本 prints them (名　　称 with the
    # two characters far apart); drawn from the truth, not the shared rng, so other seeds render as before.
    spaced = random.Random(f"{t.uscc}:spaced").random() < 0.5

    def label_at(x: int, y: int, label: str) -> None:
        chars = label.replace(" ", "")
        if not spaced or len(chars) >= 5:
            d.text((x, y), label, font=font(size), fill=(30, 30, 30))
            return
        gap = (5 * size - size) / max(len(chars) - 1, 1)
        for k, ch in enumerate(chars):
            d.text((x + round(k * gap), y), ch, font=font(size), fill=(30, 30, 30))

    for i, (label, value) in enumerate(left):
        label_at(120 + dx, y0 + i * step + dy, label)
        d.text((340 + dx, y0 + i * step + dy), value, font=font(size), fill=(30, 30, 30))
    y = y0 + dy
    for label, value in right:
        label_at(1060 + dx, y, label)
        d.text((1240 + dx, y), value[:16], font=font(size), fill=(30, 30, 30))
        if len(value) > 16:  # long values wrap under their own first line
            y += 46
            d.text((1240 + dx, y), value[16:], font=font(size), fill=(30, 30, 30))
        y += step
    scope_y = y0 + len(left) * step + dy
    d.text((120 + dx, scope_y), "经营范围", font=font(size), fill=(30, 30, 30))
    scope = t.scope
    for n, start in enumerate(range(0, len(scope), 18)):
        d.text((340 + dx, scope_y + n * 46), scope[start:start + 18], font=font(size), fill=(30, 30, 30))
    d.text((1200 + dx, 1120 + dy), "登记机关", font=font(size), fill=(30, 30, 30))
    d.text((1420 + dx, 1210 + dy), _cn_date(t.issued), font=font(size), fill=(30, 30, 30))
    # One in four registry seals faded to pink (lic02 of the dev set), chosen apart from `rng` so the other
    # values of a seed stay as they were.
    faded = random.Random(f"faded:{t.uscc}").random() < 0.25
    draw_round_seal(img, (1560 + dx, 1150 + dy), 120, t.seal_name or t.authority, rng, faded=faded)
    d.text((1000 + dx, 1300 + dy), "国家企业信用信息公示系统网址：http://www.gsxt.gov.cn", font=font(24),
           fill=(60, 60, 60), anchor="ma")
    return img
