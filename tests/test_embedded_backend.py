"""The embedded backend through the public AWS API, as a notebook or the CLI would use it.

One server in this process (in-process is fine for tests; the grader runs it as its own
process). Small seeded synthetic data: these are tests of the emulation, not of the course.
"""
from __future__ import annotations

import io
import tarfile
import time

import boto3
import numpy as np
import pytest

from course.backend import server

IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
LEGACY = "811284229777.dkr.ecr.us-east-1.amazonaws.com/xgboost:latest"
ROLE = "arn:aws:iam::111122223333:role/SageMakerExecutionRole"


@pytest.fixture(scope="module")
def aws():
    _server, url = server.start()
    kwargs = dict(endpoint_url=url, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    clients = {name: boto3.client(name, **kwargs) for name in ("s3", "sagemaker", "sagemaker-runtime", "logs")}
    clients["s3"].create_bucket(Bucket="emulation-tests")
    rng = np.random.default_rng(7)
    x = rng.normal(size=(400, 3))
    y = (x[:, 0] + 0.3 * x[:, 1] > 0).astype(int)
    csv = "\n".join(",".join([str(label)] + [f"{v:.4f}" for v in row]) for label, row in zip(y, x)) + "\n"
    libsvm = "\n".join(f"{label} " + " ".join(f"{i}:{v:.4f}" for i, v in enumerate(row)) for label, row in zip(y, x))
    put = clients["s3"].put_object
    put(Bucket="emulation-tests", Key="csv/train/part-1.csv", Body=csv[: len(csv) // 2].rsplit("\n", 1)[0] + "\n")
    put(Bucket="emulation-tests", Key="csv/train/part-2.csv", Body=csv[len(csv) // 2:].split("\n", 1)[1])
    put(Bucket="emulation-tests", Key="libsvm/train/train.libsvm", Body=libsvm)
    put(Bucket="emulation-tests", Key="libsvm/validation/validation.libsvm", Body=libsvm)
    yield clients
    _server.stop()


def channel(name, uri, content_type):
    return {"ChannelName": name, "ContentType": content_type,
            "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": uri}}}


def train(aws, name, channels, hyperparameters, image=IMAGE, max_runtime_s=600):
    sm = aws["sagemaker"]
    sm.create_training_job(
        TrainingJobName=name, AlgorithmSpecification={"TrainingImage": image, "TrainingInputMode": "File"},
        RoleArn=ROLE, HyperParameters=hyperparameters, InputDataConfig=channels,
        OutputDataConfig={"S3OutputPath": "s3://emulation-tests/output"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 5},
        StoppingCondition={"MaxRuntimeInSeconds": max_runtime_s})
    first = sm.describe_training_job(TrainingJobName=name)["TrainingJobStatus"]
    deadline = time.monotonic() + 60
    while True:
        job = sm.describe_training_job(TrainingJobName=name)
        if job["TrainingJobStatus"] != "InProgress" or time.monotonic() > deadline:
            return first, job
        time.sleep(0.05)


HP = {"objective": "binary:logistic", "num_round": "20", "max_depth": "3", "eval_metric": "auc"}


def test_training_on_libsvm_reports_metrics_logs_and_writes_the_artefact(aws):
    first, job = train(aws, "libsvm-job", [channel("train", "s3://emulation-tests/libsvm/train", "libsvm"),
                                           channel("validation", "s3://emulation-tests/libsvm/validation",
                                                   "text/libsvm")], HP)
    assert first == "InProgress"
    assert job["TrainingJobStatus"] == "Completed" and job["SecondaryStatus"] == "Completed"
    assert [t["Status"] for t in job["SecondaryStatusTransitions"]] == [
        "Starting", "Downloading", "Training", "Uploading", "Completed"]
    metrics = {m["MetricName"]: m["Value"] for m in job["FinalMetricDataList"]}
    assert set(metrics) == {"train:auc", "validation:auc"} and metrics["validation:auc"] > 0.9
    assert job["BillableTimeInSeconds"] >= 1 and "FailureReason" not in job
    blob = aws["s3"].get_object(Bucket="emulation-tests", Key="output/libsvm-job/output/model.tar.gz")["Body"].read()
    assert tarfile.open(fileobj=io.BytesIO(blob)).getnames() == ["xgboost-model"]
    streams = aws["logs"].describe_log_streams(logGroupName="/aws/sagemaker/TrainingJobs",
                                               logStreamNamePrefix="libsvm-job")["logStreams"]
    events = aws["logs"].get_log_events(logGroupName="/aws/sagemaker/TrainingJobs",
                                        logStreamName=streams[0]["logStreamName"])["events"]
    assert any("validation-auc" in e["message"] for e in events)


def test_training_on_csv_split_over_several_files(aws):
    _, job = train(aws, "csv-job", [channel("train", "s3://emulation-tests/csv/train/", "text/csv")], HP)
    assert job["TrainingJobStatus"] == "Completed", job.get("FailureReason")
    assert {m["MetricName"] for m in job["FinalMetricDataList"]} == {"train:auc"}


@pytest.mark.parametrize("hyperparameters, channels, reason", [
    ({"objective": "binary:logistic"}, None, "Missing required hyperparameter: num_round"),
    ({**HP, "not_a_parameter": "1"}, None, "not_a_parameter"),
    (HP, [channel("train", "s3://emulation-tests/nothing-here/", "libsvm")], "No S3 objects found"),
    (HP, [channel("train", "s3://emulation-tests/libsvm/train", "application/json")], "not supported"),
    ({**HP, "objective": "binary:no-such"}, None, "ClientError"),
])
def test_failed_jobs_say_why(aws, hyperparameters, channels, reason):
    name = f"fails-{abs(hash(reason)) % 10**8}"
    _, job = train(aws, name, channels or [channel("train", "s3://emulation-tests/libsvm/train", "libsvm")],
                   hyperparameters)
    assert job["TrainingJobStatus"] == "Failed" and job["SecondaryStatus"] == "Failed"
    assert reason in job["FailureReason"] and job["FailureReason"].startswith(("ClientError", "AlgorithmError"))


def test_a_job_past_its_max_runtime_is_stopped(aws):
    _, job = train(aws, "runaway", [channel("train", "s3://emulation-tests/libsvm/train", "libsvm")],
                   {**HP, "num_round": "1000000"}, max_runtime_s=1)
    assert job["TrainingJobStatus"] == "Stopped" and job["SecondaryStatus"] == "MaxRuntimeExceeded"
    assert "ModelArtifacts" not in job and "FailureReason" not in job


def test_names_that_exist_are_rejected_as_on_aws(aws):
    sm = aws["sagemaker"]
    with pytest.raises(sm.exceptions.ResourceInUse, match="already exists"):
        train(aws, "libsvm-job", [channel("train", "s3://emulation-tests/libsvm/train", "libsvm")], HP)
    sm.create_model(ModelName="dup-model", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE})
    with pytest.raises(sm.exceptions.ClientError, match="Cannot create already existing model"):
        sm.create_model(ModelName="dup-model", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE})


def deploy(aws, name, model_data, image=IMAGE):
    sm = aws["sagemaker"]
    sm.create_model(ModelName=name, ExecutionRoleArn=ROLE,
                    PrimaryContainer={"Image": image, "ModelDataUrl": model_data})
    sm.create_endpoint_config(EndpointConfigName=name, ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": name, "InitialInstanceCount": 1, "InstanceType": "ml.m5.xlarge"}])
    sm.create_endpoint(EndpointName=name, EndpointConfigName=name)
    first = sm.describe_endpoint(EndpointName=name)["EndpointStatus"]
    deadline = time.monotonic() + 30
    while sm.describe_endpoint(EndpointName=name)["EndpointStatus"] == "Creating" and time.monotonic() < deadline:
        time.sleep(0.05)
    return first, sm.describe_endpoint(EndpointName=name)


def test_endpoint_answers_real_predictions(aws):
    first, endpoint = deploy(aws, "good-endpoint", "s3://emulation-tests/output/libsvm-job/output/model.tar.gz")
    assert first == "Creating" and endpoint["EndpointStatus"] == "InService"
    runtime = aws["sagemaker-runtime"]
    answer = runtime.invoke_endpoint(EndpointName="good-endpoint", ContentType="text/csv",
                                     Body=b"2.0,0.0,0.0\n-2.0,0.0,0.0")
    high, low = (float(v) for v in answer["Body"].read().decode().split())
    assert high > 0.5 > low and answer["ContentType"].startswith("text/csv")
    answer = runtime.invoke_endpoint(EndpointName="good-endpoint", ContentType="text/libsvm",
                                     Body=b"1 0:2.0\n0 0:-2.0")
    assert [round(float(v)) for v in answer["Body"].read().decode().split()] == [1, 0]
    with pytest.raises(runtime.exceptions.ModelError, match="415"):
        runtime.invoke_endpoint(EndpointName="good-endpoint", ContentType="application/json", Body=b"{}")


def test_unknown_endpoint_is_the_error_aws_gives(aws):
    runtime = aws["sagemaker-runtime"]
    with pytest.raises(runtime.exceptions.ClientError, match="ValidationError.*Endpoint no-such-endpoint of account"):
        runtime.invoke_endpoint(EndpointName="no-such-endpoint", ContentType="text/csv", Body=b"1,2,3")


def test_endpoint_whose_model_does_not_load_fails(aws):
    _, endpoint = deploy(aws, "bad-endpoint", "s3://emulation-tests/output/nothing/model.tar.gz")
    assert endpoint["EndpointStatus"] == "Failed" and "does not exist" in endpoint["FailureReason"]


def test_deleted_endpoint_no_longer_answers(aws):
    deploy(aws, "short-lived", "s3://emulation-tests/output/libsvm-job/output/model.tar.gz")
    aws["sagemaker"].delete_endpoint(EndpointName="short-lived")
    with pytest.raises(aws["sagemaker-runtime"].exceptions.ClientError, match="not found"):
        aws["sagemaker-runtime"].invoke_endpoint(EndpointName="short-lived", ContentType="text/csv", Body=b"1,2,3")


def test_batch_transform_writes_out_objects_named_as_sagemaker_does(aws):
    s3, sm = aws["s3"], aws["sagemaker"]
    s3.put_object(Bucket="emulation-tests", Key="batch/csv-test/csv-test.csv", Body=b"2.0,0,0\n-2.0,0,0\n")
    sm.create_transform_job(
        TransformJobName="transform-1", ModelName="good-endpoint",
        TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
                                                        "S3Uri": "s3://emulation-tests/batch/csv-test"}},
                        "ContentType": "text/csv", "SplitType": "Line"},
        TransformOutput={"S3OutputPath": "s3://emulation-tests/batch-out"},
        TransformResources={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1})
    assert sm.describe_transform_job(TransformJobName="transform-1")["TransformJobStatus"] == "InProgress"
    deadline = time.monotonic() + 30
    while sm.describe_transform_job(TransformJobName="transform-1")["TransformJobStatus"] == "InProgress":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert sm.describe_transform_job(TransformJobName="transform-1")["TransformJobStatus"] == "Completed"
    out = s3.get_object(Bucket="emulation-tests", Key="batch-out/csv-test.csv.out")["Body"].read().decode()
    assert [round(float(v)) for v in out.split()] == [1, 0]


def test_accounts_do_not_see_each_other(aws):
    """moto picks the account per request: what one learner creates is not in another's lists."""
    from course.backend import loopback

    alice = loopback.client("sagemaker", "us-east-1", "111111111111")
    bob = loopback.client("sagemaker", "us-east-1", "222222222222")
    alice.create_model(ModelName="alice-model", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE})
    assert [m["ModelName"] for m in alice.list_models()["Models"]] == ["alice-model"]
    assert bob.list_models()["Models"] == []
