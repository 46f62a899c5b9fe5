"""The store of attempts: every grading run, passed, failed or refused, append-only.

SQLAlchemy, so the default SQLite file (GRADER_HOME/progress.sqlite, WAL so several graders
can write at once) and a class-wide PostgreSQL server (GRADER_STORE=postgresql://...) are the
same code.
"""
from __future__ import annotations

import datetime as dt
import os

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text, create_engine, event, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from .errors import InfrastructureError


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    pass


class Learner(Base):
    __tablename__ = "learners"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    registered: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Registration(Base):
    """Who a learner is, as they registered in module0: the name the class knows them by."""

    __tablename__ = "registrations"
    learner: Mapped[str] = mapped_column(ForeignKey("learners.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    account_id: Mapped[str] = mapped_column(String(12), default="")
    region: Mapped[str] = mapped_column(String(32), default="")
    registered: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Attempt(Base):
    __tablename__ = "attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner: Mapped[str] = mapped_column(ForeignKey("learners.id"), index=True)
    module: Mapped[str] = mapped_column(String(64), index=True)
    started: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    status: Mapped[str] = mapped_column(String(16))  # passed | failed | error
    reference: Mapped[bool] = mapped_column(Boolean, default=False)  # the shipped solution, not the learner's work
    score: Mapped[int] = mapped_column(Integer, default=0)
    max_score: Mapped[int] = mapped_column(Integer, default=0)
    backend: Mapped[str] = mapped_column(String(16), default="")
    notebook: Mapped[str] = mapped_column(Text, default="")
    notebook_sha256: Mapped[str] = mapped_column(String(64), default="")
    run_dir: Mapped[str] = mapped_column(Text, default="")
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    exit_code: Mapped[int] = mapped_column(Integer, default=0)
    checks: Mapped[list[CheckRow]] = relationship(back_populates="attempt", cascade="all, delete-orphan",
                                                    order_by="CheckRow.id")


class CheckRow(Base):
    __tablename__ = "check_results"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text, default="")
    group: Mapped[str] = mapped_column(String(32))
    points: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
    hint: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[str] = mapped_column(Text, default="")
    exercise: Mapped[str | None] = mapped_column(String(64), nullable=True)
    attempt: Mapped[Attempt] = relationship(back_populates="checks")


def default_url() -> str:
    from .workspace import home

    return os.environ.get("GRADER_STORE") or f"sqlite:///{home() / 'progress.sqlite'}"


class Store:
    def __init__(self, url: str | None = None):
        self.url = url or default_url()
        try:
            if self.url.startswith("sqlite:///"):
                from pathlib import Path

                Path(self.url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_engine(self.url, connect_args={"timeout": 30} if self.url.startswith("sqlite") else {})
        except ImportError as exc:
            raise InfrastructureError(f"The progress store {self.url.split(':')[0]} needs a driver that is not "
                                      f"installed ({exc.name}).", f"pip install {exc.name}") from None
        except SQLAlchemyError as exc:
            raise InfrastructureError(f"The progress store URL {self.url!r} is not valid ({exc}).",
                                      "Pass an SQLAlchemy URL, e.g. sqlite:///progress.sqlite.") from None
        except OSError as exc:
            raise InfrastructureError(f"The progress store at {self.url} cannot be created ({exc.strerror}).",
                                      "Check --store / GRADER_STORE and the folder's permissions.") from None
        if self.url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            Base.metadata.create_all(self.engine)
        except (SQLAlchemyError, OSError) as exc:
            raise InfrastructureError(f"The progress store at {self.url} cannot be opened: {exc.__class__.__name__}.",
                                      "Check --store / GRADER_STORE and that the database is reachable.") from None

    def record(self, verdict, *, started: dt.datetime, backend: str, notebook: str = "",
               notebook_sha256: str = "", run_dir: str = "", reference: bool = False) -> int:
        """Store one attempt with its check results; returns the attempt id."""
        try:
            return self._record(verdict, started, backend, notebook, notebook_sha256, run_dir, reference)
        except (SQLAlchemyError, OSError) as exc:
            raise InfrastructureError(f"The attempt could not be recorded in {self.url} ({type(exc).__name__}).",
                                      "Check that the store is writable and reachable, then grade again.") from None

    def _record(self, verdict, started, backend, notebook, notebook_sha256, run_dir, reference) -> int:
        with Session(self.engine) as session, session.begin():
            if session.get(Learner, verdict.learner) is None:
                session.add(Learner(id=verdict.learner))
                session.flush()
            attempt = Attempt(
                learner=verdict.learner, module=verdict.module[:64], started=started, finished=_now(),
                reference=reference,
                status="error" if verdict.error else ("passed" if verdict.passed else "failed"),
                score=verdict.score, max_score=verdict.max_score, backend=backend, notebook=notebook,
                notebook_sha256=notebook_sha256, run_dir=run_dir, seconds=verdict.seconds, error=verdict.error,
                exit_code=verdict.exit_code,
                checks=[CheckRow(name=c.name, title=c.title, group=c.group, points=c.points, passed=c.passed,
                                 hint=c.hint, details=c.details, exercise=c.exercise) for c in verdict.checks],
            )
            session.add(attempt)
            session.flush()
            return attempt.id

    def register(self, learner: str, name: str, account_id: str = "", region: str = "") -> Registration:
        """Register a learner (or update their registration); returns the stored row."""
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                if session.get(Learner, learner) is None:
                    session.add(Learner(id=learner))
                    session.flush()
                row = session.get(Registration, learner)
                if row is None:
                    row = Registration(learner=learner, name=name, account_id=account_id, region=region)
                    session.add(row)
                else:
                    row.name, row.account_id, row.region, row.updated = name, account_id, region, _now()
                return row
        except (SQLAlchemyError, OSError) as exc:
            raise InfrastructureError(
                f"{learner} could not be registered in {self.url} ({type(exc).__name__}).",
                "Check that the store is writable and reachable, then run the cell again.") from None

    def registration(self, learner: str) -> Registration | None:
        with Session(self.engine, expire_on_commit=False) as session:
            return session.get(Registration, learner)

    def passed(self, learner: str, module: str) -> bool:
        """Whether the learner passed the module with their own work (reference runs do not count)."""
        query = select(Attempt.id).where(Attempt.learner == learner, Attempt.module == module,
                                         Attempt.status == "passed", Attempt.reference.is_(False)).limit(1)
        with Session(self.engine) as session:
            return session.scalar(query) is not None

    def attempts(self, learner: str | None = None, module: str | None = None) -> list[Attempt]:
        query = select(Attempt).order_by(Attempt.id)
        if learner:
            query = query.where(Attempt.learner == learner)
        if module:
            query = query.where(Attempt.module == module)
        with Session(self.engine, expire_on_commit=False) as session:
            rows = list(session.scalars(query))
            for row in rows:
                _ = row.checks  # load before the session closes
            return rows


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
