"""`register(learner, name, account_id, region)`: module0's last step, run in the learner's kernel.

It writes the learner's registration to the progress store the grader uses (GRADER_STORE, set
in the kernel by course.kernel.kernel_environment), so the instructor's class list knows who the
learner id belongs to, and records it for module0's checks.
"""
from __future__ import annotations

import os

from .record import record

PLACEHOLDERS = {"", "your name", "first last", "ada lovelace"}


def register(learner: str, name: str, account_id: str = "", region: str = "") -> dict:
    """Register `learner` as `name`; raises ValueError for an id or a name that cannot be used."""
    from ..learners import validate
    from ..progress import Store

    validate(learner)
    name = " ".join(str(name or "").split())
    if name.lower() in PLACEHOLDERS or len(name) > 100:
        raise ValueError(f"{name!r} is not a name to register: write your own name (at most 100 characters).")
    url = os.environ.get("GRADER_STORE")
    if not url:
        raise RuntimeError("No progress store is configured in this kernel. Run the notebook with "
                           "`python grader.py module0`, or open it with `python grader.py lab`.")
    row = Store(url).register(learner, name, account_id=account_id, region=region)
    registration = {"learner": row.learner, "name": row.name, "account_id": row.account_id,
                    "region": row.region, "updated": row.updated.isoformat()}
    record(registration=registration)
    return registration
