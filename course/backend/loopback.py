"""boto3 clients from inside the embedded server back to itself, acting in one account.

Jobs read and write S3 and CloudWatch Logs through the public API, as real SageMaker does,
so the learner sees exactly what a job wrote. moto picks the account from the
`x-moto-account-id` header, which keeps each learner's job inside the learner's account.
"""
from __future__ import annotations

from urllib.parse import urlparse

import boto3
import botocore.config

_STATE = {"endpoint_url": None}
_CONFIG = botocore.config.Config(retries={"max_attempts": 2}, max_pool_connections=20)


def set_endpoint_url(url: str) -> None:
    _STATE["endpoint_url"] = url


def client(service: str, region: str, account_id: str):
    if not _STATE["endpoint_url"]:
        raise RuntimeError("loopback used before the embedded server started")
    c = boto3.client(
        service,
        region_name=region,
        endpoint_url=_STATE["endpoint_url"],
        aws_access_key_id="embedded-backend",
        aws_secret_access_key="embedded-backend",
        config=_CONFIG,
    )
    c.meta.events.register(
        "before-sign.*.*",
        lambda request, **_: request.headers.__setitem__("x-moto-account-id", account_id),
    )
    return c


def split_s3_uri(uri: str) -> tuple[str, str]:
    parsed = urlparse(uri)
    if parsed.scheme != "s3" or not parsed.netloc:
        raise ValueError(f"not an S3 URI: {uri!r}")
    return parsed.netloc, parsed.path.lstrip("/")


def list_keys(s3, uri: str) -> tuple[str, str, list[str]]:
    """Bucket, prefix and the sorted object keys under an S3Prefix URI."""
    bucket, prefix = split_s3_uri(uri)
    keys: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys += [o["Key"] for o in page.get("Contents", []) if not o["Key"].endswith("/")]
    return bucket, prefix, sorted(keys)
