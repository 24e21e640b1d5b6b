"""How long a long statement export takes to read: `python -m eval.bench_statement [--rows 10000]`.

Writes a synthetic platform bill of N rows as CSV (UTF-8 and GBK) and as XLSX, and reads each with
`process_document` as the service does (sniffing, decoding or unzipping, the table, every row and its category,
the checks), best of five, and prints the time per read and per thousand rows. The bar (issue #32): a 10,000-row
CSV or XLSX read in at most 0.5 s.

Then a twelve-month bank statement of about 2,000 rows as a text PDF (bar: read in at most 1 s), and one
photographed printout page read by `process_document` beside bare RapidOCR on the same decoded picture, interleaved
(bar: at most 1.15 × bare OCR)."""

from __future__ import annotations

import argparse
import random
import statistics
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


def _pdf_statement(rows: int) -> tuple[bytes, int]:
    from eval.render.flows import Trade, year_of_flows
    from eval.render.statement_pages import statement_pdf

    truth = year_of_flows(random.Random(7), holder="张晓明", monthly=Decimal(rows * 1000 // 12),
                          trade=Trade((600, 1400), crowd=False), end=date(2026, 11, 27), layout="bank", fmt="csv")
    return statement_pdf(truth), len(truth.rows)


def _pdf(engines: Engines) -> None:
    data, rows = _pdf_statement(2000)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        result = process_document(data, "statement.pdf", engines=engines)
        best = min(best, time.perf_counter() - started)
    read = result.statement.transactions.value if result.statement and result.statement.transactions else 0
    print(f"{rows:,}-row text PDF ({result.pages} pages, {len(data) / 1e6:.1f} MB): {best:.3f} s, "
          f"{read:,} transactions read, kind {result.classification.kind}")


def _photo(engines: Engines) -> None:
    import numpy as np
    from rapidocr import RapidOCR

    from attest.ingest import ingest
    from attest.settings import LimitSettings, OcrSettings
    from eval.render.flows import Trade, year_of_flows
    from eval.render.statement_pages import photographed, statement_images

    truth = year_of_flows(random.Random(7), holder="张晓明", monthly=Decimal(20000), trade=Trade((800, 4000), False),
                          end=date(2026, 11, 27), layout="bank", fmt="csv")
    truth.rows = truth.rows[:38]
    photo = photographed(statement_images(truth, random.Random(1))[0], random.Random(2))
    image = np.asarray(ingest(photo, "p.jpg", limits=LimitSettings(), ocr=OcrSettings()).pages[0].image)
    bare = RapidOCR(params={"Global.log_level": "error"})
    bare(image)
    process_document(photo, "warm.jpg", engines=engines)
    t_bare, t_pipe = [], []
    for _ in range(3):  # interleaved: both see the same machine
        started = time.perf_counter()
        bare(image)
        t_bare.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = process_document(photo, "printout.jpg", engines=engines)
        t_pipe.append(time.perf_counter() - started)
    b, p = statistics.median(t_bare), statistics.median(t_pipe)
    read = result.statement.transactions.value if result.statement and result.statement.transactions else 0
    print(f"photographed statement page: bare OCR {b:.3f} s, process_document {p:.3f} s, ratio {p / b:.3f} "
          f"({read} of 38 transactions read, kind {result.classification.kind})")


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
    from attest.ocr import create_ocr_engine
    from attest.settings import OcrSettings

    with_ocr = Engines(ocr=create_ocr_engine(OcrSettings()))
    _pdf(with_ocr)
    _photo(with_ocr)


if __name__ == "__main__":
    main()
