"""Each kind's recipe: the code that extracts, checks and fingerprints its evidence. Everything else about a
kind (where its seals are, whether it carries a QR code, what a model is shown) is its row in the kind registry
(`attest/kinds.py`). `process_document` runs every recipe the same way (seals → qr → extract → model → verify →
fingerprint); a new kind is a recipe here beside its row, not another branch.

The recipes cover exactly the registry's kinds (a test holds them to that)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel

from attest.extract.contract import extract_contract
from attest.extract.invoice import extract_invoice
from attest.extract.licence import extract_licence
from attest.extract.seal import Seal
from attest.extract.shop import extract_shop
from attest.extract.statement import extract_statement
from attest.extract.statement_lines import table_of_pages
from attest.forensics.glyphs import check_glyph_size
from attest.patterns.fingerprint import contract_fingerprint
from attest.schemas.checks import CheckResult
from attest.schemas.document import Document
from attest.schemas.fingerprint import Fingerprint
from attest.schemas.ocr import OcrPage
from attest.verify import check_invoice
from attest.verify.contract import check_contract
from attest.verify.licence import check_licence
from attest.verify.seals import check_seal_party
from attest.verify.statement import check_pdf_history, check_statement


@dataclass(frozen=True)
class Reading:
    """What a reader sees of one document: its pages, what OCR read on them, its seals, the QR text."""

    doc: Document
    pages: list[OcrPage]
    seals: list[Seal]
    qr: str | None
    today: date

    @property
    def document_id(self) -> str:
        return self.doc.sha256


@dataclass(frozen=True)
class Recipe:
    extract: Callable[[Reading], BaseModel | None]
    verify: Callable[[Any, Reading], list[CheckResult]] = lambda _ev, _r: []
    fingerprint: Callable[[Any, Reading], Fingerprint] | None = None


def _verify_invoice(ev: Any, r: Reading) -> list[CheckResult]:
    seller = ev.seller_name.value if ev.seller_name else None
    return [*check_invoice(ev, document_id=r.document_id, today=r.today),
            *check_glyph_size(ev, r.doc.pages[0].image, document_id=r.document_id),
            *check_seal_party(r.seals, seller, document_id=r.document_id, role="seller")]


def _verify_statement(ev: Any, r: Reading) -> list[CheckResult]:
    signed = r.doc.einvoice is not None and bool(r.doc.einvoice.signatures)
    return [*check_statement(ev, document_id=r.document_id),
            *check_pdf_history(r.doc.pdf, signed=signed, document_id=r.document_id)]


# Keyed by the registry's kind names (`attest/data/kinds.yaml`).
RECIPES: dict[str, Recipe] = {
    "invoice": Recipe(lambda r: extract_invoice(r.pages[0], r.qr), verify=_verify_invoice),
    "business_license": Recipe(lambda r: extract_licence(r.pages[0], r.seals, r.qr),
                               verify=lambda ev, r: check_licence(ev, document_id=r.document_id, today=r.today)),
    "contract": Recipe(lambda r: extract_contract(r.pages, r.seals),
                       verify=lambda ev, r: check_contract(ev, r.seals, document_id=r.document_id, today=r.today),
                       fingerprint=lambda ev, r: contract_fingerprint(r.pages, ev)),
    "shop_photo": Recipe(lambda r: extract_shop(r.pages[0], r.doc.exif)),
    # An export's rows as they are; a statement printed on pages (a PDF, a photo) from its lines put into rows.
    "statement": Recipe(lambda r: extract_statement(r.doc.table if r.doc.table is not None
                                                    else table_of_pages(r.pages)),
                        verify=_verify_statement),
}
