"""What the readers make of the phenomena the renderers draw, variant by variant.

`python -m eval.variants --kind contract|invoice|shop_photo [--n 40] [--start 0] [--hard] [--all-fields]
[--cache DIR]`
renders the kind's documents of `eval.kinds` (invoices: `eval.synth`), reads each with `process_document`, and
prints per variant (a non-company party, an agreement, an instalment or fee clause, two contracts in one scan; a
roll, red-letter or private-buyer invoice; an owner's mark, business words under the name, a Latin brand) the
share of judged fields read exactly, then every miss. `--cache` keeps each page's OCR answer on disk, so a
change to a reader re-runs in seconds.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from attest.extract.flat import flat_fields
from attest.pipeline import Engines, ProcessOptions, process_document
from eval import kinds as K
from eval.compare import compare_invoice
from eval.render.contract import make_contract
from eval.render.shop import make_shop
from eval.render.truth import make_truth
from eval.synth import generate

JUDGED = {"contract": ("party_a", "party_b", "supplier", "amount", "amount_cn"), "shop_photo": ("shop_name",)}


def _contract_variant(seed: int, hard: bool = False) -> str:
    rng = random.Random(f"hard:contract:{seed}" if hard else f"contract:{seed}")
    t = make_contract(rng, K.TODAY)
    if not hard and rng.random() < 0.15:  # photographed the hard way, a file holds one contract
        return "two in one scan"
    if t.party_a_id:
        return "person party"
    if not t.party_a[0].endswith("公司"):
        return "organisation party"
    if t.money_clauses and len(t.money_clauses) > 1:
        return "sums beside the total"
    return "agreement" if t.doc == "协议" else "plain"


def _invoice_variant(seed: int, hard: bool = False) -> str:
    t = make_truth(random.Random(seed), K.TODAY)
    return "roll" if t.style == "roll" else "red-letter" if t.negative else "private buyer" if not t.buyer[1] \
        else "plain"


def _shop_variant(seed: int, hard: bool = False) -> str:
    t = make_shop(random.Random(f"shop_photo:{seed}"), datetime(2026, 11, 28, 12))
    return "owner's mark" if t.prefix else "words under" if t.below else "latin" if t.industry is None else "plain"


def _hits(kind: str, result: Any, truth: dict[str, Any], every: bool = False) -> dict[str, bool]:
    if kind == "invoice":
        got = flat_fields(result)
        return {k: ok for k, ok in compare_invoice(got, truth).items() if not k.startswith("items.")}
    hits = K.document_field_hits(kind, result, truth)
    if every:
        return hits
    judged = JUDGED[kind]
    return {k: ok for k, ok in hits.items() if k.split("#")[0] in judged or k == "parts.count"}


def run(engines: Engines, kind: str, seeds: range, *, hard: bool = False, every: bool = False) -> dict[str, Any]:
    variant = {"contract": _contract_variant, "invoice": _invoice_variant, "shop_photo": _shop_variant}[kind]
    hits: Counter[str] = Counter()
    total: Counter[str] = Counter()
    classified: Counter[str] = Counter()
    misses = []
    for seed in seeds:
        if kind == "invoice":
            data, truth = generate(seed)
        else:
            data, truth = (K.sample_hard if hard else K.sample)(kind, seed)
        truth.pop(K.PHENOMENA_KEY, None)
        name = variant(seed, hard)
        result = process_document(data, f"{kind}-{seed}", engines=engines, options=ProcessOptions(today=K.TODAY))
        classified[name] += result.classification.kind == kind
        found = _hits(kind, result, truth, every)
        hits[name] += sum(found.values())
        total[name] += len(found)
        missed = [k for k, ok in found.items() if not ok]
        if missed or result.classification.kind != kind:
            misses.append(f"{kind}-{seed} [{name}] as {result.classification.kind}: {', '.join(missed)}")
    return {"fields": {v: round(hits[v] / total[v], 3) for v in sorted(total)},
            "documents": {v: sum(1 for s in seeds if variant(s, hard) == v) for v in sorted(total)},
            "classified": {v: classified[v] for v in sorted(total)}, "misses": misses}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kind", choices=("contract", "invoice", "shop_photo"), required=True)
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--hard", action="store_true", help="photographed the hard way (contracts)")
    parser.add_argument("--cache", type=Path, help="keep each page's OCR answer here")
    parser.add_argument("--all-fields", action="store_true", help="every flat field, not only the judged ones")
    args = parser.parse_args()
    from attest.ocr import create_ocr_engine
    from attest.settings import get_settings
    from eval.realdocs import CachingOcr

    engine = create_ocr_engine(get_settings().ocr)
    engines = Engines(ocr=CachingOcr(engine, args.cache) if args.cache else engine)  # type: ignore[arg-type]
    out = run(engines, args.kind, range(args.start, args.start + args.n), hard=args.hard, every=args.all_fields)
    print(f"{'variant':<24}{'documents':>10}{'classified':>12}{'fields exact':>14}")
    for v, share in out["fields"].items():
        print(f"{v:<24}{out['documents'][v]:>10}{out['classified'][v]:>12}{share:>14.3f}")
    for line in out["misses"]:
        print("  " + line)


if __name__ == "__main__":
    main()
