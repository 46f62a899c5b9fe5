"""Training jobs that really train: the CreateTrainingJob half of the embedded backend.

A job runs on a worker thread of the server process. It downloads its channels from the
emulated S3 into a work dir (as SageMaker mounts /opt/ml/input/data/<channel>), runs the
algorithm named by the image, uploads model.tar.gz, and moves through the statuses and
secondary statuses SageMaker reports, writing its output to CloudWatch Logs as it goes.
"""
from __future__ import annotations

import os
import tempfile
import time
import traceback

from moto.core.utils import utcnow

from . import loopback, workers
from . import xgboost_algorithm as xgb_algo

LOG_GROUP = "/aws/sagemaker/TrainingJobs"


class JobLog:
    """One CloudWatch log stream, as `fit(logs=True)` and the console read it."""

    def __init__(self, logs, group: str, stream: str):
        self.logs, self.group, self.stream = logs, group, stream
        try:
            logs.create_log_group(logGroupName=group)
        except logs.exceptions.ResourceAlreadyExistsException:
            pass
        logs.create_log_stream(logGroupName=group, logStreamName=stream)

    def write(self, *lines: str) -> None:
        """Best effort: a log that cannot be written must not change the job's outcome."""
        if not lines:
            return
        now = int(time.time() * 1000)
        events = [{"timestamp": now, "message": line} for line in lines]
        try:
            for start in range(0, len(events), 500):
                self.logs.put_log_events(logGroupName=self.group, logStreamName=self.stream,
                                         logEvents=events[start:start + 500])
        except Exception:  # noqa: BLE001
            pass


class _Progress:
    """Keeps SecondaryStatus and SecondaryStatusTransitions the way DescribeTrainingJob shows them."""

    def __init__(self, job):
        self.job = job
        job.secondary_status_transitions = []

    def enter(self, status: str, message: str) -> None:
        now = utcnow()
        transitions = self.job.secondary_status_transitions
        if transitions:
            transitions[-1]["EndTime"] = now
        transitions.append({"Status": status, "StartTime": now, "StatusMessage": message})
        self.job.secondary_status = status
        self.job.last_modified_time = now

    def finish(self) -> None:
        if self.job.secondary_status_transitions:
            self.job.secondary_status_transitions[-1]["EndTime"] = utcnow()


def prepare(job) -> None:
    """Called inside CreateTrainingJob: the job starts InProgress, as on AWS."""
    job.training_job_status = "InProgress"
    job.secondary_status = "Starting"
    job.final_metric_data_list = []
    job.training_start_time = None
    job.training_end_time = None
    # Every attribute the worker sets later exists from the start: moto serialises a job by
    # iterating its __dict__, which must not grow while a Describe call reads it.
    job.failure_reason = None
    job.training_time_in_seconds = None
    job.billable_time_in_seconds = None
    job.algorithm_specification.pop("MetricDefinitions", None)  # moto adds a fake one
    job.secondary_status_transitions = []


def submit(job, account_id: str, region: str) -> None:
    workers.submit(run, job, account_id, region)


class MaxRuntimeExceeded(Exception):
    """StoppingCondition.MaxRuntimeInSeconds passed: SageMaker stops the job."""


def _download_channel(s3, channel: dict, workdir: str, region: str) -> list[str]:
    source = channel["DataSource"].get("S3DataSource")
    if not source:
        raise xgb_algo.ClientError(f"Channel {channel['ChannelName']!r}: only S3 data sources are supported.")
    if source.get("S3DataType", "S3Prefix") != "S3Prefix":
        raise xgb_algo.ClientError(
            f"Channel {channel['ChannelName']!r}: S3DataType {source['S3DataType']} is not supported here; "
            "use S3Prefix.")
    uri = source["S3Uri"]
    try:
        bucket, prefix, keys = loopback.list_keys(s3, uri)
    except s3.exceptions.NoSuchBucket:
        raise xgb_algo.ClientError(f"Data download failed: the bucket of {uri} does not exist.") from None
    if not keys:
        raise xgb_algo.ClientError(
            f"Data download failed: No S3 objects found under S3 URL \"{uri}\" given in input data source. "
            f"Please ensure that the bucket exists in the selected region ({region}), that objects exist "
            "under that S3 prefix, and that the role has permission to read them.")
    target = os.path.join(workdir, channel["ChannelName"])
    os.makedirs(target, exist_ok=True)
    files = []
    for i, key in enumerate(keys):
        path = os.path.join(target, f"{i:05d}-{os.path.basename(key)}")
        s3.download_file(bucket, key, path)
        files.append(path)
    return files


def _train_xgboost(job, image, s3, log: JobLog, progress: _Progress, workdir: str) -> bytes:
    plan = xgb_algo.plan_training(job.hyper_parameters)
    channels = {c["ChannelName"]: c for c in job.input_data_config or []}
    if "train" not in channels:
        raise xgb_algo.ClientError("Channel 'train' is required for the XGBoost algorithm; found "
                                   f"{sorted(channels) or 'no channels'}.")
    unexpected = sorted(set(channels) - {"train", "validation"})
    if unexpected:
        raise xgb_algo.ClientError(f"Channels {unexpected} are not supported; the XGBoost algorithm "
                                   "reads 'train' and 'validation'.")
    progress.enter("Downloading", "Downloading input data")
    files = {name: _download_channel(s3, ch, workdir, s3.meta.region_name) for name, ch in channels.items()}
    log.write(f"[xgboost {image.version}] Loading data, channels: {sorted(files)}")
    matrices = xgb_algo.to_dmatrices({
        name: xgb_algo.load_channel(paths, xgb_algo.training_format(channels[name].get("ContentType")))
        for name, paths in files.items()})
    progress.enter("Training", "Training image download completed. Training in progress.")
    log.write(f"Train matrix has {matrices['train'].num_row()} rows and {matrices['train'].num_col()} columns",
              f"Hyperparameters: {job.hyper_parameters}")
    limit = (job.stopping_condition or {}).get("MaxRuntimeInSeconds")
    deadline = time.monotonic() + float(limit) if limit else None
    result = xgb_algo.train(plan, matrices["train"], matrices.get("validation"), deadline=deadline)
    if result.stopped_early_by_deadline:
        raise MaxRuntimeExceeded(f"Training stopped after {limit} s (MaxRuntimeInSeconds) at round "
                                 f"{len(result.log_lines)} of {plan.num_round}.")
    log.write(*result.log_lines)
    job.final_metric_data_list = [
        {"MetricName": name, "Value": value, "Timestamp": utcnow()}
        for name, value in result.final_metrics().items()
    ]
    return xgb_algo.package_model(result.booster, image)


def run(job, account_id: str, region: str) -> None:
    """The whole life of one training job, ending Completed or Failed with a FailureReason.

    The status flips last, after every field it implies (end time, seconds, metrics), so a
    client that sees Completed or Failed never reads a half-finished description.
    """
    started = time.time()
    job.training_start_time = utcnow()
    progress = _Progress(job)
    progress.enter("Starting", "Preparing the instances for training")
    log, final, reason, secondary = None, "Completed", None, None
    try:
        log = JobLog(loopback.client("logs", region, account_id), LOG_GROUP,
                     f"{job.training_job_name}/algo-1-{int(started)}")
        s3 = loopback.client("s3", region, account_id)
        image_uri = job.algorithm_specification.get("TrainingImage", "")
        image = xgb_algo.parse_image(image_uri)
        if image is None:
            raise xgb_algo.ClientError(
                f"The embedded backend cannot run the training image {image_uri!r}. It runs the built-in "
                "XGBoost algorithm: use sagemaker.image_uris.retrieve('xgboost', region, version).")
        with tempfile.TemporaryDirectory(prefix=f"{job.training_job_name}-") as workdir:
            model = _train_xgboost(job, image, s3, log, progress, workdir)
        progress.enter("Uploading", "Uploading generated training model")
        bucket, key = loopback.split_s3_uri(job.model_artifacts["S3ModelArtifacts"])
        try:
            s3.put_object(Bucket=bucket, Key=key, Body=model)
        except s3.exceptions.NoSuchBucket:
            raise xgb_algo.ClientError(
                f"Output upload failed: bucket {bucket!r} of the output path does not exist.") from None
        log.write("Training job completed")
    except MaxRuntimeExceeded as exc:
        final, reason, secondary = "Stopped", None, "MaxRuntimeExceeded"
        if log:
            log.write(str(exc))
    except xgb_algo.ClientError as exc:
        final, reason = "Failed", f"ClientError: {exc}"
    except Exception as exc:  # noqa: BLE001 - any algorithm crash becomes the job's FailureReason
        final, reason = "Failed", f"AlgorithmError: {type(exc).__name__}: {exc}"
        if log:
            log.write(*traceback.format_exc().splitlines())
    finally:
        if final != "Completed":
            job.model_artifacts = None  # AWS shows no artefact for a job that did not complete
        if reason:
            job.failure_reason = reason
            if log:
                log.write(reason)
        progress.enter(secondary or final, reason[:1024] if reason else f"Training job {final.lower()}")
        progress.finish()
        seconds = max(1, int(round(time.time() - started)))
        job.training_time_in_seconds = job.billable_time_in_seconds = seconds
        job.training_end_time = job.last_modified_time = utcnow()
        job.training_job_status = final
