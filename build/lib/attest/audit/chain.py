"""Append-only, SHA-256 chained audit events; `verify_chain` finds any edit, deletion, insertion, reordering."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from attest.errors import AttestError

GENESIS = "0" * 64
Problem = Literal["edited", "deleted", "inserted", "reordered", "rewritten"]


class AuditError(AttestError):
    code = "audit.invalid"


class AuditEvent(BaseModel):
    seq: int = Field(ge=1)
    at: datetime
    actor: str
    type: str
    payload: dict[str, Any]
    payload_sha256: str
    prev_hash: str
    hash: str


class ChainProblem(BaseModel):
    position: int = Field(description="1-based index of the first event where the chain no longer holds.")
    seq: int | None
    kind: Problem
    message: str


class ChainReport(BaseModel):
    ok: bool
    events: int
    head: str = Field(description="Hash of the last event: anchor it elsewhere to catch a rewritten chain.")
    problems: list[ChainProblem] = Field(default_factory=list)


def _default(value: Any) -> str:
    if isinstance(value, Decimal | date | datetime):
        return value.isoformat() if isinstance(value, date | datetime) else str(value)
    raise TypeError(f"{type(value).__name__} is not audit-serialisable")


def canonical(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8, Decimal and dates as strings."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default).encode()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _header_hash(seq: int, at: datetime, actor: str, type_: str, payload_sha256: str, prev_hash: str) -> str:
    return _sha(canonical({"seq": seq, "at": at.isoformat(), "actor": actor, "type": type_,
                           "payload_sha256": payload_sha256, "prev_hash": prev_hash}))


def append_event(trail: list[AuditEvent], *, actor: str, type: str, payload: dict[str, Any],
                 at: datetime) -> AuditEvent:
    """Add one event to the end of `trail` (in place) and return it."""
    # Round-trip through JSON first, so the stored payload is exactly what the hash covers.
    payload = json.loads(canonical(payload))
    prev = trail[-1].hash if trail else GENESIS
    seq = len(trail) + 1
    digest = _sha(canonical(payload))
    event = AuditEvent(seq=seq, at=at, actor=actor, type=type, payload=payload, payload_sha256=digest,
                       prev_hash=prev, hash=_header_hash(seq, at, actor, type, digest, prev))
    trail.append(event)
    return event


def _link_kind(seqs: list[int]) -> Problem:
    counts = Counter(seqs)
    if any(n > 1 for n in counts.values()) or max(seqs) < len(seqs):
        return "inserted"
    if sorted(seqs) == list(range(1, len(seqs) + 1)):
        return "reordered"
    return "deleted"


def verify_chain(trail: list[AuditEvent], *, expected_head: str | None = None) -> ChainReport:
    """Check every hash and link; report each place the chain breaks and what kind of break it is."""
    problems: list[ChainProblem] = []
    seqs = [e.seq for e in trail]
    for i, e in enumerate(trail, start=1):
        if _sha(canonical(e.payload)) != e.payload_sha256:
            problems.append(ChainProblem(position=i, seq=e.seq, kind="edited",
                                         message=f"event {i}: payload differs from its recorded hash"))
        elif _header_hash(e.seq, e.at, e.actor, e.type, e.payload_sha256, e.prev_hash) != e.hash:
            problems.append(ChainProblem(position=i, seq=e.seq, kind="edited",
                                         message=f"event {i}: seq, time, actor or type differs from its hash"))
        expected_prev = trail[i - 2].hash if i > 1 else GENESIS
        if e.prev_hash != expected_prev or e.seq != i:
            kind = _link_kind(seqs)
            problems.append(ChainProblem(position=i, seq=e.seq, kind=kind,
                                         message=f"event {i} (seq {e.seq}) does not follow event {i - 1}: {kind}"))
    head = trail[-1].hash if trail else GENESIS
    if expected_head is not None and head != expected_head and not problems:
        problems.append(ChainProblem(position=len(trail), seq=trail[-1].seq if trail else None, kind="rewritten",
                                     message="the chain is consistent but its head is not the anchored one"))
    return ChainReport(ok=not problems, events=len(trail), head=head, problems=problems)


def export_jsonl(trail: list[AuditEvent]) -> str:
    return "".join(e.model_dump_json() + "\n" for e in trail)


def load_jsonl(text: str) -> list[AuditEvent]:
    """Parse a JSON Lines export; a malformed line is an `AuditError` naming the line."""
    events = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            events.append(AuditEvent.model_validate_json(line))
        except ValidationError as exc:
            raise AuditError(f"line {n}: not an audit event: {exc.errors()[0]['msg']}") from exc
    return events
