"""Versioned knowledge files (labels, confusions, rates); loaded once, read-only."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load(name: str) -> dict[str, Any]:
    """Load `attest/data/{name}.yaml`."""
    text = resources.files("attest.data").joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data
