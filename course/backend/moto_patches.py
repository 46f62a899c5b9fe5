"""Every change the embedded backend makes to moto, in one place.

moto records SageMaker calls but runs nothing, answers a fixed body for any InvokeEndpoint
and silently overwrites resources whose names exist. These patches make jobs, endpoints and
transforms real (see training.py and hosting.py), give notebook instances AWS's lifecycle and
the notebook-instance calls moto lacks (notebook_instances.py), reject duplicate names as AWS
does, and give every account the AWS managed IAM policies, made when first named (see below).
moto has no public extension point for this, so the patches wrap methods of its SageMaker and
IAM backends and of its response classes; tests/test_moto_contract.py fails loudly when a moto
upgrade moves what they rely on. Pin moto exactly in requirements.txt.
"""
from __future__ import annotations

import inspect
import json
import re
import threading

from moto.core.exceptions import ServiceException
from moto.iam import models as iam_models
from moto.sagemaker import models as sm_models
from moto.sagemaker import responses as sm_responses
from moto.sagemaker.exceptions import ResourceInUseException, ValidationError
from moto.sagemakerruntime import responses as runtime_responses

from . import hosting, notebook_instances, training
from .xgboost_algorithm import ModelError

_ORIGINAL: dict[str, object] = {}
_NAME_LOCK = threading.RLock()


class RuntimeServiceError(ServiceException):
    """A sagemaker-runtime error. Defined outside moto.*: moto derives the error's service
    from the exception class's module, and one under moto.core answers HTTP 500."""


# ------------------------------------------------------------------ unique names
# method: (argument holding the name, backend attribute holding the resources, ARN kind, message)
_UNIQUE = {
    "create_training_job": ("training_job_name", "training_jobs", "training-job",
                            "Training job names must be unique within an AWS account and region, and a "
                            "training job with this name already exists ({arn})"),
    "create_model": ("model_name", "_models", "model", 'Cannot create already existing model "{arn}".'),
    "create_endpoint_config": ("endpoint_config_name", "endpoint_configs", "endpoint-config",
                               'Cannot create already existing endpoint configuration "{arn}".'),
    "create_endpoint": ("endpoint_name", "endpoints", "endpoint", 'Cannot create already existing endpoint "{arn}".'),
    "create_transform_job": ("transform_job_name", "transform_jobs", "transform-job",
                             "Job name must be unique within an AWS account and region, and a job with this "
                             "name already exists ({arn})"),
}


def _reject_duplicates(method: str, inner):
    argument, attribute, kind, message = _UNIQUE[method]
    error = ResourceInUseException if method.endswith("_job") else ValidationError

    def create(self, *args, **kwargs):
        name = kwargs.get(argument, args[0] if args else None)
        with _NAME_LOCK:
            if name in getattr(self, attribute):
                arn = f"arn:aws:sagemaker:{self.region_name}:{self.account_id}:{kind}/{name}"
                raise error(message=message.format(arn=arn))
            return inner(self, *args, **kwargs)

    return create


# ------------------------------------------------------------------ jobs and endpoints
def _create_training_job(self, *args, **kwargs):
    job = _ORIGINAL["create_training_job"](self, *args, **kwargs)
    training.prepare(job)
    training.submit(job, self.account_id, self.region_name)
    return job


def _create_endpoint(self, *args, **kwargs):
    endpoint = _ORIGINAL["create_endpoint"](self, *args, **kwargs)
    hosting.prepare_endpoint(endpoint)
    hosting.submit_endpoint(self, endpoint)
    return endpoint


def _delete_endpoint(self, endpoint_name):
    _ORIGINAL["delete_endpoint"](self, endpoint_name)
    hosting.unload_endpoint(self.account_id, self.region_name, endpoint_name)


def _create_transform_job(self, *args, **kwargs):
    job = _ORIGINAL["create_transform_job"](self, *args, **kwargs)
    hosting.prepare_transform(job)
    hosting.submit_transform(self, job)
    return job


def _invoke_endpoint(self):
    """SageMakerRuntimeResponse.invoke_endpoint answering with the endpoint's model."""
    name = self.path.split("/")[2]
    backend = sm_models.sagemaker_backends[self.current_account][self.region]
    body = self.body if isinstance(self.body, bytes) else str(self.body or "").encode()
    try:
        out, content_type = hosting.invoke(
            backend, name, body, self.headers.get("Content-Type"), self.headers.get("Accept"))
    except LookupError as exc:
        raise RuntimeServiceError("ValidationError", str(exc)) from None
    except ModelError as exc:
        error = RuntimeServiceError(
            "ModelError", f"Received client error ({exc.status}) from primary with message \"{exc}\". "
                          f"See https://{self.region}.console.aws.amazon.com/cloudwatch/home?region={self.region}"
                          f"#logEventViewer:group=/aws/sagemaker/Endpoints/{name} in account "
                          f"{self.current_account} for more information.")
        error.OriginalStatusCode = exc.status
        error.OriginalMessage = str(exc)
        raise error from None
    return 200, {"Content-Type": content_type, "x-Amzn-Invoked-Production-Variant": "AllTraffic"}, out


# ------------------------------------------------------------------ notebook instances
def _create_lifecycle_config(self, *args, **kwargs):
    config = _ORIGINAL["create_notebook_instance_lifecycle_config"](self, *args, **kwargs)
    notebook_instances.lowercase_lifecycle_config_arn(self, config)
    return config


def _get_resource_from_arn(self, arn: str):
    """Tags of notebook instances, lifecycle configs and code repositories; AWS's error, not HTTP 500, for
    an ARN whose resource does not exist (moto's lookup returns None and then fails on None.tags)."""
    resource = notebook_instances.resource_from_arn(self, arn)
    if resource is None:
        resource = _ORIGINAL["_get_resource_from_arn"](self, arn)
    if resource is None:
        kind, _, name = arn.split(":")[-1].partition("/")
        raise ValidationError(message=f"Could not find {kind} with name {name}")
    return resource


# ------------------------------------------------------------------ AWS managed IAM policies
# moto loads all 1,582 AWS managed policies into every new account only when
# MOTO_IAM_LOAD_MANAGED_POLICIES=true: about 0.25 s and 10 MB per account, measured. Here each account
# gets the policy it names (attach, get, versions), made from moto's own copy of the AWS policy data,
# and the full set only when it lists AWS policies.
_AWS_POLICY_ARN = re.compile(r"^arn:[^:]+:iam::aws:policy(/(?:.*/)?)([^/]+)$")
_AWS_POLICIES: dict[str, dict] = {}
_POLICY_LOCK = threading.RLock()
# IAMBackend methods that look a policy up by its ARN
_POLICY_ARN_METHODS = ("attach_role_policy", "attach_user_policy", "attach_group_policy", "get_policy",
                       "get_policy_version", "list_policy_versions", "set_default_policy_version")


def _aws_policy_data() -> dict[str, dict]:
    with _POLICY_LOCK:
        if not _AWS_POLICIES:
            from moto.iam.aws_managed_policies import aws_managed_policies_data

            _AWS_POLICIES.update(json.loads(aws_managed_policies_data))
        return _AWS_POLICIES


def _make_aws_policy(backend, name: str) -> None:
    policy = iam_models.AWSManagedPolicy.from_data(name, backend.account_id, backend.region_name,
                                                   _aws_policy_data()[name])
    if policy.arn not in backend.managed_policies:
        backend.aws_managed_policies.append(policy)
        backend.managed_policies[policy.arn] = policy


def _with_aws_policy(method: str):
    inner = _ORIGINAL[method]
    signature = inspect.signature(inner)

    def call(self, *args, **kwargs):
        arn = signature.bind(self, *args, **kwargs).arguments.get("policy_arn") or ""
        match = _AWS_POLICY_ARN.match(arn)
        if match and arn not in self.managed_policies:
            data = _aws_policy_data().get(match.group(2))
            if data is not None and data.get("Path", "/") == match.group(1):
                with _POLICY_LOCK:
                    _make_aws_policy(self, match.group(2))
        return inner(self, *args, **kwargs)

    return call


def _all_aws_policies(self) -> None:
    with _POLICY_LOCK:
        for name in _aws_policy_data():
            _make_aws_policy(self, name)


def _list_policies(self, marker, max_items, only_attached, path_prefix, scope):
    if scope in (None, "All", "AWS") and not only_attached:
        _all_aws_policies(self)
    return _ORIGINAL["list_policies"](self, marker, max_items, only_attached, path_prefix, scope)


def _get_account_authorization_details(self, policy_filter):
    if not policy_filter or "AWSManagedPolicy" in policy_filter:
        _all_aws_policies(self)
    return _ORIGINAL["get_account_authorization_details"](self, policy_filter)


_PATCHES = {
    "create_training_job": _create_training_job,
    "create_endpoint": _create_endpoint,
    "delete_endpoint": _delete_endpoint,
    "create_transform_job": _create_transform_job,
    "create_model": None,
    "create_endpoint_config": None,
}


_PATCHES.update({
    **notebook_instances.BACKEND_METHODS,
    "create_notebook_instance_lifecycle_config": _create_lifecycle_config,
    "_get_resource_from_arn": _get_resource_from_arn,
})
# SageMaker API handlers: moto's replaced, or added where moto has none (it answers those with HTTP 500)
_RESPONSES = notebook_instances.RESPONSE_METHODS
_IAM_PATCHES = {**{method: None for method in _POLICY_ARN_METHODS}, "list_policies": _list_policies,
                "get_account_authorization_details": _get_account_authorization_details}
_MISSING = object()  # moto has no such method: ours is added


def install() -> None:
    """Patch moto once per process; safe to call again."""
    with _NAME_LOCK:
        if _ORIGINAL:
            return
        backend_class = sm_models.SageMakerModelBackend
        for method, replacement in _PATCHES.items():
            _ORIGINAL[method] = getattr(backend_class, method, _MISSING)
            patched = replacement or _ORIGINAL[method]
            if method in _UNIQUE:
                patched = _reject_duplicates(method, patched)
            setattr(backend_class, method, patched)
        for method, handler in _RESPONSES.items():
            _ORIGINAL[f"response.{method}"] = getattr(sm_responses.SageMakerResponse, method, _MISSING)
            setattr(sm_responses.SageMakerResponse, method, handler)
        for method, replacement in _IAM_PATCHES.items():
            _ORIGINAL[method] = getattr(iam_models.IAMBackend, method)
            setattr(iam_models.IAMBackend, method, replacement or _with_aws_policy(method))
        _ORIGINAL["invoke_endpoint"] = runtime_responses.SageMakerRuntimeResponse.invoke_endpoint
        runtime_responses.SageMakerRuntimeResponse.invoke_endpoint = _invoke_endpoint
