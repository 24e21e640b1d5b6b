"""Text aimed at a model, hidden in a document: the extract stage keeps such lines from every prompt, and the
verify stage reports them (`verify/injection.py`). The patterns are data (`injection.yaml`)."""

from __future__ import annotations

import re
from functools import cache

from attest.data import load
from attest.layout.normalize import normalize


@cache
def _patterns() -> list[re.Pattern[str]]:
    return [re.compile(p, re.IGNORECASE) for p in load("injection")["patterns"]]


def addresses_a_model(text: str) -> bool:
    """True when a line of text carries instructions aimed at a model."""
    plain = normalize(text)
    return any(p.search(plain) for p in _patterns())
