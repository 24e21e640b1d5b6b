"""The documents of `make run`'s demo: three merchants that show what attest does.

`python -m eval.demo OUT [--today YYYY-MM-DD]` writes one folder per case, each with `case.json` (the merchant as
the bank's app registers it, and what the case shows) and the files its phone would upload:

1. `1-genuine`: a noodle shop with a year of takings through its payment QR code, its licence and a photo of its
   front. Verified takings give it an uplift.
2. `2-reused`: another merchant uploads the noodle shop's own bill as its takings, with its own licence: the
   pattern store has seen those months under the first merchant, and the holder is not this applicant.
3. `3-retake`: a photo of an invoice too blurred to read: the merchant is asked to retake it, and why.

Written fresh at each `make run` so that the statement ends yesterday (a year of takings that ended long ago is
old evidence), from the renderers of the evaluation harness (`eval/render`).
"""

from __future__ import annotations

import argparse
import io
import json
import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from PIL import ImageFilter

from eval.render.flows import Trade, year_of_flows
from eval.render.invoice import render_invoice
from eval.render.licence import make_licence, render_licence
from eval.render.shop import make_shop, render_shop
from eval.render.statement import render_statement
from eval.render.truth import make_truth, uscc

Merchant = dict[str, str | int]
NOODLE_SHOP: Merchant = {"name": "杭州市西湖区老陈面馆", "industry": "catering", "city": "杭州", "city_tier": 1,
                         "current_limit": "30000", "declared_monthly_revenue": "90000", "operator": "陈建国"}
OTHER: Merchant = {"name": "宁波市鄞州区顺达小吃店", "industry": "catering", "city": "宁波", "city_tier": 2,
                   "current_limit": "20000", "declared_monthly_revenue": "95000", "operator": "刘伟"}
BLURRED: Merchant = {"name": "苏州市姑苏区佳美便利店", "industry": "retail_grocery", "city": "苏州", "city_tier": 1,
                     "current_limit": "20000", "declared_monthly_revenue": "60000", "operator": "周敏"}


def _png(image: Any) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def _licence(rng: random.Random, today: date, m: dict[str, Any]) -> bytes:
    lic = make_licence(rng, today, name=m["name"], code=m["uscc"])
    lic.legal_representative = m["operator"]
    return _png(render_licence(lic, rng))


def _case(folder: Path, merchant: dict[str, Any], shows: str, files: dict[str, bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    profile = {k: v for k, v in merchant.items() if k != "operator"}
    (folder / "case.json").write_text(json.dumps({"merchant": profile, "shows": shows}, ensure_ascii=False,
                                                 indent=1), encoding="utf-8")
    for name, data in files.items():
        (folder / name).write_bytes(data)


def write_demo(out: Path, today: date, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    shop, other, blurred = ({**m, "uscc": uscc(rng)} for m in (NOODLE_SHOP, OTHER, BLURRED))
    bill = year_of_flows(random.Random(f"{seed}:bill"), holder=str(shop["operator"]), monthly=Decimal(90000),
                         trade=Trade((12, 60), True), end=today - timedelta(days=1), layout="platform", fmt="csv")
    statement = render_statement(bill)
    photo = make_shop(random.Random(f"{seed}:shop"), datetime.combine(today, datetime.min.time()),
                      brand="老陈", scene="storefront")
    photo.shop_name = "老陈面馆"
    _case(out / "1-genuine", shop, "a year of takings through a payment QR code: an uplift",
          {"licence.png": _licence(rng, today, shop), "takings.csv": statement,
           "shopfront.jpg": render_shop(photo, random.Random(f"{seed}:photo"))})
    _case(out / "2-reused", other, "another merchant's bill uploaded as its own: held, the reuse shown",
          {"licence.png": _licence(rng, today, other), "takings.csv": statement})
    invoice = render_invoice(make_truth(random.Random(f"{seed}:invoice"), today, seller=(str(blurred["name"]),
                                                                                         str(blurred["uscc"]))), rng)
    shot = invoice.filter(ImageFilter.GaussianBlur(9)).resize((invoice.width // 3, invoice.height // 3))
    buf = io.BytesIO()
    shot.convert("RGB").save(buf, "JPEG", quality=60)
    _case(out / "3-retake", blurred, "an invoice photo too blurred to read: the merchant is asked to retake it",
          {"licence.png": _licence(rng, today, blurred), "invoice.jpg": buf.getvalue()})
    return sorted(p for p in out.iterdir() if p.is_dir())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    args = parser.parse_args()
    for folder in write_demo(args.out, args.today):
        print(folder)


if __name__ == "__main__":
    main()
