"""module2 graded for real: notebooks executed by papermill on the embedded backend, via the CLI.

The reference solution must score full marks; the untouched learner copy and each mutant must
fail exactly the checks it breaks, with a hint the learner can act on.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import MODULE2, WORKSHOP_CSV, Background, run_grader
from notebook_mutants import MODULE2 as MUTANTS
from notebook_mutants import write_mutant

from course.progress import Store

pytestmark = pytest.mark.slow


def test_reference_solution_scores_full_marks(shared_home):
    result = run_grader(shared_home, "module2", "--reference", "--learner", "ref", "--json")
    assert result.code == 0, result.stdout + result.stderr
    verdict = result.verdict
    assert verdict["passed"] and verdict["score"] == verdict["max_score"] > 0
    assert {c["group"] for c in verdict["checks"]} == {"outputs", "resources", "cleanup"}
    attempts = Store(f"sqlite:///{shared_home / 'progress.sqlite'}").attempts(learner="ref")
    assert attempts[-1].status == "passed" and attempts[-1].score == verdict["score"] and attempts[-1].reference
    run = json.loads((Path(attempts[-1].run_dir) / "run.json").read_text())
    assert run["endpoint_url"] == json.loads((shared_home / "backend.json").read_text())["endpoint_url"], (
        "the grader reuses a running `grader.py backend`")
    assert "AWS_SECRET_ACCESS_KEY" not in json.dumps(run) and "SecretAccessKey" not in json.dumps(run)


@pytest.mark.skipif(not WORKSHOP_CSV.exists(), reason="the workshop's 16-column CSV lives in ../shared")
def test_reference_solution_on_the_workshop_csv(shared_home):
    result = run_grader(shared_home, "module2", "--reference", "--learner", "workshop", "--json",
                        "-p", f"data_csv={WORKSHOP_CSV}")
    assert result.code == 0, result.stdout + result.stderr
    recorded = __import__("json").loads(
        next((shared_home / "runs" / "workshop" / "module2").iterdir()).joinpath("recorded.json").read_text())
    assert recorded["rows"] == 8021 and recorded["split"] == {"train": 5614, "validation": 1604, "test": 803}
    assert recorded["test_hits"] == 132 and len(recorded["columns"]) == 331


def test_untouched_learner_copy_fails_with_hints(shared_home):
    result = run_grader(shared_home, "module2", "--learner", "fresh", "--json")
    assert result.code == 1, result.stdout + result.stderr
    assert "Created your working copy" in result.stderr
    verdict = result.verdict
    assert not verdict["passed"] and verdict["score"] < verdict["max_score"]
    ran = result.check("test_notebook_ran_without_error")
    assert not ran["passed"] and "exercise 'prepare'" in ran["hint"] and "NotImplementedError" in ran["hint"]
    failed = result.failed()
    assert {"test_data_prepared_and_split_70_20_10", "test_training_job_uses_builtin_xgboost_for_binary_classification",
            "test_training_completed_with_validation_auc_at_least_0_80",
            "test_endpoint_served_the_model_trained_by_this_job",
            "test_no_endpoint_left_running", "test_no_endpoint_config_or_model_left"} <= failed, (
        "no points for cleaning up what was never deployed")
    for check in verdict["checks"]:
        if not check["passed"]:
            assert check["hint"] and "could not look at your work" not in check["hint"], check


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_mutant_fails_exactly_the_checks_it_breaks(shared_home, tmp_path, mutant):
    notebook = write_mutant(MODULE2, tmp_path / f"{mutant.name}.ipynb", mutant.notebook)
    result = run_grader(shared_home, "module2", "--notebook", notebook, "--learner", f"m-{mutant.name}"[:20],
                        "--json")
    assert result.code == 1, result.stdout + result.stderr
    assert result.failed() == set(mutant.fails), result.stdout
    for name in mutant.fails:
        hint = result.check(name)["hint"]
        assert hint and "could not look at your work" not in hint, (name, hint)


def test_every_check_fails_on_some_mutant():
    import ast

    from helpers import ROOT

    source = (ROOT / "checks" / "test_module2_videogame_sales.py").read_text()
    checks = {node.name for node in ast.parse(source).body
              if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}
    covered = set().union(*(m.fails for m in MUTANTS))
    assert checks == covered, f"checks no mutant fails: {checks - covered}"


def test_hints_name_the_fix(shared_home, tmp_path):
    leave = next(m for m in MUTANTS if m.name == "leave-endpoint")
    notebook = write_mutant(MODULE2, tmp_path / "leave.ipynb", leave.notebook)
    result = run_grader(shared_home, "module2", "--notebook", notebook, "--learner", "leaver", "--json")
    hint = result.check("test_no_endpoint_left_running")["hint"]
    assert "delete_endpoint" in hint and "videogames-xgboost-leaver" in hint and "per hour" in hint
    wrong = next(m for m in MUTANTS if m.name == "wrong-objective")
    notebook = write_mutant(MODULE2, tmp_path / "wrong.ipynb", wrong.notebook)
    result = run_grader(shared_home, "module2", "--notebook", notebook, "--learner", "wrongobj", "--json")
    hint = result.check("test_training_job_uses_builtin_xgboost_for_binary_classification")["hint"]
    assert "reg:squarederror" in hint and "binary:logistic" in hint


def test_cell_that_raises_is_a_recorded_failed_attempt_naming_the_cell(shared_home, tmp_path):
    notebook = write_mutant(MODULE2, tmp_path / "raises.ipynb",
                            [("shuffled = model_data.sample",
                              "raise ValueError('split went wrong')\nshuffled = model_data.sample")])
    result = run_grader(shared_home, "module2", "--notebook", notebook, "--learner", "raiser", "--json")
    assert result.code == 1
    hint = result.check("test_notebook_ran_without_error")["hint"]
    assert "exercise 'split'" in hint and "ValueError: split went wrong" in hint and "Cell 11" in hint
    attempt = Store(f"sqlite:///{shared_home / 'progress.sqlite'}").attempts(learner="raiser")[-1]
    assert attempt.status == "failed" and any(not c.passed and "split went wrong" in c.hint for c in attempt.checks)


def test_two_learners_at_once_see_only_their_own_resources(shared_home, tmp_path):
    """bob leaves his endpoint running while alice grades: alice's cleanup checks pass, bob's fail."""
    leave = next(m for m in MUTANTS if m.name == "leave-endpoint")
    bob_notebook = write_mutant(MODULE2, tmp_path / "bob.ipynb", leave.notebook)
    alice = Background(shared_home, "module2", "--learner", "alice", "--json", "--reference")
    bob = Background(shared_home, "module2", "--learner", "bob", "--json", "--notebook", bob_notebook)
    results = {"alice": alice.wait(), "bob": bob.wait()}
    assert results["alice"].code == 0, results["alice"].stdout + results["alice"].stderr
    assert results["bob"].failed() == set(leave.fails)
    assert "videogames-xgboost-bob" in results["bob"].check("test_no_endpoint_left_running")["hint"]


def test_get_execution_role_works_as_on_a_notebook_instance(shared_home):
    """With no role_arn parameter the notebook calls sagemaker.get_execution_role(), which reads
    the learner's role from the notebook-instance metadata the grader provides."""
    result = run_grader(shared_home, "module2", "--reference", "--learner", "noroles", "--json", "-p", "role_arn=")
    assert result.code == 0, result.stdout + result.stderr
    run_dir = next((shared_home / "runs" / "noroles" / "module2").iterdir())
    ledger = (run_dir / "ledger.jsonl").read_text()
    assert "SageMakerExecutionRole" in ledger and '"role_arn": ""' in (run_dir / "run.json").read_text()
