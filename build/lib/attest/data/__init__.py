"""Versioned knowledge files (labels, confusions, rates); loaded once, read-only."""

from __future__ import annotations

import re
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


@cache
def pattern(name: str, *path: str) -> re.Pattern[str]:
    """The regular expression at `path` inside `attest/data/{name}.yaml`, compiled once."""
    node: Any = load(name)
    for key in path:
        node = node[key]
    return re.compile(node)
