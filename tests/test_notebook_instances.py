"""Notebook instances on the embedded backend, through the public API, as module1 uses them.

One server in this process. Transitional statuses last 0.3 s here (GRADER_NOTEBOOK_INSTANCE_DELAY_S);
the waiters run in a subprocess with the grading kernel's environment, where the virtual clock applies.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from course.backend import notebook_instances, server
from course.backend.account import LearnerAccount
from course.kernel import kernel_environment

DELAY_S = 0.3
ACCOUNT = "123456789012"  # moto's account for plain credentials
ROLE = f"arn:aws:iam::{ACCOUNT}:role/smworkshop-notebook-role"
REPO = "https://github.com/aws-samples/amazon-sagemaker-workshop.git"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def url():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(notebook_instances.DELAY_ENV, str(DELAY_S))
        _server, endpoint = server.start()
        yield endpoint
        _server.stop()


@pytest.fixture(scope="module")
def sm(url):
    return boto3.client("sagemaker", endpoint_url=url, region_name="us-east-1", aws_access_key_id="a",
                        aws_secret_access_key="b")


def create(sm, name, **extra):
    return sm.create_notebook_instance(**{"NotebookInstanceName": name, "InstanceType": "ml.m5.xlarge",
                                          "RoleArn": ROLE, **extra})["NotebookInstanceArn"]


def status(sm, name):
    return sm.describe_notebook_instance(NotebookInstanceName=name)["NotebookInstanceStatus"]


def settle(sm, name, transitional):
    deadline = time.monotonic() + 5
    while (current := status(sm, name)) == transitional:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return current


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    response = caught.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response["Error"]["Message"]


def test_lifecycle_and_the_errors_aws_gives(sm):
    arn = create(sm, "Smworkshop-Ada-Lovelace", DefaultCodeRepository=REPO, VolumeSizeInGB=10)
    assert arn == f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:notebook-instance/smworkshop-ada-lovelace"
    described = sm.describe_notebook_instance(NotebookInstanceName="Smworkshop-Ada-Lovelace")
    assert described["NotebookInstanceStatus"] == "Pending"
    assert {k: described[k] for k in ("NotebookInstanceArn", "NotebookInstanceName", "InstanceType", "RoleArn",
                                      "DefaultCodeRepository", "VolumeSizeInGB", "DirectInternetAccess",
                                      "RootAccess", "Url")} == {
        "NotebookInstanceArn": arn, "NotebookInstanceName": "Smworkshop-Ada-Lovelace", "InstanceType": "ml.m5.xlarge",
        "RoleArn": ROLE, "DefaultCodeRepository": REPO, "VolumeSizeInGB": 10, "DirectInternetAccess": "Enabled",
        "RootAccess": "Enabled", "Url": "smworkshop-ada-lovelace.notebook.us-east-1.sagemaker.aws"}
    assert described["InstanceMetadataServiceConfiguration"] == {"MinimumInstanceMetadataServiceVersion": "1"}
    assert "FailureReason" not in described and "SubnetId" not in described

    def transition_error(current, allowed, target):
        return (400, "ValidationException", f"Status ({current}) not in ([{allowed}]). Unable to transition to "
                                            f"({target}) for Notebook Instance ({arn}).")

    name = {"NotebookInstanceName": "Smworkshop-Ada-Lovelace"}
    assert error_of(sm.stop_notebook_instance, **name) == transition_error("Pending", "InService", "Stopping")
    assert settle(sm, "Smworkshop-Ada-Lovelace", "Pending") == "InService"
    assert error_of(sm.delete_notebook_instance, **name) == transition_error(
        "InService", "Stopped, Failed", "Deleting")
    assert error_of(sm.start_notebook_instance, **name) == transition_error("InService", "Stopped, Failed", "Pending")
    assert error_of(create, sm=sm, name="smworkshop-ada-lovelace") == (
        400, "ValidationException", f"Cannot create a duplicate Notebook Instance ({arn})")

    sm.stop_notebook_instance(**name)
    assert status(sm, "Smworkshop-Ada-Lovelace") == "Stopping"
    assert error_of(sm.delete_notebook_instance, **name) == transition_error("Stopping", "Stopped, Failed", "Deleting")
    assert settle(sm, "Smworkshop-Ada-Lovelace", "Stopping") == "Stopped"
    sm.start_notebook_instance(**name)
    assert status(sm, "Smworkshop-Ada-Lovelace") == "Pending"
    assert settle(sm, "Smworkshop-Ada-Lovelace", "Pending") == "InService"
    sm.stop_notebook_instance(**name)
    settle(sm, "Smworkshop-Ada-Lovelace", "Stopping")
    sm.delete_notebook_instance(**name)
    assert status(sm, "Smworkshop-Ada-Lovelace") == "Deleting"
    deadline = time.monotonic() + 5
    while True:
        try:
            assert status(sm, "Smworkshop-Ada-Lovelace") == "Deleting" and time.monotonic() < deadline
        except ClientError as gone:
            assert gone.response["Error"] == {"Code": "ValidationException", "Message": "RecordNotFound"}
            break
        time.sleep(0.05)
    for call in (sm.describe_notebook_instance, sm.stop_notebook_instance, sm.start_notebook_instance,
                 sm.delete_notebook_instance, sm.create_presigned_notebook_instance_url):
        assert error_of(call, **name) == (400, "ValidationException", "RecordNotFound")
    assert "Smworkshop-Ada-Lovelace" not in [i["NotebookInstanceName"]
                                             for i in sm.list_notebook_instances()["NotebookInstances"]]


@pytest.mark.parametrize("override, member, constraint", [
    ({"NotebookInstanceName": "smworkshop_ada"}, "notebookInstanceName",
     "Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9])*"),
    ({"InstanceType": "ml.m5.huge"}, "instanceType", "Member must satisfy enum value set: [ml.t2.medium, "),
])
def test_invalid_input_is_rejected_as_aws_does(sm, override, member, constraint):
    kwargs = {"NotebookInstanceName": "never-made", "InstanceType": "ml.t3.medium", "RoleArn": ROLE, **override}
    code, kind, message = error_of(sm.create_notebook_instance, **kwargs)
    value = next(iter(override.values()))
    assert (code, kind) == (400, "ValidationException")
    assert message.startswith(f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
                              f"constraint: {constraint}")


def test_instance_types_moto_does_not_know_are_accepted(sm):
    create(sm, "gpu-notebook", InstanceType="ml.g5.xlarge")
    assert sm.describe_notebook_instance(NotebookInstanceName="gpu-notebook")["InstanceType"] == "ml.g5.xlarge"


def test_update_needs_a_stopped_instance_and_changes_it(sm):
    create(sm, "to-update", DefaultCodeRepository=REPO, AcceleratorTypes=["ml.eia2.medium"])
    name = {"NotebookInstanceName": "to-update"}
    settle(sm, "to-update", "Pending")
    code, kind, message = error_of(sm.update_notebook_instance, VolumeSizeInGB=20, **name)
    assert (code, kind) == (400, "ValidationException") and message.startswith(
        "Status (InService) not in ([Stopped, Failed]). Unable to transition to (Updating)")
    sm.stop_notebook_instance(**name)
    settle(sm, "to-update", "Stopping")
    sm.update_notebook_instance(InstanceType="ml.t3.large", VolumeSizeInGB=20, DisassociateDefaultCodeRepository=True,
                                DisassociateAcceleratorTypes=True, **name)
    assert status(sm, "to-update") == "Updating"
    assert settle(sm, "to-update", "Updating") == "Stopped"
    described = sm.describe_notebook_instance(**name)
    assert (described["InstanceType"], described["VolumeSizeInGB"]) == ("ml.t3.large", 20)
    assert "DefaultCodeRepository" not in described and "AcceleratorTypes" not in described


def test_list_filters_sorts_and_pages(sm):
    create(sm, "list-b", DefaultCodeRepository=REPO)
    create(sm, "list-a", DefaultCodeRepository=REPO, AdditionalCodeRepositories=["https://github.com/x/extra.git"])
    create(sm, "list-c")
    settle(sm, "list-c", "Pending")
    sm.stop_notebook_instance(NotebookInstanceName="list-c")

    def names(**kwargs):
        return [i["NotebookInstanceName"] for i in sm.list_notebook_instances(NameContains="LIST-", **kwargs)
                ["NotebookInstances"]]

    assert names() == ["list-a", "list-b", "list-c"]
    assert names(SortOrder="Descending") == ["list-c", "list-b", "list-a"]
    assert names(StatusEquals="Stopping") == ["list-c"]
    assert names(DefaultCodeRepositoryContains="amazon-sagemaker-workshop") == ["list-a", "list-b"]
    assert names(AdditionalCodeRepositoryEquals="https://github.com/x/extra.git") == ["list-a"]
    assert names(CreationTimeBefore=0) == [] and names(CreationTimeAfter=time.time() + 60) == []
    first = sm.list_notebook_instances(NameContains="list-", MaxResults=2)
    rest = sm.list_notebook_instances(NameContains="list-", MaxResults=2, NextToken=first["NextToken"])
    assert [i["NotebookInstanceName"] for i in first["NotebookInstances"] + rest["NotebookInstances"]] == [
        "list-a", "list-b", "list-c"] and "NextToken" not in rest
    summary = sm.list_notebook_instances(NameContains="list-a")["NotebookInstances"][0]
    assert set(summary) == {"NotebookInstanceName", "NotebookInstanceArn", "NotebookInstanceStatus", "Url",
                            "InstanceType", "CreationTime", "LastModifiedTime", "DefaultCodeRepository",
                            "AdditionalCodeRepositories"}


def test_presigned_url_and_tags(sm):
    arn = create(sm, "Url-Notebook", Tags=[{"Key": "course", "Value": "smworkshop"}])
    url = sm.create_presigned_notebook_instance_url(NotebookInstanceName="Url-Notebook")["AuthorizedUrl"]
    assert url.startswith("https://url-notebook.notebook.us-east-1.sagemaker.aws?authToken=")
    code, kind, message = error_of(sm.create_presigned_notebook_instance_url, NotebookInstanceName="Url-Notebook",
                                   SessionExpirationDurationInSeconds=50000)
    assert (code, kind) == (400, "ValidationException") and "less than or equal to 43200" in message
    assert sm.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "course", "Value": "smworkshop"}]
    sm.add_tags(ResourceArn=arn, Tags=[{"Key": "learner", "Value": "ada"}])
    assert len(sm.list_tags(ResourceArn=arn)["Tags"]) == 2
    missing = arn.replace("url-notebook", "no-such-notebook")
    assert error_of(sm.list_tags, ResourceArn=missing)[:2] == (400, "ValidationException")


def test_lifecycle_configs_and_code_repositories(sm):
    sm.create_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName="Auto-Stop",
                                                 OnStart=[{"Content": "ZWNobyBoaQ=="}])
    configs = sm.list_notebook_instance_lifecycle_configs(NameContains="auto")["NotebookInstanceLifecycleConfigs"]
    assert [(c["NotebookInstanceLifecycleConfigName"], c["NotebookInstanceLifecycleConfigArn"]) for c in configs] == [
        ("Auto-Stop", f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:notebook-instance-lifecycle-config/auto-stop")]
    sm.update_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName="Auto-Stop",
                                                 OnStart=[{"Content": "ZWNobyBibw=="}])
    assert sm.describe_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName="Auto-Stop")[
        "OnStart"] == [{"Content": "ZWNobyBibw=="}]

    repo_arn = sm.create_code_repository(CodeRepositoryName="workshop",
                                         GitConfig={"RepositoryUrl": REPO, "Branch": "main"})["CodeRepositoryArn"]
    assert repo_arn == f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:code-repository/workshop"
    assert sm.describe_code_repository(CodeRepositoryName="workshop")["GitConfig"] == {"RepositoryUrl": REPO,
                                                                                       "Branch": "main"}
    assert [r["CodeRepositoryName"] for r in sm.list_code_repositories()["CodeRepositorySummaryList"]] == ["workshop"]
    sm.update_code_repository(CodeRepositoryName="workshop", GitConfig={"SecretArn": "arn:aws:secretsmanager:x"})
    assert sm.describe_code_repository(CodeRepositoryName="workshop")["GitConfig"]["SecretArn"].endswith(":x")

    create(sm, "with-repo", DefaultCodeRepository="workshop", LifecycleConfigName="Auto-Stop")
    described = sm.describe_notebook_instance(NotebookInstanceName="with-repo")
    assert (described["DefaultCodeRepository"], described["NotebookInstanceLifecycleConfigName"]) == (
        "workshop", "Auto-Stop")
    code, kind, message = error_of(create, sm=sm, name="bad-repo", DefaultCodeRepository="no-such-repo")
    assert (code, kind) == (400, "ValidationException") and message.startswith("Cannot find CodeRepository")
    code, kind, message = error_of(create, sm=sm, name="bad-config", LifecycleConfigName="no-such-config")
    assert (code, kind) == (400, "ValidationException")
    assert "Notebook Instance Lifecycle Config does not exist" in message
    sm.delete_code_repository(CodeRepositoryName="workshop")
    code, kind, message = error_of(sm.describe_code_repository, CodeRepositoryName="workshop")
    assert (code, kind) == (400, "ValidationException") and message.startswith("Cannot find CodeRepository")


def test_accounts_do_not_see_each_others_instances(url, sm):
    from course.backend import loopback

    create(sm, "only-mine")
    other = loopback.client("sagemaker", "us-east-1", "222233334444")
    assert other.list_notebook_instances()["NotebookInstances"] == []
    assert error_of(other.describe_notebook_instance, NotebookInstanceName="only-mine")[2] == "RecordNotFound"


def test_default_delay_is_short():
    assert 1 <= notebook_instances.DEFAULT_DELAY_S <= 2


# ------------------------------------------------------------------ waiters in the grading kernel's environment
@pytest.fixture
def kernel_env(url, tmp_path):
    account = LearnerAccount(learner="ada", account_id=ACCOUNT, region="us-east-1", role_arn=ROLE, endpoint_url=url,
                             credentials={"AccessKeyId": "a", "SecretAccessKey": "b"})
    return kernel_environment(tmp_path, account, base={"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"})


WAITERS = textwrap.dedent("""
    import json, sys, time
    import boto3
    sm = boto3.client("sagemaker")
    name = sys.argv[1]
    timings = {}
    def wait(waiter, **kwargs):
        start = time.perf_counter()
        sm.get_waiter(waiter).wait(NotebookInstanceName=name, **kwargs)
        timings[waiter] = round(time.perf_counter() - start, 2)
    sm.create_notebook_instance(NotebookInstanceName=name, InstanceType="ml.m5.xlarge", RoleArn=sys.argv[2])
    wait("notebook_instance_in_service")
    sm.stop_notebook_instance(NotebookInstanceName=name)
    wait("notebook_instance_stopped")
    sm.delete_notebook_instance(NotebookInstanceName=name)
    wait("notebook_instance_deleted")
    try:
        sm.get_waiter("notebook_instance_in_service").wait(NotebookInstanceName=name,
                                                            WaiterConfig={"MaxAttempts": 2})
    except Exception as exc:
        timings["gone"] = type(exc).__name__
    print(json.dumps(timings))
""")


def test_boto3_waiters_in_a_grading_kernel_use_the_virtual_clock(kernel_env):
    """AWS's waiters sleep 30 s between polls; in the kernel they poll every 0.3 s, so they finish about
    when the emulated transition does."""
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", WAITERS, "waited-notebook", ROLE], env=kernel_env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    timings = json.loads(done.stdout.strip().splitlines()[-1])
    assert timings.pop("gone") == "WaiterError"
    assert all(DELAY_S <= seconds < DELAY_S + 1.5 for seconds in timings.values()), timings
    assert time.monotonic() - start < 20


@pytest.mark.skipif(shutil.which("aws", path=str(Path(sys.executable).parent)) is None, reason="no aws CLI")
def test_the_aws_cli_waiter_started_from_a_kernel_is_fast(sm, kernel_env, monkeypatch):
    """Pending outlasts the CLI's start, so it must poll, sleep (30 s on AWS) and poll again."""
    monkeypatch.setenv(notebook_instances.DELAY_ENV, "3")
    create(sm, "cli-waited")
    start = time.monotonic()
    done = subprocess.run(["aws", "sagemaker", "wait", "notebook-instance-in-service",
                           "--notebook-instance-name", "cli-waited"], env=kernel_env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - start
    assert done.returncode == 0, done.stderr
    assert status(sm, "cli-waited") == "InService" and elapsed < 10, elapsed
