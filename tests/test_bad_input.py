"""Bad input and broken infrastructure: a one-line cause and what to do, the documented exit
code, and the attempt recorded all the same."""
from __future__ import annotations

import json
import time

import nbformat
import pytest
from helpers import Background, run_grader, start_backend, stop
from nbformat.v4 import new_code_cell, new_notebook

from course.progress import Store


def tiny_notebook(path, *sources):
    """A notebook with the module's parameters cell and the given code cells."""
    cells = [new_code_cell('learner = ""\nregion = ""\nbucket = ""\nprefix = ""\nrole_arn = ""\ndata_csv = ""',
                           metadata={"tags": ["parameters"]})]
    cells += [new_code_cell(source) for source in sources]
    nbformat.write(new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                      "language": "python"}}), path)
    return path


def attempts(home, learner):
    return Store(f"sqlite:///{home / 'progress.sqlite'}").attempts(learner=learner)


def test_unknown_module_lists_the_valid_ones_and_is_recorded(home):
    result = run_grader(home, "module42", "--learner", "alice")
    assert result.code == 2
    assert "Unknown module 'module42'" in result.output and "module2" in result.output
    assert attempts(home, "alice")[-1].status == "error"


def test_json_verdict_of_a_refused_attempt(home):
    result = run_grader(home, "module42", "--learner", "alice", "--json")
    verdict = result.verdict
    assert result.code == 2 and verdict["passed"] is False and verdict["error"].startswith("Unknown module")
    assert set(verdict) >= {"module", "learner", "passed", "score", "max_score", "checks", "seconds"}


def test_invalid_learner_id(home):
    result = run_grader(home, "module2", "--learner", "Bad Name!")
    assert result.code == 2 and "Learner id" in result.output


def test_notebook_that_is_not_json(home, tmp_path):
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"cells": [ this is not json')
    result = run_grader(home, "module2", "--learner", "alice", "--notebook", broken)
    assert result.code == 2
    assert "is not a valid notebook" in result.output and "Jupyter" in result.output
    assert attempts(home, "alice")[-1].error.startswith("Notebook")


def test_missing_aws_credentials(home):
    result = run_grader(home, "module2", "--learner", "alice", "--backend", "aws", "--reference",
                        env_extra={"AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
                                   "AWS_EC2_METADATA_DISABLED": "true"})
    assert result.code == 2 and "No AWS credentials" in result.output
    assert attempts(home, "alice")[-1].status == "error"


def test_cell_that_hangs_hits_the_cell_timeout(home, tmp_path):
    notebook = tiny_notebook(tmp_path / "hang.ipynb", "import time\ntime.sleep(120)")
    started = time.monotonic()
    result = run_grader(home, "module2", "--learner", "alice", "--notebook", notebook, "--cell-timeout", "3", "--json")
    assert time.monotonic() - started < 60
    assert result.code == 1
    hint = result.check("test_notebook_ran_without_error")["hint"]
    assert "Cell 2" in hint and "did not finish within its time limit" in hint


def test_dead_kernel_is_reported_as_such(home, tmp_path):
    notebook = tiny_notebook(tmp_path / "dies.ipynb", "import os\nos._exit(1)")
    result = run_grader(home, "module2", "--learner", "alice", "--notebook", notebook, "--json")
    assert result.code in (1, 3), result.stdout + result.stderr
    text = json.dumps(result.verdict)
    assert "kernel died" in text or "kernel" in text.lower()


def test_credentials_are_not_saved_with_the_run(home, tmp_path):
    leak = tmp_path / "secret.txt"
    notebook = tiny_notebook(tmp_path / "creds.ipynb",
                             f"import os\nopen({str(leak)!r}, 'w').write(os.environ['AWS_SECRET_ACCESS_KEY'])")
    run_grader(home, "module2", "--learner", "alice", "--notebook", notebook)
    secret = leak.read_text()
    assert len(secret) > 8
    run_dir = next((home / "runs" / "alice" / "module2").iterdir())
    for path in run_dir.rglob("*"):
        if path.is_file():
            assert secret not in path.read_text(errors="replace"), path


@pytest.mark.slow
def test_backend_that_goes_away_is_an_infrastructure_error(home, tmp_path):
    backend = start_backend(home)
    notebook = tiny_notebook(tmp_path / "slow.ipynb", "import time\ntime.sleep(8)")
    grading = Background(home, "module2", "--learner", "alice", "--notebook", notebook)
    time.sleep(4)
    stop(backend)
    result = grading.wait()
    assert result.code == 3, result.output
    assert "stopped answering" in result.output
    assert attempts(home, "alice")[-1].status == "error"


@pytest.mark.slow
def test_two_graders_for_one_learner(home, tmp_path):
    notebook = tiny_notebook(tmp_path / "slow.ipynb", "import time\ntime.sleep(8)")
    first = Background(home, "module2", "--learner", "alice", "--notebook", notebook)
    time.sleep(3)
    second = run_grader(home, "module2", "--learner", "alice", "--notebook", notebook)
    assert second.code == 3 and "Another grader is already grading alice" in second.output
    assert first.wait().code == 1
    statuses = [a.status for a in attempts(home, "alice")]
    assert statuses.count("error") == 1 and len(statuses) == 2


def test_unusable_store_is_one_line_and_exit_3(home):
    result = run_grader(home, "module2", "--learner", "alice", "--store", "nonsense")
    assert result.code == 3 and "is not valid" in result.stderr and "Traceback" not in result.stderr


def test_notebook_path_that_is_a_folder(home, tmp_path):
    result = run_grader(home, "module2", "--learner", "alice", "--notebook", tmp_path)
    assert result.code == 2 and "is not a file" in result.output and "Traceback" not in result.output
    assert attempts(home, "alice")[-1].status == "error"


def test_a_grader_bug_is_recorded_and_explained(home, monkeypatch):
    """An unexpected exception inside grading still ends as a recorded attempt, traceback kept."""
    from course import grade as grading

    monkeypatch.setenv("GRADER_HOME", str(home))
    monkeypatch.setattr(grading, "_grade_locked", lambda *a, **k: 1 / 0)
    outcome = grading.grade(grading.GradeRequest(module="module2", learner="alice", reference=True))
    assert outcome.verdict.exit_code == 3 and "ZeroDivisionError" in outcome.verdict.error
    assert (home / "grader-errors.log").read_text().count("ZeroDivisionError") >= 1
    assert attempts(home, "alice")[-1].status == "error"
