"""`data/patterns.yaml` as a validated model, like policies: a missing key or an impossible threshold is
refused when the file is first read, naming the field, rather than surfacing as a KeyError mid-assessment."""

from __future__ import annotations

from functools import cache

from pydantic import Field

from attest.data.spec import Spec, validated


class PhotoSpec(Spec):
    candidates: int = Field(ge=1)
    max_hash_distance: int = Field(ge=0, le=64)
    features: int = Field(ge=10)
    min_matches: int = Field(ge=4)  # a homography needs four point pairs
    min_inliers: int = Field(ge=4)
    min_overlap: float = Field(gt=0, le=1)
    pixel_tolerance: int = Field(ge=0, le=255)
    max_differing_share: float = Field(ge=0, le=1)


class ContractSpec(Spec):
    shingle: int = Field(ge=1)
    candidates: int = Field(ge=1)
    min_jaccard: float = Field(gt=0, le=1)


class TemplateSpec(Spec):
    min_jaccard: float = Field(gt=0, le=1)


class BenchmarkSpec(Spec):
    revenue_multiple: float = Field(gt=0)
    invoice_multiple: float = Field(gt=0)
    declared_below_low: float = Field(ge=1)


class StatementSpec(Spec):
    min_rows_per_month: int = Field(ge=1)


class PatternsSpec(Spec):
    version: int
    photo: PhotoSpec
    statement: StatementSpec
    contract: ContractSpec
    known_template: TemplateSpec
    benchmark: BenchmarkSpec


@cache
def patterns_spec() -> PatternsSpec:
    return validated("patterns", PatternsSpec)
