"""The `aws` backend: a real account, credentials from boto3's usual chain, checked with STS.

The learner's identity is whatever the chain resolves; the execution role comes from
--role-arn or GRADER_ROLE_ARN, as the workshop's notebook instance would provide it.
"""
from __future__ import annotations

import os

import boto3
import botocore.exceptions

from ..errors import BadInput, InfrastructureError
from .account import LearnerAccount


class AwsBackend:
    name = "aws"
    endpoint_url = None

    def __init__(self, role_arn: str | None = None):
        self.role_arn = role_arn or os.environ.get("GRADER_ROLE_ARN")

    def open(self) -> AwsBackend:
        return self

    def running(self) -> AwsBackend:
        return self

    def close(self) -> None:
        pass

    def alive(self) -> bool:
        return True

    def ensure_alive(self) -> None:
        pass

    def account_for(self, learner: str, region: str, need_role: bool = True) -> LearnerAccount:
        """The caller's identity; `need_role=False` for work that starts no job (e.g. cleanup)."""
        session = boto3.Session(region_name=region)
        try:
            identity = session.client("sts").get_caller_identity()
        except botocore.exceptions.NoCredentialsError:
            raise BadInput("No AWS credentials found for --backend aws.",
                           "Configure them (aws configure, or AWS_PROFILE) or grade with --backend local.") from None
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            raise InfrastructureError(f"AWS did not accept the credentials: {exc}.",
                                      "Check them with `aws sts get-caller-identity`.") from None
        if not self.role_arn and need_role:
            raise BadInput("No SageMaker execution role given for --backend aws.",
                           "Pass --role-arn arn:aws:iam::<account>:role/<role> or set GRADER_ROLE_ARN.")
        frozen = session.get_credentials().get_frozen_credentials()
        return LearnerAccount(
            learner=learner, account_id=identity["Account"], region=region, role_arn=self.role_arn or "",
            endpoint_url=None,
            credentials={"AccessKeyId": frozen.access_key, "SecretAccessKey": frozen.secret_key,
                         "SessionToken": frozen.token},
        )
