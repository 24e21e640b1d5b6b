from __future__ import annotations

import io
import random
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from attest.patterns.fingerprint import photo_fingerprint
from attest.patterns.seeds import Seeds
from attest.patterns.store import PatternStore, Submission, client_from, embedder_from
from attest.schemas.contract import ContractEvidence
from attest.schemas.decision import MerchantProfile
from attest.schemas.document import Classification, DocumentResult
from attest.schemas.evidence import Field, InvoiceEvidence
from attest.schemas.fingerprint import Fingerprint
from attest.schemas.shop import ShopPhotoEvidence
from attest.settings import PatternSettings
from eval.render.shop import make_shop, render_shop

DAY = date(2026, 11, 28)
# Valid USCCs (checksums hold) for the parties in these tests.
VICTIM = MerchantProfile(id="victim", name="杭州瑞丰贸易有限公司", uscc="91330100MA27XXXX0F", industry="retail_grocery",
                         city_tier=2, application_date=DAY)
FRAUDSTER = MerchantProfile(id="fraud", name="南京启航文化传媒有限公司", uscc="91320100MA1MXXXX1C",
                            industry="retail_grocery", city_tier=2, application_date=DAY)
BUYER = MerchantProfile(id="buyer", name="成都华盛服装有限公司", uscc="91510100MA61XXXX24", industry="apparel",
                        city_tier=2, application_date=DAY)


def f(value: Any, confidence: float = 0.99) -> Field[Any]:
    return Field(value=value, confidence=confidence, lines=["p1-l0"], raw=str(value))


def sub(m: MerchantProfile, app: str | None = None) -> Submission:
    return Submission(merchant=m.id, merchant_uscc=m.uscc, merchant_name=m.name, application=app or f"{m.id}-1",
                      submitted_at=f"{DAY.isoformat()}T12:00:00+00:00")


def doc(document_id: str, kind: str, **parts: Any) -> DocumentResult:
    return DocumentResult(document_id=document_id, filename=f"{document_id}.jpg", media_type="image/jpeg", pages=1,
                          classification=Classification(kind=kind, confidence=1.0), ocr=[], **parts)  # type: ignore[arg-type]


def invoice_doc(document_id: str, *, number: str, seller: MerchantProfile, buyer_uscc: str = BUYER.uscc,
                amount: str = "30000.00", days_ago: int = 40) -> DocumentResult:
    ev = InvoiceEvidence(invoice_number=f(number), seller_tax_id=f(seller.uscc), seller_name=f(seller.name),
                         buyer_tax_id=f(buyer_uscc), buyer_name=f("成都华盛服装有限公司"),
                         total_amount_excl_tax=f(Decimal(amount)), issue_date=f(DAY - timedelta(days=days_ago)))
    return doc(document_id, "invoice", invoice=ev)


def shop_bytes(seed: int, brand: str) -> bytes:
    rng = random.Random(seed)
    return render_shop(make_shop(rng, datetime(2026, 11, 20, 10), brand=brand, scene="storefront"), rng)


def photo_doc(document_id: str, data: bytes, sign: str | None = None) -> DocumentResult:
    return doc(document_id, "shop_photo", fingerprint=photo_fingerprint(Image.open(io.BytesIO(data))),
               shop=ShopPhotoEvidence(shop_name=f(sign)) if sign else None)


def contract_doc(document_id: str, text: str, *, supplier: MerchantProfile, buyer: str = BUYER.uscc) -> DocumentResult:
    ev = ContractEvidence(party_a_tax_id=f(buyer), party_b_tax_id=f(supplier.uscc), party_b=f(supplier.name))
    return doc(document_id, "contract", contract=ev, fingerprint=Fingerprint(text=text))


@pytest.fixture
def store(tmp_path: Path) -> PatternStore:
    return PatternStore.open(PatternSettings(path=tmp_path / "patterns"), tmp_path)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Chroma server (`chroma run`) on a free local port, for the server-mode tests."""
    import shutil

    exe = shutil.which("chroma") or str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "chroma")
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen([exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("chroma server did not start")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def server_store(url: str) -> PatternStore:
    settings = PatternSettings(chroma_url=url)
    client = client_from(settings, Path("."))
    PatternStore.drop_all(client)
    s = PatternStore(client, embedder_from(settings))
    s.load_seeds(Seeds.packaged())
    return s
