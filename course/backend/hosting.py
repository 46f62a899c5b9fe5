"""Endpoints that really predict and batch transforms that really write `.out` objects.

CreateEndpoint loads the model artefact of the endpoint config's model (Creating ->
InService, or Failed with the loader's reason); InvokeEndpoint answers with that model's
predictions; CreateTransformJob writes one `<key>.out` per input object, as SageMaker does.
"""
from __future__ import annotations

import posixpath
import threading

from moto.core.utils import utcnow

from . import loopback, workers
from . import xgboost_algorithm as xgb_algo

_LOADED: dict[tuple[str, str, str], tuple[object, xgb_algo.XGBoostImage]] = {}
_LOCK = threading.Lock()


def _load_model(backend, model_name: str):
    """The booster and image of a SageMaker model, read from its ModelDataUrl."""
    model = backend._models.get(model_name)  # moto keeps models in a private dict
    if model is None:
        raise xgb_algo.ClientError(f"Could not find model \"{model_name}\".")
    container = model.primary_container or (model.containers or [{}])[0]
    image = xgb_algo.parse_image(container.get("Image", ""))
    if image is None:
        raise xgb_algo.ClientError(
            f"The embedded backend cannot serve the image {container.get('Image')!r}; it serves the built-in "
            "XGBoost algorithm.")
    url = container.get("ModelDataUrl")
    if not url:
        raise xgb_algo.ClientError("The model has no ModelDataUrl.")
    s3 = loopback.client("s3", backend.region_name, backend.account_id)
    bucket, key = loopback.split_s3_uri(url)
    try:
        blob = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except (s3.exceptions.NoSuchKey, s3.exceptions.NoSuchBucket):
        raise xgb_algo.ClientError(f"Failed to download model data from {url}: the object does not exist.") from None
    return xgb_algo.load_model(blob), image


# ------------------------------------------------------------------ endpoints
def prepare_endpoint(endpoint) -> None:
    endpoint.endpoint_status = "Creating"
    endpoint.failure_reason = None  # set now: moto serialises the endpoint's __dict__


def submit_endpoint(backend, endpoint) -> None:
    workers.submit(_load_endpoint, backend, endpoint)


def _load_endpoint(backend, endpoint) -> None:
    try:
        config = backend.endpoint_configs[endpoint.endpoint_config_name]
        loaded = _load_model(backend, config.production_variants[0]["ModelName"])
        with _LOCK:
            if backend.endpoints.get(endpoint.endpoint_name) is not endpoint:
                return  # deleted (or deleted and created anew) while its model loaded
            _LOADED[(backend.account_id, backend.region_name, endpoint.endpoint_name)] = loaded
        status = "InService"
    except Exception as exc:  # noqa: BLE001 - a model that does not load fails the endpoint
        status = "Failed"
        endpoint.failure_reason = f"Failed to load the model for the production variant: {exc}"
    endpoint.last_modified_time = utcnow()
    endpoint.endpoint_status = status  # last: a client seeing it finds every other field set


def unload_endpoint(account_id: str, region: str, name: str) -> None:
    with _LOCK:
        _LOADED.pop((account_id, region, name), None)


def invoke(backend, name: str, body: bytes, content_type: str | None, accept: str | None):
    """(body, content type) of a real prediction; raises LookupError / ModelError like AWS."""
    endpoint = backend.endpoints.get(name)
    if endpoint is None:
        raise LookupError(f"Endpoint {name} of account {backend.account_id} not found.")
    if endpoint.endpoint_status != "InService":
        raise LookupError(f"Endpoint {name} of account {backend.account_id} is not in service "
                          f"(status {endpoint.endpoint_status}).")
    with _LOCK:
        booster, image = _LOADED[(backend.account_id, backend.region_name, name)]
    return xgb_algo.predict(booster, body, content_type, accept, image)


# ------------------------------------------------------------------ batch transform
def prepare_transform(job) -> None:
    job.transform_job_status = "InProgress"
    job.transform_start_time = utcnow()
    job.transform_end_time = None
    job.failure_reason = None  # moto answers "" otherwise; AWS omits the field


def submit_transform(backend, job) -> None:
    workers.submit(_run_transform, backend, job)


def output_key(input_prefix: str, key: str, output_prefix: str) -> str:
    """`<S3OutputPath>/<key relative to the input prefix's folder>.out`, as SageMaker names it.

    An input prefix `data/csv-test` holding `data/csv-test/a.csv` gives `<out>/a.csv.out`; a
    prefix naming one object gives `<out>/<its file name>.out`.
    """
    if key == input_prefix:
        relative = posixpath.basename(key)
    elif input_prefix.endswith("/") or key[len(input_prefix):].startswith("/"):
        relative = key[len(input_prefix):].lstrip("/")
    else:  # a prefix that ends inside a name: keep the path from the prefix's folder
        relative = key[len(posixpath.dirname(input_prefix)):].lstrip("/")
    return posixpath.join(output_prefix, relative + ".out") if output_prefix else relative + ".out"


def _run_transform(backend, job) -> None:
    status = "Completed"
    try:
        booster, image = _load_model(backend, job.model_name)
        s3 = loopback.client("s3", backend.region_name, backend.account_id)
        source = job.transform_input["DataSource"]["S3DataSource"]
        in_bucket, prefix, keys = loopback.list_keys(s3, source["S3Uri"])
        if not keys:
            raise xgb_algo.ClientError(f"No S3 objects found under {source['S3Uri']}.")
        out_bucket, out_prefix = loopback.split_s3_uri(job.transform_output["S3OutputPath"].rstrip("/") + "/")
        content_type = job.transform_input.get("ContentType")
        for key in keys:
            payload = s3.get_object(Bucket=in_bucket, Key=key)["Body"].read()
            out, _ = xgb_algo.predict(booster, payload, content_type, job.transform_output.get("Accept"),
                                      image, batch=True)
            s3.put_object(Bucket=out_bucket, Key=output_key(prefix, key, out_prefix.rstrip("/")), Body=out)
    except xgb_algo.ModelError as exc:
        status, job.failure_reason = "Failed", f"ClientError: See job logs for more information. {exc}"
    except Exception as exc:  # noqa: BLE001 - any failure is the job's FailureReason
        status, job.failure_reason = "Failed", f"ClientError: {exc}"
    job.transform_end_time = job.last_modified_time = utcnow()
    job.transform_job_status = status  # last: a client seeing it finds every other field set
