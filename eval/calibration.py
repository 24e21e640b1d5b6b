"""Does a field's confidence mean something? Every flat field read, with its confidence, against its label.

`python -m eval.calibration [--real] [--synthetic N] [--hard N] [--cache DIR]` reads the real documents of
`../shared/realdocs/` (every kind) and N generated documents of every kind (`--hard`: photographed the hard way),
and prints per confidence band how many values were read and how many of them were right; then, at the
threshold `sure_at` of `attest/data/confidence.yaml`, the share of sure values that are right and the share of
wrong values that were marked unsure. A value not read at all has no confidence: those are counted apart
(rightly absent, or missed).
"""

from __future__ import annotations

import argparse
import itertools
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from attest.extract.flat import flat_confidences, sure_at
from attest.pipeline import Engines, ProcessOptions, process_document
from attest.schemas.document import DocumentResult

BANDS = (0.0, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 1.0)


@dataclass(frozen=True)
class Reading:
    corpus: str
    kind: str
    field: str
    confidence: float | None  # None: the field was not read
    right: bool


def _readings(corpus: str, kind: str, result: DocumentResult, hits: dict[str, bool]) -> list[Reading]:
    """Each judged value with the confidence it was read at; `key#N` names the file's Nth part."""
    confidences = [flat_confidences(unit) for unit in (result.parts or [result])]
    out = []
    for key, right in hits.items():
        if "." in key:  # an item's cell, or the parts' count: no flat confidence of their own
            continue
        field, _, nth = key.partition("#")
        n = int(nth) - 1 if nth else 0
        out.append(Reading(corpus, kind, field, confidences[n].get(field) if n < len(confidences) else None, right))
    return out


def real_readings(engines: Engines) -> list[Reading]:
    from eval.realdocs import FOLDERS, KIND_OF_FOLDER, SHARED, entries, score_file

    out = []
    for folder in FOLDERS:
        kind = KIND_OF_FOLDER[folder]
        for entry in entries(folder):
            score = score_file(SHARED / folder / entry["file"], entry, kind, engines, date(2026, 11, 28))
            out += [Reading("real", kind, key, score.confidence.get(key), ok) for key, ok in score.hits.items()]
    return out


def synthetic_readings(engines: Engines, n: int, *, hard: bool) -> list[Reading]:
    from eval import kinds as K

    out = []
    corpus = "synthetic hard" if hard else "synthetic"
    for kind in K.KINDS:
        if kind == "other":
            continue
        for seed in range(n):
            data, truth = (K.sample_hard if hard else K.sample)(kind, seed)
            truth.pop(K.PHENOMENA_KEY, None)
            result = process_document(data, f"{kind}-{seed}", engines=engines, options=ProcessOptions(today=K.TODAY))
            if result.classification.kind != kind:
                continue
            out += _readings(corpus, kind, result, K.document_field_hits(kind, result, truth))
    return out


def report(readings: list[Reading], threshold: float) -> dict[str, Any]:
    """Per band: values read and right; at the threshold: sure values right, wrong values marked unsure."""
    read = [r for r in readings if r.confidence is not None]
    bands = []
    for lo, hi in itertools.pairwise(BANDS):
        inside = [r for r in read if lo <= r.confidence < hi or (hi == 1.0 and r.confidence == 1.0)]  # type: ignore[operator]
        bands.append((lo, hi, len(inside), sum(r.right for r in inside)))
    sure = [r for r in read if r.confidence >= threshold]  # type: ignore[operator]
    wrong = [r for r in read if not r.right]
    return {"bands": bands, "read": len(read), "sure": len(sure), "sure_right": sum(r.right for r in sure),
            "wrong": len(wrong), "wrong_unsure": sum(r.confidence < threshold for r in wrong),  # type: ignore[operator]
            "absent": sum(r.confidence is None and r.right for r in readings),
            "missed": sum(r.confidence is None and not r.right for r in readings),
            "sure_wrong": [f"{r.kind}.{r.field} at {r.confidence:.3f}" for r in sure if not r.right]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--real", action="store_true")
    parser.add_argument("--synthetic", type=int, default=0)
    parser.add_argument("--hard", type=int, default=0)
    parser.add_argument("--cache", type=Path)
    args = parser.parse_args()
    from attest.ocr import create_ocr_engine
    from attest.settings import OcrSettings
    from eval.realdocs import CachingOcr

    engine: Any = create_ocr_engine(OcrSettings())
    engines = Engines(ocr=CachingOcr(engine, args.cache) if args.cache else engine)  # type: ignore[arg-type]
    corpora = {}
    if args.real:
        corpora["real"] = real_readings(engines)
    if args.synthetic:
        corpora["synthetic"] = synthetic_readings(engines, args.synthetic, hard=False)
    if args.hard:
        corpora["synthetic hard"] = synthetic_readings(engines, args.hard, hard=True)
    threshold = sure_at()
    for name, readings in corpora.items():
        out = report(readings, threshold)
        print(f"\n{name}: {out['read']} values read; not read: {out['absent']} rightly (not printed), "
              f"{out['missed']} missed")
        print(f"{'confidence':<14}{'values':>8}{'right':>8}")
        for lo, hi, count, right in out["bands"]:
            share = f"{right / count:.3f}" if count else "-"
            print(f"{lo:.2f}–{hi:.2f}{'':<4}{count:>8}{share:>8}")
        sure_share = out["sure_right"] / out["sure"] if out["sure"] else 1.0
        unsure_share = out["wrong_unsure"] / out["wrong"] if out["wrong"] else 1.0
        print(f"sure (≥ {threshold}): {out['sure']} values, {sure_share:.4f} right; "
              f"wrong values marked unsure: {out['wrong_unsure']}/{out['wrong']} ({unsure_share:.2f})")
        for line in out["sure_wrong"]:
            print("  sure but wrong: " + line)


if __name__ == "__main__":
    main()
