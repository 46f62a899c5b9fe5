"""Modules 0, 1 and 6 graded for real on the embedded backend, via the CLI.

Each reference solution scores full marks, each untouched learner copy fails with hints, each
mutant fails exactly the checks it breaks, and together they fail every check. module6 is
course-wide: after a module2 that leaves its endpoint running, it names the endpoint, its
hourly cost and the command that deletes it.
"""
from __future__ import annotations

import ast

import pytest
from helpers import ROOT, run_grader
from notebook_mutants import write_mutant

from course import mutants
from course.backend.local import LocalBackend
from course.progress import Store

pytestmark = pytest.mark.slow

NOTEBOOKS = ROOT / "notebooks"
MODULE0 = NOTEBOOKS / "module0_preliminaries.ipynb"
MODULE1 = NOTEBOOKS / "module1_notebook_instance.ipynb"
MODULE2 = NOTEBOOKS / "module2_videogame_sales.ipynb"
MODULE6 = NOTEBOOKS / "module6_cleanup.ipynb"

MODULE0_MUTANTS = mutants.declared("module0")
MODULE1_MUTANTS = mutants.declared("module1")
MODULE6_KEEPS_ALL_BUT_ENDPOINTS = mutants.find("module6", "keeps-all-but-endpoints")
MODULE2_LEAVES_ENDPOINT = mutants.find("module2", "leave-endpoint").notebook


def _grade(home, module: str, learner: str, *args):
    return run_grader(home, module, "--learner", learner, "--json", *args)


def _assert_hints_act(result) -> None:
    for check in result.verdict["checks"]:
        if not check["passed"]:
            assert check["hint"] and "could not look at your work" not in check["hint"], check


def _account(home, learner: str):
    return LocalBackend(home / "backend.json").running().account_for(learner, "us-east-1")


# ------------------------------------------------------------------ module0
def test_module0_reference_registers_the_learner(shared_home):
    result = _grade(shared_home, "module0", "pre-ref", "--reference")
    assert result.code == 0, result.output
    assert result.verdict["score"] == result.verdict["max_score"] == 7
    registration = Store(f"sqlite:///{shared_home / 'progress.sqlite'}").registration("pre-ref")
    assert registration.name == "Grace Hopper" and registration.region == "us-east-1"
    assert registration.account_id == _account(shared_home, "pre-ref").account_id


def test_module0_learner_copy_fails_each_exercise_with_its_hint(shared_home):
    result = _grade(shared_home, "module0", "pre-fresh")
    assert result.code == 1, result.output
    assert result.failed() == {"test_notebook_ran_without_error", "test_identity_is_your_own",
                               "test_region_is_one_the_course_supports",
                               "test_learner_registered_in_the_progress_store"}
    assert "exercise 'identity'" in result.check("test_notebook_ran_without_error")["hint"]
    assert "get_caller_identity" in result.check("test_identity_is_your_own")["hint"]
    _assert_hints_act(result)
    assert Store(f"sqlite:///{shared_home / 'progress.sqlite'}").registration("pre-fresh") is None


@pytest.mark.parametrize("mutant", MODULE0_MUTANTS, ids=[m.name for m in MODULE0_MUTANTS])
def test_module0_mutant_fails_exactly_the_checks_it_breaks(shared_home, tmp_path, mutant):
    notebook = write_mutant(MODULE0, tmp_path / f"{mutant.name}.ipynb", mutant.notebook)
    result = _grade(shared_home, "module0", f"m0-{mutant.name}"[:20].rstrip("-"), "--notebook", notebook)
    assert result.code == 1, result.output
    assert result.failed() == set(mutant.fails), result.stdout
    _assert_hints_act(result)


# ------------------------------------------------------------------ module1
def test_module1_waits_for_module0_then_passes_and_regrades(shared_home):
    learner = "nb-path"
    refused = _grade(shared_home, "module1", learner, "--notebook", MODULE1)
    assert refused.code == 2 and "Grade module0 first" in refused.verdict["error"], refused.output
    assert _grade(shared_home, "module0", learner, "--notebook", MODULE0).code == 0
    copy = _grade(shared_home, "module1", learner)
    assert copy.code == 1, copy.output
    assert "exercise 'role'" in copy.check("test_notebook_ran_without_error")["hint"]
    assert {"test_execution_role_trusts_sagemaker_and_has_full_access", "test_bucket_exists_in_your_region",
            "test_notebook_instance_is_in_service"} <= copy.failed()
    _assert_hints_act(copy)
    for attempt in ("first", "again"):  # graded again, the role, bucket and instance are reused
        result = _grade(shared_home, "module1", learner, "--notebook", MODULE1)
        assert result.code == 0, (attempt, result.output)
        assert result.verdict["score"] == result.verdict["max_score"] == 8
    instance = _account(shared_home, learner).session().client(
        "sagemaker", endpoint_url=_account(shared_home, learner).endpoint_url).describe_notebook_instance(
        NotebookInstanceName=f"smworkshop-{learner}")
    assert instance["NotebookInstanceStatus"] == "InService" and instance["InstanceType"] == "ml.m5.xlarge"


@pytest.mark.parametrize("mutant", MODULE1_MUTANTS, ids=[m.name for m in MODULE1_MUTANTS])
def test_module1_mutant_fails_exactly_the_checks_it_breaks(shared_home, tmp_path, mutant):
    notebook = write_mutant(MODULE1, tmp_path / f"{mutant.name}.ipynb", mutant.notebook)
    learner = f"m1-{mutant.name}"[:20].rstrip("-")
    result = _grade(shared_home, "module1", learner, "--notebook", notebook, "--skip-prerequisites")
    assert result.code == 1, result.output
    assert result.failed() == set(mutant.fails), result.stdout
    _assert_hints_act(result)


# ------------------------------------------------------------------ module6
def test_module6_after_module2_left_its_endpoint_names_it_with_cost_and_command(shared_home, tmp_path):
    learner = "leftie"
    assert _grade(shared_home, "module1", learner, "--reference", "--skip-prerequisites").code == 0
    module2 = write_mutant(MODULE2, tmp_path / "leave.ipynb", MODULE2_LEAVES_ENDPOINT)
    assert _grade(shared_home, "module2", learner, "--notebook", module2).code == 1
    result = _grade(shared_home, "module6", learner)  # the untouched learner copy deletes nothing
    assert result.code == 1, result.output
    assert result.failed() == {"test_notebook_ran_without_error", "test_no_endpoint_or_job_left_running",
                               "test_no_endpoint_config_or_model_left", "test_notebook_instance_deleted",
                               "test_bucket_emptied_and_deleted", "test_logs_deleted"}
    hint = result.check("test_no_endpoint_or_job_left_running")["hint"]
    endpoint = hint.split("Endpoint ", 1)[1].split(" ", 1)[0]
    assert endpoint.startswith(f"videogames-xgboost-{learner}-"), hint
    assert "about $0.23 per hour" in hint and "1 x ml.m5.xlarge" in hint, hint
    assert f"aws sagemaker delete-endpoint --region us-east-1 --endpoint-name {endpoint}" in hint, hint
    assert f"smworkshop-{learner}" in result.check("test_notebook_instance_deleted")["hint"]
    assert "aws s3 rb s3://smworkshop-leftie-" in result.check("test_bucket_emptied_and_deleted")["hint"]
    _assert_hints_act(result)

    cleaned = _grade(shared_home, "module6", learner, "--reference")
    assert cleaned.code == 0, cleaned.output
    assert cleaned.verdict["score"] == cleaned.verdict["max_score"] == 10


def test_module6_mutant_that_keeps_all_but_endpoints(shared_home, tmp_path):
    learner = "keeper"
    account = _account(shared_home, learner)
    assert _grade(shared_home, "module1", learner, "--reference", "--skip-prerequisites").code == 0
    session = account.session()
    sm = session.client("sagemaker", endpoint_url=account.endpoint_url)
    logs = session.client("logs", endpoint_url=account.endpoint_url)
    sm.create_model(ModelName=f"transform-{learner}", ExecutionRoleArn=account.role_arn,
                    PrimaryContainer={"Image": "811284229777.dkr.ecr.us-east-1.amazonaws.com/xgboost:1",
                                      "ModelDataUrl": f"s3://{account.bucket()}/model.tar.gz"})
    sm.create_endpoint_config(EndpointConfigName=f"config-{learner}", ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": f"transform-{learner}", "InitialInstanceCount": 1,
        "InstanceType": "ml.m5.xlarge"}])
    logs.create_log_group(logGroupName="/aws/sagemaker/TransformJobs")
    logs.create_log_stream(logGroupName="/aws/sagemaker/TransformJobs", logStreamName=f"transform-{learner}/i-1")
    notebook = write_mutant(MODULE6, tmp_path / "keeps.ipynb", MODULE6_KEEPS_ALL_BUT_ENDPOINTS.notebook)
    result = _grade(shared_home, "module6", learner, "--notebook", notebook)
    assert result.code == 1, result.output
    assert result.failed() == set(MODULE6_KEEPS_ALL_BUT_ENDPOINTS.fails), result.stdout
    assert f"aws sagemaker delete-model --region us-east-1 --model-name transform-{learner}" in result.check(
        "test_no_endpoint_config_or_model_left")["hint"]
    assert f"transform-{learner}/i-1" in result.check("test_logs_deleted")["hint"]
    _assert_hints_act(result)


def test_module6_on_a_backend_of_its_own_says_it_saw_an_empty_account(tmp_path):
    result = _grade(tmp_path / "home", "module6", "solo", "--reference")  # no backend runs: the grader starts one
    assert result.code == 0, result.output
    assert "started its own embedded backend, so module6 looked at an empty account" in result.stderr
    assert "python grader.py lab" in result.stderr


def test_every_check_of_modules_0_1_6_fails_on_some_notebook():
    failing = {
        "test_module0_preliminaries.py": set().union(*(m.fails for m in MODULE0_MUTANTS))
        | {"test_notebook_ran_without_error"},
        "test_module1_notebook_instance.py": set().union(*(m.fails for m in MODULE1_MUTANTS)),
        "test_module6_cleanup.py": set(MODULE6_KEEPS_ALL_BUT_ENDPOINTS.fails)
        | {"test_notebook_ran_without_error", "test_no_endpoint_or_job_left_running"},
    }
    for checks_file, covered in failing.items():
        source = (ROOT / "checks" / checks_file).read_text()
        checks = {node.name for node in ast.parse(source).body
                  if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}
        assert checks == covered, f"{checks_file}: checks no notebook fails: {checks - covered}"
