"""What several modules' checks share: the first check of every module, and listing by pages."""
from __future__ import annotations


def assert_notebook_ran(run) -> None:
    """The notebook ran from top to bottom; else the hint names the cell that stopped it."""
    failure = run.failure
    assert failure is None, (
        f"{failure.get('message')} Fix that cell, then run the whole notebook again from the top "
        "(Kernel > Restart & Run All) before grading.")


def paged(client, operation: str, key: str, **kwargs) -> list[dict]:
    """Every item of a paginated List* call."""
    return [item for page in client.get_paginator(operation).paginate(**kwargs) for item in page[key]]
