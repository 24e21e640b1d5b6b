"""Synthetic two-page purchase/service contracts with party seals (goods contracts often with a price table),
delivered as a scanned PDF."""

from __future__ import annotations

import io
import random
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from PIL import Image, ImageDraw

from attest.cn.amount_words import to_amount_words
from attest.cn.fonts import cjk_font
from eval.render.contract_variants import AGREEMENTS, Party, amount_clauses, buyer, payment_kind
from eval.render.seal import draw_round_seal
from eval.render.truth import CITIES, ITEMS, PEOPLE, company, uscc

FONTS = ["/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
         "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"]
# title → (role of 甲方, role of 乙方, which side supplies)
KINDS = {"购销合同": ("买方", "卖方", "乙方"), "采购合同": ("需方", "供方", "乙方"),
         "委托加工合同": ("委托方", "受托方", "乙方"), "技术服务合同": ("委托方", "服务方", "乙方")}


@dataclass
class ContractTruth:
    title: str
    number: str
    party_a: tuple[str, str]
    party_b: tuple[str, str]
    roles: tuple[str, str]
    supplier_side: str
    subject: str
    amount: Decimal
    signed: date
    place: str
    term: tuple[date, date]
    words_override: str | None = None        # forgery: words that no longer match the figures
    seal_names: tuple[str, str] | None = None  # forgery: a seal of another company
    items: list[dict[str, str]] = field(default_factory=list)  # a price table's rows, as flat_contract gives them
    doc: str = "合同"                          # 协议 for an agreement: its body says 本协议
    money_clauses: list[str] = field(default_factory=list)  # the clauses printing money; empty: the classic one
    party_a_id: str | None = None              # a natural person's ID number, printed instead of a USCC

    @property
    def words(self) -> str:
        return self.words_override or to_amount_words(self.amount)

    def flat(self) -> dict[str, Any]:
        supplier = self.party_b[0] if self.supplier_side == "乙方" else self.party_a[0]
        return {"contract_no": self.number, "title": self.title, "party_a": self.party_a[0],
                "party_b": self.party_b[0], "party_a_tax_id": self.party_a[1] or None,
                "party_b_tax_id": self.party_b[1],
                "supplier": supplier, "amount": format(self.amount, "f"), "amount_cn": self.words,
                "signing_date": self.signed.isoformat(), "signing_place": self.place,
                "term_start": self.term[0].isoformat(), "term_end": self.term[1].isoformat(),
                **({"items": self.items} if self.items else {})}


def _cn(d: date) -> str:
    return f"{d.year}年{d.month:02d}月{d.day:02d}日"


def make_contract(rng: random.Random, today: date, *, supplier: tuple[str, str] | None = None,
                  amount: Decimal | None = None, variants: bool = True) -> ContractTruth:
    """A contract in which `supplier` (else a drawn company) supplies; `variants`: sometimes another kind of
    buyer, an agreement's title, or money clauses beside the total (`contract_variants`)."""
    title = rng.choice(sorted(KINDS))
    role_a, role_b, side = KINDS[title]
    buyer_of = (company(rng), uscc(rng))
    seller = supplier or (company(rng), uscc(rng))
    signed = today - timedelta(days=rng.randint(5, 300))
    amount = amount or Decimal(rng.randrange(10_000, 3_000_000)).quantize(Decimal("1")) + Decimal("0.00")
    item = rng.choice(ITEMS)[0].split("*")[-1]
    number = f"HT-{signed.year}-{rng.randrange(10000):04d}"
    t = ContractTruth(title, number, buyer_of, seller, (role_a, role_b), side, item, amount, signed,
                      f"{rng.choice(CITIES)}市", (signed, signed + timedelta(days=364)))
    # A goods contract often lists its goods in a price table. Drawn from its own generator, so the contracts
    # made before tables existed keep every other value.
    table_rng = random.Random(f"items:{number}:{amount}")
    if title in ("购销合同", "采购合同") and table_rng.random() < 0.6:
        t.items = _price_table(table_rng, amount)
    if variants:
        _vary(t, random.Random(f"variants:{number}:{amount}"))
    return t


def _vary(t: ContractTruth, rng: random.Random) -> None:
    """What contracts nobody here wrote print (`contract_variants`): other buyers, agreements, money clauses."""
    party: Party = buyer(rng, *t.party_a)
    t.party_a, t.party_a_id = (party.name, party.code or ""), party.id_no
    if rng.random() < 0.3:
        t.title, t.doc = rng.choice(AGREEMENTS), "协议"
    if not t.items and rng.random() < 0.7:
        t.money_clauses, t.amount = amount_clauses(rng, t.amount, t.doc, payment_kind(rng))


GOODS = [(name.split("*")[-1], model, unit) for name, model, unit, _ in ITEMS if model and unit]


def _price_table(rng: random.Random, total: Decimal) -> list[dict[str, str]]:
    """One to three rows of goods whose amounts add up to the contract's amount (the last row takes the rest)."""
    goods = rng.sample(GOODS, rng.randint(1, 3))
    rows, left = [], total
    for n, (name, model, unit) in enumerate(goods):
        share = left if n == len(goods) - 1 else (total * Decimal(rng.uniform(0.2, 0.45))).quantize(Decimal("1"))
        # The last row's count divides what is left to the cent, so its price is exact.
        whole = [q for q in (2, 5, 10, 20, 50, 100) if int(left * 100) % q == 0]
        qty = rng.choice(whole or [1]) if n == len(goods) - 1 else rng.choice([2, 5, 10, 20, 50, 100])
        price = (share / qty).quantize(Decimal("0.01"))
        amount = price * qty
        left -= amount
        rows.append({"name": name, "model": model, "unit": unit, "qty": str(qty), "unit_price": format(price, "f"),
                     "amount": format(amount, "f")})
    return rows


def _draw_price_table(d: ImageDraw.ImageDraw, font: Any, size: int, top: int, items: list[dict[str, str]]) -> int:
    """The table with ruled cells, a header, the rows and a 合计 row; returns the y under it."""
    heads = ["序号", "产品名称", "规格型号", "单位", "数量", "单价(元)", "金额(元)"]
    xs = [150, 260, 560, 800, 920, 1060, 1280, 1504]
    rows = [heads] + [[str(n + 1), it["name"], it["model"], it["unit"], it["qty"], f"{Decimal(it['unit_price']):,.2f}",
                       f"{Decimal(it['amount']):,.2f}"] for n, it in enumerate(items)]
    total = sum(Decimal(it["amount"]) for it in items)
    rows.append(["合计", "", "", "", "", "", f"{total:,.2f}"])
    h = int(size * 1.9)
    small = font(size - 4)
    for r, cells in enumerate(rows):
        y = top + r * h
        for c, text in enumerate(cells):
            d.rectangle((xs[c], y, xs[c + 1], y + h), outline=(40, 40, 40), width=2)
            if text:
                d.text(((xs[c] + xs[c + 1]) // 2, y + h // 2), text, font=small, fill=(20, 20, 20), anchor="mm")
    return top + len(rows) * h


def _page(rng: random.Random, path: str) -> tuple[Image.Image, ImageDraw.ImageDraw, Any]:
    img = Image.new("RGB", (1654, 2339), (253, 253, 250))  # A4 at 200 dpi
    return img, ImageDraw.Draw(img), lambda size: cjk_font(path, size)


def render_contract(t: ContractTruth, rng: random.Random) -> list[Image.Image]:
    path = rng.choice(FONTS)
    size, left = rng.randint(34, 38), 150
    p1, d, font = _page(rng, path)
    d.text((827, 170), t.title, font=font(64), fill=(20, 20, 20), anchor="ma")
    y = 320
    money = ([f"第二条 合同金额：人民币（大写）{t.words}（¥{t.amount:,.2f}）。",
              "第三条 付款方式：甲方于收货验收合格后三十日内支付全部货款。"] if not t.money_clauses else
             [f"第{'二三四五'[n]}条 {c}" for n, c in enumerate(t.money_clauses)])
    lines = [
        f"{t.doc}编号：{t.number}",
        "",
        f"甲方（{t.roles[0]}）：{t.party_a[0]}",
        f"身份证号码：{t.party_a_id}" if t.party_a_id else f"统一社会信用代码：{t.party_a[1]}",
        f"乙方（{t.roles[1]}）：{t.party_b[0]}",
        f"统一社会信用代码：{t.party_b[1]}",
        "",
        f"经双方友好协商，根据《中华人民共和国民法典》，订立本{t.doc}。",
        f"第一条 标的：乙方向甲方{'供应' if t.supplier_side == '乙方' else '采购'}{t.subject}，规格、数量见附件。",
        *money,
        f"第{'三四五六'[len(money) - 1]}条 {t.doc}期限：自{_cn(t.term[0])}起至{_cn(t.term[1])}止。",
    ]
    if t.items:
        lines[8] = f"第一条 标的：乙方向甲方{'供应' if t.supplier_side == '乙方' else '采购'}以下货物："
    width = 1654 - 2 * left
    for n, text in enumerate(lines):
        for row in wrap(text, size, width):
            d.text((left, y), row, font=font(size), fill=(20, 20, 20))
            y += int(size * rng.uniform(1.9, 2.2))
        if n == 8 and t.items:
            y = _draw_price_table(d, font, size, y, t.items) + size
    p2, d2, _ = _page(rng, path)
    y = 200
    for text in [f"第五条 违约责任：任何一方违约，应向守约方支付{t.doc}金额百分之十的违约金。",
                 "第六条 争议解决：双方协商不成的，提交签订地人民法院诉讼解决。",
                 f"第七条 本{t.doc}一式两份，双方各执一份，自双方签字盖章之日起生效。", "",
                 f"签订地点：{t.place}", f"签订日期：{_cn(t.signed)}"]:
        d2.text((left, y), text, font=font(size), fill=(20, 20, 20))
        y += int(size * 2.1)
    y += 120
    d2.text((left, y), "甲方（签字）：" if t.party_a_id else "甲方（盖章）：", font=font(size), fill=(20, 20, 20))
    d2.text((900, y), "乙方（盖章）：", font=font(size), fill=(20, 20, 20))
    if not t.party_a_id:
        d2.text((left, y + 260), f"法定代表人：{rng.choice(PEOPLE)}", font=font(size), fill=(20, 20, 20))
    d2.text((900, y + 260), f"法定代表人：{rng.choice(PEOPLE)}", font=font(size), fill=(20, 20, 20))
    names = t.seal_names or (t.party_a[0], t.party_b[0])
    if t.party_a_id and not t.seal_names:  # a person signs; they have no seal
        d2.text((left + 250, y + 60), t.party_a[0], font=font(size + 10), fill=(30, 30, 90))
    else:
        draw_round_seal(p2, (left + 330, y + 80), 150, names[0], rng)
    draw_round_seal(p2, (900 + 330, y + 80), 150, names[1], rng)
    return [p1, p2]


def wrap(text: str, size: int, width: int) -> list[str]:
    """The rows a line of `size`-pixel text takes within `width`, broken after punctuation where one is near."""
    rows: list[str] = []
    while text:
        used, cut = 0.0, len(text)
        for i, ch in enumerate(text):
            used += size if ord(ch) > 0x2E80 else size * 0.55
            if used > width:
                cut = i
                break
        if cut < len(text):
            soft = max(text.rfind(p, 0, cut) for p in "，；。、")
            cut = soft + 1 if soft > cut * 0.6 else cut
        rows.append(text[:cut])
        text = text[cut:]
    return rows


def contract_pdf(pages: list[Image.Image]) -> bytes:
    """A scanned contract: the page images in one PDF, no text layer."""
    buf = io.BytesIO()
    # Fixed dates: Pillow otherwise stamps the current time into the file, and the same seed must give
    # the same bytes.
    stamp = time.gmtime(1767225600)  # 2026-01-01T00:00:00Z, as Pillow wants it (a struct_time)
    pages[0].save(buf, "PDF", resolution=200, save_all=True, append_images=pages[1:], creationDate=stamp,
                  modDate=stamp)
    return buf.getvalue()
