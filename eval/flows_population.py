"""The flows-only population's bars: `python -m eval.flows_population RUN` reads a finished `attest eval run` of a
`--population flows` corpus and prints, as JSON:

- `fields_by_format`: the statements' flat fields exact, per layout and file format;
- `caught_by_kind`: each forgery kind raised (warn or fail) by its expected check on the forged statement;
- `genuine_statements_failed`: genuine statements given any `fail`;
- `corroboration`: invoice↔payment pairs found, their precision against the payment that truly paid each invoice,
  and their recall;
- `uplift`: the population's uplift figures as `eval.metrics` computes them (genuine given an uplift, fraudulent
  given any, Spearman against true revenue, replay identical).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from attest.schemas.decision import MerchantProfile
from attest.schemas.document import DocumentResult
from attest.verify.application_spec import application_spec
from attest.verify.flows import corroborations
from eval.metrics import _uplift_quality

_FLAT = ("holder_name", "account_no", "period_start", "period_end", "transactions", "total_in", "total_out")


def _same(got: Any, want: Any) -> bool:
    if want is None or got is None:
        return want is None
    try:
        return Decimal(str(got)) == Decimal(str(want))
    except ArithmeticError:
        return str(got) == str(want)


def _doc(run: Path, merchant: str, n: int) -> dict[str, Any]:
    summary: dict[str, Any] = json.loads((run / "docs" / merchant / f"{n}.json").read_text(encoding="utf-8"))
    return summary


def _share(hits: list[bool]) -> str:
    return f"{sum(hits)}/{len(hits)} = {sum(hits) / len(hits):.3f}" if hits else "none"


def measure(run: Path) -> dict[str, Any]:
    corpus = json.loads((run / "run.json").read_text(encoding="utf-8"))["corpus"]
    fields: defaultdict[str, list[bool]] = defaultdict(list)
    caught: defaultdict[str, list[bool]] = defaultdict(list)
    genuine_failed: list[bool] = []
    found = right = paid_invoices = 0
    for m in corpus["merchants"]:
        app = json.loads((run / "applications" / f"{m['id']}.json").read_text(encoding="utf-8"))
        results: list[DocumentResult] = []
        invoices: dict[str, dict[str, Any]] = {}
        for n, entry in enumerate(m["documents"]):
            summary = _doc(run, m["id"], n)
            if "result" in summary:
                results.append(DocumentResult.model_validate({**summary["result"], "ocr": []}))
            if entry["doc_type"] == "invoice" and "paid" in entry:
                invoices[summary["document_id"]] = entry["paid"]
            if entry["doc_type"] != "statement":
                continue
            got = summary.get("fields") or {}
            fields[entry["format"]] += [_same(got.get(k), entry["fields"].get(k)) for k in _FLAT]
            doc_id = summary.get("document_id")
            raised = {c["code"] for c in summary["checks"] if c["severity"] in ("warn", "fail")}
            raised |= {c["code"] for c in app["checks"] if c["severity"] in ("warn", "fail")
                       and any(r["document"] == doc_id for r in c["refs"])}
            if entry["expected_fail"]:
                caught[m["fraud"]].append(entry["expected_fail"]["code"] in raised)
            elif m["fraud"] is None:
                genuine_failed.append(any(c["severity"] == "fail" for c in summary["checks"]))
        merchant = MerchantProfile(id=m["id"], name=m["name"], uscc=m["uscc"],
                                   application_date=date.fromisoformat(m["application_date"]))
        paid_invoices += len(invoices)
        for pair in corroborations(merchant, results, application_spec()):
            found += 1
            truth = invoices.get(pair.invoice)
            row = pair.flow.row
            right += truth is not None and row.day is not None and row.day.isoformat() == truth["day"] \
                and row.counterparty == truth["payer"] and row.amount == Decimal(truth["amount"])
    uplift = _uplift_quality(corpus, run)
    uplift.pop("points", None)
    return {
        "merchants": len(corpus["merchants"]),
        "fields_by_format": {k: _share(v) for k, v in sorted(fields.items())},
        "caught_by_kind": {k: _share(v) for k, v in sorted(caught.items())},
        "genuine_statements_failed": _share(genuine_failed),
        "corroboration": {"pairs": found, "precision": round(right / found, 4) if found else None,
                          "recall": round(right / paid_invoices, 4) if paid_invoices else None,
                          "invoices_paid": paid_invoices},
        "uplift": uplift,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path)
    print(json.dumps(measure(parser.parse_args().run), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
