"""What each pipeline stage costs per document on one OCR thread: `DocumentResult.timings` averaged over
generated invoice photos (the fault run's documents), with the non-OCR stages' share of the total.

Usage: python -m eval.stage_costs [--documents 12]
"""

from __future__ import annotations

import argparse
from collections import defaultdict

from attest.ocr import create_ocr_engine
from attest.pipeline import Engines, ProcessOptions, process_document
from attest.settings import OcrSettings
from eval.fault_run import documents
from eval.synth import TODAY


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=12)
    args = parser.parse_args()
    docs = documents(args.documents + 1, distinct=args.documents + 1)
    settings = OcrSettings(threads=1)
    engines, options = Engines(ocr=create_ocr_engine(settings)), ProcessOptions(ocr=settings, today=TODAY)
    process_document(docs[0], "warm.jpg", engines=engines, options=options)
    totals: defaultdict[str, float] = defaultdict(float)
    for data in docs[1:]:
        for stage, seconds in process_document(data, "x.jpg", engines=engines, options=options).timings.items():
            totals[stage] += seconds
    mean = {stage: round(seconds / args.documents, 3) for stage, seconds in totals.items()}
    print(mean)
    rest = mean["total"] - mean.get("ocr", 0.0)
    print(f"{args.documents} documents; ocr {mean.get('ocr', 0.0)} s, everything else {rest:.3f} s "
          f"= {rest / mean['total']:.3f} of a document's time")


if __name__ == "__main__":
    main()
