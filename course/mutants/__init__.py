"""Each module's mutants: its reference solution with some work undone, and the checks that must fail.

A mutant shows that checks can fail: `grader.py ci --mutants` grades every one and compares the
checks that failed with `fails`, exactly; the tests do the same. Each module declares its own in
course/mutants/<module>.py as MUTANTS. A mutation is an (old, new) replacement in the notebook's
code cells or in one of its scripts; an `old` that is not found is an error, so a mutant cannot
silently stop mutating when the notebook changes.
"""
from __future__ import annotations

import importlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..catalog import Module, notebooks_dir


@dataclass(frozen=True)
class Mutant:
    name: str
    fails: frozenset[str]  # exactly the checks this mutant fails
    notebook: tuple[tuple[str, str], ...] = ()  # (old, new) in the notebook's code cells
    scripts: dict = field(default_factory=dict)  # asset file name -> ((old, new), ...)
    region: str = "us-east-1"
    before: tuple[str, ...] = ()  # graded first in the same account: "module1" or "module2:leave-endpoint"


class MutationNotFound(ValueError):
    """A mutation's `old` text is no longer in the notebook or script: the mutant needs updating."""


def declared(module_id: str) -> list[Mutant]:
    """The module's mutants (course/mutants/<module>.py), or none."""
    try:
        return list(importlib.import_module(f"{__name__}.{module_id}").MUTANTS)
    except ModuleNotFoundError as error:
        if error.name == f"{__name__}.{module_id}":
            return []
        raise  # a declaration that does not import must not read as "no mutants"


def find(module_id: str, name: str) -> Mutant:
    for mutant in declared(module_id):
        if mutant.name == name:
            return mutant
    raise KeyError(f"{module_id} declares no mutant {name!r}")


def replace_all(text: str, replacements, where: str) -> str:
    for old, new in replacements:
        if old not in text:
            raise MutationNotFound(f"mutation target not found in {where}: {old!r}")
        text = text.replace(old, new)
    return text


def write_notebook(source: Path, target: Path, replacements) -> Path:
    """The notebook with each (old, new) applied to the code cells that contain `old`."""
    notebook = nbformat.read(source, as_version=4)
    for old, new in replacements:
        hits = [c for c in notebook.cells if c.cell_type == "code" and old in c.source]
        if not hits:
            raise MutationNotFound(f"mutation target not found in {source.name}: {old!r}")
        for cell in hits:
            cell.source = cell.source.replace(old, new)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    return target


def write(module: Module, mutant: Mutant, folder: Path) -> Path:
    """The mutant notebook in `folder`, with the module's scripts (mutated too) beside it, where the
    grader stages a graded notebook's scripts from."""
    unknown = set(mutant.scripts) - {Path(asset).name for asset in module.assets}
    if unknown:
        raise MutationNotFound(f"{module.id} has no script {', '.join(sorted(unknown))} to mutate")
    folder.mkdir(parents=True, exist_ok=True)
    notebook = write_notebook(module.source_notebook, folder / Path(module.notebook).name, mutant.notebook)
    for asset in module.assets:
        source = notebooks_dir() / asset
        target = folder / Path(asset).name
        target.write_text(replace_all(source.read_text(), mutant.scripts.get(target.name, ()), target.name))
        shutil.copymode(source, target)
    return notebook
