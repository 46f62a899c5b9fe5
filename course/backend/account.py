"""One learner's AWS identity on a backend: where to call, as whom, with which role."""
from __future__ import annotations

from dataclasses import dataclass, field

import boto3
import botocore.config


@dataclass(frozen=True)
class LearnerAccount:
    learner: str
    account_id: str
    region: str
    role_arn: str
    endpoint_url: str | None  # None: the real AWS endpoints
    credentials: dict = field(repr=False)  # AccessKeyId, SecretAccessKey, SessionToken: env only, never disk

    def session(self) -> boto3.Session:
        """A new boto3 session as this learner (sessions are not thread-safe: one per user)."""
        return boto3.Session(
            aws_access_key_id=self.credentials["AccessKeyId"],
            aws_secret_access_key=self.credentials["SecretAccessKey"],
            aws_session_token=self.credentials.get("SessionToken"),
            region_name=self.region,
        )

    def client(self, service: str, session: boto3.Session | None = None):
        config = botocore.config.Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5,
                                         read_timeout=60)
        return (session or self.session()).client(service, endpoint_url=self.endpoint_url, config=config)

    def environment(self) -> dict[str, str]:
        """The AWS variables a kernel or a CLI needs to act as this learner."""
        env = {
            "AWS_ACCESS_KEY_ID": self.credentials["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": self.credentials["SecretAccessKey"],
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
        }
        if self.credentials.get("SessionToken"):
            env["AWS_SESSION_TOKEN"] = self.credentials["SessionToken"]
        if self.endpoint_url:
            env["AWS_ENDPOINT_URL"] = self.endpoint_url
        return env

    def bucket(self) -> str:
        """The learner's course bucket: bucket names are global, so it carries the account too."""
        return f"smworkshop-{self.learner}-{self.account_id}"


class Clients:
    """boto3 clients acting as one learner, made on first use: the checks' `aws` fixture."""

    SERVICES = {"sagemaker": "sagemaker", "s3": "s3", "logs": "logs", "iam": "iam", "sts": "sts",
                "runtime": "sagemaker-runtime"}

    def __init__(self, account: LearnerAccount):
        self.account = account
        self._session = account.session()  # one session: its loaders cache the service models
        self._made: dict[str, object] = {}

    def __getattr__(self, name: str):
        if name not in self.SERVICES:
            raise AttributeError(name)
        if name not in self._made:
            self._made[name] = self.account.client(self.SERVICES[name], self._session)
        return self._made[name]
