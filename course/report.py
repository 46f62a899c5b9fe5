"""What people see: live progress while a notebook runs, and the verdict as a table or JSON."""
from __future__ import annotations

import os
import sys

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

GROUP_TITLES = {"outputs": "Outputs", "resources": "Resources", "cleanup": "Cleanup"}


PIPED_WIDTH = 160  # logs and pipes: wide enough that tables of names, costs and commands rarely fold


def console(stderr: bool = False) -> Console:
    """A terminal's own width; elsewhere (CI logs, pipes) PIPED_WIDTH unless COLUMNS says otherwise."""
    probe = Console(stderr=stderr)
    width = None if probe.is_terminal or os.environ.get("COLUMNS") else PIPED_WIDTH
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width)


class NotebookProgress:
    """Cell-by-cell progress on stderr, so `--json` output on stdout stays clean.

    On a terminal: a live bar with the running cell. Elsewhere (CI logs): one line per
    exercise cell, so a hang is visible in the log.
    """

    def __init__(self, title: str, out: Console | None = None):
        self.out = out or console(stderr=True)
        self.title = title
        self.live = self.out.is_terminal
        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                 TextColumn("{task.completed}/{task.total} cells"), TimeElapsedColumn(),
                                 console=self.out, transient=True) if self.live else None
        self.task = None

    def __enter__(self):
        if self.progress:
            self.progress.start()
        return self

    def __exit__(self, *exc):
        if self.progress:
            self.progress.stop()

    def __call__(self, event: str, index: int, total: int, cell) -> None:
        exercise = cell.metadata.get("grader", {}).get("exercise")
        what = f" (exercise '{exercise}')" if exercise else ""
        if self.progress:
            if self.task is None:
                self.task = self.progress.add_task(self.title, total=total)
            if event == "start":
                self.progress.update(self.task, description=f"{self.title}: cell {index + 1}{what}")
            else:
                self.progress.update(self.task, completed=index + 1)
        elif event == "start" and exercise:
            print(f"[grader] {self.title}: cell {index + 1}/{total} (exercise '{exercise}')", file=sys.stderr,
                  flush=True)


def print_verdict(verdict, out: Console | None = None, notes: list[str] | None = None,
                  err: Console | None = None) -> None:
    """The verdict table on stdout; notes and a grading error as single lines on stderr."""
    out, err = out or console(), err or console(stderr=True)
    for note in notes or []:
        err.print(note, soft_wrap=True)
    if verdict.error and not verdict.checks:
        err.print(Text(f"error: {verdict.error}", style="bold red"), soft_wrap=True)
        return
    table = Table(title=f"{verdict.module} for {verdict.learner}", title_justify="left", show_lines=False,
                  expand=False)
    table.add_column("", width=2)
    table.add_column("Check", overflow="fold", max_width=58)
    table.add_column("Points", justify="right")
    hints = not all(check.passed for check in verdict.checks)
    if hints:
        table.add_column("Hint", overflow="fold", max_width=80)
    group = None
    for check in verdict.checks:
        if check.group != group:
            group = check.group
            table.add_row("", Text(GROUP_TITLES.get(group, group), style="bold"), "", *([""] if hints else []))
        mark = Text("✔", style="green") if check.passed else Text("✘", style="red")
        hint = ["" if check.passed else check.hint] if hints else []
        table.add_row(mark, check.title, f"{check.score}/{check.points}", *hint)
    out.print(table)
    style = "bold green" if verdict.passed else "bold red"
    state = "passed" if verdict.passed else "not passed yet"
    out.print(Text(f"{verdict.module}: {verdict.score}/{verdict.max_score} points, {state} "
                   f"({verdict.seconds:.1f} s)", style=style), soft_wrap=True)
    if verdict.error:
        err.print(Text(f"error: {verdict.error}", style="bold red"), soft_wrap=True)
