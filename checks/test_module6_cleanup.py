"""Checks of module6, Cleanup: course-wide, nothing of the learner's is left that bills or holds data.

Every check looks at the learner's whole inventory (course/leftovers.py: the emulated account
on the embedded backend, the names carrying the learner id on AWS) across SageMaker, S3 and
CloudWatch Logs, and says, for each leftover, what it costs and the command that deletes it.
Each assertion message is the hint the learner sees.
"""
from __future__ import annotations

import pytest
from check_helpers import assert_notebook_ran

from course.leftovers import Scope, hourly_total, inventory


@pytest.fixture(scope="module")
def leftovers(run, aws):
    """Everything of the learner's still there after the notebook ran, by kind."""
    found = {}
    for item in inventory(aws, Scope(run.learner, whole_account=run.info.backend == "local"), run.region):
        found.setdefault(item.kind, []).append(item)
    return found


def _left(leftovers, *kinds) -> list:
    return [item for kind in kinds for item in leftovers.get(kind, [])]


def _listing(items) -> str:
    total = hourly_total(items)
    cost = f", about ${total:.2f} per hour together" if total >= 0.01 else ""
    shown = "; ".join(item.describe() for item in items[:6])
    more = f"; and {len(items) - 6} more (python grader.py cleanup lists them all)" if len(items) > 6 else ""
    return f"{len(items)} left{cost}: {shown}{more}."


def _did(run, value: str, exercise: str, what: str) -> None:
    assert value in run.recorded, (
        f"Your notebook did not run exercise '{exercise}' ({what}). Write it, then run the notebook again.")


@pytest.mark.group("outputs")
@pytest.mark.points(1)
def test_notebook_ran_without_error(run):
    """The notebook ran from top to bottom without an error."""
    assert_notebook_ran(run)


@pytest.mark.group("cleanup")
@pytest.mark.exercise("endpoints")
@pytest.mark.points(3)
def test_no_endpoint_or_job_left_running(run, leftovers):
    """No endpoint of yours is up and no job of yours is still running."""
    items = _left(leftovers, "Endpoint", "TrainingJob", "TransformJob")
    assert not items, f"Still billing by the hour: {_listing(items)}"
    _did(run, "cleanup_endpoints", "endpoints", "delete your endpoints, endpoint configurations and models")


@pytest.mark.group("cleanup")
@pytest.mark.exercise("endpoints")
@pytest.mark.points(1)
def test_no_endpoint_config_or_model_left(run, leftovers):
    """No endpoint configuration or model of yours is left (the models of transform jobs included)."""
    items = _left(leftovers, "EndpointConfig", "Model")
    assert not items, f"Endpoint configurations and models are free but clutter your account: {_listing(items)}"
    _did(run, "cleanup_endpoints", "endpoints", "delete your endpoints, endpoint configurations and models")


@pytest.mark.group("cleanup")
@pytest.mark.exercise("instance")
@pytest.mark.points(2)
def test_notebook_instance_deleted(run, leftovers):
    """Your notebook instance is stopped and deleted."""
    items = _left(leftovers, "NotebookInstance")
    assert not items, (f"A notebook instance bills while it runs, and its volume until it is deleted: "
                       f"{_listing(items)}")
    _did(run, "cleanup_instances", "instance", "stop and delete your notebook instance")


@pytest.mark.group("cleanup")
@pytest.mark.exercise("bucket")
@pytest.mark.points(2)
def test_bucket_emptied_and_deleted(run, leftovers):
    """Your course bucket, and any other bucket of yours, is emptied and deleted."""
    items = _left(leftovers, "Bucket")
    assert not items, f"A bucket bills for the data it holds: {_listing(items)}"
    _did(run, "cleanup_buckets", "bucket", "empty and delete your bucket")


@pytest.mark.group("cleanup")
@pytest.mark.exercise("logs")
@pytest.mark.points(1)
def test_logs_deleted(run, leftovers):
    """The logs of your jobs and endpoints are deleted from CloudWatch Logs."""
    items = _left(leftovers, "LogStream")
    assert not items, f"CloudWatch Logs bills for the logs it keeps: {_listing(items)}"
    _did(run, "cleanup_logs", "logs", "delete your log streams")
