"""Checks of module5, extra credit: module2's model trained and deployed by shell scripts with the aws CLI.

Outputs: the notebook ran, it predicted the test set with the endpoint in batches of 100, the
reported error rate is what the endpoint answered. Resources: the training job was created by
videogames.sh with the `aws` command-line client (the ledger names the agent of every call), with
the built-in XGBoost image of the learner's region, module2's hyperparameters, resources and
data, and completed with a validation AUC of at least 0.80; deploy.sh deployed, with the CLI, the
model of that job as `videogames-xgboost-<learner>`. Cleanup: no endpoint, configuration or model
left. Each assertion message is the hint the learner sees.
"""
from __future__ import annotations

import re

import pytest
from check_helpers import (
    assert_completed_with_auc,
    channel_rows,
    configs_and_models_left,
    contains_run,
    described,
    endpoints_left,
    libsvm_labels,
)

AUC_FLOOR = 0.80
BATCH_ROWS = 100
CLI = "cli"  # the ledger's agent for calls of the aws command-line client
HYPERPARAMETERS = {"max_depth": 3, "eta": 0.1, "subsample": 0.5, "scale_pos_weight": 2.0, "num_round": 100}
TRAINING = {"InstanceType": "ml.c4.2xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10}
MAX_RUNTIME_S = 1800
ENDPOINT_INSTANCE = "ml.m4.xlarge"
LIBSVM_TYPES = {"libsvm", "text/libsvm", "text/x-libsvm"}


# ------------------------------------------------------------------ helpers
def _who(call) -> str:
    return "the aws CLI" if call.agent == CLI else "Python (boto3 or the SageMaker SDK)"


def _data_prefix(run) -> str:
    return run.info.parameters.get("data_prefix") or "module2"


@pytest.fixture(scope="module")
def job_call(ledger):
    """The last CreateTrainingJob call of this run, whether AWS accepted it or not."""
    calls = [c for c in ledger.calls if c.operation == "CreateTrainingJob"]
    assert calls, ("Your notebook did not start a training job. Fill in the four values at the top of "
                   "videogames.sh (exercise 'values') and run the cell that runs it: it calls "
                   "`aws sagemaker create-training-job`.")
    return calls[-1]


@pytest.fixture(scope="module")
def job(job_call, aws):
    """That training job, as DescribeTrainingJob shows it."""
    error = job_call.error or {}
    assert job_call.ok, (
        f"Your `aws sagemaker create-training-job` call was refused: {error.get('code', job_call.status)}: "
        f"{error.get('message', 'no message')}. Fix the values at the top of videogames.sh (exercise 'values').")
    return aws.sagemaker.describe_training_job(TrainingJobName=job_call.params["TrainingJobName"])


@pytest.fixture(scope="module")
def lineage(job, ledger):
    """Models built from this job's artefact, their endpoint configs, endpoints and invocations."""
    artefact = job.get("ModelArtifacts", {}).get("S3ModelArtifacts")
    models = {c.params.get("ModelName"): c for c in ledger.created("Model")
              if (c.params.get("PrimaryContainer") or {}).get("ModelDataUrl") == artefact
              or any(x.get("ModelDataUrl") == artefact for x in c.params.get("Containers") or [])}
    configs = {c.params.get("EndpointConfigName"): c for c in ledger.created("EndpointConfig")
               if any(v.get("ModelName") in models for v in c.params.get("ProductionVariants", []))}
    endpoints = {c.params.get("EndpointName"): c for c in ledger.created("Endpoint")
                 if c.params.get("EndpointConfigName") in configs}
    invocations = [c for c in ledger.succeeded("InvokeEndpoint") if c.params.get("EndpointName") in endpoints]
    return {"artefact": artefact, "models": models, "configs": configs, "endpoints": endpoints,
            "invocations": invocations}


# ------------------------------------------------------------------ outputs
@pytest.mark.group("outputs")
@pytest.mark.points(1)
def test_notebook_ran_without_error(run):
    """The notebook and its scripts ran from top to bottom without an error."""
    failure = run.failure
    assert failure is None, (
        f"{failure.get('message')} When a script failed, its last line of output above says why: fix the "
        "script, then run the whole notebook again from the top (Kernel > Restart & Run All) before grading.")


@pytest.mark.group("outputs")
@pytest.mark.exercise("predict")
@pytest.mark.points(2)
def test_test_set_predicted_by_your_endpoint_in_batches_of_100(run, lineage):
    """Every test row was sent to your endpoint with invoke_endpoint, at most 100 rows per call."""
    recorded = run.recorded
    assert "test_probabilities" in recorded, (
        "Your notebook did not predict the test set. Write predict_in_batches(lines) (exercise 'predict') "
        "with runtime.invoke_endpoint(EndpointName=endpoint_name, ContentType='text/x-libsvm', Body=...).")
    labels = libsvm_labels(run.file("data/test.libsvm"))
    probabilities = recorded["test_probabilities"]
    assert len(probabilities) == len(labels), (
        f"predict_in_batches returned {len(probabilities)} probabilities for the {len(labels)} lines of "
        "data/test.libsvm: return one per line, in order (split each answer on commas and newlines).")
    calls = lineage["invocations"]
    assert calls, ("The endpoint serving the model your job trained never answered a prediction. Call "
                   "runtime.invoke_endpoint with EndpointName=endpoint_name (exercise 'predict').")
    sizes = [c.params.get("Body", {}).get("lines", 0) for c in calls]
    assert sum(sizes) >= len(labels), (
        f"Only {sum(sizes)} rows were sent to your endpoint; send all {len(labels)} lines of data/test.libsvm.")
    assert max(sizes) <= BATCH_ROWS, (
        f"One invoke_endpoint call sent {max(sizes)} rows; send the test set {BATCH_ROWS} lines at a time "
        "(an endpoint answers at most 6 MB per call): lines[start:start + 100].")
    answered = []
    for call in calls:
        answered += [float(v) for v in re.split(r"[,\s]+", call.response.get("text", "").strip()) if v]
    assert contains_run(answered, [float(p) for p in probabilities]), (
        "The probabilities predict_in_batches returned are not what your endpoint answered. Return the "
        "values of each response['Body'].read().decode('utf-8'), unchanged and in order.")


@pytest.mark.group("outputs")
@pytest.mark.exercise("evaluate")
@pytest.mark.points(2)
def test_reported_error_rate_is_what_the_endpoint_predicted(run):
    """The reported test error rate is what the endpoint's probabilities give."""
    recorded = run.recorded
    assert "test_probabilities" in recorded and "test_error_rate" in recorded, (
        "Your notebook did not report a test error rate. Predict the test set (exercise 'predict'), then "
        "compute error_rate from the probabilities, a hit when above 0.5 (exercise 'evaluate').")
    probabilities = [float(p) for p in recorded["test_probabilities"]]
    labels = libsvm_labels(run.file("data/test.libsvm"))
    errors = sum((p > 0.5) != (label > 0.5) for p, label in zip(probabilities, labels))
    expected = errors / len(labels) if labels else float("nan")
    reported = float(recorded["test_error_rate"])
    assert abs(reported - expected) < 1e-6, (
        f"You reported a test error rate of {reported:.4f}, but the endpoint's probabilities give "
        f"{expected:.4f} ({errors} of {len(labels)} wrong). error_rate is the share of test games whose "
        "prediction (probability > 0.5) differs from the label.")


# ------------------------------------------------------------------ resources
@pytest.mark.group("resources")
@pytest.mark.exercise("values")
@pytest.mark.points(2)
def test_training_job_created_by_the_aws_cli(job_call):
    """The training job was created by videogames.sh with the aws CLI, not from Python."""
    name = job_call.params.get("TrainingJobName")
    assert job_call.agent == CLI, (
        f"Your training job {name} was created by {_who(job_call)}, not by the aws CLI. This module trains "
        "from a script: fill in videogames.sh (exercise 'values') and start it with run_script('videogames.sh'), "
        "which runs `aws sagemaker create-training-job`.")


@pytest.mark.group("resources")
@pytest.mark.exercise("values")
@pytest.mark.points(2)
def test_training_image_is_builtin_xgboost_of_your_region(run, job_call):
    """The training image is the built-in XGBoost algorithm (version 1) of your region."""
    from course.regions import XGBOOST_REPOSITORIES, xgboost_image

    image = (job_call.params.get("AlgorithmSpecification") or {}).get("TrainingImage", "")
    expected = xgboost_image(run.region, "1")
    repository, _, tag = image.partition(":")
    other = next((region for region, (legacy, _) in XGBOOST_REPOSITORIES.items()
                  if legacy == repository and region != run.region), None)
    assert other is None, (
        f"Your training image {image} is XGBoost of {other}, but your jobs run in {run.region}, and SageMaker "
        f"pulls images from the job's own region only. Set training_image={expected} in videogames.sh "
        "(exercise 'values').")
    assert repository == XGBOOST_REPOSITORIES[run.region][0] and tag in ("1", "latest"), (
        f"Your training image {image!r} is not the built-in XGBoost algorithm, version 1, of {run.region}. "
        f"Set training_image={expected} in videogames.sh (exercise 'values'); "
        f"sagemaker.image_uris.retrieve('xgboost', '{run.region}', '1') prints it.")


@pytest.mark.group("resources")
@pytest.mark.exercise("values")
@pytest.mark.points(1)
def test_training_job_has_module2_hyperparameters_and_resources(job):
    """module2's hyperparameters, File mode on 1 x ml.c4.2xlarge with 10 GB, stopped after 1,800 s."""
    hyperparameters = job.get("HyperParameters", {})
    wrong = {}
    for name, value in HYPERPARAMETERS.items():
        try:
            if float(hyperparameters.get(name)) != value:
                wrong[name] = hyperparameters.get(name)
        except (TypeError, ValueError):
            wrong[name] = hyperparameters.get(name)
    for name, value in (("objective", "binary:logistic"), ("eval_metric", "auc")):
        if hyperparameters.get(name) != value:
            wrong[name] = hyperparameters.get(name)
    assert not wrong, (
        f"These hyperparameters of your job differ from module2's: {wrong}. videogames.sh passes "
        "--hyper-parameters max_depth=3,eta=0.1,eval_metric=auc,scale_pos_weight=2.0,subsample=0.5,"
        "objective=binary:logistic,num_round=100.")
    resources = {k: job.get("ResourceConfig", {}).get(k) for k in TRAINING}
    assert resources == TRAINING, (
        f"Your job trained on {resources}; the workshop's script uses "
        "--resource-config InstanceCount=1,InstanceType=ml.c4.2xlarge,VolumeSizeInGB=10.")
    mode = job.get("AlgorithmSpecification", {}).get("TrainingInputMode")
    assert mode == "File", f"Your job reads its data in {mode} mode; use TrainingInputMode=File."
    runtime = job.get("StoppingCondition", {}).get("MaxRuntimeInSeconds")
    assert runtime == MAX_RUNTIME_S, (
        f"Your job may run {runtime} s; the workshop stops it after 1,800 s: "
        "--stopping-condition MaxRuntimeInSeconds=1800.")


@pytest.mark.group("resources")
@pytest.mark.exercise("values")
@pytest.mark.points(2)
def test_training_channels_are_module2_data(run, job, aws):
    """The train and validation channels are module2's libsvm data in your bucket."""
    channels = {c["ChannelName"]: c for c in job.get("InputDataConfig", [])}
    assert {"train", "validation"} <= set(channels), (
        f"Your job had the channels {sorted(channels)}; it needs 'train' and 'validation' "
        "(--input-data-config in videogames.sh).")
    split, prefix = run.recorded.get("split", {}), _data_prefix(run)
    for name in ("train", "validation"):
        channel = channels[name]
        source = channel["DataSource"].get("S3DataSource", {})
        uri = source.get("S3Uri", "")
        wanted = f"s3://{run.bucket}/{prefix}/{name}"
        assert uri.rstrip("/") == wanted and source.get("S3DataType") == "S3Prefix", (
            f"The {name} channel reads {uri} ({source.get('S3DataType')}); it should read module2's {name} "
            f"data: S3Uri {wanted}, S3DataType S3Prefix. Use the bucket value you filled in (exercise 'values').")
        assert (channel.get("ContentType") or "").split(";")[0] in LIBSVM_TYPES, (
            f"The {name} channel declares the content type {channel.get('ContentType')!r}; module2's files are "
            "libsvm: \"ContentType\": \"libsvm\".")
        rows = channel_rows(aws.s3, run.bucket, f"{prefix}/{name}")
        assert name not in split or rows == split[name], (
            f"The {name} channel holds {rows} rows but module2's {name} set has {split.get(name)}. Keep only "
            f"{name}.libsvm under {wanted}/ (run the data cell again to upload it).")


@pytest.mark.group("resources")
@pytest.mark.exercise("values")
@pytest.mark.points(3)
def test_training_completed_with_validation_auc_at_least_0_80(job):
    """The training job completed with a validation AUC of at least 0.80."""
    assert_completed_with_auc(job, AUC_FLOOR, "eval_metric=auc",
                              "Train with module2's hyperparameters (max_depth=3, eta=0.1, num_round=100, ...) "
                              "on module2's data.")


@pytest.mark.group("resources")
@pytest.mark.exercise("deploy")
@pytest.mark.points(2)
def test_endpoint_serves_the_model_trained_by_this_job(run, job, lineage):
    """videogames-xgboost-<learner> served the model this job trained, on 1 x ml.m4.xlarge with weight 1."""
    name = f"videogames-xgboost-{run.learner}"
    assert lineage["artefact"], (
        f"Your training job ended {job['TrainingJobStatus']} without a model, so nothing of it could be deployed. "
        "Train until the job completes, then run deploy.sh.")
    assert lineage["models"], (
        f"No model was created from your job's artefact {lineage['artefact']}. In deploy.sh (exercise 'deploy'): "
        f"aws sagemaker create-model --model-name {name} --primary-container Image=$image,ModelDataUrl=$model_data ...")
    assert lineage["endpoints"], (
        f"No endpoint serves the model you trained. In deploy.sh, create the endpoint configuration and the endpoint "
        f"{name} from it: aws sagemaker create-endpoint-config ... and create-endpoint ... (exercise 'deploy').")
    assert name in lineage["endpoints"], (
        f"Your endpoint is named {sorted(lineage['endpoints'])[0]}; name it, its configuration and the model "
        f"{name} (deploy.sh's \"$name\").")
    variants = [v for config in lineage["configs"].values() for v in config.params.get("ProductionVariants", [])]
    shapes = [(v.get("InitialInstanceCount"), v.get("InstanceType"), v.get("InitialVariantWeight", 1.0))
              for v in variants]
    assert any(c == 1 and t == ENDPOINT_INSTANCE and float(w) == 1.0 for c, t, w in shapes), (
        f"Your endpoint's variants run on (count, type, weight) {shapes}; the workshop deploys one variant, "
        "1 x ml.m4.xlarge with weight 1: --production-variants VariantName=AllTraffic,ModelName=...,"
        "InitialInstanceCount=1,InstanceType=ml.m4.xlarge,InitialVariantWeight=1.")
    assert lineage["invocations"], (
        f"The endpoint {name} never answered a prediction. Predict the test set with invoke_endpoint "
        "(exercise 'predict').")


@pytest.mark.group("resources")
@pytest.mark.exercise("deploy")
@pytest.mark.points(1)
def test_deployed_with_the_aws_cli(lineage):
    """The model, endpoint configuration and endpoint were created by deploy.sh with the aws CLI."""
    created = [*lineage["models"].items(), *lineage["configs"].items(), *lineage["endpoints"].items()]
    assert created, ("Nothing was deployed from your job's model. Write deploy.sh's three "
                     "`aws sagemaker create-...` calls (exercise 'deploy') and run the cell that runs it.")
    by_python = [f"{call.operation[len('Create'):]} {name}" for name, call in created if call.agent != CLI]
    assert not by_python, (
        f"These were created from Python, not by the aws CLI: {', '.join(by_python)}. This module deploys from a "
        "script: write aws sagemaker create-model, create-endpoint-config and create-endpoint in deploy.sh "
        "(exercise 'deploy') and run it with run_script('deploy.sh', training_job_name).")


# ------------------------------------------------------------------ cleanup
@pytest.fixture(scope="module")
def deployed(ledger):
    """Cleanup is only earned by cleaning up what was deployed."""
    assert ledger.names_created("Endpoint"), (
        "Nothing was deployed, so there is nothing to clean up yet. Deploy the model with deploy.sh (exercise "
        "'deploy'), predict, then delete what you created (exercise 'cleanup').")


@pytest.mark.group("cleanup")
@pytest.mark.exercise("cleanup")
@pytest.mark.points(2)
def test_no_endpoint_left_running(run, ledger, aws, deployed):
    """No endpoint of yours is left running (they bill by the hour)."""
    left = endpoints_left(run, ledger, aws)
    assert not left, (
        f"Your endpoint is still running and billing by the hour: {described(left)}. Delete it: "
        "sm.delete_endpoint(EndpointName=endpoint_name), or aws sagemaker delete-endpoint --endpoint-name "
        f"{left[0].name if left else ''}.")


@pytest.mark.group("cleanup")
@pytest.mark.exercise("cleanup")
@pytest.mark.points(1)
def test_no_endpoint_config_or_model_left(run, ledger, aws, deployed):
    """No endpoint configuration or model of yours is left behind."""
    configs, models = configs_and_models_left(run, ledger, aws)
    assert not configs and not models, (
        f"Left behind: endpoint configurations {configs}, models {models}. Delete them after the endpoint: "
        "sm.delete_endpoint_config(EndpointConfigName=endpoint_name) and sm.delete_model(ModelName=endpoint_name), "
        "or aws sagemaker delete-endpoint-config / delete-model.")
