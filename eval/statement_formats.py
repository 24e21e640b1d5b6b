"""Synthetic statements in every format attest reads, each read by `process_document` as the service reads it:
`python -m eval.statement_formats [--per-format 10]` prints, as JSON, per format:

- `fields`: the flat fields (holder, period, count, totals in and out) exact, over genuine statements;
- `genuine_failed`: genuine statements given any `fail`;
- `caught`: each document-level forgery raised by its expected check (warn or fail).

Formats: a platform bill and a bank detail as CSV and XLSX; a bank's text PDF, the same sealed by the bank (test
PKI, anchored for the run), and a photographed printout page (OCR). Forgeries: an amount edited in print (the
balance or the summary tells), rows inserted, and for PDFs an amount edited with every balance recomputed (only
the file's history tells) and a page spliced in from another statement. The application-level forgeries (holder,
round-tripping, 刷流水, pass-through, spike, reuse) are measured on the flows population (`eval.flows_population`).
"""

from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from eval.render import flows as fake
from eval.render.flows import Trade, year_of_flows
from eval.render.statement import StatementTruth, render_statement

FIELDS = ("holder_name", "period_start", "period_end", "transactions", "total_in", "total_out")
END = date(2026, 11, 27)


def _truth(seed: int, layout: str, fmt: str, rows: int) -> StatementTruth:
    rng = random.Random(f"formats:{seed}:{layout}")
    trade = Trade((20, 300), crowd=True) if layout == "platform" else Trade((500, 5000), crowd=False)
    t = year_of_flows(rng, holder=rng.choice(["张晓明", "李娜", "杭州瑞丰贸易有限公司"]),
                      monthly=Decimal(rng.randint(8000, 60000)), trade=trade, end=END, layout=layout, fmt=fmt)
    keep = sorted(t.rows, key=lambda r: r.at)[:rows]
    t.rows = keep
    t.start, t.end = keep[0].at.date(), keep[-1].at.date()
    fake.order(t)
    return t


def _files(fmt: str) -> Callable[[StatementTruth], bytes]:
    from eval.render.pdf_pki import sealed
    from eval.render.statement_pages import photographed, statement_images, statement_pdf

    return {
        "csv": render_statement, "xlsx": render_statement, "pdf": statement_pdf,
        "sealed-pdf": lambda t: sealed(statement_pdf(t)),
        "photo": lambda t: photographed(statement_images(t, random.Random(len(t.rows)))[0], random.Random(1)),
    }[fmt]


FORMATS = {  # name → (layout, file format, rows)
    "platform-csv": ("platform", "csv", 120), "platform-xlsx": ("platform", "xlsx", 120),
    "bank-csv": ("bank", "csv", 120), "bank-xlsx": ("bank", "xlsx", 120), "bank-pdf": ("bank", "pdf", 110),
    "bank-sealed-pdf": ("bank", "sealed-pdf", 110), "bank-photo": ("bank", "photo", 38),
}


def _expected(layout: str) -> str:
    return "statement.balance_chain" if layout == "bank" else "statement.summary"


def _forgeries(name: str, seed: int) -> list[tuple[str, bytes, str]]:
    """(forgery, bytes, the check expected to raise) for one format."""
    from eval.render.statement_pages import edited_after_seal, recomputed_edit, spliced_pdf

    layout, fmt, rows = FORMATS[name]
    out = []
    t = _truth(seed, layout, fmt, rows)
    fake.edit_amount(t, random.Random(seed))
    out.append(("edited_amount", _files(fmt)(t), _expected(layout)))
    if fmt == "photo":
        return out  # a printout is edited before it is photographed: the balance tells, as above
    t = _truth(seed, layout, fmt, rows)
    fake.insert_rows(t, random.Random(seed), Decimal(20000))
    out.append(("inserted_rows", _files(fmt)(t), _expected(layout)))
    if fmt == "sealed-pdf":  # the seal is on: an edit saved after it breaks the seal
        out.append(("edited_after_seal", edited_after_seal(_files(fmt)(_truth(seed, layout, fmt, rows))),
                    "einvoice.signature.intact"))
    if fmt == "pdf":
        for how in ("editor", "update"):
            data = recomputed_edit(_truth(seed, layout, fmt, rows), random.Random(seed), how=how)
            out.append((f"recomputed_{how}", data, "statement.pdf_edited"))
    if fmt in ("pdf", "sealed-pdf"):
        other = _truth(seed + 1000, layout, fmt, rows)
        data = spliced_pdf(_truth(seed, layout, fmt, rows), other)
        out.append(("spliced_page", data, _expected(layout)))
    return out


def _flat(result: Any) -> dict[str, Any]:
    from attest.extract.flat import flat_fields

    got = flat_fields(result)
    return {k: got.get(k) for k in FIELDS}


def measure(per_format: int) -> dict[str, Any]:
    from attest.engines import build_engines
    from attest.ingest import anchors
    from attest.pipeline import process_document
    from attest.settings import get_settings
    from eval.render.pdf_pki import bank_pki

    anchors.trust_anchors = lambda: (bank_pki().ca,)  # type: ignore[assignment]  # the bank anchors its own seal
    engines = build_engines(get_settings())
    out: dict[str, Any] = {}
    for name, (layout, fmt, rows) in FORMATS.items():
        hits: list[bool] = []
        failed: list[bool] = []
        caught: defaultdict[str, list[bool]] = defaultdict(list)
        for seed in range(per_format):
            t = _truth(seed, layout, fmt, rows)
            result = process_document(_files(fmt)(t), f"s.{fmt.split('-')[-1]}", engines=engines)
            want = {k: t.flat()[k] for k in FIELDS}
            got = _flat(result)
            hits += [str(got[k]) == str(want[k]) if want[k] is not None else got[k] is None for k in FIELDS]
            failed.append(any(c.severity == "fail" for c in result.checks))
            for forgery, data, code in _forgeries(name, seed):
                forged = process_document(data, f"f.{fmt.split('-')[-1]}", engines=engines)
                caught[forgery].append(any(c.code == code and c.severity in ("warn", "fail") for c in forged.checks))
        out[name] = {"fields": f"{sum(hits)}/{len(hits)} = {sum(hits) / len(hits):.3f}",
                     "genuine_failed": f"{sum(failed)}/{len(failed)}",
                     "caught": {k: f"{sum(v)}/{len(v)}" for k, v in caught.items()}}
    return out


def real_exports_printed() -> dict[str, dict[str, tuple[str | None, str | None]]]:
    """Every real export of `../shared/realdocs/flows/` printed as a text PDF (`printed_table`) and read back: per
    file, the fields (count, totals, period) where the print reads otherwise than the export. A period the export
    carries only in its sheet's name is not on the print, and is left out."""
    from pathlib import Path

    from attest.extract.flat import flat_fields
    from attest.extract.statement import extract_statement
    from attest.ingest.sniff import sniff_media_type
    from attest.ingest.table import load_table
    from attest.pipeline import Engines, process_document
    from attest.settings import LimitSettings
    from eval.flows import FLOWS
    from eval.render.statement_pages import printed_table

    keys = ("transactions", "total_in", "total_out", "period_start", "period_end")
    engines = Engines(ocr=None)  # type: ignore[arg-type]  # a text PDF is never shown to OCR
    out = {}
    for entry in json.loads((FLOWS / "labels.json").read_text(encoding="utf-8")):
        data = Path(FLOWS / entry["file"]).read_bytes()
        table = load_table(data, sniff_media_type(data), LimitSettings())
        export = process_document(data, entry["file"], engines=engines)
        ev = extract_statement(table)
        assert ev is not None and ev.transactions is not None
        read_from = ev.transactions.lines[0].rsplit("!", 1)[0]  # the sheet the rows came from (`sheet!rA-rB`)
        sheet = next(s for s in table.sheets if s.name == read_from)
        printed = process_document(printed_table(sheet.rows), "printed.pdf", engines=engines)
        want, got = flat_fields(export), flat_fields(printed)
        named = ev.period_start is not None and ev.period_start.raw == sheet.name
        out[entry["file"]] = {k: (got.get(k), want.get(k)) for k in keys
                              if got.get(k) != want.get(k) and not (named and k.startswith("period"))}
        out[entry["file"]]["kind"] = (printed.classification.kind, "statement")
        if printed.classification.kind == "statement":
            del out[entry["file"]]["kind"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-format", type=int, default=10)
    parser.add_argument("--real", action="store_true", help="Only print every real export and read it back.")
    args = parser.parse_args()
    if args.real:
        misses = real_exports_printed()
        print(json.dumps({"files": len(misses), "read_as_exported": sum(1 for m in misses.values() if not m),
                          "misses": {f: m for f, m in misses.items() if m}}, ensure_ascii=False, indent=1))
        return
    print(json.dumps(measure(args.per_format), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
