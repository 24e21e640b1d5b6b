"""Checks of one statement against itself: the running balance from row to row, the rows against the summary the
statement prints, and the rows' dates against its printed period. A disagreement is reported with the numbers,
never smoothed over."""

from __future__ import annotations

import itertools
from decimal import Decimal

from attest.data import load
from attest.findings import result
from attest.schemas.checks import CheckResult
from attest.schemas.document import PdfInfo
from attest.schemas.statement import StatementEvidence, Transaction


def _moved(row: Transaction) -> Decimal:
    return row.amount if row.direction == "in" else -row.amount if row.direction == "out" else Decimal(0)


def _first_break(ordered: list[Transaction]) -> Transaction | None:
    for before, row in itertools.pairwise(ordered):
        assert before.balance is not None and row.balance is not None
        if before.balance + _moved(row) != row.balance:
            return row
    return None


def _chain_break(rows: list[Transaction]) -> Transaction | None:
    """The row where the running balance stops being the previous one moved by the row's amount, read in file
    order or reversed (statements list newest or oldest first), whichever holds longer; None when it holds."""
    forward = _first_break(rows)
    backward = _first_break(rows[::-1]) if forward is not None else None
    if forward is None or backward is None:
        return None
    return forward if rows.index(forward) >= len(rows) - 1 - rows.index(backward) else backward


def _balance(ev: StatementEvidence, doc: str) -> list[CheckResult]:
    rows = ev.rows
    if len(rows) < 2 or any(t.balance is None for t in rows):
        return []  # no running balance printed (or masked): nothing to chain
    row = _chain_break(rows)
    if row is None:
        return [result("statement.balance_chain", "pass", f"余额逐笔连续（{len(rows)} 笔）",
                       f"the running balance holds from row to row ({len(rows)} rows)", doc=doc, fields=["rows"])]
    return [result("statement.balance_chain", "raised", f"第 {row.row} 行余额与上一笔及本笔金额不符",
                   f"the running balance breaks at row {row.row}: not the previous balance moved by its amount",
                   doc=doc, fields=["rows"], row=row.row, sheet=row.sheet)]


def _summary(ev: StatementEvidence, doc: str) -> list[CheckResult]:
    printed = ev.printed
    if printed is None:
        return []
    rows = [t for t in ev.rows if t.currency == ev.currency]
    read: dict[str, int | Decimal] = {"total_count": len(ev.rows)}
    for way in ("in", "out", "neutral"):
        mine = [t for t in rows if t.direction == way]
        read[f"{way}_count"], read[f"{way}_amount"] = len(mine), sum((t.amount for t in mine), Decimal(0))
    differ = {k: (v, read[k]) for k, v in printed.model_dump().items() if v is not None and read[k] != v}
    if not differ:
        return [result("statement.summary", "pass", "流水明细与打印的汇总一致",
                       "the rows add up to the printed summary", doc=doc, fields=["printed"])]
    shown = "; ".join(f"{k} printed {p} read {r}" for k, (p, r) in differ.items())
    return [result("statement.summary", "raised", f"打印的汇总与明细不一致: {shown}",
                   f"the printed summary disagrees with the rows: {shown}", doc=doc, fields=["printed"],
                   **{k: f"printed={p} rows={r}" for k, (p, r) in differ.items()})]


def _period(ev: StatementEvidence, doc: str) -> list[CheckResult]:
    if ev.period_start is None or ev.period_end is None:
        return []
    start, end = ev.period_start.value, ev.period_end.value
    outside = [t for t in ev.rows if t.day is not None and not start <= t.day <= end]
    if not outside:
        return []
    return [result("statement.dates_outside_period", "raised",
                   f"{len(outside)} 笔交易的日期不在打印的期间 {start}–{end} 内",
                   f"{len(outside)} transactions are dated outside the printed period {start} to {end}", doc=doc,
                   fields=["period_start", "period_end"], rows=",".join(str(t.row) for t in outside[:20]))]


def check_statement(ev: StatementEvidence, *, document_id: str) -> list[CheckResult]:
    """The statement's own consistency: balance chain, printed summary, period."""
    return [*_balance(ev, document_id), *_summary(ev, document_id), *_period(ev, document_id)]


def check_pdf_history(info: PdfInfo | None, *, signed: bool, document_id: str) -> list[CheckResult]:
    """A statement PDF as the bank wrote it: one revision, no editor's name in it. A signed PDF's later updates are
    the signature check's to judge (content added after signing breaks it)."""
    if info is None:
        return []
    editors = [w for w in load("statements")["pdf_editors"]
               if any(w.replace(" ", "").lower() in (p or "").replace(" ", "").lower()
                      for p in (info.producer, info.creator))]
    said = []
    if info.revisions > 1 and not signed:
        said.append((f"文件在首次生成后被修改过 {info.revisions - 1} 次", f"the file was updated {info.revisions - 1} "
                     "times after it was first written"))
    if editors:
        said.append((f"文件由编辑软件保存（{editors[0]}）", f"the file was saved by an editor ({editors[0]})"))
    if not said:
        return [result("statement.pdf_edited", "pass", "PDF 未见修改痕迹", "the PDF shows no edit after it was written",
                       doc=document_id, fields=["file"])]
    return [result("statement.pdf_edited", "raised", "；".join(z for z, _ in said), "; ".join(e for _, e in said),
                   doc=document_id, fields=["file"], revisions=info.revisions, producer=info.producer,
                   creator=info.creator)]
