"""Checks of module1, Creating a Notebook Instance: the execution role, the bucket, the instance.

Resources: the role SageMaker may assume with AmazonSageMakerFullAccess attached, the course
bucket in the learner's region, and the notebook instance InService on ml.m5.xlarge, running as
that role with the workshop's repository. Each assertion message is the hint the learner sees.
"""
from __future__ import annotations

import json
import urllib.parse

import pytest
from check_helpers import assert_notebook_ran

SAGEMAKER_FULL_ACCESS = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
INSTANCE_TYPE = "ml.m5.xlarge"


def _statements(document) -> list[dict]:
    if isinstance(document, str):
        document = json.loads(urllib.parse.unquote(document))
    statements = document.get("Statement", [])
    return statements if isinstance(statements, list) else [statements]


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _trusts_sagemaker(document) -> bool:
    return any(s.get("Effect") == "Allow"
               and "sagemaker.amazonaws.com" in _as_list((s.get("Principal") or {}).get("Service", []))
               and any(a in ("sts:AssumeRole", "sts:*", "*") for a in _as_list(s.get("Action", [])))
               for s in _statements(document))


@pytest.fixture(scope="module")
def role(run, aws):
    """The execution role the notebook reported, as IAM has it."""
    reported = run.recorded.get("role")
    assert reported, ("Your notebook did not create the execution role. In exercise 'role', create role_name "
                      "with iam.create_role(...) and set execution_role_arn.")
    name = reported["name"]
    try:
        return aws.iam.get_role(RoleName=name)["Role"]
    except aws.iam.exceptions.NoSuchEntityException:
        raise AssertionError(f"The role {name} your notebook reported does not exist (any more). "
                             "Run exercise 'role' again.") from None


@pytest.fixture(scope="module")
def instance(run, aws):
    """The notebook instance the notebook reported, as SageMaker describes it now."""
    reported = run.recorded.get("notebook_instance")
    assert reported, ("Your notebook did not create the notebook instance, or did not wait for it. In exercise "
                      "'instance', call sm.create_notebook_instance(...) and wait with the "
                      "notebook_instance_in_service waiter.")
    name = reported["NotebookInstanceName"]
    try:
        return aws.sagemaker.describe_notebook_instance(NotebookInstanceName=name)
    except aws.sagemaker.exceptions.ClientError:
        raise AssertionError(f"The notebook instance {name} does not exist (any more). "
                             "Run exercise 'instance' again.") from None


@pytest.mark.group("outputs")
@pytest.mark.points(1)
def test_notebook_ran_without_error(run):
    """The notebook ran from top to bottom without an error."""
    assert_notebook_ran(run)


@pytest.mark.group("resources")
@pytest.mark.exercise("role")
@pytest.mark.points(2)
def test_execution_role_trusts_sagemaker_and_has_full_access(run, role, aws):
    """The execution role lets SageMaker assume it and has AmazonSageMakerFullAccess attached."""
    assert f"-{run.learner}-" in f"-{role['RoleName']}-", (
        f"The role {role['RoleName']} does not carry your learner id; name it role_name "
        f"(smworkshop-{run.learner}-execution-role), so that it is recognisably yours.")
    assert _trusts_sagemaker(role["AssumeRolePolicyDocument"]), (
        f"The trust policy of {role['RoleName']} does not let SageMaker assume the role. It needs a statement "
        '{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}.')
    attached = [p["PolicyArn"] for p in aws.iam.list_attached_role_policies(RoleName=role["RoleName"])
                ["AttachedPolicies"]]
    assert SAGEMAKER_FULL_ACCESS in attached, (
        f"{role['RoleName']} has {', '.join(attached) or 'no policy'} attached, not AmazonSageMakerFullAccess. "
        f"Attach it: iam.attach_role_policy(RoleName=role_name, PolicyArn='{SAGEMAKER_FULL_ACCESS}').")


@pytest.mark.group("resources")
@pytest.mark.exercise("bucket")
@pytest.mark.points(1)
def test_bucket_exists_in_your_region(run, aws):
    """The course bucket exists, in your region."""
    reported = run.recorded.get("bucket")
    assert reported, "Your notebook did not create the bucket. In exercise 'bucket', call s3.create_bucket(...)."
    assert reported["name"] == run.bucket, (
        f"Your notebook created {reported['name']}; the course bucket is {run.bucket} (the `bucket` parameter).")
    try:
        aws.s3.head_bucket(Bucket=run.bucket)
    except aws.s3.exceptions.ClientError:
        raise AssertionError(f"The bucket {run.bucket} does not exist (any more). Run exercise 'bucket' "
                             "again.") from None
    where = aws.s3.get_bucket_location(Bucket=run.bucket).get("LocationConstraint") or "us-east-1"
    assert where == run.region, (
        f"{run.bucket} is in {where}, but you work in {run.region}. Outside us-east-1, pass "
        "CreateBucketConfiguration={'LocationConstraint': region}; delete the bucket and create it again.")


@pytest.mark.group("resources")
@pytest.mark.exercise("instance")
@pytest.mark.points(2)
def test_notebook_instance_is_in_service(run, instance):
    """The notebook instance is InService."""
    assert f"-{run.learner}-" in f"-{instance['NotebookInstanceName']}-", (
        f"The notebook instance {instance['NotebookInstanceName']} does not carry your learner id; name it "
        f"instance_name (smworkshop-{run.learner}).")
    status = instance["NotebookInstanceStatus"]
    assert status == "InService", (
        f"{instance['NotebookInstanceName']} is {status}, not InService"
        + (f" ({instance['FailureReason']})" if instance.get("FailureReason") else "")
        + ". Wait for it: sm.get_waiter('notebook_instance_in_service').wait(NotebookInstanceName=instance_name)"
        + (", after starting it (sm.start_notebook_instance)." if status == "Stopped" else "."))


@pytest.mark.group("resources")
@pytest.mark.exercise("instance")
@pytest.mark.points(2)
def test_notebook_instance_type_role_and_repository(run, instance, role):
    """The notebook instance runs on 1 x ml.m5.xlarge as your execution role, with the workshop's repository."""
    name = instance["NotebookInstanceName"]
    assert instance["InstanceType"] == INSTANCE_TYPE, (
        f"{name} runs on {instance['InstanceType']}; the workshop uses {INSTANCE_TYPE}. Delete it and create it "
        f"again with InstanceType='{INSTANCE_TYPE}'.")
    assert not instance.get("AcceleratorTypes"), (
        f"{name} has an Elastic Inference accelerator ({', '.join(instance['AcceleratorTypes'])}); the workshop "
        "uses none. Create it without AcceleratorTypes.")
    assert instance["RoleArn"] == role["Arn"], (
        f"{name} runs as {instance['RoleArn']}, not as your execution role {role['Arn']}. "
        "Pass RoleArn=execution_role_arn.")
    wanted = run.info.parameters.get("code_repository")
    assert instance.get("DefaultCodeRepository") == wanted, (
        f"{name}'s default code repository is {instance.get('DefaultCodeRepository') or 'not set'}; it should be "
        f"the workshop's, {wanted}. Pass DefaultCodeRepository=code_repository.")
