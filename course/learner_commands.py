"""The learner's commands beside grading: start a module, work in JupyterLab, see progress, read a hint.

  python grader.py start module2 [--reset]     your working copy of a module, and how to open it
  python grader.py lab [module2] [--port N]    the embedded backend and JupyterLab on your workspace
  python grader.py lab --env                   the kernel's environment, for your own Jupyter
  python grader.py status                      your progress through the course
  python grader.py hint module2 [CHECK]        the hint and the workshop step of a failed check

Each *_main takes the remaining argv and returns the exit code (0 ok, 1 failed, 2 bad input,
3 infrastructure); one-line errors are raised as GraderError for grader.py to print.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import signal
import time
from pathlib import Path

from rich.console import Group
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from . import catalog, course_progress, learners, workspace
from .errors import EXIT_FAILED, EXIT_INFRASTRUCTURE, BadInput, GraderError
from .report import GROUP_TITLES, console

GRADER = "python grader.py"
NOT_DONE = re.compile(r"raise NotImplementedError\(\"Exercise '")


def _shown(path: Path) -> str:
    """A path as the learner would type it: relative to where they are when it is below."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _learner(value: str | None) -> str:
    return learners.validate(value or learners.default_learner())


def _available(module: catalog.Module) -> catalog.Module:
    if not module.source_notebook.is_file():
        raise BadInput(f"{module.id} ({module.title}) is not available in this copy of the course yet: "
                       f"{_shown(module.source_notebook)} is missing.",
                       f"Update the course, or see `{GRADER} status` for the modules you can do now.")
    return module


def _region(value: str) -> str:
    from .regions import SUPPORTED_REGIONS

    if value not in SUPPORTED_REGIONS:
        raise BadInput(f"Region {value!r} is not one the course supports.",
                       f"Use one of: {', '.join(SUPPORTED_REGIONS)}.")
    return value


# ====================================================================== start
def exercises_left(path: Path) -> tuple[list[str], int]:
    """(exercises whose placeholder still raises NotImplementedError, number of exercises)."""
    notebook = workspace.read_notebook(path)
    exercises = [c for c in notebook.cells if c.cell_type == "code" and c.metadata.get("grader", {}).get("exercise")]
    left = [c.metadata["grader"]["exercise"] for c in exercises if NOT_DONE.search(c.source)]
    return left, len(exercises)


def _keep(path: Path, stamp: str) -> Path:
    """Rename path out of the way, to NAME.STAMP.SUFFIX (never over an existing file); the new name."""
    kept, n = path.with_name(f"{path.stem}.{stamp}{path.suffix}"), 1
    while kept.exists():
        kept, n = path.with_name(f"{path.stem}.{stamp}-{n}{path.suffix}"), n + 1
    path.rename(kept)
    return kept


def ensure_copy(module: catalog.Module, learner: str, reset: bool = False) -> tuple[Path, bool, list[Path]]:
    """The learner's working copy: (path, created, what --reset kept: the old copy and the old assets).

    The module's assets (its scripts) are part of the copy: --reset starts them again too, keeping
    the learner's versions beside them; a file the learner never changed is not kept twice.
    """
    path = workspace.learner_notebook(module, learner)
    moved: list[tuple[Path, Path]] = []
    if reset and path.exists():
        stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
        for original in [path] + [workspace.workspace_root() / learner / asset for asset in module.assets]:
            if original.is_file():
                moved.append((original, _keep(original, stamp)))
    path, created = workspace.ensure_learner_copy(module, learner)
    kept = []
    for fresh, old in moved:
        if fresh.is_file() and fresh.read_bytes() == old.read_bytes():
            old.unlink()
        else:
            kept.append(old)
    return path, created, kept


def start_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="grader.py start",
                                     description="Create (or show) your working copy of a module, and how to open it.")
    parser.add_argument("module", help=f"the module: {', '.join(catalog.MODULES)}")
    parser.add_argument("--learner", help="your learner id (default: GRADER_LEARNER or your login)")
    parser.add_argument("--reset", action="store_true",
                        help="start again from a fresh copy (your current copy is kept beside it, renamed)")
    parser.add_argument("--store", help="SQLAlchemy URL of the progress store (or GRADER_STORE)")
    args = parser.parse_args(argv)
    module = _available(catalog.get(args.module))
    learner = _learner(args.learner)
    path, created, kept = ensure_copy(module, learner, args.reset)
    left, total = exercises_left(path)

    out = console()
    if kept:
        out.print(f"Your previous copy is kept as {', '.join(_shown(k) for k in kept)}.", soft_wrap=True)
    if created:
        out.print(Text.assemble(("Created ", "bold"), f"your working copy of {module.id} ({module.title}): ",
                                (_shown(path), "bold")), soft_wrap=True)
    else:
        changed = dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        out.print(Text.assemble(f"Your working copy of {module.id} ({module.title}): ", (_shown(path), "bold"),
                                f" (last changed {changed}; it is never overwritten, "
                                f"`--reset` starts again and keeps it)"), soft_wrap=True)
    if total:
        state = (f"{len(left)} of {total} exercises still to do: {', '.join(left)}." if left
                 else f"All {total} exercises are written.")
        out.print(state, soft_wrap=True)
    _prerequisite_note(out, module, learner, args.store)
    out.print(f"Open it in JupyterLab, with the kernel set up as when grading:  {GRADER} lab {module.id}\n"
              f"Or in your own Jupyter (with `{GRADER} backend` running):  eval \"$({GRADER} lab --env)\"\n"
              f"Grade it when you are done:  {GRADER} {module.id}", soft_wrap=True)
    return 0


def _prerequisite_note(out, module: catalog.Module, learner: str, store_url: str | None) -> None:
    if not module.prerequisites:
        return
    from .progress import Store

    try:
        store = Store(store_url)
        missing = [p for p in module.prerequisites if not store.passed(learner, p)]
    except GraderError:
        return
    if missing:
        out.print(Text(f"Note: {module.id} builds on {', '.join(missing)}, which you have not passed yet; grading "
                       f"{module.id} waits until you do ({GRADER} {missing[0]}).", style="yellow"), soft_wrap=True)


# ====================================================================== lab
def lab_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="grader.py lab",
        description="Run the embedded backend and JupyterLab on your workspace, with the kernel configured "
                    "as when grading. Ctrl+C stops both.")
    parser.add_argument("module", nargs="?", help="create your copy of this module if needed and open it")
    parser.add_argument("--learner", help="your learner id (default: GRADER_LEARNER or your login)")
    parser.add_argument("--region", default=os.environ.get("GRADER_REGION", "us-east-1"),
                        help="the course region (default us-east-1, or GRADER_REGION)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("GRADER_LAB_PORT", "8888")),
                        help="JupyterLab's port on 127.0.0.1 (default 8888 or the next free one; 0: any free port)")
    parser.add_argument("--store", help="SQLAlchemy URL of the progress store (or GRADER_STORE); the lab's "
                                        "kernels get the same one")
    parser.add_argument("--env", action="store_true",
                        help="print the kernel's environment as export lines for your own Jupyter (includes the "
                             "embedded backend's keys for your account) instead of starting JupyterLab")
    args = parser.parse_args(argv)
    learner, region = _learner(args.learner), _region(args.region)
    if args.env:
        return _print_environment(learner, region, catalog.get(args.module) if args.module else None, args.store)
    module = _available(catalog.get(args.module)) if args.module else None
    return _run_lab(learner, region, args.port, module, args.store)


def _drop_aws_settings() -> dict[str, str]:
    """Remove the learner's own AWS settings (AWS_PROFILE, keys ...) from this process; returns the
    environment as it was. The lab talks only to the embedded backend, with its own keys, and a
    profile that does not exist here would make every boto3 client fail (ProfileNotFound)."""
    before = dict(os.environ)
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[key]
    return before


def _print_environment(learner: str, region: str, module: catalog.Module | None, store: str | None) -> int:
    from . import lab

    inherited = _drop_aws_settings()
    backend = lab.attach_backend()
    if backend is None:
        raise BadInput("No embedded backend runs, so there is no environment to export yet.",
                       f"Start `{GRADER} backend` in another terminal (it keeps your resources while it runs), "
                       "then run this again.")
    account = backend.account_for(learner, region)
    run_dir = lab.interactive_run_dir(learner, module.id if module else "shell")
    for line in lab.export_lines(account, run_dir, inherited, module=module, store=store):
        print(line)
    return 0


class _Stop(KeyboardInterrupt):
    """SIGTERM or SIGHUP (the terminal closed), handled like Ctrl+C: stop JupyterLab, say what still
    runs, stop the backend. JupyterLab and the backend run in their own sessions, so without this
    they would outlive a closed terminal."""


def _raise_stop(*_):
    raise _Stop()


def _run_lab(learner: str, region: str, port: int, module: catalog.Module | None, store: str | None = None) -> int:
    from . import lab

    lab.check_learner_folder(learner)
    already = lab.running_lab(learner)
    if already:
        raise BadInput(f"A lab already runs for {learner} at {already.get('url')} (process {already.get('pid')}).",
                       "Use it, or stop it with Ctrl+C in its terminal first.")
    _drop_aws_settings()
    out, err = console(), console(stderr=True)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_stop)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, _raise_stop)
    backend = jupyter = account = None
    code = 0
    try:
        err.print("Starting the embedded backend and JupyterLab ...", soft_wrap=True)
        backend = lab.Backend.open()
        account = backend.backend.account_for(learner, region)
        open_path = ""
        if module is not None:
            path, created, _ = ensure_copy(module, learner)
            open_path = path.relative_to(lab.learner_root(learner)).as_posix()
            if created:
                out.print(f"Created your working copy of {module.id}: {_shown(path)}", soft_wrap=True)
        jupyter = lab.start_jupyterlab(learner, region, port, store)
        _banner(out, jupyter, backend, account, open_path)
        code = _watch(err, jupyter, backend)
    except KeyboardInterrupt:
        pass
    finally:
        stops = [s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None]
        for number in stops:  # a second Ctrl+C must not leave the backend behind
            signal.signal(number, signal.SIG_IGN)
        try:
            _shutdown(out, err, jupyter, backend, account)
        finally:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            for number in stops[1:]:
                signal.signal(number, signal.SIG_DFL)
    return code


def _banner(out, jupyter, backend, account, open_path: str) -> None:
    url = jupyter.login_url if not open_path else f"{jupyter.url}lab/tree/{open_path}?token={jupyter.token}"
    whose = "started for this lab" if backend.started else "already running, reused"
    out.print(Text.assemble(("JupyterLab for ", "bold"), (account.learner, "bold"), ": ", (url, "bold cyan")),
              soft_wrap=True)
    out.print(f"  notebooks: {_shown(jupyter.root)}   kernel: Python 3 (course: {account.learner}), as when grading\n"
              f"  AWS: the embedded backend at {account.endpoint_url} ({whose}), your emulated account "
              f"{account.account_id}\n"
              f"  Grade from another terminal: {GRADER} <module> (it reuses this backend: what you create here "
              f"stays while the lab runs)\n"
              f"  JupyterLab's log: {_shown(jupyter.log)}\n"
              f"Ctrl+C stops the lab.", soft_wrap=True)


def _watch(err, jupyter, backend) -> int:
    """Wait until Ctrl+C; end early, with the infrastructure exit code, if JupyterLab or our backend dies."""
    warned, checked = False, time.monotonic()
    while True:
        if jupyter.process.poll() is not None:
            err.print(Text(f"error: JupyterLab stopped (exit code {jupyter.process.returncode}); see "
                           f"{_shown(jupyter.log)}.", style="bold red"), soft_wrap=True)
            return EXIT_INFRASTRUCTURE
        if backend.process is not None and backend.process.poll() is not None:
            err.print(Text("error: the embedded backend stopped; see "
                           f"{_shown(workspace.home() / 'backend.log')}. Start the lab again.", style="bold red"),
                      soft_wrap=True)
            return EXIT_INFRASTRUCTURE
        if backend.process is None and time.monotonic() - checked > 5:
            checked = time.monotonic()
            alive = backend.alive()
            if not alive and not warned:
                err.print(Text(f"warning: the embedded backend at {backend.backend.endpoint_url} stopped answering; "
                               f"start `{GRADER} backend` again, then restart your kernels.", style="yellow"),
                          soft_wrap=True)
            warned = not alive
        time.sleep(0.5)


def _say(where, *what, **options) -> None:
    """Print, unless the terminal is gone (SIGHUP): stopping must go on without it."""
    try:
        where.print(*what, soft_wrap=True, **options)
    except (OSError, ValueError):
        pass


def _shutdown(out, err, jupyter, backend, account) -> None:
    """Stop JupyterLab (and its kernels), say what still runs in the account, stop a backend we started.

    The processes are stopped whatever happens while listing or printing.
    """
    from . import lab

    try:
        if jupyter is not None:
            _say(err, "Stopping JupyterLab and its kernels ...")
            jupyter.stop()
        if backend is not None and jupyter is not None and account is not None and backend.alive():
            found = lab.still_running(account)
            try:
                _print_still_running(out, found, account, backend.started)
            except (OSError, ValueError):
                pass
    finally:
        if jupyter is not None:
            jupyter.stop()  # again, if listing failed before it ran; a no-op once stopped
        if backend is not None and backend.started:
            backend.close()
            _say(err, "The embedded backend stopped.")


def _print_still_running(out, found, account, backend_started: bool) -> None:
    if found.error:
        out.print(f"Could not list what still runs in {account.learner}'s account: {found.error}", soft_wrap=True)
        return
    if not found.items:
        out.print(f"Nothing is running in {account.learner}'s account: no endpoint, notebook instance or job in "
                  "progress.", soft_wrap=True)
        return
    out.print(Text(f"Still running in {account.learner}'s account {account.account_id} "
                   "(on AWS each of these bills until you delete it):", style="bold yellow"), soft_wrap=True)
    for item in found.items:
        out.print(f"  {item.kind} {item.name} ({item.state}, {item.cost}): {' && '.join(item.commands)}",
                  soft_wrap=True)
    if backend_started:
        out.print("The embedded backend stops with the lab, and they go with it; on AWS, delete them yourself "
                  f"(`{GRADER} cleanup`).", soft_wrap=True)
    else:
        out.print(f"The embedded backend keeps running, and so do they: `{GRADER} cleanup` deletes them.",
                  soft_wrap=True)


# ====================================================================== status
def status_main(argv: list[str]) -> int:
    import json

    from .progress import Store

    parser = argparse.ArgumentParser(prog="grader.py status", description="Your progress through the course.")
    parser.add_argument("--learner", help="your learner id (default: GRADER_LEARNER or your login)")
    parser.add_argument("--store", help="SQLAlchemy URL of the progress store (or GRADER_STORE)")
    parser.add_argument("--json", action="store_true", help="print the progress as one JSON document")
    args = parser.parse_args(argv)
    learner = _learner(args.learner)
    progress = course_progress.load(learner, Store(args.store))
    if args.json:
        print(json.dumps(progress.as_dict(), indent=1))
    else:
        print_status(progress)
    return 0


def progress_bar(done: int, total: int, width: int = 30) -> Text:
    """A bar that reads the same on a terminal, in a CI log and in a test."""
    filled = round(width * done / total) if total else 0
    return Text.assemble(("█" * filled, "green"), ("░" * (width - filled), "dim"),
                         (f" {done}/{total} modules passed", "bold"),
                         f" ({round(100 * done / total) if total else 0} %)")


STATE_STYLES = {"passed": "green", "in progress": "yellow", "not started": "", "locked": "dim",
                "not available yet": "dim"}


def print_status(progress: course_progress.CourseProgress, out=None) -> None:
    out = out or console()
    out.print(Text(f"Course progress for {progress.learner}", style="bold"))
    out.print(progress_bar(progress.done, progress.total))
    table = Table(show_lines=False, expand=False)
    for column, options in (("Module", {}), ("Title", {"overflow": "fold", "max_width": 48}), ("State", {}),
                            ("Best", {"justify": "right"}), ("Attempts", {"justify": "right"})):
        table.add_column(column, **options)
    for row in progress.modules:
        state = row.state
        if state == "locked":
            state = f"locked (pass {', '.join(row.missing_prerequisites)} first)"
        best = f"{row.best_score}/{row.max_score}" if row.attempts and row.max_score else ""
        mark = "✔ " if row.passed else ""
        table.add_row(row.module.id, row.module.title, Text(mark + state, style=STATE_STYLES.get(row.state, "")),
                      best, str(row.attempts or ""))
    out.print(table)
    nxt = progress.next_module
    if nxt is None:
        out.print(Text("Every module passed: the course is done.", style="bold green"))
    elif not nxt.available:
        out.print(f"Next: {nxt.module.id} ({nxt.module.title}), not available in this copy of the course yet.",
                  soft_wrap=True)
    elif nxt.missing_prerequisites:
        out.print(f"Next: {nxt.module.id} ({nxt.module.title}), after {', '.join(nxt.missing_prerequisites)}.",
                  soft_wrap=True)
    else:
        how = f"{GRADER} {nxt.module.id}" if nxt.attempts else f"{GRADER} start {nxt.module.id}"
        out.print(Text.assemble("Next: ", (f"{nxt.module.id} ({nxt.module.title})", "bold"), f": {how}"),
                  soft_wrap=True)
    _print_last(out, progress.last)


def _print_last(out, last) -> None:
    if last is None:
        out.print(f"Nothing graded yet: {GRADER} start <module>, then {GRADER} <module>.", soft_wrap=True)
        return
    when = course_progress.local_time(last.finished).strftime("%Y-%m-%d %H:%M")
    verdict = {"passed": "passed", "failed": "not passed yet", "error": "not graded"}.get(last.status, last.status)
    style = "bold green" if last.status == "passed" else "bold red"
    out.print(Text.assemble("Last graded: ", (f"{last.module}", "bold"), f" on {when}: ",
                            (f"{last.score}/{last.max_score} points, {verdict}", style)), soft_wrap=True)
    if last.error:
        out.print(Text(f"  {last.error}", style="red"), soft_wrap=True)
    failed = [c for c in last.checks if not c.passed]
    for check in failed:
        out.print(Text.assemble(("  ✘ ", "red"), (check.title or check.name, "bold"),
                                f": {_first_sentence(check.hint)}" if check.hint else ""), soft_wrap=True)
    if failed:
        out.print(f"  The hint and workshop step of each: {GRADER} hint {last.module} [CHECK]", soft_wrap=True)


def _first_sentence(text: str, limit: int = 160) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first if len(first) <= limit else first[:limit - 1].rstrip() + "…"


# ====================================================================== hint
EXERCISE_IN_HINT = re.compile(r"exercise '([\w-]+)'")


def hint_main(argv: list[str]) -> int:
    from .progress import Store

    parser = argparse.ArgumentParser(prog="grader.py hint",
                                     description="The hint and the workshop step for a failed check of your last "
                                                 "attempt at a module.")
    parser.add_argument("module", help=f"the module: {', '.join(catalog.MODULES)}")
    parser.add_argument("check", nargs="?",
                        help="a check: its name (with or without test_), words of its title, or an exercise "
                             "(default: every failed check)")
    parser.add_argument("--learner", help="your learner id (default: GRADER_LEARNER or your login)")
    parser.add_argument("--store", help="SQLAlchemy URL of the progress store (or GRADER_STORE)")
    args = parser.parse_args(argv)
    module = catalog.get(args.module)
    learner = _learner(args.learner)
    attempt = course_progress.last_attempt(Store(args.store), learner, module.id)
    if attempt is None:
        raise BadInput(f"{learner} has not graded {module.id} yet, so there is no hint to give.",
                       f"Grade it first: {GRADER} {module.id}")
    out = console()
    when = course_progress.local_time(attempt.finished).strftime("%Y-%m-%d %H:%M")
    if args.check:
        chosen = course_progress.match_checks(attempt.checks, args.check)
        if not chosen:
            failed = [c.name for c in attempt.checks if not c.passed]
            raise BadInput(f"No check {args.check!r} in your last attempt at {module.id}.",
                           f"Its failed checks: {', '.join(failed)}." if failed
                           else f"`{GRADER} hint {module.id}` lists them.")
    else:
        chosen = [c for c in attempt.checks if not c.passed]
    if attempt.error and not attempt.checks:
        out.print(Text(f"Your last attempt at {module.id} ({when}) was not graded: {attempt.error}", style="red"),
                  soft_wrap=True)
        return EXIT_FAILED
    if not chosen:
        out.print(Text(f"Every check of your last attempt at {module.id} ({when}) passed: "
                       f"{attempt.score}/{attempt.max_score} points.", style="bold green"), soft_wrap=True)
        return 0
    notebook = _graded_notebook(attempt, module, learner)
    out.print(f"Your last attempt at {module.id} ({when}): {attempt.score}/{attempt.max_score} points.",
              soft_wrap=True)
    for check in chosen:
        out.print(_hint_panel(check, module, notebook))
    return 0 if all(c.passed for c in chosen) else EXIT_FAILED


def _graded_notebook(attempt, module: catalog.Module, learner: str) -> Path | None:
    for candidate in (attempt.notebook, workspace.learner_notebook(module, learner)):
        if candidate and Path(candidate).is_file() and not attempt.reference:
            return Path(candidate)
    return None


def _hint_panel(check, module: catalog.Module, notebook: Path | None) -> Panel:
    group = GROUP_TITLES.get(check.group, check.group)
    mark = Text("✔ passed", style="green") if check.passed else Text("✘ failed", style="red")
    parts = [Text.assemble(mark, f"  {group}, {check.points} point{'s' if check.points != 1 else ''}  ",
                           (check.name, "dim"))]
    if check.passed:
        parts.append(Text("This check passed in your last attempt."))
    elif check.hint:
        parts.append(Text(check.hint))
    exercise = check.exercise or next(iter(EXERCISE_IN_HINT.findall(check.hint or "")), None)
    step = course_progress.workshop_step(module, exercise, notebook)
    if step is not None:
        where = (f"cell {step.cell_number} of {_shown(step.notebook)}" if step.notebook != module.source_notebook
                 else f"cell {step.cell_number} of the module's notebook")
        parts += [Text(""), Text.assemble(("Workshop step: ", "bold"), step.title, f" ({where})"),
                  Markdown(step.text)]
    return Panel(Group(*parts), title=check.title or check.name, title_align="left", expand=False)
