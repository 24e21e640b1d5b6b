"""Migration 0003 fills the review queue's columns for applications decided before it, on both databases."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from ..api.conftest import database  # noqa: F401

NOW = "2026-11-28 10:00:00+00:00"


def _cfg(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).resolve().parents[2] / "attest/store/migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def test_decided_applications_get_outcome_uplift_and_check_codes(database: str) -> None:  # noqa: F811
    command.upgrade(_cfg(database), "0002")
    engine = sa.create_engine(database)
    assessment = {"decision": {"outcome": "review", "uplift": "1200.00"},
                  "checks": [{"code": "velocity.invoice_burst", "severity": "warn"},
                             {"code": "dup.invoice.cross_merchant", "severity": "pass"}]}
    result = {"checks": [{"code": "velocity.invoice_burst", "severity": "fail"},
                         {"code": "uscc.checksum", "severity": "warn"}, {"code": "invoice.date", "severity": "info"}]}
    with engine.begin() as c:
        c.execute(sa.text("INSERT INTO tenants (id, name, created_at) VALUES ('tnt_1', 't', :now)"), {"now": NOW})
        c.execute(sa.text("INSERT INTO merchants (id, tenant_id, name, uscc, current_limit, created_at) VALUES "
                          "('mer_1', 'tnt_1', 'm', '913301000000000001', 0, :now)"), {"now": NOW})
        for app_id, status, body in [("app_1", "decided", json.dumps(assessment)), ("app_2", "open", None)]:
            c.execute(sa.text("INSERT INTO applications (id, tenant_id, merchant_id, status, created_at, "
                              "assessment_json) VALUES (:id, 'tnt_1', 'mer_1', :st, :now, :a)"),
                      {"id": app_id, "st": status, "now": NOW, "a": body})
        c.execute(sa.text("INSERT INTO documents (id, application_id, sha256, filename, size, status, result_json, "
                          "created_at) VALUES ('doc_1', 'app_1', :sha, 'a.png', 1, 'done', :r, :now)"),
                  {"sha": "0" * 64, "r": json.dumps(result), "now": NOW})
    command.upgrade(_cfg(database), "head")
    with engine.connect() as c:
        rows = c.execute(sa.text("SELECT id, outcome, uplift, version, round FROM applications ORDER BY id")).all()
        checks = c.execute(sa.text("SELECT code, severity FROM application_checks ORDER BY code")).all()
    engine.dispose()
    assert [(r[0], r[1], None if r[2] is None else float(r[2]), r[3], r[4]) for r in rows] == [
        ("app_1", "review", 1200.0, 1, 0), ("app_2", None, None, 1, 0)]
    assert [tuple(r) for r in checks] == [("uscc.checksum", "warn"), ("velocity.invoice_burst", "fail")]
