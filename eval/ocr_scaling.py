"""How bare OCR scales across processes on this machine: pages per minute of one OCR process (one thread)
alone, and of N such processes at once, on the same generated invoice pages. The ratio is the ceiling any
multi-worker set-up can reach against "cores × single-core OCR rate".

Usage: python -m eval.ocr_scaling [--processes 2] [--pages 6]
"""

from __future__ import annotations

import argparse
import os
import random
import time
from multiprocessing import Process, Queue

from PIL import Image

from attest.ocr import create_ocr_engine
from attest.settings import OcrSettings
from eval.render.invoice import render_invoice
from eval.render.truth import make_truth
from eval.synth import TODAY


def _pages(n: int) -> list[Image.Image]:
    rng = random.Random(5)
    return [render_invoice(make_truth(rng, TODAY), rng).convert("RGB") for _ in range(n)]


def _read(out: Queue, pages: list[Image.Image]) -> None:  # type: ignore[type-arg]
    engine = create_ocr_engine(OcrSettings(threads=1))
    engine.read(pages[0])  # warm
    started = time.perf_counter()
    for page in pages:
        engine.read(page)
    out.put(60 * len(pages) / (time.perf_counter() - started))


def _run(n: int, pages: list[Image.Image]) -> float:
    out: Queue = Queue()  # type: ignore[type-arg]
    procs = [Process(target=_read, args=(out, pages)) for _ in range(n)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return float(sum(out.get() for _ in procs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--pages", type=int, default=6)
    args = parser.parse_args()
    pages = _pages(args.pages)
    solo = _run(1, pages)
    together = _run(args.processes, pages)
    print(f"one OCR process: {solo:.1f} pages/min; {args.processes} at once: {together:.1f} pages/min = "
          f"{together / (args.processes * solo):.3f} of {args.processes} × one")


if __name__ == "__main__":
    main()
