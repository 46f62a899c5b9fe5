"""Reading a run's ledger: the mutating AWS calls the learner's notebook made, in order.

Written by course/kernel/ledger_recorder.py, one JSON object per line. Checks use it to find
what this run created (not what another run or another learner did) and to follow lineage.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Call:
    service: str
    operation: str
    status: int | None
    params: dict = field(default_factory=dict)
    result: dict = field(default_factory=dict)
    error: dict | None = None
    agent: str = "sdk"
    time: str = ""
    response: dict = field(default_factory=dict)  # InvokeEndpoint: bytes, content_type, text

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class Ledger:
    def __init__(self, calls: list[Call]):
        self.calls = calls

    @classmethod
    def read(cls, path: Path) -> Ledger:
        calls = []
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    raw = json.loads(line)
                except ValueError:
                    continue  # a line cut short by a dying kernel
                calls.append(Call(raw.get("service", ""), raw.get("operation", ""), raw.get("status"),
                                  raw.get("params") or {}, raw.get("result") or {}, raw.get("error"),
                                  raw.get("agent", "sdk"), raw.get("time", ""), raw.get("response") or {}))
        return cls(calls)

    def __len__(self) -> int:
        return len(self.calls)

    def succeeded(self, operation: str) -> list[Call]:
        """Successful calls of one operation, e.g. 'CreateTrainingJob', oldest first."""
        return [c for c in self.calls if c.operation == operation and c.ok]

    def created(self, kind: str) -> list[Call]:
        """Successful Create<kind> calls, e.g. created('Endpoint')."""
        return self.succeeded(f"Create{kind}")

    def names_created(self, kind: str) -> list[str]:
        key = f"{kind}Name"
        return [c.params.get(key) for c in self.created(kind) if c.params.get(key)]
