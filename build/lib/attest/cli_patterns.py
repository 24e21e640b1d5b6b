"""`attest patterns load DIR` and `attest patterns stats`: the known-pattern store from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from attest.errors import AttestError

if TYPE_CHECKING:
    from attest.patterns.store import PatternStore

patterns_app = typer.Typer(no_args_is_help=True, help="The known-pattern store (ChromaDB).")


def _store() -> PatternStore:
    from attest.patterns.store import PatternStore, client_from, embedder_from
    from attest.settings import get_settings

    settings = get_settings()
    return PatternStore(client_from(settings.patterns, settings.data_dir), embedder_from(settings.patterns))


@patterns_app.command("load")
def load(folder: Annotated[Path, typer.Argument(help="A folder of seed files (forged_templates.yaml, "
                                                     "genuine_templates.yaml, benchmarks.yaml).")]) -> None:
    """Load (upsert) seed files into the store; the same files loaded twice change nothing."""
    from attest.patterns.seeds import Seeds

    if not folder.is_dir():
        typer.echo(f"error: {folder} is not a folder", err=True)
        raise typer.Exit(code=2)
    try:
        counts = _store().load_seeds(Seeds(folder))
    except AttestError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    typer.echo(f"loaded {counts['templates']} templates and {counts['benchmarks']} benchmarks from {folder}")


@patterns_app.command("stats")
def stats(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """How many records each collection holds, and where the store lives."""
    from attest.settings import get_settings

    settings = get_settings().patterns
    try:
        counts = _store().stats()
    except AttestError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    where = settings.chroma_url or str(settings.path or get_settings().data_dir / "patterns")
    if as_json:
        typer.echo(json.dumps({"store": where, "collections": counts}))
        return
    typer.echo(f"store: {where}")
    for name, n in counts.items():
        typer.echo(f"  {name:<26} {n:>9}")
