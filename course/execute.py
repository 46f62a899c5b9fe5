"""Execute one notebook for one learner with papermill: parameters, environment, timeouts.

The kernel runs with the learner's environment (see course.kernel), each cell has a timeout,
and nbclient's per-cell hooks drive the progress display. A failing cell does not raise
here: it comes back as a CellFailure naming the cell, so the checks still run.
"""
from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .errors import InfrastructureError

logging.getLogger("papermill").setLevel(logging.WARNING)


@dataclass
class CellFailure:
    number: int | None  # 1-based position in the learner's notebook
    exercise: str | None
    ename: str
    evalue: str
    kind: str = "error"  # error | timeout | dead-kernel
    index: int | None = None  # position in the executed notebook, while it is being resolved

    def describe(self) -> str:
        where = f"Cell {self.number}" if self.number else "A cell"
        if self.exercise:
            where += f" (exercise '{self.exercise}')"
        if self.kind == "timeout":
            return f"{where} did not finish within its time limit ({self.evalue})."
        if self.kind == "dead-kernel":
            return f"{where} was running when the kernel died ({self.evalue})."
        evalue = self.evalue.strip().splitlines()[0][:300].rstrip(".") if self.evalue.strip() else ""
        return f"{where} raised {self.ename}" + (f": {evalue}" if evalue else "") + "."

    def as_dict(self) -> dict:
        return {"number": self.number, "exercise": self.exercise, "ename": self.ename,
                "evalue": self.evalue[:2000], "kind": self.kind}


@dataclass
class Execution:
    output: Path
    seconds: float
    failure: CellFailure | None


def _kernel_manager_class(env: dict[str, str]):
    """A kernel manager that starts this venv's Python with the learner's environment."""
    from jupyter_client.manager import AsyncKernelManager

    class LearnerKernelManager(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            cmd = super().format_kernel_cmd(extra_arguments)
            if cmd and Path(cmd[0]).name in ("python", "python3"):
                cmd[0] = sys.executable  # the kernelspec says "python": make it this environment's
            return cmd + ["--IPKernelApp.log_level=ERROR"]  # no start-up chatter in the learner's terminal

        async def _async_pre_start_kernel(self, **kw):
            kw["env"] = dict(env)
            return await super()._async_pre_start_kernel(**kw)

    return LearnerKernelManager


class CellHooks:
    """nbclient hooks: remember the running cell and tell a listener (the progress display)."""

    def __init__(self, total: int, listener: Callable[[str, int, int, dict], None] | None):
        self.total, self.listener, self.current = total, listener, None

    def start(self, cell, cell_index, **_):
        self.current = cell_index
        if self.listener:
            self.listener("start", cell_index, self.total, cell)

    def executed(self, cell, cell_index, **_):
        if self.listener:
            self.listener("done", cell_index, self.total, cell)


_ADDED_BY_PAPERMILL = {"injected-parameters", "papermill-error-cell-tag"}


def _learner_position(output_nb, index: int | None) -> tuple[int | None, str | None]:
    """Map an index in the executed notebook back to the learner's cell number.

    papermill adds the injected-parameters cell and, on an error, banner cells: none of them
    is in the learner's notebook, so they are not counted.
    """
    if index is None or index >= len(output_nb.cells):
        return None, None
    added = sum(1 for cell in output_nb.cells[:index] if _ADDED_BY_PAPERMILL & set(cell.metadata.get("tags", [])))
    return index + 1 - added, output_nb.cells[index].metadata.get("grader", {}).get("exercise")


def _failure_from_outputs(output_nb) -> CellFailure | None:
    for index, cell in enumerate(output_nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                number, exercise = _learner_position(output_nb, index)
                return CellFailure(number, exercise, out.get("ename", "Error"), out.get("evalue", ""))
    return None


def execute(source: Path, output: Path, parameters: dict, env: dict[str, str], cwd: Path,
            cell_timeout_s: int, listener=None) -> Execution:
    import nbclient.exceptions
    import papermill

    total = len(nbformat.read(source, as_version=4).cells) + 1
    hooks = CellHooks(total, listener)
    started = time.monotonic()
    failure = None
    try:
        papermill.execute_notebook(
            str(source), str(output), parameters=parameters, kernel_name="python3", progress_bar=False,
            cwd=str(cwd), execution_timeout=cell_timeout_s, start_timeout=60,
            kernel_manager_class=_kernel_manager_class(env),
            on_cell_start=hooks.start, on_cell_executed=hooks.executed,
            # Every output is in by now, and the ledger and recorded values are written call by
            # call: a graceful shutdown only waits ~3 s for the SDK's worker threads.
            shutdown_kernel="immediate",
        )
    except papermill.PapermillExecutionError:
        pass  # the error is in the output notebook; read below
    except nbclient.exceptions.CellTimeoutError:
        failure = CellFailure(None, None, "CellTimeoutError", f"{cell_timeout_s} s", "timeout", hooks.current)
    except nbclient.exceptions.DeadKernelError as exc:
        failure = CellFailure(None, None, "DeadKernelError", str(exc) or "the kernel process exited",
                              "dead-kernel", hooks.current)
    except RuntimeError as exc:
        if "kernel" in str(exc).lower():  # jupyter_client: "Kernel died before replying to kernel_info"
            raise InfrastructureError(f"The notebook's kernel could not start: {exc}.",
                                      "Reinstall the requirements (pip install -r requirements.txt).") from None
        raise
    seconds = time.monotonic() - started
    if not output.exists():
        raise InfrastructureError("The notebook ran but no output notebook was written.",
                                  "Check free disk space and grade again.")
    output_nb = nbformat.read(output, as_version=4)
    if failure is not None:
        failure.number, failure.exercise = _learner_position(output_nb, failure.index)
    else:
        failure = _failure_from_outputs(output_nb)
    return Execution(output=output, seconds=seconds, failure=failure)
