"""A model for each knowledge file the stages read as plain data (`load(name)`): unknown keys are refused, numbers
and regular expressions are checked, so a misspelt key or a broken pattern stops the process at start
(`attest.engines.load_knowledge`) instead of failing a stage on every document. Files whose code reads them
through a model of their own (kinds, checks, patterns, application, score, policies, review) are not here."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from attest.data.spec import Spec


def _compiles(text: str) -> str:
    try:
        re.compile(text)
    except re.error as exc:  # as a ValueError, pydantic names the key
        raise ValueError(str(exc)) from exc
    return text


Regex = Annotated[str, AfterValidator(_compiles)]
Share = Annotated[float, Field(ge=0, le=1)]
Sentence = tuple[str, str]  # Chinese, English


class Said(Spec):
    zh: str
    en: str


class AdverseFile(Spec):
    version: int
    reasons: dict[str, Said]


class ClassifyTitle(Spec):
    pattern: Regex
    max_chars: int = Field(gt=0)
    weight: float = Field(ge=0)


class ClassifyKind(Spec):
    saturation: float = Field(gt=0)
    title: ClassifyTitle | None = Field(None, description=(
        "The kind's title printed as a heading (a line of at most `max_chars`) counts `weight`, as a word."))
    threshold: Share
    words: dict[str, float]
    column_words: float = Field(0.0, ge=0, description=(
        "Each column name of a statement's header (`statements.yaml roles`, three characters or more) found on the "
        "page counts this much: a statement is known by the columns any statement prints."))


class ClassifyPhoto(Spec):
    max_white_share: Share
    max_text_coverage: Share
    min_colourfulness: float
    threshold: Share


class ClassifyFile(Spec):
    version: int
    margin: float
    page_words: int
    kinds: dict[str, ClassifyKind]
    photo: ClassifyPhoto


class ConfidenceFile(Spec):
    sure_at: Share


class ContractItems(Spec):
    columns: dict[str, Regex]
    min_columns: int
    end: Regex


class ContractLayoutFile(Spec):
    version: int
    caption: Regex
    called: Regex
    name_lead: Regex
    name_tail: Regex
    organisation: Regex
    organisation_end: Regex
    roles: dict[str, list[str]]
    subject_supplies: Regex
    subject_buys: Regex
    labels: dict[str, Regex]
    amount_figures: Regex
    amount_words: Regex
    total_words: Regex
    part_words: Regex
    share_of: Regex
    person: Regex
    not_person: Regex
    words_label: Regex
    term: Regex
    title: Regex
    clause: Regex
    items: ContractItems


class EInvoiceFileSpec(Spec):
    version: int
    custom_data: dict[str, str]
    custom_tags: dict[str, str]
    attachments: dict[str, str]
    amounts: list[str]
    dates: list[str]


class Recapture(Spec):
    crop: int
    crops: int
    min_radius: Share
    warn_score: float
    fail_score: float


class EditingSoftware(Spec):
    names: list[str]


class ErrorLevel(Spec):
    quality: int = Field(ge=1, le=100)
    block: int
    info_score: float


class GlyphSize(Spec):
    max_ratio: float
    min_ratio: float
    min_figures: int
    min_median_px: float


class ForensicsFile(Spec):
    version: int
    recapture: Recapture
    editing_software: EditingSoftware
    error_level: ErrorLevel
    glyph_size: GlyphSize


class IndustriesFile(Spec):
    version: int
    industries: dict[str, list[str]]
    name_endings: list[str]
    owner_prefix: Regex
    latin_name_min_letters: int


class InjectionFile(Spec):
    version: int
    patterns: list[Regex]


class InvoiceTable(Spec):
    header_anchor: Regex
    total_label: Regex
    end: Regex
    rate_words: Regex


class InvoiceSplit(Spec):
    title: Regex
    number_label: Regex
    list_title: Regex
    list_reference: Regex


class InvoiceLayoutFile(Spec):
    version: int
    labels: dict[str, Regex]
    stop: Regex
    party_markers: dict[str, Regex]
    party_inline: dict[str, Regex]
    party_keys: dict[str, Regex]
    table: InvoiceTable
    columns: dict[str, Regex]
    titles: dict[str, str]
    copy_mark: Regex
    one_total: Regex
    negative_words: Regex
    title_tags: list[str]
    split: InvoiceSplit


class LayoutFile(Spec):
    version: int
    same_row_overlap: Share
    row_band_own: float = Field(gt=0)
    row_band_taller: float = Field(ge=0)


class LicenceLayoutFile(Spec):
    version: int
    labels: dict[str, Regex]
    stop: Regex
    authority: Regex
    spaced_labels: list[str]
    column_labels: Regex
    authority_label: Regex
    authority_name: Regex
    authority_endings: list[str]
    ending_chars_per_slip: int


class MergeFile(Spec):
    version: int
    llm_confidence: Share
    agree_bonus: Share
    max_confidence: Share
    fill_missing: bool
    prefer_llm: list[str]
    red_flags: dict[str, str]


class OcrConfusionsFile(Spec):
    version: int
    amount_words: dict[str, str]
    figures: dict[str, list[str]]
    figures_unsure_below: Share


class OverlaysFile(Spec):
    version: int
    height_ratio: float
    giant_max_chars: int
    tilt_degrees: float
    tilted_height_ratio: float
    seal_red_ink: Share
    min_lines: int
    stroke_work_side: int
    stroke_width_ratio: float
    stroke_min_fill: Share
    colour_spread: int
    min_ink_pixels: int
    hue_tolerance: int
    ink_over_print: float
    ink_rim_above: float
    min_confidence: Share
    min_chars: int
    min_letter_px: int
    max_zoom: float
    phrases: list[str]


class PageFindFile(Spec):
    version: int
    work_side: int
    close_share: Share
    min_area: Share
    max_area: Share
    min_fill: Share
    min_contrast: float
    colour_saturation: int
    max_colourful: Share
    min_corner_angle: int
    simplify: list[float]
    min_gain_area: float
    min_gain_corner: float
    margin: float


class QualityFile(Spec):
    version: int
    work_side: int
    min_sharpness: float
    blur_max_confidence: Share
    min_brightness: int
    glare_level: int
    max_glare_share: Share
    photo_max_white_share: Share
    edge_share: Share
    cut_lines: int
    min_short_side: int
    min_text_height: int
    messages: dict[str, Sentence]
    edges: dict[str, Sentence]


class SignBand(Spec):
    name_sure: Share
    sides: float = Field(ge=0)
    below: float = Field(gt=1)
    min_line: float = Field(gt=0)
    max_lines: int = Field(ge=0)
    line_height: int = Field(gt=8)
    keep_above: Share


class RereadFile(Spec):
    unsure_below: Share
    min_height_of_tallest: Share
    max_lines: int = Field(ge=0)
    margin: float = Field(ge=0)
    line_height: int = Field(gt=8)
    surer_by: Share
    sign_band: SignBand


class LineInk(Spec):
    min_light: Share
    red_margin: float
    red_min: float
    dark_max: float
    dark_below_paper: float
    seal_share: Share


class SealsFile(Spec):
    version: int
    red_margin: int
    red_min: int
    line_ink: LineInk
    blob_work_side: int
    blob_min_share: Share
    blob_max_share: Share
    weak_red_share: Share
    work_side: int
    min_diameter: Share
    max_diameter: Share
    min_ring_cover: Share
    max_inner_fill: Share
    text_band: tuple[float, float]
    ring_min_radius: int
    ring_red_full: int
    ring_ink_gain: float
    name_match: int = Field(ge=0, le=100)
    name_mismatch: int = Field(ge=0, le=100)
    brand_confidence: Share
    brand_absent: int = Field(ge=0, le=100)
    trade_words: list[str]
    generic_words: list[str]
    organisation_endings: list[str]
    authority_words: list[str]


class StatementDirections(Spec):
    in_: list[str] = Field(alias="in")
    out: list[str]
    neutral: list[str] = Field(default_factory=list)


class StatementSummary(Spec):
    total: Regex
    part: Regex


_ROLES = ("time", "date", "direction", "amount", "amount_in", "amount_out", "balance", "counterparty",
          "counterparty_account", "memo", "status", "currency", "channel", "kind", "card")


# What a transaction can be (`statements.yaml categories`); scoring counts `takings` as business takings and
# `debt_service` as what the merchant owes.
CATEGORIES = ("takings", "own_transfer", "top_up", "loan", "debt_service", "refund", "interest", "personal",
              "payroll", "tax", "suppliers", "neutral")


class StatementCategory(Spec):
    name: Literal[CATEGORIES]  # type: ignore[valid-type]
    ways: list[Literal["in", "out", "neutral"]]
    words: list[str] = Field(min_length=1)


class StatementsFile(Spec):
    version: int
    min_header_roles: int = Field(ge=2)
    roles: dict[Literal[_ROLES], list[str]]  # type: ignore[valid-type]
    directions: StatementDirections
    card_markers: list[str]
    memo_directions: StatementDirections
    currencies: dict[str, str]
    holder_labels: list[str]
    account_labels: list[str]
    period_labels: list[str]
    sheet_period: Regex
    footer_words: list[str]
    summary: StatementSummary
    institutions: dict[str, list[str]]
    categories: list[StatementCategory]
    pdf_editors: list[str]
    category_defaults: dict[Literal["in", "out", "neutral"], Literal[CATEGORIES]]  # type: ignore[valid-type]


class TrustAnchor(Spec):
    name: str
    certificate: str  # base64 of the DER certificate


class TrustAnchorsFile(Spec):
    version: int
    anchors: list[TrustAnchor]


class VatRatesFile(Spec):
    version: int
    percent: list[Decimal]
    no_tax_words: list[str]
    line_tax_tolerance: Decimal
    sum_tolerance_per_item: Decimal


# Each plainly read knowledge file and its model.
MODELS: dict[str, type[Spec]] = {
    "adverse": AdverseFile, "classify": ClassifyFile, "confidence": ConfidenceFile,
    "contract_layout": ContractLayoutFile,
    "einvoice": EInvoiceFileSpec, "forensics": ForensicsFile, "industries": IndustriesFile,
    "injection": InjectionFile, "invoice_layout": InvoiceLayoutFile, "layout": LayoutFile,
    "licence_layout": LicenceLayoutFile, "merge": MergeFile, "ocr_confusions": OcrConfusionsFile,
    "overlays": OverlaysFile, "page_find": PageFindFile, "quality": QualityFile, "reread": RereadFile,
    "seals": SealsFile,
    "statements": StatementsFile, "trust_anchors": TrustAnchorsFile, "vat_rates": VatRatesFile,
}
