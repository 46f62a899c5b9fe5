"""Learner ids: validated once, then used in resource names, paths and account ids."""
from __future__ import annotations

import getpass
import hashlib
import os
import re

from .errors import BadInput

LEARNER_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,18}[a-z0-9]$")


def validate(learner: str) -> str:
    """Learner ids end up in S3 bucket and SageMaker names, so they follow both rule sets."""
    if not LEARNER_PATTERN.fullmatch(learner or ""):
        raise BadInput(
            f"Learner id {learner!r} is not valid.",
            "Use 2-20 lowercase letters, digits or hyphens, starting with a letter "
            "(e.g. --learner alice).",
        )
    return learner


def default_learner() -> str:
    """GRADER_LEARNER, else the login name made safe for resource names."""
    raw = os.environ.get("GRADER_LEARNER") or getpass.getuser() or "learner"
    name = re.sub(r"[^a-z0-9-]+", "-", raw.lower()).strip("-")
    if len(name) < 2 or not name[0].isalpha():
        name = f"learner-{name}".strip("-")
    return name[:20].rstrip("-")


def emulated_account_id(learner: str) -> str:
    """One stable 12-digit account per learner, as the workshop asks one learner per account."""
    digest = int(hashlib.sha256(learner.encode()).hexdigest(), 16)
    return str(100_000_000_000 + digest % 899_999_999_999)
