"""Audit trail: hash-chained, append-only events per application, and their replay."""

from attest.audit.chain import (
    AuditError,
    AuditEvent,
    ChainReport,
    append_event,
    export_jsonl,
    load_jsonl,
    verify_chain,
)

__all__ = ["AuditError", "AuditEvent", "ChainReport", "append_event", "export_jsonl", "load_jsonl",
           "verify_chain"]
