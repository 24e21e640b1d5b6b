"""A merchant's year of operating flows, as the statements it would export: takings from many payers through a
payment QR code (a platform bill) or from business customers into a bank account, spending on suppliers and rent,
withdrawals, and for some a loan and its repayments. The merchant's true monthly revenue is what the takings add
up to, month by month, with a season and some noise.

And the ways flows are faked for an application — each a function that changes a genuine statement the way a
forger would: an amount edited, rows inserted, another holder, money sent round and back, a few payers' round
sums (刷流水), an account money only passes through, a spike in the last month.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from eval.render.statement import Row, StatementTruth
from eval.render.truth import PEOPLE, company

_CENT = Decimal("0.01")
SUPPLIER_WORDS = ["粮油批发部", "蔬菜配送中心", "调料商行", "包装材料厂", "五金建材店", "物流有限公司", "纸品商行"]


@dataclass(frozen=True)
class Trade:
    """What kind of till a merchant has: the size of one payment and who pays (a crowd or a few businesses)."""

    ticket: tuple[float, float]  # CNY, log-uniform
    crowd: bool  # many anonymous payers (a QR code) rather than named business customers


def _amount(rng: random.Random, lo: float, hi: float) -> Decimal:
    return Decimal(str(math.exp(rng.uniform(math.log(lo), math.log(hi))))).quantize(_CENT)


def _payers(rng: random.Random, trade: Trade) -> list[str]:
    if trade.crowd:
        return [f"{rng.choice('王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗')}*{rng.choice('明华强伟芳娜静丽军磊洋勇艳杰')}"
                f"({rng.randint(100, 999)})" for _ in range(rng.randint(150, 900))]
    return [company(rng) for _ in range(rng.randint(6, 30))]


def _moment(rng: random.Random, day: date) -> datetime:
    return datetime(day.year, day.month, day.day, rng.randint(7, 21), rng.randint(0, 59), rng.randint(0, 59))


def year_of_flows(rng: random.Random, *, holder: str, monthly: Decimal, trade: Trade, end: date, layout: str,
                  fmt: str, share: float = 1.0, loan: bool = False) -> StatementTruth:
    """Twelve months of one account: `share` of the merchant's takings arrive here."""
    start = end - timedelta(days=364)
    truth = StatementTruth(holder=holder, start=start, end=end, layout=layout,
                           encoding=rng.choice(("utf-8", "gbk", "utf-8-sig")), fmt=fmt,
                           opening=(monthly * Decimal("0.3")).quantize(_CENT), holder_line=layout == "bank",
                           account=f"6222{rng.randint(0, 99):02d}******{rng.randint(0, 9999):04d}"
                           if layout == "bank" else None)
    phase, payers = rng.uniform(0, 12), _payers(rng, trade)
    # At most a few hundred payments a month: a big till is read the same, only slower.
    lo, hi = trade.ticket
    lo, hi = max(lo, float(monthly) / 900), max(hi, float(monthly) / 250)
    suppliers = [company(rng)[:4] + rng.choice(SUPPLIER_WORDS) for _ in range(rng.randint(3, 8))]
    spend_share = rng.uniform(0.45, 0.7)
    day, owed = start, Decimal(0)
    while day <= end:
        season = 1 + 0.15 * math.sin(2 * math.pi * (day.month + phase) / 12)
        # What the day should take, carried over: a big ticket overshoots one day and the next days take less.
        owed += monthly * Decimal(str(share * season * rng.uniform(0.85, 1.15))) / 30
        got = Decimal(0)
        while owed > 0:
            amount = _amount(rng, lo, hi)
            got += amount
            owed -= amount
            memo = "二维码收款" if trade.crowd else rng.choice(("货款", "转账", "网银转入"))
            truth.rows.append(Row(_moment(rng, day), "in", amount, rng.choice(payers), memo,
                                  kind="商户收款" if trade.crowd else "转账"))
        if rng.random() < 0.35:  # suppliers are paid a few times a week
            amount = (monthly * Decimal(str(share * spend_share / 12 * rng.uniform(0.6, 1.4)))).quantize(_CENT)
            truth.rows.append(Row(_moment(rng, day), "out", amount, rng.choice(suppliers), "货款"))
        if day.day == 5:
            rent = (monthly * Decimal(str(share * 0.08))).quantize(Decimal(1))
            truth.rows.append(Row(_moment(rng, day), "out", rent, "房东", "房租"))
            if loan and day > start + timedelta(days=30):
                repay = (monthly * Decimal("0.045")).quantize(_CENT)
                truth.rows.append(Row(_moment(rng, day), "out", repay, "网商银行", "网商贷还款"))
        if layout == "platform" and day.weekday() == 0:
            truth.rows.append(Row(_moment(rng, day), "neutral", (got * 5).quantize(_CENT), "本人银行卡", "余额提现"))
        if loan and day == start + timedelta(days=20):
            truth.rows.append(Row(_moment(rng, day), "in", (monthly * Decimal("0.5")).quantize(_CENT), "网商银行",
                                  "网商贷放款", kind="转账"))
        day += timedelta(days=1)
    order(truth)
    return truth


def order(truth: StatementTruth) -> None:
    """Bills list the newest first; bank details the oldest first."""
    truth.rows.sort(key=lambda r: r.at, reverse=truth.layout == "platform")


def add_payments(truth: StatementTruth, rng: random.Random, payments: list[tuple[date, str, Decimal]]) -> None:
    """Business customers paying their invoices into this account; a payment after the statement's end is not in it."""
    for day, payer, amount in payments:
        if not truth.start <= day <= truth.end:
            continue
        truth.rows.append(Row(_moment(rng, day), "in", amount, payer, "货款", kind="转账"))
    order(truth)


def _takings(truth: StatementTruth) -> list[Row]:
    return [r for r in truth.rows if r.direction == "in" and r.memo != "网商贷放款"]


def edit_amount(truth: StatementTruth, rng: random.Random) -> None:
    """The largest takings raised in print; the summary and the balances were made with the real amount."""
    row = max(_takings(truth), key=lambda r: r.amount)
    row.shown = (row.amount * Decimal(rng.randint(3, 9))).quantize(_CENT)


def insert_rows(truth: StatementTruth, rng: random.Random, monthly: Decimal) -> None:
    """Takings typed in after the export: in neither the printed summary nor the running balance."""
    for _ in range(rng.randint(3, 8)):
        day = truth.start + timedelta(days=rng.randrange((truth.end - truth.start).days))
        amount = (monthly * Decimal(str(rng.uniform(0.2, 0.5)))).quantize(_CENT)
        truth.rows.append(Row(_moment(rng, day), "in", amount, company(rng), "货款", kind="转账", inserted=True))
    order(truth)


def change_holder(truth: StatementTruth, rng: random.Random, keep: tuple[str, ...] = ()) -> None:
    """Another person's statement with nothing else changed (`keep`: names that would not be another person)."""
    truth.holder = rng.choice([p for p in PEOPLE if p != truth.holder and p not in keep])
    truth.holder_line = True


def _pumped(truth: StatementTruth, rng: random.Random, monthly: Decimal, months: int, factor: float,
            payers: list[str], *, back: str | None) -> None:
    """Money brought in over the last `months` months, about `factor` × the month's takings each month; `back`:
    each sum leaves again within days, to its payer (`same`) or to another account (`other`)."""
    for k in range(months):
        month_end = truth.end - timedelta(days=30 * k)
        got, target = Decimal(0), monthly * Decimal(str(factor))
        while got < target:
            day = month_end - timedelta(days=rng.randrange(28))
            amount = Decimal(rng.randint(5, 50) * 1000) if back is None else _amount(rng, 3000, 30000)
            got += amount
            payer = rng.choice(payers)
            truth.rows.append(Row(_moment(rng, day), "in", amount, payer, "转账", kind="转账"))
            if back is not None:
                later = min(day + timedelta(days=rng.randint(0, 2)), truth.end)
                to = payer if back == "same" else company(rng)
                truth.rows.append(Row(_moment(rng, later), "out", amount, to, "转账"))
    order(truth)


def round_trip(truth: StatementTruth, rng: random.Random, monthly: Decimal) -> None:
    _pumped(truth, rng, monthly, 12, 0.6, [company(rng) for _ in range(4)], back="same")


def wash(truth: StatementTruth, rng: random.Random, monthly: Decimal) -> None:
    """刷流水: a few friends paying round sums in, month after month."""
    _pumped(truth, rng, monthly, 12, 1.2, [rng.choice(PEOPLE) + "(好友)" for _ in range(rng.randint(1, 3))], back=None)


def pass_through(truth: StatementTruth, rng: random.Random, monthly: Decimal) -> None:
    _pumped(truth, rng, monthly, 12, 1.8, [company(rng) for _ in range(6)], back="other")


def spike(truth: StatementTruth, rng: random.Random, monthly: Decimal) -> None:
    """The last month's takings pumped to several times the usual month, from the usual kind of payer."""
    payers = sorted({r.counterparty for r in _takings(truth)})
    lo = float(max(r.amount for r in _takings(truth)))
    got, target = Decimal(0), monthly * Decimal(str(rng.uniform(3, 5)))
    while got < target:
        day = truth.end - timedelta(days=rng.randrange(25))
        amount = _amount(rng, lo, lo * 3)
        got += amount
        truth.rows.append(Row(_moment(rng, day), "in", amount, rng.choice(payers), "二维码收款", kind="商户收款"))
    order(truth)
