"""review state, optimistic locking and the review queue's columns

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 05:10:00
"""
from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

_RANK = {"warn": 1, "fail": 2}


def upgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('round', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('outcome', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('uplift', sa.Numeric(precision=16, scale=2), nullable=True))
        batch_op.add_column(sa.Column('review_action', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('review_uplift', sa.Numeric(precision=16, scale=2), nullable=True))
        batch_op.add_column(sa.Column('review_json', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_by', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key("fk_applications_reviewed_by", 'reviewers', ['reviewed_by'], ['id'])
        batch_op.create_index('ix_applications_queue', ['tenant_id', 'status', 'outcome', 'review_action',
                                                        'submitted_at', 'uplift', 'merchant_id', 'id'], unique=False)
    op.create_table('application_checks',
    sa.Column('application_id', sa.String(length=40), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
    sa.PrimaryKeyConstraint('application_id', 'code')
    )
    with op.batch_alter_table('application_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_checks_code'), ['code'], unique=False)
    _backfill()


def _backfill() -> None:
    """Applications decided before this revision get their queue columns from their stored assessment and
    documents, so the review queue shows them like new ones."""
    bind = op.get_bind()
    apps = bind.execute(sa.text("SELECT id, assessment_json FROM applications WHERE assessment_json IS NOT NULL"))
    for app_id, assessment_json in apps.fetchall():
        assessment = json.loads(assessment_json)
        worst: dict[str, str] = {}
        docs = bind.execute(sa.text("SELECT result_json FROM documents WHERE application_id = :a AND "
                                    "result_json IS NOT NULL"), {"a": app_id}).fetchall()
        checks = list(assessment.get("checks", []))
        for (result_json,) in docs:
            checks += json.loads(result_json).get("checks", [])
        for c in checks:
            if c["severity"] in _RANK and _RANK[c["severity"]] > _RANK.get(worst.get(c["code"], ""), 0):
                worst[c["code"]] = c["severity"]
        decision = assessment["decision"]
        bind.execute(sa.text("UPDATE applications SET outcome = :o, uplift = :u WHERE id = :a"),
                     {"o": decision["outcome"], "u": decision["uplift"], "a": app_id})
        for code, severity in worst.items():
            bind.execute(sa.text("INSERT INTO application_checks (application_id, code, severity) "
                                 "VALUES (:a, :c, :s)"), {"a": app_id, "c": code, "s": severity})


def downgrade() -> None:
    with op.batch_alter_table('application_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_checks_code'))
    op.drop_table('application_checks')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_queue')
        batch_op.drop_constraint("fk_applications_reviewed_by", type_="foreignkey")
        for column in ('reviewed_at', 'reviewed_by', 'review_json', 'review_uplift', 'review_action', 'uplift',
                       'outcome', 'round', 'version'):
            batch_op.drop_column(column)
