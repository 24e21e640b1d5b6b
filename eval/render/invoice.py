"""Draw a synthetic invoice face (数电 or 税控 electronic layout) with seal and QR code.

Fonts, sizes and offsets vary per seed so the extractor cannot learn this renderer's pixels.
"""

from __future__ import annotations

import io
import random
from decimal import Decimal

import segno
from PIL import Image, ImageDraw, ImageFont

from attest.cn.fonts import cjk_font
from eval.render.seal import draw_invoice_seal
from eval.render.truth import InvoiceTruth

FONTS = ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
         "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
         "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"]
FORM = (150, 70, 40)  # the brown/red print of the form itself
INK = (20, 20, 20)
SEAL = (220, 30, 30)


class Canvas:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.img = Image.new("RGB", (2000, 1500), "white")
        self.d = ImageDraw.Draw(self.img)
        self.font_path = rng.choice(FONTS)
        self.scale = rng.uniform(0.92, 1.08)
        self.dx, self.dy = rng.randint(-15, 15), rng.randint(-12, 12)
        # Small per-face differences real invoices show: colon width, label spacing, column positions.
        self.colon = rng.choice([":", "："])
        self.name_label = rng.choice(["名    称", "名称", "名  称"])
        self.col_dx = {key: rng.randint(-18, 18) for _, _, key in COLUMNS}
        self.row_h = rng.randint(40, 48)
        self.name_room = rng.choice([560, 640, 860])
        self.drawn: list[tuple[str, tuple[float, float, float, float]]] = []  # text truth for OCR error rates

    def font(self, size: int) -> ImageFont.FreeTypeFont:
        return cjk_font(self.font_path, round(size * self.scale))

    def text(self, x: float, y: float, s: str, size: int = 30, fill: tuple[int, int, int] = INK,
             anchor: str = "la", record: bool = True) -> tuple[float, float, float, float]:
        xy, font = (x + self.dx, y + self.dy), self.font(size)
        self.d.text(xy, s, font=font, fill=fill, anchor=anchor)
        box = self.d.textbbox(xy, s, font=font, anchor=anchor)
        if s.strip() and record:
            self.drawn.append((s, box))
        return box

    def vtext(self, x: float, y: float, s: str, size: int = 30) -> None:
        """A caption written top to bottom; recorded as one string, as it is read."""
        boxes = [self.text(x, y + i * size * 1.25, ch, size, FORM, record=False) for i, ch in enumerate(s)]
        self.drawn.append((s, (boxes[0][0], boxes[0][1], max(b[2] for b in boxes), boxes[-1][3])))

    def rect(self, box: tuple[float, float, float, float]) -> None:
        x0, y0, x1, y1 = box
        self.d.rectangle((x0 + self.dx, y0 + self.dy, x1 + self.dx, y1 + self.dy), outline=FORM, width=2)

    def hline(self, y: float, x0: float = 40, x1: float = 1960) -> None:
        self.d.line((x0 + self.dx, y + self.dy, x1 + self.dx, y + self.dy), fill=FORM, width=2)


def _date(t: InvoiceTruth) -> str:
    return f"{t.issue_date.year}年{t.issue_date.month:02d}月{t.issue_date.day:02d}日"


def _money(v: Decimal) -> str:
    return format(v, "f")


def _seal(c: Canvas, cx: float, cy: float, name: str, tax_id: str) -> None:
    draw_invoice_seal(c.img, (int(cx), int(cy)), name, tax_id, c.rng)


def _qr(c: Canvas, payload: str, x: int, y: int) -> None:
    buf = io.BytesIO()
    segno.make(payload, error="m").save(buf, kind="png", scale=5, border=2)
    img = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    c.img.paste(img, (x + c.dx, y + c.dy))


COLUMNS = [("项目名称", 60, "name"), ("规格型号", 520, "spec"), ("单位", 720, "unit"), ("数量", 860, "qty"),
           ("单价", 1050, "unit_price"), ("金额", 1350, "amount"), ("税率", 1560, "tax_rate"),
           ("税额", 1800, "tax")]


def _table(c: Canvas, t: InvoiceTruth, top: float) -> float:
    size = 28
    for label, x, key in COLUMNS:
        c.text((x + 60 if label != "项目名称" else x + 120) + c.col_dx[key], top, label, size, FORM)
    y = top + 48
    for it in t.items:
        values = {"name": it.name, "spec": it.spec, "unit": it.unit, "qty": it.qty, "unit_price": it.unit_price,
                  "amount": _money(it.amount), "tax_rate": it.tax_rate, "tax": _money(it.tax)}
        for _, x, key in COLUMNS:
            v = values[key]
            if v is None:
                continue
            if key in ("name", "spec", "unit", "tax_rate"):
                c.text(x + (0 if key == "name" else 40) + c.col_dx[key], y, v, size - 2)
            else:  # numbers are right-aligned inside their column, as printed
                right = {"qty": 1010, "unit_price": 1300, "amount": 1530, "tax": 1950}[key]
                pasted = t.pasted == key and it is t.items[0]
                c.text(right + c.col_dx[key], y - (6 if pasted else 0), v, size + 8 if pasted else size - 2,
                       anchor="ra")
        y += c.row_h
    total_y = top + 48 + c.row_h * max(len(t.items), 3) + c.rng.randint(10, 60)
    c.text(160, total_y, "合", size, FORM)
    c.text(300, total_y, "计", size, FORM)
    c.text(1530 + c.col_dx["amount"], total_y, "¥" + _money(t.total_excl), size - 2, anchor="ra")
    c.text(1950 + c.col_dx["tax"], total_y, "¥" + _money(t.total_tax), size - 2, anchor="ra")
    c.hline(total_y + 50)
    return total_y + 50


def render_invoice(t: InvoiceTruth, rng: random.Random) -> Image.Image:
    return render_invoice_with_text(t, rng)[0]


def render_invoice_with_text(
    t: InvoiceTruth, rng: random.Random
) -> tuple[Image.Image, list[tuple[str, tuple[float, float, float, float]]]]:
    """The face plus every string drawn on it with its box (seal text excluded)."""
    if t.style == "roll":
        return _roll(t, rng)
    c = Canvas(rng)
    digital = t.style == "digital"
    c.text(1000, 60, t.title, 58, (140, 30, 30) if digital else FORM, anchor="ma")
    right = 1420
    if digital:
        _qr(c, t.qr_payload(), 60, 30)
        c.text(right, 90, f"发票号码{c.colon}{t.number}", 30, FORM)
        c.text(right, 145, "开票日期" + c.colon + _date(t), 30, FORM)
    else:
        _qr(c, t.qr_payload(), 60, 20)
        c.text(right, 40, f"发票代码{c.colon}{t.code}", 28, FORM)
        c.text(right, 90, f"发票号码{c.colon}{t.number}", 28, FORM)
        c.text(right, 140, "开票日期" + c.colon + _date(t), 28, FORM)
        if t.check_code:
            cc = t.check_code
            c.text(right, 190, "校验码" + c.colon + " ".join(cc[i:i + 5] for i in range(0, 20, 5)), 28, FORM)
        c.text(300, 210, f"机器编号{c.colon}{t.machine_no}", 28, FORM)
    top = 270
    if digital:
        c.vtext(55, top + 20, "购买方信息", 28)
        c.vtext(1000, top + 20, "销售方信息", 28)
        for x, (name, tax) in ((110, t.buyer), (1060, t.seller)):
            label = f"名称{c.colon}"
            room = c.name_room - c.d.textlength(label, font=c.font(30))
            cut = len(name)
            while c.d.textlength(name[:cut], font=c.font(30)) > room:
                cut -= 1
            c.text(x, top + 30, label + name[:cut], 30)
            if cut < len(name):  # the box is fixed: a long name wraps under its label
                c.text(x, top + 68, name[cut:], 30)
            c.text(x, top + 110, f"统一社会信用代码/纳税人识别号{c.colon}{tax}", 26)
        table_top = top + 200
    else:
        c.vtext(55, top + 30, "购买方", 30)
        c.text(110, top + 20, f"{c.name_label}{c.colon}{t.buyer[0]}", 30)
        c.text(110, top + 70, f"纳税人识别号{c.colon}{t.buyer[1]}", 30)
        c.text(110, top + 120, "地 址、电 话" + c.colon, 30, FORM)
        c.text(110, top + 170, "开户行及账号" + c.colon, 30, FORM)
        c.vtext(1150, top + 40, "密码区", 30)
        table_top = top + 230
    c.hline(table_top - 10)
    bottom = _table(c, t, table_top)
    c.text(100, bottom + 15, "价税合计(大写)", 30, FORM)
    c.text(560, bottom + 15, "⊗ " + t.words, 30)
    c.text(1300, bottom + 15, f"(小写)¥{_money(t.total_incl)}", 30)
    c.hline(bottom + 70)
    if digital:
        c.vtext(55, bottom + 100, "备注", 30)
        c.text(120, bottom + 110, t.remarks or "", 28)
        frame_bottom = bottom + 220
        c.text(200, frame_bottom + 40, f"开票人{c.colon}{t.drawer}", 30, FORM)
        _seal(c, 1700, bottom + 140, t.seller[0], t.seller[1])
    else:
        s = bottom + 85
        c.vtext(55, s + 10, "销售方", 30)
        c.text(110, s, f"{c.name_label}{c.colon}{t.seller[0]}", 30)
        c.text(110, s + 50, f"纳税人识别号{c.colon}{t.seller[1]}", 30)
        c.text(110, s + 100, f"地 址、电 话{c.colon}{t.seller_address_phone}", 28)
        c.text(110, s + 150, f"开户行及账号{c.colon}{t.seller_bank_account}", 28)
        c.vtext(1300, s + 20, "备注", 30)
        if t.remarks:
            c.text(1360, s + 30, t.remarks, 28)
        frame_bottom = s + 200
        c.text(100, frame_bottom + 30, f"收款人{c.colon}{t.payee}", 30, FORM)
        c.text(700, frame_bottom + 30, f"复核{c.colon}{t.reviewer}", 30, FORM)
        c.text(1200, frame_bottom + 30, f"开票人{c.colon}{t.drawer}", 30, FORM)
        _seal(c, 1650, s + 90, t.seller[0], t.seller[1])
    c.rect((40, top, 1960, frame_bottom))
    # Invoices are printed on a fixed-ratio form; crop to what was drawn plus a margin.
    return c.img.crop((0, 0, 2000, min(1500, int(frame_bottom + 110 + c.dy)))), c.drawn


Drawn = list[tuple[str, tuple[float, float, float, float]]]


def _roll(t: InvoiceTruth, rng: random.Random) -> tuple[Image.Image, Drawn]:
    """A roll invoice (卷票): a narrow strip, one label per row, each naming its party; the seller above the buyer."""
    c = Canvas(rng)
    c.img = Image.new("RGB", (900, 1500), "white")
    c.d = ImageDraw.Draw(c.img)
    size = 26
    y = 40
    c.text(450, y, t.title, 34, FORM, anchor="ma")
    y += 70
    c.text(450, y, "发票联", 28, FORM, anchor="ma")
    y += 60
    rows = [f"发票代码{c.colon}{t.code}", f"发票号码{c.colon}{t.number}", f"机打号码{c.colon}{t.number}",
            f"机器编号{c.colon}{t.machine_no}", f"销售方名称{c.colon}{t.seller[0]}",
            f"纳税人识别号{c.colon}{t.seller[1]}", f"开票日期{c.colon}{_date(t)}  收款员{c.colon}{t.payee}",
            f"购买方名称{c.colon}{t.buyer[0]}", f"纳税人识别号{c.colon}{t.buyer[1]}"]
    for row in rows:
        c.text(40, y, row, size)
        y += 46
    y += 10
    heads = [("项目", 40), ("单价", 400), ("数量", 560), ("金额", 700)]
    for head, x in heads:
        c.text(x, y, head, size, FORM)
    y += 46
    for it in t.items:
        c.text(40, y, it.name, 22 if len(it.name) <= 15 else 18)
        c.text(400, y, it.unit_price or "", size)
        c.text(560, y, it.qty or "", size)
        c.text(700, y, _money(it.amount), size)
        y += 46
    y += 10
    c.text(40, y, f"合计金额(小写){c.colon}¥{_money(t.total_incl)}", size)
    y += 46
    c.text(40, y, f"合计金额(大写){c.colon}{t.words}", size)
    y += 46
    if t.check_code:
        c.text(40, y, f"校验码{c.colon}{t.check_code}", size)
        y += 46
    _seal(c, 620, y + 110, t.seller[0], t.seller[1])
    return c.img.crop((0, 0, 900, int(y + 240))), c.drawn
