"""Command line: `attest check FILE` reads one document with the same core the service uses."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from attest import cli_assess, cli_common, cli_worker
from attest.cli_eval import eval_app
from attest.cli_patterns import patterns_app
from attest.cli_service import service_app
from attest.errors import AttestError, InputError
from attest.extract.flat import flat_fields
from attest.kinds import evidence_of
from attest.pipeline import process_document
from attest.schemas.document import DocumentResult

app = typer.Typer(no_args_is_help=True, add_completion=False, help="attest: read and check merchant evidence.")
app.add_typer(eval_app, name="eval")
app.add_typer(patterns_app, name="patterns")
app.add_typer(service_app, name="service")
app.command("worker")(cli_worker.worker)
app.command("worker-check")(cli_worker.worker_check)
app.command("assess")(cli_assess.assess)
app.command("replay")(cli_assess.replay)
app.command("audit-verify")(cli_assess.audit_verify)


def flat_view(result: DocumentResult) -> dict[str, Any]:
    """Every kind's flat fields: the same view the evaluation compares with its labels; a file of several
    invoices gives each invoice's, with the pages it came from."""
    if result.parts:
        return {"kind": result.classification.kind,
                "parts": [{"pages": p.page_span, "fields": flat_fields(p)} for p in result.parts]}
    return {"kind": result.classification.kind, "fields": flat_fields(result)}


def _field_lines(name: str, value: Any) -> list[str]:
    """A field of the evidence with its provenance; a table's rows, one field per line."""
    if isinstance(value, list):
        return [line for i, row in enumerate(value) for key, v in row if v is not None
                for line in _field_lines(f"{name}[{i}].{key}", v)]
    if not hasattr(value, "confidence"):
        return []
    return [f"  {name:<26} {value.value!s:<40} conf {value.confidence:.2f} lines {','.join(value.lines)} "
            f"box {_box(value.bbox)}"]


def _text_view(result: DocumentResult) -> str:
    out = [f"{result.filename}: {result.classification.kind} "
           f"(confidence {result.classification.confidence:.2f}; {'; '.join(result.classification.reasons)})",
           f"status: {result.status}   time: {result.timings.get('total', 0):.2f}s"]
    found = evidence_of(result)
    if found is not None:
        out.append("fields:")
        out += [line for name, value in found[1] if value is not None for line in _field_lines(name, value)]
    if result.checks:
        out.append("checks:")
        out += [f"  [{c.severity:>4}] {c.code:<32} {c.message}" for c in result.checks]
    out += [f"error in {e.stage}: {e.code}: {e.message}" for e in result.errors]
    for n, part in enumerate(result.parts, start=1):
        out.append(f"--- part {n} of {len(result.parts)} (pages {', '.join(map(str, part.page_span))})")
        out.append(_text_view(part))
    return "\n".join(out)


def _box(b: tuple[float, float, float, float] | None) -> str:
    return "-" if b is None else "[" + ",".join(str(round(x)) for x in b) + "]"


@app.command()
def check(
    files: Annotated[list[Path], typer.Argument(help="Images (JPEG, PNG, WebP, TIFF, BMP) or PDFs.")],
    format: Annotated[str, typer.Option("--format", "-f", help="text | json | flat")] = "text",
) -> None:
    """Read each document and print its kind, fields with provenance, and every check."""
    try:
        engines, options = cli_common.engines(), cli_common.process_options()
    except AttestError as exc:  # e.g. a remote LLM endpoint without the opt-in
        typer.echo(json.dumps({"error": exc.code, "message": str(exc)}, ensure_ascii=False), err=True)
        raise typer.Exit(code=2) from exc
    failed = False
    for path in files:
        try:
            data = path.read_bytes()
            result = process_document(data, path.name, engines=engines, options=options)
        except (OSError, InputError) as exc:
            code = exc.code if isinstance(exc, AttestError) else "input.unreadable"
            typer.echo(json.dumps({"file": str(path), "error": code, "message": str(exc)}, ensure_ascii=False),
                       err=True)
            failed = True
            continue
        if format == "flat":
            typer.echo(json.dumps(flat_view(result), ensure_ascii=False))
        elif format == "json":
            typer.echo(result.model_dump_json(indent=2, exclude={"ocr"}))
        else:
            typer.echo(_text_view(result))
    if failed:
        raise typer.Exit(code=2)


@app.command()
def version() -> None:
    """Print the attest version."""
    from attest import __version__

    typer.echo(__version__)


def main() -> None:
    """The `attest` command: any failure is one line on stderr and exit code 2, never a traceback."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        code = exc.code if isinstance(exc, AttestError) else type(exc).__name__
        print(f"attest: {code}: {exc}", file=sys.stderr)
        sys.exit(2)
