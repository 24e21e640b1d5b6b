"""What a model was asked and what it cost: kept in the result so an auditor can see every call."""

from __future__ import annotations

from pydantic import BaseModel, Field


class LlmCall(BaseModel):
    """One prompt sent (with its re-asks), its cost and how it ended."""

    prompt: str = Field(description="`name@version#sha256` of the rendered prompt.")
    model: str
    attempts: int = 1
    input_tokens: int = 0
    output_tokens: int = 0
    latency_ms: float = 0.0
    error_code: str | None = None
    error: str | None = None
    last_attempt: str | None = Field(None, description="The model's last raw reply when the call failed.")


class DroppedValue(BaseModel):
    """A model's value that the document does not back: it never becomes evidence."""

    field: str
    value: str
    lines: list[str]
    reason: str


class Disagreement(BaseModel):
    field: str
    rule: str
    llm: str
    kept: str = Field(description="Which reading the field carries: `rule` or `llm`.")


class ShopScene(BaseModel):
    """A vision model's description of a shop photo: shown to the reviewer; its red flags raise checks."""

    place: str | None = None
    signboard: str | None = None
    signboard_grounded: bool = Field(False, description="The signboard text is also in the photo's OCR lines.")
    industry: str | None = None
    scale_cues: list[str] = Field(default_factory=list)
    red_flags: list[str] = Field(default_factory=list)


class LlmReport(BaseModel):
    calls: list[LlmCall] = Field(default_factory=list)
    dropped: list[DroppedValue] = Field(default_factory=list)
    disagreements: list[Disagreement] = Field(default_factory=list)
    scene: ShopScene | None = None
