"""Real statement exports: `python -m eval.flows [--show]` reads every file of `../shared/realdocs/flows/` and
compares what it read with the labels, file by file: the transaction count, the totals in and out, the period,
the holder, the opening and closing balances, and whether the rows agree with the printed summary.

The bar (issue #32) is the count, the totals and the period exact on every file."""

from __future__ import annotations

import argparse
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from attest.extract.statement import extract_statement
from attest.ingest.table import load_table, sniff_table
from attest.schemas.statement import StatementEvidence
from attest.settings import LimitSettings

FLOWS = Path(__file__).resolve().parents[2] / "shared" / "realdocs" / "flows"
BAR = ("transactions", "total_in", "total_out", "period_start", "period_end")
ALSO = ("holder_name", "account_no", "opening_balance", "closing_balance", "count_in", "count_out", "count_neutral")


def _value(ev: StatementEvidence, name: str) -> str | None:
    if name.startswith("count_"):
        return str(sum(1 for t in ev.rows if t.direction == name.removeprefix("count_")))
    f = getattr(ev, name)
    if f is None:
        return None
    v = f.value
    return format(v, "f") if isinstance(v, Decimal) else str(v)


def _same(name: str, got: str | None, want: Any) -> bool:
    if name == "account_no" and isinstance(want, str):
        # Labels describe a card column's account as `card 1234` or `cards 4260/2875`: the digits are the value.
        want = re.sub(r"^cards?\s+", "", want)
    if want is None or got is None:
        return got is None and want is None
    if name in ("total_in", "total_out", "opening_balance", "closing_balance"):
        return Decimal(got) == Decimal(str(want))
    return got == str(want)


def score(root: Path = FLOWS) -> list[dict[str, Any]]:
    """One row per labelled file: each compared field's (read, labelled, exact)."""
    out = []
    for entry in json.loads((root / "labels.json").read_text(encoding="utf-8")):
        data = (root / entry["file"]).read_bytes()
        media_type = sniff_table(data)
        ev = extract_statement(load_table(data, media_type, LimitSettings())) if media_type else None
        fields = {}
        for name in (*BAR, *ALSO):
            got = _value(ev, name) if ev is not None else None
            fields[name] = (got, entry["fields"].get(name), _same(name, got, entry["fields"].get(name)))
        out.append({"file": entry["file"], "fields": fields, "profile": ev.profile if ev else None})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="Print every field that differs.")
    args = parser.parse_args()
    rows = score()
    for name in (*BAR, *ALSO):
        right = sum(r["fields"][name][2] for r in rows)
        print(f"{name:<18} {right}/{len(rows)}")
    bar = sum(all(r["fields"][n][2] for n in BAR) for r in rows)
    print(f"files with the bar's fields all exact: {bar}/{len(rows)}")
    if args.show:
        for r in rows:
            misses = {n: v[:2] for n, v in r["fields"].items() if not v[2]}
            if misses:
                print(f"{r['file']:<22} {r['profile']:<10} {misses}")


if __name__ == "__main__":
    main()
