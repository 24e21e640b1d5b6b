"""Several documents in one file: which pages are which.

Invoices: a page printing an invoice title and an invoice number starts an invoice; a sales-list page (销货清单)
joins the invoice whose number it prints, else the one before it; any other page joins the invoice before it. The
words are data (`invoice_layout.yaml`, `split:`).

Contracts: a page with a contract's heading and both parties named under their captions starts a contract, unless
it names a party of the contract before it (an annex, 廉洁合同, between the same parties belongs to it); pages
before the first such page belong to the first contract (an approval sheet stapled in front).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from attest.data import pattern
from attest.extract.contract import contract_head
from attest.layout.normalize import squash
from attest.schemas.ocr import OcrPage

_NUMBER = re.compile(r"(?<!\d)(\d{8}|\d{20})(?!\d)")


def _text(page: OcrPage) -> str:
    return "".join(squash(ln.text) for ln in page.lines)


def _is_list(page: OcrPage) -> bool:
    """A sales-list page: the list's title printed as a heading. An invoice whose items row says `详见销货清单`
    only refers to its list; it is an invoice page all the same."""
    refers = pattern("invoice_layout", "split", "list_reference")
    return any(pattern("invoice_layout", "split", "list_title").search(t) and not refers.search(t) and len(t) <= 30
               for t in (squash(ln.text) for ln in page.lines))


def _starts_invoice(page: OcrPage) -> bool:
    lines = [squash(ln.text) for ln in page.lines]
    titled = any(pattern("invoice_layout", "split", "title").search(t) and len(t) <= 24 for t in lines)
    numbered = any(pattern("invoice_layout", "split", "number_label").search(t) for t in lines)
    return titled and numbered and not _is_list(page)


def invoice_groups(pages: list[OcrPage]) -> list[list[int]]:
    """Page indices per invoice, in file order; one group when the file holds one invoice (or none)."""
    groups: list[list[int]] = []
    numbers: list[set[str]] = []
    for i, page in enumerate(pages):
        text = _text(page)
        if _starts_invoice(page) or not groups:
            groups.append([i])
            numbers.append(set(_NUMBER.findall(text)))
            continue
        if _is_list(page):
            printed = set(_NUMBER.findall(text))
            owner = next((g for g, nums in zip(groups, numbers, strict=True) if nums & printed), groups[-1])
            owner.append(i)
        else:
            groups[-1].append(i)
    return groups


def contract_groups(pages: list[OcrPage]) -> list[list[int]]:
    """Page indices per contract, in file order; one group when the file holds one contract."""
    groups: list[list[int]] = []
    parties: list[frozenset[str]] = []
    for i, page in enumerate(pages):
        head = contract_head(page)
        if head is not None and groups and parties[-1] and not head[1] & parties[-1]:
            groups.append([i])
            parties.append(head[1])
            continue
        if not groups:
            groups.append([i])
            parties.append(frozenset())
        else:
            groups[-1].append(i)
        if head is not None and not parties[-1]:
            parties[-1] = head[1]
    return groups


# How a kind's file of several documents is cut into parts (`kinds.yaml`, `splits:`).
SPLITTERS: dict[str, Callable[[list[OcrPage]], list[list[int]]]] = {
    "invoices": invoice_groups, "contracts": contract_groups}
