"""start, status, hint and the lab's parts that need no JupyterLab: fast, in-process, no backend."""
from __future__ import annotations

import datetime as dt
import json
import os

import nbformat
import pytest
from helpers import MODULE2

import grader
from course import catalog, course_progress, lab
from course.backend.account import LearnerAccount
from course.catalog import Module
from course.kernel import SITE_DIR
from course.kernel.lab_parameters import is_parameters_cell
from course.progress import Store
from course.verdict import CheckResult, Verdict

TRAIN = "test_training_job_uses_builtin_xgboost_for_binary_classification"


@pytest.fixture
def home(tmp_path, monkeypatch):
    for key in [k for k in os.environ if k.startswith(("AWS_", "GRADER_"))]:
        monkeypatch.delenv(key)
    home = tmp_path / "home"
    monkeypatch.setenv("GRADER_HOME", str(home))
    monkeypatch.setenv("GRADER_WORKSPACE", str(home / "workspace"))
    monkeypatch.chdir(tmp_path)
    return home


def cli(capsys, *argv) -> tuple[int, str]:
    code = grader.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def record(store: Store, module: str, learner: str, checks: list[CheckResult], *, reference=False, error=None):
    verdict = Verdict(module=module, learner=learner, checks=checks, error=error)
    verdict.exit_code = 0 if verdict.passed else 1
    return store.record(verdict, started=dt.datetime.now(dt.UTC), backend="local", reference=reference)


def check(name: str, passed: bool, exercise: str | None = None, hint: str = "", points: int = 1) -> CheckResult:
    return CheckResult(name=name, title=name.removeprefix("test_").replace("_", " "), group="resources",
                       points=points, passed=passed, hint="" if passed else hint, exercise=exercise)


# ---------------------------------------------------------------- start
def test_start_creates_the_copy_then_never_overwrites_it(home, capsys):
    code, out = cli(capsys, "start", "module2", "--learner", "alice")
    copy = home / "workspace" / "alice" / "module2_videogame_sales.ipynb"
    assert code == 0 and copy.is_file() and "Created your working copy of module2" in out
    assert "6 of 6 exercises still to do: prepare, split, train, deploy, evaluate, cleanup" in out
    assert "python grader.py lab module2" in out and "python grader.py module2" in out

    edited = nbformat.read(copy, as_version=4)
    edited.cells[7].source = "model_data = data  # my own work"
    nbformat.write(edited, copy)
    code, out = cli(capsys, "start", "module2", "--learner", "alice")
    assert code == 0 and "never overwritten" in out and "5 of 6 exercises still to do" in out
    assert nbformat.read(copy, as_version=4).cells[7].source == "model_data = data  # my own work"

    code, out = cli(capsys, "start", "module2", "--learner", "alice", "--reset")
    kept = [p for p in copy.parent.iterdir() if p != copy]
    assert code == 0 and len(kept) == 1 and kept[0].name.startswith("module2_videogame_sales.2")
    assert f"kept as {kept[0].relative_to(home.parent)}" in out
    assert nbformat.read(kept[0], as_version=4).cells[7].source == "model_data = data  # my own work"
    assert "NotImplementedError" in nbformat.read(copy, as_version=4).cells[7].source


@pytest.mark.skipif(not catalog.get("module5").source_notebook.is_file(), reason="module5 is not written yet")
def test_reset_starts_the_scripts_again_too_and_keeps_the_learners(home, capsys):
    module = catalog.get("module5")
    code, out = cli(capsys, "start", "module5", "--learner", "alice")
    assert code == 0 and "builds on module2, which you have not passed yet" in out
    script = home / "workspace" / "alice" / module.assets[0]
    script.write_text(script.read_text() + "\necho mine\n")
    code, out = cli(capsys, "start", "module5", "--learner", "alice", "--reset")
    kept = sorted(p.name for p in script.parent.iterdir() if ".20" in p.name)
    [name] = kept  # the untouched notebook and the other script are not kept twice
    assert code == 0 and name.startswith(f"{script.stem}.20") and name.endswith(".sh") and name in out
    assert "echo mine" not in script.read_text()
    assert "echo mine" in next(p for p in script.parent.iterdir() if p.name.startswith(script.stem + ".20")).read_text()


def test_start_refuses_unknown_modules_and_modules_without_a_notebook_yet(home, capsys, monkeypatch):
    assert cli(capsys, "start", "module42", "--learner", "alice")[0] == 2
    monkeypatch.setitem(catalog.MODULES, "module9", Module("module9", "Future", "module9_future.ipynb", "x.py"))
    code, out = cli(capsys, "start", "module9", "--learner", "alice")
    assert code == 2 and "module9 (Future) is not available in this copy of the course yet" in out
    assert cli(capsys, "start", "module2", "--learner", "Not Valid")[0] == 2


# ---------------------------------------------------------------- status
def test_status_counts_own_passes_and_shows_the_last_verdict(home, capsys, monkeypatch):
    monkeypatch.setitem(catalog.MODULES, "module9", Module("module9", "Future", "module9_future.ipynb", "x.py",
                                                           prerequisites=("module2",)))
    store = Store()
    record(store, "module2", "alice", [check(TRAIN, True)], reference=True)  # the solution, not alice's work
    code, out = cli(capsys, "status", "--learner", "alice")
    assert code == 0 and f"0/{len(catalog.MODULES)} modules passed" in out and "Nothing graded yet" in out

    record(store, "module2", "alice", [check(TRAIN, False, "train", "Use the built-in XGBoost image."),
                                       check("test_model_artefact_exists", True)])
    code, out = cli(capsys, "status", "--learner", "alice")
    assert "in progress" in out and "Last graded: module2" in out and "1/2 points, not passed yet" in out
    assert "✘ training job uses builtin xgboost for binary classification: Use the built-in XGBoost image." in out
    assert "python grader.py hint module2" in out

    record(store, "module2", "alice", [check(TRAIN, True), check("test_model_artefact_exists", True)])
    record(store, "module2", "bob", [check(TRAIN, False, "train", "Bob's hint")])
    code, out = cli(capsys, "status", "--learner", "alice")
    total = len(catalog.MODULES)
    assert f"░ 1/{total} modules passed" in out and "Bob" not in out
    assert "module9" in out and "not available yet" in out

    progress = json.loads(cli(capsys, "status", "--learner", "alice", "--json")[1])
    assert progress["done"] == 1 and progress["last"]["status"] == "passed"
    states = {m["module"]: m["state"] for m in progress["modules"]}
    assert states["module2"] == "passed" and states["module9"] == "not available yet"
    assert progress["next"] != "module2"


def test_course_progress_follows_course_order_and_prerequisites(tmp_path):
    notebook = tmp_path / "first.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    modules = {m.id: m for m in [
        Module("first", "First", str(notebook), "x.py"),
        Module("second", "Second", str(notebook), "x.py", prerequisites=("first",)),
        Module("later", "Later", str(tmp_path / "missing.ipynb"), "x.py"),
    ]}
    progress = course_progress.build("alice", [], modules)
    assert progress.next_module.module.id == "first" and progress.done == 0 and progress.total == 3
    assert [m.state for m in progress.modules] == ["not started", "locked", "not available yet"]


# ---------------------------------------------------------------- hint
def test_hint_names_the_workshop_step_of_a_failed_check(home, capsys):
    assert cli(capsys, "hint", "module2", "--learner", "alice")[0] == 2  # nothing graded yet
    store = Store()
    record(store, "module2", "alice", [
        check("test_notebook_ran_without_error", False, None,
              "Cell 8 (exercise 'prepare') raised NotImplementedError: Exercise 'prepare' is not done yet."),
        check(TRAIN, False, "train", "Use the built-in XGBoost image: sagemaker.image_uris.retrieve(...)."),
        check("test_model_artefact_exists", True, "train")])

    code, out = cli(capsys, "hint", "module2", "train", "--learner", "alice")
    assert code == 1 and "Use the built-in XGBoost image" in out
    assert "Workshop step: Exercise 3: train the built-in XGBoost algorithm" in out and "cell 15" in out
    assert "base_job_name" in out  # the step's own text

    code, out = cli(capsys, "hint", "module2", "--learner", "alice")
    assert "Exercise 1: prepare the features" in out and "Exercise 3" in out and "artefact exists" not in out

    code, out = cli(capsys, "hint", "module2", "no-such-check", "--learner", "alice")
    assert code == 2 and "test_notebook_ran_without_error" in out and TRAIN in out

    record(store, "module2", "alice", [check(TRAIN, True, "train")])
    code, out = cli(capsys, "hint", "module2", "--learner", "alice")
    assert code == 0 and "Every check of your last attempt at module2" in out


def test_workshop_step_reads_the_markdown_before_the_exercise():
    step = course_progress.workshop_step(catalog.get("module2"), "deploy")
    assert step.title == "Exercise 4: deploy the model" and "LibSVMSerializer" in step.text
    assert nbformat.read(MODULE2, as_version=4).cells[step.cell_number - 1].metadata.grader.exercise == "deploy"
    assert course_progress.workshop_step(catalog.get("module2"), "no-such-exercise") is None


# ---------------------------------------------------------------- the lab's parts
ACCOUNT = LearnerAccount(learner="alice", account_id="123456789012", region="us-east-1",
                         role_arn="arn:aws:iam::123456789012:role/SageMakerExecutionRole",
                         endpoint_url="http://127.0.0.1:5000",
                         credentials={"AccessKeyId": "ASIAKEY", "SecretAccessKey": "secret", "SessionToken": "tok"})


def test_kernelspec_shadows_python3_and_holds_no_credentials(home, monkeypatch):
    from jupyter_client.kernelspec import KernelSpecManager

    path = lab.write_kernelspec("alice", "eu-west-1")
    monkeypatch.setenv("JUPYTER_PATH", str(path))
    spec = KernelSpecManager().get_kernel_spec("python3")
    assert spec.argv[1:3] == ["-m", "course.kernel.launch"] and spec.argv[-2:] == ["-f", "{connection_file}"]
    assert "alice" in spec.argv and "eu-west-1" in spec.argv and spec.display_name == "Python 3 (course: alice)"
    text = (path / "kernels" / "python3" / "kernel.json").read_text()
    assert "AWS_" not in text and "secret" not in text.lower()


def test_store_url_is_the_graders_with_an_absolute_sqlite_path(home, monkeypatch, tmp_path):
    assert lab.store_url() == f"sqlite:///{home / 'progress.sqlite'}"
    assert lab.store_url("sqlite:///rel/p.sqlite?timeout=5") == f"sqlite:///{tmp_path / 'rel' / 'p.sqlite'}?timeout=5"
    assert lab.store_url("postgresql://u:pw@db/course") == "postgresql://u:pw@db/course"
    monkeypatch.setenv("GRADER_STORE", "sqlite:////abs/x.sqlite")
    assert lab.store_url() == "sqlite:////abs/x.sqlite"


def test_export_lines_match_the_grading_kernel(home, tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    lines = lab.export_lines(ACCOUNT, run_dir, inherited={"AWS_PROFILE": "work", "GRADER_HOME": "x", "HOME": "/h"},
                             module=catalog.get("module2"), store="sqlite:///s.sqlite")
    text = "\n".join(lines)
    assert f"export GRADER_STORE=sqlite:///{tmp_path / 's.sqlite'}" in text
    [parameters] = [line for line in lines if line.startswith("export GRADER_LAB_PARAMETERS=")]
    assert json.loads(parameters.split("=", 1)[1].strip("'"))["prefix"] == "module2"
    assert "%load_ext course.kernel.lab_parameters" in text
    assert "unset AWS_PROFILE" in text and "GRADER_HOME" not in text.split("unset", 1)[1].splitlines()[0]
    assert "export AWS_ENDPOINT_URL=http://127.0.0.1:5000" in text and "export AWS_SESSION_TOKEN=tok" in text
    assert f"export PYTHONPATH={SITE_DIR}:" in text and "${PYTHONPATH:+" in text
    assert f"export GRADER_LEDGER={run_dir / 'ledger.jsonl'}" in text and "export GRADER_KERNEL=1" in text


def test_grading_parameters_follow_the_notebook(home):
    copy = home / "workspace" / "alice" / "module2_videogame_sales.ipynb"
    module = lab.module_of_notebook(str(copy), "alice")
    assert module.id == "module2" and lab.module_of_notebook(str(copy.with_name("other.ipynb")), "alice") is None
    assert lab.grading_parameters(ACCOUNT, module) == {
        "learner": "alice", "region": "us-east-1", "bucket": "smworkshop-alice-123456789012",
        "role_arn": ACCOUNT.role_arn, "prefix": "module2"}
    assert "prefix" not in lab.grading_parameters(ACCOUNT, None)


def test_parameters_cell_detection():
    parameters = {"learner": "alice", "bucket": "b", "region": "r"}
    source = nbformat.read(MODULE2, as_version=4).cells[1].source
    assert is_parameters_cell(source, parameters)
    assert not is_parameters_cell("learner = 'x'", parameters)  # one name is not a parameters cell
    assert not is_parameters_cell("learner = 'x'\nbucket = 'y'\nprint(bucket)", parameters)
    assert not is_parameters_cell("learner = (", parameters)


def test_kernel_launcher_and_env_need_a_running_backend(home, capsys):
    from course.kernel import launch

    code = launch.main(["--learner", "alice", "--home", str(home), "-f", str(home / "kernel.json")])
    assert code == 1 and "No embedded backend runs" in capsys.readouterr().err
    code, out = cli(capsys, "lab", "--env", "--learner", "alice")
    assert code == 2 and "python grader.py backend" in out
