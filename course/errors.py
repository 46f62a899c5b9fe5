"""Errors a learner can act on: one-line cause, what to do, and the CLI exit code.

Everything the grader refuses or cannot do ends up as a GraderError, so grader.py can print
one line and exit with the documented code, and the attempt can still be recorded.
"""
from __future__ import annotations

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INFRASTRUCTURE = 3


class GraderError(Exception):
    """A failure with a learner-facing cause and remedy."""

    exit_code = EXIT_INFRASTRUCTURE

    def __init__(self, cause: str, action: str = ""):
        super().__init__(cause)
        self.cause = cause
        self.action = action

    def one_line(self) -> str:
        return f"{self.cause} {self.action}".strip()


class BadInput(GraderError):
    """The learner asked for something that cannot be graded as given."""

    exit_code = EXIT_BAD_INPUT


class InfrastructureError(GraderError):
    """The backend, the kernel or the machine failed, not the learner's work."""

    exit_code = EXIT_INFRASTRUCTURE
