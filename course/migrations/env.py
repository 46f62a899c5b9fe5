"""Alembic's environment for the progress store: runs on the connection the Store hands it."""
from __future__ import annotations

from alembic import context

from course.progress import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
