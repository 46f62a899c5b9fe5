"""What a learner has left in their account, what each leftover costs, and how to delete it.

One inventory serves module6's course-wide check and `python grader.py cleanup`, so the hint a
learner reads and the deletion the grader offers name the same resources and commands. A
learner's resources are the whole emulated account on the embedded backend; on a real account
they are the ones whose names carry the learner id as a word (the course names everything
that way), and nothing else is ever listed or deleted.
"""
from __future__ import annotations

import re
import time
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from botocore.exceptions import ClientError

PRICES_FILE = Path(__file__).resolve().parent / "data" / "prices.toml"
HOURS_PER_MONTH = 730
LOG_GROUP_PREFIX = "/aws/sagemaker/"


@cache
def prices() -> dict:
    with open(PRICES_FILE, "rb") as handle:
        return tomllib.load(handle)


def instance_hourly_usd(instance_type: str | None, count: int = 1) -> float | None:
    price = prices()["instance_hourly_usd"].get(instance_type or "")
    return None if price is None else price * count


def storage_hourly_usd(kind: str, size_bytes: float) -> float:
    return prices()["storage_gb_month_usd"][kind] * size_bytes / 1e9 / HOURS_PER_MONTH


@dataclass(frozen=True)
class Scope:
    """Whose resources these are: a whole emulated account, or names carrying the learner id."""

    learner: str
    whole_account: bool
    skipped: list[str] = field(default_factory=list, compare=False)  # names seen that are not the learner's

    def owns(self, name: str) -> bool:
        if self.whole_account:
            return True
        if re.search(rf"(^|[^a-z0-9]){re.escape(self.learner)}($|[^a-z0-9])", name.lower()):
            return True
        self.skipped.append(name)
        return False


@dataclass(frozen=True)
class Leftover:
    kind: str  # Endpoint, EndpointConfig, Model, NotebookInstance, TrainingJob, TransformJob, Bucket, LogStream
    name: str
    state: str  # what it is doing: InService, Stopped, 12 objects (3.1 MB) ...
    hourly_usd: float | None  # None: an instance type without a known price
    commands: tuple[str, ...]  # the aws CLI commands that delete (or stop) it, in order
    parent: str = ""  # the log group of a log stream
    region: str = ""  # where it is (buckets: where they were listed)

    @property
    def cost(self) -> str:
        if self.hourly_usd is None:
            return "billing by the hour (price unknown)"
        if self.hourly_usd == 0:
            return "free, but clutters your account"
        if self.hourly_usd * HOURS_PER_MONTH < 0.01:
            return "less than $0.01 per month"
        if self.hourly_usd < 0.01:
            return f"about ${self.hourly_usd * HOURS_PER_MONTH:.2f} per month"
        return f"about ${self.hourly_usd:.2f} per hour"

    def describe(self) -> str:
        return f"{self.kind} {self.name} ({self.state}, {self.cost}): {' && '.join(self.commands)}"


def _all(client, method: str, key: str, **kwargs) -> list[dict]:
    """Every page of a List* call (NextToken style, as SageMaker and CloudWatch Logs page)."""
    items, token = [], None
    while True:
        page = getattr(client, method)(**kwargs, **({"NextToken": token} if token else {}))
        items += page.get(key, [])
        token = page.get("NextToken")
        if not token:
            return items


def gone(error: ClientError) -> bool:
    """A resource deleted between listing and describing it."""
    code = error.response.get("Error", {}).get("Code", "")
    message = error.response.get("Error", {}).get("Message", "")
    return code in ("ResourceNotFound", "NoSuchBucket", "ResourceNotFoundException") or (
        code == "ValidationException" and ("not find" in message or "not exist" in message))


def _variant_cost(sagemaker, config_name: str) -> tuple[float | None, str]:
    try:
        variants = sagemaker.describe_endpoint_config(EndpointConfigName=config_name)["ProductionVariants"]
    except ClientError:
        return None, "unknown instance type"
    costs = [instance_hourly_usd(v.get("InstanceType"), v.get("InitialInstanceCount", 1)) for v in variants]
    cost = None if any(c is None for c in costs) else sum(costs)
    return cost, ", ".join(f"{v.get('InitialInstanceCount', 1)} x {v.get('InstanceType')}" for v in variants)


def endpoints(sagemaker, scope: Scope) -> list[Leftover]:
    found = []
    for item in _all(sagemaker, "list_endpoints", "Endpoints"):
        name = item["EndpointName"]
        if not scope.owns(name):
            continue
        try:
            config = sagemaker.describe_endpoint(EndpointName=name)["EndpointConfigName"]
        except ClientError as error:
            if gone(error):
                continue
            raise
        cost, instances = _variant_cost(sagemaker, config)
        found.append(Leftover("Endpoint", name, f"{item['EndpointStatus']}, {instances}", cost,
                              (f"aws sagemaker delete-endpoint --endpoint-name {name}",)))
    return found


def endpoint_configs(sagemaker, scope: Scope) -> list[Leftover]:
    return [Leftover("EndpointConfig", c["EndpointConfigName"], "configuration", 0.0,
                     (f"aws sagemaker delete-endpoint-config --endpoint-config-name {c['EndpointConfigName']}",))
            for c in _all(sagemaker, "list_endpoint_configs", "EndpointConfigs") if scope.owns(c["EndpointConfigName"])]


def models(sagemaker, scope: Scope) -> list[Leftover]:
    return [Leftover("Model", m["ModelName"], "model", 0.0,
                     (f"aws sagemaker delete-model --model-name {m['ModelName']}",))
            for m in _all(sagemaker, "list_models", "Models") if scope.owns(m["ModelName"])]


def notebook_instances(sagemaker, scope: Scope) -> list[Leftover]:
    found = []
    for item in _all(sagemaker, "list_notebook_instances", "NotebookInstances"):
        name, status = item["NotebookInstanceName"], item["NotebookInstanceStatus"]
        if not scope.owns(name) or status == "Deleting":
            continue
        try:
            volume_gb = sagemaker.describe_notebook_instance(NotebookInstanceName=name).get("VolumeSizeInGB", 5)
        except ClientError as error:
            if gone(error):
                continue
            raise
        storage = storage_hourly_usd("sagemaker_ml_storage", volume_gb * 1e9)
        running = status in ("Pending", "InService", "Updating")
        compute = instance_hourly_usd(item.get("InstanceType")) if running else 0.0
        delete = (f"aws sagemaker delete-notebook-instance --notebook-instance-name {name}",)
        if status not in ("Stopped", "Failed"):
            delete = (f"aws sagemaker stop-notebook-instance --notebook-instance-name {name}",
                      f"aws sagemaker wait notebook-instance-stopped --notebook-instance-name {name}") + delete
        found.append(Leftover("NotebookInstance", name, f"{status}, {item.get('InstanceType')}, {volume_gb} GB",
                              None if compute is None else compute + storage, delete))
    return found


def running_jobs(sagemaker, scope: Scope) -> list[Leftover]:
    """Training and transform jobs still running: they bill until they end (finished jobs are free)."""
    found = []
    for name_key, method, key, describe, stop, kind in (
            ("TrainingJobName", "list_training_jobs", "TrainingJobSummaries", "describe_training_job",
             "stop-training-job --training-job-name", "TrainingJob"),
            ("TransformJobName", "list_transform_jobs", "TransformJobSummaries", "describe_transform_job",
             "stop-transform-job --transform-job-name", "TransformJob")):
        for item in _all(sagemaker, method, key, StatusEquals="InProgress"):
            name = item[name_key]
            if not scope.owns(name):
                continue
            try:
                job = getattr(sagemaker, describe)(**{name_key: name})
            except ClientError as error:
                if gone(error):
                    continue
                raise
            resources = job.get("ResourceConfig") or job.get("TransformResources") or {}
            cost = instance_hourly_usd(resources.get("InstanceType"), resources.get("InstanceCount", 1))
            found.append(Leftover(kind, name, f"InProgress, {resources.get('InstanceCount', 1)} x "
                                  f"{resources.get('InstanceType')}", cost, (f"aws sagemaker {stop} {name}",)))
    return found


def buckets(s3, scope: Scope) -> list[Leftover]:
    found = []
    for item in s3.list_buckets().get("Buckets", []):
        name = item["Name"]
        if not scope.owns(name):
            continue
        count = size = 0
        try:
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
                for obj in page.get("Contents", []):
                    count, size = count + 1, size + obj.get("Size", 0)
        except ClientError as error:
            if gone(error):
                continue
            raise
        state = f"{count} objects, {size / 1e6:.1f} MB" if count else "empty"
        found.append(Leftover("Bucket", name, state, storage_hourly_usd("s3_standard", size),
                              (f"aws s3 rb s3://{name} --force",)))
    return found


def log_streams(logs, scope: Scope) -> list[Leftover]:
    """The logs of the learner's jobs and endpoints (CloudWatch keeps them, and bills their storage)."""
    found = []
    for group in _all(logs, "describe_log_groups", "logGroups", logGroupNamePrefix=LOG_GROUP_PREFIX):
        name = group["logGroupName"]
        try:
            streams = _all(logs, "describe_log_streams", "logStreams", logGroupName=name)
        except ClientError as error:
            if gone(error):
                continue
            raise
        for stream in streams:
            stream_name = stream["logStreamName"]
            if not scope.owns(stream_name) and not scope.owns(name.rsplit("/", 1)[-1]):
                continue
            size = stream.get("storedBytes", 0)
            found.append(Leftover("LogStream", stream_name, f"in {name}", storage_hourly_usd("cloudwatch_logs", size),
                                  (f"aws logs delete-log-stream --log-group-name {name} --log-stream-name "
                                   f"{stream_name}",), parent=name))
    return found


def inventory(clients, scope: Scope, region: str | None = None, include_buckets: bool = True) -> list[Leftover]:
    """Everything of the learner's still there, in the order it is safest to delete.

    With a region, each command names it (`--region`), so it works whatever the learner's
    default region is. Buckets are global: list them once when looking across regions.
    """
    sm = clients.sagemaker
    found = (endpoints(sm, scope) + endpoint_configs(sm, scope) + models(sm, scope) + running_jobs(sm, scope)
             + notebook_instances(sm, scope) + (buckets(clients.s3, scope) if include_buckets else [])
             + log_streams(clients.logs, scope))
    if not region:
        return found
    return [replace(item, region=region, commands=tuple(_with_region(c, region) for c in item.commands))
            for item in found]


def _with_region(command: str, region: str) -> str:
    """`aws <service> [wait] <operation> ...` with `--region` after the operation (S3 finds its buckets itself)."""
    if command.startswith("aws s3 "):
        return command
    return re.sub(r"^(aws [a-z0-9-]+ (?:wait )?[a-z0-9-]+)", rf"\1 --region {region}", command)


def hourly_total(leftovers: list[Leftover]) -> float:
    return sum(item.hourly_usd or 0.0 for item in leftovers)


# ------------------------------------------------------------------ deletion
def delete(clients, item: Leftover, wait_s: float = 600.0, poll_s: float = 1.0) -> None:
    """Delete (or stop, for a running job) one leftover; raises ClientError when AWS refuses."""
    sm = clients.sagemaker
    if item.kind == "Endpoint":
        sm.delete_endpoint(EndpointName=item.name)
    elif item.kind == "EndpointConfig":
        sm.delete_endpoint_config(EndpointConfigName=item.name)
    elif item.kind == "Model":
        sm.delete_model(ModelName=item.name)
    elif item.kind == "TrainingJob":
        sm.stop_training_job(TrainingJobName=item.name)
    elif item.kind == "TransformJob":
        sm.stop_transform_job(TransformJobName=item.name)
    elif item.kind == "NotebookInstance":
        _delete_notebook_instance(sm, item.name, wait_s, poll_s)
    elif item.kind == "Bucket":
        _delete_bucket(clients.s3, item.name)
    elif item.kind == "LogStream":
        clients.logs.delete_log_stream(logGroupName=item.parent, logStreamName=item.name)
    else:
        raise ValueError(f"unknown kind of leftover: {item.kind}")


def _delete_notebook_instance(sm, name: str, wait_s: float, poll_s: float) -> None:
    """Stop, wait for Stopped (a notebook instance can only be deleted then), delete."""
    deadline = time.monotonic() + wait_s
    while True:
        status = sm.describe_notebook_instance(NotebookInstanceName=name)["NotebookInstanceStatus"]
        if status in ("Stopped", "Failed"):
            sm.delete_notebook_instance(NotebookInstanceName=name)
            return
        if status in ("InService",):
            sm.stop_notebook_instance(NotebookInstanceName=name)
        if time.monotonic() > deadline:
            raise TimeoutError(f"notebook instance {name} is still {status} after {wait_s:.0f} s")
        time.sleep(poll_s)


def _delete_bucket(s3, name: str) -> None:
    """Empty the bucket (every version, if versioning was ever on), then delete it."""
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=name):
        doomed = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                  for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        for start in range(0, len(doomed), 1000):
            s3.delete_objects(Bucket=name, Delete={"Objects": doomed[start:start + 1000], "Quiet": True})
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
        keys = [{"Key": obj["Key"]} for obj in page.get("Contents", [])]
        if keys:
            s3.delete_objects(Bucket=name, Delete={"Objects": keys, "Quiet": True})
    s3.delete_bucket(Bucket=name)
