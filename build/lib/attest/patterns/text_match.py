"""Text likeness for contracts: character shingles, Jaccard and containment, with template words taken out."""

from __future__ import annotations

from collections.abc import Iterable


def shingles(text: str, n: int) -> set[str]:
    return {text[i:i + n] for i in range(max(0, len(text) - n + 1))}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def containment(template: set[str], doc: set[str]) -> float:
    """How much of `template` the document carries."""
    return len(template & doc) / len(template) if template else 0.0


def without(doc: set[str], templates: Iterable[set[str]]) -> set[str]:
    """The document's own words: shingles of the genuine templates it follows removed."""
    out = set(doc)
    for t in templates:
        out -= t
    return out
