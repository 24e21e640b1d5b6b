"""Tables. Ids are opaque strings (prefix + random), money is Numeric, results are stored as JSON text."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import DateTime, ForeignKey, Index, Integer, Numeric, String, Text, TypeDecorator, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(10)}"


def utcnow() -> datetime:
    return datetime.now(UTC)


def utc_moments(n: int) -> list[datetime]:
    """`n` timestamps from now, a microsecond apart: rows inserted together keep their order under an
    `ORDER BY created_at` (clock readings this close are often equal)."""
    now = utcnow()
    return [now + timedelta(microseconds=i) for i in range(n)]


class UtcDateTime(TypeDecorator[datetime]):
    """Timestamps in UTC, read back with their zone: SQLite keeps none, and an API answer must carry one."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class Base(DeclarativeBase):
    # Every timestamp is stored with its zone (UTC): PostgreSQL `timestamptz`, ISO text in SQLite.
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime()}


class Tenant(Base):
    """A bank or programme running attest; every row below belongs to one."""

    __tablename__ = "tenants"
    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("tnt"))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiKey(Base):
    """A client app's key: only its SHA-256 is kept; `merchant_id` narrows it to one merchant's data."""

    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("key"))
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    merchant_id: Mapped[str | None] = mapped_column(ForeignKey("merchants.id"), nullable=True)
    role: Mapped[str] = mapped_column(String(20))  # client | merchant | reviewer | admin
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    revoked: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A reviewer's login session is a key too: short-lived, tied to the account.
    reviewer_id: Mapped[str | None] = mapped_column(ForeignKey("reviewers.id"), nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(nullable=True)


class Reviewer(Base):
    """A person who reviews applications: a login (scrypt password hash), a role, one tenant."""

    __tablename__ = "reviewers"
    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("rev"))
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    username: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # reviewer | admin
    disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("tenant_id", "username"),)


class Merchant(Base):
    __tablename__ = "merchants"
    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("mer"))
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str] = mapped_column(String(18))
    industry: Mapped[str | None] = mapped_column(String(40), nullable=True)
    city: Mapped[str | None] = mapped_column(String(60), nullable=True)
    city_tier: Mapped[int | None] = mapped_column(Integer, nullable=True)
    current_limit: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal(0))
    declared_monthly_revenue: Mapped[Decimal | None] = mapped_column(Numeric(16, 2), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("tenant_id", "uscc"),)


class Application(Base):
    """A request for uplift: open (uploads) → submitted → decided (or failed)."""

    __tablename__ = "applications"
    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("app"))
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(nullable=True)
    assessment_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    trail_jsonl: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Bumped by every change a person makes (a review action): a form carries the version it was drawn
    # from, and an action on a case that changed since is refused instead of overwriting the other's work.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # 0 for the first assessment; a reviewer's request for more evidence reopens the case for round + 1.
    round: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The machine's decision, copied out of `assessment_json` so the review queue can filter and sort on it.
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    uplift: Mapped[Decimal | None] = mapped_column(Numeric(16, 2), nullable=True)
    # The reviewer's last action: approved | adjusted | declined | evidence_requested (None: not reviewed).
    review_action: Mapped[str | None] = mapped_column(String(30), nullable=True)
    review_uplift: Mapped[Decimal | None] = mapped_column(Numeric(16, 2), nullable=True)
    review_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    reviewed_by: Mapped[str | None] = mapped_column(ForeignKey("reviewers.id"), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # Covers every column the review queue reads, so listing cases never touches the rows themselves: in
    # SQLite the columns added after the large JSON ones sit behind their overflow pages.
    __table_args__ = (Index("ix_applications_queue", "tenant_id", "status", "outcome", "review_action",
                            "submitted_at", "uplift", "merchant_id", "id"),)


class ApplicationCheck(Base):
    """Each check code an application or its documents raised at warn or fail (its worst severity): what the
    review queue filters on, without parsing every stored result."""

    __tablename__ = "application_checks"
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(80), primary_key=True, index=True)
    severity: Mapped[str] = mapped_column(String(10))


class Document(Base):
    """One upload in one application; its bytes live in the blob store under `sha256`."""

    __tablename__ = "documents"
    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("doc"))
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    group_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued | processing | done | refused
    result_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    error_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("application_id", "sha256"),)


class Job(Base):
    """Work recorded before it runs: a worker claims it with a token; a stale claim is taken over."""

    __tablename__ = "jobs"
    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("job"))
    kind: Mapped[str] = mapped_column(String(30))  # process_document | assess_application
    target_id: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued | running | done | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claim: Mapped[str | None] = mapped_column(String(40), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (Index("ix_jobs_status_created", "status", "created_at"),
                      UniqueConstraint("kind", "target_id"))


class IdempotentResponse(Base):
    """The first response to a POST carrying an `Idempotency-Key`, replayed for any repeat of it."""

    __tablename__ = "idempotent_responses"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)  # api key id + the client's key
    fingerprint: Mapped[str] = mapped_column(String(64))  # method, path and body hash: reuse with other data is refused
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
