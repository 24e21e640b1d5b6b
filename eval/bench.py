"""`make bench`: bare OCR vs the whole `process_document` on the same page, side by side in one run.

Each scenario runs in its own process so that its peak RSS is its own. Prints ratios, pages per minute
and peak RSS; writes `bench-out/bench.json`.
"""

from __future__ import annotations

import io
import json
import multiprocessing as mp
import resource
import statistics
import time
from pathlib import Path
from typing import Any

REPEATS = 3


SCENARIOS = ("clean page (2000 px PNG)", "phone photo (4032x3024 JPEG)", "shop photo (1600x1200 JPEG)")


def _scenario_bytes(name: str) -> bytes:
    from eval.photo import phone_photo
    from eval.synth import generate

    data, _ = generate(42)
    if name == SCENARIOS[0]:
        return data
    if name == SCENARIOS[2]:
        from eval.kinds import sample

        return sample("shop_photo", 42)[0]
    from PIL import Image

    return phone_photo(Image.open(io.BytesIO(data)).convert("RGB"), seed=42)


def _run(name: str, queue: Any) -> None:
    import numpy as np
    from rapidocr import RapidOCR

    from attest.ingest import ingest
    from attest.ocr import create_ocr_engine
    from attest.pipeline import Engines, ProcessOptions, process_document
    from attest.settings import LimitSettings, OcrSettings

    data = _scenario_bytes(name)
    image = np.asarray(ingest(data, "b", limits=LimitSettings(), ocr=OcrSettings()).pages[0].image)
    bare = RapidOCR(params={"Global.log_level": "error"})  # rapidocr as a user would call it
    engines = Engines(ocr=create_ocr_engine(OcrSettings()))
    bare(image)
    process_document(data, "warm", engines=engines)  # warm both: first calls allocate arenas
    t_bare, t_pipe, t_engine, t_forensics, t_seals, t_reread = [], [], [], [], [], []
    for _ in range(REPEATS):  # interleaved so that both see the same machine state
        started = time.perf_counter()
        bare(image)
        t_bare.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = process_document(data, "bench", engines=engines, options=ProcessOptions())
        t_pipe.append(time.perf_counter() - started)
        t_engine.append(result.timings["ocr"])
        t_forensics.append(result.timings.get("forensics", 0.0))
        t_seals.append(result.timings.get("seals", 0.0))
        t_reread.append(result.timings.get("reread", 0.0))
    assert result.classification.kind in ("invoice", "shop_photo")
    queue.put({
        "scenario": name,
        "bytes": len(data),
        "bare_rapidocr_s": round(statistics.median(t_bare), 3),
        "pipeline_s": round(statistics.median(t_pipe), 3),
        "pipeline_ocr_stage_s": round(statistics.median(t_engine), 3),
        "ratio_pipeline_over_bare": round(statistics.median(t_pipe) / statistics.median(t_bare), 3),
        "pages_per_minute": round(60 / statistics.median(t_pipe), 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "forensics_s": round(statistics.median(t_forensics), 3),
        "seals_s": round(statistics.median(t_seals), 3),
        "reread_s": round(statistics.median(t_reread), 3),
        "forensics_over_ocr": round(statistics.median(t_forensics) / statistics.median(t_engine), 3),
    })


def main(scenarios: tuple[str, ...] = SCENARIOS) -> None:
    ctx = mp.get_context("spawn")
    rows = []
    for name in scenarios:
        queue = ctx.Queue()
        proc = ctx.Process(target=_run, args=(name, queue))
        proc.start()
        rows.append(queue.get(timeout=600))
        proc.join()
    print(f"{'scenario':<30} {'bare OCR s':>10} {'OCR stage s':>11} {'pipeline s':>10} {'ratio':>6} "
          f"{'vs stage':>8} {'pages/min':>9} {'peak RSS MiB':>12}")
    for r in rows:
        vs_stage = round(r["pipeline_s"] / r["pipeline_ocr_stage_s"], 3)
        print(f"{r['scenario']:<30} {r['bare_rapidocr_s']:>10} {r['pipeline_ocr_stage_s']:>11} {r['pipeline_s']:>10} "
              f"{r['ratio_pipeline_over_bare']:>6} {vs_stage:>8} {r['pages_per_minute']:>9} {r['peak_rss_mib']:>12}")
    for r in rows:
        print(f"{r['scenario']:<30} forensics {r['forensics_s'] * 1000:.0f} ms ({r['forensics_over_ocr']:.1%} of OCR)"
              f", seals {r['seals_s'] * 1000:.0f} ms, re-reads {r['reread_s'] * 1000:.0f} ms")
    print("ratio = pipeline / bare OCR; vs stage = pipeline / its own OCR stage (what the rest costs)")
    print("bare OCR = rapidocr's default call (det + cls + rec) on the decoded page; pipeline = process_document "
          "on the uploaded bytes (ingest, downscale, OCR without the per-line 180° classifier, orientation check, "
          "seal ink, QR, extraction, checks)")
    out = Path("bench-out")
    out.mkdir(exist_ok=True)
    (out / "bench.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
