"""Every change the embedded backend makes to moto, in one place.

moto records SageMaker calls but runs nothing, answers a fixed body for any InvokeEndpoint
and silently overwrites resources whose names exist. These patches make jobs, endpoints and
transforms real (see training.py and hosting.py) and reject duplicate names as AWS does.
moto has no public extension point for this, so the patches wrap methods of its SageMaker
backend and runtime response classes; tests/test_moto_contract.py fails loudly when a moto
upgrade moves what they rely on. Pin moto exactly in requirements.txt.
"""
from __future__ import annotations

import threading

from moto.core.exceptions import ServiceException
from moto.sagemaker import models as sm_models
from moto.sagemaker.exceptions import ResourceInUseException, ValidationError
from moto.sagemakerruntime import responses as runtime_responses

from . import hosting, training
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


_PATCHES = {
    "create_training_job": _create_training_job,
    "create_endpoint": _create_endpoint,
    "delete_endpoint": _delete_endpoint,
    "create_transform_job": _create_transform_job,
    "create_model": None,
    "create_endpoint_config": None,
}


def install() -> None:
    """Patch moto once per process; safe to call again."""
    if _ORIGINAL:
        return
    backend_class = sm_models.SageMakerModelBackend
    for method, replacement in _PATCHES.items():
        _ORIGINAL[method] = getattr(backend_class, method)
        patched = replacement or _ORIGINAL[method]
        if method in _UNIQUE:
            patched = _reject_duplicates(method, patched)
        setattr(backend_class, method, patched)
    _ORIGINAL["invoke_endpoint"] = runtime_responses.SageMakerRuntimeResponse.invoke_endpoint
    runtime_responses.SageMakerRuntimeResponse.invoke_endpoint = _invoke_endpoint
