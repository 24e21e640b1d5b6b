"""Exact keys: identities that are looked up for equality, never by similarity."""

from __future__ import annotations

from attest.extract.invoice.identity import invoice_key
from attest.schemas.document import DocumentResult


def document_keys(doc: DocumentResult) -> list[str]:
    """The exact keys of one document: its file hash always, its invoice identity when read."""
    keys = [f"file:{doc.document_id}"]
    if doc.invoice is not None and (key := invoice_key(doc.invoice)) is not None:
        keys.append(key)
    return keys
