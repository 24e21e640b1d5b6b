"""Scoring's own constants (`attest/data/score.yaml`), validated when they load."""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from pydantic import Field

from attest.data.spec import Spec, validated


class ScoreSpec(Spec):
    version: int
    days_per_year: Decimal = Field(gt=360, lt=370)
    reasons_shown: int = Field(ge=1)


@cache
def score_spec() -> ScoreSpec:
    return validated("score", ScoreSpec)
