"""Exact keys: identities that are looked up for equality, never by similarity."""

from __future__ import annotations

import hashlib

from attest.extract.invoice.identity import invoice_key
from attest.layout.normalize import squash
from attest.patterns.spec import patterns_spec
from attest.schemas.document import DocumentResult
from attest.schemas.statement import StatementEvidence
from attest.verify.flows import month_of


def statement_keys(ev: StatementEvidence) -> list[str]:
    """One key per month of a statement's rows: the month and a hash of its rows, in any order or file format."""
    months: dict[str, list[str]] = {}
    for t in ev.rows:
        if t.day is not None:
            months.setdefault(month_of(t.day), []).append(
                f"{t.day}|{t.direction}|{t.amount}|{squash(t.counterparty or '')}")
    least = patterns_spec().statement.min_rows_per_month
    return [f"flows:{month}:" + hashlib.sha256("\n".join(sorted(rows)).encode()).hexdigest()[:32]
            for month, rows in sorted(months.items()) if len(rows) >= least]


def document_keys(doc: DocumentResult) -> list[str]:
    """The exact keys of one document: its file hash always, its invoice identity or its statement's months
    when read."""
    keys = [f"file:{doc.document_id}"]
    if doc.invoice is not None and (key := invoice_key(doc.invoice)) is not None:
        keys.append(key)
    if doc.statement is not None:
        keys += statement_keys(doc.statement)
    return keys
