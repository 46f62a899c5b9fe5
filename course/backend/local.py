"""The `local` backend: the embedded server, reused when one runs, else started for this run.

Each learner is one emulated account: the grader creates the learner's execution role there
and assumes it through STS, so `get_execution_role()` works, names never collide between
learners and every check is scoped to the learner's account.
"""
from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import time
from pathlib import Path

import boto3
import botocore.config
import botocore.exceptions

from .. import learners
from ..errors import InfrastructureError
from .account import LearnerAccount

ROLE_NAME = "SageMakerExecutionRole"
SAGEMAKER_TRUST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
                   "Action": "sts:AssumeRole"}],
}
_ADMIN = {"aws_access_key_id": "embedded-admin", "aws_secret_access_key": "embedded-admin"}
_QUICK = botocore.config.Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=10)
START_TIMEOUT_S = 30


def answers(url: str) -> bool:
    """True when an embedded server answers at url."""
    try:
        boto3.client("sts", endpoint_url=url, region_name="us-east-1", config=_QUICK, **_ADMIN).get_caller_identity()
        return True
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError):
        return False


def read_state(state_file: Path) -> str | None:
    try:
        return json.loads(state_file.read_text())["endpoint_url"]
    except (OSError, ValueError, KeyError):
        return None


class LocalBackend:
    name = "local"

    def __init__(self, state_file: Path):
        self.state_file = state_file
        self.endpoint_url: str | None = None
        self.process: subprocess.Popen | None = None

    # -------------------------------------------------------------- lifecycle
    def open(self) -> LocalBackend:
        if self.running() is None:
            self.endpoint_url = self._spawn()
        return self

    def running(self) -> LocalBackend | None:
        """This backend attached to the server that runs now (`grader.py backend`, a lab), or None.

        Never starts one: a new server would be empty, so there would be nothing to look at.
        """
        url = read_state(self.state_file)
        if url and answers(url):
            self.endpoint_url = url
            return self
        return None

    def _spawn(self) -> str:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "MOTO_ACCOUNT_ID"}
        log_path = self.state_file.parent / "backend.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(log_path, "ab") as log:  # the server's stderr: read by nobody while it runs, kept
            self.process = subprocess.Popen(
                [sys.executable, "-m", "course.backend.server", "--port", "0"],
                cwd=Path(__file__).resolve().parents[2], env=env,
                stdout=subprocess.PIPE, stderr=log, text=True,
            )
        selector = selectors.DefaultSelector()
        selector.register(self.process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if selector.select(timeout=0.2):
                line = self.process.stdout.readline()
                if line:
                    return json.loads(line)["endpoint_url"]
            if self.process.poll() is not None:
                break
        error = log_path.read_text(errors="replace").strip().splitlines()[-1:]
        self.close()
        raise InfrastructureError(
            f"The embedded backend did not start: {error[-1] if error else 'no answer in time'}.",
            "Reinstall the requirements (pip install -r requirements.txt) and try again.",
        )

    def close(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            if self.process.stdout:
                self.process.stdout.close()
            self.process = None

    def alive(self) -> bool:
        return bool(self.endpoint_url) and answers(self.endpoint_url)

    def ensure_alive(self) -> None:
        if not self.alive():
            raise InfrastructureError(
                f"The embedded backend at {self.endpoint_url} stopped answering.",
                "If you run `python grader.py backend`, restart it; otherwise grade again.",
            )

    # -------------------------------------------------------------- learners
    def account_for(self, learner: str, region: str, need_role: bool = True) -> LearnerAccount:
        """The learner's emulated account with its execution role, assumed through STS."""
        account_id = learners.emulated_account_id(learner)
        iam = boto3.client("iam", endpoint_url=self.endpoint_url, region_name=region, config=_QUICK, **_ADMIN)
        iam.meta.events.register(
            "before-sign.*.*", lambda request, **_: request.headers.__setitem__("x-moto-account-id", account_id))
        try:
            try:
                role_arn = iam.create_role(RoleName=ROLE_NAME,
                                           AssumeRolePolicyDocument=json.dumps(SAGEMAKER_TRUST_POLICY),
                                           Description="Execution role of the course's SageMaker jobs")["Role"]["Arn"]
            except iam.exceptions.EntityAlreadyExistsException:
                role_arn = iam.get_role(RoleName=ROLE_NAME)["Role"]["Arn"]
            sts = boto3.client("sts", endpoint_url=self.endpoint_url, region_name=region, config=_QUICK, **_ADMIN)
            credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName=learner)["Credentials"]
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            raise InfrastructureError(f"The embedded backend did not set up {learner}'s account: {exc}.",
                                      "Grade again; if it persists, restart the backend.") from None
        return LearnerAccount(learner=learner, account_id=account_id, region=region, role_arn=role_arn,
                              endpoint_url=self.endpoint_url,
                              credentials={k: credentials[k]
                                           for k in ("AccessKeyId", "SecretAccessKey", "SessionToken")})
