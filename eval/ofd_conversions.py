"""E-invoice files converted or re-zipped by other tools, read as the service reads them.

`python -m eval.ofd_conversions [--synthetic N] [--show-misses]` takes every real OFD original in
`../shared/realdocs/invoices/originals/` and N of the renderers' OFDs, converts each the ways
`eval/render/ofd_convert.py` knows (entries repacked, objects reordered, one object per character, positions in
transforms, templates flattened), and prints per conversion the share of judged header fields read exactly —
the same fields and comparison as `eval.realdocs`. The first row, `as written`, is the files unconverted.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from datetime import date
from typing import Any

from eval.realdocs import SHARED, entries, original_of, score_bytes
from eval.render.ofd import invoice_ofd
from eval.render.ofd_convert import CONVERSIONS, convert
from eval.render.truth import make_truth

TODAY = date(2026, 11, 28)


def sources(synthetic: int) -> list[tuple[str, bytes, dict[str, Any]]]:
    """(name, OFD bytes, label entry) for every real OFD original and `synthetic` rendered ones."""
    out = []
    for entry in entries("invoices"):
        path = original_of(SHARED, "invoices", entry)
        if path is not None and path.suffix == ".ofd":
            out.append((path.name, path.read_bytes(), entry))
    for seed in range(synthetic):
        rng = random.Random(f"ofd:{seed}")
        truth = make_truth(rng, TODAY)
        out.append((f"synthetic-{seed}.ofd", invoice_ofd(truth, rng), {"fields": truth.flat()}))
    return out


def run(engines: Any, synthetic: int) -> dict[str, Any]:
    hits: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses: list[str] = []
    for name, data, entry in sources(synthetic):
        for how in ("as written", *CONVERSIONS):
            converted = data if how == "as written" else convert(data, how, random.Random(f"{how}:{name}"))
            score = score_bytes(converted, name, entry, "invoice", engines, TODAY)
            hits[how] += sum(score.hits.values())
            total[how] += len(score.hits)
            wrong = [f"{k}: got {score.got.get(k)!r} want {score.want.get(k)!r}" for k, ok in score.hits.items()
                     if not ok]
            if wrong or score.got_kind != "invoice":
                misses.append(f"{name} [{how}] as {score.got_kind}: " + "; ".join(wrong))
    return {"fields": {how: (hits[how], total[how]) for how in total}, "misses": misses}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--synthetic", type=int, default=10)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    from attest.ocr import create_ocr_engine
    from attest.pipeline import Engines
    from attest.settings import OcrSettings

    out = run(Engines(ocr=create_ocr_engine(OcrSettings())), args.synthetic)
    print(f"{'conversion':<22}{'fields exact':>14}")
    for how, (hit, n) in out["fields"].items():
        print(f"{how:<22}{hit / n:>8.3f} of {n}")
    if args.show_misses:
        for line in out["misses"]:
            print("  " + line)


if __name__ == "__main__":
    main()
