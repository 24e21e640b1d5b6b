"""Generated invoices (clean, degraded, forged) through the public `process_document`."""

from __future__ import annotations

import pytest

from attest.extract.invoice import flat_invoice
from attest.pipeline import ProcessOptions, process_document
from eval.compare import compare_invoice
from eval.render.degrade import KINDS
from eval.render.forge import EXPECTED, caught
from eval.synth import TODAY, generate

OPTS = ProcessOptions(today=TODAY)


def _accuracy(engines, seeds, degradation=None) -> tuple[float, list[str], dict[str, float]]:
    hits = total = 0
    missed: list[str] = []
    per_field: dict[str, list[bool]] = {}
    for seed in seeds:
        kind = degradation(seed) if degradation else None
        data, truth = generate(seed, degradation=kind)
        result = process_document(data, f"{seed}", engines=engines, options=OPTS)
        assert result.invoice is not None, f"seed {seed} ({kind}) was not read as an invoice"
        scores = compare_invoice(flat_invoice(result.invoice), truth)
        hits += sum(scores.values())
        total += len(scores)
        missed += [f"{seed}:{k}" for k, ok in scores.items() if not ok]
        for key, ok in scores.items():
            per_field.setdefault(key.split(".")[-1] if key.startswith("items.") else key, []).append(ok)
    return hits / total, missed, {k: sum(v) / len(v) for k, v in per_field.items()}


@pytest.mark.slow
def test_clean_generated_invoices(engines) -> None:
    rate, missed, fields = _accuracy(engines, range(1000, 1012))
    assert rate >= 0.99, missed
    assert min(fields.values()) >= 0.9, {k: v for k, v in fields.items() if v < 0.9}


@pytest.mark.slow
def test_degraded_generated_invoices(engines) -> None:
    rate, missed, fields = _accuracy(engines, range(2000, 2014), degradation=lambda s: KINDS[s % len(KINDS)])
    assert rate >= 0.95, missed
    assert min(fields.values()) >= 0.85, {k: v for k, v in fields.items() if v < 0.85}


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_forgery_fails_on_the_right_field(kind: str, engines) -> None:
    for seed in (3000, 3001, 3002):
        data, _ = generate(seed, forgery=kind)
        result = process_document(data, "forged.png", engines=engines, options=OPTS)
        assert caught(kind, result.checks), (
            seed, [(c.code, c.severity, [r.field for r in c.refs]) for c in result.checks if c.severity != "pass"])


@pytest.mark.slow
def test_genuine_generated_invoices_get_no_fail(engines) -> None:
    for seed in range(3000, 3006):
        data, _ = generate(seed)
        result = process_document(data, "genuine.png", engines=engines, options=OPTS)
        assert [c.code for c in result.checks if c.severity == "fail"] == []
        assert [c.code for c in result.checks if c.code == "document.glyph_size" and c.severity != "pass"] == []


def test_same_seed_same_bytes() -> None:
    assert generate(7)[0] == generate(7)[0]
    assert generate(7, degradation="noise")[0] == generate(7, degradation="noise")[0]
    assert generate(7)[0] != generate(8)[0]
