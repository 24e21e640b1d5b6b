"""`process_document`: one upload → `DocumentResult`. Ingest, OCR, classify, then the kind's recipe
(`recipes.py`) as its registry row says: seals → qr → extract → model → verify → fingerprint; forensics, the
screen for text aimed at a model, and the quality findings for every kind. Every stage timed; a failing stage
recorded, the run goes on."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal, TypeVar

from attest.classify import classify
from attest.extract.invoice.qr import decode_qr
from attest.extract.llm import LlmClient, llm_stage
from attest.extract.seal import Seal, read_seals
from attest.findings import result as result_of
from attest.forensics import examine
from attest.ingest import ingest
from attest.kinds import KindRow, kinds, table_kind
from attest.ocr import OcrEngine, turn_upright
from attest.ocr.flatten import find_page, flatten, turned_corners
from attest.ocr.ink import annotate_red_ink
from attest.ocr.overlays import read_under_overlays
from attest.ocr.reread import read_sign_band, reread_unsure
from attest.ocr.under_seals import read_under_seals
from attest.patterns.fingerprint import photo_fingerprint
from attest.pipeline.recipes import RECIPES, Reading
from attest.pipeline.split import SPLITTERS
from attest.pipeline.stages import StageRun
from attest.schemas.checks import CheckResult
from attest.schemas.document import Classification, Document, DocumentResult, PageImage, SealInfo, StageError
from attest.schemas.ocr import OcrPage, PageQuad
from attest.settings import LimitSettings, OcrSettings
from attest.verify.einvoice import check_einvoice
from attest.verify.injection import check_injected_instructions
from attest.verify.quality import check_quality

T = TypeVar("T")
# What a document is when classification itself failed: nothing is read as evidence, and the reason says why.
_UNCLASSIFIED = Classification(kind="other", confidence=0.0, reasons=["classification failed"])


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


def _scanned_pages_to_read(doc: Document, settings: OcrSettings) -> set[int]:
    """Which pages of the document are read: all, except the middle of a long scan (a bounded cost)."""
    n = len(doc.pages)
    first, last = settings.scan_first_pages, settings.scan_last_pages
    if n <= first + last or any(p.text_layer is not None for p in doc.pages):
        return set(range(n))
    return set(range(first)) | set(range(n - last, n))


def _read_picture(page: PageImage, engine: OcrEngine, settings: OcrSettings) -> OcrPage:
    """OCR of a picture page; a photo of paper is first cut out and squared (`attest/ocr/flatten.py`). The
    page's picture becomes what was read (flattened, turned upright), so boxes and pixels line up downstream."""
    found = find_page(page.image) if settings.find_page else None
    picture = flatten(page.image, found.corners, settings.max_side) if found is not None else page.image
    ocr_page = engine.read(picture, page=page.index + 1)
    if found is not None:
        ocr_page.flattened = PageQuad(width=page.image.width, height=page.image.height,
                                      corners=turned_corners(found.corners, ocr_page.rotation))
    page.image = turn_upright(picture, ocr_page.rotation)
    return ocr_page


def _read_pages(doc: Document, engine: OcrEngine, settings: OcrSettings) -> list[OcrPage]:
    pages = []
    wanted = _scanned_pages_to_read(doc, settings)
    for page in doc.pages:
        if page.index not in wanted:
            pages.append(OcrPage(page=page.index + 1, width=page.image.width, height=page.image.height, lines=[],
                                 engine="skipped", engine_version="-"))
            continue
        ocr_page = page.text_layer if page.text_layer is not None else _read_picture(page, engine, settings)
        if not page.small:  # a page drawn small shows no seal ink worth measuring
            annotate_red_ink(ocr_page, page.image)
        pages.append(ocr_page)
    return pages


def _under_overlays(doc: Document, pages: list[OcrPage], engine: OcrEngine, settings: OcrSettings) -> list[OcrPage]:
    """A document's pictures with the print hidden under seals read, and notes written across them marked and
    the print under them read. Shop photos never come here: a shop's red sign is no seal and its big letters
    are no note (a pink wall beside a purple box looked like print under a seal)."""
    out = []
    for page, ocr_page in zip(doc.pages, pages, strict=True):
        if page.text_layer is None and ocr_page.engine != "skipped":
            ocr_page = read_under_seals(ocr_page, page.image, engine)  # measures its new lines' red ink itself
            before = ocr_page
            ocr_page = read_under_overlays(ocr_page, page.image, engine, max_side=settings.max_side)
            if ocr_page is not before:  # lines re-read or marked as a note: measure their ink; else nothing new
                annotate_red_ink(ocr_page, page.image)
        out.append(ocr_page)
    return out


def _reread(doc: Document, pages: list[OcrPage], engine: OcrEngine) -> list[OcrPage]:
    """Each picture's unsure big lines read again at the picture's own scale (a sign taken from afar), and the
    band under its sign's name read against the board's colour (business words set faint)."""
    return [read_sign_band(reread_unsure(ocr_page, page.image, engine), page.image, engine)
            if page.text_layer is None and ocr_page.engine != "skipped" else ocr_page
            for page, ocr_page in zip(doc.pages, pages, strict=True)]


def _with_model(run: StageRun, result: DocumentResult, row: KindRow, pages: list[OcrPage], doc: Document,
                rules: T, engines: Engines, opts: ProcessOptions) -> T:
    """The rule-based evidence, or the model's grounded reading of it (`llm`) or the two merged (`merged`).

    A model fault is recorded as a stage error and the rule-based evidence stands."""
    if opts.extractor == "rules" or engines.llm is None or not pages or row.model == "none":
        return rules
    started = time.perf_counter()
    shown = slice(None) if row.model_pages == "all" else slice(0, 1)
    outcome = llm_stage(row.name, pages[shown], [p.image for p in doc.pages[shown]], rules, engines.llm,
                        mode=opts.extractor, doc=doc.sha256)
    run.add_time("llm", started)
    result.llm = outcome.report
    result.checks += outcome.checks
    if outcome.error is not None:
        run.errors.append(StageError(stage="llm", code=outcome.error.code, message=str(outcome.error)[:500]))
        return rules
    return outcome.evidence if outcome.evidence is not None else rules  # type: ignore[return-value]


def _read_as(run: StageRun, result: DocumentResult, row: KindRow, doc: Document, pages: list[OcrPage],
             engines: Engines, opts: ProcessOptions) -> None:
    """One kind's recipe over the document, each step a stage; the evidence and its checks land on `result`."""
    recipe = RECIPES[row.name]
    seals: list[Seal] = []
    if row.seals_on != "none":
        scan = doc.pages if row.seals_on == "all" else doc.pages[:1]
        seals = run.stage("seals", lambda: [s for p in scan for s in read_seals(p.image, engines.ocr, p.index + 1)],
                          list[Seal]())
        result.seals = [SealInfo(page=s.page, bbox=s.bbox, text=s.text, confidence=s.text_confidence)
                        for s in seals]
    qr = run.stage("qr", lambda: decode_qr(doc.pages[0].image), None) if row.reads_qr else None
    reading = Reading(doc=doc, pages=pages, seals=seals, qr=qr, today=opts.today or date.today())
    evidence = run.stage("extract", lambda: recipe.extract(reading), None)
    evidence = _with_model(run, result, row, pages, doc, evidence, engines, opts)
    setattr(result, row.evidence, evidence)
    if evidence is None:
        return
    if recipe.fingerprint is not None:
        fingerprint = recipe.fingerprint
        result.fingerprint = run.stage("fingerprint", lambda: fingerprint(evidence, reading), None)
    result.checks += run.stage("verify", lambda: recipe.verify(evidence, reading), list[CheckResult]())


def _split(run: StageRun, result: DocumentResult, row: KindRow, doc: Document, pages: list[OcrPage],
           groups: list[list[int]], engines: Engines, opts: ProcessOptions) -> tuple[list[DocumentResult],
                                                                                 list[CheckResult]]:
    """One part per document of the file (an invoice, a contract), each read as its own document from its own
    pages; a second copy of an invoice number in the same file is not a second invoice (an info finding says so)."""
    parts: list[DocumentResult] = []
    repeated: list[CheckResult] = []
    seen: dict[str, str] = {}
    for n, group in enumerate(groups, start=1):
        part = DocumentResult(
            document_id=f"{doc.sha256}:{n}", filename=f"{result.filename}#{n}", media_type=result.media_type,
            pages=len(group), classification=result.classification, ocr=[pages[i] for i in group],
            pages_read=[pages[i].page for i in group if pages[i].engine != "skipped"],
            page_span=[i + 1 for i in group])
        # The part is its own document: its checks and any model call name the part, not the file.
        sub = doc.model_copy(update={"pages": [doc.pages[i] for i in group], "sha256": part.document_id})
        _read_as(run, part, row, sub, part.ocr, engines, opts)
        number = part.invoice.invoice_number.value if part.invoice and part.invoice.invoice_number else None
        if number is not None and number in seen:
            repeated.append(result_of("document.repeated_invoice", "raised", f"文件中重复的发票: {number}",
                                      f"the file holds invoice {number} twice; it counts once",
                                      doc=doc.sha256, fields=["invoice_number"], number=number,
                                      pages=",".join(map(str, part.page_span)), first=seen[number]))
            continue
        if number is not None:
            seen[number] = part.document_id
        parts.append(part)
    return parts, repeated


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
    run = StageRun()
    started = time.perf_counter()
    doc = ingest(data, filename, limits=opts.limits, ocr=opts.ocr)
    run.add_time("ingest", started)
    pages = run.stage("ocr", lambda: _read_pages(doc, engines.ocr, opts.ocr), list[OcrPage]())
    if doc.table is not None:
        # Rows of cells are a statement by their form: there is no page to look at.
        classification = Classification(kind=table_kind().name, confidence=1.0,
                                        reasons=[f"rows of cells ({doc.table.format})"])
    else:
        classification = run.stage("classify", lambda: classify(pages, [p.image for p in doc.pages]),
                                   _UNCLASSIFIED)
    result = DocumentResult(
        document_id=doc.sha256, filename=filename, media_type=doc.media_type, pages=len(doc.pages),
        classification=classification, ocr=pages,
        pages_read=[p.page for p in pages if p.engine != "skipped"],
    )
    # Every kind of document is screened for text addressed to a model, invoice or not.
    result.checks = run.stage(
        "screen", lambda: check_injected_instructions(pages, document_id=doc.sha256), list[CheckResult]())
    wanted = (hints or {}).get("kind")
    kind = wanted if wanted in kinds() else classification.kind
    if kind != classification.kind:
        # Read as the caller said (a reviewer's re-read): the document is that kind now, and says why.
        result.classification = classification.model_copy(update={
            "kind": kind, "reasons": [f"read as {kind} on request (classified {classification.kind})",
                                      *classification.reasons]})
    row = kinds().get(kind)  # None: `other`, nothing to read as evidence
    signals = run.stage("forensics", lambda: examine(doc, is_photo=row is not None and row.scene),
                        None) if doc.pages else None
    if signals is not None:
        result.signals, forensic_checks = signals
        result.checks += forensic_checks
    if row is not None and row.paper:
        pages = run.stage("overlays", lambda: _under_overlays(doc, pages, engines.ocr, opts.ocr), pages)
        result.ocr = pages
    if row is not None and row.rereads:
        pages = run.stage("reread", lambda: _reread(doc, pages, engines.ocr), pages)
        result.ocr = pages
    groups = SPLITTERS[row.splits](pages) if row is not None and row.splits and len(pages) > 1 else []
    if len(groups) > 1 and row is not None:
        result.parts, repeated = _split(run, result, row, doc, pages, groups, engines, opts)
        result.checks += repeated
    elif row is not None and (pages or row.table):
        _read_as(run, result, row, doc, pages, engines, opts)
    if doc.einvoice is not None:
        # The file's own signatures whatever it was read as; its invoice data against the invoice read.
        einvoice = doc.einvoice
        result.einvoice = einvoice
        file_checks = run.stage("einvoice", lambda: check_einvoice(einvoice, result.invoice,
                                                                    document_id=doc.sha256), list[CheckResult]())
        result.checks += file_checks
        for part in result.parts:
            # A broken file breaks every invoice in it: each part carries the file's failures as its own.
            part.checks += [c.model_copy(update={"refs": [r.model_copy(update={"document": part.document_id})
                                                          for r in c.refs]})
                            for c in file_checks if c.severity == "fail"]
    # Said at once, so the merchant can retake a blurred or cut-off photo before the application is decided.
    for unit in result.units():
        first = doc.pages[unit.page_span[0] - 1] if unit.page_span else (doc.pages[0] if doc.pages else None)
        unit.checks += run.stage("quality", lambda u=unit, f=first: check_quality(  # type: ignore[misc]
            u, kind, f.image if f is not None else None), list[CheckResult]())
    if doc.pages and (row is None or row.scene) and doc.media_type != "application/pdf":
        # Any picture that is not a document is fingerprinted: a copied photo is a copy whatever it was
        # classified as (a tight crop of a storefront can read as "other").
        result.fingerprint = run.stage("fingerprint", lambda: photo_fingerprint(doc.pages[0].image), None)
    run.add_time("total", started)
    result.read_at = datetime.now(UTC)
    for part in result.parts:
        part.read_at = result.read_at
    result.timings = run.timings
    result.errors = run.errors
    result.status = "partial" if run.errors else "ok"
    return result
