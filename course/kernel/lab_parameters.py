"""IPython extension of the lab's kernel: the grader's parameters, set as papermill sets them.

When grading, papermill runs the notebook's parameters cell and then an injected cell with the
learner's values (learner, region, bucket, prefix, role_arn). In the lab nothing injects that
cell, so after a cell that only assigns parameters (at least two of those names) has run, this
extension sets the same values and says so in the cell's output. The notebook then names its
jobs, bucket and S3 folder the same way interactively and when graded.
"""
from __future__ import annotations

import ast
import json
import os

ENV = "GRADER_LAB_PARAMETERS"


def assigned_parameters(source: str) -> set[str] | None:
    """The names a parameters-style cell assigns (only assignments of names), else None."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
            names.update(t.id for t in node.targets)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        else:
            return None
    return names or None


def is_parameters_cell(source: str, parameters: dict) -> bool:
    names = assigned_parameters(source)
    return names is not None and len(names & set(parameters)) >= 2


def load_ipython_extension(ip) -> None:
    try:
        parameters = json.loads(os.environ.get(ENV) or "{}")
    except ValueError:
        parameters = {}
    if not parameters:
        return

    def after_cell(result) -> None:
        info = getattr(result, "info", None)
        source = getattr(info, "raw_cell", "") or ""
        if result.error_before_exec or result.error_in_exec or not is_parameters_cell(source, parameters):
            return
        ip.user_ns.update(parameters)
        shown = ", ".join(f"{name} = {value!r}" for name, value in parameters.items())
        print(f"[grader] As when grading, the grader's parameters are set: {shown}")

    ip.events.register("post_run_cell", after_cell)
