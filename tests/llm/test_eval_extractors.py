"""`attest eval run --extractor rules|llm|merged` side by side on the same corpus, the model on 127.0.0.1."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from attest.errors import EngineUnavailable
from attest.layout.normalize import find_money, parse_decimal
from attest.settings import get_settings
from eval.report import compare, write_report
from eval.run import run_corpus

from ..conftest import SAMPLES
from .fake_openai import FakeOpenAI, Step, reply


def naive_reader(request: dict[str, Any]) -> Step:
    """A stand-in model that reads like a careless clerk: the first long digit run is the invoice number, the
    largest amount is the total. Right on some invoices, wrong on others: enough to make merging matter."""
    text = request["messages"][1]["content"]
    text = text if isinstance(text, str) else text[0]["text"]
    lines = [ln.split("\t", 1) for ln in text.splitlines() if "\t" in ln]
    out: dict[str, Any] = {}
    for line_id, body in lines:
        if m := re.search(r"\d{20}|(?<!\d)\d{8}(?!\d)", body):
            out.setdefault("invoice_number", {"value": m.group(0), "lines": [line_id]})
    amounts = [(parse_decimal(a), line_id, a) for line_id, body in lines for a in find_money(body)]
    if amounts:
        _, line_id, printed = max(amounts, key=lambda a: a[0] or 0)
        out["total_amount_incl_tax"] = {"value": printed, "lines": [line_id]}
    return reply(out)


@pytest.fixture()
def model_env(fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    fake.responder = naive_reader
    monkeypatch.setenv("ATTEST_LLM__BASE_URL", fake.url)
    monkeypatch.setenv("ATTEST_LLM__MODEL", "naive-clerk")
    get_settings.cache_clear()  # worker processes fork from this one and must see the model
    yield fake
    get_settings.cache_clear()


@pytest.mark.slow
def test_the_harness_runs_every_extractor_side_by_side(model_env: FakeOpenAI, tmp_path: Path) -> None:
    runs = {}
    for extractor in ("rules", "llm", "merged"):
        out = tmp_path / extractor
        record = run_corpus(SAMPLES, out, extractor=extractor, workers=1, progress=False)
        write_report(out)
        runs[extractor] = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
        assert record["extractor"] == extractor and runs[extractor]["extractor"] == extractor
    assert runs["rules"]["llm"] is None
    for extractor in ("llm", "merged"):
        accounted = runs[extractor]["llm"]
        assert accounted["calls"] == 3 and accounted["input_tokens"] > 0 and accounted["errors"] == {}
    # The careless model alone loses fields the rules read; merged keeps the rules' fields where they disagree.
    f1 = {k: runs[k]["field_macro_f1"] for k in runs}
    assert f1["llm"] < f1["rules"] and f1["merged"] >= f1["llm"]
    assert runs["merged"]["llm"]["disagreements"] >= 1
    assert compare(tmp_path / "rules", tmp_path / "merged")  # `attest eval compare` reads both


def test_an_llm_run_without_a_model_says_what_to_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ATTEST_LLM__BASE_URL", raising=False)
    get_settings.cache_clear()
    with pytest.raises(EngineUnavailable, match="ATTEST_LLM__BASE_URL"):
        run_corpus(SAMPLES, tmp_path / "x", extractor="llm", workers=1, progress=False)
