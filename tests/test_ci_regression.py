"""`grader.py ci`: the notebook regression of every module, for real, and the parts it is made of.

Slow tests run the command as CI does: every module with its mutants must pass, and a notebook
broken on a temporary copy of notebooks/ must fail, naming the module and the cell, in a JUnit
file that parses. Fast tests cover the plan, the judging rules and the JUnit writer.
"""
from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET

import nbformat
import pytest
from helpers import ROOT, run_grader

from course import catalog, junit, mutants, regression
from course.regression import LEARNER_COPY, MUTANT, RAN, REFERENCE, Job, JobResult


# ------------------------------------------------------------------ fast
def test_plan_grades_reference_learner_copy_and_each_mutant_as_learners_of_their_own():
    jobs = regression.plan(list(catalog.MODULES), with_mutants=True)
    assert len({job.learner for job in jobs}) == len(jobs), "one emulated account per notebook"
    for module_id in catalog.MODULES:
        kinds = [job.kind for job in jobs if job.module == module_id]
        assert kinds.count(REFERENCE) == 1 and kinds.count(LEARNER_COPY) == 1
        assert kinds.count(MUTANT) == len(mutants.declared(module_id))
    assert jobs[0].before, "jobs that grade other modules first start first"
    assert all(job.kind != MUTANT for job in regression.plan(["module2"], with_mutants=False))


def test_every_module_declares_mutants_that_apply_to_its_notebook(tmp_path):
    for module_id, module in catalog.MODULES.items():
        declared = mutants.declared(module_id)
        assert declared, f"{module_id} declares no mutant"
        for mutant in declared:
            notebook = mutants.write(module, mutant, tmp_path / module_id / mutant.name)
            assert notebook.is_file()
            for step in mutant.before:
                other, _, name = step.partition(":")
                assert other in catalog.MODULES and (not name or mutants.find(other, name))


def test_a_mutant_that_no_longer_applies_is_named(tmp_path):
    module = catalog.get("module5")
    stale = mutants.Mutant("stale", frozenset(), notebook=(("this text is in no cell", "x"),))
    with pytest.raises(mutants.MutationNotFound, match="this text is in no cell"):
        mutants.write(module, stale, tmp_path / "stale")
    typo = mutants.Mutant("typo", frozenset(), scripts={"videogame.sh": (("a", "b"),)})
    with pytest.raises(mutants.MutationNotFound, match="videogame.sh"):
        mutants.write(module, typo, tmp_path / "typo")


def _result(module, kind, failed, checks, exercise_checks=(), mutant=None):
    return JobResult(Job(module, kind, f"ci-{module}-x", mutant=mutant), ok=True, failed=list(failed),
                     checks=list(checks), exercise_checks=list(exercise_checks))


def test_a_check_that_nothing_fails_is_reported():
    checks = [RAN, "test_a", "test_b", "test_c"]
    results = [_result("module9", REFERENCE, [], checks),
               _result("module9", LEARNER_COPY, [RAN, "test_a"], checks, ["test_a"]),
               _result("module9", MUTANT, ["test_b"], checks, mutant="m")]
    assert regression.uncovered_checks(results) == {"module9": ["test_c"]}
    assert regression.expected_failures(results[1].job, results[1]) == {RAN, "test_a"}
    assert regression.expected_failures(results[0].job, results[0]) is None


def test_junit_file_has_a_suite_per_module_and_a_failure_per_regression(tmp_path):
    good = _result("module2", REFERENCE, [], [RAN])
    bad = _result("module2", MUTANT, [], [RAN], mutant="wrong-objective")
    bad.ok, bad.problem, bad.seconds = False, "The mutant wrong-objective passed, but must fail: test_x.", 3.5
    path = tmp_path / "junit.xml"
    junit.write(path, [good, bad, _result("module0", REFERENCE, [], [RAN])], {"module0": ["test_y"]}, [])
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites" and root.get("tests") == "4" and root.get("failures") == "2"
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    assert set(suites) == {"module2", "module0"}
    [failure] = suites["module2"].iter("failure")
    assert failure.get("message").startswith("The mutant wrong-objective passed")
    assert [c.get("name") for c in suites["module0"].iter("testcase")] == ["reference", "checks can fail"]


def test_unknown_module_is_a_one_line_error(tmp_path):
    result = run_grader(tmp_path / "home", "ci", "module9")
    assert result.code == 2 and result.stderr.startswith("error: Unknown module 'module9'."), result.output


# ------------------------------------------------------------------ slow: for real
@pytest.mark.slow
def test_every_module_passes_its_regression_with_mutants(tmp_path):
    junit_file, summary_file = tmp_path / "ci.xml", tmp_path / "ci.json"
    result = run_grader(tmp_path / "home", "ci", "--mutants", "--junit", junit_file, "--json", summary_file,
                        timeout=900)
    assert result.code == 0, result.output
    for module_id in catalog.MODULES:
        assert f"│ {module_id} " in result.stdout, result.stdout
    assert "wall time" in result.stdout and "REGRESSION" not in result.stdout
    summary = json.loads(summary_file.read_text())
    assert summary["passed"] and set(summary["modules"]) == set(catalog.MODULES)
    jobs = [job for module in summary["modules"].values() for job in module["jobs"]]
    assert all(job["ok"] for job in jobs)
    references = [job for job in jobs if job["job"]["kind"] == REFERENCE]
    assert all(job["score"] == job["max_score"] > 0 for job in references)
    root = ET.parse(junit_file).getroot()
    assert int(root.get("tests")) == len(jobs) and root.get("failures") == "0"
    assert {suite.get("name") for suite in root.iter("testsuite")} == set(catalog.MODULES)


@pytest.mark.slow
def test_a_broken_notebook_fails_naming_the_module_and_the_cell(tmp_path):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks)
    path = notebooks / catalog.get("module2").notebook
    notebook = nbformat.read(path, as_version=4)
    [cell] = [c for c in notebook.cells if c.cell_type == "code" and "xgb.fit(" in c.source]
    cell.source = cell.source.replace("xgb.fit(", 'raise RuntimeError("the SDK changed")\nxgb.fit(', 1)
    nbformat.write(notebook, path)
    number = 1 + notebook.cells.index(cell)  # as Jupyter numbers cells, markdown included

    junit_file = tmp_path / "ci.xml"
    result = run_grader(tmp_path / "home", "ci", "module2", "--notebooks", notebooks, "--junit", junit_file)
    assert result.code == 1, result.output
    assert "module2 reference" in result.stdout and "REGRESSION" in result.stdout
    assert f"Cell {number} (exercise 'train') raised RuntimeError: the SDK changed" in result.stdout, result.stdout
    root = ET.parse(junit_file).getroot()
    [failure] = root.iter("failure")
    assert "the SDK changed" in failure.get("message") and root.get("failures") == "1"


def test_cleanup_after_an_aws_run_deletes_only_names_of_the_runs_learners(shared_home):
    """On a shared account (as a nightly AWS run has), names decide: the runs' own go, others stay."""
    from course.backend.local import LocalBackend
    from course.ci_command import _clean_up

    class SharedAccount:  # every learner in one account, as on AWS
        def __init__(self, backend):
            self.backend = backend

        def account_for(self, learner, region, need_role=True):
            return self.backend.account_for("nightly", region, need_role=need_role)

    chosen = SharedAccount(LocalBackend(shared_home / "backend.json").running())
    sm = chosen.account_for("x", "us-east-1").session().client(
        "sagemaker", endpoint_url=chosen.backend.endpoint_url)
    image = "811284229777.dkr.ecr.us-east-1.amazonaws.com/xgboost:1"
    role = chosen.account_for("x", "us-east-1").role_arn
    for name in ("model-ci-module2-1", "model-ci-module2-10", "someone-elses-model"):
        sm.create_model(ModelName=name, ExecutionRoleArn=role,
                        PrimaryContainer={"Image": image, "ModelDataUrl": "s3://x/model.tar.gz"})
    results = [JobResult(Job("module2", LEARNER_COPY, "ci-module2-1"), ok=True)]
    assert _clean_up(results, chosen) == []
    assert sorted(m["ModelName"] for m in sm.list_models()["Models"]) == ["model-ci-module2-10",
                                                                          "someone-elses-model"]
