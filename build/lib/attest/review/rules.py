"""The reviewer's vocabulary (`attest/data/review.yaml`): decline reason codes, evidence kinds, reason length."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, Field


class Label(BaseModel):
    zh: str
    en: str

    def say(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class ReviewRules(BaseModel):
    version: str
    min_reason_chars: int = Field(ge=1)
    decline_reasons: dict[str, Label] = Field(min_length=1)
    evidence_kinds: dict[str, Label] = Field(min_length=1)


@cache
def load_review_rules() -> ReviewRules:
    text = resources.files("attest.data").joinpath("review.yaml").read_text(encoding="utf-8")
    return ReviewRules.model_validate(yaml.safe_load(text))
