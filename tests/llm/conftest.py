from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from attest.extract.flat import flat_value
from attest.extract.llm import LlmClient, build_client
from attest.pipeline import Engines, ProcessOptions, process_document
from attest.schemas.document import DocumentResult
from attest.settings import LlmSettings

from ..conftest import SAMPLES
from .fake_openai import FakeOpenAI

PDF = SAMPLES / "inv18_digital_normal_transport_discount.pdf"
COVERED = ("invoice_code", "invoice_number", "issue_date", "buyer_name", "buyer_tax_id", "seller_name",
           "seller_tax_id", "total_amount_excl_tax", "total_tax", "total_amount_incl_tax",
           "total_amount_incl_tax_cn", "remarks")


@pytest.fixture()
def fake() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI()
    yield server
    server.close()


def client_for(fake: FakeOpenAI, **settings: Any) -> LlmClient:
    defaults: dict[str, Any] = {"base_url": fake.url, "model": "fake-model", "timeout_s": 5, "max_retries": 0,
                                "max_reasks": 1, "low_confidence": 0.0}
    client = build_client(LlmSettings(**{**defaults, **settings}))
    assert client is not None
    return client


def run(engines: Engines, client: LlmClient | None, data: bytes, name: str, mode: str = "merged",
        **options: Any) -> DocumentResult:
    return process_document(data, name, engines=Engines(ocr=engines.ocr, llm=client),
                            options=ProcessOptions(extractor=mode, **options))  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def pdf_rules(engines: Engines) -> DocumentResult:
    """The sample PDF invoice read by the rules alone (its text layer: no OCR cost)."""
    return process_document(PDF.read_bytes(), PDF.name, engines=engines)


def reading_from(result: DocumentResult) -> dict[str, Any]:
    """What a faithful model would answer: each rule field's printed value and the lines it cites."""
    ev = result.invoice
    assert ev is not None
    out: dict[str, Any] = {}
    for name in COVERED:
        f = getattr(ev, name)
        out[name] = None if f is None else {"value": f.raw or flat_value(f), "lines": f.lines}
    return out


def pdf_bytes() -> bytes:
    return Path(PDF).read_bytes()
