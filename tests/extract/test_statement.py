"""Operating-flow statements read by `process_document`, as the service reads them: every real export format of
`../shared/realdocs/flows/` to its labels (count, totals, period, directions), synthetic statements in both
layouts and three encodings, and each check reporting what the statement itself says about its rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from attest.extract.flat import flat_fields
from attest.pipeline import Engines, process_document
from eval.flows import BAR, FLOWS, score
from eval.kinds import sample

pytestmark = pytest.mark.skipif(not (FLOWS / "labels.json").exists(), reason="shared/realdocs/flows not beside")
NO_OCR = Engines(ocr=None)  # type: ignore[arg-type]  # a table has no page: OCR must never be asked


def _read(path: Path | bytes, name: str = "statement.csv"):  # type: ignore[no-untyped-def]
    data = path.read_bytes() if isinstance(path, Path) else path
    return process_document(data, name, engines=NO_OCR)


def test_every_real_export_reads_to_its_labels() -> None:
    rows = score()
    assert len(rows) == 19
    misses = {r["file"]: {n: v[:2] for n, v in r["fields"].items() if not v[2]} for r in rows}
    assert {f: m for f, m in misses.items() if m} == {}
    assert all(name in rows[0]["fields"] for name in BAR)


def test_the_checks_agree_with_what_each_real_file_is() -> None:
    """Each file's own inconsistencies, as its label records them (computed from the rows, edited by the fixtures'
    authors): a balance chain that breaks is a fail, a printed summary (header or 合计 footer) that disagrees with
    the rows a warn, and a file that prints neither gets neither check."""
    verdicts = {"pass": True, "fail": False, "warn": False, None: None}
    for entry in json.loads((FLOWS / "labels.json").read_text(encoding="utf-8")):
        checks = {c.code: c.severity for c in _read(FLOWS / entry["file"], entry["file"]).checks}
        said = (verdicts[checks.get("statement.balance_chain")], verdicts[checks.get("statement.summary")])
        assert said == (entry["checks"]["running_balance_continuous"], entry["checks"]["summary_matches_rows"]), \
            entry["file"]


def test_a_real_export_is_a_statement_through_the_pipeline() -> None:
    result = _read(FLOWS / "alipay_records.csv", "alipay.csv")
    assert result.classification.kind == "statement" and result.status == "ok" and result.pages == 0
    assert flat_fields(result) == {
        "holder_name": "xx", "account_no": "xx@gmail.com", "institution": "支付宝", "period_start": "2023-02-10",
        "period_end": "2023-02-13", "transactions": "10", "total_in": "222228.50", "total_out": "211.64",
        "opening_balance": None, "closing_balance": None}
    first = result.statement.rows[0]  # type: ignore[union-attr]
    assert (first.row, first.direction, str(first.amount), first.status) == (26, "out", "49.74", "交易成功")
    # The header prints 共66笔 over ten rows: said, with both numbers, not smoothed over.
    summary = next(c for c in result.checks if c.code == "statement.summary")
    assert summary.severity == "warn" and summary.details["total_count"] == "printed=66 rows=10"
    outside = next(c for c in result.checks if c.code == "statement.dates_outside_period")
    assert outside.severity == "warn"


def test_the_running_balance_is_checked_row_by_row() -> None:
    genuine = (FLOWS / "boc_debit.csv").read_bytes()
    result = _read(genuine)
    assert [(c.code, c.severity) for c in result.checks if c.code.startswith("statement.")] == [
        ("statement.balance_chain", "pass")]
    edited = genuine.replace(b"-326.00", b"-226.00", 1)  # an amount edited, the balances left as printed
    checks = {c.code: c for c in _read(edited).checks}
    assert checks["statement.balance_chain"].severity == "fail"
    assert checks["statement.balance_chain"].details["row"] in ("4", "3")


@pytest.mark.parametrize("seed", range(12))
def test_synthetic_statements_read_exactly(seed: int) -> None:
    data, truth = sample("statement", seed)
    result = _read(data)
    got = flat_fields(result)
    assert {k: got[k] for k in truth} == truth
    assert not [c.code for c in result.checks if c.severity in ("warn", "fail")]
