#!/usr/bin/env python
"""The course grader's command line: parse, call course/, print, exit.

  python grader.py module2 [--learner ID] [--notebook PATH | --reference] [--backend local|aws] [--json]
  python grader.py backend [--port N]      run the embedded backend for Jupyter work
  python grader.py modules                 list the modules, in course order
  python grader.py cleanup [--learner ID] [--yes]   show and delete what you left in your account
  python grader.py start module2           create (or show) your working copy of a module
  python grader.py lab                     the embedded backend and JupyterLab on your workspace
  python grader.py status                  your progress through the course
  python grader.py hint module2 [CHECK]    the hint and workshop step for a failed check
  python grader.py ci [MODULE ...] [--mutants] [--junit FILE]   the notebook regression (CI)
  python grader.py progress [LEARNER] [--csv | --json]    the class's progress (instructors)
  python grader.py report --html FILE      the class's progress as one web page

Exit codes: 0 passed, 1 checks failed, 2 bad input, 3 backend or infrastructure failure.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("SAGEMAKER_SUPPRESS_V2_WARNING", "1")


def _parameter(text: str) -> tuple[str, object]:
    """NAME=VALUE; JSON values are decoded, and a path to an existing file is made absolute
    (the notebook runs in its run folder, not where the learner typed the command)."""
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    name, value = text.split("=", 1)
    try:
        return name, json.loads(value)
    except ValueError:
        return name, str(Path(value).resolve()) if value and Path(value).exists() else value


def grade_command(argv: list[str]) -> int:
    from course import catalog, learners
    from course.grade import GradeRequest, grade
    from course.report import NotebookProgress, console, print_verdict

    parser = argparse.ArgumentParser(prog="grader.py", description="Grade one module of the course.")
    parser.add_argument("module", help=f"the module to grade: {', '.join(catalog.MODULES)}")
    parser.add_argument("--learner", default=None, help="your learner id (default: GRADER_LEARNER or your login)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--notebook", type=Path, help="grade this notebook instead of your working copy")
    source.add_argument("--reference", action="store_true", help="grade the module's reference solution")
    parser.add_argument("--backend", default=os.environ.get("GRADER_BACKEND", "local"), choices=["local", "aws"],
                        help="the embedded backend (default) or a real AWS account (or GRADER_BACKEND)")
    parser.add_argument("--region", default=os.environ.get("GRADER_REGION", "us-east-1"),
                        help="the course region (default us-east-1, or GRADER_REGION)")
    parser.add_argument("--role-arn", help="execution role for --backend aws (or GRADER_ROLE_ARN)")
    parser.add_argument("-p", "--parameter", type=_parameter, action="append", default=[],
                        metavar="NAME=VALUE", help="a notebook parameter, e.g. -p data_csv=raw_data.csv")
    parser.add_argument("--cell-timeout", type=int, help="seconds a cell may run (default: the module's)")
    parser.add_argument("--store", help="SQLAlchemy URL of the progress store (or GRADER_STORE)")
    parser.add_argument("--skip-prerequisites", action="store_true",
                        help="grade even if the module's prerequisites have not been passed (instructors)")
    parser.add_argument("--json", action="store_true", help="print the verdict as one JSON document")
    args = parser.parse_args(argv)

    request = GradeRequest(module=args.module, learner=args.learner or learners.default_learner(),
                           notebook=args.notebook, reference=args.reference, backend=args.backend,
                           region=args.region, role_arn=args.role_arn,
                           parameters=dict(args.parameter), cell_timeout_s=args.cell_timeout, store_url=args.store,
                           skip_prerequisites=args.skip_prerequisites)
    err = console(stderr=True)
    err.print(f"Grading {request.module} for {request.learner} on the {request.backend} backend ...", soft_wrap=True)
    outcome = grade(request, listener_factory=lambda module: NotebookProgress(module.id, err))
    if args.json:
        print(outcome.verdict.to_json())
        for note in outcome.notes:
            print(note, file=sys.stderr)
    else:
        print_verdict(outcome.verdict, notes=outcome.notes, err=err)
    return outcome.verdict.exit_code


def backend_command(argv: list[str]) -> int:
    from course import workspace
    from course.backend import local, server

    parser = argparse.ArgumentParser(prog="grader.py backend",
                                     description="Run the embedded backend in the foreground for Jupyter work.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("GRADER_BACKEND_PORT", "0")))
    args = parser.parse_args(argv)
    state = workspace.backend_state_file()
    running = local.read_state(state)
    if running and local.answers(running):
        print(f"The embedded backend already runs at {running}; graders reuse it.", file=sys.stderr)
        return 2
    def announce(url: str) -> None:
        print(f"Embedded backend running at {url}\n"
              f"Graders on this machine reuse it, and what you create stays while it runs. Ctrl+C stops it.\n"
              f"To point your own tools at it: export AWS_ENDPOINT_URL={url}", flush=True)

    server.serve(args.port, state, announce)
    return 0


def modules_command(argv: list[str]) -> int:
    from course import catalog

    for module in catalog.MODULES.values():
        print(f"{module.id}\t{module.title}")
    return 0


COMMANDS = {"backend": backend_command, "modules": modules_command}

# Commands whose parsing and printing live beside the engine part they drive: "name": "module:function".
# Each function takes the remaining argv and returns the exit code.
LAZY_COMMANDS = {
    "cleanup": "course.cleanup_command:main",
    "start": "course.learner_commands:start_main",
    "lab": "course.learner_commands:lab_main",
    "status": "course.learner_commands:status_main",
    "hint": "course.learner_commands:hint_main",
    "ci": "course.ci_command:main",
    "progress": "course.progress_command:main",
    "report": "course.progress_command:report_main",
}


def _lazy(name: str):
    import importlib

    module_name, function = LAZY_COMMANDS[name].split(":")
    return getattr(importlib.import_module(module_name), function)


def main(argv: list[str] | None = None) -> int:
    from course.errors import GraderError

    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    try:
        if argv[0] in COMMANDS:
            return COMMANDS[argv[0]](argv[1:])
        if argv[0] in LAZY_COMMANDS:
            return _lazy(argv[0])(argv[1:])
        return grade_command(argv)
    except GraderError as error:  # raised before an attempt could be recorded (e.g. the store itself)
        print(f"error: {error.one_line()}", file=sys.stderr)
        return error.exit_code


if __name__ == "__main__":
    sys.exit(main())
