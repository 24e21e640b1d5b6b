"""The audit trail: every way of tampering is detected, with its position."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from attest.audit import AuditError, append_event, export_jsonl, load_jsonl, verify_chain
from attest.audit.record import record_review

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def _trail(n: int = 5):
    trail: list = []
    for i in range(n):
        append_event(trail, actor="system", type=f"step.{i}", at=T0 + timedelta(seconds=i),
                     payload={"i": i, "amount": Decimal("12.30"), "name": "宇啸门窗"})
    return trail


def test_intact_chain_verifies_and_round_trips() -> None:
    trail = _trail()
    report = verify_chain(trail)
    assert report.ok and report.events == 5 and report.head == trail[-1].hash
    again = load_jsonl(export_jsonl(trail))
    assert again == trail and verify_chain(again).ok
    assert trail[0].payload["amount"] == "12.30"  # Decimal stored as its exact string


def test_edited_payload() -> None:
    trail = _trail()
    trail[2].payload["amount"] = "99.99"
    (p,) = verify_chain(trail).problems
    assert (p.position, p.kind) == (3, "edited")


def test_edited_header() -> None:
    trail = _trail()
    trail[1] = trail[1].model_copy(update={"actor": "mallory"})
    (p,) = verify_chain(trail).problems
    assert (p.position, p.kind) == (2, "edited")


@pytest.mark.parametrize("index", [0, 1, 3])
def test_deleted_event(index: int) -> None:
    trail = _trail()
    del trail[index]
    problems = verify_chain(trail).problems
    assert problems and problems[0].kind == "deleted" and problems[0].position == index + 1


def test_deleted_last_event_needs_the_anchor() -> None:
    trail = _trail()
    head = trail[-1].hash
    del trail[-1]
    assert verify_chain(trail).ok  # indistinguishable from a shorter chain…
    (p,) = verify_chain(trail, expected_head=head).problems  # …unless its head was anchored elsewhere
    assert p.kind == "rewritten"


def test_inserted_foreign_event() -> None:
    trail = _trail()
    other: list = []
    for i in range(3):  # a well-formed event from another chain, with a plausible seq
        append_event(other, actor="system", type="step.x", at=T0, payload={"approve": "max", "i": i})
    trail.insert(2, other[2])
    problems = verify_chain(trail).problems
    assert (problems[0].position, problems[0].kind) == (3, "inserted")


def test_inserted_duplicate_is_named_inserted() -> None:
    trail = _trail()
    trail.insert(2, trail[1])
    problems = verify_chain(trail).problems
    assert problems[0].position == 3 and problems[0].kind == "inserted"


def test_reordered_events() -> None:
    trail = _trail()
    trail[1], trail[2] = trail[2], trail[1]
    problems = verify_chain(trail).problems
    assert problems[0].position == 2 and problems[0].kind == "reordered"


def test_rewritten_chain_caught_by_anchor() -> None:
    trail = _trail()
    head = trail[-1].hash
    forged = _trail()
    forged[0].payload["i"] = 42
    rebuilt: list = []
    for e in forged:  # an attacker who recomputes every hash
        append_event(rebuilt, actor=e.actor, type=e.type, at=e.at, payload=e.payload)
    assert verify_chain(rebuilt).ok
    assert verify_chain(rebuilt, expected_head=head).problems[0].kind == "rewritten"


def test_review_action_is_an_event_with_a_reason() -> None:
    trail = _trail(2)
    event = record_review(trail, reviewer="reviewer:li", action="adjust", reason="发票已电话核实",
                          at=T0, uplift="30000")
    assert event.seq == 3 and event.actor == "reviewer:li" and event.type == "review.adjust"
    assert verify_chain(trail).ok
    with pytest.raises(ValueError, match="reason"):
        record_review(trail, reviewer="reviewer:li", action="adjust", reason="  ", at=T0)
    assert record_review(trail, reviewer="reviewer:li", action="approve", at=T0).seq == 4


def test_malformed_export_names_the_line() -> None:
    text = export_jsonl(_trail(2)) + "{not json}\n"
    with pytest.raises(AuditError, match="line 3"):
        load_jsonl(text)
