"""How bare OCR scales across processes on this machine: pages per minute of one OCR process (one thread)
alone, and of N such processes at once, on the same generated invoice pages. The ratio is the ceiling any
multi-worker set-up can reach against "cores × single-core OCR rate". With `--pipeline` each process runs
the whole document pipeline instead (no database, no broker): what the workers' own task code scales to.

Usage: python -m eval.ocr_scaling [--processes 2] [--pages 6] [--pipeline]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import time
from multiprocessing import Process, Queue

from PIL import Image

from attest.ocr import create_ocr_engine
from attest.pipeline import Engines, ProcessOptions, process_document
from attest.settings import OcrSettings
from eval.render.invoice import render_invoice
from eval.render.truth import make_truth
from eval.synth import TODAY


def _pages(n: int) -> list[Image.Image]:
    rng = random.Random(5)
    return [render_invoice(make_truth(rng, TODAY), rng).convert("RGB") for _ in range(n)]


def _jpeg(page: Image.Image) -> bytes:
    buf = io.BytesIO()
    page.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def _read(out: Queue, pages: list[Image.Image], pipeline: bool) -> None:  # type: ignore[type-arg]
    settings = OcrSettings(threads=1)
    engine = create_ocr_engine(settings)
    if pipeline:
        engines, options = Engines(ocr=engine), ProcessOptions(ocr=settings, today=TODAY)
        files = [_jpeg(p) for p in pages]

        def one(i: int) -> None:
            process_document(files[i], "page.jpg", engines=engines, options=options)
    else:
        def one(i: int) -> None:
            engine.read(pages[i])
    one(0)  # warm
    started = time.perf_counter()
    for i in range(len(pages)):
        one(i)
    out.put(60 * len(pages) / (time.perf_counter() - started))


def _run(n: int, pages: list[Image.Image], pipeline: bool) -> float:
    out: Queue = Queue()  # type: ignore[type-arg]
    procs = [Process(target=_read, args=(out, pages, pipeline)) for _ in range(n)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return float(sum(out.get() for _ in procs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--pages", type=int, default=6)
    parser.add_argument("--pipeline", action="store_true", help="the whole pipeline instead of bare OCR")
    args = parser.parse_args()
    pages = _pages(args.pages)
    solo = _run(1, pages, args.pipeline)
    together = _run(args.processes, pages, args.pipeline)
    what = "pipeline" if args.pipeline else "OCR"
    print(f"one {what} process: {solo:.1f} pages/min; {args.processes} at once: {together:.1f} pages/min = "
          f"{together / (args.processes * solo):.3f} of {args.processes} × one")


if __name__ == "__main__":
    main()
