"""Synthetic operating-flow statements: a month of a small merchant's takings and spending, written in the layouts
real exports use — a payment platform's bill (a preamble with the holder, the period and the printed summary, then
收/支 and 金额 columns) and a bank's detail (signed amounts with a running balance) — as CSV, in UTF-8 or GBK."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from eval.render.truth import company

PAYERS = ["顾客", "微信用户", "支付宝用户", "散客", "老顾客"]
SUPPLIERS = ["粮油批发部", "蔬菜配送中心", "调料商行", "燃气公司", "房东"]


@dataclass
class Row:
    at: datetime
    direction: str  # in | out | neutral
    amount: Decimal
    counterparty: str
    memo: str


@dataclass
class StatementTruth:
    holder: str
    start: date
    end: date
    layout: str  # platform | bank
    encoding: str
    opening: Decimal
    rows: list[Row] = field(default_factory=list)

    def flat(self) -> dict[str, str | None]:
        total = {way: sum((r.amount for r in self.rows if r.direction == way), Decimal("0.00"))
                 for way in ("in", "out")}
        return {"holder_name": self.holder if self.layout == "platform" else None,
                "period_start": self.start.isoformat(), "period_end": self.end.isoformat(),
                "transactions": str(len(self.rows)), "total_in": format(total["in"], "f"),
                "total_out": format(total["out"], "f")}


def make_statement(rng: random.Random, end: date) -> StatementTruth:
    start = end - timedelta(days=rng.choice((29, 30, 89)))
    truth = StatementTruth(holder=company(rng)[:12], start=start, end=end, layout=rng.choice(("platform", "bank")),
                           encoding=rng.choice(("utf-8", "gbk", "utf-8-sig")),
                           opening=Decimal(rng.randint(500, 20000)).quantize(Decimal("0.01")))
    day = start
    while day <= end:
        for _ in range(rng.randint(0, 6)):
            at = datetime(day.year, day.month, day.day, rng.randint(7, 21), rng.randint(0, 59), rng.randint(0, 59))
            if rng.random() < 0.8:
                amount = Decimal(rng.randint(800, 12000)) / 100
                truth.rows.append(Row(at, "in", amount, rng.choice(PAYERS), "二维码收款"))
            else:
                amount = Decimal(rng.randint(5000, 80000)) / 100
                truth.rows.append(Row(at, "out", amount, rng.choice(SUPPLIERS), "转账"))
        day += timedelta(days=1)
    truth.rows.sort(key=lambda r: r.at, reverse=truth.layout == "platform")  # bills list the newest first
    return truth


def _platform(t: StatementTruth) -> list[list[str]]:
    ins = [r for r in t.rows if r.direction == "in"]
    outs = [r for r in t.rows if r.direction == "out"]
    return [["支付账单明细"], [f"姓名：{t.holder}"],
            [f"起始时间：[{t.start} 00:00:00]    终止时间：[{t.end} 23:59:59]"],
            [f"共{len(t.rows)}笔记录"], [f"收入：{len(ins)}笔 {sum(r.amount for r in ins):.2f}元"],
            [f"支出：{len(outs)}笔 {sum(r.amount for r in outs):.2f}元"], [],
            ["交易时间", "交易分类", "交易对方", "商品说明", "收/支", "金额", "交易状态"],
            *[[r.at.strftime("%Y-%m-%d %H:%M:%S"), "商户收款" if r.direction == "in" else "转账", r.counterparty,
               r.memo, "收入" if r.direction == "in" else "支出", f"{r.amount:.2f}", "交易成功"] for r in t.rows]]


def _bank(t: StatementTruth) -> list[list[str]]:
    balance, out = t.opening, []
    for r in t.rows:
        balance += r.amount if r.direction == "in" else -r.amount
        signed = r.amount if r.direction == "in" else -r.amount
        out.append([r.at.strftime("%Y-%m-%d"), r.at.strftime("%H:%M:%S"), "人民币", f"{signed:,.2f}",
                    f"{balance:,.2f}", r.memo, r.counterparty])
    return [["账户交易明细"], [f"查询期间：{t.start:%Y%m%d}-{t.end:%Y%m%d}"],
            ["记账日期", "记账时间", "币别", "金额", "余额", "交易名称", "对方账户名"], *out]


def render_statement(t: StatementTruth) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(_platform(t) if t.layout == "platform" else _bank(t))
    return buf.getvalue().encode(t.encoding)
