"""Field comparison for evaluation: exact match after whitespace/width normalisation, amounts as Decimal."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from attest.kinds import kinds
from attest.layout.normalize import squash

_AMOUNTS = {"total_amount_excl_tax", "total_tax", "total_amount_incl_tax", "qty", "unit_price", "amount", "tax"}


def norm(name: str, value: Any) -> Any:
    if value is None:
        return None
    text = squash(str(value))
    if name in _AMOUNTS:
        try:
            return Decimal(text)
        except InvalidOperation:
            return text
    return text


def field_matches(name: str, got: Any, want: Any) -> bool:
    return bool(norm(name, got) == norm(name, want))


def compare_items(got: list[dict[str, Any]] | None, want: list[dict[str, Any]], keys: tuple[str, ...] | None = None
                  ) -> dict[str, bool]:
    """A table's rows as `items.N.key` (the keys `want` has, or `keys`), plus `items.count`."""
    g = got or []
    out = {"items.count": len(g) == len(want)}
    for i, wi in enumerate(want):
        gi = g[i] if i < len(g) else {}
        for key in keys or tuple(wi):
            out[f"items.{i}.{key}"] = field_matches(key, gi.get(key), wi.get(key))
    return out


def compare_invoice(got: dict[str, Any], want: dict[str, Any]) -> dict[str, bool]:
    """Per field (items flattened as `items.N.key`, plus `items.count`): does the prediction match?"""
    out: dict[str, bool] = {}
    flat = kinds()["invoice"].flat
    for name in flat.fields:
        if name == "items":
            out.update(compare_items(got.get("items"), want.get("items") or [], flat.items))
        elif name in want:
            out[name] = field_matches(name, got.get(name), want.get(name))
    return out
