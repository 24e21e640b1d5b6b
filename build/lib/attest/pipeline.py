"""The core: `process_document` (one upload → `DocumentResult`) and `assess_application` (documents →
`Assessment`). No database, no HTTP, no globals: engines and policy are passed in."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, TypeVar

from attest.classify import classify
from attest.errors import AttestError
from attest.extract.contract import extract_contract
from attest.extract.invoice import extract_invoice
from attest.extract.invoice.qr import decode_qr
from attest.extract.licence import extract_licence
from attest.extract.llm import LlmClient, llm_stage
from attest.extract.seal import Seal, read_seals
from attest.extract.shop import extract_shop
from attest.forensics import examine
from attest.forensics.glyphs import check_glyph_size
from attest.ingest import ingest
from attest.ocr import OcrEngine, turn_upright
from attest.ocr.ink import annotate_red_ink
from attest.ocr.under_seals import read_under_seals
from attest.patterns.checks import pattern_checks
from attest.patterns.fingerprint import contract_fingerprint, photo_fingerprint
from attest.patterns.store import PatternStore, Submission
from attest.schemas.checks import CheckResult
from attest.schemas.decision import Assessment, MerchantProfile
from attest.schemas.document import Document, DocumentResult, SealInfo, StageError
from attest.schemas.ocr import OcrPage
from attest.score import Policy, score
from attest.settings import LimitSettings, OcrSettings
from attest.verify import check_invoice
from attest.verify.application import check_application
from attest.verify.contract import check_contract
from attest.verify.injection import check_injected_instructions
from attest.verify.licence import check_licence
from attest.verify.quality import check_quality
from attest.verify.seals import check_seal_party

T = TypeVar("T")


@dataclass(frozen=True)
class Engines:
    """Engines are built once per process by the shell and passed in."""

    ocr: OcrEngine
    llm: LlmClient | None = None  # None: no model configured, the rules decide alone


@dataclass(frozen=True)
class ProcessOptions:
    limits: LimitSettings = field(default_factory=LimitSettings)
    ocr: OcrSettings = field(default_factory=OcrSettings)
    today: date | None = None  # fixed for replay; None means the day it runs
    extractor: Literal["rules", "llm", "merged"] = "rules"


@dataclass
class _Run:
    timings: dict[str, float] = field(default_factory=dict)
    errors: list[StageError] = field(default_factory=list)

    def stage(self, name: str, fn: Callable[[], T], default: T) -> T:
        """Run one stage, timing it; an engine or parsing failure is recorded and the run goes on."""
        started = time.perf_counter()
        try:
            return fn()
        except AttestError as exc:
            self.errors.append(StageError(stage=name, code=exc.code, message=str(exc)))
        except (ValueError, ArithmeticError, KeyError, IndexError) as exc:
            self.errors.append(StageError(stage=name, code="stage.failed", message=f"{type(exc).__name__}: {exc}"))
        finally:
            self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - started, 4)
        return default


def _scanned_pages_to_read(doc: Document, settings: OcrSettings) -> set[int]:
    """Which pages of the document are read: all, except the middle of a long scan (a bounded cost)."""
    n = len(doc.pages)
    first, last = settings.scan_first_pages, settings.scan_last_pages
    if n <= first + last or any(p.text_layer is not None for p in doc.pages):
        return set(range(n))
    return set(range(first)) | set(range(n - last, n))


def _read_pages(doc: Document, engine: OcrEngine, settings: OcrSettings) -> list[OcrPage]:
    pages = []
    wanted = _scanned_pages_to_read(doc, settings)
    for page in doc.pages:
        if page.index not in wanted:
            pages.append(OcrPage(page=page.index + 1, width=page.image.width, height=page.image.height, lines=[],
                                 engine="skipped", engine_version="-"))
            continue
        if page.text_layer is not None:
            ocr_page = page.text_layer
        else:
            ocr_page = engine.read(page.image, page=page.index + 1)
            page.image = turn_upright(page.image, ocr_page.rotation)
        annotate_red_ink(ocr_page, page.image)
        if page.text_layer is None:
            ocr_page = read_under_seals(ocr_page, page.image, engine)
        pages.append(ocr_page)
    return pages


def _with_model(run: _Run, result: DocumentResult, kind: str, pages: list[OcrPage], doc: Document, rules: T,
                engines: Engines, opts: ProcessOptions) -> T:
    """The rule-based evidence, or the model's grounded reading of it (`llm`) or the two merged (`merged`).

    A model fault is recorded as a stage error and the rule-based evidence stands."""
    if opts.extractor == "rules" or engines.llm is None or not pages:
        return rules
    started = time.perf_counter()
    images = [p.image for p in (doc.pages if kind == "contract" else doc.pages[:1])]
    outcome = llm_stage(kind, pages if kind == "contract" else pages[:1], images, rules, engines.llm,
                        mode=opts.extractor, doc=doc.sha256)
    run.timings["llm"] = round(run.timings.get("llm", 0.0) + time.perf_counter() - started, 4)
    result.llm = outcome.report
    result.checks += outcome.checks
    if outcome.error is not None:
        run.errors.append(StageError(stage="llm", code=outcome.error.code, message=str(outcome.error)[:500]))
        return rules
    return outcome.evidence if outcome.evidence is not None else rules  # type: ignore[return-value]


def process_document(
    data: bytes,
    filename: str,
    *,
    engines: Engines,
    hints: dict[str, Any] | None = None,
    options: ProcessOptions | None = None,
) -> DocumentResult:
    """Ingest, OCR, classify, extract and check one document. Raises `InputError` for unacceptable bytes."""
    opts = options or ProcessOptions()
    run = _Run()
    started = time.perf_counter()
    doc = ingest(data, filename, limits=opts.limits, ocr=opts.ocr)
    run.timings["ingest"] = round(time.perf_counter() - started, 4)
    no_pages: list[OcrPage] = []
    pages = run.stage("ocr", lambda: _read_pages(doc, engines.ocr, opts.ocr), no_pages)
    classification = classify(pages, [p.image for p in doc.pages])
    wanted = (hints or {}).get("kind")
    result = DocumentResult(
        document_id=doc.sha256, filename=filename, media_type=doc.media_type, pages=len(doc.pages),
        classification=classification, ocr=pages,
        pages_read=[p.page for p in pages if p.engine != "skipped"],
    )
    # Every kind of document is screened for text addressed to a model, invoice or not.
    result.checks = run.stage(
        "screen", lambda: check_injected_instructions(pages, document_id=doc.sha256), list[CheckResult]())
    kind = wanted if wanted in ("invoice", "contract", "business_license", "shop_photo") else classification.kind
    if kind != classification.kind:
        # Read as the caller said (a reviewer's re-read): the document is that kind now, and says why.
        result.classification = classification.model_copy(update={
            "kind": kind, "reasons": [f"read as {kind} on request (classified {classification.kind})",
                                      *classification.reasons]})
    today = opts.today or date.today()
    signals = run.stage("forensics", lambda: examine(doc, is_photo=kind == "shop_photo"), None)
    if signals is not None:
        result.signals, forensic_checks = signals
        result.checks += forensic_checks
    seals: list[Seal] = []
    if pages and kind in ("invoice", "business_license", "contract"):
        # Contracts are sealed on their last pages; invoices and licences on their only one.
        scan = doc.pages if kind == "contract" else doc.pages[:1]
        seals = run.stage("seals", lambda: [s for p in scan for s in read_seals(p.image, engines.ocr, p.index + 1)],
                          list[Seal]())
        result.seals = [SealInfo(page=s.page, bbox=s.bbox, text=s.text, confidence=s.text_confidence)
                        for s in seals]
    if pages and kind == "invoice":
        qr_text = run.stage("qr", lambda: decode_qr(doc.pages[0].image), None)
        invoice = run.stage("extract", lambda: extract_invoice(pages[0], qr_text), None)
        invoice = _with_model(run, result, kind, pages, doc, invoice, engines, opts)
        result.invoice = invoice
        if invoice is not None:
            seller = invoice.seller_name.value if invoice.seller_name else None
            result.checks += run.stage("verify", lambda: [
                *check_invoice(invoice, document_id=doc.sha256, today=today),
                *check_glyph_size(invoice, doc.pages[0].image, document_id=doc.sha256),
                *check_seal_party(seals, seller, document_id=doc.sha256, role="seller")], [])
    elif pages and kind == "business_license":
        qr_text = run.stage("qr", lambda: decode_qr(doc.pages[0].image), None)
        licence = run.stage("extract", lambda: extract_licence(pages[0], seals, qr_text), None)
        licence = _with_model(run, result, kind, pages, doc, licence, engines, opts)
        result.licence = licence
        if licence is not None:
            result.checks += run.stage("verify", lambda: check_licence(licence, document_id=doc.sha256,
                                                                       today=today), [])
    elif pages and kind == "contract":
        contract = run.stage("extract", lambda: extract_contract(pages, seals), None)
        contract = _with_model(run, result, kind, pages, doc, contract, engines, opts)
        result.contract = contract
        if contract is not None:
            result.fingerprint = run.stage("fingerprint", lambda: contract_fingerprint(pages, contract), None)
            result.checks += run.stage("verify", lambda: check_contract(contract, seals, document_id=doc.sha256,
                                                                        today=today), [])
    elif pages and kind == "shop_photo":
        shop = run.stage("extract", lambda: extract_shop(pages[0], doc.exif), None)
        result.shop = _with_model(run, result, kind, pages, doc, shop, engines, opts)
    # Said at once, so the merchant can retake a blurred or cut-off photo before the application is decided.
    result.checks += run.stage("quality", lambda: check_quality(result, kind, doc.pages[0].image if doc.pages
                                                                else None), list[CheckResult]())
    if kind in ("shop_photo", "other") and doc.media_type != "application/pdf":
        # Any picture that is not a document is fingerprinted: a copied photo is a copy whatever it was
        # classified as (a tight crop of a storefront can read as "other").
        result.fingerprint = run.stage("fingerprint", lambda: photo_fingerprint(doc.pages[0].image), None)
    run.timings["total"] = round(time.perf_counter() - started, 4)
    result.timings = run.timings
    result.errors = run.errors
    result.status = "partial" if run.errors else "ok"
    return result


def assess_application(
    merchant: MerchantProfile,
    documents: Sequence[DocumentResult],
    *,
    policy: Policy,
    patterns: PatternStore | None = None,
    submission: Submission | None = None,
    recorded_checks: Sequence[CheckResult] | None = None,
) -> Assessment:
    """Score one application from its processed documents.

    Application-level checks run first: the documents against each other (`verify.application`), then, when
    a pattern store is given, against everything it remembers of other applications. The store's answer
    changes as it learns, so a replay passes the checks recorded at decision time as `recorded_checks`
    instead of asking the store again. This function never writes to the store: the shell remembers the
    application's fingerprints (`PatternStore.remember`) once it is decided.
    """
    window = policy.evidence.sales_window_days
    if recorded_checks is not None:
        app_checks = list(recorded_checks)
    else:
        app_checks = check_application(merchant, documents, window_days=window)
        if patterns is not None:
            sub = submission or Submission(merchant=merchant.id, merchant_uscc=merchant.uscc,
                                           merchant_name=merchant.name,
                                           application=f"{merchant.id}:{merchant.application_date.isoformat()}",
                                           submitted_at=merchant.application_date.isoformat())
            app_checks += pattern_checks(patterns, merchant, sub, documents, window_days=window)
    evidence = [(d.document_id, d.invoice) for d in documents if d.invoice is not None]
    checks = [c for d in documents for c in d.checks]
    decision = score(merchant, evidence, [*checks, *app_checks], policy, documents=documents)
    return Assessment(merchant=merchant, document_ids=[d.document_id for d in documents], checks=app_checks,
                      decision=decision)
