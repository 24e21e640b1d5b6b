"""Reviewer accounts: scrypt password hashes; a login returns a session key (a short-lived API key)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import select

from attest.api.auth import new_key
from attest.api.problems import Problem
from attest.store.db import Database
from attest.store.models import Reviewer, Tenant, utcnow

SESSION_HOURS = 8
_N, _R, _P = 2**14, 8, 1  # scrypt cost (n=2^14, r=8): 16 MiB per check, slow enough to bound guessing


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def check_password(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


def add_tenant(db: Database, name: str) -> str:
    """A new tenant (a bank or programme); its id."""
    with db.session() as s:
        t = Tenant(name=name)
        s.add(t)
        s.flush()
        return t.id


def add_reviewer(db: Database, *, tenant_id: str, username: str, password: str, role: str = "reviewer") -> str:
    if role not in ("reviewer", "admin"):
        raise ValueError("role must be reviewer or admin")
    if len(password) < 12:
        raise ValueError("a reviewer password needs at least 12 characters")
    with db.session() as s:
        if s.get(Tenant, tenant_id) is None:
            raise ValueError(f"no tenant {tenant_id}")
        r = Reviewer(tenant_id=tenant_id, username=username, password_hash=hash_password(password), role=role)
        s.add(r)
        s.flush()
        return r.id


# Compared against when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY = hash_password(secrets.token_hex(16))


def login(db: Database, *, tenant_id: str, username: str, password: str) -> tuple[str, str]:
    """(session key, role) for a right password; 401 for anything else, without saying which part was wrong."""
    with db.session() as s:
        r = s.scalar(select(Reviewer).where(Reviewer.tenant_id == tenant_id, Reviewer.username == username))
    ok = check_password(password, r.password_hash if r is not None else _DUMMY)
    if r is None or not ok or r.disabled:
        raise Problem(401, "login-failed", "Unknown account or wrong password")
    key = new_key(db, tenant_id=r.tenant_id, role=r.role, reviewer_id=r.id,
                  expires_at=utcnow() + timedelta(hours=SESSION_HOURS))
    return key, r.role
