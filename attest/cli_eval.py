"""`attest eval …`: the offline evaluation harness (code in `eval/`, installed with the `eval` extra)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

eval_app = typer.Typer(no_args_is_help=True, help="Offline evaluation: corpora, runs, reports, comparisons.")


@eval_app.command("generate")
def generate(
    out: Annotated[Path, typer.Argument(help="Folder to write the corpus and manifest.json into.")],
    merchants: Annotated[int, typer.Option(help="How many synthetic merchants.")] = 200,
    seed: Annotated[int, typer.Option(help="Same seed, same bytes.")] = 0,
    population: Annotated[str, typer.Option(help="`merchants` (every fraud kind), `reuse` (half the merchants "
                                                 "reuse another's invoice, photo or contract) or `flows` (a year "
                                                 "of operating flows and no invoices for most; faked flows).")
                          ] = "merchants",
) -> None:
    """Generate synthetic merchants with hidden truth and the documents they would upload."""
    from eval.corpus import generate_corpus

    manifest = generate_corpus(merchants, seed, out, population=population)
    docs = sum(len(m["documents"]) for m in manifest["merchants"])
    typer.echo(f"{len(manifest['merchants'])} merchants, {docs} documents → {out / 'manifest.json'}")


@eval_app.command("run")
def run(
    source: Annotated[Path, typer.Argument(help="A corpus manifest.json, or a folder with labels.json.")],
    out: Annotated[Path, typer.Option("--out", help="Run folder (resumable: finished documents are kept).")],
    extractor: Annotated[str, typer.Option(help="rules | llm | merged")] = "rules",
    workers: Annotated[int, typer.Option(help="Worker processes; 0 = one per core.")] = 0,
    policy: Annotated[str | None, typer.Option(help="Decide applications under this policy version "
                                                    "(default: the current default policy).")] = None,
) -> None:
    """Process every document with the service's own core, then write metrics.json and report.html."""
    from attest.errors import AttestError
    from eval.report import write_report
    from eval.run import run_corpus

    try:
        record = run_corpus(source, out, extractor=extractor, workers=workers or None, policy=policy)
    except (ValueError, AttestError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    report = write_report(out)
    typer.echo(f"processed {record['processed_now']} documents in {record['wall_s']} s → {report}")


@eval_app.command("report")
def report(run_dir: Annotated[Path, typer.Argument(help="A run folder.")]) -> None:
    """Recompute metrics.json and report.html of a run."""
    from eval.report import write_report

    typer.echo(str(write_report(run_dir)))


@eval_app.command("compare")
def compare(a: Annotated[Path, typer.Argument(help="Run A")], b: Annotated[Path, typer.Argument(help="Run B")],
            most: Annotated[int, typer.Option(help="Rows to print.")] = 40) -> None:
    """Print every numeric metric of two runs and B − A, largest changes first."""
    from eval.report import compare as compare_runs

    typer.echo(f"{'metric':<60} {'A':>10} {'B':>10} {'B-A':>10}")
    for name, va, vb, delta in compare_runs(a, b)[:most]:
        typer.echo(f"{name:<60} {va:>10.4f} {vb:>10.4f} {delta:>+10.4f}")


@eval_app.command("ocr-compare")
def ocr_compare(
    manifest: Annotated[Path, typer.Argument(help="A synthetic corpus manifest.json (it has text truth).")],
    out: Annotated[Path, typer.Option("--out", help="Run folder to add ocr_compare.json to.")],
    pages: Annotated[int, typer.Option(help="How many pages.")] = 20,
) -> None:
    """rapidocr vs Tesseract 5 chi_sim: character error rate and seconds per page on the same pages."""
    from eval.ocr_compare import compare_engines

    for row in compare_engines(manifest, out, pages)["engines"]:
        typer.echo(f"{row['engine']:<22} CER {row['cer']:.4f}   {row['seconds_per_page']:.2f} s/page")


@eval_app.command("photo-reuse")
def photo_reuse(
    originals: Annotated[int, typer.Option(help="Merchants' photos stored first.")] = 300,
    copies: Annotated[int, typer.Option(help="Re-shot copies submitted by other merchants.")] = 100,
    fresh: Annotated[int, typer.Option(help="Photos of new shops submitted (must not match).")] = 100,
    seed: Annotated[int, typer.Option()] = 11,
) -> None:
    """Near-duplicate photo detection at scale (no OCR): pair precision and recall."""
    import json

    from eval.photo_reuse import run_photo_reuse

    typer.echo(json.dumps(run_photo_reuse(originals, copies, fresh, seed), ensure_ascii=False))
