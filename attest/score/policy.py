"""Credit policy files: load, validate with errors that name the place, find by version."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from attest.data.spec import problems
from attest.errors import AttestError
from attest.findings import unknown_codes


class PolicyError(AttestError):
    """A policy file that cannot be used; the message names the field and what is wrong."""

    code = "policy.invalid"


class Bin(BaseModel):
    min: Decimal
    points: int = Field(ge=0)
    reason: str = Field(pattern=r"^[A-Z][A-Z0-9_]+$")


class Feature(BaseModel):
    description: str
    bins: list[Bin] = Field(min_length=1)

    @field_validator("bins")
    @classmethod
    def _descending_to_zero(cls, bins: list[Bin]) -> list[Bin]:
        mins = [b.min for b in bins]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            raise ValueError("bins must be listed from the highest minimum down, each minimum once")
        if mins[-1] != 0:
            raise ValueError("the last bin must start at 0 so that every value falls in a bin")
        return bins


class Trust(BaseModel):
    min_points: int = Field(ge=0)
    factor: Decimal = Field(ge=0, le=1)


class Evidence(BaseModel):
    sales_window_days: int = Field(gt=0, le=3660)
    warn_haircut: Decimal = Field(ge=0, le=1)
    min_confidence: float = Field(ge=0, le=1)


Provenance = Literal["sealed_pdf", "bank_pdf", "paper", "export"]
PROVENANCES: tuple[Provenance, ...] = ("sealed_pdf", "bank_pdf", "paper", "export")


class Flows(BaseModel):
    """How operating flows count (a policy without this section reads none)."""

    min_months: int = Field(ge=1, description="Months a statement must cover before its takings count at all.")
    trim_share: Decimal = Field(ge=0, lt=Decimal("0.5"), description=(
        "The share of months dropped from each end before the monthly takings are averaged."))
    provenance: dict[Provenance, Decimal] = Field(description=(
        "What a transaction is worth by where its statement came from: `sealed_pdf` (a PDF whose signature is "
        "intact and anchored), `bank_pdf` (a text PDF as online banking makes it, unsigned), `paper` (a photo or "
        "scan of a printout) and `export` (a CSV, XLS or XLSX the merchant exported, the easiest to edit)."))

    @field_validator("provenance")
    @classmethod
    def _shares(cls, provenance: dict[str, Decimal]) -> dict[str, Decimal]:
        if missing := [p for p in PROVENANCES if p not in provenance]:
            raise ValueError(f"every provenance needs its worth; missing: {', '.join(missing)}")
        if any(not 0 <= v <= 1 for v in provenance.values()):
            raise ValueError("a provenance's worth is a share between 0 and 1")
        return provenance


class Uplift(BaseModel):
    share_of_annual_sales: Decimal = Field(gt=0, le=1)
    bases: dict[str, list[str]] = Field(default_factory=lambda: {"verified_annual_sales": list[str]()}, description=(
        "The features the uplift may rest on, each with the features that speak for it: the uplift is a share of "
        "the largest base, and the reasons of the features speaking for a base that was not chosen are not told."))
    trust: list[Trust] = Field(min_length=1)
    max_uplift: Decimal = Field(ge=0)
    max_multiple_of_current_limit: Decimal = Field(ge=0)
    round_down_to: Decimal = Field(gt=0)

    @field_validator("trust")
    @classmethod
    def _trust_descending(cls, trust: list[Trust]) -> list[Trust]:
        points = [t.min_points for t in trust]
        if points != sorted(points, reverse=True) or points[-1] != 0:
            raise ValueError("trust levels must go from the highest min_points down to 0")
        return trust


class Outcomes(BaseModel):
    fail_means: Literal["review", "decline"]
    warn_means: Literal["review", "auto_approve"]
    no_sales_means: Literal["review", "decline"]
    auto_approve_up_to: Decimal = Field(ge=0)
    hold_codes: list[str] = Field(default_factory=list, description=(
        "Check codes that, at warn or fail, hold the uplift at zero until a reviewer has looked."))
    review_codes: list[str] = Field(default_factory=list, description=(
        "Check codes that, at warn or fail, send the case to review with the uplift as computed."))
    unreadable_means: Literal["evidence_requested", "review", "decline"] = Field("evidence_requested", description=(
        "What an application becomes when it would earn nothing and some of its documents could not be read: "
        "`evidence_requested` asks the merchant to retake them, with the reason per document."))
    unreadable_codes: list[str] = Field(default_factory=lambda: ["quality.unreadable", "quality.not_evidence"],
                                        description="Check codes (at warn) that mark a document as not read.")

    @model_validator(mode="after")
    def _known_codes(self) -> Outcomes:
        # A code no check raises would never hold or route anything: a typo that silently disables a rule.
        unknown = unknown_codes([*self.hold_codes, *self.review_codes, *self.unreadable_codes])
        if unknown:
            raise ValueError(f"no check raises {', '.join(unknown)} (the catalogue is attest/data/checks.yaml)")
        return self


DEFAULT_POLICY = "credit-v5"
# Features a policy may add: read from licences, shop photos and contracts (attest/score/other_features.py).
OPTIONAL_FEATURES = ("business_age_years", "physical_presence", "contract_backlog", "signed_einvoices")
# Features read from operating flows (attest/score/flow_features.py); a policy naming any needs a `flows` section.
FLOW_FEATURES = ("verified_annual_takings", "active_months", "distinct_payers", "takings_stability",
                 "debt_service_cover", "corroborated_invoices")
REQUIRED_FEATURES = ("verified_annual_sales", "sales_invoice_count", "counterparty_diversity",
                     "verified_annual_purchases")


class Policy(BaseModel):
    version: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]+$")
    currency: Literal["CNY"]
    evidence: Evidence
    features: dict[str, Feature]
    uplift: Uplift
    outcomes: Outcomes
    flows: Flows | None = None

    @model_validator(mode="after")
    def _known_features(self) -> Policy:
        missing = [f for f in REQUIRED_FEATURES if f not in self.features]
        unknown = [f for f in self.features if f not in (*REQUIRED_FEATURES, *OPTIONAL_FEATURES, *FLOW_FEATURES)]
        if missing or unknown:
            raise ValueError(f"features missing: {missing or 'none'}; features attest cannot compute: "
                             f"{unknown or 'none'}")
        if self.flows is None and any(f in self.features for f in FLOW_FEATURES):
            raise ValueError("features read from operating flows need the policy's `flows` section")
        named = {f for speakers in self.uplift.bases.values() for f in speakers} | set(self.uplift.bases)
        if stray := sorted(named - set(self.features)):
            raise ValueError(f"uplift.bases names features the policy does not score: {', '.join(stray)}")
        return self


def parse_policy(text: str, *, source: str = "<policy>") -> Policy:
    """Validate a policy document; `PolicyError` says which field is wrong and why."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise PolicyError(f"{source}: a policy is a mapping of settings")
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(f"{source}: {problems(exc)}") from exc


def shipped_policies() -> list[str]:
    """The versions of the policies shipped in `attest/data/policies/`."""
    folder = resources.files("attest.data").joinpath("policies")
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


@cache
def load_policy(version: str = DEFAULT_POLICY) -> Policy:
    """A policy shipped in `attest/data/policies/`, by version."""
    path = resources.files("attest.data").joinpath(f"policies/{version}.yaml")
    if not path.is_file():
        raise PolicyError(f"no policy with version {version!r}")
    policy = parse_policy(path.read_text(encoding="utf-8"), source=f"policies/{version}.yaml")
    if policy.version != version:
        raise PolicyError(f"policies/{version}.yaml declares version {policy.version!r}")
    return policy
