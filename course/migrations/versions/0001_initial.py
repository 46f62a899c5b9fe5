"""The first store: learners, their registrations, attempts and check results.

Revision ID: 0001
Revises:
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "learners",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("registered", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "registrations",
        sa.Column("learner", sa.String(64), sa.ForeignKey("learners.id"), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("registered", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("learner", sa.String(64), sa.ForeignKey("learners.id"), nullable=False),
        sa.Column("module", sa.String(64), nullable=False),
        sa.Column("started", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reference", sa.Boolean, nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("max_score", sa.Integer, nullable=False),
        sa.Column("backend", sa.String(16), nullable=False),
        sa.Column("notebook", sa.Text, nullable=False),
        sa.Column("notebook_sha256", sa.String(64), nullable=False),
        sa.Column("run_dir", sa.Text, nullable=False),
        sa.Column("seconds", sa.Float, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("exit_code", sa.Integer, nullable=False),
    )
    op.create_index("ix_attempts_learner", "attempts", ["learner"])
    op.create_index("ix_attempts_module", "attempts", ["module"])
    op.create_table(
        "check_results",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("attempt_id", sa.Integer, sa.ForeignKey("attempts.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("group", sa.String(32), nullable=False),
        sa.Column("points", sa.Integer, nullable=False),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("hint", sa.Text, nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("exercise", sa.String(64), nullable=True),
    )
    op.create_index("ix_check_results_attempt_id", "check_results", ["attempt_id"])


def downgrade() -> None:
    for table in ("check_results", "attempts", "registrations", "learners"):
        op.drop_table(table)
