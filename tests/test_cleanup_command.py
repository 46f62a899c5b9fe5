"""`grader.py cleanup` for real: one learner's leftovers go, another learner's stay.

Resources are made with boto3 as each learner on the shared embedded backend; the command runs
as a learner would type it. The names-carry-the-learner-id scope of `--backend aws` is tested on
one emulated account that two learners share, as a class sharing one AWS account would.
"""
from __future__ import annotations

import io

import pytest
from helpers import run_grader
from rich.console import Console

from course import cleanup_command, leftovers
from course.backend.account import Clients
from course.backend.local import LocalBackend

pytestmark = pytest.mark.slow
XGBOOST = "811284229777.dkr.ecr.us-east-1.amazonaws.com/xgboost:1"


def _account(home, learner: str, region: str = "us-east-1"):
    return LocalBackend(home / "backend.json").running().account_for(learner, region)


def _leave_things(account, tag: str) -> None:
    """A model, a notebook instance, a bucket with an object and a log stream, all named with `tag`."""
    clients = Clients(account)
    clients.sagemaker.create_model(ModelName=f"model-{tag}", ExecutionRoleArn=account.role_arn,
                                   PrimaryContainer={"Image": XGBOOST, "ModelDataUrl": "s3://x/model.tar.gz"})
    clients.sagemaker.create_notebook_instance(NotebookInstanceName=f"smworkshop-{tag}", InstanceType="ml.t3.medium",
                                               RoleArn=account.role_arn)
    bucket = f"smworkshop-{tag}-{account.account_id}" + ("" if account.region == "us-east-1" else f"-{account.region}")
    location = {} if account.region == "us-east-1" else {
        "CreateBucketConfiguration": {"LocationConstraint": account.region}}
    clients.s3.create_bucket(Bucket=bucket, **location)
    clients.s3.put_object(Bucket=bucket, Key="data/train.libsvm", Body=b"1 0:1\n")
    try:
        clients.logs.create_log_group(logGroupName="/aws/sagemaker/TrainingJobs")
    except clients.logs.exceptions.ResourceAlreadyExistsException:
        pass
    clients.logs.create_log_stream(logGroupName="/aws/sagemaker/TrainingJobs", logStreamName=f"job-{tag}/algo-1")


def _kinds(account, learner: str, whole_account: bool = True) -> list[str]:
    return sorted(item.kind for item in leftovers.inventory(Clients(account), leftovers.Scope(learner, whole_account)))


def test_cleanup_deletes_one_learners_leftovers_and_leaves_anothers(shared_home):
    mine, theirs = _account(shared_home, "tidy"), _account(shared_home, "messy")
    _leave_things(mine, "tidy")
    _leave_things(theirs, "messy")
    expected = ["Bucket", "LogStream", "Model", "NotebookInstance"]
    assert _kinds(mine, "tidy") == _kinds(theirs, "messy") == expected
    _leave_things(_account(shared_home, "tidy", "eu-west-1"), "tidy")  # in another course region too
    expected_mine = ["Bucket", "Bucket", "LogStream", "Model", "NotebookInstance"]  # S3 lists buckets of all regions

    asked = run_grader(shared_home, "cleanup", "--learner", "tidy")  # no terminal to answer: nothing deleted
    assert asked.code == 1, asked.output
    assert "Nothing deleted" in asked.stdout and "--yes" in asked.stdout and "smworkshop-tidy" in asked.stdout
    assert "about $0.05 per hour" in asked.stdout and "eu-west-1" in asked.stdout
    assert _kinds(mine, "tidy") == expected_mine

    done = run_grader(shared_home, "cleanup", "--learner", "tidy", "--yes")
    assert done.code == 0, done.output
    assert "Deleted all 8" in done.stdout, done.stdout  # 3 per region and both buckets, listed once
    assert _kinds(mine, "tidy") == [] and _kinds(_account(shared_home, "tidy", "eu-west-1"), "tidy") == []
    assert _kinds(theirs, "messy") == expected, "another learner's resources are never touched"

    again = run_grader(shared_home, "cleanup", "--learner", "tidy")
    assert again.code == 0 and "Nothing of yours is left" in again.stdout, again.output


def test_on_a_shared_account_only_names_carrying_the_learner_id_are_touched(shared_home):
    """--backend aws: learners of a class may share an account; names decide what is whose."""
    shared = _account(shared_home, "classroom")
    _leave_things(shared, "ana")
    _leave_things(shared, "banana")  # carries "ana" inside a word: not ana's
    found, skipped = cleanup_command.find(shared, "ana", ("us-east-1",), whole_account=False)
    assert sorted(item.name for item in found if item.kind != "Bucket") == [
        "job-ana/algo-1", "model-ana", "smworkshop-ana"]
    assert {"model-banana", "smworkshop-banana", "job-banana/algo-1"} <= set(skipped)

    out = Console(file=io.StringIO(), width=200)
    assert cleanup_command.delete_all(shared, found, out) == []
    assert _kinds(shared, "ana", whole_account=False) == []
    assert _kinds(shared, "banana", whole_account=False) == ["Bucket", "LogStream", "Model", "NotebookInstance"]


def test_without_a_running_backend_nothing_is_left(tmp_path):
    result = run_grader(tmp_path / "empty-home", "cleanup", "--learner", "nobody")
    assert result.code == 0, result.output
    assert "No embedded backend runs" in result.stdout


def test_bad_learner_id_is_a_one_line_error(tmp_path):
    result = run_grader(tmp_path / "home", "cleanup", "--learner", "Not Valid")
    assert result.code == 2 and result.stderr.startswith("error: Learner id 'Not Valid' is not valid."), result.output
