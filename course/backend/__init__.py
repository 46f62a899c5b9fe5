"""Where AWS is: `local` (the embedded server with SageMaker emulation) or `aws` (a real account).

Both hand out a LearnerAccount; nothing after that knows which backend runs.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import BadInput

BACKENDS = ("local", "aws")


def resolve(name: str, state_file: Path, role_arn: str | None = None):
    if name == "local":
        from .local import LocalBackend

        return LocalBackend(state_file)
    if name == "aws":
        from .aws import AwsBackend

        return AwsBackend(role_arn)
    raise BadInput(f"Unknown backend {name!r}.", f"Use one of: {', '.join(BACKENDS)}.")
