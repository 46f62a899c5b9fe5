"""`python grader.py progress` and `python grader.py report`: the class's progress for instructors.

  python grader.py progress [--module M] [--sort learner|progress|last] [--all] [--csv | --json]
  python grader.py progress LEARNER            each attempt of one learner, with failed checks and hints
  python grader.py progress export [--learner ID] [-o FILE]    attempts as JSON, to send to the class store
  python grader.py progress import FILE...     add exported attempts to this store (idempotent)
  python grader.py report --html FILE          one self-contained HTML page of the class

Every command reads the store of --store / GRADER_STORE (default .grader/progress.sqlite).
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from rich.table import Table
from rich.text import Text

from . import catalog, gradebook, learners
from .errors import EXIT_PASSED, BadInput
from .progress import Store, check_export, export_attempts, import_attempts
from .report import console

CSV_COLUMNS = ("learner", "name", "module", "attempts", "best_score", "max_score", "percent", "passed",
               "last_attempt", "minutes_to_pass")
TABLE_LIMIT = 50


def main(argv: list[str]) -> int:
    if argv and argv[0] == "import":
        return _import(argv[1:])
    if argv and argv[0] == "export":
        return _export(argv[1:])
    parser = argparse.ArgumentParser(prog="grader.py progress",
                                     description="The class's progress: learners x modules, or one learner's attempts.")
    parser.add_argument("learner", nargs="?", help="one learner: each attempt with its failed checks and hints")
    parser.add_argument("--module", help="only this module")
    parser.add_argument("--sort", choices=gradebook.SORTS, default="learner",
                        help="learner (A-Z), progress (most modules passed first) or last (latest attempt first)")
    parser.add_argument("--all", action="store_true", help=f"every learner (the table shows {TABLE_LIMIT})")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--csv", action="store_true", help="one CSV row per learner and module (columns in README)")
    output.add_argument("--json", action="store_true", help="the matrix and per-module figures as JSON")
    parser.add_argument("--store", help="SQLAlchemy URL of the progress store (or GRADER_STORE)")
    args = parser.parse_args(argv)
    if args.module:
        catalog.get(args.module)
    store = Store(args.store)
    if args.learner:
        if args.csv:
            raise BadInput("--csv is for the class table.", "Use --json with a learner, or drop the learner.")
        return _learner_view(store, learners.validate(args.learner), args.module, args.json)
    progress = gradebook.class_progress(store, args.module, sort=args.sort, details=False)
    if args.csv:
        _write_csv(progress, sys.stdout)
    elif args.json:
        print(json.dumps(as_json(progress), indent=1))
    else:
        _print_matrix(progress, args.all)
    return EXIT_PASSED


def as_json(progress: gradebook.ClassProgress) -> dict:
    return {
        "generated": progress.generated.isoformat(), "modules": progress.modules,
        "learners": [{"learner": row.learner, "name": row.name, "modules_passed": row.passed,
                      "last_attempt": _iso(row.last_attempt),
                      "modules": {m: _cell_json(c) for m, c in row.cells.items()}} for row in progress.learners],
        "module_stats": [{"module": s.module, "title": s.title, "tried": s.tried, "passed": s.passed,
                          "pass_rate": round(s.pass_rate, 4), "attempts": s.attempts,
                          "median_minutes_to_pass": _round(s.median_minutes_to_pass)} for s in progress.module_stats],
    }


def _cell_json(cell: gradebook.Cell) -> dict:
    return {"attempts": cell.attempts, "best_score": cell.best_score, "max_score": cell.max_score,
            "percent": cell.percent, "passed": cell.passed, "last_attempt": _iso(cell.last_attempt),
            "minutes_to_pass": _round(cell.minutes_to_pass)}


def _iso(value) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _write_csv(progress: gradebook.ClassProgress, out) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in progress.learners:
        for module in progress.modules:
            cell = row.cells.get(module)
            if cell is None:
                writer.writerow([row.learner, row.name, module, 0, "", "", "", "false", "", ""])
                continue
            writer.writerow([row.learner, row.name, module, cell.attempts, cell.best_score, cell.max_score,
                             cell.percent, str(cell.passed).lower(), _iso(cell.last_attempt),
                             "" if cell.minutes_to_pass is None else f"{cell.minutes_to_pass:.1f}"])


def _cell_text(cell: gradebook.Cell | None) -> Text:
    if cell is None:
        return Text("·", style="dim")
    mark, style = ("✔", "green") if cell.passed else ("✘", "red")
    return Text(f"{mark} {cell.best_score}/{cell.max_score} ×{cell.attempts}", style=style)


def _print_matrix(progress: gradebook.ClassProgress, show_all: bool) -> None:
    out = console()
    if not progress.learners:
        out.print("No attempts in this store yet.")
        return
    shown = progress.learners if show_all else progress.learners[:TABLE_LIMIT]
    table = Table(title=f"Class progress: {len(progress.learners)} learners", title_justify="left")
    table.add_column("learner", no_wrap=True)
    table.add_column("name", overflow="ellipsis", max_width=24)
    for module in progress.modules:
        table.add_column(module, no_wrap=True)
    table.add_column("passed", justify="right")
    table.add_column("last attempt", no_wrap=True)
    for row in shown:
        last = row.last_attempt.strftime("%Y-%m-%d %H:%M") if row.last_attempt else ""
        table.add_row(row.learner, row.name, *(_cell_text(row.cells.get(m)) for m in progress.modules),
                      f"{row.passed}/{len(progress.modules)}", last)
    out.print(table)
    if len(shown) < len(progress.learners):
        out.print(f"… and {len(progress.learners) - len(shown)} more learners: --all shows every one, "
                  "--csv or --json exports them.", soft_wrap=True)
    rates = ", ".join(f"{s.module} {s.passed}/{s.tried}" for s in progress.module_stats)
    out.print(f"Passed per module: {rates}.", soft_wrap=True)


def _learner_view(store: Store, learner: str, module: str | None, as_json_output: bool) -> int:
    attempts = [a for a in store.attempts(learner=learner, module=module) if not a.reference]
    registration = store.registration(learner)
    if as_json_output:  # the same attempts as the view: own work, the module asked for
        wanted = {a.uid for a in attempts}
        print(json.dumps([a for a in export_attempts(store, learner)["attempts"] if a["uid"] in wanted], indent=1))
        return EXIT_PASSED
    out = console()
    who = f"{learner} ({registration.name})" if registration else learner
    if not attempts:
        out.print(f"No attempts of {who} in this store.")
        return EXIT_PASSED
    out.print(f"{who}: {len(attempts)} attempt{'' if len(attempts) == 1 else 's'}", style="bold")
    for attempt in attempts:
        style = {"passed": "green", "failed": "red"}.get(attempt.status, "yellow")
        out.print(Text(f"#{attempt.id} {attempt.finished:%Y-%m-%d %H:%M} {attempt.module} {attempt.status} "
                       f"{attempt.score}/{attempt.max_score} in {attempt.seconds:.0f} s", style=style))
        if attempt.error:
            out.print(f"    {attempt.error}", soft_wrap=True)
        for check in attempt.checks:
            if not check.passed:
                out.print(f"    ✘ {check.name}: {check.hint}", soft_wrap=True)
    return EXIT_PASSED


def _export(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="grader.py progress export",
                                     description="Attempts (with their checks) as JSON, for `progress import`.")
    parser.add_argument("--learner", help="only this learner's attempts")
    parser.add_argument("-o", "--output", type=Path, help="write here (default: standard output)")
    parser.add_argument("--store", help="SQLAlchemy URL of the progress store (or GRADER_STORE)")
    args = parser.parse_args(argv)
    document = json.dumps(export_attempts(Store(args.store), args.learner), indent=1)
    if args.output:
        write_file(args.output, document + "\n")
        print(f"Exported to {args.output}.", file=sys.stderr)
    else:
        print(document)
    return EXIT_PASSED


def _import(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="grader.py progress import",
                                     description="Add exported attempts to this store; attempts it has are skipped.")
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--store", help="SQLAlchemy URL of the progress store (or GRADER_STORE)")
    args = parser.parse_args(argv)
    documents = []
    for path in args.files:  # read them all first: a bad file imports nothing
        try:
            documents.append((path, json.loads(path.read_text())))
        except OSError as error:
            raise BadInput(f"{path} cannot be read ({error.strerror}).",
                           "Give the files `progress export` wrote.") from None
        except ValueError as error:
            raise BadInput(f"{path} is not JSON ({error}).", "Give the files `progress export` wrote.") from None
    for path, document in documents:
        try:
            check_export(document)
        except (ValueError, KeyError, TypeError, AttributeError, BadInput) as error:
            why = error.cause.rstrip(".") if isinstance(error, BadInput) else error
            raise BadInput(f"{path} is not an export of attempts: {why}.",
                           "Give the files `python grader.py progress export` wrote; nothing was imported.") from None
    store = Store(args.store)
    for path, document in documents:
        added, present = import_attempts(store, document)
        print(f"{path}: {added} attempts added, {present} already in the store.")
    return EXIT_PASSED


def write_file(path: Path, text: str) -> None:
    """Write a report or an export; a path that cannot be written is a one-line error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise BadInput(f"{path} cannot be written ({error.strerror}).", "Choose another path.") from None


def report_main(argv: list[str]) -> int:
    from . import html_report

    parser = argparse.ArgumentParser(prog="grader.py report",
                                     description="One self-contained HTML page of the class's progress.")
    parser.add_argument("--html", type=Path, required=True, help="the page to write")
    parser.add_argument("--module", help="only this module")
    parser.add_argument("--store", help="SQLAlchemy URL of the progress store (or GRADER_STORE)")
    args = parser.parse_args(argv)
    if args.module:
        catalog.get(args.module)
    progress = gradebook.class_progress(Store(args.store), args.module, sort="learner")
    write_file(args.html, html_report.render(progress))
    print(f"Wrote {args.html} ({len(progress.learners)} learners, {len(progress.modules)} modules).", file=sys.stderr)
    return EXIT_PASSED
