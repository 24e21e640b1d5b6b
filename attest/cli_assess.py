"""`attest assess` and `attest replay`: a whole application from the command line, with its audit trail."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from attest.audit import export_jsonl, load_jsonl, verify_chain
from attest.audit.replay import replay as replay_trail
from attest.errors import AttestError
from attest.schemas.decision import Decision, MerchantProfile
from attest.score import load_policy
from attest.score.policy import DEFAULT_POLICY


def _print_decision(d: Decision) -> None:
    typer.echo(f"outcome {d.outcome}   uplift {d.uplift} CNY   new limit {d.new_limit}   "
               f"points {d.points}   trust {d.trust_factor}   policy {d.policy_version}")
    for c in d.contributions:
        refs = ", ".join(sorted({r.document[:12] for r in c.evidence})) or "-"
        typer.echo(f"  {c.feature:<28} {c.value:>14} {c.points:>4} pts  {c.reason_code:<18} docs {refs}")
    for reason in d.top_reasons:
        typer.echo(f"  why: {reason}")


def assess(
    merchant_file: Annotated[Path, typer.Option("--merchant", help="Merchant profile JSON (MerchantProfile).")],
    files: Annotated[list[Path], typer.Argument(help="The application's documents.")],
    trail: Annotated[Path, typer.Option("--trail", help="Write the audit trail here (JSON Lines).")],
    policy: Annotated[str, typer.Option(help="Policy version.")] = DEFAULT_POLICY,
    patterns: Annotated[bool, typer.Option(help="Check against the known-pattern store and remember this "
                                                "application in it.")] = True,
) -> None:
    """Process every document, decide the application, and write its hash-chained audit trail."""
    from attest.audit.decide import decide
    from attest.cli_common import engines as build
    from attest.cli_common import process_options
    from attest.patterns.store import PatternStore
    from attest.pipeline import process_document
    from attest.settings import get_settings

    try:
        merchant = MerchantProfile.model_validate_json(merchant_file.read_text(encoding="utf-8"))
        chosen = load_policy(policy)
        engines, options = build(), process_options()
        documents = [process_document(p.read_bytes(), p.name, engines=engines, options=options) for p in files]
    except (AttestError, OSError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    now = datetime.now(UTC)
    try:
        store = PatternStore.open(get_settings().patterns, get_settings().data_dir) if patterns else None
    except AttestError as exc:
        typer.echo(f"error: {exc} (--no-patterns decides without the store)", err=True)
        raise typer.Exit(code=2) from exc
    decided = decide(merchant, documents, application=f"{merchant.id}:{now.strftime('%Y%m%dT%H%M%S')}", at=now,
                     policy=chosen, patterns=store)
    assessment, events = decided.assessment, decided.trail
    trail.write_text(export_jsonl(events), encoding="utf-8")
    _print_decision(assessment.decision)
    for c in assessment.checks:
        if c.severity in ("warn", "fail"):
            typer.echo(f"  {c.severity:<4} {c.code}: {c.message}")
    typer.echo(f"audit trail: {trail} ({len(events)} events, head {events[-1].hash[:16]}…)")


def replay(
    trail: Annotated[Path, typer.Argument(help="An audit trail (JSON Lines).")],
    policy: Annotated[str | None, typer.Option(help="Re-score with this policy version instead (what-if).")] = None,
) -> None:
    """Verify a trail, re-score its evidence; identical with the recorded policy, a diff with another."""
    try:
        events = load_jsonl(trail.read_text(encoding="utf-8"))
        report = verify_chain(events)
        if not report.ok:
            for p in report.problems:
                typer.echo(f"chain broken at event {p.position}: {p.kind}: {p.message}", err=True)
            raise typer.Exit(code=3)
        result = replay_trail(events, policy=load_policy(policy) if policy else None)
    except (AttestError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    typer.echo(f"chain ok ({report.events} events); replayed with {result.policy_version}: "
               f"{'identical' if result.identical else 'different'}")
    for line in result.differences:
        typer.echo(f"  {line}")
    if not result.identical and policy is None:
        raise typer.Exit(code=1)  # the recorded policy must reproduce the recorded decision


def audit_verify(trail: Annotated[Path, typer.Argument(help="An audit trail (JSON Lines).")]) -> None:
    """Check a trail's hash chain; say where it breaks."""
    report = verify_chain(load_jsonl(trail.read_text(encoding="utf-8")))
    typer.echo(json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=1))
    if not report.ok:
        raise typer.Exit(code=3)
