"""`attest eval photo-reuse`: near-duplicate photo detection at scale, without OCR.

Stores N merchants' shop photos (storefronts, interiors, shelves from `eval.render.shop`), then submits
re-shot copies of some of them (cropped on every side, resized, relit, recompressed) under other merchants'
names, and as many fresh photos of new shops. Reports pair precision and recall of `dup.photo.cross_merchant`
(a flag is right only when it names the copied photo's owner) and the time per submitted photo.
The signboard is taken from the rendering's truth, as if OCR had read it.
"""

from __future__ import annotations

import io
import random
import tempfile
import time
from datetime import UTC, date, datetime
from datetime import time as clock
from pathlib import Path
from typing import Any

from PIL import Image

from attest.audit.decide import submission
from attest.patterns.checks import pattern_checks
from attest.patterns.fingerprint import photo_fingerprint
from attest.patterns.store import PatternStore, Submission
from attest.schemas.decision import MerchantProfile
from attest.schemas.document import Classification, DocumentResult
from attest.schemas.evidence import Field
from attest.schemas.shop import ShopPhotoEvidence
from attest.settings import PatternSettings
from eval.corpus import _reshot
from eval.render.shop import make_shop, render_shop
from eval.render.truth import company, uscc

DAY = date(2026, 11, 28)


def _merchant(rng: random.Random, i: int) -> MerchantProfile:
    return MerchantProfile(id=f"p{i:04d}", name=company(rng), uscc=uscc(rng), application_date=DAY)


def _photo(m: MerchantProfile, rng: random.Random) -> tuple[bytes, str]:
    truth = make_shop(rng, datetime(2026, 11, 20, 10), brand=m.name[2:4])
    return render_shop(truth, rng), truth.shop_name


def _doc(doc_id: str, data: bytes, sign: str) -> DocumentResult:
    return DocumentResult(document_id=doc_id, filename=f"{doc_id}.jpg", media_type="image/jpeg", pages=1,
                          classification=Classification(kind="shop_photo", confidence=1.0), ocr=[],
                          shop=ShopPhotoEvidence(shop_name=Field(value=sign, confidence=1.0)),
                          fingerprint=photo_fingerprint(Image.open(io.BytesIO(data))))


def _sub(m: MerchantProfile) -> Submission:
    return submission(m, m.id, datetime.combine(DAY, clock(12), tzinfo=UTC))


def run_photo_reuse(originals: int, copies: int, fresh: int, seed: int = 11,
                    store: PatternStore | None = None) -> dict[str, Any]:
    rng = random.Random(seed)
    if store is None:
        tmp = Path(tempfile.mkdtemp(prefix="photo-reuse-"))
        store = PatternStore.open(PatternSettings(path=tmp / "patterns"), tmp)
    owners = [_merchant(rng, i) for i in range(originals)]
    photos: dict[str, bytes] = {}
    for m in owners:
        data, sign = _photo(m, rng)
        photos[m.id] = data
        store.remember(_sub(m), [_doc(f"orig-{m.id}", data, sign)])
    flagged, right, caught, seconds = 0, 0, 0, []
    trials: list[tuple[MerchantProfile, bytes, str, str | None]] = []
    for k in range(copies):
        owner = rng.choice(owners)
        trials.append((_merchant(rng, originals + k), _reshot(photos[owner.id], rng), "", owner.id))
    for k in range(fresh):
        newcomer = _merchant(rng, originals + copies + k)
        data, sign = _photo(newcomer, rng)
        trials.append((newcomer, data, sign, None))
    for i, (m, data, sign, owner_id) in enumerate(trials):
        # A fraudster's copy shows the owner's sign; OCR reading it or not, it is not the fraudster's name.
        doc = _doc(f"trial-{i}", data, sign or "招牌")
        started = time.perf_counter()
        checks = [c for c in pattern_checks(store, m, _sub(m), [doc]) if c.code == "dup.photo.cross_merchant"
                  and c.severity == "fail"]
        seconds.append(time.perf_counter() - started)
        flagged += len(checks)
        right += sum(1 for c in checks if c.details.get("other_merchant") == owner_id)
        caught += owner_id is not None and any(c.details.get("other_merchant") == owner_id for c in checks)
    seconds.sort()
    return {"originals": originals, "copies": copies, "fresh": fresh, "flags": flagged,
            "precision": round(right / flagged, 4) if flagged else None,
            "recall": round(caught / copies, 4) if copies else None,
            "p50_s_per_photo": round(seconds[len(seconds) // 2], 3),
            "p95_s_per_photo": round(seconds[int(len(seconds) * 0.95) - 1], 3)}
