"""One grading run, start to end: module -> backend -> papermill -> checks -> store.

Whatever goes wrong on the way becomes the verdict's error with the GraderError's exit code,
and the attempt is recorded all the same.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from . import backend as backends
from . import catalog, learners, workspace
from .errors import EXIT_FAILED, EXIT_INFRASTRUCTURE, EXIT_PASSED, BadInput, GraderError, InfrastructureError
from .execute import execute
from .kernel import kernel_environment
from .progress import Store
from .regions import SUPPORTED_REGIONS
from .run import Run, RunInfo
from .verdict import CheckContext, Verdict, run_checks


@dataclass
class GradeRequest:
    module: str
    learner: str
    notebook: Path | None = None  # default: the learner's working copy
    reference: bool = False  # grade the module's reference solution instead
    backend: str = "local"
    region: str = "us-east-1"
    role_arn: str | None = None
    parameters: dict = field(default_factory=dict)
    cell_timeout_s: int | None = None
    store_url: str | None = None
    skip_prerequisites: bool = False  # an instructor's override


@dataclass
class Outcome:
    verdict: Verdict
    attempt_id: int | None
    run_dir: Path | None = None
    notes: list[str] = field(default_factory=list)


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    except OSError:
        return ""


def _lock(learner: str) -> FileLock:
    path = workspace.home() / "locks" / f"{learner}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(path), timeout=0)


def grade(request: GradeRequest, listener_factory=None) -> Outcome:
    """Grade one module for one learner; never raises a GraderError, always records."""
    started_wall, started = dt.datetime.now(dt.UTC), time.monotonic()
    store = Store(request.store_url)  # an unusable store is refused before any work is done
    verdict = Verdict(module=request.module, learner=request.learner[:64])
    outcome = Outcome(verdict=verdict, attempt_id=None)
    notebook = request.notebook
    try:
        module = catalog.get(request.module)
        learners.validate(request.learner)
        if request.region not in SUPPORTED_REGIONS:
            raise BadInput(f"Region {request.region!r} is not one the course supports.",
                           f"Use one of: {', '.join(SUPPORTED_REGIONS)}.")
        _check_prerequisites(store, module, request)
        if request.reference:
            notebook = module.source_notebook
        if notebook is None:
            notebook, created = workspace.ensure_learner_copy(module, request.learner)
            if created:
                outcome.notes.append(f"Created your working copy of {module.id}: {notebook} "
                                     "(open it in Jupyter, do the exercises, then grade again).")
        workspace.read_notebook(notebook)
        try:
            with _lock(request.learner):
                _grade_locked(request, module, Path(notebook), verdict, outcome, listener_factory)
        except Timeout:
            raise InfrastructureError(f"Another grader is already grading {request.learner}.",
                                      "Wait for it to finish, then grade again.") from None
        verdict.exit_code = EXIT_PASSED if verdict.passed else EXIT_FAILED
    except GraderError as error:
        verdict.error, verdict.exit_code = error.one_line(), error.exit_code
    except KeyboardInterrupt:
        verdict.error, verdict.exit_code = "Grading was interrupted (Ctrl+C).", EXIT_INFRASTRUCTURE
    except Exception as error:  # noqa: BLE001 - a grader bug still ends as a recorded, explained attempt
        verdict.error = _unexpected(error, outcome.run_dir)
        verdict.exit_code = EXIT_INFRASTRUCTURE
    verdict.seconds = time.monotonic() - started
    graded = outcome.run_dir / "input.ipynb" if outcome.run_dir else Path(notebook or "")
    try:
        outcome.attempt_id = store.record(
            verdict, started=started_wall, backend=request.backend, notebook=str(notebook or ""),
            notebook_sha256=_sha256(graded), run_dir=str(outcome.run_dir or ""), reference=request.reference)
    except GraderError as error:  # the verdict stands; say that it was not kept
        verdict.error = f"{verdict.error} {error.one_line()}".strip() if verdict.error else error.one_line()
        verdict.exit_code = error.exit_code
    return outcome


def _check_prerequisites(store: Store, module, request: GradeRequest) -> None:
    if request.skip_prerequisites:
        return
    missing = [p for p in module.prerequisites if not store.passed(request.learner, p)]
    if missing:
        raise BadInput(f"{module.id} builds on {', '.join(missing)}, which {request.learner} has not passed yet.",
                       f"Grade {missing[0]} first (python grader.py {missing[0]}); instructors can pass "
                       "--skip-prerequisites.")


def _unexpected(error: Exception, run_dir: Path | None) -> str:
    """One line for a failure of the grader itself; the traceback is kept with the run."""
    import traceback

    where = workspace.home() / "grader-errors.log" if run_dir is None else run_dir / "grader-error.txt"
    where.parent.mkdir(parents=True, exist_ok=True)
    with open(where, "a", encoding="utf-8") as log:
        log.write(traceback.format_exc() + "\n")
    return (f"The grader failed unexpectedly ({type(error).__name__}: {str(error)[:200]}). "
            f"Grade again; if it happens again, report it with {where}.")


class _Phases:
    """Seconds per phase, kept in the verdict so slow runs can be explained."""

    def __init__(self, timings: dict):
        self.timings, self.mark = timings, time.monotonic()

    def done(self, phase: str) -> None:
        now = time.monotonic()
        self.timings[phase] = self.timings.get(phase, 0.0) + now - self.mark
        self.mark = now


def _grade_locked(request: GradeRequest, module, notebook: Path, verdict: Verdict, outcome: Outcome,
                  listener_factory) -> None:
    phases = _Phases(verdict.timings)
    chosen = backends.resolve(request.backend, workspace.backend_state_file(), request.role_arn).open()
    phases.done("backend")
    try:
        account = chosen.account_for(request.learner, request.region)
        phases.done("account")
        run_dir = workspace.new_run_dir(request.learner, module.id)
        outcome.run_dir = run_dir
        shutil.copyfile(notebook, run_dir / "input.ipynb")  # exactly what was graded, kept with the run
        workspace.stage_assets(module, notebook, run_dir, request.learner)  # its scripts, in the kernel's cwd
        parameters = {"learner": request.learner, "region": request.region, "bucket": account.bucket(),
                      "prefix": module.id, "role_arn": account.role_arn,
                      **module.parameters, **request.parameters}
        listener = listener_factory(module) if listener_factory else None
        timeout = request.cell_timeout_s or module.cell_timeout_s
        with listener or nullcontext():
            environment = kernel_environment(run_dir, account, store_url=request.store_url)
            execution = execute(run_dir / "input.ipynb", run_dir / "output.ipynb", parameters, environment,
                                run_dir, timeout, listener)
        phases.done("notebook")
        chosen.ensure_alive()
        failure = execution.failure
        info = RunInfo(
            learner=request.learner, module=module.id, backend=request.backend, endpoint_url=account.endpoint_url,
            account_id=account.account_id, region=request.region, role_arn=account.role_arn,
            bucket=parameters["bucket"], prefix=parameters["prefix"], parameters=parameters, run_dir=str(run_dir),
            notebook=str(notebook), execution_seconds=round(execution.seconds, 2),
            failure={**failure.as_dict(), "message": failure.describe()} if failure else None,
        )
        info.save()
        outcome.notes.append(f"Executed notebook: {run_dir / 'output.ipynb'}")
        if failure:
            outcome.notes.append(failure.describe())
        if module.inspects_earlier_modules and getattr(chosen, "process", None) is not None:
            outcome.notes.append(
                f"This run started its own embedded backend, so {module.id} looked at an empty account: what "
                "earlier modules created lived only as long as their own runs. To grade the course's cleanup as "
                "the workshop does it, keep `python grader.py lab` (or `python grader.py backend`) running while "
                "you work through the modules.")
        verdict.checks = run_checks(module, CheckContext(Run(info), account, request.store_url))
        phases.done("checks")
    finally:
        chosen.close()
