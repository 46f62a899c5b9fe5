"""Where things live: learner copies of the notebooks (solutions stripped) and run folders.

GRADER_HOME (default ./.grader) holds runs, the store and the backend state file;
GRADER_WORKSPACE (default ./workspace) holds each learner's notebooks, which the grader never
overwrites.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from pathlib import Path

import nbformat

from .catalog import PROJECT_ROOT, Module
from .errors import BadInput

SOLUTION = re.compile(r"^(?P<indent>[ \t]*)### BEGIN SOLUTION[ \t]*\n.*?^[ \t]*### END SOLUTION[ \t]*$\n?",
                      re.S | re.M)


def home() -> Path:
    return Path(os.environ.get("GRADER_HOME") or PROJECT_ROOT / ".grader")


def workspace_root() -> Path:
    return Path(os.environ.get("GRADER_WORKSPACE") or PROJECT_ROOT / "workspace")


def backend_state_file() -> Path:
    return home() / "backend.json"


def _placeholder(cell, indent: str = "") -> str:
    info = cell.metadata.get("grader", {})
    name, todo = info.get("exercise", "exercise"), info.get("todo", "write your code here")
    return (f"{indent}# YOUR CODE HERE: {todo}\n"
            f"{indent}raise NotImplementedError(\"Exercise '{name}' is not done yet: {todo}.\")\n")


def strip_solutions(notebook):
    """The learner's copy: each solution block becomes a placeholder that fails clearly."""
    copy = nbformat.from_dict(notebook)
    for cell in copy.cells:
        if cell.cell_type == "code":
            cell.source = SOLUTION.sub(lambda m, c=cell: _placeholder(c, m["indent"]), cell.source).rstrip("\n")
            cell.outputs, cell.execution_count = [], None
    return copy


def learner_notebook(module: Module, learner: str) -> Path:
    return workspace_root() / learner / module.notebook


def ensure_learner_copy(module: Module, learner: str) -> tuple[Path, bool]:
    """The learner's working copy, created from the source on first use; (path, created)."""
    path = learner_notebook(module, learner)
    if path.exists():
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    source = nbformat.read(module.source_notebook, as_version=4)
    tmp = path.with_suffix(".tmp")
    nbformat.write(strip_solutions(source), tmp)
    tmp.replace(path)
    return path, True


def read_notebook(path: Path):
    """The notebook at path, or a BadInput naming what is wrong with it."""
    if not path.is_file():
        raise BadInput(f"Notebook {path} does not exist or is not a file.", "Check the path given to --notebook.")
    try:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
    except (ValueError, AttributeError, TypeError, KeyError, OSError, nbformat.ValidationError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BadInput(f"Notebook {path} is not a valid notebook ({first[:160]}).",
                       "Open it in Jupyter and save it again, or restore it with `git checkout` "
                       "or from the last run's output.") from None
    return notebook


def new_run_dir(learner: str, module_id: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    path = home() / "runs" / learner / module_id / f"{stamp}-{secrets.token_hex(2)}"
    path.mkdir(parents=True)
    return path
