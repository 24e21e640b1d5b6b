"""What the invoice readers share: compiled label patterns and `Field` construction from hits."""

from __future__ import annotations

import re
from functools import cache
from typing import TypeVar

from attest.data import load, pattern
from attest.layout.geometry import Line, union
from attest.layout.pairing import Hit
from attest.schemas.evidence import Field

T = TypeVar("T")


def label(name: str) -> re.Pattern[str]:
    return pattern("invoice_layout", "labels", name)


def stop() -> re.Pattern[str]:
    return pattern("invoice_layout", "stop")


@cache
def column_patterns() -> dict[str, re.Pattern[str]]:
    return {k: re.compile(v) for k, v in load("invoice_layout")["columns"].items()}


def field_of(value: T, hit: Hit | None = None, *, lines: list[Line] | None = None,
             raw: str | None = None, confidence: float | None = None) -> Field[T]:
    """A rule-sourced `Field` whose provenance is the lines the value was read from."""
    used = lines if lines is not None else (hit.lines if hit else [])
    conf = confidence if confidence is not None else min((ln.confidence for ln in used), default=0.5)
    box = union(ln.box for ln in used) if used else None
    return Field[T](
        value=value,
        confidence=round(max(0.0, min(1.0, conf)), 4),
        source="rule",
        lines=[ln.id for ln in used],
        bbox=(box.x0, box.y0, box.x1, box.y1) if box else None,
        raw=raw if raw is not None else (hit.text if hit else None),
    )
