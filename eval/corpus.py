"""`attest eval generate`: synthetic merchants with hidden truth and the evidence they would upload.

Layout written to OUT/: `manifest.json` (every label) and `docs/<merchant>/<n>.<ext>`. Same seed → same
bytes (PIL's PNG and JPEG encoders are deterministic; every random draw comes from one seeded stream).
"""

from __future__ import annotations

import io
import json
import math
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, ImageEnhance

from eval.corpus_flows import flows_documents
from eval.render.contract import contract_pdf, make_contract, render_contract
from eval.render.forge import EXPECTED, forge
from eval.render.invoice import render_invoice_with_text
from eval.render.licence import make_licence, render_licence
from eval.render.shop import make_shop, render_shop, screen_recapture
from eval.render.truth import InvoiceTruth, company, make_truth, uscc

DATA = Path(__file__).parent / "data"
APPLICATION_DAY = date(2026, 11, 28)
# fraud kind → the forgery of eval.render.forge applied to one sales invoice
_FORGERY = {"inflated_invoice": "stale_words", "edited_invoice": "broken_sum", "qr_tampered": "qr_mismatch",
            "backdated_future": "future_date"}


@dataclass
class Merchant:
    id: str
    name: str
    uscc: str
    industry: str
    city_tier: int
    monthly_revenue: Decimal
    fraud: str | None
    current_limit: Decimal


def _spec(population: str = "merchants") -> dict[str, Any]:
    """The population file; `reuse` overrides the fraud mix of `merchants` with its own keys."""
    spec: dict[str, Any] = yaml.safe_load((DATA / "merchants.yaml").read_text(encoding="utf-8"))
    if population != "merchants":
        path = DATA / f"{population}.yaml"
        if not path.is_file():
            raise ValueError(f"no population {population!r} in {DATA}")
        spec.update(yaml.safe_load(path.read_text(encoding="utf-8")))
    return spec


def _merchant(i: int, rng: random.Random, spec: dict[str, Any]) -> Merchant:
    industry = rng.choice(sorted(spec["industries"]))
    tier = rng.choice([1, 2, 2, 3, 3])
    lo, hi = spec["industries"][industry][f"tier{tier}"]
    revenue = Decimal(round(math.exp(rng.uniform(math.log(lo), math.log(hi))), -2))
    fraud = None
    if rng.random() < spec["fraud_share"]:
        kinds = sorted(spec["fraud_kinds"])
        fraud = rng.choices(kinds, weights=[spec["fraud_kinds"][k] for k in kinds])[0]
    # Banks already lend roughly in proportion to what they know of a business.
    limit = Decimal(round(float(revenue) * rng.uniform(0.8, 1.5), -3))
    return Merchant(f"m{i:04d}", company(rng), uscc(rng), industry, tier, revenue, fraud, limit)


def _encode(img: Any, rng: random.Random) -> tuple[bytes, str]:
    """Merchants upload either the PDF-rendered PNG or a phone JPEG of it."""
    buf = io.BytesIO()
    if rng.random() < 0.5:
        img.save(buf, "PNG")
        return buf.getvalue(), "png"
    img.save(buf, "JPEG", quality=rng.randint(75, 92))
    return buf.getvalue(), "jpg"


def _save(out: Path, merchant: Merchant, n: int, data: bytes, ext: str) -> str:
    rel = Path("docs") / merchant.id / f"{n}.{ext}"
    (out / rel).parent.mkdir(parents=True, exist_ok=True)
    (out / rel).write_bytes(data)
    return str(rel)


def _entry(file: str, doc_type: str, role: str | None, fields: dict[str, Any],
           expected_fail: tuple[str, str | None] | None) -> dict[str, Any]:
    return {"file": file, "doc_type": doc_type, "role": role, "fields": fields,
            "expected_fail": {"code": expected_fail[0], "field": expected_fail[1]} if expected_fail else None}


def _document(t: InvoiceTruth, rng: random.Random, role: str, expected_fail: tuple[str, str | None] | None,
              out: Path, merchant: Merchant, n: int) -> dict[str, Any]:
    # Rendering draws from a stream keyed by the invoice itself: the same invoice looks the same wherever
    # it is submitted (what a reused invoice is).
    img, drawn = render_invoice_with_text(t, random.Random(f"{t.number}:{t.seller[1]}:{t.total_incl}"))
    data, ext = _encode(img, rng)
    entry = _entry(_save(out, merchant, n, data, ext), "invoice", role, t.flat(), expected_fail)
    entry["text_truth"] = [{"text": s, "box": [round(v, 1) for v in box]} for s, box in drawn]
    return entry


def _shop_photo(m: Merchant, seed: int) -> tuple[bytes, dict[str, Any]]:
    """The merchant's storefront; its own stream, so that a reused photo is byte for byte the victim's."""
    rng = random.Random(f"{seed}:{m.id}:shop")
    truth = make_shop(rng, datetime(2026, 11, 20, 10), brand=m.name[2:4])
    return render_shop(truth, rng), truth.flat()


def _own_contract(m: Merchant, seed: int, spec: dict[str, Any]) -> Any | None:
    """The contract a merchant supplies under, if it has one; its own stream, so that a fraudster can copy it."""
    rng = random.Random(f"{seed}:{m.id}:contract")
    if rng.random() >= spec["contract_share"]:
        return None
    months = rng.randint(*spec["contract_months"])
    return make_contract(rng, APPLICATION_DAY, supplier=(m.name, m.uscc),
                         amount=(m.monthly_revenue * months).quantize(Decimal("0.01")))


def _reshot(data: bytes, rng: random.Random) -> bytes:
    """Another merchant's photo taken again: cropped on every side, resized, relit and recompressed."""
    img = Image.open(io.BytesIO(data)).convert("RGB")
    w, h = img.size
    box = (round(w * rng.uniform(0, 0.08)), round(h * rng.uniform(0, 0.08)),
           w - round(w * rng.uniform(0, 0.08)), h - round(h * rng.uniform(0, 0.08)))
    scale = rng.uniform(0.6, 0.95)
    img = img.crop(box)
    img = img.resize((round(img.width * scale), round(img.height * scale)), Image.Resampling.BICUBIC)
    img = ImageEnhance.Brightness(img).enhance(rng.uniform(0.9, 1.1))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=rng.randint(60, 88), exif=Image.open(io.BytesIO(data)).getexif())
    return buf.getvalue()


def _other_documents(m: Merchant, rng: random.Random, spec: dict[str, Any], out: Path, seed: int, n: int,
                     others: list[Merchant]) -> list[dict[str, Any]]:
    """Licence, shop photo and, for some, a contract in which the merchant supplies."""
    docs = []
    lic = make_licence(rng, APPLICATION_DAY, name=m.name, code=m.uscc)
    buf = io.BytesIO()
    render_licence(lic, rng).save(buf, "PNG")
    docs.append(_entry(_save(out, m, n, buf.getvalue(), "png"), "business_license", None, lic.flat(), None))
    if m.fraud == "reused_photo" and others:
        victim = rng.choice(others)
        data, fields = _shop_photo(victim, seed)
        data = _reshot(data, rng)
        docs.append(_entry(_save(out, m, n + 1, data, "jpg"), "shop_photo", None, fields,
                           ("dup.photo.cross_merchant", "image")))
        docs[-1]["reused_from"] = victim.id
    else:
        data, fields = _shop_photo(m, seed)
        expected: tuple[str, str | None] | None = None
        if m.fraud == "screen_recapture":
            data, expected = screen_recapture(data, rng), ("photo.recapture", "image")
        docs.append(_entry(_save(out, m, n + 1, data, "jpg"), "shop_photo", None, fields, expected))
    contract = _own_contract(m, seed, spec)
    expected = None
    if m.fraud == "template_contract":
        # A fraud ring's contract, word for word, with this merchant's name and code put in: the ring sells
        # the same few texts to many applicants, which is what gives it away.
        ring = rng.randrange(spec["ring_templates"])
        contract = make_contract(random.Random(f"{seed}:ring:{ring}"), APPLICATION_DAY)
        contract.party_b = (m.name, m.uscc)
        expected = ("dup.contract.template_reuse", None)
    elif m.fraud == "foreign_seal_contract":
        contract = contract or make_contract(rng, APPLICATION_DAY, supplier=(m.name, m.uscc),
                                             amount=(m.monthly_revenue * 3).quantize(Decimal("0.01")))
        contract.seal_names = (contract.party_a[0], company(rng))
        expected = ("seal.names_party", "seals")
    if contract is not None:
        data = contract_pdf(render_contract(contract, rng))
        docs.append(_entry(_save(out, m, n + 2, data, "pdf"), "contract", "sale", contract.flat(), expected))
        if m.fraud == "template_contract":
            docs[-1]["ring_template"] = ring
    return docs


def _sale(m: Merchant, rng: random.Random, spec: dict[str, Any]) -> InvoiceTruth:
    lo, hi = spec["invoice_share_of_month"]
    days_back = rng.randint(1, 6) if m.fraud == "invoice_burst" else rng.randint(7, 360)
    total = (m.monthly_revenue * Decimal(str(round(rng.uniform(lo, hi), 3)))).quantize(Decimal("0.01"))
    seller = (company(rng), uscc(rng)) if m.fraud == "mismatched_identity" else (m.name, m.uscc)
    return make_truth(rng, APPLICATION_DAY, seller=seller, issued=APPLICATION_DAY - timedelta(days_back), total=total)


def _first_sale(m: Merchant, seed: int, spec: dict[str, Any]) -> tuple[InvoiceTruth, random.Random]:
    # Its own stream, so that a fraudster can resubmit exactly the invoice its victim submitted.
    rng = random.Random(f"{seed}:{m.id}:sale0")
    return _sale(m, rng, spec), rng


def _sales_truths(m: Merchant, rng: random.Random, spec: dict[str, Any], others: list[Merchant],
                  seed: int) -> list[InvoiceTruth]:
    first, _ = _first_sale(m, seed, spec)
    if m.fraud == "reused_invoice" and others:
        first, _ = _first_sale(rng.choice(others), seed, spec)  # someone else's genuine invoice, unchanged
    return [first] + [_sale(m, rng, spec) for _ in range(rng.randint(*spec["sales_invoices"]) - 1)]


def _merchant_entry(m: Merchant, docs: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": m.id, "name": m.name, "uscc": m.uscc, "industry": m.industry, "city_tier": m.city_tier,
            "monthly_revenue": str(m.monthly_revenue), "fraud": m.fraud, "current_limit": str(m.current_limit),
            "application_date": APPLICATION_DAY.isoformat(), "documents": docs}


def _ring_history(entries: list[dict[str, Any]], seed: int, spec: dict[str, Any], out: Path) -> list[dict[str, Any]]:
    """For each ring text this corpus's fraudsters bought, one earlier buyer: an application decided before this
    population's, carrying the same text under its own name. A ring sells its texts to many, so a bank's pattern
    store holds earlier buyers even when only one of a corpus's applicants bought a given text. They are remembered
    by the evaluation's store, never decided or counted (`manifest.history`)."""
    rings = sorted({d["ring_template"] for e in entries for d in e["documents"] if "ring_template" in d})
    out_entries = []
    for ring in rings:
        rng = random.Random(f"{seed}:ring-history:{ring}")
        buyer = Merchant(f"h{ring:04d}", company(rng), uscc(rng), "wholesale", 2, Decimal("100000"),
                         "template_contract", Decimal("100000"))
        contract = make_contract(random.Random(f"{seed}:ring:{ring}"), APPLICATION_DAY)
        contract.party_b = (buyer.name, buyer.uscc)
        file = _save(out, buyer, 0, contract_pdf(render_contract(contract, rng)), "pdf")
        doc = {**_entry(file, "contract", "sale", contract.flat(), None), "ring_template": ring}
        earlier = (APPLICATION_DAY - timedelta(days=spec["ring_history_days"])).isoformat()
        out_entries.append({**_merchant_entry(buyer, [doc]), "application_date": earlier})
    return out_entries


def generate_corpus(n_merchants: int, seed: int, out: Path, *, population: str = "merchants") -> dict[str, Any]:
    """Write the corpus and its manifest; returns the manifest."""
    rng = random.Random(seed)
    spec = _spec(population)
    merchants = [_merchant(i, rng, spec) for i in range(n_merchants)]
    entries = []
    for m in merchants:
        docs: list[dict[str, Any]] = []
        genuine_others = [o for o in merchants if o.fraud is None and o.id != m.id]
        if spec.get("flows"):
            docs = flows_documents(m, rng, {**spec, "application_day": APPLICATION_DAY,
                                            "render_invoice": render_invoice_with_text},
                                   seed, genuine_others, lambda *a: _save(out, *a), _entry, _shop_photo)
            entries.append(_merchant_entry(m, docs))
            continue
        for t in _sales_truths(m, rng, spec, genuine_others, seed):
            expected: tuple[str, str | None] | None = None
            if m.fraud in _FORGERY and not docs:
                kind = _FORGERY[m.fraud]
                t, expected = forge(t, kind, rng), EXPECTED[kind]
            elif m.fraud == "fake_tax_id" and not docs:
                t, expected = forge(t, "invalid_uscc", rng), EXPECTED["invalid_uscc"]
            elif m.fraud == "reused_invoice" and not docs:
                expected = ("dup.invoice.cross_merchant", None)
            elif m.fraud == "injected_instructions" and not docs:
                t.remarks = spec["injection_text"]
                expected = ("document.injected_instructions", None)
            docs.append(_document(t, rng, "sale", expected, out, m, len(docs)))
        for _ in range(rng.randint(*spec["purchase_invoices"])):
            t = make_truth(rng, APPLICATION_DAY, buyer=(m.name, m.uscc),
                           issued=APPLICATION_DAY - timedelta(rng.randint(7, 360)),
                           total=(m.monthly_revenue * Decimal("0.05")).quantize(Decimal("0.01")))
            docs.append(_document(t, rng, "purchase", None, out, m, len(docs)))
        docs += _other_documents(m, rng, spec, out, seed, len(docs), genuine_others)
        entries.append(_merchant_entry(m, docs))
    manifest: dict[str, Any] = {"kind": "attest-synthetic-corpus", "version": 1, "seed": seed,
                                "population": population, "merchants": entries}
    history = _ring_history(entries, seed, spec, out) if spec.get("ring_history_days") else []
    if history:
        manifest["history"] = history
    out.mkdir(parents=True, exist_ok=True)
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest
