"""The OpenAPI document as SDK generators need it: FastAPI's document plus one `Problem` schema for every error
body, and uploads marked as binary (`format: binary`, which generators read as a file, beside OpenAPI 3.1's
`contentMediaType`). Operation ids are set on each route (`createMerchant`, `uploadDocuments`, …) and stay
stable when a function is renamed."""

from __future__ import annotations

from typing import Any

from attest.api.problems import PROBLEM_SCHEMA


def _mark_binary(schema: Any) -> None:
    if isinstance(schema, dict):
        if schema.get("type") == "string" and schema.get("contentMediaType") == "application/octet-stream":
            schema.setdefault("format", "binary")
        for value in schema.values():
            _mark_binary(value)
    elif isinstance(schema, list):
        for value in schema:
            _mark_binary(value)


def finish(document: dict[str, Any]) -> dict[str, Any]:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    _mark_binary(schemas)
    return document
