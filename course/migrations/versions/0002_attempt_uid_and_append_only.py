"""Attempts get a uid (imports are idempotent) and their output notebook; attempts and their check
results become append-only in the database itself.

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

APPEND_ONLY = ("attempts", "check_results")


def upgrade() -> None:
    with op.batch_alter_table("attempts") as batch:
        batch.add_column(sa.Column("uid", sa.String(36), nullable=True))
        batch.add_column(sa.Column("output_notebook", sa.Text, nullable=False, server_default=""))
    connection = op.get_bind()
    attempts = sa.table("attempts", sa.column("id", sa.Integer), sa.column("uid", sa.String),
                        sa.column("run_dir", sa.Text), sa.column("output_notebook", sa.Text))
    for row in connection.execute(sa.select(attempts.c.id, attempts.c.run_dir)).all():
        connection.execute(attempts.update().where(attempts.c.id == row.id).values(
            uid=str(uuid.uuid4()), output_notebook=f"{row.run_dir}/output.ipynb" if row.run_dir else ""))
    op.create_index("ix_attempts_uid", "attempts", ["uid"], unique=True)
    op.create_index("ix_attempts_learner_module", "attempts", ["learner", "module"])
    dialect = connection.dialect.name
    for table in APPEND_ONLY:
        if dialect == "sqlite":
            for action in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_append_only_{action.lower()} BEFORE {action} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END")
        elif dialect == "postgresql":
            op.execute(f"""CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION '{table} are append-only'; END $$""")
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == "sqlite":
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_{action}")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
    op.drop_index("ix_attempts_learner_module", "attempts")
    op.drop_index("ix_attempts_uid", "attempts")
    with op.batch_alter_table("attempts") as batch:
        batch.drop_column("output_notebook")
        batch.drop_column("uid")
