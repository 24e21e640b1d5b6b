"""Exact keys: identities that are looked up for equality, never by similarity."""

from __future__ import annotations

from attest.layout.normalize import digits_only
from attest.schemas.document import DocumentResult
from attest.schemas.evidence import InvoiceEvidence


def invoice_key(ev: InvoiceEvidence) -> str | None:
    """`invoice:<number>` for a 20-digit 数电 number, `invoice:<code>-<number>` for a 税控 invoice; None if unread.

    A 税控 number alone (8 digits) repeats across codes, so it is only an identity together with its code.
    """
    number = digits_only(ev.invoice_number.value) if ev.invoice_number else ""
    code = digits_only(ev.invoice_code.value) if ev.invoice_code else ""
    if len(number) == 20:
        return f"invoice:{number}"
    if len(number) == 8 and len(code) in (10, 12):
        return f"invoice:{code}-{number}"
    return None


def document_keys(doc: DocumentResult) -> list[str]:
    """The exact keys of one document: its file hash always, its invoice identity when read."""
    keys = [f"file:{doc.document_id}"]
    if doc.invoice is not None and (key := invoice_key(doc.invoice)) is not None:
        keys.append(key)
    return keys
