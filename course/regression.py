"""The notebook regression: every module's reference must pass, its learner copy and mutants must fail.

`grader.py ci` plans one job per notebook to grade (the reference solution, the untouched learner
copy, each mutant with `--mutants`), grades each as its own learner (so each has its own emulated
account, or its own names on AWS), and judges the verdict against what the module declares:

- the reference scores full marks;
- the learner copy fails exactly the exercise checks (the checks marked with an exercise, and
  test_notebook_ran_without_error, which names the first cell left undone);
- each mutant fails exactly the checks it declares (course/mutants/).

A check that neither the learner copy nor any mutant fails is a regression too: it can no longer
catch anything. Jobs run in worker processes; each calls course.grade.grade as `grader.py` would.
"""
from __future__ import annotations

import os
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path

from . import catalog, mutants

RAN = "test_notebook_ran_without_error"
REFERENCE, LEARNER_COPY, MUTANT = "reference", "learner copy", "mutant"


@dataclass(frozen=True)
class Job:
    """One notebook to grade, and how: as which learner, in which region, after what."""

    module: str
    kind: str  # REFERENCE, LEARNER_COPY or MUTANT
    learner: str
    mutant: str | None = None
    region: str = "us-east-1"
    before: tuple[str, ...] = ()  # graded first for the same learner: "module1", "module2:leave-endpoint"

    @property
    def name(self) -> str:
        return f"{MUTANT} {self.mutant}" if self.kind == MUTANT else self.kind


@dataclass
class JobResult:
    job: Job
    ok: bool  # the verdict is what the module declares
    problem: str = ""  # why not, for a regression
    score: int = 0
    max_score: int = 0
    failed: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    exercise_checks: list[str] = field(default_factory=list)
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    run_dir: str = ""
    started: float = 0.0  # seconds since the regression started
    seconds: float = 0.0

    def as_dict(self) -> dict:
        data = asdict(self)
        data["job"] = {**asdict(self.job), "name": self.job.name}
        return data


def plan(module_ids: list[str], with_mutants: bool) -> list[Job]:
    """The jobs, longest first (those that grade other modules before), so workers finish together."""
    jobs = []
    for module_id in module_ids:
        module = catalog.get(module_id)
        jobs.append(Job(module_id, REFERENCE, _learner(module_id, 0)))
        jobs.append(Job(module_id, LEARNER_COPY, _learner(module_id, 1), before=module.ci_before))
        if with_mutants:
            for index, mutant in enumerate(mutants.declared(module_id), start=2):
                jobs.append(Job(module_id, MUTANT, _learner(module_id, index), mutant=mutant.name,
                                region=mutant.region, before=mutant.before))
    return sorted(jobs, key=lambda job: -len(job.before))


def _learner(module_id: str, index: int) -> str:
    """A learner id of its own per job: its own emulated account (embedded) or names (AWS)."""
    return f"ci-{module_id}-{index}"


# ------------------------------------------------------------------ one job, in a worker process
def run_job(job: Job, backend: str, role_arn: str | None, origin: float) -> JobResult:
    """Grade the job's notebook (after its `before` steps) and judge the verdict."""
    from .grade import GradeRequest, grade

    started = time.monotonic()
    result = JobResult(job, ok=False, started=round(time.time() - origin, 2))
    try:
        with tempfile.TemporaryDirectory(prefix=f"{job.learner}-") as scratch:
            for step in job.before:
                problem = _grade_step(step, job, backend, role_arn, Path(scratch))
                if problem:
                    result.problem = problem
                    return result
            request = GradeRequest(module=job.module, learner=job.learner, backend=backend, region=job.region,
                                   role_arn=role_arn, skip_prerequisites=True, reference=job.kind == REFERENCE)
            if job.kind == MUTANT:
                module = catalog.get(job.module)
                try:
                    request.notebook = mutants.write(module, mutants.find(job.module, job.mutant),
                                                     Path(scratch) / "mutant")
                except mutants.MutationNotFound as error:
                    result.problem = f"The mutant no longer applies: {error}."
                    return result
            outcome = grade(request)
        _judge(result, outcome)
    finally:
        result.seconds = round(time.monotonic() - started, 2)
    return result


def _grade_step(step: str, job: Job, backend: str, role_arn: str | None, scratch: Path) -> str:
    """Grade a `before` step for the job's learner; a problem if it could not be graded."""
    from .grade import GradeRequest, grade

    module_id, _, mutant_name = step.partition(":")
    request = GradeRequest(module=module_id, learner=job.learner, backend=backend, region=job.region,
                           role_arn=role_arn, skip_prerequisites=True, reference=not mutant_name)
    if mutant_name:
        try:
            request.notebook = mutants.write(catalog.get(module_id), mutants.find(module_id, mutant_name),
                                             scratch / step.replace(":", "-"))
        except (mutants.MutationNotFound, KeyError) as error:
            return f"The step before it, {step}, could not be written: {error}."
    outcome = grade(request)
    if outcome.verdict.error:
        return f"The step before it, {step}, did not grade: {outcome.verdict.error}"
    return ""


def expected_failures(job: Job, result: JobResult) -> set[str] | None:
    """The checks that must fail: none for the reference (None: full marks)."""
    if job.kind == REFERENCE:
        return None
    if job.kind == LEARNER_COPY:
        return set(result.exercise_checks) | {RAN}
    return set(mutants.find(job.module, job.mutant).fails)


def _judge(result: JobResult, outcome) -> None:
    verdict = outcome.verdict
    result.score, result.max_score, result.error = verdict.score, verdict.max_score, verdict.error
    result.failed = sorted(c.name for c in verdict.checks if not c.passed)
    result.checks = [c.name for c in verdict.checks]
    result.exercise_checks = sorted(c.name for c in verdict.checks if c.exercise)
    result.notes = list(outcome.notes)
    result.run_dir = str(outcome.run_dir or "")
    if verdict.error:
        result.problem = f"Grading failed: {verdict.error}"
        return
    if not verdict.checks:
        result.problem = "No check ran."
        return
    expected = expected_failures(result.job, result)
    hints = {c.name: c.hint for c in verdict.checks if not c.passed}
    if expected is None:
        if not verdict.passed:
            first = RAN if RAN in hints else result.failed[0]  # a cell that failed explains the rest
            others = [name for name in result.failed if name != first]
            result.problem = (f"The reference scored {verdict.score}/{verdict.max_score}. {first}: {hints[first]}"
                              + (f" Also failed: {', '.join(others)}." if others else ""))
            return
    else:
        failed = set(result.failed)
        if failed != expected:
            parts = []
            if expected - failed:
                parts.append(f"passed, but must fail: {', '.join(sorted(expected - failed))}")
            if failed - expected:
                extra = sorted(failed - expected)
                parts.append(f"failed, but must pass: {', '.join(extra)} ({extra[0]}: {hints[extra[0]]})")
            result.problem = f"The {result.job.name} {'; '.join(parts)}."
            return
    result.ok = True


def uncovered_checks(results: list[JobResult]) -> dict[str, list[str]]:
    """Per module, the checks that no learner copy or mutant failed: checks that cannot fail."""
    uncovered = {}
    for module_id in dict.fromkeys(r.job.module for r in results):
        mine = [r for r in results if r.job.module == module_id]
        every = set().union(*(r.checks for r in mine))
        failing = set().union(*(r.failed for r in mine if r.job.kind != REFERENCE))
        if every and every - failing:
            uncovered[module_id] = sorted(every - failing)
    return uncovered


# ------------------------------------------------------------------ all jobs, in parallel
def run_all(jobs: list[Job], backend: str, role_arn: str | None, workers: int, on_done=None) -> list[JobResult]:
    """Grade every job in `workers` processes; on_done(result) as each finishes; results in plan order.

    Workers are started fresh (spawn), so none inherits a half-used client or thread of this process.
    """
    origin = time.time()
    results: dict[Job, JobResult] = {}
    with ProcessPoolExecutor(max_workers=max(1, workers), mp_context=get_context("spawn")) as pool:
        pending: dict[Future, Job] = {pool.submit(run_job, job, backend, role_arn, origin): job for job in jobs}
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    job = pending.pop(future)
                    try:
                        result = future.result()
                    except Exception as error:  # noqa: BLE001 - a worker that died is one failed job
                        result = JobResult(job, ok=False, problem=f"The worker grading it failed: {error!r}.")
                    results[job] = result
                    if on_done:
                        on_done(result)
        except KeyboardInterrupt:
            for future in pending:
                future.cancel()
            raise
    return [results[job] for job in jobs]


def default_workers() -> int:
    """One worker per core, at most 4: each grading runs a kernel, and training shares the cores."""
    return max(1, min(4, os.cpu_count() or 1))
