"""`python grader.py ci`: the notebook regression of every module, in parallel, for CI and nightly runs.

  python grader.py ci [MODULE ...] [--mutants] [--workers N] [--junit FILE] [--json FILE]
                      [--notebooks DIR] [--backend local|aws] [--role-arn ARN]

Grades in a home of its own (`.grader/ci/<time>/`: its store, workspace, runs and summary), so
a CI run never mixes with learners' attempts. On the embedded backend it starts one backend that
every worker shares (each job is its own learner, so its own emulated account) and stops it at
the end. On `--backend aws` it deletes what each job's learner left, and reports what it could not.

Exit codes: 0 no regression, 1 a regression, 2 bad input, 3 the backend did not start.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import time
from pathlib import Path

from rich.table import Table
from rich.text import Text

from . import backend as backends
from . import catalog, junit, regression
from .errors import EXIT_FAILED, EXIT_INFRASTRUCTURE, EXIT_PASSED, BadInput, GraderError
from .progress_command import write_file
from .report import console


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="grader.py ci",
        description="Grade every module's reference (must pass) and learner copy (must fail its exercise "
                    "checks), and with --mutants each declared mutant, in parallel.")
    parser.add_argument("modules", nargs="*", help=f"the modules (default: all: {', '.join(catalog.MODULES)})")
    parser.add_argument("--mutants", action="store_true",
                        help="grade each module's mutants too, and report checks that nothing fails")
    parser.add_argument("--workers", type=int, default=regression.default_workers(),
                        help="worker processes (default: one per core, at most 4)")
    parser.add_argument("--junit", type=Path, help="write a JUnit XML report here")
    parser.add_argument("--json", type=Path, help="write the JSON summary here too")
    parser.add_argument("--notebooks", type=Path,
                        help="grade the notebooks of this folder instead of notebooks/ (a copy being changed)")
    parser.add_argument("--backend", default=os.environ.get("GRADER_BACKEND", "local"), choices=["local", "aws"],
                        help="the embedded backend (default) or a real AWS account (nightly)")
    parser.add_argument("--role-arn", help="execution role for --backend aws (or GRADER_ROLE_ARN)")
    parser.add_argument("--home", type=Path, help="where to keep this run (default .grader/ci/<time>)")
    return parser.parse_args(argv)


def _home(args) -> Path:
    from . import workspace

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    home = (args.home or workspace.home() / "ci" / stamp).resolve()
    home.mkdir(parents=True, exist_ok=True)
    return home


def _isolate(home: Path, notebooks: Path | None) -> None:
    """This run's own home, store and workspace, inherited by the workers."""
    os.environ["GRADER_HOME"] = str(home)
    os.environ["GRADER_WORKSPACE"] = str(home / "workspace")
    os.environ.pop("GRADER_STORE", None)
    if notebooks:
        if not notebooks.is_dir():
            raise BadInput(f"{notebooks} is not a folder of notebooks.", "Give a copy of notebooks/.")
        os.environ["GRADER_NOTEBOOKS"] = str(notebooks.resolve())


def main(argv: list[str]) -> int:
    args = _parse(argv)
    module_ids = args.modules or list(catalog.MODULES)
    for module_id in module_ids:
        catalog.get(module_id)  # unknown modules: a one-line error before any work
    if args.workers < 1:
        raise BadInput(f"--workers {args.workers} is not a number of workers.", "Give 1 or more.")
    if args.backend == "aws":  # missing credentials or role: one line now, not one failed job per notebook
        backends.resolve("aws", Path("unused"), args.role_arn).account_for("ci-preflight", "us-east-1")
    home = _home(args)
    _isolate(home, args.notebooks)
    out, err = console(), console(stderr=True)
    jobs = regression.plan(module_ids, args.mutants)
    err.print(f"Regression of {', '.join(module_ids)}: {len(jobs)} notebooks on the {args.backend} backend, "
              f"{args.workers} workers; runs kept in {home}", soft_wrap=True)
    started = time.monotonic()
    backend = _start_backend(args.backend, home)
    try:
        results = regression.run_all(jobs, args.backend, args.role_arn, args.workers,
                                     on_done=lambda r: err.print(_line(r), soft_wrap=True))
        left = _clean_up(results, backends.resolve("aws", home / "unused", args.role_arn)) \
            if args.backend == "aws" else []
    except KeyboardInterrupt:
        err.print("Interrupted (Ctrl+C): no summary written.")
        return EXIT_INFRASTRUCTURE
    finally:
        if backend is not None:
            backend.close()
    wall = time.monotonic() - started
    uncovered = regression.uncovered_checks(results) if args.mutants else {}
    summary = _summary(results, uncovered, left, args, wall, home)
    (home / "summary.json").write_text(json.dumps(summary, indent=2))
    if args.json:
        write_file(args.json, json.dumps(summary, indent=2))
    if args.junit:
        try:
            junit.write(args.junit, results, uncovered, left)
        except OSError as error:
            raise BadInput(f"{args.junit} cannot be written ({error.strerror}).", "Choose another path.") from None
    out.print(_table(summary))
    _print_regressions(out, results, uncovered, left)
    return EXIT_PASSED if summary["passed"] else EXIT_FAILED


def _start_backend(backend: str, home: Path):
    """One embedded backend that every worker reuses (published in this run's home, as a lab's is)."""
    if backend != "local":
        return None
    from .lab import Backend as SharedBackend

    return SharedBackend.open()


def _line(result: regression.JobResult) -> Text:
    mark, style = ("✔", "green") if result.ok else ("✘", "red")
    text = Text(f"{mark} {result.job.module} {result.job.name} ", style=style)
    text.append(f"{result.score}/{result.max_score} in {result.seconds:.1f} s", style="dim")
    if result.problem:
        text.append(f": {result.problem}")
    return text


def _summary(results, uncovered, left, args, wall: float, home: Path) -> dict:
    modules = {}
    for module_id in dict.fromkeys(r.job.module for r in results):
        mine = [r for r in results if r.job.module == module_id]
        first = min(r.started for r in mine)
        last = max(r.started + r.seconds for r in mine)
        modules[module_id] = {
            "passed": all(r.ok for r in mine) and module_id not in uncovered,
            "notebooks": len(mine), "regressions": sum(not r.ok for r in mine),
            "wall_seconds": round(last - first, 2), "grading_seconds": round(sum(r.seconds for r in mine), 2),
            "uncovered_checks": uncovered.get(module_id, []),
            "jobs": [r.as_dict() for r in mine],
        }
    return {
        "passed": all(m["passed"] for m in modules.values()) and not left,
        "backend": args.backend, "workers": args.workers, "mutants": args.mutants,
        "notebooks_dir": str(catalog.notebooks_dir()), "home": str(home),
        "wall_seconds": round(wall, 2), "modules": modules,
        "not_deleted": [dataclasses.asdict(item) | {"why": why} for item, why in left],
    }


def _table(summary: dict) -> Table:
    table = Table(title=f"Notebook regression: {'passed' if summary['passed'] else 'REGRESSIONS'} "
                        f"in {summary['wall_seconds']:.1f} s with {summary['workers']} workers")
    for column in ("module", "notebooks", "regressions", "wall time", "grading time", "result"):
        table.add_column(column, justify="right" if column not in ("module", "result") else "left")
    for module_id, module in summary["modules"].items():
        result = Text("passed", style="green") if module["passed"] else Text("REGRESSION", style="bold red")
        table.add_row(module_id, str(module["notebooks"]), str(module["regressions"]),
                      f"{module['wall_seconds']:.1f} s", f"{module['grading_seconds']:.1f} s", result)
    return table


def _print_regressions(out, results, uncovered, left) -> None:
    for result in results:
        if not result.ok:
            out.print(Text(f"✘ {result.job.module} {result.job.name}: {result.problem}", style="red"), soft_wrap=True)
            if result.run_dir:
                out.print(f"  run: {result.run_dir}", soft_wrap=True)
    for module_id, checks in uncovered.items():
        out.print(Text(f"✘ {module_id}: no learner copy or mutant fails {', '.join(checks)}: such a check "
                       "cannot catch anything; declare a mutant that breaks it (course/mutants/).", style="red"),
                  soft_wrap=True)
    for item, why in left:
        out.print(Text(f"✘ left on AWS: {item.describe()} ({why})", style="red"), soft_wrap=True)


def _clean_up(results, chosen) -> list:
    """AWS: delete what each job's learner left (only names carrying its learner id); what could not be."""
    from . import cleanup_command

    quiet = console(stderr=True)
    left = []
    for job in dict.fromkeys(r.job for r in results):
        try:
            account = chosen.account_for(job.learner, job.region, need_role=False)
            found, _ = cleanup_command.find(account, job.learner, (job.region,), whole_account=False)
            left += cleanup_command.delete_all(account, found, quiet)
        except GraderError as error:
            quiet.print(f"Could not clean up after {job.learner}: {error.one_line()}", soft_wrap=True)
    return left
