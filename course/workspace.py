"""Where things live: learner copies of the notebooks (solutions stripped) and run folders.

GRADER_HOME (default ./.grader) holds runs, the store and the backend state file;
GRADER_WORKSPACE (default ./workspace) holds each learner's notebooks and the files they use
(a module's assets, e.g. shell scripts), which the grader never overwrites.

Solutions sit between `### BEGIN SOLUTION` / `### END SOLUTION` lines, in notebook cells and
in assets alike. In a shell script the BEGIN line may name the exercise and what to do
(`### BEGIN SOLUTION values: fill in region and bucket`), and lines of the block that start
with `#> ` are the learner's blanks (`#> region=`); the learner copy keeps only those, or,
when a block has none, a line that stops the script saying which exercise is not done.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import shutil
from pathlib import Path

from .catalog import PROJECT_ROOT, Module, notebooks_dir
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
    import nbformat  # on use: it costs the CLI a second to import
    copy = nbformat.from_dict(notebook)
    for cell in copy.cells:
        if cell.cell_type == "code":
            cell.source = SOLUTION.sub(lambda m, c=cell: _placeholder(c, m["indent"]), cell.source).rstrip("\n")
            cell.outputs, cell.execution_count = [], None
    return copy


_ASSET_SOLUTION = re.compile(
    r"^(?P<indent>[ \t]*)### BEGIN SOLUTION(?:[ \t]+(?P<exercise>[\w-]+)(?::[ \t]*(?P<todo>[^\n]*?))?)?[ \t]*\n"
    r"(?P<body>.*?)^[ \t]*### END SOLUTION[ \t]*$\n?", re.S | re.M)
_BLANK = re.compile(r"^[ \t]*#> ?(?P<line>.*)$", re.M)


def _asset_placeholder(match: re.Match, name: str) -> str:
    indent, exercise = match["indent"], match["exercise"] or "exercise"
    todo = (match["todo"] or "write your code here").rstrip(". ")
    blanks = [indent + m["line"] for m in _BLANK.finditer(match["body"])]
    lines = [f"{indent}# YOUR CODE HERE (exercise '{exercise}'): {todo}"]
    if blanks:
        lines += blanks
    elif name.endswith(".py"):
        lines.append(f'{indent}raise NotImplementedError("Exercise \'{exercise}\' is not done yet: {todo}.")')
    else:
        message = f"{name}: exercise '{exercise}' is not done yet: {todo}.".replace('"', "'")
        lines += [f'{indent}echo "{message}" >&2', f"{indent}exit 3"]
    return "\n".join(lines) + "\n"


def strip_asset(text: str, name: str) -> str:
    """The learner's copy of an asset (a shell script, a Python file): each solution block
    becomes its `#> ` blanks, or a line that fails saying which exercise is not done."""
    stripped = _ASSET_SOLUTION.sub(lambda m: _asset_placeholder(m, name), text)
    if "### BEGIN SOLUTION" in stripped or "### END SOLUTION" in stripped:
        raise ValueError(f"{name}: a solution marker without its pair; the learner copy would show the solution")
    return stripped


def learner_notebook(module: Module, learner: str) -> Path:
    return workspace_root() / learner / module.notebook


def learner_asset(learner: str, asset: str) -> Path:
    return workspace_root() / learner / asset


def _write_new(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    write(tmp)
    tmp.replace(path)


def ensure_learner_assets(module: Module, learner: str) -> list[Path]:
    """The learner's copies of the module's assets, each created (solutions stripped) if absent."""
    paths = []
    for asset in module.assets:
        target = learner_asset(learner, asset)
        if not target.exists():
            source = notebooks_dir() / asset
            text = strip_asset(source.read_text(encoding="utf-8"), target.name)

            def write(tmp, text=text, source=source):
                tmp.write_text(text, encoding="utf-8")
                shutil.copymode(source, tmp)

            _write_new(target, write)
        paths.append(target)
    return paths


def ensure_learner_copy(module: Module, learner: str) -> tuple[Path, bool]:
    """The learner's working copy, created from the source on first use; (path, created).

    The module's assets are copied beside it (solutions stripped) when they are not there yet,
    so that the notebook finds them in its folder; a learner's own edits are never overwritten.
    """
    import nbformat  # on use: it costs the CLI a second to import
    path = learner_notebook(module, learner)
    ensure_learner_assets(module, learner)
    if path.exists():
        return path, False
    source = nbformat.read(module.source_notebook, as_version=4)
    _write_new(path, lambda tmp: nbformat.write(strip_solutions(source), tmp))
    return path, True


def stage_assets(module: Module, notebook: Path, run_dir: Path, learner: str) -> list[Path]:
    """Copy the assets of the notebook being graded into the run folder, the kernel's cwd.

    Each asset comes from beside the graded notebook (the reference solution's own, the learner's
    working copy, or the files next to a --notebook); when it is not there, from the learner's
    copy of it, created with solutions stripped if needed, so a reference never leaks into a
    learner's run. Returns the staged paths, named as the notebook refers to them (file name only).
    """
    staged = []
    for asset in module.assets:
        name = Path(asset).name
        beside = Path(notebook).resolve().parent / name
        if not beside.is_file():
            ensure_learner_assets(module, learner)
            beside = learner_asset(learner, asset)
        target = run_dir / name
        shutil.copyfile(beside, target)
        shutil.copymode(beside, target)
        staged.append(target)
    return staged


def read_notebook(path: Path):
    """The notebook at path, or a BadInput naming what is wrong with it."""
    import nbformat  # on use: it costs the CLI a second to import
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
