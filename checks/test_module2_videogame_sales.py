"""Checks of module2, Videogame Sales with the built-in XGBoost algorithm.

Outputs: the notebook ran, the data was prepared and split as the workshop does, the reported
error rate is what the endpoint answered. Resources: the training job (image, objective,
hyperparameters, channels, AUC), its artefact, and the lineage job -> model -> endpoint
config -> endpoint -> predictions. Cleanup: nothing of the learner's left billing.
Each assertion message is the hint the learner sees.
"""
from __future__ import annotations

import io
import re
import tarfile

import pytest
from check_helpers import (
    assert_completed_with_auc,
    assert_notebook_ran,
    channel_rows,
    configs_and_models_left,
    contains_run,
    described,
    endpoints_left,
    libsvm_labels,
)

AUC_FLOOR = 0.80
SPLIT = {"train": 0.7, "validation": 0.2, "test": 0.1}
HYPERPARAMETERS = {"max_depth": 3, "eta": 0.1, "subsample": 0.5, "scale_pos_weight": 2.0, "num_round": 100}
LEAKING_COLUMNS = ("Name", "Rank", "NA_Sales", "EU_Sales", "JP_Sales", "Other_Sales", "Global_Sales",
                   "Year", "Year_of_Release", "Critic_Count", "User_Count", "Developer")
LIBSVM_TYPES = {"libsvm", "text/libsvm", "text/x-libsvm"}


# ------------------------------------------------------------------ helpers
@pytest.fixture(scope="module")
def job(run, ledger, aws):
    """The last training job this run created, as DescribeTrainingJob shows it."""
    names = ledger.names_created("TrainingJob")
    assert names, ("Your notebook did not start a training job. In exercise 'train', create the Estimator "
                   "`xgb` and call xgb.fit({'train': ..., 'validation': ...}).")
    return aws.sagemaker.describe_training_job(TrainingJobName=names[-1])


@pytest.fixture(scope="module")
def lineage(job, ledger):
    """Models built from this job's artefact, their endpoint configs, endpoints and invocations."""
    artefact = job.get("ModelArtifacts", {}).get("S3ModelArtifacts")
    models = {c.params.get("ModelName") for c in ledger.created("Model")
              if (c.params.get("PrimaryContainer") or {}).get("ModelDataUrl") == artefact
              or any(x.get("ModelDataUrl") == artefact for x in c.params.get("Containers") or [])}
    configs = {c.params.get("EndpointConfigName"): c.params for c in ledger.created("EndpointConfig")
               if any(v.get("ModelName") in models for v in c.params.get("ProductionVariants", []))}
    endpoints = {c.params.get("EndpointName") for c in ledger.created("Endpoint")
                 if c.params.get("EndpointConfigName") in configs}
    invocations = [c for c in ledger.succeeded("InvokeEndpoint") if c.params.get("EndpointName") in endpoints]
    return {"models": models, "configs": configs, "endpoints": endpoints, "invocations": invocations}


# ------------------------------------------------------------------ outputs
@pytest.mark.group("outputs")
@pytest.mark.points(1)
def test_notebook_ran_without_error(run):
    """The notebook ran from top to bottom without an error."""
    assert_notebook_ran(run)


@pytest.mark.group("outputs")
@pytest.mark.exercise("split")
@pytest.mark.points(2)
def test_data_prepared_and_split_70_20_10(run):
    """The data was prepared without leaking the answer and split 70/20/10."""
    recorded = run.recorded
    assert "split" in recorded, (
        "Your notebook did not reach the cell that writes the libsvm files. Complete exercises "
        "'prepare' (model_data) and 'split' (train_data, validation_data, test_data).")
    leaking = [c for c in recorded.get("columns", [])
               if c in LEAKING_COLUMNS or any(c.startswith(f"{col}_") for col in LEAKING_COLUMNS)]
    assert not leaking, (
        f"model_data still has columns that give the answer away or identify the game: {leaking[:5]}. "
        "Drop the name, rank, year and every sales column before one-hot encoding (exercise 'prepare').")
    split, rows = recorded["split"], recorded["rows"]
    total = sum(split.values())
    assert total == rows, (f"Your three sets hold {total} rows but model_data has {rows}: every row must "
                           "land in exactly one of train_data, validation_data, test_data.")
    assert rows >= 5000, (f"Only {rows} rows are left after preparing the data; dropna() should leave "
                          "thousands. Drop the columns first, then the rows with missing values.")
    for name, share in SPLIT.items():
        actual = split[name] / total
        assert abs(actual - share) <= 0.01, (
            f"{name}_data holds {actual:.0%} of the rows; the workshop splits 70% / 20% / 10% "
            "(shuffle with random_state=1729, then cut at int(0.7 * n) and int(0.9 * n)).")
    rate = recorded["label_rate"]
    assert 0.03 <= rate <= 0.35, (
        f"{rate:.0%} of your rows are labelled hits; about one game in eight sells over a million. "
        "The label is y = (Global_Sales > 1).")


@pytest.mark.group("outputs")
@pytest.mark.exercise("evaluate")
@pytest.mark.points(2)
def test_reported_error_rate_is_what_the_endpoint_predicted(run, lineage):
    """The reported test error rate is what the endpoint's predictions give."""
    recorded = run.recorded
    assert "test_probabilities" in recorded, (
        "Your notebook did not predict the test set with the endpoint. Deploy the model as "
        "`xgb_predictor` (exercise 'deploy') and run the prediction cell.")
    assert "test_error_rate" in recorded, (
        "Your notebook did not report a test error rate. In exercise 'evaluate', compute error_rate "
        "from the endpoint's probabilities (a hit when above 0.5).")
    probabilities = [float(p) for p in recorded["test_probabilities"]]
    labels = libsvm_labels(run.file("data/test.libsvm"))
    assert len(probabilities) == len(labels), (
        f"The endpoint predicted {len(probabilities)} rows but the test set has {len(labels)}. "
        "Predict every line of data/test.libsvm, in batches of 100.")
    invoked_rows = sum(c.params.get("Body", {}).get("lines", 0) for c in lineage["invocations"])
    assert invoked_rows >= len(labels), (
        f"Only {invoked_rows} test rows were sent to the endpoint serving your trained model; the "
        f"predictions must come from xgb_predictor.predict(...) over all {len(labels)} rows.")
    errors = sum((p > 0.5) != (label > 0.5) for p, label in zip(probabilities, labels))
    expected = errors / len(labels)
    reported = float(recorded["test_error_rate"])
    assert abs(reported - expected) < 1e-6, (
        f"You reported a test error rate of {reported:.4f}, but the endpoint's predictions give "
        f"{expected:.4f} ({errors} of {len(labels)} wrong). error_rate is the share of test games "
        "whose prediction (probability > 0.5) differs from the label.")
    answered = []
    for call in lineage["invocations"]:
        answered += [float(v) for v in re.split(r"[,\s]+", call.response.get("text", "").strip()) if v]
    assert contains_run(answered, probabilities), (
        "The probabilities you used are not what your endpoint answered. Compute the error rate from "
        "xgb_predictor.predict(...)'s answers, unchanged.")


# ------------------------------------------------------------------ resources
@pytest.mark.group("resources")
@pytest.mark.exercise("train")
@pytest.mark.points(2)
def test_training_job_uses_builtin_xgboost_for_binary_classification(run, job):
    """The training job ran the built-in XGBoost algorithm as a binary classifier."""
    from course.backend.xgboost_algorithm import parse_image
    from course.regions import XGBOOST_REPOSITORIES, xgboost_image

    image = job["AlgorithmSpecification"].get("TrainingImage", "")
    parsed = parse_image(image)
    expected = xgboost_image(run.region, "latest")
    assert parsed is not None and image.split(":")[0] in XGBOOST_REPOSITORIES[run.region], (
        f"Your training job used the image {image!r}, not the built-in XGBoost algorithm of {run.region}. "
        f"Use sagemaker.image_uris.retrieve('xgboost', region, 'latest'), which is {expected}.")
    hyperparameters = job.get("HyperParameters", {})
    objective = hyperparameters.get("objective")
    assert objective == "binary:logistic", (
        f"Your job's objective is {objective!r}. Predicting whether a game is a hit is a binary "
        "classification: set objective='binary:logistic' so the model answers probabilities.")
    assert hyperparameters.get("eval_metric") == "auc", (
        f"Your job evaluates {hyperparameters.get('eval_metric')!r}; set eval_metric='auc' so the job "
        "reports validation:auc.")


@pytest.mark.group("resources")
@pytest.mark.exercise("train")
@pytest.mark.points(1)
def test_training_job_hyperparameters_and_instance(job):
    """The job used the workshop's hyperparameters on 1 x ml.c5.xlarge."""
    hyperparameters = job.get("HyperParameters", {})
    wrong = {}
    for name, value in HYPERPARAMETERS.items():
        try:
            if float(hyperparameters.get(name)) != value:
                wrong[name] = hyperparameters.get(name)
        except (TypeError, ValueError):
            wrong[name] = hyperparameters.get(name)
    assert not wrong, (f"These hyperparameters differ from the workshop's: {wrong}. Set max_depth=3, eta=0.1, "
                       "subsample=0.5, scale_pos_weight=2.0, num_round=100 with xgb.set_hyperparameters(...).")
    resources = job.get("ResourceConfig", {})
    assert (resources.get("InstanceType"), resources.get("InstanceCount")) == ("ml.c5.xlarge", 1), (
        f"Your job trained on {resources.get('InstanceCount')} x {resources.get('InstanceType')}; the "
        "workshop uses instance_count=1, instance_type='ml.c5.xlarge'.")


@pytest.mark.group("resources")
@pytest.mark.exercise("train")
@pytest.mark.points(2)
def test_training_channels_come_from_your_bucket(run, job, aws):
    """The train and validation channels are libsvm data you uploaded to your bucket."""
    channels = {c["ChannelName"]: c for c in job.get("InputDataConfig", [])}
    assert {"train", "validation"} <= set(channels), (
        f"Your job had the channels {sorted(channels)}; it needs 'train' and 'validation': "
        "xgb.fit({'train': ..., 'validation': ...}).")
    split = run.recorded.get("split", {})
    for name in ("train", "validation"):
        channel = channels[name]
        uri = channel["DataSource"]["S3DataSource"]["S3Uri"]
        assert uri.startswith(f"s3://{run.bucket}/{run.prefix}/"), (
            f"The {name} channel reads {uri}; it should read the data you uploaded to "
            f"s3://{run.bucket}/{run.prefix}/{name}.")
        assert (channel.get("ContentType") or "libsvm").split(";")[0] in LIBSVM_TYPES, (
            f"The {name} channel declares the content type {channel.get('ContentType')!r}; your files are "
            "libsvm: TrainingInput(..., content_type='libsvm').")
        bucket, prefix = uri[len("s3://"):].split("/", 1)
        rows = channel_rows(aws.s3, bucket, prefix)
        if name in split:
            assert rows == split[name], (
                f"The {name} channel holds {rows} rows but your {name}_data has {split[name]}. Upload "
                f"data/{name}.libsvm again, and keep nothing else under that folder.")


@pytest.mark.group("resources")
@pytest.mark.exercise("train")
@pytest.mark.points(3)
def test_training_completed_with_validation_auc_at_least_0_80(job):
    """The training job completed with a validation AUC of at least 0.80."""
    assert_completed_with_auc(job, AUC_FLOOR, "eval_metric='auc'",
                              "Check the features (exercise 'prepare') and the workshop's hyperparameters.")


@pytest.mark.group("resources")
@pytest.mark.exercise("train")
@pytest.mark.points(1)
def test_model_artefact_exists(job, aws):
    """The trained model is in S3 as model.tar.gz holding xgboost-model."""
    artefact = job.get("ModelArtifacts", {}).get("S3ModelArtifacts", "")
    assert artefact.startswith("s3://") and "/" in artefact[len("s3://"):], (
        f"Your training job {job['TrainingJobName']} has no model artefact (it ended {job['TrainingJobStatus']}). "
        "Train until the job completes: xgb.fit(...).")
    bucket, key = artefact[len("s3://"):].split("/", 1)
    try:
        blob = aws.s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except (aws.s3.exceptions.NoSuchKey, aws.s3.exceptions.NoSuchBucket):
        blob = None
    assert blob is not None, (f"The model artefact {artefact} is missing. Do not delete your job's output; "
                              "train again with xgb.fit(...) if you did.")
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar:
        names = tar.getnames()
    assert "xgboost-model" in names, f"{artefact} holds {names}, not the trained xgboost-model."


@pytest.mark.group("resources")
@pytest.mark.exercise("deploy")
@pytest.mark.points(2)
def test_endpoint_served_the_model_trained_by_this_job(job, lineage):
    """An endpoint on 1 x ml.m5.xlarge served predictions from the model this job trained."""
    artefact = job.get("ModelArtifacts", {}).get("S3ModelArtifacts")
    assert artefact, (f"Your training job ended {job['TrainingJobStatus']} without a model, so nothing of it could "
                      "be deployed. Train until the job completes, then xgb_predictor = xgb.deploy(...).")
    assert lineage["models"], (
        f"No model was created from your job's artefact {artefact}. "
        "Deploy the estimator you fitted: xgb_predictor = xgb.deploy(...).")
    assert lineage["endpoints"], (
        "No endpoint was created to serve the model you trained. Deploy it with "
        "xgb.deploy(initial_instance_count=1, instance_type='ml.m5.xlarge', serializer=LibSVMSerializer()).")
    variants = [v for config in lineage["configs"].values() for v in config.get("ProductionVariants", [])]
    assert any((v.get("InstanceType"), v.get("InitialInstanceCount")) == ("ml.m5.xlarge", 1) for v in variants), (
        f"Your endpoint runs on {[(v.get('InitialInstanceCount'), v.get('InstanceType')) for v in variants]}; "
        "deploy on initial_instance_count=1, instance_type='ml.m5.xlarge'.")
    assert lineage["invocations"], (
        f"The endpoint {sorted(lineage['endpoints'])[0]} never answered a prediction. Predict the test set "
        "with xgb_predictor.predict(...).")


# ------------------------------------------------------------------ cleanup
@pytest.fixture(scope="module")
def deployed(ledger):
    """Cleanup is only earned by cleaning up what was deployed."""
    assert ledger.names_created("Endpoint"), (
        "Nothing was deployed, so there is nothing to clean up yet. Deploy the model (exercise 'deploy'), "
        "predict, then delete what you created (exercise 'cleanup').")


@pytest.mark.group("cleanup")
@pytest.mark.exercise("cleanup")
@pytest.mark.points(2)
def test_no_endpoint_left_running(run, ledger, aws, deployed):
    """No endpoint of yours is left running (they bill by the hour)."""
    left = endpoints_left(run, ledger, aws)
    assert not left, (
        f"Your endpoint is still running and billing by the hour: {described(left)}. Delete it: "
        "xgb_predictor.delete_endpoint(delete_endpoint_config=True), or "
        f"aws sagemaker delete-endpoint --endpoint-name {left[0].name if left else ''}.")


@pytest.mark.group("cleanup")
@pytest.mark.exercise("cleanup")
@pytest.mark.points(1)
def test_no_endpoint_config_or_model_left(run, ledger, aws, deployed):
    """No endpoint configuration or model of yours is left behind."""
    configs, models = configs_and_models_left(run, ledger, aws)
    assert not configs and not models, (
        f"Left behind: endpoint configurations {configs}, models {models}. Delete the model before the "
        "endpoint (xgb_predictor.delete_model(), then xgb_predictor.delete_endpoint(delete_endpoint_config=True)), "
        "or aws sagemaker delete-endpoint-config / delete-model.")
