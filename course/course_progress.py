"""One learner's way through the course, read from the store: what is done, what is next, what failed.

Only the learner's own attempts count: reference runs (`--reference`) are the shipped solution.
Modules come from the catalog in course order; a module whose notebook is not in this copy of
the course yet is shown as not available, never as an error. Hints come with the workshop
step they belong to: checks name an exercise (pytest marker `exercise`), the notebook's
exercise cell carries the same name (metadata.grader.exercise) and the markdown cell before it
describes the step.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import catalog
from .catalog import Module
from .progress import Attempt, CheckRow, Store, utc


@dataclass
class ModuleProgress:
    module: Module
    available: bool  # its notebook is in this copy of the course
    attempts: int = 0
    passed: bool = False
    best_score: int = 0
    max_score: int = 0
    last: Attempt | None = None
    missing_prerequisites: list[str] = field(default_factory=list)

    @property
    def state(self) -> str:
        if self.passed:
            return "passed"
        if not self.available:
            return "not available yet"
        if self.attempts:
            return "in progress"
        if self.missing_prerequisites:
            return "locked"
        return "not started"

    def as_dict(self) -> dict:
        return {"module": self.module.id, "title": self.module.title, "state": self.state,
                "available": self.available, "attempts": self.attempts, "passed": self.passed,
                "best_score": self.best_score, "max_score": self.max_score,
                "missing_prerequisites": self.missing_prerequisites}


@dataclass
class CourseProgress:
    learner: str
    modules: list[ModuleProgress]
    last: Attempt | None  # the learner's most recent own attempt, any module

    @property
    def done(self) -> int:
        return sum(m.passed for m in self.modules)

    @property
    def total(self) -> int:
        return len(self.modules)

    @property
    def next_module(self) -> ModuleProgress | None:
        """The first module in course order not passed yet that can be worked on now, else the first not passed."""
        open_ = [m for m in self.modules if not m.passed]
        ready = [m for m in open_ if m.available and not m.missing_prerequisites]
        return (ready or open_ or [None])[0]

    def as_dict(self) -> dict:
        last = self.last
        return {
            "learner": self.learner, "done": self.done, "total": self.total,
            "next": self.next_module.module.id if self.next_module else None,
            "modules": [m.as_dict() for m in self.modules],
            "last": None if last is None else {
                "module": last.module, "status": last.status, "score": last.score, "max_score": last.max_score,
                "finished": local_time(last.finished).isoformat(timespec="seconds"), "error": last.error,
                "failed_checks": [{"name": c.name, "title": c.title, "hint": c.hint, "exercise": c.exercise}
                                  for c in last.checks if not c.passed]},
        }


def own(attempts) -> list[Attempt]:
    return [a for a in attempts if not a.reference]


def build(learner: str, attempts: list[Attempt], modules: dict[str, Module] | None = None) -> CourseProgress:
    """The learner's progress from their attempts (any order; reference runs ignored)."""
    modules = catalog.MODULES if modules is None else modules
    mine = sorted(own(a for a in attempts if a.learner == learner), key=lambda a: a.id or 0)
    passed = {a.module for a in mine if a.status == "passed"}
    rows = []
    for module in modules.values():
        tries = [a for a in mine if a.module == module.id]
        best = max(tries, key=lambda a: (a.status == "passed", a.score), default=None)
        rows.append(ModuleProgress(
            module=module, available=module.source_notebook.is_file(), attempts=len(tries),
            passed=module.id in passed, best_score=best.score if best else 0, max_score=best.max_score if best else 0,
            last=tries[-1] if tries else None,
            missing_prerequisites=[p for p in module.prerequisites if p not in passed]))
    return CourseProgress(learner, rows, mine[-1] if mine else None)


def load(learner: str, store: Store) -> CourseProgress:
    return build(learner, store.attempts(learner=learner))


def last_attempt(store: Store, learner: str, module_id: str) -> Attempt | None:
    mine = own(store.attempts(learner=learner, module=module_id))
    return max(mine, key=lambda a: (utc(a.finished), a.id)) if mine else None  # imports get new ids


def local_time(moment: dt.datetime) -> dt.datetime:
    """A store time (UTC) in the learner's own zone."""
    return utc(moment).astimezone()


# ------------------------------------------------------------------ hints and workshop steps
@dataclass
class Step:
    exercise: str
    title: str  # the exercise's title (metadata.grader.title) or the step's heading
    text: str  # the markdown cell that describes the step
    cell_number: int  # 1-based position of the exercise cell in the notebook
    notebook: Path


def workshop_step(module: Module, exercise: str | None, notebook: Path | None = None) -> Step | None:
    """The step of the workshop an exercise belongs to, from the learner's copy (else the source notebook)."""
    if not exercise:
        return None
    for path in ([notebook] if notebook else []) + [module.source_notebook]:
        step = _step_in(Path(path), exercise)
        if step is not None:
            return step
    return None


def _step_in(path: Path, exercise: str) -> Step | None:
    try:
        cells = nbformat.read(path, as_version=4).cells
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        return None
    for index, cell in enumerate(cells):
        grader = cell.get("metadata", {}).get("grader", {})
        if cell.cell_type == "code" and grader.get("exercise") == exercise:
            text = next((c.source for c in reversed(cells[:index]) if c.cell_type == "markdown"), "")
            heading = next((line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#")), "")
            return Step(exercise, heading or grader.get("title") or exercise, text.strip(), index + 1, path)
    return None


def match_checks(checks: list[CheckRow], query: str) -> list[CheckRow]:
    """Checks named by a query: the exact name, the name without `test_`, or words of the name or title."""
    query = query.strip().lower()
    for exact in (query, f"test_{query}"):
        found = [c for c in checks if c.name.lower() == exact]
        if found:
            return found
    words = query.replace("-", "_").replace(" ", "_")
    return [c for c in checks if words in c.name.lower() or query in (c.title or "").lower()
            or query == (c.exercise or "").lower()]
