"""API keys: `atk_<prefix>_<secret>`; only the secret's SHA-256 is stored. A key belongs to one tenant and has a
role; a `merchant` key reaches one merchant's data only."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from attest.api.problems import Problem
from attest.store.db import Database
from attest.store.models import ApiKey, utcnow

ROLES = ("client", "merchant", "reviewer", "admin")
log = logging.getLogger("attest.auth")


@dataclass(frozen=True)
class Principal:
    key_id: str
    tenant_id: str
    role: str
    merchant_id: str | None
    reviewer_id: str | None = None  # set for a reviewer's login session

    def may_see(self, tenant_id: str, merchant_id: str) -> bool:
        return self.tenant_id == tenant_id and (self.merchant_id is None or self.merchant_id == merchant_id)

    def require_uploader(self) -> None:
        """Applications and uploads come from client apps and merchants; reviewers only read (and decide)."""
        if self.role not in ("client", "merchant", "admin"):
            raise Problem(403, "forbidden", f"A {self.role} key cannot change applications")


def new_key(db: Database, *, tenant_id: str, role: str, merchant_id: str | None = None,
            reviewer_id: str | None = None, expires_at: datetime | None = None) -> str:
    """Create a key (or a reviewer's session key) and return it in full: the only time it is ever shown."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    with db.session() as s:
        s.add(ApiKey(tenant_id=tenant_id, role=role, merchant_id=merchant_id, prefix=prefix,
                     secret_sha256=hashlib.sha256(secret.encode()).hexdigest(), reviewer_id=reviewer_id,
                     expires_at=expires_at))
    return f"atk_{prefix}_{secret}"


class Authenticator:
    """Checks keys against the database, remembering verified ones for `ttl_s`: a phone uploading pages back
    to back costs one lookup, and a revoked key or an expired session stops working within that time."""

    def __init__(self, db: Database, *, ttl_s: float = 10.0, size: int = 10_000) -> None:
        self.db, self.ttl_s, self.size = db, ttl_s, size
        self._seen: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _digest(header: str | None) -> str:
        # Remembered by the header's digest, so no key is held in memory in the clear.
        return hashlib.sha256((header or "").encode()).hexdigest()

    def remembered(self, header: str | None, digest: str | None = None) -> Principal | None:
        """The key's principal if it was verified within `ttl_s`, else None; never touches the database."""
        with self._lock:
            hit = self._seen.get(digest or self._digest(header))
        return hit[1] if hit is not None and time.monotonic() - hit[0] < self.ttl_s else None

    def __call__(self, header: str | None) -> Principal:
        digest = self._digest(header)
        who = self.remembered(header, digest)
        if who is not None:
            return who
        who = _authenticate(self.db, header)
        with self._lock:
            if len(self._seen) >= self.size:
                self._seen.clear()
            self._seen[digest] = (time.monotonic(), who)
        return who

    def forget(self, header: str) -> None:
        """Drop a remembered key at once (a reviewer logged out), instead of within `ttl_s`."""
        with self._lock:
            self._seen.pop(self._digest(header), None)


def _authenticate(db: Database, header: str | None) -> Principal:
    if not header:
        raise Problem(401, "unauthorized", "An API key is required", "send `Authorization: Bearer atk_…`")
    token = header.removeprefix("Bearer ").strip()
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != "atk":
        raise Problem(401, "unauthorized", "Malformed API key")
    with db.session() as s:
        key = s.scalar(select(ApiKey).where(ApiKey.prefix == parts[1]))
    digest = hashlib.sha256(parts[2].encode()).hexdigest()
    if key is None or key.revoked or not hmac.compare_digest(digest, key.secret_sha256):
        raise Problem(401, "unauthorized", "Unknown or revoked API key")
    if key.expires_at is not None and key.expires_at <= utcnow():
        raise Problem(401, "unauthorized", "The session has expired; log in again")
    return Principal(key_id=key.id, tenant_id=key.tenant_id, role=key.role, merchant_id=key.merchant_id,
                     reviewer_id=key.reviewer_id)


class RateLimiter:
    """A fixed one-minute window per key, in this process (the in-process set-up: one API process)."""

    blocks = False  # checked in memory: fine on the event loop

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._windows: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def check(self, key_id: str) -> None:
        minute = int(time.time() // 60)
        with self._lock:
            start, count = self._windows.get(key_id, (minute, 0))
            if start != minute:
                start, count = minute, 0
            if count >= self.per_minute:
                raise Problem(429, "rate-limited", "Too many requests for this API key",
                              retry_after=60 - int(time.time() % 60))
            self._windows[key_id] = (start, count + 1)


class SharedRateLimiter:
    """The same one-minute window per key, counted in Redis, so several API processes share one limit. If Redis
    cannot be reached the request is let through (and logged): uploads matter more than strict limiting."""

    blocks = True  # a network round trip: run off the event loop

    def __init__(self, per_minute: int, client: Any, *, pause_s: float = 5.0) -> None:
        self.per_minute, self.client, self.pause_s = per_minute, client, pause_s
        self._skip_until = 0.0  # after a failure, Redis is left alone for a moment: no request waits on it

    def check(self, key_id: str) -> None:
        now = time.time()
        if now < self._skip_until:
            return
        window = f"attest:ratelimit:{key_id}:{int(now // 60)}"
        try:
            pipe = self.client.pipeline()
            pipe.incr(window)
            pipe.expire(window, 120)
            count = int(pipe.execute()[0])
        except Exception:
            self._skip_until = now + self.pause_s
            log.warning("rate limiter unavailable for %.0f s; requests allowed", self.pause_s, exc_info=True)
            return
        if count > self.per_minute:
            raise Problem(429, "rate-limited", "Too many requests for this API key", retry_after=60 - int(now % 60))
