"""How long a long statement export takes to read: `python -m eval.bench_statement [--rows 10000]`.

Writes a synthetic platform bill of N rows as CSV (UTF-8 and GBK) and as XLSX, and reads each with
`process_document` as the service does (sniffing, decoding or unzipping, the table, every row and its category,
the checks), best of five, and prints the time per read and per thousand rows. The bar (issue #32): a 10,000-row
CSV or XLSX read in at most 0.5 s."""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

from attest.pipeline import Engines, process_document
from eval.render.statement import Row, StatementTruth, render_statement


def long_statement(rows: int, encoding: str, seed: int = 5, fmt: str = "csv") -> bytes:
    rng = random.Random(seed)
    end = date(2026, 11, 30)
    truth = StatementTruth(holder="兰溪市悦济舫餐厅", start=end - timedelta(days=364), end=end, layout="platform",
                           encoding=encoding, opening=Decimal("1000.00"), fmt=fmt)
    for _ in range(rows):
        at = datetime.combine(end, datetime.min.time()) - timedelta(seconds=rng.randint(0, 364 * 86400))
        truth.rows.append(Row(at, "in", Decimal(rng.randint(800, 12000)) / 100, "顾客", "二维码收款"))
    truth.rows.sort(key=lambda r: r.at, reverse=True)
    return render_statement(truth)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    engines = Engines(ocr=None)  # type: ignore[arg-type]  # a table is never shown to OCR
    for fmt, encoding in (("csv", "utf-8"), ("csv", "gbk"), ("xlsx", "utf-8")):
        data = long_statement(args.rows, encoding, fmt=fmt)
        best = float("inf")
        for _ in range(5):
            started = time.perf_counter()
            result = process_document(data, f"bill.{fmt}", engines=engines)
            best = min(best, time.perf_counter() - started)
        read = result.statement.transactions.value if result.statement and result.statement.transactions else 0
        what = "CSV" if fmt == "csv" else "XLSX"
        print(f"{args.rows:,}-row {what} ({encoding}, {len(data) / 1e6:.1f} MB): {best:.3f} s "
              f"({best / args.rows * 1000 * 1000:.1f} ms per 1,000 rows), {read:,} transactions read")


if __name__ == "__main__":
    main()
