"""`data/application.yaml` as a validated model: a typo or an out-of-range threshold stops the process at the
first use with the field named, instead of a KeyError (or a silently wrong check) mid-assessment."""

from __future__ import annotations

from functools import cache

from pydantic import Field

from attest.data.spec import Spec, validated


class Identity(Spec):
    same_name: int = Field(ge=0, le=100)


class InvoiceBurst(Spec):
    days: int = Field(gt=0)
    min_invoices: int = Field(ge=1)
    min_share: float = Field(gt=0, le=1)


class Declared(Spec):
    declared_vs_evidenced: float = Field(gt=0)


class StatementHolder(Spec):
    same_name: int = Field(ge=0, le=100)


class RoundTrip(Spec):
    days: int = Field(ge=0)
    tolerance: float = Field(ge=0, lt=1)
    min_pairs: int = Field(ge=1)
    min_share: float = Field(gt=0, le=1)


class Wash(Spec):
    round_to: int = Field(gt=0)
    max_payers: int = Field(ge=1)
    min_share: float = Field(gt=0, le=1)
    min_rows: int = Field(ge=1)


class PassThrough(Spec):
    days: int = Field(ge=0)
    tolerance: float = Field(ge=0, lt=1)
    min_share: float = Field(gt=0, le=1)
    min_rows: int = Field(ge=1)


class Spike(Spec):
    factor: float = Field(gt=1)
    min_months: int = Field(ge=1)


class Corroboration(Spec):
    days_before: int = Field(ge=0)
    days_after: int = Field(ge=0)
    tolerance: float = Field(ge=0)
    same_name: int = Field(ge=0, le=100)


class ApplicationSpec(Spec):
    version: int
    identity: Identity
    invoice_burst: InvoiceBurst
    declared: Declared
    statement_holder: StatementHolder
    round_trip: RoundTrip
    wash: Wash
    pass_through: PassThrough
    last_month_spike: Spike
    corroboration: Corroboration


@cache
def application_spec() -> ApplicationSpec:
    return validated("application", ApplicationSpec)
