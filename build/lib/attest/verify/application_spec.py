"""`data/application.yaml` as a validated model: a typo or an out-of-range threshold stops the process at the
first use with the field named, instead of a KeyError (or a silently wrong check) mid-assessment."""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from attest.data import load


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Identity(_Strict):
    same_name: int = Field(ge=0, le=100)


class InvoiceBurst(_Strict):
    days: int = Field(gt=0)
    min_invoices: int = Field(ge=1)
    min_share: float = Field(gt=0, le=1)


class Declared(_Strict):
    declared_vs_evidenced: float = Field(gt=0)


class ApplicationSpec(_Strict):
    version: int
    identity: Identity
    invoice_burst: InvoiceBurst
    declared: Declared


@cache
def application_spec() -> ApplicationSpec:
    return ApplicationSpec.model_validate(load("application"))
