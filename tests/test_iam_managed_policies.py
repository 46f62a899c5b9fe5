"""AWS managed IAM policies on the embedded backend, as module1 attaches AmazonSageMakerFullAccess.

Each account gets an AWS managed policy when it first names it (loading all 1,582 into every new
account costs about 0.25 s and 10 MB per account), so these tests also check nothing is loaded before.
"""
from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from moto.iam.models import iam_backends

from course.backend import loopback, server

POLICY = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


@pytest.fixture(scope="module")
def started():
    _server, _url = server.start()
    yield
    _server.stop()


def iam_of(account: str):
    return loopback.client("iam", "us-east-1", account)


def test_attach_the_sagemaker_policy_to_a_new_role(started):
    iam = iam_of("333344445555")
    iam.create_role(RoleName="smworkshop-notebook-role", AssumeRolePolicyDocument=TRUST)
    assert iam_backends["333344445555"]["aws"].managed_policies == {}  # nothing loaded for a new account
    iam.attach_role_policy(RoleName="smworkshop-notebook-role", PolicyArn=POLICY)
    assert iam.list_attached_role_policies(RoleName="smworkshop-notebook-role")["AttachedPolicies"] == [
        {"PolicyName": "AmazonSageMakerFullAccess", "PolicyArn": POLICY}]
    assert list(iam_backends["333344445555"]["aws"].managed_policies) == [POLICY]

    policy = iam.get_policy(PolicyArn=POLICY)["Policy"]
    assert {k: policy[k] for k in ("PolicyName", "Arn", "Path", "AttachmentCount", "IsAttachable")} == {
        "PolicyName": "AmazonSageMakerFullAccess", "Arn": POLICY, "Path": "/", "AttachmentCount": 1,
        "IsAttachable": True}
    document = iam.get_policy_version(PolicyArn=POLICY, VersionId=policy["DefaultVersionId"])["PolicyVersion"]
    assert document["IsDefaultVersion"] and any("sagemaker:*" in json.dumps(s.get("Action"))
                                                for s in document["Document"]["Statement"])
    entities = iam.list_entities_for_policy(PolicyArn=POLICY)
    assert [r["RoleName"] for r in entities["PolicyRoles"]] == ["smworkshop-notebook-role"]
    attached = iam.list_policies(OnlyAttached=True)["Policies"]
    assert [p["Arn"] for p in attached] == [POLICY]


def test_each_account_has_its_own_attachments(started):
    other = iam_of("444455556666")
    assert other.get_policy(PolicyArn=POLICY)["Policy"]["AttachmentCount"] == 0
    assert other.list_policies(OnlyAttached=True)["Policies"] == []


def test_policies_under_a_path_and_errors_as_on_aws(started):
    iam = iam_of("555566667777")
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
    service_role = "arn:aws:iam::aws:policy/service-role/AmazonSageMakerCanvasForecastAccess"
    iam.attach_role_policy(RoleName="r", PolicyArn=service_role)
    # the second exists only under /service-role/
    for wrong in ("arn:aws:iam::aws:policy/NoSuchPolicy",
                  "arn:aws:iam::aws:policy/AmazonSageMakerCanvasForecastAccess"):
        with pytest.raises(ClientError) as caught:
            iam.attach_role_policy(RoleName="r", PolicyArn=wrong)
        assert caught.value.response["Error"]["Code"] == "NoSuchEntity"
        assert caught.value.response["Error"]["Message"] == f"Policy {wrong} does not exist or is not attachable."
    iam.detach_role_policy(RoleName="r", PolicyArn=service_role)
    assert iam.list_attached_role_policies(RoleName="r")["AttachedPolicies"] == []


def test_listing_aws_policies_shows_them_all(started):
    iam = iam_of("666677778888")
    page = iam.list_policies(Scope="AWS", MaxItems=1000)
    assert page["IsTruncated"] and len(page["Policies"]) == 1000
    assert iam.list_policies(Scope="Local")["Policies"] == []
