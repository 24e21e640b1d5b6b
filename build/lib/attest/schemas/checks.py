"""Check results: a stable code, a verdict, a sentence in Chinese and English, and the numbers behind it."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Severity = Literal["pass", "info", "warn", "fail"]


class Ref(BaseModel):
    document: str = Field(description="Document id (its sha256).")
    field: str = Field(description="Dotted field path, e.g. `items.0.amount`.")


class CheckResult(BaseModel):
    code: str = Field(description="Dotted, stable: `invoice.arithmetic.totals`, `uscc.checksum`, ...")
    severity: Severity
    message: str = Field(description="One sentence, Chinese then English.")
    refs: list[Ref] = Field(default_factory=list)
    details: dict[str, Any] = Field(default_factory=dict)
