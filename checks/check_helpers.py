"""What several modules' checks share: the first check of every module, listing by pages, whose a
resource is, and the checks module2 and module5 make of the same workshop model."""
from __future__ import annotations


def assert_notebook_ran(run) -> None:
    """The notebook ran from top to bottom; else the hint names the cell that stopped it."""
    failure = run.failure
    assert failure is None, (
        f"{failure.get('message')} Fix that cell, then run the whole notebook again from the top "
        "(Kernel > Restart & Run All) before grading.")


def paged(client, operation: str, key: str, **kwargs) -> list[dict]:
    """Every item of a paginated List* call."""
    return [item for page in client.get_paginator(operation).paginate(**kwargs) for item in page[key]]


def libsvm_labels(path) -> list[float]:
    with open(path) as handle:
        return [float(line.split(None, 1)[0]) for line in handle if line.strip()]


def learners(run, ledger, kind: str, name: str) -> bool:
    """The learner's resource: their whole account on the embedded backend; on AWS, what this
    run created or what carries the learner id as a whole word of its name."""
    return (run.info.backend == "local" or name in ledger.names_created(kind)
            or f"-{run.learner}-" in f"-{name}-")


def contains_run(answered: list[float], wanted: list[float], tolerance: float = 1e-5) -> bool:
    """Whether `wanted` appears, in order and unbroken, among the endpoint's answers."""
    n = len(wanted)
    for start in range(len(answered) - n + 1):
        if all(abs(a - w) <= tolerance for a, w in zip(answered[start:start + n], wanted)):
            return True
    return False


def channel_rows(s3, bucket: str, prefix: str) -> int:
    """The non-empty lines of every object under a training channel's prefix."""
    rows = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            body = s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
            rows += sum(1 for line in body.splitlines() if line.strip())
    return rows


def assert_completed_with_auc(job, floor: float, eval_metric: str, low_hint: str) -> None:
    """The training job completed and reported a validation AUC of at least `floor`."""
    status = job["TrainingJobStatus"]
    assert status == "Completed", (
        f"Your training job {job['TrainingJobName']} ended {status}: {job.get('FailureReason', 'no reason given')}")
    metrics = {m["MetricName"]: m["Value"] for m in job.get("FinalMetricDataList", [])}
    auc = metrics.get("validation:auc")
    assert auc is not None, (f"Your job reported no validation:auc. Train with a 'validation' channel and "
                             f"{eval_metric}.")
    assert auc >= floor, f"Your model's validation AUC is {auc:.3f}; it should be at least {floor:.2f}. {low_hint}"


class _RunScope:
    """course.leftovers' scope for one run's checks: what `learners` says is the learner's, of one kind."""

    def __init__(self, run, ledger, kind: str):
        self.run, self.ledger, self.kind = run, ledger, kind

    def owns(self, name: str) -> bool:
        return learners(self.run, self.ledger, self.kind, name)


def endpoints_left(run, ledger, aws) -> list:
    """The learner's endpoints still there, as leftovers (course/leftovers.py: state, hourly cost);
    only the learner's are described (a shared account holds others')."""
    from course.leftovers import endpoints

    return endpoints(aws.sagemaker, _RunScope(run, ledger, "Endpoint"))


def described(leftovers) -> str:
    return "; ".join(f"{item.name} ({item.state}, {item.cost})" for item in leftovers)


def configs_and_models_left(run, ledger, aws) -> tuple[list[str], list[str]]:
    from course.leftovers import endpoint_configs, models

    return ([item.name for item in endpoint_configs(aws.sagemaker, _RunScope(run, ledger, "EndpointConfig"))],
            [item.name for item in models(aws.sagemaker, _RunScope(run, ledger, "Model"))])
