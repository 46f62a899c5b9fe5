"""`record(name=value, ...)`: values a notebook reports to the grader (sizes, rates, names).

Checks compare these with what the resources say, so a value is only trusted when AWS agrees.
Outside a grading run (no GRADER_RECORD) it only keeps the values in memory.
"""
from __future__ import annotations

import json
import os

_VALUES: dict = {}


def _plain(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def record(**values) -> None:
    _VALUES.update(json.loads(json.dumps(values, default=_plain)))
    path = os.environ.get("GRADER_RECORD")
    if path:
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(_VALUES, handle)
        os.replace(tmp, path)
