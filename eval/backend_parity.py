"""OCR backends side by side: the same documents read with each backend, field by field and line by line.

Over every real document in `../shared/realdocs/` and a generated corpus (clean, degraded and hard photos of every
kind), each backend's flat fields are compared with the labels (accuracy per kind) and with the reference
backend's (the share identical), and each page's lines with the reference's. OCR time is the pages' own
`seconds`, summed, measured in this one run.

    python -m eval.backend_parity                 # onnxruntime f32 (reference), openvino f32, openvino bf16
    python -m eval.backend_parity --n 4 --json out.json
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from eval.realdocs import FOLDERS, KIND_OF_FOLDER, SHARED, entries, field_hits

BACKENDS = (("onnxruntime", "f32"), ("openvino", "f32"), ("openvino", "bf16"))
GENERATED = ("clean", "degraded", "hard")
KINDS = ("invoice", "contract", "business_license", "shop_photo")


@dataclass
class Reading:
    """One document as one backend read it."""

    kind: str                     # the labelled kind
    got_kind: str
    fields: dict[str, Any]
    hits: dict[str, bool]         # per judged field: matches the label
    lines: list[str]              # every page's line texts, in order
    ocr_seconds: float


@dataclass
class Tally:
    fields: int = 0
    same_fields: int = 0
    lines: int = 0
    same_lines: int = 0
    hits: dict[str, list[bool]] = field(default_factory=lambda: defaultdict(list))
    seconds: float = 0.0


def _documents(n: int) -> list[tuple[str, str, bytes, dict[str, Any], str]]:
    """(set, name, bytes, truth, kind): the real files, then the generated ones."""
    from eval.kinds import sample, sample_hard
    from eval.render.degrade import KINDS as DEGRADATIONS
    from eval.synth import generate

    docs = []
    for folder in FOLDERS:
        for entry in entries(folder):
            path = SHARED / folder / entry["file"]
            if path.exists():
                docs.append(("real", entry["file"], path.read_bytes(), entry["fields"], KIND_OF_FOLDER[folder]))
    for kind in KINDS:
        for seed in range(n):
            data, truth = sample(kind, seed)
            docs.append(("clean", f"{kind}-{seed}", data, truth, kind))
            if kind == "invoice":  # the degradations are made for invoice pictures
                how = DEGRADATIONS[seed % len(DEGRADATIONS)]
                degraded, want = generate(seed, degradation=how)
                docs.append(("degraded", f"{kind}-{seed}-{how}", degraded, want, kind))
            data, truth = sample_hard(kind, seed)
            truth.pop("_phenomena", None)
            docs.append(("hard", f"{kind}-{seed}", data, truth, kind))
    return docs


def read_all(backend: str, precision: str, docs: list[tuple[str, str, bytes, dict[str, Any], str]]
             ) -> list[Reading]:
    from attest.extract.flat import flat_fields
    from attest.ocr import create_ocr_engine
    from attest.pipeline import Engines, ProcessOptions, process_document
    from attest.settings import OcrSettings
    from eval.kinds import TODAY, kind_field_hits

    engines = Engines(ocr=create_ocr_engine(OcrSettings(backend=backend, precision=precision)))
    out = []
    for which, name, data, truth, kind in docs:
        today = date(2026, 11, 28) if which == "real" else TODAY
        result = process_document(data, name, engines=engines, options=ProcessOptions(today=today))
        flat = flat_fields(result)
        hits = field_hits(kind, flat, truth) if which == "real" else kind_field_hits(kind, flat, truth)
        out.append(Reading(kind, result.classification.kind, flat, hits,
                           [ln.text for page in result.ocr for ln in page.lines],
                           sum(page.seconds for page in result.ocr)))
    return out


def _same_lines(a: list[str], b: list[str]) -> int:
    """Lines of `a` that `b` read identically, matched in order (a line missing or extra shifts nothing)."""
    from difflib import SequenceMatcher

    return sum(block.size for block in SequenceMatcher(a=a, b=b, autojunk=False).get_matching_blocks())


def compare(docs: list[tuple[str, str, bytes, dict[str, Any], str]], readings: dict[str, list[Reading]]
            ) -> dict[str, Any]:
    """Per backend and document set: accuracy per kind, identical fields and lines against the reference."""
    reference = next(iter(readings))
    report: dict[str, Any] = {"reference": reference, "backends": {}}
    for name, mine in readings.items():
        tallies: dict[str, Tally] = defaultdict(Tally)
        for doc, ref, got in zip(docs, readings[reference], mine, strict=True):
            t = tallies[doc[0]]
            keys = set(ref.fields) | set(got.fields)
            t.fields += len(keys)
            t.same_fields += sum(ref.fields.get(k) == got.fields.get(k) for k in keys)
            t.lines += max(len(ref.lines), len(got.lines))
            t.same_lines += _same_lines(ref.lines, got.lines)
            t.hits[got.kind] += [ok and got.got_kind == got.kind for ok in got.hits.values()]
            t.seconds += got.ocr_seconds
        report["backends"][name] = {
            which: {"fields_identical": round(t.same_fields / max(t.fields, 1), 4),
                    "lines_identical": round(t.same_lines / max(t.lines, 1), 4),
                    "accuracy": {k: round(sum(v) / len(v), 4) for k, v in sorted(t.hits.items()) if v},
                    "ocr_seconds": round(t.seconds, 1)}
            for which, t in sorted(tallies.items())}
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=4, help="generated documents per kind and set")
    parser.add_argument("--backend", action="append", help="backend:precision, e.g. openvino:f32 (first = reference)")
    parser.add_argument("--json", type=Path, help="write the report here too")
    args = parser.parse_args()
    chosen = [tuple(b.split(":")) for b in args.backend] if args.backend else list(BACKENDS)
    docs = _documents(args.n)
    readings = {}
    for backend, precision in chosen:
        started = time.perf_counter()
        readings[f"{backend}:{precision}"] = read_all(backend, precision, docs)
        print(f"{backend}:{precision} read {len(docs)} documents in {time.perf_counter() - started:.0f} s", flush=True)
    report = compare(docs, readings)
    for name, sets in report["backends"].items():
        for which, row in sets.items():
            print(f"{name:<18} {which:<9} fields identical {row['fields_identical']:.4f}  lines identical "
                  f"{row['lines_identical']:.4f}  OCR {row['ocr_seconds']:>7.1f} s  accuracy {row['accuracy']}")
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
