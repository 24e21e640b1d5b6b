"""Rules vs model, field by field, under the policy in `attest/data/merge.yaml`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel

from attest.data import load
from attest.layout.normalize import squash
from attest.schemas.evidence import Field
from attest.schemas.llm import Disagreement

E = TypeVar("E", bound=BaseModel)


def comparable(value: Any) -> str:
    """Both readings in one form: dates ISO, amounts without trailing zeros, text without width or spaces."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return squash(str(value)).upper()


def merge(rules: E, grounded: dict[str, Field[Any]]) -> tuple[E, list[Disagreement]]:
    """A copy of `rules` with the model's grounded fields merged in; the disagreements, for the check layer."""
    spec = load("merge")
    prefer_llm = set(spec["prefer_llm"])
    merged = rules.model_copy(deep=True)
    disagreements = []
    for name, llm in grounded.items():
        rule: Field[Any] | None = getattr(rules, name, None)
        if rule is None:
            if spec["fill_missing"]:
                setattr(merged, name, llm)
            continue
        if comparable(rule.value) == comparable(llm.value):
            setattr(merged, name, rule.model_copy(update={
                "source": "merged", "prompt": llm.prompt,
                # Agreement never lowers a reading: a text layer's 1.0 stays 1.0.
                "confidence": max(rule.confidence, min(spec["max_confidence"],
                                                       max(rule.confidence, llm.confidence) + spec["agree_bonus"])),
                "lines": sorted({*rule.lines, *llm.lines})}))
            continue
        kept = "llm" if name in prefer_llm else "rule"
        winner, loser = (llm, rule) if kept == "llm" else (rule, llm)
        setattr(merged, name, winner.model_copy(update={"disputed": str(loser.raw or loser.value)}))
        disagreements.append(Disagreement(field=name, rule=str(rule.raw or rule.value), llm=str(llm.raw or llm.value),
                                          kept=kept))
    return type(rules).model_validate(merged.model_dump()), disagreements


def model_only(rules: E, grounded: dict[str, Field[Any]], covered: set[str]) -> E:
    """The model's reading for every field its prompt covers; rules keep what it does not (items, QR, …)."""
    data = rules.model_dump()
    for name in covered:
        data[name] = grounded[name].model_dump() if name in grounded else None
    return type(rules).model_validate(data)
