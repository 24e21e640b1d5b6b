"""A realistic case for the reviewer page: ten documents of one merchant, one of them forged.

Six genuine sales invoices the merchant issued (some photographed badly), one with totals that no longer add
up (`broken_sum`: a `fail` naming the total), and the three bundled real invoices, which name other
businesses (a `warn` each). The browser tests and `eval/bench_web.py` both open this case."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from eval.render.degrade import degrade
from eval.render.forge import forge
from eval.render.invoice import render_invoice
from eval.render.truth import company, make_truth, uscc

SAMPLES = Path(__file__).resolve().parents[1] / "tests/data/samples"


def case_merchant(seed: int = 7) -> dict[str, str | int]:
    rng = random.Random(seed)
    return {"name": company(rng), "uscc": uscc(rng), "industry": "apparel", "city": "杭州", "city_tier": 2,
            "current_limit": "200000"}


def case_documents(today: date, seed: int = 7) -> list[tuple[str, bytes]]:
    merchant = case_merchant(seed)
    seller = (str(merchant["name"]), str(merchant["uscc"]))
    rng = random.Random(seed + 1)
    docs: list[tuple[str, bytes]] = []
    for i in range(7):
        truth = make_truth(rng, today, seller=seller, issued=today - timedelta(days=20 + 40 * i),
                           total=Decimal(rng.randrange(8_000, 60_000)))
        if i == 6:
            truth = forge(truth, "broken_sum", rng)
        img = render_invoice(truth, rng)
        if i in (2, 4):
            docs.append((f"sale-{i}.jpg", degrade(img, "blur" if i == 2 else "rotate", rng)))
        else:
            out = io.BytesIO()
            img.save(out, "PNG")
            docs.append((f"sale-{i}.png", out.getvalue()))
    docs += [(p.name, p.read_bytes()) for p in sorted(SAMPLES.iterdir()) if p.suffix in (".png", ".jpg", ".pdf")]
    return docs
