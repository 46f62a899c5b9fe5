"""Unit tests of course/workspace.py: learner copies with solutions stripped, notebook reading."""
from __future__ import annotations

import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course import catalog, workspace
from course.errors import EXIT_BAD_INPUT, BadInput

MODULE = catalog.get("module2")
BLOCK = re.compile(r"^[ \t]*### BEGIN SOLUTION[ \t]*\n(.*?)^[ \t]*### END SOLUTION", re.S | re.M)


def _exercise_cell(source: str, exercise: str = "train", todo: str = "fit the estimator"):
    cell = new_code_cell(source, metadata={"grader": {"exercise": exercise, "todo": todo}})
    cell.outputs = [new_output("stream", name="stdout", text="the solution's output\n")]
    cell.execution_count = 7
    return cell


def _raise_line(source: str) -> str:
    return next(line for line in source.splitlines() if line.startswith("raise NotImplementedError"))


@pytest.fixture
def dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GRADER_WORKSPACE", str(tmp_path / "workspace"))
    return tmp_path


@pytest.fixture(scope="module")
def source_notebook():
    return nbformat.read(MODULE.source_notebook, as_version=4)


@pytest.fixture(scope="module")
def learner_copy(source_notebook):
    return workspace.strip_solutions(source_notebook)


# ------------------------------------------------------------------ strip_solutions
def test_strip_replaces_the_block_with_a_failing_placeholder():
    notebook = new_notebook(cells=[_exercise_cell(
        "before = 1\n### BEGIN SOLUTION\nanswer = secret_solution()\n### END SOLUTION\nafter = 2\n")])
    cell = workspace.strip_solutions(notebook).cells[0]
    assert "secret_solution" not in cell.source
    assert "SOLUTION" not in cell.source
    assert cell.source.startswith("before = 1\n# YOUR CODE HERE: fit the estimator\n")
    assert cell.source.endswith("\nafter = 2")
    with pytest.raises(NotImplementedError) as info:
        exec(compile(_raise_line(cell.source), "cell", "exec"), {})
    assert str(info.value) == "Exercise 'train' is not done yet: fit the estimator."


def test_strip_clears_outputs_of_every_code_cell():
    notebook = new_notebook(cells=[
        _exercise_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION"),
        new_code_cell("print('plain')", execution_count=3,
                      outputs=[new_output("stream", name="stdout", text="plain\n")]),
    ])
    stripped = workspace.strip_solutions(notebook)
    for cell in stripped.cells:
        assert cell.outputs == []
        assert cell.execution_count is None
    assert stripped.cells[1].source == "print('plain')"


def test_strip_leaves_the_source_notebook_alone():
    notebook = new_notebook(cells=[_exercise_cell("### BEGIN SOLUTION\nx = 42\n### END SOLUTION")])
    workspace.strip_solutions(notebook)
    assert "x = 42" in notebook.cells[0].source
    assert notebook.cells[0].outputs


def test_strip_every_block_of_a_cell():
    notebook = new_notebook(cells=[_exercise_cell(
        "### BEGIN SOLUTION\nfirst_answer = 1\n### END SOLUTION\nmiddle = 0\n"
        "### BEGIN SOLUTION\nsecond_answer = 2\n### END SOLUTION\n", exercise="split")])
    source = workspace.strip_solutions(notebook).cells[0].source
    assert "first_answer" not in source and "second_answer" not in source
    assert "middle = 0" in source
    assert source.count("raise NotImplementedError(\"Exercise 'split'") == 2


def test_strip_without_grader_metadata_uses_a_generic_name():
    notebook = new_notebook(cells=[new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION")])
    source = workspace.strip_solutions(notebook).cells[0].source
    with pytest.raises(NotImplementedError, match="Exercise 'exercise' is not done yet"):
        exec(compile(source, "cell", "exec"), {})


def test_strip_leaves_markdown_alone():
    text = "Write your code between\n### BEGIN SOLUTION\nand\n### END SOLUTION\n"
    notebook = new_notebook(cells=[new_markdown_cell(text)])
    assert workspace.strip_solutions(notebook).cells[0].source == text


def test_strip_an_indented_block_keeps_the_cell_valid_python():
    notebook = new_notebook(cells=[_exercise_cell(
        "def predict(rows):\n    ### BEGIN SOLUTION\n    return model(rows)\n    ### END SOLUTION\n"
        "\npredict([1])\n", exercise="evaluate")])
    source = workspace.strip_solutions(notebook).cells[0].source
    assert "model(rows)" not in source
    with pytest.raises(NotImplementedError, match="Exercise 'evaluate'"):
        exec(compile(source, "cell", "exec"), {})


# ------------------------------------------------------------------ the real module notebook
def test_real_notebook_has_exercises(source_notebook):
    exercises = [c for c in source_notebook.cells if c.metadata.get("grader", {}).get("exercise")]
    assert len(exercises) >= 3
    assert all(BLOCK.search(c.source) for c in exercises)


def test_real_learner_copy_has_no_solution_text(source_notebook, learner_copy):
    assert len(learner_copy.cells) == len(source_notebook.cells)
    for original, stripped in zip(source_notebook.cells, learner_copy.cells):
        assert stripped.cell_type == original.cell_type
        if stripped.cell_type != "code":
            assert stripped.source == original.source
            continue
        assert "BEGIN SOLUTION" not in stripped.source
        assert "END SOLUTION" not in stripped.source
        assert "binary:logistic" not in stripped.source
        assert "random_state=1729" not in stripped.source
        for block in BLOCK.findall(original.source):
            for line in block.splitlines():
                if len(line.strip()) > 12:
                    assert line not in stripped.source, f"solution line kept: {line!r}"


def test_real_learner_copy_has_a_placeholder_per_exercise(source_notebook, learner_copy):
    seen = []
    for original, stripped in zip(source_notebook.cells, learner_copy.cells):
        name = original.metadata.get("grader", {}).get("exercise")
        if not name:
            assert "raise NotImplementedError(\"Exercise" not in stripped.source
            continue
        seen.append(name)
        assert stripped.metadata["grader"]["exercise"] == name  # metadata kept for the checks
        compile(stripped.source, name, "exec")  # the learner's copy is valid Python
        with pytest.raises(NotImplementedError, match=f"^Exercise '{name}' is not done yet"):
            exec(compile(_raise_line(stripped.source), name, "exec"), {})
    assert len(seen) == len(set(seen)) >= 3
    for cell in learner_copy.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


# ------------------------------------------------------------------ ensure_learner_copy
def test_ensure_learner_copy_creates_once_and_never_overwrites(dirs):
    path, created = workspace.ensure_learner_copy(MODULE, "alice")
    assert created
    assert path == dirs / "workspace" / "alice" / MODULE.notebook
    notebook = workspace.read_notebook(path)  # a valid notebook
    assert "BEGIN SOLUTION" not in path.read_text()
    assert any("NotImplementedError" in c.source for c in notebook.cells if c.cell_type == "code")
    assert not list(path.parent.glob("*.tmp"))

    notebook.cells[0].source = "# my own notes"
    nbformat.write(notebook, path)
    edited = path.read_text()

    again, created_again = workspace.ensure_learner_copy(MODULE, "alice")
    assert (again, created_again) == (path, False)
    assert path.read_text() == edited


def test_ensure_learner_copy_keeps_learners_apart(dirs):
    alice, _ = workspace.ensure_learner_copy(MODULE, "alice")
    bob, created = workspace.ensure_learner_copy(MODULE, "bob")
    assert created and alice != bob
    assert bob.parent.name == "bob"


def test_paths_follow_the_environment(dirs):
    assert workspace.home() == dirs / "home"
    assert workspace.workspace_root() == dirs / "workspace"
    assert workspace.backend_state_file() == dirs / "home" / "backend.json"
    assert workspace.learner_notebook(MODULE, "carol") == dirs / "workspace" / "carol" / MODULE.notebook


# ------------------------------------------------------------------ read_notebook
def _assert_one_line_bad_input(info, path):
    error = info.value
    assert isinstance(error, BadInput)
    assert error.exit_code == EXIT_BAD_INPUT
    assert str(path) in error.cause
    assert "\n" not in error.cause and "\n" not in error.one_line()


def test_read_notebook_with_broken_json(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text('{"cells": [{"cell_type": "code", "source": "x = ')
    with pytest.raises(BadInput) as info:
        workspace.read_notebook(path)
    _assert_one_line_bad_input(info, path)
    assert "not a valid notebook" in info.value.cause


@pytest.mark.parametrize("content", [
    b"",
    b"\xff\xfe\x00 not utf-8",
    b"{}",
    b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code"}]}',
])
def test_read_notebook_with_other_bad_content(tmp_path, content):
    path = tmp_path / "bad.ipynb"
    path.write_bytes(content)
    with pytest.raises(BadInput) as info:
        workspace.read_notebook(path)
    _assert_one_line_bad_input(info, path)


def test_read_notebook_missing_file(tmp_path):
    path = tmp_path / "nowhere" / "missing.ipynb"
    with pytest.raises(BadInput) as info:
        workspace.read_notebook(path)
    _assert_one_line_bad_input(info, path)
    assert "does not exist" in info.value.cause
    assert "--notebook" in info.value.action


def test_read_notebook_of_a_good_notebook(tmp_path):
    path = tmp_path / "good.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("1 + 1")]), path)
    assert workspace.read_notebook(path).cells[0].source == "1 + 1"


@pytest.mark.parametrize("kind", ["json-list", "json-null", "directory"])
def test_read_notebook_other_unreadable_inputs_are_bad_input(tmp_path, kind):
    path = tmp_path / "odd.ipynb"
    if kind == "directory":
        path.mkdir()
    else:
        path.write_text("[]" if kind == "json-list" else "null")
    with pytest.raises(BadInput) as info:
        workspace.read_notebook(path)
    _assert_one_line_bad_input(info, path)
