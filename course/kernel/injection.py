"""Everything installed into a grading kernel at start-up: SDK fixes and the ledger recorder."""
from __future__ import annotations

import os

from . import ledger_recorder, sdk_fixes


def install() -> None:
    sdk_fixes.install(embedded=bool(os.environ.get("AWS_ENDPOINT_URL")))
    if os.environ.get("GRADER_LEDGER"):
        ledger_recorder.install(os.environ["GRADER_LEDGER"])
