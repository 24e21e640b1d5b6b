"""`make bench` (e-invoice part): reading each bundled OFD and signed PDF from its own text — unpack, lay out,
lines, draw, invoice data, signatures — against bare OCR of the page it draws, side by side in one run
(bar: an OFD read in ≤ 150 ms without OCR). Also the whole `process_document` (seals, QR, extraction, checks).

Usage: python -m eval.bench_einvoice [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

ORIGINALS = Path(__file__).resolve().parents[1] / "tests" / "data" / "realdocs" / "invoices" / "originals"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import numpy as np
    from rapidocr import RapidOCR

    from attest.ingest import ingest
    from attest.ocr import create_ocr_engine
    from attest.pipeline import Engines, process_document
    from attest.settings import LimitSettings, OcrSettings

    bare = RapidOCR(params={"Global.log_level": "error"})
    engines = Engines(ocr=create_ocr_engine(OcrSettings()))
    rows: list[dict[str, Any]] = []
    files = sorted(ORIGINALS.glob("*.ofd")) + [p for p in sorted(ORIGINALS.glob("*.pdf"))
                                               if b"/ByteRange" in p.read_bytes()]
    for path in files:
        data = path.read_bytes()
        doc = ingest(data, path.name, limits=LimitSettings(), ocr=OcrSettings())  # warm: fonts, imports
        page = np.asarray(doc.pages[0].image)
        bare(page)
        process_document(data, path.name, engines=engines)
        t_read, t_ocr, t_pipe = [], [], []
        for _ in range(args.repeat):  # interleaved, so each sees the same machine state
            started = time.perf_counter()
            ingest(data, path.name, limits=LimitSettings(), ocr=OcrSettings())
            t_read.append(time.perf_counter() - started)
            started = time.perf_counter()
            bare(page)
            t_ocr.append(time.perf_counter() - started)
            started = time.perf_counter()
            process_document(data, path.name, engines=engines)
            t_pipe.append(time.perf_counter() - started)
        read, ocr, pipe = (statistics.median(t) for t in (t_read, t_ocr, t_pipe))
        rows.append({"file": path.name, "read_ms": round(read * 1000, 1), "bare_ocr_ms": round(ocr * 1000, 1),
                     "pipeline_ms": round(pipe * 1000, 1), "read_over_ocr": round(read / ocr, 3),
                     "signatures": len(doc.einvoice.signatures) if doc.einvoice else 0})
    print(f"{'file':<52} {'read ms':>8} {'bare OCR ms':>11} {'read/OCR':>8} {'pipeline ms':>11} {'sigs':>4}")
    for r in rows:
        print(f"{r['file']:<52} {r['read_ms']:>8} {r['bare_ocr_ms']:>11} {r['read_over_ocr']:>8} "
              f"{r['pipeline_ms']:>11} {r['signatures']:>4}")
    ofd = [r["read_ms"] for r in rows if r["file"].endswith(".ofd")]
    print(f"OFD read: median {statistics.median(ofd):.0f} ms, max {max(ofd):.0f} ms (bar 150 ms); read = ingest "
          "(unpack, layout, text lines, page drawn at 2000 px, invoice data, signatures); bare OCR = rapidocr on "
          "the drawn page; pipeline = process_document (adds seal OCR, QR, extraction, checks)")
    out = Path("bench-out")
    out.mkdir(exist_ok=True)
    (out / "bench_einvoice.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
