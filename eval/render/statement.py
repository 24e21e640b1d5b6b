"""Synthetic operating-flow statements: a month of a small merchant's takings and spending, written in the layouts
real exports use — a payment platform's bill (a preamble with the holder, the period and the printed summary, then
收/支 and 金额 columns) and a bank's detail (signed amounts with a running balance) — as CSV, in UTF-8 or GBK, or
as XLSX.

A forger edits what is printed after the export was made: a row's `shown` amount differs from the amount the
summary and the balances were computed with, and an `inserted` row was never part of them."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from xml.sax.saxutils import escape

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
    kind: str = ""  # the platform's own kind column (商户收款, 转账 …); blank: from the direction
    shown: Decimal | None = None  # a forger's printed amount, where it differs from the real one
    inserted: bool = False  # a forger's row: in neither the summary nor the running balance

    @property
    def printed(self) -> Decimal:
        return self.shown if self.shown is not None else self.amount


@dataclass
class StatementTruth:
    holder: str
    start: date
    end: date
    layout: str  # platform | bank
    encoding: str
    opening: Decimal
    rows: list[Row] = field(default_factory=list)
    holder_line: bool = False  # a bank export printing 户名 above its table
    account: str | None = None  # a bank export's masked account, printed beside another label
    fmt: str = "csv"  # csv | xlsx

    def flat(self) -> dict[str, str | None]:
        total = {way: sum((r.printed for r in self.rows if r.direction == way), Decimal("0.00"))
                 for way in ("in", "out")}
        return {"holder_name": self.holder if self.layout == "platform" or self.holder_line else None,
                "account_no": self.account if self.layout == "bank" else None,
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


_WAY = {"in": "收入", "out": "支出", "neutral": "不计收支"}


def _platform(t: StatementTruth) -> list[list[str]]:
    real = [r for r in t.rows if not r.inserted]
    summary = [[f"{_WAY[way]}：{len(mine)}笔 {sum((r.amount for r in mine), Decimal(0)):.2f}元"]
               for way in ("in", "out", "neutral") if (mine := [r for r in real if r.direction == way])
               or way != "neutral"]
    return [["支付账单明细"], [f"姓名：{t.holder}"],
            [f"起始时间：[{t.start} 00:00:00]    终止时间：[{t.end} 23:59:59]"],
            [f"共{len(real)}笔记录"], *summary, [],
            ["交易时间", "交易分类", "交易对方", "商品说明", "收/支", "金额", "交易状态"],
            *[[r.at.strftime("%Y-%m-%d %H:%M:%S"), r.kind or ("商户收款" if r.direction == "in" else "转账"),
               r.counterparty, r.memo, _WAY[r.direction], f"{r.printed:.2f}", "交易成功"] for r in t.rows]]


def _bank(t: StatementTruth) -> list[list[str]]:
    balance, out = t.opening, []
    for r in t.rows:
        moved = r.amount if r.direction == "in" else -r.amount if r.direction == "out" else Decimal(0)
        shown = r.printed if r.direction == "in" else -r.printed
        # An inserted row prints the balance it would have left; the rows after it still run from the real one.
        printed_balance = balance + shown if r.inserted else balance + moved
        if not r.inserted:
            balance += moved
        out.append([r.at.strftime("%Y-%m-%d"), r.at.strftime("%H:%M:%S"), "人民币", f"{shown:,.2f}",
                    f"{printed_balance:,.2f}", r.memo, r.counterparty])
    head = [["账户交易明细"], *([[f"户名：{t.holder}"]] if t.holder_line else []),
            *([[f"账号：{t.account}", "币种：人民币"]] if t.account else []),
            [f"查询期间：{t.start:%Y%m%d}-{t.end:%Y%m%d}"]]
    return [*head, ["记账日期", "记账时间", "币别", "金额", "余额", "交易名称", "对方账户名"], *out]


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def _column(n: int) -> str:
    name = ""
    while n >= 0:
        name, n = chr(65 + n % 26) + name, n // 26 - 1
    return name


def xlsx(rows: list[list[str]], sheet: str = "Sheet1") -> bytes:
    """The smallest workbook a spreadsheet program and calamine both open: one sheet of inline strings."""
    body = "".join(f'<row r="{i + 1}">' + "".join(_cell(f"{_column(j)}{i + 1}", v) for j, v in enumerate(row) if v)
                   + "</row>" for i, row in enumerate(rows))
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
        'org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
        '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+'
        'xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
        f'org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}" xmlns:r="{rel}"><sheets>'
        f'<sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}"><sheetData>'
        f"{body}</sheetData></worksheet>",
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), text)  # fixed times: same seed, same bytes
    return buf.getvalue()


def table_of(t: StatementTruth) -> list[list[str]]:
    return _platform(t) if t.layout == "platform" else _bank(t)


def render_statement(t: StatementTruth) -> bytes:
    if t.fmt == "xlsx":
        return xlsx(table_of(t))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(table_of(t))
    return buf.getvalue().encode(t.encoding)
