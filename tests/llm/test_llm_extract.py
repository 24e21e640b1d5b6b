"""The LLM extractors over the wire (real `openai` client and LangChain) against a local scripted server."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest

from attest.errors import EngineUnavailable
from attest.extract.llm import build_client
from attest.pipeline import Engines
from attest.schemas.document import DocumentResult
from attest.settings import LlmSettings

from .conftest import client_for, pdf_bytes, reading_from, run
from .fake_openai import FakeOpenAI, hang, raw, refusal, reply, status

PROMPT_REF = re.compile(r"^invoice-text@1#[0-9a-f]{64}$")


def test_a_faithful_reply_is_grounded_merged_and_accounted(engines: Engines, fake: FakeOpenAI,
                                                          pdf_rules: DocumentResult) -> None:
    fake.push(reply(reading_from(pdf_rules)))
    got = run(engines, client_for(fake), pdf_bytes(), "inv.pdf")
    assert got.errors == [] and got.llm is not None and got.llm.dropped == [] and got.llm.disagreements == []
    ev = got.invoice
    assert ev is not None and ev.seller_name is not None and ev.total_amount_incl_tax is not None
    assert ev.seller_name.source == "merged" and PROMPT_REF.match(ev.seller_name.prompt or "")
    assert ev.seller_name.confidence >= pdf_rules.invoice.seller_name.confidence  # type: ignore[union-attr]
    assert ev.total_amount_incl_tax.value == pdf_rules.invoice.total_amount_incl_tax.value  # type: ignore[union-attr]
    call = got.llm.calls[0]
    assert call.model == "fake-model" and call.attempts == 1 and call.output_tokens == 42 and call.input_tokens > 0
    assert call.latency_ms > 0 and call.error_code is None and "llm" in got.timings
    sent = fake.requests[0]
    assert sent["temperature"] == 0 and sent["response_format"]["type"] == "json_schema"
    assert "p1-l22\t" in sent["messages"][1]["content"][0]["text"]  # lines go out with their ids


def test_tool_calling_endpoints_work_the_same(engines: Engines, fake: FakeOpenAI, pdf_rules: DocumentResult) -> None:
    fake.push(reply(reading_from(pdf_rules)))
    got = run(engines, client_for(fake, structured_output="function_calling"), pdf_bytes(), "inv.pdf", mode="llm")
    assert got.errors == [] and "tools" in fake.requests[0] and "response_format" not in fake.requests[0]
    assert got.invoice is not None and got.invoice.seller_name is not None
    assert got.invoice.seller_name.source == "llm" and got.invoice.seller_name.value == "滴滴出行科技有限公司"


def test_a_disagreement_keeps_both_readings_and_raises_a_check(engines: Engines, fake: FakeOpenAI,
                                                               pdf_rules: DocumentResult) -> None:
    answer = reading_from(pdf_rules)
    # A printed amount, grounded, but the wrong one for the total: rules keep the total, the check says so.
    answer["total_amount_incl_tax"] = {"value": "721.30", "lines": ["p1-l43"]}
    fake.push(reply(answer))
    got = run(engines, client_for(fake), pdf_bytes(), "inv.pdf")
    assert got.invoice is not None and got.invoice.total_amount_incl_tax is not None
    assert str(got.invoice.total_amount_incl_tax.value) == "742.93"
    assert got.invoice.total_amount_incl_tax.disputed == "721.30"
    check = next(c for c in got.checks if c.code == "extract.disagreement")
    assert check.severity == "warn" and [r.field for r in check.refs] == ["total_amount_incl_tax"]


FAULTS = [
    ("rate limited", [status(429, {"Retry-After": "0"}), status(429, {"Retry-After": "0"})], {"max_retries": 1},
     "llm.rate_limited"),
    ("server error", [status(500)], {}, "llm.server_error"),
    ("never ends", [hang(3)], {"timeout_s": 1}, "llm.timeout"),
    ("malformed JSON", [raw('{"seller_name": {"value": "滴滴'), raw("not json at all")], {}, "llm.malformed"),
    ("refusal", [refusal("I can't help with that.")], {}, "llm.refused"),
    ("bad request", [status(400)], {}, "llm.rejected"),
]


@pytest.mark.parametrize(("name", "steps", "settings", "code"), FAULTS, ids=[f[0] for f in FAULTS])
def test_every_fault_is_recorded_and_the_rules_stand(engines: Engines, fake: FakeOpenAI, pdf_rules: DocumentResult,
                                                     name: str, steps: list[Any], settings: dict[str, Any],
                                                     code: str) -> None:
    fake.push(*steps)
    got = run(engines, client_for(fake, **settings), pdf_bytes(), "inv.pdf")
    assert [(e.stage, e.code) for e in got.errors] == [("llm", code)] and got.status == "partial"
    assert got.invoice == pdf_rules.invoice  # the rule-based result, untouched
    assert got.llm is not None and got.llm.calls[-1].error_code == code
    if code == "llm.malformed":
        call = got.llm.calls[-1]
        assert call.attempts == 2 and call.last_attempt == "not json at all" and call.output_tokens == 84
        assert "上一次回答未通过校验" in json.dumps(fake.requests[1], ensure_ascii=False)  # the re-ask says why


def test_a_429_with_retry_after_is_waited_out(engines: Engines, fake: FakeOpenAI, pdf_rules: DocumentResult) -> None:
    fake.push(status(429, {"Retry-After": "1"}), reply(reading_from(pdf_rules)))
    started = time.monotonic()
    got = run(engines, client_for(fake, max_retries=1), pdf_bytes(), "inv.pdf")
    assert got.errors == [] and len(fake.requests) == 2 and time.monotonic() - started >= 1.0


def test_a_reply_of_ungrounded_values_changes_nothing(engines: Engines, fake: FakeOpenAI,
                                                      pdf_rules: DocumentResult) -> None:
    fake.push(reply({"seller_name": {"value": "杭州瑞丰贸易有限公司", "lines": ["p1-l22"]},
                     "total_amount_incl_tax": {"value": "742930.00", "lines": ["p1-l56"]},
                     "issue_date": {"value": "2026-11-01", "lines": ["p1-l6"]},
                     "buyer_tax_id": {"value": "91320594769869645C", "lines": ["p1-l999"]},
                     "invoice_number": {"value": "25127000000546906425", "lines": []}}))
    got = run(engines, client_for(fake), pdf_bytes(), "inv.pdf")
    assert got.llm is not None and sorted(d.field for d in got.llm.dropped) == [
        "buyer_tax_id", "invoice_number", "issue_date", "seller_name", "total_amount_incl_tax"]
    assert got.errors == [] and got.llm.disagreements == []
    assert got.invoice == pdf_rules.invoice


def test_documents_go_only_to_local_endpoints_unless_opted_in() -> None:
    with pytest.raises(EngineUnavailable, match="ALLOW_REMOTE"):
        build_client(LlmSettings(base_url="https://dashscope.aliyuncs.com/compatible-mode/v1", model="qwen-vl-max"))
    assert build_client(LlmSettings(base_url="https://api.openai.com/v1", model="gpt-4o", allow_remote=True))
    for local in ("http://127.0.0.1:8000/v1", "http://localhost:11434/v1", "http://10.1.2.3:8000/v1",
                  "http://[::1]:8080/v1", "http://192.168.1.20:8000/v1"):
        assert build_client(LlmSettings(base_url=local, model="m")) is not None, local
    assert build_client(LlmSettings()) is None  # off unless configured


def test_the_cli_reads_with_the_model_configured_in_the_environment(fake: FakeOpenAI,
                                                                   pdf_rules: DocumentResult) -> None:
    import os
    import subprocess
    import sys

    from .conftest import PDF

    fake.push(reply(reading_from(pdf_rules)))
    env = {**os.environ, "ATTEST_LLM__EXTRACTOR": "merged", "ATTEST_LLM__BASE_URL": fake.url,
           "ATTEST_LLM__MODEL": "fake-model"}
    cli = [sys.executable, "-c", "from attest.cli import main; main()", "check", "--format", "json", str(PDF)]
    out = subprocess.run(cli, capture_output=True, text=True, timeout=300, check=False, env=env)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["invoice"]["seller_name"]["source"] == "merged" and len(result["llm"]["calls"]) == 1
    env.pop("ATTEST_LLM__BASE_URL")
    out = subprocess.run(cli, capture_output=True, text=True, timeout=300, check=False, env=env)
    assert out.returncode == 2 and "ATTEST_LLM__BASE_URL" in out.stderr
