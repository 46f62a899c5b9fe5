"""The class's progress, read from the store: the learners x modules matrix and what an instructor asks of it.

One aggregate query per question, so a class of 10,000 learners reads in well under a second:
the matrix (best score, attempts, last attempt, passed, time to pass), per-module pass rates,
the checks that fail most (in each learner's latest attempt), and who left something billing
(a cleanup check failed in their latest attempt of a module). Only learners' own attempts count;
reference runs are the shipped solution.
"""
from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from sqlalchemy import Integer, and_, case, func, select
from sqlalchemy.orm import Session

from . import catalog
from .progress import Attempt, CheckRow, Registration, Store, utc


@dataclass
class Cell:
    """One learner's record on one module."""

    attempts: int
    best_score: int
    max_score: int
    passed: bool
    last_finished: dt.datetime  # as the database hands it back (SQLite: naive, in UTC)
    minutes_to_pass: float | None  # from the first attempt's start to the first pass's end

    @property
    def last_attempt(self) -> dt.datetime:
        return utc(self.last_finished)

    @property
    def percent(self) -> int:
        return round(100 * self.best_score / self.max_score) if self.max_score else 0


@dataclass
class LearnerRow:
    learner: str
    name: str
    cells: dict[str, Cell] = field(default_factory=dict)

    @property
    def passed(self) -> int:
        return sum(cell.passed for cell in self.cells.values())

    @property
    def last_attempt(self) -> dt.datetime | None:
        return utc(max((cell.last_finished for cell in self.cells.values()), default=None))

    @property
    def attempts(self) -> int:
        return sum(cell.attempts for cell in self.cells.values())


@dataclass
class ModuleStats:
    module: str
    title: str
    tried: int  # learners with an attempt
    passed: int
    attempts: int
    median_minutes_to_pass: float | None

    @property
    def pass_rate(self) -> float:
        return self.passed / self.tried if self.tried else 0.0


@dataclass
class FailingCheck:
    module: str
    check: str
    title: str
    learners: int  # learners whose latest attempt of the module fails it


@dataclass
class Leftover:
    learner: str
    module: str
    checks: list[str]
    hint: str
    when: dt.datetime


@dataclass
class ClassProgress:
    modules: list[str]
    learners: list[LearnerRow]
    module_stats: list[ModuleStats]
    failing_checks: list[FailingCheck] = field(default_factory=list)
    leftovers: list[Leftover] = field(default_factory=list)
    generated: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))


SORTS = ("learner", "progress", "last")


def matrix(store: Store, module: str | None = None, learner: str | None = None) -> tuple[list[str], list[LearnerRow]]:
    """(modules in course order, learner rows) for the learners' own attempts."""
    own = Attempt.reference.is_(False)
    passed = case((Attempt.status == "passed", 1), else_=0)
    first_pass_end = func.min(case((Attempt.status == "passed", Attempt.finished), else_=None))
    query = (select(Attempt.learner, Attempt.module, func.count(), func.max(Attempt.score),
                    func.max(Attempt.max_score), func.max(passed).cast(Integer), func.max(Attempt.finished),
                    func.min(Attempt.started), first_pass_end)
             .where(own).group_by(Attempt.learner, Attempt.module))
    if module:
        query = query.where(Attempt.module == module)
    if learner:
        query = query.where(Attempt.learner == learner)
    rows: dict[str, LearnerRow] = {}
    seen_modules = set()
    with Session(store.engine) as session:
        names = dict(session.execute(select(Registration.learner, Registration.name)).all())
        for who, mod, count, best, most, ok, last, first_start, first_pass in session.execute(query):
            minutes = (first_pass - first_start).total_seconds() / 60 if first_pass and first_start else None
            row = rows.get(who) or rows.setdefault(who, LearnerRow(who, names.get(who, "")))
            row.cells[mod] = Cell(count, best or 0, most or 0, bool(ok), last, minutes)  # aware on reading
            seen_modules.add(mod)
        if module and not learner:  # every learner has a row, tried this module or not
            everyone = select(Attempt.learner).where(own).distinct()
            for who in session.scalars(everyone):
                rows.setdefault(who, LearnerRow(who, names.get(who, "")))
    if module:
        return [module], list(rows.values())
    return sorted(set(catalog.MODULES) | seen_modules, key=_course_order), list(rows.values())


def _course_order(module: str) -> tuple:
    """Course order: module0, module1, ... module10 (also modules graded once and no longer in the catalog)."""
    digits = "".join(ch for ch in module if ch.isdigit())
    return (int(digits) if digits else 1 << 30, module)


def sort_rows(rows: list[LearnerRow], by: str) -> list[LearnerRow]:
    if by == "progress":  # most modules passed first, then the most recent
        epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
        return sorted(rows, key=lambda r: (-r.passed, -(r.last_attempt or epoch).timestamp(), r.learner))
    if by == "last":
        epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
        return sorted(rows, key=lambda r: (r.last_attempt or epoch, r.learner), reverse=True)
    return sorted(rows, key=lambda r: r.learner)


def module_stats(modules: list[str], rows: list[LearnerRow]) -> list[ModuleStats]:
    stats = []
    for module in modules:
        cells = [row.cells[module] for row in rows if module in row.cells]
        times = [c.minutes_to_pass for c in cells if c.minutes_to_pass is not None]
        title = catalog.MODULES[module].title if module in catalog.MODULES else ""
        stats.append(ModuleStats(module, title, len(cells), sum(c.passed for c in cells),
                                 sum(c.attempts for c in cells), statistics.median(times) if times else None))
    return stats


def _latest_attempts(module: str | None):
    """The id of each learner's latest own attempt of each module: the last to finish (an imported
    attempt gets a new id, so ids do not tell)."""
    rank = func.row_number().over(partition_by=(Attempt.learner, Attempt.module),
                                  order_by=(Attempt.finished.desc(), Attempt.id.desc())).label("rank")
    ranked = select(Attempt.id, rank).where(Attempt.reference.is_(False))
    if module:
        ranked = ranked.where(Attempt.module == module)
    ranked = ranked.subquery()
    return select(ranked.c.id).where(ranked.c.rank == 1)


def failing_checks(store: Store, module: str | None = None, limit: int = 10) -> list[FailingCheck]:
    latest = _latest_attempts(module)
    query = (select(Attempt.module, CheckRow.name, func.max(CheckRow.title), func.count())
             .join(Attempt, Attempt.id == CheckRow.attempt_id)
             .where(and_(CheckRow.attempt_id.in_(latest), CheckRow.passed.is_(False)))
             .group_by(Attempt.module, CheckRow.name).order_by(func.count().desc(), CheckRow.name).limit(limit))
    with Session(store.engine) as session:
        return [FailingCheck(mod, name, title or name, count) for mod, name, title, count in session.execute(query)]


def leftovers(store: Store, module: str | None = None) -> list[Leftover]:
    """Learners whose latest attempt of a module failed a cleanup check: something may still bill."""
    latest = _latest_attempts(module)
    query = (select(Attempt.learner, Attempt.module, Attempt.finished, CheckRow.name, CheckRow.hint)
             .join(Attempt, Attempt.id == CheckRow.attempt_id)
             .where(and_(CheckRow.attempt_id.in_(latest), CheckRow.group == "cleanup", CheckRow.passed.is_(False)))
             .order_by(Attempt.learner, Attempt.module, CheckRow.id))
    found: dict[tuple[str, str], Leftover] = {}
    with Session(store.engine) as session:
        for who, mod, when, check, hint in session.execute(query):
            item = found.setdefault((who, mod), Leftover(who, mod, [], hint, utc(when)))
            item.checks.append(check)
    return list(found.values())


def class_progress(store: Store, module: str | None = None, learner: str | None = None,
                   sort: str = "learner", details: bool = True) -> ClassProgress:
    modules, rows = matrix(store, module, learner)
    rows = sort_rows(rows, sort)
    result = ClassProgress(modules, rows, module_stats(modules, rows))
    if details:
        result.failing_checks = failing_checks(store, module)
        result.leftovers = leftovers(store, module)
    return result
