"""The flat labelled view (`attest check --format flat`) that evaluation compares with ground truth: every kind's
fields as its registry row lists them (`attest/data/kinds.yaml`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from attest.data import load
from attest.kinds import KindRow, evidence_of
from attest.schemas.document import DocumentResult
from attest.schemas.evidence import Field


def flat_value(f: Field[Any] | None) -> str | None:
    """A field as printed: amounts without ¥ or separators, dates YYYY-MM-DD, `***` kept."""
    if f is None:
        return None
    if f.raw == "***":
        return "***"
    if isinstance(f.value, date):
        return f.value.isoformat()
    if isinstance(f.value, Decimal):
        return format(f.value, "f")
    return str(f.value)


def _rows(row: KindRow, ev: BaseModel) -> list[dict[str, str | None]]:
    return [{k: flat_value(getattr(it, k)) for k in row.flat.items} for it in getattr(ev, "items", [])]


def flat_evidence(row: KindRow, ev: BaseModel) -> dict[str, Any]:
    """One kind's evidence as flat fields; a price table's rows under `items`."""
    out: dict[str, Any] = {name: _rows(row, ev) if name == "items" else flat_value(getattr(ev, name))
                           for name in row.flat.fields}
    if row.flat.items and "items" not in row.flat.fields and getattr(ev, "items", None):
        out["items"] = _rows(row, ev)  # only where a table was read: most documents of such a kind have none
    return out


def flat_fields(result: DocumentResult) -> dict[str, Any]:
    """The flat view of whichever evidence a `DocumentResult` carries (`{}` when nothing was read)."""
    found = evidence_of(result)
    return flat_evidence(*found) if found is not None else {}


def flat_confidences(result: DocumentResult) -> dict[str, float]:
    """Each flat field read, with how sure its reading is (`Field.confidence`): the same names as `flat_fields`,
    kind-agnostic, one number a reviewer and a policy can both compare with `sure_at` (`confidence.yaml`)."""
    found = evidence_of(result)
    if found is None:
        return {}
    row, ev = found
    return {name: f.confidence for name in row.flat.fields
            if name != "items" and isinstance(f := getattr(ev, name, None), Field)}


def sure_at() -> float:
    """The confidence from which a field's reading is sure (`attest/data/confidence.yaml`, calibrated)."""
    return float(load("confidence")["sure_at"])
