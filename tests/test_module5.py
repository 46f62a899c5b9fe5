"""module5 (extra credit): shell scripts with the aws CLI, learner copies of them, and real grading.

Fast tests: the scripts' learner copies keep the blanks and stop with the exercise's name,
assets are staged into the run folder, every check carries an exercise of the notebook and
fails on some mutant. Slow tests grade for real through the CLI, on the shared embedded backend:
module5 needs module2 first; after it, the reference solution scores full marks reusing
module2's data; the untouched learner copy fails with hints; each mutant (notebook and scripts
with work left undone) fails exactly the checks it breaks.
"""
from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from helpers import MODULE2, ROOT, run_grader

from course import catalog, mutants, workspace
from course.regions import xgboost_image

MODULE = catalog.get("module5")
SOURCE_DIR = MODULE.source_notebook.parent
CHECKS_FILE = ROOT / "checks" / "test_module5_extra_credit.py"
BASH = shutil.which("bash")


MUTANTS = mutants.declared("module5")


def write_module5_mutant(mutant, folder: Path) -> Path:
    """The mutant notebook with its scripts beside it, where the grader stages them from."""
    return mutants.write(MODULE, mutant, folder)


def check_names() -> set[str]:
    return {node.name for node in ast.parse(CHECKS_FILE.read_text()).body
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


# ------------------------------------------------------------------ fast: the scripts and their learner copies
@pytest.fixture
def dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GRADER_WORKSPACE", str(tmp_path / "workspace"))
    return tmp_path


def _learner_script(name: str) -> str:
    return workspace.strip_asset((SOURCE_DIR / name).read_text(), name)


def test_learner_copy_of_videogames_sh_keeps_the_blanks_only():
    text = _learner_script("videogames.sh")
    for solution in ('region="$REGION"', 'bucket="$BUCKET"', "811284229777", "433757028032", "SOLUTION"):
        assert solution not in text
    lines = text.splitlines()
    for blank in ("region=", "arn_role=", "bucket=", "training_image="):
        assert any(line.startswith(blank + " ") for line in lines), blank
    assert "# YOUR CODE HERE (exercise 'values')" in text
    assert "aws sagemaker create-training-job" in text  # the workshop's call stays for the learner to read


def test_learner_copy_of_deploy_sh_stops_naming_the_exercise():
    text = _learner_script("deploy.sh")
    assert not [line for line in text.splitlines() if line.lstrip().startswith("aws sagemaker create-")]
    assert "exercise 'deploy' is not done yet" in text and "\nexit 3\n" in text


@pytest.mark.skipif(BASH is None, reason="no bash")
@pytest.mark.parametrize("name", ["videogames.sh", "deploy.sh"])
def test_scripts_and_their_learner_copies_are_valid_bash(tmp_path, name):
    (tmp_path / "learner.sh").write_text(_learner_script(name))
    for script in (SOURCE_DIR / name, tmp_path / "learner.sh"):
        done = subprocess.run([BASH, "-n", str(script)], capture_output=True, text=True)
        assert done.returncode == 0, (script, done.stderr)


def _script_env(tmp_path: Path) -> dict:
    """The variables the notebook gives its scripts, and an `aws` that must never be reached."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    aws = fake_bin / "aws"
    aws.write_text("#!/bin/sh\necho \"$@\" >> \"$AWS_CALLS\"\necho s3://b/model.tar.gz image:1\n")
    aws.chmod(0o755)
    return {"PATH": f"{fake_bin}{os.pathsep}/usr/bin{os.pathsep}/bin", "LEARNER": "ada", "REGION": "us-east-1",
            "ROLE_ARN": "arn:aws:iam::123456789012:role/r", "BUCKET": "b", "AWS_CALLS": str(tmp_path / "calls")}


@pytest.mark.skipif(BASH is None, reason="no bash")
def test_untouched_videogames_sh_stops_before_any_aws_call(tmp_path):
    (tmp_path / "videogames.sh").write_text(_learner_script("videogames.sh"))
    done = subprocess.run([BASH, "videogames.sh"], cwd=tmp_path, env=_script_env(tmp_path), capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 2
    assert "region is empty" in done.stderr and "exercise 'values'" in done.stderr
    assert not (tmp_path / "calls").exists()


@pytest.mark.skipif(BASH is None, reason="no bash")
def test_untouched_deploy_sh_stops_before_creating_anything(tmp_path):
    (tmp_path / "deploy.sh").write_text(_learner_script("deploy.sh"))
    done = subprocess.run([BASH, "deploy.sh", "job-1"], cwd=tmp_path, env=_script_env(tmp_path),
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 3
    assert "exercise 'deploy' is not done yet" in done.stderr and "videogames-xgboost-ada" in done.stderr
    calls = (tmp_path / "calls").read_text().splitlines()
    assert [c.split()[:2] for c in calls] == [["sagemaker", "describe-training-job"]]


def test_videogames_sh_knows_the_xgboost_image_of_every_course_region():
    text = (SOURCE_DIR / "videogames.sh").read_text()
    from course.regions import SUPPORTED_REGIONS

    for region in SUPPORTED_REGIONS:
        assert f"{region}) " in text and xgboost_image(region, "1") in text, region


# ------------------------------------------------------------------ fast: assets in the workspace and the run folder
def test_learner_copy_brings_its_scripts_and_never_overwrites_them(dirs):
    notebook, created = workspace.ensure_learner_copy(MODULE, "ada")
    assert created and notebook.parent == dirs / "workspace" / "ada" / "module5"
    script = notebook.parent / "videogames.sh"
    assert script.read_text() == _learner_script("videogames.sh")
    assert os.access(script, os.X_OK) == os.access(SOURCE_DIR / "videogames.sh", os.X_OK)
    script.write_text("# my own work\n")
    (notebook.parent / "deploy.sh").unlink()
    workspace.ensure_learner_copy(MODULE, "ada")
    assert script.read_text() == "# my own work\n"
    assert (notebook.parent / "deploy.sh").read_text() == _learner_script("deploy.sh")  # a lost one comes back


def test_stage_assets_takes_the_graded_notebooks_own_scripts(dirs):
    run_dir = dirs / "run"
    run_dir.mkdir()
    staged = workspace.stage_assets(MODULE, MODULE.source_notebook, run_dir, "ada")
    assert [p.name for p in staged] == ["videogames.sh", "deploy.sh"]
    assert (run_dir / "videogames.sh").read_text() == (SOURCE_DIR / "videogames.sh").read_text()
    assert not (dirs / "workspace").exists()  # the reference's scripts: no learner copy needed

    elsewhere = dirs / "mine"
    elsewhere.mkdir()
    (elsewhere / "videogames.sh").write_text("# beside my notebook\n")
    workspace.stage_assets(MODULE, elsewhere / "notebook.ipynb", run_dir, "ada")
    assert (run_dir / "videogames.sh").read_text() == "# beside my notebook\n"
    # deploy.sh is not beside it: the learner's copy (created, solutions stripped), never the reference
    assert (run_dir / "deploy.sh").read_text() == _learner_script("deploy.sh")
    assert (dirs / "workspace" / "ada" / "module5" / "deploy.sh").is_file()


def test_strip_asset_refuses_an_unpaired_marker_and_stops_python_assets():
    with pytest.raises(ValueError, match="without its pair"):
        workspace.strip_asset("a=1\n### BEGIN SOLUTION\nsecret\n", "x.sh")
    python = workspace.strip_asset("### BEGIN SOLUTION fit: train it\nmodel.fit()\n### END SOLUTION\n", "train.py")
    assert "model.fit" not in python
    with pytest.raises(NotImplementedError, match="Exercise 'fit' is not done yet: train it"):
        exec(compile(python, "train.py", "exec"), {})


# ------------------------------------------------------------------ fast: the checks
def test_every_check_has_points_a_group_and_an_exercise_of_the_notebook():
    exercises = {c.metadata["grader"]["exercise"] for c in nbformat.read(MODULE.source_notebook, 4).cells
                 if c.cell_type == "code" and "exercise" in c.metadata.get("grader", {})}
    tree = ast.parse(CHECKS_FILE.read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            marks = {d.func.attr: d.args[0].value for d in node.decorator_list
                     if isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)}
            assert marks.get("group") in ("outputs", "resources", "cleanup") and marks.get("points", 0) >= 1, node.name
            if node.name != "test_notebook_ran_without_error":
                assert marks.get("exercise") in exercises, (node.name, marks.get("exercise"))


def test_every_check_fails_on_some_mutant():
    """test_notebook_ran_without_error fails on the untouched learner copy (a slow test below)."""
    covered = set().union(*(m.fails for m in MUTANTS)) | {"test_notebook_ran_without_error"}
    assert check_names() == covered, f"checks no mutant fails: {check_names() - covered}"


# ------------------------------------------------------------------ slow: graded for real
def _run_dir(home: Path, learner: str) -> Path:
    return max((home / "runs" / learner / "module5").iterdir())


@pytest.mark.slow
def test_module5_after_module2_scores_full_marks_with_the_cli(shared_home):
    """Without module2 passed, module5 says to do module2 first; after it, the reference solution,
    graded as the learner's own notebook, scores full marks on module2's data, trained by the CLI."""
    refused = run_grader(shared_home, "module5", "--learner", "chain", "--json")
    assert refused.code == 2, refused.output
    assert "module2" in refused.verdict["error"] and "python grader.py module2" in refused.verdict["error"]

    module2 = run_grader(shared_home, "module2", "--notebook", MODULE2, "--learner", "chain", "--json")
    assert module2.code == 0, module2.output

    result = run_grader(shared_home, "module5", "--notebook", MODULE.source_notebook, "--learner", "chain", "--json")
    assert result.code == 0, result.output
    verdict = result.verdict
    assert verdict["passed"] and verdict["score"] == verdict["max_score"] > 0
    assert {c["group"] for c in verdict["checks"]} == {"outputs", "resources", "cleanup"}
    run_dir = _run_dir(shared_home, "chain")
    recorded = json.loads((run_dir / "recorded.json").read_text())
    assert recorded["data_reused"] == {"train": True, "validation": True}, "module2's upload is reused"
    for name in ("videogames.sh", "deploy.sh"):
        assert (run_dir / name).read_text() == (SOURCE_DIR / name).read_text()
    ledger = [json.loads(line) for line in (run_dir / "ledger.jsonl").read_text().splitlines()]
    agents = {(e["operation"], e["agent"]) for e in ledger}
    assert {("CreateTrainingJob", "cli"), ("CreateModel", "cli"), ("CreateEndpointConfig", "cli"),
            ("CreateEndpoint", "cli"), ("InvokeEndpoint", "sdk"), ("DeleteEndpoint", "sdk")} <= agents
    assert not any(e["operation"] == "PutObject" for e in ledger), "module2's data was not uploaded again"


@pytest.fixture(scope="module")
def gradings(shared_home, tmp_path_factory):
    """The untouched learner copy and every mutant, graded two at a time on the shared backend
    (each learner has its own account there) while the tests below read them in turn."""
    folder = tmp_path_factory.mktemp("module5-mutants")
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {"learner-copy": pool.submit(run_grader, shared_home, "module5", "--learner", "fresh5",
                                               "--skip-prerequisites", "--json")}
        for mutant in MUTANTS:
            notebook = write_module5_mutant(mutant, folder / mutant.name)
            learner = f"m5-{mutant.name}"[:20].rstrip("-")
            futures[mutant.name] = pool.submit(run_grader, shared_home, "module5", "--notebook", notebook,
                                               "--learner", learner, "--region", mutant.region,
                                               "--skip-prerequisites", "--json")
        yield futures


@pytest.mark.slow
def test_untouched_learner_copy_fails_with_hints(shared_home, gradings):
    result = gradings["learner-copy"].result()
    assert result.code == 1, result.output
    assert "Created your working copy" in result.stderr
    folder = shared_home / "workspace" / "fresh5" / "module5"
    assert sorted(p.name for p in folder.iterdir()) == ["deploy.sh", "module5_extra_credit.ipynb", "videogames.sh"]
    verdict = result.verdict
    assert verdict["score"] == 0 and result.failed() == check_names()
    ran = result.check("test_notebook_ran_without_error")["hint"]
    assert "exercise 'values'" in ran and "videogames.sh" in ran and "region is empty" in ran
    for check in verdict["checks"]:
        assert check["hint"] and "could not look at your work" not in check["hint"], check


@pytest.mark.slow
@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_mutant_fails_exactly_the_checks_it_breaks(gradings, mutant):
    result = gradings[mutant.name].result()
    assert result.code == 1, result.output
    assert result.failed() == set(mutant.fails), result.stdout
    for name in mutant.fails:
        hint = result.check(name)["hint"]
        assert hint and "could not look at your work" not in hint, (name, hint)
    if mutant.name == "us-east-1-image-in-eu-west-1":
        hint = result.check("test_training_image_is_builtin_xgboost_of_your_region")["hint"]
        assert xgboost_image("eu-west-1", "1") in hint and "us-east-1" in hint and "videogames.sh" in hint
    if mutant.name == "python-not-cli":
        hint = result.check("test_training_job_created_by_the_aws_cli")["hint"]
        assert "from-python" in hint and "videogames.sh" in hint
