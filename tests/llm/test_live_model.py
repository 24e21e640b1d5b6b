"""Against a real model, when one is served locally: ATTEST_TEST_LIVE_LLM_URL (e.g. an Ollama or vLLM server on
127.0.0.1) and ATTEST_TEST_LIVE_LLM_MODEL. Skipped otherwise; the suite's loopback guard still applies."""

from __future__ import annotations

import os

import pytest

from attest.pipeline import Engines
from attest.schemas.document import DocumentResult

from .conftest import pdf_bytes, run

URL = os.environ.get("ATTEST_TEST_LIVE_LLM_URL")
MODEL = os.environ.get("ATTEST_TEST_LIVE_LLM_MODEL", "qwen2.5:7b-instruct")


@pytest.mark.live_llm
@pytest.mark.skipif(not URL, reason="ATTEST_TEST_LIVE_LLM_URL is not set")
def test_a_real_model_reads_the_sample_invoice_and_every_value_is_grounded(engines: Engines,
                                                                           pdf_rules: DocumentResult) -> None:
    from attest.extract.llm import build_client
    from attest.settings import LlmSettings

    client = build_client(LlmSettings(base_url=URL, model=MODEL, timeout_s=120))
    got = run(engines, client, pdf_bytes(), "inv.pdf")
    assert got.errors == [] and got.llm is not None and got.llm.calls[0].output_tokens > 0
    assert got.invoice is not None and got.invoice.total_amount_incl_tax is not None
    assert str(got.invoice.total_amount_incl_tax.value) == "742.93"
