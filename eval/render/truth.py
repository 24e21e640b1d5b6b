"""Synthetic invoice truth: companies, items and totals that satisfy every rule a real invoice does."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from attest.cn.amount_words import to_amount_words
from attest.cn.uscc import ALPHABET, check_char

CITIES = ["杭州", "苏州", "南京", "成都", "广州", "青岛", "无锡", "宁波", "合肥", "长沙", "厦门", "昆明"]
WORDS = ["华盛", "鑫源", "永达", "嘉禾", "恒通", "锦程", "瑞丰", "启航", "宏图", "佳美", "东方", "利民"]
TRADES = ["餐饮管理", "酒店管理", "信息技术", "贸易", "物流", "五金制品", "服装", "商贸", "文化传媒"]
ITEMS = [
    ("*餐饮服务*餐饮服务", None, None, "6%"), ("*住宿服务*住宿费", None, "天", "6%"),
    ("*信息技术服务*技术服务费", None, "次", "6%"), ("*金属制品*不锈钢螺丝", "M6x30", "盒", "13%"),
    ("*纺织产品*棉质工作服", "XL", "件", "13%"), ("*运输服务*货物运输服务", None, "次", "9%"),
    ("*农产品*大米", "25kg", "袋", "9%"), ("*现代服务*咨询服务费", None, "项", "1%"),
    ("*日用杂品*清洁用品", "500ml", "瓶", "3%"), ("*电子元件*集成电路板", "A-12", "个", "13%"),
]
PROVINCES = {"33": "浙江", "32": "江苏", "44": "广东", "31": "上海", "51": "四川", "37": "山东"}
PEOPLE = ["王芳", "李娜", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴婷"]
CENT = Decimal("0.01")


def uscc(rng: random.Random) -> str:
    body = "91" + rng.choice(list(PROVINCES)) + f"{rng.randrange(10000):04d}" + "".join(
        rng.choice(ALPHABET) for _ in range(9))
    return body + check_char(body)


def company(rng: random.Random) -> str:
    name = rng.choice(CITIES) + rng.choice(WORDS) + rng.choice(TRADES) + "有限公司"
    if rng.random() < 0.2:  # branch offices carry long names that wrap inside the 数电 party box
        name += rng.choice(CITIES) + rng.choice(["分公司", "第一分公司", "经营部分公司"])
    return name


@dataclass
class Item:
    name: str
    spec: str | None
    unit: str | None
    qty: str | None
    unit_price: str | None
    amount: Decimal
    tax_rate: str
    tax: Decimal


@dataclass
class InvoiceTruth:
    style: str  # "digital" (数电) or "tax_control" (税控: paper or electronic, special or ordinary)
    title: str
    code: str | None
    number: str
    issue_date: date
    check_code: str | None
    machine_no: str | None
    buyer: tuple[str, str]
    seller: tuple[str, str]
    seller_address_phone: str | None
    seller_bank_account: str | None
    items: list[Item] = field(default_factory=list)
    drawer: str = ""
    payee: str | None = None
    reviewer: str | None = None
    remarks: str | None = None
    words_override: str | None = None  # forgeries: a stale amount in words
    qr_amount_override: Decimal | None = None
    totals_override: tuple[Decimal, Decimal] | None = None  # forgeries: printed totals that no longer add up
    pasted: str | None = None  # forgeries: the first item's field printed in a pasted-in font and size
    negative: bool = False  # a red-letter invoice: negative amounts, its words after (负数)

    @property
    def total_excl(self) -> Decimal:
        if self.totals_override:
            return self.totals_override[0]
        return sum((it.amount for it in self.items), Decimal("0.00"))

    @property
    def total_tax(self) -> Decimal:
        if self.totals_override:
            return self.totals_override[1]
        return sum((it.tax for it in self.items), Decimal("0.00"))

    @property
    def total_incl(self) -> Decimal:
        return self.total_excl + self.total_tax

    @property
    def words(self) -> str:
        if self.words_override:
            return self.words_override
        return "(负数)" + to_amount_words(-self.total_incl) if self.total_incl < 0 else to_amount_words(self.total_incl)

    def qr_payload(self) -> str:
        amount = self.qr_amount_override or (self.total_incl if self.style == "digital" else self.total_excl)
        kind = "32" if self.style == "digital" else "01" if "专用" in self.title else "10"
        fields = ["01", kind, self.code or "", self.number, str(amount), f"{self.issue_date:%Y%m%d}",
                  self.check_code or "", "A1B2"]
        return ",".join(fields)

    def flat(self) -> dict[str, object]:
        """Ground truth in the flat format of `attest check --format flat`."""
        def s(v: Decimal) -> str:
            return format(v, "f")
        roll = self.style == "roll"  # a roll invoice prints one total: no pre-tax total, no tax
        return {
            "invoice_title": self.title, "invoice_code": self.code, "invoice_number": self.number,
            "issue_date": self.issue_date.isoformat(), "check_code": self.check_code, "machine_no": self.machine_no,
            "buyer_name": self.buyer[0], "buyer_tax_id": self.buyer[1] or None, "buyer_address_phone": None,
            "buyer_bank_account": None, "seller_name": self.seller[0], "seller_tax_id": self.seller[1],
            "seller_address_phone": None if roll else self.seller_address_phone,
            "seller_bank_account": None if roll else self.seller_bank_account,
            "items": [{"name": it.name, "spec": it.spec, "unit": it.unit, "qty": it.qty,
                       "unit_price": it.unit_price, "amount": s(it.amount), "tax_rate": None if roll else it.tax_rate,
                       "tax": None if roll else s(it.tax)} for it in self.items],
            "total_amount_excl_tax": None if roll else s(self.total_excl),
            "total_tax": None if roll else s(self.total_tax),
            "total_amount_incl_tax": s(self.total_incl), "total_amount_incl_tax_cn": self.words,
            "remarks": self.remarks, "payee": self.payee, "reviewer": None if roll else self.reviewer,
            "drawer": None if roll else self.drawer,
        }


def _item(rng: random.Random, discount_of: Item | None = None) -> Item:
    if discount_of is not None:
        amount = -(discount_of.amount * Decimal(rng.choice(["0.05", "0.1"]))).quantize(CENT, ROUND_HALF_UP)
        rate = Decimal(discount_of.tax_rate.rstrip("%")) / 100
        tax = (amount * rate).quantize(CENT, ROUND_HALF_UP)
        return Item(discount_of.name, None, None, None, None, amount, discount_of.tax_rate, tax)
    name, spec, unit, rate_text = rng.choice(ITEMS)
    qty = rng.choice([1, 1, 2, 3, 5, 10, 12])
    price = Decimal(rng.randrange(500, 500000)) / 100
    amount = (price * qty).quantize(CENT)
    rate = Decimal(rate_text.rstrip("%")) / 100
    tax = (amount * rate).quantize(CENT, ROUND_HALF_UP)
    return Item(name, spec, unit, str(qty), format(price, "f"), amount, rate_text, tax)


def _items_for_total(rng: random.Random, target: Decimal) -> list[Item]:
    """Items whose amounts add up to `target` (to the fen), split over 1–5 lines."""
    n = rng.randint(1, 5)
    weights = [rng.uniform(0.5, 2.0) for _ in range(n)]
    items = []
    for w in weights:
        name, spec, unit, rate_text = rng.choice(ITEMS)
        qty = rng.choice([1, 1, 2, 5, 10])
        share = target * Decimal(w / sum(weights))
        price = max((share / qty).quantize(CENT), CENT)
        amount = price * qty
        rate = Decimal(rate_text.rstrip("%")) / 100
        items.append(Item(name, spec, unit, str(qty), format(price, "f"), amount, rate_text,
                          (amount * rate).quantize(CENT, ROUND_HALF_UP)))
    return items


def make_truth(rng: random.Random, today: date, *, seller: tuple[str, str] | None = None,
               buyer: tuple[str, str] | None = None, issued: date | None = None,
               total: Decimal | None = None, variants: bool = True) -> InvoiceTruth:
    """A genuine invoice; a merchant corpus fixes the parties, the day and the pre-tax total. `variants`: some
    are roll invoices, red-letter invoices or have a private buyer, drawn from their own stream (`_vary`)."""
    fixed_buyer = buyer is not None
    variants = variants and total is None  # a merchant's sales stay its ordinary invoices
    style = rng.choice(["digital", "tax_control"])
    issued = issued or today - timedelta(days=rng.randrange(1, 700))
    if total is not None:
        items = _items_for_total(rng, total)
    else:
        items = [_item(rng) for _ in range(rng.randint(1, 8))]
        if len(items) < 8 and rng.random() < 0.2:
            items.append(_item(rng, discount_of=items[-1]))
    seller = seller or (company(rng), uscc(rng))
    buyer = buyer or (company(rng), uscc(rng))
    province = rng.choice(list(PROVINCES))
    truth = _invoice(rng, style, issued, items, seller, buyer, province)
    if variants:
        _vary(truth, random.Random(f"invoice-variants:{truth.number}"), fixed_buyer=fixed_buyer)
    return truth


def _vary(t: InvoiceTruth, rng: random.Random, *, fixed_buyer: bool) -> None:
    """What invoices nobody here has seen print: a private buyer (a name, no tax id), a red-letter invoice
    (negative amounts, `(负数)` before the words), a roll invoice (卷票: the seller printed above the buyer)."""
    roll = rng.random()
    if t.style == "tax_control" and "普通" in t.title and "电子" not in t.title and roll < 0.25:
        t.style, t.title = "roll", t.title.replace("普通发票", "普通发票(卷票)")
        t.code = (t.code or "")[:-2] + rng.choice(["06", "07"])
        # A roll invoice prints tax-inclusive amounts only: each item at its whole price, once.
        t.items = [Item(it.name, None, None, "1", format(it.amount + it.tax, "f"), it.amount + it.tax, it.tax_rate,
                        Decimal("0.00")) for it in t.items[:4]]
    if not fixed_buyer and rng.random() < 0.15 and "专用" not in t.title:
        t.buyer = (rng.choice(["个人", *PEOPLE]), "")
    if rng.random() < 0.1 and t.style != "roll":
        t.negative = True
        t.items = [Item(it.name, it.spec, it.unit, f"-{it.qty}" if it.qty else None, it.unit_price, -it.amount,
                        it.tax_rate, -it.tax) for it in t.items]


def _invoice(rng: random.Random, style: str, issued: date, items: list[Item], seller: tuple[str, str],
             buyer: tuple[str, str], province: str) -> InvoiceTruth:
    if style == "digital":
        special = rng.random() < 0.5
        number = f"{issued.year % 100:02d}{province}{rng.randrange(10)}{rng.randrange(10**15):015d}"
        title = "电子发票(增值税专用发票)" if special else "电子发票(普通发票)"
        return InvoiceTruth(style, title, None, number, issued, None, None, buyer, seller, None, None, items,
                            drawer=rng.choice(PEOPLE))
    # 税控 faces: the code encodes the type (see the domain notes), and only ordinary invoices print 校验码.
    kind = rng.choice(["electronic_ordinary", "electronic_special", "paper_ordinary", "paper_special"])
    yy, prov = f"{issued.year % 100:02d}", PROVINCES[province]
    code, title = {
        "electronic_ordinary": (f"0{province}00{yy}{rng.randrange(1000):03d}11", f"{prov}增值税电子普通发票"),
        "electronic_special": (f"0{province}00{yy}{rng.randrange(1000):03d}13", f"{prov}增值税电子专用发票"),
        "paper_ordinary": (f"0{province}00{yy}{rng.randrange(1000):03d}04", f"{prov}增值税普通发票"),
        "paper_special": (f"{province}00{yy}{rng.randrange(10)}1{rng.randrange(100):02d}", f"{prov}增值税专用发票"),
    }[kind]
    check = "".join(str(rng.randrange(10)) for _ in range(20)) if "ordinary" in kind else None
    return InvoiceTruth(
        style, title, code, f"{rng.randrange(10**8):08d}", issued,
        check, f"{rng.randrange(10**12):012d}", buyer, seller,
        f"{rng.choice(CITIES)}市{rng.choice(WORDS)}路{rng.randint(1, 999)}号 "
        f"0{rng.randint(10, 99)}-{rng.randrange(10**7, 10**8)}",
        f"{rng.choice(['中国银行', '工商银行', '建设银行', '招商银行'])}{rng.choice(CITIES)}支行 "
        f"{rng.randrange(10**15, 10**16)}",
        items, drawer=rng.choice(PEOPLE), payee=rng.choice(PEOPLE), reviewer=rng.choice(PEOPLE),
    )
