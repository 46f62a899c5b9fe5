"""One grading run as the checks see it: who, what was executed, what it recorded and left.

Saved as run.json in the run folder (never with credentials), so a run can be checked again
with `pytest checks/... --grader-run RUN_DIR` while its backend still holds its resources
(a `python grader.py backend` that still runs, or the AWS account).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .ledger import Ledger


@dataclass
class RunInfo:
    learner: str
    module: str
    backend: str
    endpoint_url: str | None
    account_id: str
    region: str
    role_arn: str
    bucket: str
    prefix: str
    parameters: dict
    run_dir: str
    notebook: str  # the notebook that was executed
    failure: dict | None = None
    execution_seconds: float | None = None
    extra: dict = field(default_factory=dict)

    def save(self) -> None:
        Path(self.run_dir, "run.json").write_text(json.dumps(asdict(self), indent=1))

    @classmethod
    def load(cls, run_dir: Path) -> RunInfo:
        return cls(**json.loads(Path(run_dir, "run.json").read_text()))


class Run:
    """What checks get as the `run` fixture."""

    def __init__(self, info: RunInfo):
        self.info = info
        self.dir = Path(info.run_dir)
        self.learner = info.learner
        self.bucket, self.prefix, self.region = info.bucket, info.prefix, info.region
        self.failure = info.failure
        self._recorded = None

    @property
    def recorded(self) -> dict:
        if self._recorded is None:
            path = self.dir / "recorded.json"
            self._recorded = json.loads(path.read_text()) if path.exists() else {}
        return self._recorded

    def ledger(self) -> Ledger:
        return Ledger.read(self.dir / "ledger.jsonl")

    def file(self, relative: str) -> Path:
        return self.dir / relative
