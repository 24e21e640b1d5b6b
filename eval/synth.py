"""Synthetic invoice corpus and field accuracy: `python -m eval.synth --n 200 [--degraded]`."""

from __future__ import annotations

import argparse
import io
import json
import random
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from attest.extract.invoice import flat_invoice
from attest.pipeline import Engines, ProcessOptions, process_document
from eval.compare import compare_invoice
from eval.render.degrade import KINDS, degrade
from eval.render.forge import EXPECTED, STANDARD_FACE, forge
from eval.render.forge import caught as caught_by
from eval.render.invoice import render_invoice
from eval.render.truth import make_truth

TODAY = date(2026, 11, 28)


def generate(seed: int, *, degradation: str | None = None, forgery: str | None = None) -> tuple[bytes, dict[str, Any]]:
    """One invoice as encoded bytes plus its flat ground truth; same seed → same bytes."""
    rng = random.Random(seed)
    truth = make_truth(rng, TODAY, variants=forgery not in STANDARD_FACE)
    if forgery:
        truth = forge(truth, forgery, rng)
    img = render_invoice(truth, rng)
    if degradation:
        data = degrade(img, degradation, rng)
    else:
        buf = io.BytesIO()
        img.save(buf, "PNG")
        data = buf.getvalue()
    return data, truth.flat()


def accuracy(engines: Engines, seeds: range, *, degraded: bool, out: Path | None = None) -> dict[str, Any]:
    """Field exact-match rate over generated invoices, and the fields missed most."""
    hits: Counter[str] = Counter()
    total: Counter[str] = Counter()
    opts = ProcessOptions(today=TODAY)
    for seed in seeds:
        kind = KINDS[seed % len(KINDS)] if degraded else None
        data, truth = generate(seed, degradation=kind)
        if out:
            out.mkdir(parents=True, exist_ok=True)
            (out / f"{seed}.{'jpg' if kind else 'png'}").write_bytes(data)
            (out / f"{seed}.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
        result = process_document(data, f"{seed}", engines=engines, options=opts)
        got = flat_invoice(result.invoice) if result.invoice else {}
        for name, ok in compare_invoice(got, truth).items():
            key = name.split(".")[-1] if name.startswith("items.") and name != "items.count" else name
            total[key] += 1
            hits[key] += ok
    rate = sum(hits.values()) / max(sum(total.values()), 1)
    worst = sorted((hits[k] / total[k], k) for k in total)[:6]
    return {"invoices": len(seeds), "field_accuracy": round(rate, 4),
            "worst_fields": {k: round(v, 3) for v, k in worst}}


def forgery_detection(engines: Engines, seeds: range) -> dict[str, float]:
    """For each forgery kind: share of forged invoices with a `fail` on the expected check and field."""
    opts = ProcessOptions(today=TODAY)
    caught: Counter[str] = Counter()
    for seed in seeds:
        for kind in EXPECTED:
            data, _ = generate(seed, forgery=kind)
            result = process_document(data, "forged.png", engines=engines, options=opts)
            if caught_by(kind, result.checks):
                caught[kind] += 1
    return {k: caught[k] / len(seeds) for k in EXPECTED}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--degraded", action="store_true")
    parser.add_argument("--forgeries", action="store_true")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    from attest.ocr import create_ocr_engine
    from attest.settings import get_settings

    engines = Engines(ocr=create_ocr_engine(get_settings().ocr))
    seeds = range(args.seed, args.seed + args.n)
    if args.forgeries:
        print(json.dumps(forgery_detection(engines, seeds), ensure_ascii=False))
    else:
        print(json.dumps(accuracy(engines, seeds, degraded=args.degraded, out=args.out), ensure_ascii=False))


if __name__ == "__main__":
    main()
