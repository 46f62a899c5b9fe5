"""pytest glue for checks/: the options, markers and fixtures every module's checks use.

`run` (the executed notebook, its failure, recorded values), `ledger` (the AWS calls it made)
`aws` (boto3 clients acting as the learner) and `store` (the progress store) are bound to one grading run: in-process by
course/verdict.py, or from a run folder with `pytest checks/<file> --grader-run RUN_DIR`
while `python grader.py backend` still runs.
"""
from __future__ import annotations

import pytest

from course import verdict


def pytest_addoption(parser):
    group = parser.getgroup("grader")
    group.addoption("--grader-run", default=None, help="the run folder of a grading run to check again")


def pytest_configure(config):
    config.addinivalue_line("markers", "points(n): points a check is worth (default 1)")
    config.addinivalue_line("markers", "group(name): outputs, resources or cleanup")
    config.addinivalue_line("markers", "exercise(name): the exercise whose work the check grades")


@pytest.fixture(scope="session")
def grading(request) -> verdict.CheckContext:
    context = request.config.stash.get(verdict.CONTEXT_KEY, None)
    if context is None:
        run_dir = request.config.getoption("--grader-run")
        if not run_dir:
            pytest.skip("checks run through `python grader.py <module>` (or with --grader-run RUN_DIR)")
        context = verdict.CheckContext.from_run_dir(run_dir)
    return context


@pytest.fixture(scope="session")
def run(grading):
    return grading.run


@pytest.fixture(scope="session")
def ledger(grading):
    return grading.run.ledger()


@pytest.fixture(scope="session")
def aws(grading):
    return grading.clients


@pytest.fixture(scope="session")
def store(grading):
    """The progress store of this grading (module0 checks the learner's registration there)."""
    return grading.store
